/* Request dispatch (oss-api.md Appendix B): from method, bucket/key and the distinguishing
 * query parameters to the operation handler and its OSS operation name. */
#include <string.h>

#include "emu/emu.h"
#include "op_perm.h"
#include "op_setting.h"

/* Query parameters that name a bucket sub-resource (an operation other than the plain one).
 * A request carrying one we do not implement must not fall through to ListObjects/PutBucket. */
/* clang-format off */
static const char *const bucket_subresources[] = {
    "acl", "accessmonitor", "bucketInfo", "location", "stat", "versioning", "versions", "uploads",
    "cors", "lifecycle", "logging", "referer", "website", "tagging", "encryption", "policy",
    "policyStatus", "transferAcceleration", "requestPayment", "resourceGroup", "publicAccessBlock",
    "httpsConfig", "inventory", "worm", "wormId", "wormExtend", "replication",
    "replicationLocation", "replicationProgress", "cname", "metaQuery", "delete", "qos", "qosInfo",
    "rtc", "archiveDirectRead", "bucketArchiveDirectRead", "objectWorm", "style", "img", "live",
    "vod", "comp", "overwriteConfig", "accessPoint", "accessPointPolicy", "responseHeader",
    "userDefinedLogFieldsConfig", "redundancyTransition", "dataAccelerator", "regionList", NULL};
/* clang-format on */

/* The same for objects. */
/* clang-format off */
static const char *const object_subresources[] = {
    "acl", "tagging", "symlink", "uploadId", "uploads", "partNumber", "append", "restore", "seal",
    "retention", "legalHold", "objectMeta", "x-oss-process", "x-oss-async-process",
    "cleanRestoredObject", "asyncFetch", NULL};
/* clang-format on */

