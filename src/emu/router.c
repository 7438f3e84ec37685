/* Request dispatch (oss-api.md Appendix B): a table from method, bucket/key and the
 * distinguishing query parameters to the operation handler and its OSS operation name. Adding an
 * operation is adding a row (and its sub-resource to the list of its scope). */
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

/* Service-level sub-resources: a GET / carrying one is not ListBuckets. */
static const char *const service_subresources[] = {"publicAccessBlock", "regionList", NULL};

static const char *first_subresource(const struct emu_req *r, const char *const *list)
{
    for (const char *const *p = list; *p; p++)
        if (emu_req_has_query(r, *p))
            return *p;
    return NULL;
}

/* Where a request points: the service (no bucket), a bucket, or an object. */
enum route_scope { ON_SERVICE, ON_BUCKET, ON_OBJECT };

/* One operation: the scope, method and sub-resource (NULL: none) that select it, an optional
 * further test of the request, the OSS operation name it is logged as, and its handler. Rows
 * are tried in order and the first match wins, so a row with a test precedes the plain one. */
struct route {
    enum route_scope scope;
    const char *method;
    const char *sub;
    int (*when)(const struct emu_req *req);
    const char *op;
    emu_handler_fn fn;
};

static int copies(const struct emu_req *req)
{
    return emu_req_header(req, "x-oss-copy-source") != NULL;
}

static int lists_v2(const struct emu_req *req)
{
    const char *t = emu_req_query(req, "list-type");
    return t && strcmp(t, "2") == 0;
}

