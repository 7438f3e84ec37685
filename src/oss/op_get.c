/* GetObject: ranged reads into a buffer or a sink. Ranges are sent with
 * x-oss-range-behavior: standard; a server that ignores a range (200 with the whole object) is
 * sliced here, and a range past the end (416) reads as nothing. An answer cut mid-body is
 * resumed with a ranged GET for the rest, pinned to the first answer's ETag with If-Match. A
 * whole-object read is checked against x-oss-hash-crc64ecma over every byte delivered. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/crc64.h"

/* Positions are object offsets. The caller wants [next, end); every byte in it reaches the
 * sink once, in order, whatever answers (200, 206, resumed) bring it. */
struct get_state {
    uint64_t next;      /* the next byte the caller wants */
    uint64_t end;       /* one past the last wanted byte; UINT64_MAX: to the end */
    int whole;          /* no range asked for: the CRC covers every delivered byte */
    uint64_t req_start; /* where the current request's range starts (0 without a range) */
    int ans_started;    /* the current answer has sent body bytes */
    uint64_t ans_pos;   /* object offset of the current answer's next body byte */
    uint64_t crc;
    oss_sink_fn sink;
    void *arg;
    struct oss_buf *out;
};

/* What the first answer said, kept for the requests that resume it. */
struct first_answer {
    int seen;
    char if_match[96]; /* the ETag, quoted; "" when it cannot be pinned */
    char crc[24];      /* x-oss-hash-crc64ecma or "" */
};

static int deliver(struct get_state *g, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (g->whole)
        g->crc = oss_crc64(g->crc, p, n);
    g->next += n;
    if (g->sink)
        return g->sink(p, n, g->arg);
    return oss_buf_append(g->out, p, n);
}

/* Receives body bytes of 2xx answers from the transport: a 206 starts where the request's range
 * starts, a 200 at byte 0; only the part of [next, end) not yet delivered goes on. */
static int get_sink(int status, const void *data, size_t len, void *arg)
{
    struct get_state *g = arg;
    const char *p = data;

    if (!g->ans_started) {
        g->ans_started = 1;
        g->ans_pos = status == 206 ? g->req_start : 0;
    }
    uint64_t start = g->ans_pos, stop = g->ans_pos + len;
    g->ans_pos = stop;
    if (start > g->next)
        return -EIO; /* a gap: never stitch around missing bytes */
    if (stop <= g->next || g->next >= g->end)
        return 0;
    uint64_t from = g->next - start;
    uint64_t to = stop > g->end ? len - (stop - g->end) : len;
    return deliver(g, p + from, (size_t)(to - from));
}

/* Sends one GET for [g->next, g->end), pinned to if_match when given (a resumption). */
static int send_get(struct oss_client *c, const char *bucket, const char *key,
                    const char *version_id, struct get_state *g, const char *if_match,
                    struct oss_http_response *resp, struct oss_error *err)
{
    struct oss_req r;
    char range[64];
    int rc;

    oss_req_init(&r, "GET", bucket, key);
    if (version_id && *version_id)
        oss_req_query(&r, "versionId", version_id);
    g->req_start = 0;
    if (!g->whole || g->next > 0) {
        g->req_start = g->next;
        if (g->end != UINT64_MAX)
            snprintf(range, sizeof range, "bytes=%" PRIu64 "-%" PRIu64, g->next, g->end - 1);
        else
            snprintf(range, sizeof range, "bytes=%" PRIu64 "-", g->next);
        oss_req_header(&r, "Range", range);
        oss_req_header(&r, "x-oss-range-behavior", "standard");
    }
    if (if_match)
        oss_req_header(&r, "If-Match", if_match);
    g->ans_started = 0;
    r.io.sink = get_sink;
    r.io.sink_arg = g;
    r.io.bulk = g->end == UINT64_MAX || g->end - g->next >= OSS_HTTP_BULK_MIN;
    rc = oss_client_send(c, &r, resp, err);
    oss_req_cleanup(&r);
    return rc;
}

/* Keeps what a resumption needs from the first (cut) answer and narrows end to what that
 * answer holds, so later ranges are exact. */
static void note_first(struct get_state *g, const struct oss_http_response *resp,
                       struct first_answer *f)
{
    const char *etag = oss_http_header(resp, "ETag");
    const char *crc = oss_http_header(resp, "x-oss-hash-crc64ecma");
    const char *cl = oss_http_header(resp, "Content-Length");

