/* AppendObject (POST /K?append&position=N, oss-api.md 6.7): creates an Appendable object at
 * position 0 or grows one at exactly its length; the headers of the request (Content-Type,
 * x-oss-meta-*, x-oss-object-acl, x-oss-tagging, ...) count only when the object is created.
 * Answers carry x-oss-next-append-position and the CRC64 of the whole object, continued by
 * combination (store_append.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "op_priv.h"

/* Parses the position parameter; 400 InvalidArgument (EC 0016-00000501 when missing). */
static int position_of(struct emu_req *req, struct emu_resp *resp, uint64_t *out)
{
    const char *v = emu_req_query(req, "position");
    char *end;
    if (!v || !*v) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "AppendObject needs the position parameter.", "0016-00000501",
                       "ArgumentName", "position", NULL);
        return -1;
    }
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || errno || v[0] < '0' || v[0] > '9') {
        emu_resp_error(resp, req, 400, "InvalidArgument", "position must be a number.", NULL,
                       "ArgumentName", "position", "ArgumentValue", v, NULL);
        return -1;
    }
    *out = n;
    return 0;
}

static void position_error(struct emu_req *req, struct emu_resp *resp, int rc, uint64_t cur)
{
    char next[24];
    snprintf(next, sizeof(next), "%" PRIu64, cur);
    if (rc == -EPERM)
        emu_resp_error(resp, req, 409, "ObjectNotAppendable",
                       "The object is not appendable (it was not created by AppendObject).",
                       "0026-00000017", NULL);
    else
        emu_resp_error(resp, req, 409, "PositionNotEqualToLength",
                       "Position is not equal to file length.", "0026-00000016", NULL);
    emu_resp_header(resp, "x-oss-next-append-position", next);
}

void emu_op_append_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *ct = emu_req_header(req, "Content-Type");
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    const char *sc = emu_req_header(req, "x-oss-storage-class");
    struct emu_object t = {0}, out;
    struct emu_bucket b;
    char path[4096], etag[80], crc[24], next[24];
    uint64_t position, cur = 0;
    int forbid, owned, rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:PutObject", b.owner, b.acl, 1) < 0)
        return;
    if (emu_op_write_checks(req, resp, &forbid) < 0 || position_of(req, resp, &position) < 0 ||
        emu_op_check_md5(req, resp, 0) < 0)
        return;
    if ((rc = emu_op_body_file(s, req, path, sizeof(path), &owned, &t.size)) < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    t.bucket = b.name;
    t.key = (char *)req->key;
    oss_hex(req->body_md5, 16, 1, t.etag);
    t.crc64 = req->body_crc64;
    t.mtime = time(NULL);
    t.content_type = (char *)(ct && *ct ? ct : "application/octet-stream");
    snprintf(t.acl, sizeof(t.acl), "%s", acl ? acl : "default");
    snprintf(t.storage_class, sizeof(t.storage_class), "%s", sc ? sc : b.storage_class);
    t.headers = emu_op_collect_headers(req);
    rc = t.headers ? emu_store_object_append(s->store, &t, position, path, t.size, t.crc64,
                                             req->body_md5, &out, &cur)
                   : -ENOMEM;
    free(t.headers);
    if (rc == 1 && !owned) { /* the spool file became the object's data */
        free(req->body_path);
        req->body_path = NULL;
    } else if (owned && rc != 1) {
        unlink(path);
    }
    if (rc == -EPERM || rc == -ESPIPE) {
        position_error(req, resp, rc, cur);
        return;
    }
    if (rc == -EFBIG) {
        emu_resp_error(resp, req, 400, "EntityTooLarge", "An appendable object is at most 5 GB.",
                       NULL, NULL);
        return;
    }
    if (rc < 0) {
        emu_op_write_result(s, req, resp, rc);
        return;
    }
    resp->status = 200;
    emu_op_quote_etag(out.etag, etag);
    snprintf(crc, sizeof(crc), "%" PRIu64, out.crc64);
    snprintf(next, sizeof(next), "%" PRIu64, out.size);
    emu_resp_header(resp, "ETag", etag);
    emu_resp_header(resp, "x-oss-hash-crc64ecma", crc);
    emu_resp_header(resp, "x-oss-next-append-position", next);
    if (out.version_id[0])
        emu_resp_header(resp, "x-oss-version-id", out.version_id);
    emu_object_cleanup(&out);
}