/* clang-format off */
static const struct route routes[] = {
    /* scope     method    sub-resource     when      operation                  handler */
    {ON_SERVICE, "GET",    NULL,            NULL,     "ListBuckets",             emu_op_list_buckets},

    {ON_BUCKET,  "PUT",    NULL,            NULL,     "PutBucket",               emu_op_put_bucket},
    {ON_BUCKET,  "PUT",    "acl",           NULL,     "PutBucketAcl",            emu_op_put_bucket_acl},
    {ON_BUCKET,  "PUT",    "accessmonitor", NULL,     "PutBucketAccessMonitor",  emu_op_put_bucket_access_monitor},
    {ON_BUCKET,  "PUT",    "versioning",    NULL,     "PutBucketVersioning",     emu_op_put_bucket_versioning},
    {ON_BUCKET,  "GET",    NULL,            lists_v2, "ListObjectsV2",           emu_op_list_objects_v2},
    {ON_BUCKET,  "GET",    NULL,            NULL,     "ListObjects",             emu_op_list_objects},
    {ON_BUCKET,  "GET",    "acl",           NULL,     "GetBucketAcl",            emu_op_get_bucket_acl},
    {ON_BUCKET,  "GET",    "accessmonitor", NULL,     "GetBucketAccessMonitor",  emu_op_get_bucket_access_monitor},
    {ON_BUCKET,  "GET",    "bucketInfo",    NULL,     "GetBucketInfo",           emu_op_get_bucket_info},
    {ON_BUCKET,  "GET",    "location",      NULL,     "GetBucketLocation",       emu_op_get_bucket_location},
    {ON_BUCKET,  "GET",    "versioning",    NULL,     "GetBucketVersioning",     emu_op_get_bucket_versioning},
    {ON_BUCKET,  "GET",    "versions",      NULL,     "ListObjectVersions",      emu_op_list_object_versions},
    {ON_BUCKET,  "GET",    "uploads",       NULL,     "ListMultipartUploads",    emu_op_list_multipart_uploads},
    {ON_BUCKET,  "GET",    "stat",          NULL,     "GetBucketStat",           emu_op_get_bucket_stat},
    {ON_BUCKET,  "DELETE", NULL,            NULL,     "DeleteBucket",            emu_op_delete_bucket},
    {ON_BUCKET,  "POST",   "delete",        NULL,     "DeleteMultipleObjects",   emu_op_delete_multiple_objects},

    {ON_OBJECT,  "PUT",    "acl",           NULL,     "PutObjectACL",            emu_op_put_object_acl},
    {ON_OBJECT,  "PUT",    "symlink",       NULL,     "PutSymlink",              emu_op_put_symlink},
    {ON_OBJECT,  "PUT",    "tagging",       NULL,     "PutObjectTagging",        emu_op_put_object_tagging},
    {ON_OBJECT,  "PUT",    "uploadId",      copies,   "UploadPartCopy",          emu_op_upload_part_copy},
    {ON_OBJECT,  "PUT",    "partNumber",    copies,   "UploadPartCopy",          emu_op_upload_part_copy},
    {ON_OBJECT,  "PUT",    "uploadId",      NULL,     "UploadPart",              emu_op_upload_part},
    {ON_OBJECT,  "PUT",    "partNumber",    NULL,     "UploadPart",              emu_op_upload_part},
    {ON_OBJECT,  "PUT",    NULL,            copies,   "CopyObject",              emu_op_copy_object},
    {ON_OBJECT,  "PUT",    NULL,            NULL,     "PutObject",               emu_op_put_object},
    {ON_OBJECT,  "GET",    "acl",           NULL,     "GetObjectACL",            emu_op_get_object_acl},
    {ON_OBJECT,  "GET",    "symlink",       NULL,     "GetSymlink",              emu_op_get_symlink},
    {ON_OBJECT,  "GET",    "tagging",       NULL,     "GetObjectTagging",        emu_op_get_object_tagging},
    {ON_OBJECT,  "GET",    "uploadId",      NULL,     "ListParts",               emu_op_list_parts},
    {ON_OBJECT,  "GET",    NULL,            NULL,     "GetObject",               emu_op_get_object},
    {ON_OBJECT,  "HEAD",   "objectMeta",    NULL,     "GetObjectMeta",           emu_op_get_object_meta},
    {ON_OBJECT,  "HEAD",   NULL,            NULL,     "HeadObject",              emu_op_head_object},
    {ON_OBJECT,  "DELETE", NULL,            NULL,     "DeleteObject",            emu_op_delete_object},
    {ON_OBJECT,  "DELETE", "tagging",       NULL,     "DeleteObjectTagging",     emu_op_delete_object_tagging},
    {ON_OBJECT,  "DELETE", "uploadId",      NULL,     "AbortMultipartUpload",    emu_op_abort_multipart_upload},
    {ON_OBJECT,  "POST",   "append",        NULL,     "AppendObject",            emu_op_append_object},
    {ON_OBJECT,  "POST",   "uploads",       NULL,     "InitiateMultipartUpload", emu_op_initiate_multipart_upload},
    {ON_OBJECT,  "POST",   "uploadId",      NULL,     "CompleteMultipartUpload", emu_op_complete_multipart_upload},
};
/* clang-format on */

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

emu_handler_fn emu_route(struct emu_req *req)
{
    enum route_scope scope = !req->bucket ? ON_SERVICE : !req->key ? ON_BUCKET : ON_OBJECT;
    const char *const *subs = scope == ON_SERVICE  ? service_subresources
                              : scope == ON_BUCKET ? bucket_subresources
                                                   : object_subresources;
    const char *sub = first_subresource(req, subs);

    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *r = &routes[i];
        if (r->scope == scope && same(r->method, req->method) && same(r->sub, sub) &&
            (!r->when || r->when(req))) {
            req->op = r->op;
            return r->fn;
        }
    }
    /* Block Public Access, policy status, requester pays, HTTPS config, WORM, access points
     * (op_perm.c, op_access_point.c) */
    emu_handler_fn perm = scope == ON_SERVICE               ? emu_perm_route_service(req)
                          : scope == ON_BUCKET && sub       ? emu_perm_route_bucket(req, sub)
                                                            : NULL;
    if (perm)
        return perm;
    emu_handler_fn setting = scope == ON_BUCKET && sub ? emu_setting_route(req, sub) : NULL;
    if (setting)
        return setting; /* policy, cors, lifecycle, ... (op_setting.c sets req->op) */
    req->op = "Unknown";
    return NULL;
}
