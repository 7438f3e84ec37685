/* The JSON-lines request log tests count requests with: one object per request, written with
 * a single write(2) on an O_APPEND descriptor, so lines never interleave and are on disk (in
 * the page cache) before the response leaves. Secrets are never part of a line. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "emu/emu.h"

struct emu_log {
    int fd;
    pthread_mutex_t lock;
};

int emu_log_open(const char *path, struct emu_log **out)
{
    struct emu_log *l = calloc(1, sizeof(*l));
    if (!l)
        return -ENOMEM;
    l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (l->fd < 0) {
        int e = errno;
        free(l);
        return -e;
    }
    pthread_mutex_init(&l->lock, NULL);
    *out = l;
    return 0;
}

void emu_log_close(struct emu_log *l)
{
    if (!l)
        return;
    close(l->fd);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* Appends s as a JSON string literal (quotes, backslash and control characters escaped;
 * other bytes, UTF-8 included, pass through). */
static void json_str(struct oss_buf *b, const char *s)
{
    oss_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            oss_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            oss_buf_printf(b, "\\u%04x", *p);
        else
            oss_buf_putc(b, (char)*p);
    }
    oss_buf_putc(b, '"');
}

static void field(struct oss_buf *b, const char *name, const char *value)
{
    oss_buf_printf(b, ",\"%s\":", name);
    json_str(b, value);
}

/* One line: what was asked (op, method, bucket, key, bytes_in, akid), what was answered
 * (status, code, bytes_out as sent) and which faults were injected. */
void emu_log_request_fault(struct emu_log *l, const struct emu_req *req,
                           const struct emu_resp *resp, const char *fault, uint64_t bytes_in,
                           uint64_t bytes_out, double latency_ms)
{
    struct oss_buf b = OSS_BUF_INIT;
    struct timeval tv;
    struct tm tm;

    if (!l)
        return;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    oss_buf_printf(&b, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   (int)(tv.tv_usec / 1000));
    field(&b, "op", req->op ? req->op : "Unknown");
    field(&b, "method", req->method);
    field(&b, "bucket", req->bucket ? req->bucket : "");
    field(&b, "key", req->key ? req->key : "");
    field(&b, "region", req->region ? req->region : "");
    oss_buf_printf(&b, ",\"status\":%d", resp->status);
    field(&b, "code", resp->code);
    field(&b, "fault", fault ? fault : "");
    oss_buf_printf(&b, ",\"bytes_in\":%llu,\"bytes_out\":%llu,\"latency_ms\":%.3f",
                   (unsigned long long)bytes_in, (unsigned long long)bytes_out, latency_ms);
    field(&b, "akid", req->who.akid ? req->who.akid : "");
    oss_buf_printf(&b, ",\"secure\":%s", req->secure ? "true" : "false");
    field(&b, "request_id", req->request_id);
    oss_buf_puts(&b, "}\n");

    if (b.data) {
        pthread_mutex_lock(&l->lock);
        size_t off = 0;
        while (off < b.len) {
            ssize_t n = write(l->fd, b.data + off, b.len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break; /* a full disk loses log lines, never requests */
            off += (size_t)n;
        }
        pthread_mutex_unlock(&l->lock);
    }
    oss_buf_cleanup(&b);
}