    f->seen = 1;
    if (etag && *etag && strlen(etag) + 3 <= sizeof f->if_match)
        snprintf(f->if_match, sizeof f->if_match, etag[0] == '"' ? "%s" : "\"%s\"", etag);
    snprintf(f->crc, sizeof f->crc, "%s", crc ? crc : "");
    if (cl && *cl >= '0' && *cl <= '9') {
        uint64_t body_end = strtoull(cl, NULL, 10) + (resp->cut_status == 206 ? g->req_start : 0);
        if (body_end < g->end)
            g->end = body_end;
    }
}

/* err as for a successful answer (status and request id only). */
static void answer_ok(struct oss_error *err, const struct oss_http_response *resp, int status)
{
    const char *rid = oss_http_header(resp, "x-oss-request-id");

    if (err) {
        oss_error_clear(err);
        err->http_status = status;
        snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
    }
}

/* The GET with its resumptions: after a cut that a retry could cure, and while the retry budget
 * lasts (shared with the transport's own retries, same backoff), the rest is asked for with
 * If-Match on the first answer's ETag. A changed object answers 412: -EIO ObjectChanged. */
static int get_object(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, uint64_t offset, uint64_t length, struct get_state *g,
                      struct oss_object_meta *meta, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct first_answer first = {0};
    int rc, resumed = 0;

    if (meta)
        memset(meta, 0, sizeof *meta);
    if (key == NULL || *key == 0)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    if (length && offset + length < offset)
        length = UINT64_MAX - offset; /* clamp an overflowing range */
    g->next = offset;
    g->end = length ? offset + length : UINT64_MAX;
    g->whole = offset == 0 && length == 0;

    for (;;) {
        rc = send_get(c, bucket, key, version_id, g, resumed ? first.if_match : NULL, &resp, err);
        if (rc == 0 || resp.cut_status == 0)
            break;
        if (!first.seen)
            note_first(g, &resp, &first);
        if (g->next >= g->end) {
            answer_ok(err, &resp, resp.cut_status); /* everything wanted had arrived */
            rc = 0;
            break;
        }
        int attempts = resp.attempts;
        if (first.if_match[0] == 0 || attempts > oss_http_retries(c->http))
            break; /* cannot pin the object, or the budget is spent: the -EIO stands */
        oss_http_backoff(c->http, attempts - 1);
        oss_http_response_cleanup(&resp);
        memset(&resp, 0, sizeof resp);
        resp.attempts_before = attempts;
        resumed = 1;
    }

    if (rc < 0 && resumed && (resp.status == 412 || resp.status == 404)) {
        rc = oss_client_bad_answer(err, &resp, EIO, "ObjectChanged",
                                   "the object changed or was deleted while it was being read");
    } else if (rc < 0 && !resumed && resp.status == 416 && !g->whole) {
        /* Range starts at or past the end: nothing to read. */
        rc = 0;
        answer_ok(err, &resp, 416);
    } else if (rc == 0 && g->whole) {
        const char *v = first.seen ? first.crc : oss_http_header(&resp, "x-oss-hash-crc64ecma");
        if (v && *v && strtoull(v, NULL, 10) != g->crc)
            rc = oss_client_bad_answer(err, &resp, EIO, "CRC64Mismatch",
                                       "downloaded data does not match x-oss-hash-crc64ecma");
    }
    if (rc == 0 && meta && resp.status != 416 && oss_meta_from_headers(&resp, 1, meta) < 0)
        rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
    if (rc < 0 && meta)
        oss_object_meta_cleanup(meta);
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_get_object(struct oss_client *c, const char *bucket, const char *key,
                   const char *version_id, uint64_t offset, uint64_t length, struct oss_buf *out,
                   struct oss_object_meta *meta, struct oss_error *err)
{
    struct get_state g = {.out = out};
    size_t start = out->len;
    int rc = get_object(c, bucket, key, version_id, offset, length, &g, meta, err);

    if (rc < 0 && out->len > start) {
        oss_buf_setlen(out, start, 0); /* drop a partial or unverified body */
    }
    return rc;
}

int oss_get_object_to(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, uint64_t offset, uint64_t length, oss_sink_fn sink,
                      void *arg, struct oss_object_meta *meta, struct oss_error *err)
{
    struct get_state g = {.sink = sink, .arg = arg};

    if (sink == NULL)
        return oss_client_fail(err, EINVAL, "", "no sink");
    return get_object(c, bucket, key, version_id, offset, length, &g, meta, err);
}
