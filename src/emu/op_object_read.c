/* Object reads: HeadObject, GetObjectMeta and GetObject with ranges and conditional headers
 * (oss-api.md 6.6, 8.1). Bodies are never copied: the response carries the object's open data
 * file (resp->file_fd); HEAD answers give the front the Content-Length from the row. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "oss/codec.h"
#include "op_priv.h"

/* Opens the addressed object (the version ?versionId names, else the latest) for a read,
 * after the bucket and authorization checks (action oss:GetObject, oss:GetObjectVersion with a
 * versionId, governed by the object's ACL, "default" meaning the bucket's). A missing key is
 * reported as 404 only to requesters who may read the bucket; delete markers answer 404/405
 * (emu_op_load_version). Returns 0 with *o and *fd, or -1 with resp filled. Without
 * want_data the object's own data file is not opened (*fd stays -1 unless a symlink was
 * followed): HEAD answers need only the row. */
static int open_for_read(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         struct emu_bucket *b, struct emu_object *o, int *fd, int want_data)
{
    *fd = -1;
    if (emu_op_load_bucket(s, req, resp, b) < 0)
        return -1;
    if (emu_op_load_version(s, req, resp, b, o, want_data ? fd : NULL, "oss:GetObject",
                            "oss:GetObjectVersion", 1, 0) < 0)
        return -1;
    if (emu_op_follow_symlink(s, req, resp, o, fd) < 0 || emu_op_conditions(req, resp, o, "") < 0) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        emu_object_cleanup(o);
        return -1;
    }
    return 0;
}

static void send_file(struct emu_resp *resp, int fd, uint64_t off, uint64_t len)
{
    resp->file_fd = fd;
    resp->file_off = (off_t)off;
    resp->file_len = len;
}

/* A HEAD answer's Content-Length without its body: the front sends the header alone. */
static void head_length(struct emu_resp *resp, int fd, uint64_t len)
{
    if (fd >= 0)
        close(fd);
    emu_op_header_u64(resp, "Content-Length", len);
}

void emu_op_head_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct emu_object o;
    int fd;

    if (open_for_read(s, req, resp, &b, &o, &fd, 0) < 0)
        return;
    resp->status = 200;
    emu_op_object_headers_req(resp, &o, NULL);
    head_length(resp, fd, o.size);
    emu_object_cleanup(&o);
}

void emu_op_get_object_meta(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    char etag[80], date[30];
    struct emu_bucket b;
    struct emu_object o;
    int fd;

    if (open_for_read(s, req, resp, &b, &o, &fd, 0) < 0)
        return;
    resp->status = 200;
    emu_op_quote_etag(o.etag, etag);
    oss_http_date(o.mtime, date);
    emu_resp_header(resp, "ETag", etag);
    emu_resp_header(resp, "Last-Modified", date);
    emu_op_header_u64(resp, "x-oss-hash-crc64ecma", o.crc64);
    emu_op_version_header(resp, &o);
    if (!strcmp(b.access_monitor, "Enabled"))
        emu_resp_header(resp, "x-oss-last-access-time", date);
    head_length(resp, fd, o.size);
    emu_object_cleanup(&o);
}

/* Reads a decimal number of at most 19 digits; returns the end or NULL. */
static const char *parse_u64(const char *p, uint64_t *out)
{
    int n = 0;
    *out = 0;
    while (*p >= '0' && *p <= '9' && n < 19) {
        *out = *out * 10 + (uint64_t)(*p++ - '0');
        n++;
    }
    return n ? p : NULL;
}

/* Parses Range "bytes=a-b", "bytes=a-" or "bytes=-n" (first range of a list) against size.
 * Returns 1 with the inclusive [*first, *last], 0 when the header is to be ignored (absent,
 * malformed, or unsatisfiable in the default lenient mode), -1 when it is unsatisfiable in
 * standard mode (416). */
static int parse_range(const char *h, uint64_t size, int standard, uint64_t *first, uint64_t *last)
{
    uint64_t a = 0, b = 0;
    int has_a, has_b;
    const char *p;

    if (!h || strncasecmp(h, "bytes=", 6) != 0)
        return 0;
    p = h + 6;
    while (*p == ' ')
        p++;
    has_a = *p >= '0' && *p <= '9';
    if (has_a && !(p = parse_u64(p, &a)))
        return 0;
    if (*p++ != '-')
        return 0;
    has_b = *p >= '0' && *p <= '9';
    if (has_b && !(p = parse_u64(p, &b)))
        return 0;
    while (*p == ' ')
        p++;
    if (*p && *p != ',')
        return 0;
    if (*p == ',' && standard)
        return -1; /* several ranges are not supported */
    if (!has_a && !has_b)
        return 0;
    if (!has_a) { /* suffix: the last b bytes */
        if (b == 0 || size == 0)
            return standard ? -1 : 0;
        if (b > size && !standard)
            return 0;
        *first = b > size ? 0 : size - b;
        *last = size - 1;
        return 1;
    }
    if (has_b && b < a)
        return 0;
    if (a >= size)
        return standard ? -1 : 0;
    if (has_b && b >= size && !standard)
        return 0;
    *first = a;
    *last = has_b && b < size ? b : size - 1;
    return 1;
}

void emu_op_get_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *rb = emu_req_header(req, "x-oss-range-behavior");
    int standard = rb && !strcasecmp(rb, "standard");
    struct emu_bucket b;
    struct emu_object o;
    uint64_t first = 0, last = 0;
    char cr[80];
    int fd, r;

    if (open_for_read(s, req, resp, &b, &o, &fd, 1) < 0)
        return;
    r = parse_range(emu_req_header(req, "Range"), o.size, standard, &first, &last);
    if (r < 0) {
        close(fd);
        emu_resp_error(resp, req, 416, "InvalidRange", "The requested range cannot be satisfied.",
                       NULL, NULL);
        snprintf(cr, sizeof(cr), "bytes */%" PRIu64, o.size);
        emu_resp_header(resp, "Content-Range", cr);
        emu_object_cleanup(&o);
        return;
    }
    resp->status = 200;
    emu_op_object_headers_req(resp, &o, req);
    if (r == 1) {
        resp->status = 206;
        snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first, last, o.size);
        emu_resp_header(resp, "Content-Range", cr);
        send_file(resp, fd, first, last - first + 1);
    } else {
        send_file(resp, fd, 0, o.size);
    }
    emu_object_cleanup(&o);
}
