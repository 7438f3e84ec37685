/* Loading what a request addresses (bucket, latest object, named version) together with its
 * authorization, and the refusals every handler shares (oss-api.md 5, 6.3, 6.6). Whether a
 * missing key is told is itself a permission: only requesters who may read the bucket learn it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "op_priv.h"

void emu_op_internal(struct emu_resp *resp, const struct emu_req *req, int rc)
{
    char msg[96];
    snprintf(msg, sizeof(msg), "The server hit an internal error (%s).", strerror(-rc));
    emu_resp_error(resp, req, 500, "InternalError", msg, NULL, NULL);
}

void emu_op_malformed_xml(struct emu_req *req, struct emu_resp *resp)
{
    emu_resp_error(resp, req, 400, "MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema.",
                   NULL, NULL);
}

void emu_op_no_such_key(struct emu_req *req, struct emu_resp *resp, const char *key)
{
    emu_resp_error(resp, req, 404, "NoSuchKey", "The specified key does not exist.",
                   "0026-00000001", "Key", key, NULL);
}

void emu_op_no_such_version(struct emu_req *req, struct emu_resp *resp, const char *key,
                            const char *version)
{
    emu_resp_error(resp, req, 404, "NoSuchVersion", "The specified version does not exist.", NULL,
                   "Key", key, "VersionId", version, NULL);
}

int emu_op_load_bucket(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_bucket *b)
{
    int rc = req->bucket ? emu_store_bucket_get(s->store, req->bucket, b) : -ENOENT;
    if (rc == -ENOENT) {
        emu_resp_error(resp, req, 404, "NoSuchBucket", "The specified bucket does not exist.",
                       "0015-00000101", "BucketName", req->bucket ? req->bucket : "", NULL);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    return 0;
}

int emu_op_bucket_admin(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                        const char *action, int write, struct emu_bucket *b)
{
    if (emu_op_load_bucket(s, req, resp, b) < 0)
        return -1;
    return emu_authorize(s, req, resp, action, b->owner, NULL, write) < 0 ? -1 : 0;
}

int emu_op_bucket_data(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *action, int write, struct emu_bucket *b)
{
    if (emu_op_load_bucket(s, req, resp, b) < 0)
        return -1;
    return emu_authorize(s, req, resp, action, b->owner, b->acl, write) < 0 ? -1 : 0;
}

int emu_op_bucket_result(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int rc)
{
    struct emu_bucket b;

    if (rc >= 0)
        return 0;
    if (rc == -ENOENT)
        emu_op_load_bucket(s, req, resp, &b); /* answers NoSuchBucket */
    else
        emu_op_internal(resp, req, rc);
    return -1;
}

int emu_op_check_version(struct emu_req *req, struct emu_resp *resp)
{
    const char *v = emu_req_query(req, "versionId");
    if (!v || !*v || strcmp(v, "null") == 0)
        return 0;
    emu_op_no_such_version(req, resp, req->key ? req->key : "", v);
    return -1;
}

const char *emu_op_effective_acl(const struct emu_object *o, const struct emu_bucket *b)
{
    if (!o || !o->acl[0] || !strcmp(o->acl, "default"))
        return b->acl;
    return o->acl;
}

int emu_op_load_latest(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *action, int write, struct emu_bucket *b, struct emu_object *o)
{
    int rc;

    if (emu_op_load_bucket(s, req, resp, b) < 0 || emu_op_check_version(req, resp) < 0)
        return -1;
    rc = emu_store_object_get(s->store, b->name, req->key, o);
    if (rc == -ENOENT) {
        if (emu_authorize(s, req, resp, action, b->owner, b->acl, write) == 0)
            emu_op_no_such_key(req, resp, req->key);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (emu_authorize(s, req, resp, action, b->owner, emu_op_effective_acl(o, b), write) < 0) {
        emu_object_cleanup(o);
        return -1;
    }
    return 0;
}

/* The answer for a delete marker: 405 when the request named it, else 404 NoSuchKey; both carry
 * x-oss-delete-marker and the marker's version id. */
static void delete_marker_answer(struct emu_req *req, struct emu_resp *resp,
                                 const struct emu_object *o, int named)
{
    if (named)
        emu_resp_error(resp, req, 405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.",
                       "0017-00000002", "Key", req->key, "VersionId", o->version_id, NULL);
    else
        emu_op_no_such_key(req, resp, req->key);
    emu_resp_header(resp, "x-oss-delete-marker", "true");
    emu_op_version_header(resp, o);
}

/* Answers a version that is missing (rc -ENOENT) or a delete marker (rc 0, o loaded and then
 * released here), to requesters who may know. */
static void version_missing(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                            const struct emu_bucket *b, struct emu_object *o, int rc,
                            const char *action, int acl_governed, int write)
{
    const char *vid = emu_op_version_param(req);

    if (!acl_governed || emu_authorize(s, req, resp, action, b->owner, b->acl, write) == 0) {
        if (rc == 0)
            delete_marker_answer(req, resp, o, vid != NULL);
        else if (vid)
            emu_op_no_such_version(req, resp, req->key, vid);
        else
            emu_op_no_such_key(req, resp, req->key);
    }
    if (rc == 0)
        emu_object_cleanup(o);
}

int emu_op_load_version(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                        const struct emu_bucket *b, struct emu_object *o, int *fd,
                        const char *action_plain, const char *action_version, int acl_governed,
                        int write)
{
    const char *vid = emu_op_version_param(req);
    const char *action = vid ? action_version : action_plain;
    int rc;

    if (fd)
        *fd = -1;
    if (!acl_governed && emu_authorize(s, req, resp, action, b->owner, NULL, write) < 0)
        return -1;
    rc = emu_store_version_open(s->store, b->name, req->key, vid, o, fd);
    if (rc == -ENOENT || (rc == 0 && o->delete_marker)) {
        version_missing(s, req, resp, b, o, rc, action, acl_governed, write);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (acl_governed &&
        emu_authorize(s, req, resp, action, b->owner, emu_op_effective_acl(o, b), write) < 0) {
        if (fd && *fd >= 0) {
            close(*fd);
            *fd = -1;
        }
        emu_object_cleanup(o);
        return -1;
    }
    return 0;
}

int emu_op_copy_fd(int in, uint64_t in_off, int out, uint64_t len)
{
    char buf[65536];
    off_t off = (off_t)in_off;

    while (len > 0) {
        ssize_t n = copy_file_range(in, &off, out, NULL, len, 0);
        if (n > 0) {
            len -= (uint64_t)n;
            continue;
        }
        if (n == 0)
            return -EIO; /* in is shorter than len */
        if (errno == EINTR)
            continue;
        /* Not supported between these files: plain reads and writes. */
        ssize_t r = pread(in, buf, len < sizeof(buf) ? (size_t)len : sizeof(buf), off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -EIO;
        for (ssize_t done = 0; done < r;) {
            ssize_t w = write(out, buf + done, (size_t)(r - done));
            if (w < 0 && errno != EINTR)
                return -errno;
            if (w > 0)
                done += w;
        }
        off += r;
        len -= (uint64_t)r;
    }
    return 0;
}
