/* Object metadata operations: ACLs (with versionId), HeadObject, GetObjectMeta, CopyObject
 * and DeleteObject. Reads and uploads of object data are in op_get.c and op_put.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/codec.h"

static int valid_object_acl(const char *acl)
{
    return acl && (strcmp(acl, "default") == 0 || strcmp(acl, "private") == 0 ||
                   strcmp(acl, "public-read") == 0 || strcmp(acl, "public-read-write") == 0);
}

static int key_ok(const char *key)
{
    return key && *key;
}

static void add_version(struct oss_req *r, const char *version_id)
{
    if (version_id && *version_id)
        oss_req_query(r, "versionId", version_id);
}

int oss_get_object_acl(struct oss_client *c, const char *bucket, const char *key,
                       const char *version_id, char acl[24], struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    int rc;

    acl[0] = 0;
    if (!key_ok(key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "GET", bucket, key);
    oss_req_query(&r, "acl", NULL);
    add_version(&r, version_id);
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0 && oss_parse_acl(resp.body.data, resp.body.len, acl) < 0)
        rc = oss_client_bad_answer(err, &resp, EIO, "", "malformed GetObjectACL answer");
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

int oss_put_object_acl(struct oss_client *c, const char *bucket, const char *key,
                       const char *version_id, const char *acl, struct oss_error *err)
{
    struct oss_req r;
    int rc;

    if (!key_ok(key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    if (!valid_object_acl(acl))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid object ACL");
    oss_req_init(&r, "PUT", bucket, key);
    oss_req_query(&r, "acl", NULL);
    add_version(&r, version_id);
    oss_req_header(&r, "x-oss-object-acl", acl);
    rc = oss_client_send_status(c, &r, err);
    return rc;
}

/* HEAD of the object, with or without ?objectMeta. */
static int head(struct oss_client *c, const char *bucket, const char *key, const char *version_id,
                int object_meta, struct oss_object_meta *out, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    int rc;

    memset(out, 0, sizeof *out);
    if (!key_ok(key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "HEAD", bucket, key);
    if (object_meta)
        oss_req_query(&r, "objectMeta", NULL);
    add_version(&r, version_id);
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0 && oss_meta_from_headers(&resp, !object_meta, out) < 0)
        rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
    if (rc < 0)
        oss_object_meta_cleanup(out);
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

int oss_head_object(struct oss_client *c, const char *bucket, const char *key,
                    const char *version_id, struct oss_object_meta *out, struct oss_error *err)
{
    return head(c, bucket, key, version_id, 0, out, err);
}

int oss_get_object_meta(struct oss_client *c, const char *bucket, const char *key,
                        const char *version_id, struct oss_object_meta *out, struct oss_error *err)
{
    return head(c, bucket, key, version_id, 1, out, err);
}

int oss_copy_object(struct oss_client *c, const char *bucket, const char *src_key,
                    const char *dst_key, struct oss_error *err)
{
    struct oss_buf src = OSS_BUF_INIT;
    struct oss_req r;
    int rc;

    if (!key_ok(src_key) || !key_ok(dst_key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    rc = oss_buf_printf(&src, "/%s/", bucket ? bucket : "");
    if (rc == 0)
        rc = oss_url_encode(src_key, strlen(src_key), 1, &src);
    if (rc < 0) {
        oss_buf_cleanup(&src);
        return oss_client_fail(err, ENOMEM, "", "out of memory");
    }
    oss_req_init(&r, "PUT", bucket, dst_key);
    oss_req_header(&r, "x-oss-copy-source", oss_buf_str(&src));
    oss_req_header(&r, "x-oss-metadata-directive", "COPY");
    rc = oss_client_send_status(c, &r, err);
    oss_buf_cleanup(&src);
    return rc;
}

int oss_delete_object(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, struct oss_error *err)
{
    struct oss_req r;
    int rc;

    if (!key_ok(key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "DELETE", bucket, key);
    add_version(&r, version_id);
    rc = oss_client_send_status(c, &r, err);
    return rc;
}
