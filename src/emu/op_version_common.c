/* Pieces the versioning and multipart handlers share: loading the version a request names with
 * OSS's delete-marker answers (oss-api.md 6.3, 6.6: 404 with x-oss-delete-marker, 405 for a
 * versionId that names a marker), the request body in memory, encoding-type=url output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "oss/codec.h"
#include "op_priv.h"

const char *emu_op_version_param(const struct emu_req *req)
{
    const char *v = emu_req_query(req, "versionId");
    return v && *v ? v : NULL;
}

void emu_op_version_header(struct emu_resp *resp, const struct emu_object *o)
{
    if (o->version_id[0])
        emu_resp_set_header(resp, "x-oss-version-id", o->version_id);
}

/* The answer for a delete marker: 405 when the request named it, else 404 NoSuchKey. */
static void delete_marker_answer(struct emu_req *req, struct emu_resp *resp,
                                 const struct emu_object *o, int named)
{
    if (named)
        emu_resp_error(resp, req, 405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.",
                       "0017-00000002", "Key", req->key, "VersionId", o->version_id, NULL);
    else
        emu_resp_error(resp, req, 404, "NoSuchKey", "The specified key does not exist.",
                       "0026-00000001", "Key", req->key, NULL);
    emu_resp_header(resp, "x-oss-delete-marker", "true");
    emu_op_version_header(resp, o);
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
        /* Only requesters who may read the bucket learn that the key is missing. */
        if (!acl_governed || emu_authorize(s, req, resp, action, b->owner, b->acl, write) == 0) {
            if (rc == 0)
                delete_marker_answer(req, resp, o, vid != NULL);
            else if (vid)
                emu_resp_error(resp, req, 404, "NoSuchVersion",
                               "The specified version does not exist.", NULL, "Key", req->key,
                               "VersionId", vid, NULL);
            else
                emu_resp_error(resp, req, 404, "NoSuchKey", "The specified key does not exist.",
                               "0026-00000001", "Key", req->key, NULL);
        }
        if (rc == 0)
            emu_object_cleanup(o);
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

int emu_op_body_bytes(struct emu_req *req, size_t max, struct oss_buf *hold, const char **data,
                      size_t *len)
{
    char chunk[65536];
    FILE *f;
    size_t n;

    *data = req->body;
    *len = req->body_len;
    if (req->body || !req->body_path)
        return 0;
    if (req->body_len > max)
        return -EFBIG;
    if (!(f = fopen(req->body_path, "rb")))
        return -errno;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (hold->len + n > max || oss_buf_append(hold, chunk, n) < 0) {
            fclose(f);
            return hold->len + n > max ? -EFBIG : -ENOMEM;
        }
    }
    fclose(f);
    *data = oss_buf_str(hold);
    *len = hold->len;
    return 0;
}

void emu_op_xml_elem_enc(struct oss_xml_writer *w, int url, const char *name, const char *value)
{
    struct oss_buf b = OSS_BUF_INIT;
    if (!url || !value) {
        oss_xmlw_elem(w, name, value ? value : "");
        return;
    }
    if (oss_url_encode(value, strlen(value), 0, &b) < 0)
        w->err = -ENOMEM;
    oss_xmlw_elem(w, name, oss_buf_str(&b));
    oss_buf_cleanup(&b);
}

int emu_op_encoding_type(struct emu_req *req, struct emu_resp *resp, int *url)
{
    const char *enc = emu_req_query(req, "encoding-type");
    *url = 0;
    if (enc && *enc && strcasecmp(enc, "url") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "The encoding type must be url.", NULL,
                       "ArgumentName", "encoding-type", "ArgumentValue", enc, NULL);
        return -1;
    }
    *url = enc && *enc;
    return 0;
}
