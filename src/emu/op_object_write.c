/* Object writes: PutObject and DeleteObject (oss-api.md 6.7, 8.2, 8.3). Writes by non-owners
 * are governed by the bucket ACL (public-read-write). The body arrives in memory or spooled to
 * a file under DIR/tmp with its MD5 and CRC64 computed by the front; either way it becomes the
 * object's data file by rename(2), so readers never see a partial object. CopyObject and
 * DeleteMultipleObjects are in op_copy.c and op_delete_multi.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "op_perm.h"
#include "op_priv.h"

#define MAX_PUT_SIZE (5ULL * 1024 * 1024 * 1024)

int emu_op_write_checks(struct emu_req *req, struct emu_resp *resp, int *forbid)
{
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    const char *fo = emu_req_header(req, "x-oss-forbid-overwrite");
    const char *sc = emu_req_header(req, "x-oss-storage-class");

    if (!emu_op_object_key_valid(req->key)) {
        emu_resp_error(resp, req, 400, "InvalidObjectName", "The specified object is not valid.",
                       NULL, "Key", req->key ? req->key : "", NULL);
        return -1;
    }
    if (acl && !emu_op_object_acl_valid(acl)) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "no such object access control exists",
                       NULL, "ArgumentName", "x-oss-object-acl", "ArgumentValue", acl, NULL);
        return -1;
    }
    if (fo && strcasecmp(fo, "true") != 0 && strcasecmp(fo, "false") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "x-oss-forbid-overwrite must be true or false.", "0017-00000279",
                       "ArgumentName", "x-oss-forbid-overwrite", "ArgumentValue", fo, NULL);
        return -1;
    }
    if (sc && !emu_op_storage_class_valid(sc)) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "Invalid storage class.", NULL,
                       "ArgumentName", "x-oss-storage-class", "ArgumentValue", sc, NULL);
        return -1;
    }
    *forbid = fo && !strcasecmp(fo, "true");
    return emu_op_check_object_headers(req, resp);
}

void emu_op_write_result(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int rc)
{
    struct emu_bucket b;
    if (rc == -EEXIST)
        emu_resp_error(resp, req, 409, "FileAlreadyExists",
                       "The object you specified already exists and can not be overwritten.",
                       "0026-00000002", NULL);
    else if (rc == -ENOENT)
        emu_op_load_bucket(s, req, resp, &b);
    else
        emu_op_internal(resp, req, rc);
}

void emu_op_object_init(struct emu_object *o, const struct emu_req *req, const struct emu_bucket *b,
                        const char *type)
{
    const char *ct = emu_req_header(req, "Content-Type");
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    const char *sc = emu_req_header(req, "x-oss-storage-class");

    o->bucket = (char *)b->name;
    o->key = (char *)req->key;
    o->mtime = time(NULL);
    if (type)
        snprintf(o->type, sizeof(o->type), "%s", type);
    o->content_type = (char *)(ct && *ct ? ct : "application/octet-stream");
    snprintf(o->acl, sizeof(o->acl), "%s", acl ? acl : "default");
    snprintf(o->storage_class, sizeof(o->storage_class), "%s", sc ? sc : b->storage_class);
}

void emu_op_put_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    char path[4096];
    struct emu_object o = {0};
    struct emu_bucket b;
    int forbid, owned, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_write_checks(req, resp, &forbid) < 0 ||
        emu_public_acl_refused(s, req, resp, b.name, b.owner,
                               emu_req_header(req, "x-oss-object-acl")) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, NULL) < 0)
        return;
    if (req->body_len > MAX_PUT_SIZE) {
        emu_resp_error(resp, req, 400, "EntityTooLarge",
                       "Your proposed upload exceeds the maximum allowed object size.", NULL, NULL);
        return;
    }
    if (emu_op_check_md5(req, resp, 0) < 0)
        return;
    if ((rc = emu_op_body_file(s, req, path, sizeof(path), &owned, &o.size)) < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_object_init(&o, req, &b, "Normal");
    oss_hex(req->body_md5, 16, 1, o.etag);
    o.crc64 = req->body_crc64;
    o.headers = emu_op_collect_headers(req);
    rc = o.headers ? emu_store_object_put(s->store, &o, path, forbid) : -ENOMEM;
    free(o.headers);
    if (rc < 0) {
        if (owned)
            unlink(path);
        emu_op_write_result(s, req, resp, rc);
        return;
    }
    if (!owned) /* the spool file is now the object's data */
        emu_op_body_taken(req);
    resp->status = 200;
    emu_op_written_headers(resp, &o);
    emu_op_header_md5(resp, req->body_md5);
}

/* DeleteObject: 204 whether or not the key exists. On a versioned bucket a delete without
 * versionId adds a delete marker (x-oss-delete-marker, x-oss-version-id); with a versionId
 * (RAM action oss:DeleteObjectVersion) that version is removed for good. */
void emu_op_delete_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *vid = emu_op_version_param(req);
    struct emu_delete_info info;
    struct emu_bucket b;
    int rc;

    if (emu_op_bucket_data(s, req, resp, vid ? "oss:DeleteObjectVersion" : "oss:DeleteObject", 1,
                           &b) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, vid) < 0)
        return;
    rc = emu_store_object_delete_version(s->store, b.name, req->key, vid, &info);
    if (rc < 0 && rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return;
    }
    resp->status = 204;
    if (rc == 0 && info.delete_marker)
        emu_resp_header(resp, "x-oss-delete-marker", "true");
    if (rc == 0 && info.version_id[0])
        emu_resp_header(resp, "x-oss-version-id", info.version_id);
}