static const char *first_subresource(const struct emu_req *r, const char *const *list)
{
    for (const char *const *p = list; *p; p++)
        if (emu_req_has_query(r, *p))
            return *p;
    return NULL;
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

#define ROUTE(name, fn)                                                                            \
    do {                                                                                           \
        req->op = (name);                                                                          \
        return (fn);                                                                               \
    } while (0)

static emu_handler_fn route_service(struct emu_req *req)
{
    if (is(req->method, "GET") && !emu_req_has_query(req, "publicAccessBlock") &&
        !emu_req_has_query(req, "regionList"))
        ROUTE("ListBuckets", emu_op_list_buckets); /* prefix, marker, max-keys, tag-* */
    /* the account's Block Public Access (op_perm.c) */
    emu_handler_fn perm = emu_perm_route_service(req);
    if (perm)
        return perm;
    req->op = "Unknown";
    return NULL;
}

static emu_handler_fn route_bucket(struct emu_req *req)
{
    const char *m = req->method, *sub = first_subresource(req, bucket_subresources);

    if (is(m, "PUT")) {
        if (!sub)
            ROUTE("PutBucket", emu_op_put_bucket);
        if (is(sub, "acl"))
            ROUTE("PutBucketAcl", emu_op_put_bucket_acl);
        if (is(sub, "accessmonitor"))
            ROUTE("PutBucketAccessMonitor", emu_op_put_bucket_access_monitor);
        if (is(sub, "versioning"))
            ROUTE("PutBucketVersioning", emu_op_put_bucket_versioning);
    } else if (is(m, "GET")) {
        if (!sub && is(emu_req_query(req, "list-type"), "2"))
            ROUTE("ListObjectsV2", emu_op_list_objects_v2);
        if (!sub)
            ROUTE("ListObjects", emu_op_list_objects);
        if (is(sub, "acl"))
            ROUTE("GetBucketAcl", emu_op_get_bucket_acl);
        if (is(sub, "accessmonitor"))
            ROUTE("GetBucketAccessMonitor", emu_op_get_bucket_access_monitor);
        if (is(sub, "bucketInfo"))
            ROUTE("GetBucketInfo", emu_op_get_bucket_info);
        if (is(sub, "location"))
            ROUTE("GetBucketLocation", emu_op_get_bucket_location);
        if (is(sub, "versioning"))
            ROUTE("GetBucketVersioning", emu_op_get_bucket_versioning);
        if (is(sub, "versions"))
            ROUTE("ListObjectVersions", emu_op_list_object_versions);
        if (is(sub, "uploads"))
            ROUTE("ListMultipartUploads", emu_op_list_multipart_uploads);
        if (is(sub, "stat"))
            ROUTE("GetBucketStat", emu_op_get_bucket_stat);
    } else if (is(m, "DELETE")) {
        if (!sub)
            ROUTE("DeleteBucket", emu_op_delete_bucket);
    } else if (is(m, "POST")) {
        if (is(sub, "delete"))
            ROUTE("DeleteMultipleObjects", emu_op_delete_multiple_objects);
    }
    emu_handler_fn perm = sub ? emu_perm_route_bucket(req, sub) : NULL;
    if (perm)
        return perm; /* publicAccessBlock, policyStatus, requestPayment, httpsConfig, worm */
    emu_handler_fn setting = sub ? emu_setting_route(req, sub) : NULL;
    if (setting)
        return setting; /* policy, cors, lifecycle, ... (op_setting.c sets req->op) */
    req->op = "Unknown";
    return NULL;
}

static emu_handler_fn route_object(struct emu_req *req)
{
    const char *m = req->method, *sub = first_subresource(req, object_subresources);

    if (is(m, "PUT")) {
        if (is(sub, "acl"))
            ROUTE("PutObjectACL", emu_op_put_object_acl);
        if (is(sub, "symlink"))
            ROUTE("PutSymlink", emu_op_put_symlink);
        if (is(sub, "tagging"))
            ROUTE("PutObjectTagging", emu_op_put_object_tagging);
        if ((is(sub, "uploadId") || is(sub, "partNumber")) &&
            emu_req_header(req, "x-oss-copy-source"))
            ROUTE("UploadPartCopy", emu_op_upload_part_copy);
        if (is(sub, "uploadId") || is(sub, "partNumber"))
            ROUTE("UploadPart", emu_op_upload_part);
        if (!sub && emu_req_header(req, "x-oss-copy-source"))
            ROUTE("CopyObject", emu_op_copy_object);
        if (!sub)
            ROUTE("PutObject", emu_op_put_object);
    } else if (is(m, "GET")) {
        if (is(sub, "acl"))
            ROUTE("GetObjectACL", emu_op_get_object_acl);
        if (is(sub, "symlink"))
            ROUTE("GetSymlink", emu_op_get_symlink);
        if (is(sub, "tagging"))
            ROUTE("GetObjectTagging", emu_op_get_object_tagging);
        if (is(sub, "uploadId"))
            ROUTE("ListParts", emu_op_list_parts);
        if (!sub)
            ROUTE("GetObject", emu_op_get_object);
    } else if (is(m, "HEAD")) {
        if (is(sub, "objectMeta"))
            ROUTE("GetObjectMeta", emu_op_get_object_meta);
        if (!sub)
            ROUTE("HeadObject", emu_op_head_object);
    } else if (is(m, "DELETE")) {
        if (!sub)
            ROUTE("DeleteObject", emu_op_delete_object);
        if (is(sub, "tagging"))
            ROUTE("DeleteObjectTagging", emu_op_delete_object_tagging);
        if (is(sub, "uploadId"))
            ROUTE("AbortMultipartUpload", emu_op_abort_multipart_upload);
    } else if (is(m, "POST")) {
        if (is(sub, "append"))
            ROUTE("AppendObject", emu_op_append_object);
        if (is(sub, "uploads"))
            ROUTE("InitiateMultipartUpload", emu_op_initiate_multipart_upload);
        if (is(sub, "uploadId"))
            ROUTE("CompleteMultipartUpload", emu_op_complete_multipart_upload);
    }
    req->op = "Unknown";
    return NULL;
}

emu_handler_fn emu_route(struct emu_req *req)
{
    if (!req->bucket)
        return route_service(req);
    if (!req->key)
        return route_bucket(req);
    return route_object(req);
}
