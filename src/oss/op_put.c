/* PutObject from memory or from a file descriptor range. Every upload's CRC64 is compared with
 * x-oss-hash-crc64ecma; with the client's content_md5 it also carries Content-MD5 (so OSS
 * refuses a body corrupted on the way before storing it). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_priv.h"
#include "oss/codec.h"
#include "oss/crc64.h"

#define HASH_CHUNK (256u << 10)

static int valid_object_acl(const char *acl)
{
    return strcmp(acl, "default") == 0 || strcmp(acl, "private") == 0 ||
           strcmp(acl, "public-read") == 0 || strcmp(acl, "public-read-write") == 0;
}

/* User metadata names travel as header names: letters, digits, '-' and '_' only. */
static int valid_meta_name(const char *n)
{
    if (n == NULL || *n == 0)
        return 0;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') ||
              *n == '-' || *n == '_'))
            return 0;
    return 1;
}

static int valid_meta_value(const char *v)
{
    for (; v && *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return 0;
    return v != NULL;
}

int oss_put_add_opts(struct oss_req *r, const struct oss_put_opts *o)
{
    const char *ctype = o && o->content_type ? o->content_type : "application/octet-stream";

    if (!valid_meta_value(ctype))
        return -EINVAL;
    oss_req_header(r, "Content-Type", ctype);
    if (o == NULL)
        return 0;
    if (o->object_acl) {
        if (!valid_object_acl(o->object_acl))
            return -EINVAL;
        oss_req_header(r, "x-oss-object-acl", o->object_acl);
    }
    if (o->forbid_overwrite)
        oss_req_header(r, "x-oss-forbid-overwrite", "true");
    for (size_t i = 0; i < o->nmeta; i++) {
        char *name = NULL;
        if (!valid_meta_name(o->meta[i].name) || !valid_meta_value(o->meta[i].value))
            return -EINVAL;
        if (asprintf(&name, "x-oss-meta-%s", o->meta[i].name) < 0)
            name = NULL;
        for (char *p = name; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        oss_req_header_own(r, name, strdup(o->meta[i].value));
    }
    return 0;
}

/* Sends the prepared upload (with Content-MD5 when md5 is given) and checks the answer's
 * CRC64 against ours. */
static int put(struct oss_client *c, struct oss_req *r, uint64_t len, uint64_t crc,
               const unsigned char *md5, struct oss_object_meta *out, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    char cmd5[25];
    int rc;

    if (md5) {
        oss_content_md5_digest(md5, cmd5);
        oss_req_header(r, "Content-MD5", cmd5);
    }
    r->io.bulk = len >= OSS_HTTP_BULK_MIN;
    rc = oss_client_send(c, r, &resp, err);
    if (rc == 0) {
        const char *v = oss_http_header(&resp, "x-oss-hash-crc64ecma");
        if (v && strtoull(v, NULL, 10) != crc)
            rc = oss_client_bad_answer(err, &resp, EIO, "CRC64Mismatch",
                                       "uploaded data does not match x-oss-hash-crc64ecma");
    }
    if (rc == 0 && out) {
        if (oss_meta_from_headers(&resp, 0, out) < 0)
            rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
        out->size = len;
        if (!out->has_crc64) {
            out->crc64 = crc;
            out->has_crc64 = 1;
        }
        if (rc < 0)
            oss_object_meta_cleanup(out);
    }
    oss_http_response_cleanup(&resp);
    return rc;
}

static int start(struct oss_req *r, const char *bucket, const char *key,
                 const struct oss_put_opts *opts, struct oss_object_meta *out,
                 struct oss_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (key == NULL || *key == 0)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(r, "PUT", bucket, key);
    if (oss_put_add_opts(r, opts) < 0) {
        oss_req_cleanup(r);
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid upload option");
    }
    return 0;
}

int oss_put_object(struct oss_client *c, const char *bucket, const char *key, const void *data,
                   size_t len, const struct oss_put_opts *opts, struct oss_object_meta *out,
                   struct oss_error *err)
{
    unsigned char md5[OSS_MD5_LEN];
    struct oss_req r;
    int rc = start(&r, bucket, key, opts, out, err);

    if (rc < 0)
        return rc;
    if (data == NULL)
        data = "";
    if (c->content_md5)
        oss_md5(data, len, md5);
    r.io.body = data;
    r.io.body_len = len;
    rc = put(c, &r, len, oss_crc64(0, data, len), c->content_md5 ? md5 : NULL, out, err);
    oss_req_cleanup(&r);
    return rc;
}

/* CRC64 and, when md5 is not NULL, MD5 of len bytes of fd at off, read with pread. */
static int hash_fd(int fd, off_t off, uint64_t len, unsigned char *md5, uint64_t *crc)
{
    struct oss_md5_ctx *m = md5 ? oss_md5_new() : NULL;
    char *buf = malloc(HASH_CHUNK);
    uint64_t done = 0;
    int rc = 0;

    *crc = 0;
    if ((md5 && m == NULL) || buf == NULL)
        rc = -ENOMEM;
    while (rc == 0 && done < len) {
        size_t want = len - done < HASH_CHUNK ? (size_t)(len - done) : HASH_CHUNK;
        ssize_t got = pread(fd, buf, want, off + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            rc = got < 0 ? -errno : -EIO; /* shorter than promised */
            break;
        }
        if (m)
            oss_md5_update(m, buf, (size_t)got);
        *crc = oss_crc64(*crc, buf, (size_t)got);
        done += (uint64_t)got;
    }
    if (m)
        oss_md5_final(m, md5);
    free(buf);
    return rc;
}

int oss_put_object_fd(struct oss_client *c, const char *bucket, const char *key, int fd, off_t off,
                      uint64_t len, const struct oss_put_opts *opts, struct oss_object_meta *out,
                      struct oss_error *err)
{
    unsigned char md5[OSS_MD5_LEN];
    uint64_t crc;
    struct oss_req r;
    int rc;

    if (fd < 0 || off < 0)
        return oss_client_fail(err, EBADF, "", "invalid file descriptor or offset");
    rc = start(&r, bucket, key, opts, out, err);
    if (rc < 0)
        return rc;
    rc = hash_fd(fd, off, len, c->content_md5 ? md5 : NULL, &crc);
    if (rc < 0) {
        oss_req_cleanup(&r);
        return oss_client_fail(err, -rc, "", "reading the upload source failed");
    }
    r.io.body_fd = fd;
    r.io.body_off = off;
    r.io.body_fd_len = len;
    rc = put(c, &r, len, crc, c->content_md5 ? md5 : NULL, out, err);
    oss_req_cleanup(&r);
    return rc;
}
