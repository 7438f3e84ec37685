/* The OSS operation name of a request (the names of oss-api.md and OSS's documentation), derived
 * from its method, target and sub-resource, so that an error can say which call failed without
 * every caller naming it again. Unknown sub-resources of a bucket get the name OSS's pattern
 * gives them (PUT ?publicAccessBlock: PutBucketPublicAccessBlock). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client_priv.h"

enum scope { SERVICE, BUCKET, OBJECT };

struct opname_row {
    const char *method;
    enum scope scope;
    const char *subres; /* a query name present on the request; NULL: none of the others */
    const char *name;
};

/* First match wins: sub-resource rows come before the plain row of the same method. */
static const struct opname_row rows[] = {
    {"GET", SERVICE, NULL, "ListBuckets"},
    {"GET", BUCKET, "acl", "GetBucketAcl"},
    {"PUT", BUCKET, "acl", "PutBucketAcl"},
    {"GET", BUCKET, "location", "GetBucketLocation"},
    {"GET", BUCKET, "bucketInfo", "GetBucketInfo"},
    {"GET", BUCKET, "stat", "GetBucketStat"},
    {"GET", BUCKET, "accessmonitor", "GetBucketAccessMonitor"},
    {"PUT", BUCKET, "accessmonitor", "PutBucketAccessMonitor"},
    {"GET", BUCKET, "tagging", "GetBucketTags"},
    {"PUT", BUCKET, "tagging", "PutBucketTags"},
    {"DELETE", BUCKET, "tagging", "DeleteBucketTags"},
    {"GET", BUCKET, "versions", "ListObjectVersions"},
    {"GET", BUCKET, "uploads", "ListMultipartUploads"},
    {"POST", BUCKET, "delete", "DeleteMultipleObjects"},
    {"GET", BUCKET, "list-type", "ListObjectsV2"},
    {"GET", BUCKET, NULL, "ListObjects"},
    {"PUT", BUCKET, NULL, "PutBucket"},
    {"DELETE", BUCKET, NULL, "DeleteBucket"},
    {"POST", OBJECT, "append", "AppendObject"},
    {"GET", OBJECT, "acl", "GetObjectACL"},
    {"PUT", OBJECT, "acl", "PutObjectACL"},
    {"GET", OBJECT, "symlink", "GetSymlink"},
    {"PUT", OBJECT, "symlink", "PutSymlink"},
    {"GET", OBJECT, "tagging", "GetObjectTagging"},
    {"PUT", OBJECT, "tagging", "PutObjectTagging"},
    {"DELETE", OBJECT, "tagging", "DeleteObjectTagging"},
    {"HEAD", OBJECT, "objectMeta", "GetObjectMeta"},
    {"GET", OBJECT, "objectMeta", "GetObjectMeta"},
    {"POST", OBJECT, "uploads", "InitiateMultipartUpload"},
    {"PUT", OBJECT, "partNumber", "UploadPart"},
    {"POST", OBJECT, "uploadId", "CompleteMultipartUpload"},
    {"DELETE", OBJECT, "uploadId", "AbortMultipartUpload"},
    {"GET", OBJECT, "uploadId", "ListParts"},
    {"GET", OBJECT, NULL, "GetObject"},
    {"PUT", OBJECT, NULL, "PutObject"},
    {"HEAD", OBJECT, NULL, "HeadObject"},
    {"DELETE", OBJECT, NULL, "DeleteObject"},
};

static int has_query(const struct oss_req *r, const char *name)
{
    for (size_t i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].name, name) == 0)
            return 1;
    return 0;
}

/* Whether every query name of a bucket request is a listing parameter (not a sub-resource). */
static int only_list_params(const struct oss_req *r)
{
    static const char *const params[] = {"prefix",      "delimiter",          "marker",
                                         "max-keys",    "encoding-type",      "start-after",
                                         "fetch-owner", "continuation-token", "list-type"};
    for (size_t i = 0; i < r->nquery; i++) {
        size_t j = 0;
        while (j < sizeof(params) / sizeof(params[0]) && strcmp(r->query[i].name, params[j]) != 0)
            j++;
        if (j == sizeof(params) / sizeof(params[0]))
            return 0;
    }
    return 1;
}

static int has_header(const struct oss_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return 1;
    return 0;
}

/* "GET" -> "Get" */
static void method_word(const char *method, char *out, size_t len)
{
    size_t i = 0;
    for (; method[i] && i + 1 < len; i++)
        out[i] = (char)(i == 0 ? method[i] : method[i] - 'A' + 'a');
    out[i] = 0;
}

void oss_req_op_name(const struct oss_req *r, char *out, size_t len)
{
    enum scope s = !r->bucket ? SERVICE : !r->key || !*r->key ? BUCKET : OBJECT;
    int copy = s == OBJECT && has_header(r, "x-oss-copy-source");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct opname_row *w = &rows[i];
        if (w->scope != s || strcmp(w->method, r->method) != 0)
            continue;
        if (w->subres && !has_query(r, w->subres))
            continue;
        if (!w->subres && s == BUCKET && !only_list_params(r))
            break; /* a bucket sub-resource this table does not know: named below */
        const char *name = w->name;
        if (copy && strcmp(name, "PutObject") == 0)
            name = "CopyObject";
        else if (copy && strcmp(name, "UploadPart") == 0)
            name = "UploadPartCopy";
        snprintf(out, len, "%s", name);
        return;
    }
    char verb[16];
    method_word(r->method, verb, sizeof(verb));
    const char *sub = r->nquery > 0 ? r->query[0].name : "";
    const char *what = s == BUCKET ? "Bucket" : s == OBJECT ? "Object" : "Service";
    if (!sub[0]) {
        snprintf(out, len, "%s%s", verb, what);
        return;
    }
    char first = sub[0] >= 'a' && sub[0] <= 'z' ? (char)(sub[0] - 'a' + 'A') : sub[0];
    snprintf(out, len, "%s%s%c%s", verb, what, first, sub + 1);
}
