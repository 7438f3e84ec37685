/* GetObject: ranged reads into a buffer or a sink. Ranges are sent with
 * x-oss-range-behavior: standard; a server that ignores a range (200 with the whole object) is
 * sliced here, and a range past the end (416) reads as nothing. A whole-object read is checked
 * against x-oss-hash-crc64ecma. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/crc64.h"

#define BULK_THRESHOLD (8u << 20)

struct get_state {
    uint64_t offset;
    uint64_t length; /* 0: to the end */
    int ranged;
    uint64_t pos; /* body bytes seen of a 200 answer to a ranged request */
    uint64_t crc;
    int crc_seen; /* a whole-object 200 answer is being checksummed */
    oss_sink_fn sink;
    void *arg;
    struct oss_buf *out;
};

static int deliver(struct get_state *g, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (g->sink)
        return g->sink(p, n, g->arg);
    return oss_buf_append(g->out, p, n);
}

/* Receives body bytes of 2xx answers from the transport. */
static int get_sink(int status, const void *data, size_t len, void *arg)
{
    struct get_state *g = arg;
    const char *p = data;

    if (status != 200 || !g->ranged) {
        if (status == 200) {
            g->crc = oss_crc64(g->crc, data, len);
            g->crc_seen = 1;
        }
        return deliver(g, p, len);
    }
    /* The server ignored the range: keep [offset, offset+length) of the whole object. */
    uint64_t start = g->pos, end = g->pos + len;
    uint64_t want_end = g->length ? g->offset + g->length : UINT64_MAX;
    g->pos = end;
    if (end <= g->offset || start >= want_end)
        return 0;
    uint64_t from = start < g->offset ? g->offset - start : 0;
    uint64_t to = end > want_end ? len - (end - want_end) : len;
    return deliver(g, p + from, (size_t)(to - from));
}

static int get_object(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, uint64_t offset, uint64_t length, struct get_state *g,
                      struct oss_object_meta *meta, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    char range[64];
    int rc;

    if (meta)
        memset(meta, 0, sizeof *meta);
    if (key == NULL || *key == 0)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    if (length && offset + length < offset)
        length = UINT64_MAX - offset; /* clamp an overflowing range */
    g->offset = offset;
    g->length = length;
    g->ranged = offset > 0 || length > 0;

    oss_req_init(&r, "GET", bucket, key);
    if (version_id && *version_id)
        oss_req_query(&r, "versionId", version_id);
    if (g->ranged) {
        if (length)
            snprintf(range, sizeof range, "bytes=%" PRIu64 "-%" PRIu64, offset,
                     offset + length - 1);
        else
            snprintf(range, sizeof range, "bytes=%" PRIu64 "-", offset);
        oss_req_header(&r, "Range", range);
        oss_req_header(&r, "x-oss-range-behavior", "standard");
    }
    r.sink = get_sink;
    r.sink_arg = g;
    r.bulk = length == 0 || length > BULK_THRESHOLD;
    rc = oss_client_send(c, &r, &resp, err);
    if (rc < 0 && resp.status == 416 && g->ranged) {
        /* Range starts at or past the end: nothing to read. */
        const char *rid = oss_http_header(&resp, "x-oss-request-id");
        rc = 0;
        if (err) {
            oss_error_clear(err);
            err->http_status = 416;
            snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
        }
    } else if (rc == 0) {
        const char *v = oss_http_header(&resp, "x-oss-hash-crc64ecma");
        if (g->crc_seen && !g->ranged && v && strtoull(v, NULL, 10) != g->crc)
            rc = oss_client_bad_answer(err, &resp, EIO, "CRC64Mismatch",
                                       "downloaded data does not match x-oss-hash-crc64ecma");
    }
    if (rc == 0 && meta && resp.status != 416 && oss_meta_from_headers(&resp, 1, meta) < 0)
        rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
    if (rc < 0 && meta)
        oss_object_meta_cleanup(meta);
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
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
        out->len = start; /* drop a partial or unverified body */
        out->data[start] = 0;
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
