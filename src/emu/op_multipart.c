/* Multipart upload writes (oss-api.md 6.8): InitiateMultipartUpload, UploadPart,
 * CompleteMultipartUpload and AbortMultipartUpload. Writes are authorized as oss:PutObject
 * (abort as oss:AbortMultipartUpload), governed for non-owners by the bucket ACL. A part's bytes
 * are in its slot of the upload's assembly file when the front could write them there
 * (store_multipart_slot.c), else in a file of its own under DIR/parts. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "oss/crc64.h"
#include "op_multipart.h"

#define MAX_PART_SIZE (5ULL * 1024 * 1024 * 1024)

void emu_op_no_such_upload(struct emu_req *req, struct emu_resp *resp, const char *id)
{
    emu_resp_error(resp, req, 404, "NoSuchUpload",
                   "The specified upload does not exist. The upload ID may be invalid, or the "
                   "upload may have been aborted or completed.",
                   NULL, "UploadId", id ? id : "", NULL);
}

int emu_op_load_upload(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const struct emu_bucket *b, struct emu_upload *u)
{
    const char *id = emu_req_query(req, "uploadId");
    int rc = id && *id ? emu_store_upload_get(s->store, b->name, id, u) : -ENOENT;
    if (rc == 0 && strcmp(u->key, req->key) != 0) {
        emu_upload_cleanup(u);
        rc = -ENOENT;
    }
    if (rc == -ENOENT) {
        emu_op_no_such_upload(req, resp, id);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    return 0;
}

int emu_op_part_number(struct emu_req *req, struct emu_resp *resp, unsigned *out)
{
    const char *v = emu_req_query(req, "partNumber");
    char *end;
    unsigned long n = 0;

    if (v && *v >= '0' && *v <= '9') {
        errno = 0;
        n = strtoul(v, &end, 10);
        if (*end || errno)
            n = 0;
    }
    if (n < 1 || n > 10000) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "Part number must be an integer between 1 and 10000, inclusive.",
                       "0017-00000220", "ArgumentName", "PartNumber", "ArgumentValue", v ? v : "",
                       NULL);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* forbid-overwrite is checked at initiation and again at completion; it is ignored on a bucket
 * whose versioning was ever configured. 409 FileAlreadyExists and -1 when req->key exists. */
static int check_forbid(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                        const struct emu_bucket *b)
{
    struct emu_object cur;
    char status[16] = "";

    if (emu_store_versioning_get(s->store, b->name, status) == 0 && !status[0] &&
        emu_store_object_get(s->store, b->name, req->key, &cur) == 0) {
        emu_object_cleanup(&cur);
        emu_op_write_result(s, req, resp, -EEXIST);
        return -1;
    }
    return 0;
}

/* InitiateMultipartUploadResult for upload id of req->key. */
static void reply_initiate(struct emu_req *req, struct emu_resp *resp, const char *bucket,
                           const char *id, int url)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;

    emu_op_xml_begin(&w, &xml, "InitiateMultipartUploadResult");
    oss_xmlw_elem(&w, "Bucket", bucket);
    emu_op_xml_elem_enc(&w, url, "Key", req->key);
    oss_xmlw_elem(&w, "UploadId", id);
    if (url)
        oss_xmlw_elem(&w, "EncodingType", "url");
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}

/* POST /K?uploads: the object's future attributes come from this request's headers. */
void emu_op_initiate_multipart_upload(struct emu_server *s, struct emu_req *req,
                                      struct emu_resp *resp)
{
    struct emu_object o = {0};
    struct emu_upload u = {0};
    struct emu_bucket b;
    int forbid, url, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_write_checks(req, resp, &forbid) < 0 || emu_op_encoding_type(req, resp, &url) < 0)
        return;
    if (forbid && check_forbid(s, req, resp, &b) < 0)
        return;
    emu_op_object_init(&o, req, &b, NULL); /* the request's Content-Type, ACL, storage class */
    u.bucket = b.name;
    u.key = (char *)req->key;
    u.initiated = o.mtime;
    u.content_type = o.content_type;
    memcpy(u.acl, o.acl, sizeof(u.acl));
    memcpy(u.storage_class, o.storage_class, sizeof(u.storage_class));
    u.headers = emu_op_collect_headers(req);
    rc = u.headers ? emu_store_upload_create(s->store, &u) : -ENOMEM;
    free(u.headers);
    if (rc < 0) {
        emu_op_write_result(s, req, resp, rc);
        return;
    }
    reply_initiate(req, resp, b.name, u.upload_id, url);
}

