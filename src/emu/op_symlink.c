/* Symlinks (oss-api.md 6.9): PutSymlink stores an object of type Symlink with no data whose
 * target key (percent-decoded from x-oss-symlink-target, '+' read as space) lives in its
 * headers JSON as "x-emu-symlink" {"target": ...}; GetSymlink returns it percent-encoded;
 * GetObject/HeadObject follow one link (emu_op_follow_symlink) and answer with the target's
 * bytes, x-oss-object-type Symlink and the link's other metadata. Decision: GetSymlink of an
 * object that is not a symlink is 400 InvalidArgument (readlink's EINVAL). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "oss/codec.h"
#include "op_perm.h"
#include "op_priv.h"

#define LINK_MEMBER "x-emu-symlink"

/* The target of a stored symlink record (malloc'ed), or NULL. */
static char *link_target(const struct emu_object *o)
{
    json_t *h = json_loads(o->headers, 0, NULL);
    const char *t = json_string_value(json_object_get(json_object_get(h, LINK_MEMBER), "target"));
    char *out = t ? strdup(t) : NULL;
    json_decref(h);
    return out;
}

uint64_t emu_op_listed_size(const struct emu_object *o)
{
    if (strcmp(o->type, "Symlink") != 0)
        return o->size;
    char *target = link_target(o);
    uint64_t n = target ? strlen(target) : 0;
    free(target);
    return n;
}

int emu_op_follow_symlink(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                          struct emu_object *o, int *fd)
{
    struct emu_object t;
    char *target;
    int tfd, rc;

    if (strcmp(o->type, "Symlink") != 0)
        return 0;
    target = link_target(o);
    rc = target ? emu_store_object_open(s->store, o->bucket, target, &t, &tfd) : -ENOENT;
    free(target);
    if (rc == -ENOENT) {
        emu_resp_error(resp, req, 404, "SymlinkTargetNotExist",
                       "The symlink target object does not exist.", NULL, "Key", req->key, NULL);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (!strcmp(t.type, "Symlink")) {
        close(tfd);
        emu_object_cleanup(&t);
        emu_resp_error(resp, req, 400, "InvalidTargetType",
                       "The symlink target is itself a symlink.", NULL, "Key", req->key, NULL);
        return -1;
    }
    /* The target's bytes with the link's own metadata (doc: Content-Length, ETag and
     * Content-MD5 are the target's, Last-Modified the later of both, the rest the link's). */
    if (*fd >= 0)
        close(*fd);
    *fd = tfd;
    o->size = t.size;
    memcpy(o->etag, t.etag, sizeof(o->etag));
    o->crc64 = t.crc64;
    memcpy(o->file, t.file, sizeof(o->file));
    if (t.mtime > o->mtime)
        o->mtime = t.mtime;
    emu_object_cleanup(&t);
    return 0;
}

/* The stored headers of a PutSymlink request plus the link member. NULL on failure. */
static char *link_headers(const struct emu_req *req, const char *target)
{
    char *base = emu_op_collect_headers(req), *out = NULL;
    json_t *h = base ? json_loads(base, 0, NULL) : NULL;
    free(base);
    if (json_is_object(h) &&
        json_object_set_new(h, LINK_MEMBER, json_pack("{s:s}", "target", target)) == 0)
        out = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(h);
    return out;
}

/* The target key of a PutSymlink request, percent-decoded into target. 0, or -1 with 400
 * InvalidArgument when it is missing or not a valid key. */
static int symlink_target(struct emu_req *req, struct emu_resp *resp, struct oss_buf *target)
{
    const char *raw = emu_req_header(req, "x-oss-symlink-target");
    if (!raw || oss_url_decode(raw, strlen(raw), 1, target) < 0 ||
        !emu_op_object_key_valid(oss_buf_str(target))) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "x-oss-symlink-target must name a valid object key.", NULL, "ArgumentName",
                       "x-oss-symlink-target", "ArgumentValue", raw ? raw : "", NULL);
        return -1;
    }
    return 0;
}

/* Stores the link o (attributes filled) with an empty data file. 0, or -1 with resp filled
 * (500, or emu_op_write_result's answers). */
static int store_link(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      struct emu_object *o, int forbid)
{
    char path[4096];
    int fd = emu_store_tmp_create(s->store, path, sizeof(path)), rc;

    if (fd < 0) {
        emu_op_internal(resp, req, fd);
        return -1;
    }
    close(fd);
    rc = o->headers ? emu_store_object_put(s->store, o, path, forbid) : -ENOMEM;
    if (rc < 0) {
        unlink(path);
        emu_op_write_result(s, req, resp, rc);
        return -1;
    }
    return 0;
}

void emu_op_put_symlink(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf target = OSS_BUF_INIT;
    struct emu_object o = {0};
    struct emu_bucket b;
    unsigned char md5[16];
    char etag[80];
    int forbid, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_write_checks(req, resp, &forbid) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, NULL) < 0)
        return;
    if (symlink_target(req, resp, &target) < 0) {
        oss_buf_cleanup(&target);
        return;
    }
    emu_op_object_init(&o, req, &b, "Symlink");
    oss_md5(oss_buf_str(&target), target.len, md5);
    oss_hex(md5, 16, 1, o.etag);
    o.headers = link_headers(req, oss_buf_str(&target));
    rc = store_link(s, req, resp, &o, forbid);
    free(o.headers);
    oss_buf_cleanup(&target);
    if (rc < 0)
        return;
    resp->status = 200;
    emu_op_quote_etag(o.etag, etag);
    emu_resp_header(resp, "ETag", etag);
    emu_op_version_header(resp, &o);
}

/* The link's own x-oss-meta-* headers (GetSymlink returns them). */
static void meta_headers(struct emu_resp *resp, const struct emu_object *o)
{
    json_t *h = json_loads(o->headers, 0, NULL), *v;
    const char *name;
    json_object_foreach(h, name, v)
    {
        if (json_is_string(v) && !strncmp(name, "x-oss-meta-", 11))
            emu_resp_header(resp, name, json_string_value(v));
    }
    json_decref(h);
}

void emu_op_get_symlink(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf enc = OSS_BUF_INIT;
    struct emu_bucket b;
    struct emu_object o;
    char etag[80], date[30], *target;
    int rc;

    if (emu_op_load_latest(s, req, resp, "oss:GetObject", 0, &b, &o) < 0)
        return;
    target = strcmp(o.type, "Symlink") == 0 ? link_target(&o) : NULL;
    if (!target) {
        emu_object_cleanup(&o);
        emu_resp_error(resp, req, 400, "InvalidArgument", "The specified object is not a symlink.",
                       NULL, "Key", req->key, NULL);
        return;
    }
    rc = oss_url_encode(target, strlen(target), 0, &enc);
    free(target);
    if (rc < 0) {
        emu_object_cleanup(&o);
        emu_op_internal(resp, req, rc);
        return;
    }
    resp->status = 200;
    emu_op_quote_etag(o.etag, etag);
    oss_http_date(o.mtime, date);
    emu_resp_header(resp, "x-oss-symlink-target", oss_buf_str(&enc));
    emu_resp_header(resp, "ETag", etag);
    emu_resp_header(resp, "Last-Modified", date);
    emu_op_version_header(resp, &o);
    meta_headers(resp, &o);
    oss_buf_cleanup(&enc);
    emu_object_cleanup(&o);
}
