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
#include "op_perm.h"
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

/* 409 ObjectNotAppendable (rc -EPERM) or PositionNotEqualToLength, with the position the next
 * append must use (cur, the object's length). */
static void position_error(struct emu_req *req, struct emu_resp *resp, int rc, uint64_t cur)
{
    if (rc == -EPERM)
        emu_resp_error(resp, req, 409, "ObjectNotAppendable",
                       "The object is not appendable (it was not created by AppendObject).",
                       "0026-00000017", NULL);
    else
        emu_resp_error(resp, req, 409, "PositionNotEqualToLength",
                       "Position is not equal to file length.", "0026-00000016", NULL);
    emu_op_header_u64(resp, "x-oss-next-append-position", cur);
}

/* Hands the body file to the store's append and answers the outcome. */
void emu_op_append_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_object t = {0}, out;
    struct emu_bucket b;
    char path[4096];
    uint64_t position, cur = 0;
    int forbid, owned, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, NULL) < 0)
        return;
    if (emu_op_write_checks(req, resp, &forbid) < 0 || position_of(req, resp, &position) < 0 ||
        emu_op_check_md5(req, resp, 0) < 0)
        return;
    if ((rc = emu_op_body_file(s, req, path, sizeof(path), &owned, &t.size)) < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_object_init(&t, req, &b, NULL); /* the store sets the type */
    oss_hex(req->body_md5, 16, 1, t.etag);
    t.crc64 = req->body_crc64;
    t.headers = emu_op_collect_headers(req);
    rc = t.headers ? emu_store_object_append(s->store, &t, position, path, t.size, t.crc64,
                                             req->body_md5, &out, &cur)
                   : -ENOMEM;
    free(t.headers);
    if (rc == 1 && !owned) /* the spool file became the object's data */
        emu_op_body_taken(req);
    else if (owned && rc != 1)
        unlink(path);
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
    emu_op_written_headers(resp, &out);
    emu_op_header_u64(resp, "x-oss-next-append-position", out.size);
    emu_object_cleanup(&out);
}
