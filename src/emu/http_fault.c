/* Fault injection on the wire for ossemu's HTTP front: a content reader that paces an answer
 * body to a bandwidth cap and can stop after N bytes to reset the connection, the reset
 * itself (SO_LINGER 0 after the send queue drained, so what was counted as sent arrived), the
 * injected error answers and the injected latency. */
#include <errno.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_fault.h"

#define PACE_SLICES 20 /* a paced body goes out in slices of bandwidth/20 bytes (50 ms) */

void emu_conn_reset(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    int fd = ci->connect_fd;
    for (int i = 0; i < 1000; i++) {
        int queued = 0;
        if (ioctl(fd, SIOCOUTQ, &queued) != 0 || queued <= 0)
            break;
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* Sleeps until t0 + bytes / bandwidth. */
static void pace(const struct emu_paced_body *b, uint64_t bytes)
{
    struct timespec now, until = b->t0;
    double secs = (double)bytes / (double)b->bandwidth;
    until.tv_sec += (time_t)secs;
    until.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > until.tv_sec || (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec))
        return;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        ;
}

/* MHD content reader. pos advances only after the previous block was sent, so at the cut
 * exactly pos body bytes have been written to the socket. on_done comes at the cut or with the
 * last block, so a paced answer is logged with the time its transfer took (less one slice). */
static ssize_t paced_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct emu_paced_body *b = cls;

    if (pos >= b->cut || pos >= b->total) {
        if (!b->done) {
            b->done = 1;
            emu_conn_reset(b->conn);
            if (b->on_done)
                b->on_done(b->arg, pos);
        }
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    uint64_t n = b->total - pos;
    if (b->cut - pos < n)
        n = b->cut - pos;
    if (n > max)
        n = max;
    if (b->bandwidth) {
        uint64_t slice = b->bandwidth / PACE_SLICES ? b->bandwidth / PACE_SLICES : 1;
        if (n > slice)
            n = slice;
        if (!b->started) {
            b->started = 1;
            clock_gettime(CLOCK_MONOTONIC, &b->t0);
        }
        pace(b, pos);
    }
    if (b->mem) {
        memcpy(buf, b->mem + pos, (size_t)n);
    } else {
        ssize_t r;
        do
            r = pread(b->fd, buf, (size_t)n, b->off + (off_t)pos);
        while (r < 0 && errno == EINTR);
        if (r <= 0)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        n = (uint64_t)r;
    }
    b->sent = pos + n;
    if (b->sent == b->total && !b->done) {
        b->done = 1;
        if (b->on_done)
            b->on_done(b->arg, b->sent);
    }
    return (ssize_t)n;
}

struct MHD_Response *emu_paced_response(struct emu_paced_body *b)
{
    size_t block = 64 * 1024;
    if (b->bandwidth && b->bandwidth / PACE_SLICES < block)
        block = b->bandwidth / PACE_SLICES ? (size_t)(b->bandwidth / PACE_SLICES) : 1;
    if (block < 1024)
        block = 1024;
    return MHD_create_response_from_callback(b->total, block, paced_reader, b, NULL);
}

void emu_fault_answer(struct emu_resp *resp, const struct emu_req *req,
                      const struct emu_fault_plan *plan)
{
    int st = plan->status;
    const char *msg = st == 500   ? "We encountered an internal error. Please try again."
                      : st == 503 ? "Service temporarily busy, please retry later."
                      : st == 429 ? "Please reduce your request rate."
                                  : "ossemu injected this error.";
    emu_resp_cleanup(resp);
    emu_resp_init(resp);
    emu_resp_error(resp, req, st, plan->code, msg, NULL, NULL);
}

void emu_fault_label_lost(struct emu_fault_plan *plan, int status)
{
    char out[sizeof(plan->label)];
    char *at = strstr(plan->label, "lost");
    if (!at)
        return;
    at += 4;
    snprintf(out, sizeof(out), "%.*s:%d%s", (int)(at - plan->label), plan->label, status, at);
    memcpy(plan->label, out, sizeof(out));
}

void emu_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (ms && nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}
