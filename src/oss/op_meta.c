/* Rewriting an object's metadata: HeadObject with the standard headers an object keeps, and
 * CopyObject onto itself with x-oss-metadata-directive REPLACE carrying the complete new
 * header set (oss-api.md 7.3), which is the only way OSS changes user metadata. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/codec.h"

#define META_MAX (8u * 1024)

int oss_meta_name_valid(const char *n)
{
    if (!n || !*n)
        return 0;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') ||
              *n == '-'))
            return 0;
    return 1;
}

static int printable(const char *v)
{
    for (; v && *v; v++)
        if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f)
            return 0;
    return v != NULL;
}

void oss_object_headers_cleanup(struct oss_object_headers *h)
{
    if (!h)
        return;
    free(h->content_type);
    free(h->cache_control);
    free(h->content_disposition);
    free(h->content_encoding);
    free(h->expires);
    free(h->storage_class);
    free(h->sse);
    free(h->sse_key_id);
    free(h->sse_data);
    memset(h, 0, sizeof *h);
}

/* The standard headers HeadObject reads back and a metadata rewrite sends, other than
 * Content-Type (which a rewrite always sends), in the order they go on the wire. */
static const struct {
    const char *name;
    size_t offset; /* of the char * field in struct oss_object_headers */
} std_headers[] = {
    {"Cache-Control", offsetof(struct oss_object_headers, cache_control)},
    {"Content-Disposition", offsetof(struct oss_object_headers, content_disposition)},
    {"Content-Encoding", offsetof(struct oss_object_headers, content_encoding)},
    {"Expires", offsetof(struct oss_object_headers, expires)},
    {"x-oss-storage-class", offsetof(struct oss_object_headers, storage_class)},
    {"x-oss-server-side-encryption", offsetof(struct oss_object_headers, sse)},
    {"x-oss-server-side-encryption-key-id", offsetof(struct oss_object_headers, sse_key_id)},
    {"x-oss-server-side-data-encryption", offsetof(struct oss_object_headers, sse_data)},
};

static int dup_header(const struct oss_http_response *resp, const char *name, char **out)
{
    const char *v = oss_http_header(resp, name);
    if (!v || !*v)
        return 0;
    *out = strdup(v);
    return *out ? 0 : -ENOMEM;
}

int oss_head_object_headers(struct oss_client *c, const char *bucket, const char *key,
                            struct oss_object_meta *meta, struct oss_object_headers *hdrs,
                            struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    const char *v;
    int rc;

    memset(meta, 0, sizeof *meta);
    memset(hdrs, 0, sizeof *hdrs);
    if (!key || !*key)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "HEAD", bucket, key);
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0) {
        rc = oss_meta_from_headers(&resp, 1, meta);
        if (rc == 0)
            rc = dup_header(&resp, "Content-Type", &hdrs->content_type);
        for (size_t i = 0; rc == 0 && i < sizeof std_headers / sizeof std_headers[0]; i++)
            rc = dup_header(&resp, std_headers[i].name,
                            (char **)((char *)hdrs + std_headers[i].offset));
        if ((v = oss_http_header(&resp, "x-oss-tagging-count")))
            hdrs->tagging_count = (unsigned)strtoul(v, NULL, 10);
        if (rc < 0)
            rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
    }
    if (rc < 0) {
        oss_object_meta_cleanup(meta);
        oss_object_headers_cleanup(hdrs);
    }
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

static void opt_header(struct oss_req *r, const char *name, const char *value)
{
    if (value && *value)
        oss_req_header(r, name, value);
}

int oss_set_object_meta(struct oss_client *c, const char *bucket, const char *key,
                        const struct oss_meta_rewrite *o, struct oss_error *err)
{
    struct oss_buf src = OSS_BUF_INIT;
    const struct oss_object_headers *std = o ? o->std : NULL;
    struct oss_req r;
    size_t total = 0;
    int rc;

    if (!key || !*key || !o)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    for (size_t i = 0; i < o->nmeta; i++) {
        if (!oss_meta_name_valid(o->meta[i].name) || !printable(o->meta[i].value))
            return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid user metadata");
        total += strlen(o->meta[i].name) + strlen(o->meta[i].value);
    }
    if (total > META_MAX)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "user metadata over 8 KB");
    rc = oss_buf_printf(&src, "/%s/", bucket ? bucket : "");
    if (rc == 0)
        rc = oss_url_encode(key, strlen(key), 1, &src);
    if (rc < 0) {
        oss_buf_cleanup(&src);
        return oss_client_fail(err, ENOMEM, "", "out of memory");
    }
    oss_req_init(&r, "PUT", bucket, key);
    oss_req_header(&r, "x-oss-copy-source", oss_buf_str(&src));
    oss_req_header(&r, "x-oss-metadata-directive", "REPLACE");
    oss_req_header(&r, "Content-Type",
                   std && std->content_type && *std->content_type ? std->content_type
                                                                  : "application/octet-stream");
    if (std) {
        for (size_t i = 0; i < sizeof std_headers / sizeof std_headers[0]; i++)
            opt_header(&r, std_headers[i].name,
                       *(char *const *)((const char *)std + std_headers[i].offset));
    }
    if (o->object_acl && *o->object_acl && strcmp(o->object_acl, "default") != 0)
        oss_req_header(&r, "x-oss-object-acl", o->object_acl);
    oss_req_header(&r, "x-oss-tagging-directive", o->keep_tags ? "Copy" : "Replace");
    if (!o->keep_tags)
        opt_header(&r, "x-oss-tagging", o->tagging);
    for (size_t i = 0; i < o->nmeta; i++) {
        char *name = NULL, *value = strdup(o->meta[i].value);
        if (asprintf(&name, "x-oss-meta-%s", o->meta[i].name) < 0)
            name = NULL;
        oss_req_header_own(&r, name, value);
    }
    rc = oss_client_send_status(c, &r, err);
    oss_buf_cleanup(&src);
    return rc;
}
