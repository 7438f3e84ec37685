/* The audit log of changes made through control files: one JSON object per change, to syslog
 * (LOG_AUTHPRIV) or appended to a file. Records carry who (uid, pid, command), what (entry,
 * bucket, key, version, old and new value) and the OSS outcome, never credentials. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl/ctl.h"

struct ctl_audit {
    int fd; /* -1: syslog */
};

struct ctl_audit *ctl_audit_open(const char *path)
{
    struct ctl_audit *a = calloc(1, sizeof(*a));
    int saved;

    if (!a) {
        errno = ENOMEM;
        return NULL;
    }
    a->fd = -1;
    if (!path)
        return a;
    a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (a->fd < 0) {
        saved = errno;
        free(a);
        errno = saved;
        return NULL;
    }
    return a;
}

void ctl_audit_close(struct ctl_audit *a)
{
    if (!a)
        return;
    if (a->fd >= 0)
        close(a->fd);
    free(a);
}

/* The command name of pid from /proc/PID/comm, "" when it is gone. */
static void read_comm(int pid, char *out, size_t outlen)
{
    char path[64];
    ssize_t n;
    int fd;

    out[0] = '\0';
    snprintf(path, sizeof(path), "/proc/%d/comm", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    n = read(fd, out, outlen - 1);
    close(fd);
    if (n <= 0)
        return;
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

/* UTC time with milliseconds, as the request log writes it. */
static void now_iso(char *out, size_t outlen)
{
    struct timespec ts;
    struct tm tm;
    char base[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, outlen, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

/* A JSON string, or null for NULL; text that is not UTF-8 is replaced, not dropped. */
static json_t *str_or_null(const char *s)
{
    json_t *v;

    if (!s)
        return json_null();
    v = json_string(s);
    return v ? v : json_string("(not UTF-8)");
}

/* Builds the record; NULL on allocation failure. */
static json_t *record_json(const struct ctl_audit_record *r)
{
    const struct ctl_target *t = r->target;
    const struct oss_error *e = r->err;
    const char *rid = r->request_id;
    char when[48], comm[32];
    json_t *o = json_object();

    if (!o)
        return NULL;
    now_iso(when, sizeof(when));
    read_comm(r->pid, comm, sizeof(comm));
    if ((!rid || !rid[0]) && e && e->request_id[0])
        rid = e->request_id;
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "uid", json_integer(r->uid));
    json_object_set_new(o, "pid", json_integer(r->pid));
    json_object_set_new(o, "comm", str_or_null(comm));
    json_object_set_new(o, "entry", str_or_null(r->entry));
    json_object_set_new(o, "bucket", str_or_null(t ? t->bucket : NULL));
    json_object_set_new(o, "key", str_or_null(t ? t->key : NULL));
    json_object_set_new(o, "version", str_or_null(t ? t->version_id : NULL));
    json_object_set_new(o, "old", str_or_null(r->old_value));
    json_object_set_new(o, "new", str_or_null(r->new_value));
    json_object_set_new(o, "action", json_string(r->new_value ? "set" : "delete"));
    json_object_set_new(o, "request_id", str_or_null(rid && rid[0] ? rid : NULL));
    if (e && e->err != 0) {
        json_object_set_new(o, "result", json_string("error"));
        json_object_set_new(o, "errno", json_integer(-e->err));
        /* A refusal that never reached OSS has no code and no status. */
        json_object_set_new(o, "code", str_or_null(e->code[0] ? e->code : NULL));
        json_object_set_new(o, "message", str_or_null(e->message));
        if (e->http_status)
            json_object_set_new(o, "http_status", json_integer(e->http_status));
    } else {
        json_object_set_new(o, "result", json_string("ok"));
    }
    return o;
}

/* Appends line + '\n' with one write() (O_APPEND keeps concurrent lines whole). */
static void write_line(int fd, const char *line)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 1);
    size_t off = 0;

    if (!buf)
        return;
    memcpy(buf, line, n);
    buf[n++] = '\n';
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(buf);
}

void ctl_audit_write(struct ctl_audit *a, const struct ctl_audit_record *r)
{
    json_t *o;
    char *line;

    if (!a || !r)
        return;
    o = record_json(r);
    if (!o)
        return;
    line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line)
        return;
    if (a->fd >= 0)
        write_line(a->fd, line);
    else
        syslog(LOG_AUTHPRIV | LOG_NOTICE, "osspermfs audit: %s", line);
    free(line);
}
