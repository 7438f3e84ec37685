/* Pieces shared by the operation handlers: bucket/object loading with OSS's error answers,
 * ACL and name rules (oss-api.md 7), parameters and XML fragments several operations emit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

void emu_op_internal(struct emu_resp *resp, const struct emu_req *req, int rc)
{
    char msg[96];
    snprintf(msg, sizeof(msg), "The server hit an internal error (%s).", strerror(-rc));
    emu_resp_error(resp, req, 500, "InternalError", msg, NULL, NULL);
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

int emu_op_load_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_object *o, int *fd)
{
    int rc = fd ? emu_store_object_open(s->store, req->bucket, req->key, o, fd)
                : emu_store_object_get(s->store, req->bucket, req->key, o);
    if (rc == -ENOENT) {
        emu_resp_error(resp, req, 404, "NoSuchKey", "The specified key does not exist.",
                       "0026-00000001", "Key", req->key, NULL);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    return 0;
}

int emu_op_check_version(struct emu_req *req, struct emu_resp *resp)
{
    const char *v = emu_req_query(req, "versionId");
    if (!v || !*v || strcmp(v, "null") == 0)
        return 0;
    emu_resp_error(resp, req, 404, "NoSuchVersion", "The specified version does not exist.", NULL,
                   "Key", req->key ? req->key : "", "VersionId", v, NULL);
    return -1;
}

int emu_op_bucket_acl_valid(const char *acl)
{
    return acl && (!strcmp(acl, "private") || !strcmp(acl, "public-read") ||
                   !strcmp(acl, "public-read-write"));
}

int emu_op_object_acl_valid(const char *acl)
{
    return emu_op_bucket_acl_valid(acl) || (acl && !strcmp(acl, "default"));
}

const char *emu_op_effective_acl(const struct emu_object *o, const struct emu_bucket *b)
{
    if (!o || !o->acl[0] || !strcmp(o->acl, "default"))
        return b->acl;
    return o->acl;
}

/* 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit. */
int emu_op_bucket_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 3 || n > 63 || name[0] == '-' || name[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

/* 1-1023 bytes, not starting with '/' or '\'. */
int emu_op_object_key_valid(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return n >= 1 && n <= 1023 && key[0] != '/' && key[0] != '\\';
}

void emu_op_quote_etag(const char *etag, char out[80])
{
    snprintf(out, 80, "\"%.72s\"", etag);
}

void emu_op_xml_owner(struct oss_xml_writer *w, const char *id)
{
    oss_xmlw_start(w, "Owner");
    oss_xmlw_elem(w, "ID", id);
    oss_xmlw_elem(w, "DisplayName", id);
    oss_xmlw_end(w);
}

void emu_op_xml_endpoints(struct oss_xml_writer *w, const struct emu_bucket *b)
{
    oss_xmlw_elemf(w, "ExtranetEndpoint", "oss-%s.aliyuncs.com", b->region);
    oss_xmlw_elemf(w, "IntranetEndpoint", "oss-%s-internal.aliyuncs.com", b->region);
    oss_xmlw_elemf(w, "Location", "oss-%s", b->region);
}

int emu_op_max_keys(struct emu_req *req, struct emu_resp *resp, const char *name, size_t def,
                    size_t *out)
{
    const char *v = emu_req_query(req, name);
    char *end;
    unsigned long n;

    *out = def;
    if (!v)
        return 0;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (!*v || *end || errno || n < 1 || n > 1000 || v[0] == '-' || v[0] == '+') {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The value must be an integer between 1 and 1000.", NULL, "ArgumentName",
                       name, "ArgumentValue", v, NULL);
        return -1;
    }
    *out = n;
    return 0;
}

void emu_op_reply_xml(struct emu_resp *resp, struct oss_buf *xml)
{
    emu_resp_xml(resp, xml);
    oss_buf_cleanup(xml);
}