int emu_op_part_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                    const struct emu_upload *u, struct emu_part *p, const char *path)
{
    int rc = emu_store_part_put(s->store, u->upload_id, p, path);
    if (rc == -ENOENT)
        emu_op_no_such_upload(req, resp, u->upload_id);
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    return rc < 0 ? -1 : 0;
}

void emu_op_part_reply(struct emu_resp *resp, const struct emu_part *p)
{
    char etag[80], crc[24];
    emu_op_quote_etag(p->etag, etag);
    snprintf(crc, sizeof(crc), "%" PRIu64, p->crc64);
    emu_resp_set_header(resp, "ETag", etag);
    emu_resp_set_header(resp, "x-oss-hash-crc64ecma", crc);
}

int emu_op_slot_commit(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const struct emu_upload *u, struct emu_part_slot *slot, struct emu_part *p)
{
    int rc = emu_store_slot_commit(s->store, slot, p);
    emu_store_slot_release(s->store, slot); /* done with the slot, whatever the outcome */
    if (rc == -ENOENT)
        emu_op_no_such_upload(req, resp, u->upload_id);
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    return rc < 0 ? -1 : 0;
}

/* Stores the request body as part p of upload u: commits the slot the front wrote it into, or
 * renames its file into place. 0, or -1 with resp filled. */
static int store_part(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      const struct emu_upload *u, struct emu_part *p)
{
    char path[4096];
    int owned, rc;

    if (req->body_slot) {
        struct emu_part_slot *slot = req->body_slot;
        req->body_slot = NULL;
        p->size = req->body_len;
        oss_hex(req->body_md5, 16, 1, p->etag);
        p->crc64 = req->body_crc64;
        p->mtime = time(NULL);
        return emu_op_slot_commit(s, req, resp, u, slot, p);
    }
    if ((rc = emu_op_body_file(s, req, path, sizeof(path), &owned, &p->size)) < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    oss_hex(req->body_md5, 16, 1, p->etag);
    p->crc64 = req->body_crc64;
    p->mtime = time(NULL);
    if (emu_op_part_put(s, req, resp, u, p, path) < 0) {
        if (owned)
            unlink(path);
        return -1;
    }
    if (!owned) /* the spool file is now the part's data */
        emu_op_body_taken(req);
    return 0;
}

/* PUT /K?partNumber=N&uploadId=ID with the part's bytes (in memory or spooled by the front with
 * MD5 and CRC64 already computed). Re-uploading a number replaces that part. */
void emu_op_upload_part(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_part p = {0};
    struct emu_upload u;
    struct emu_bucket b;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_part_number(req, resp, &p.part_number) < 0 ||
        emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    if (req->body_len > MAX_PART_SIZE)
        emu_resp_error(resp, req, 400, "EntityTooLarge",
                       "Your proposed upload exceeds the maximum allowed part size.", NULL, NULL);
    else if (emu_op_check_md5(req, resp, 0) == 0 && store_part(s, req, resp, &u, &p) == 0) {
        resp->status = 200;
        emu_op_part_reply(resp, &p);
        emu_op_header_md5(resp, req->body_md5);
    }
    emu_upload_cleanup(&u);
}

/* DELETE /K?uploadId=ID: 204, or 404 NoSuchUpload. */
void emu_op_abort_multipart_upload(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_upload u;
    struct emu_bucket b;
    int rc;

    if (emu_op_bucket_data(s, req, resp, "oss:AbortMultipartUpload", 1, &b) < 0 ||
        emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    rc = emu_store_upload_abort(s->store, b.name, u.upload_id);
    if (rc == -ENOENT)
        emu_op_no_such_upload(req, resp, u.upload_id);
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    else
        resp->status = 204;
    emu_upload_cleanup(&u);
}
