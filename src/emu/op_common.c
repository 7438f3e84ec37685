/* Pieces shared by the operation handlers: bucket/object loading with OSS's error answers,
 * ACL and name rules (oss-api.md 7), and common headers and XML. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    emu_resp_error(resp, req, 404, "NoSuchVersion", "The specified version does not exist.",
                   "0026-00000003", "Key", req->key ? req->key : "", "VersionId", v, NULL);
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
                       "The value must be an integer between 1 and 1000.", "0017-00000101",
                       "ArgumentName", name, "ArgumentValue", v, NULL);
        return -1;
    }
    *out = n;
    return 0;
}

void emu_op_reply_xml(struct emu_resp *resp, struct oss_buf *xml)
{
    emu_resp_xml(resp, xml);
}

void emu_op_object_headers(struct emu_resp *resp, const struct emu_object *o)
{
    emu_op_object_headers_req(resp, o, NULL);
}

/* response-* query parameters and the header each one replaces. */
static const char *const overrides[][2] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

static const char *override_for(const struct emu_req *req, const char *header)
{
    if (!req || req->who.anonymous)
        return NULL;
    for (size_t i = 0; i < sizeof(overrides) / sizeof(overrides[0]); i++)
        if (!strcasecmp(overrides[i][1], header))
            return emu_req_query(req, overrides[i][0]);
    return NULL;
}

void emu_op_object_headers_req(struct emu_resp *resp, const struct emu_object *o,
                               const struct emu_req *req)
{
    char etag[80], date[30], crc[24];
    json_t *h;

    emu_op_quote_etag(o->etag, etag);
    oss_http_date(o->mtime, date);
    snprintf(crc, sizeof(crc), "%" PRIu64, o->crc64);
    const char *ct = override_for(req, "Content-Type");
    emu_resp_header(resp, "Content-Type", ct ? ct : o->content_type);
    emu_resp_header(resp, "ETag", etag);
    emu_resp_header(resp, "Last-Modified", date);
    emu_resp_header(resp, "Accept-Ranges", "bytes");
    emu_resp_header(resp, "x-oss-object-type", o->type);
    emu_resp_header(resp, "x-oss-storage-class", o->storage_class);
    emu_resp_header(resp, "x-oss-hash-crc64ecma", crc);
    h = json_loads(o->headers, 0, NULL);
    if (json_is_object(h)) {
        const char *name;
        json_t *v;
        json_object_foreach(h, name, v)
        {
            if (json_is_string(v) && !override_for(req, name))
                emu_resp_header(resp, name, json_string_value(v));
        }
    }
    json_decref(h);
    for (size_t i = 1; i < sizeof(overrides) / sizeof(overrides[0]); i++) {
        const char *ov = override_for(req, overrides[i][1]);
        if (ov)
            emu_resp_header(resp, overrides[i][1], ov);
    }
}

/* Compares an If-Match style list ("\"A\", \"B\"" or "*") with etag, ignoring quotes, white
 * space and case. */
static int etag_matches(const char *list, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - start >= 2 && start[0] == 'W' && start[1] == '/')
            start += 2;
        if (end - start >= 2 && *start == '"' && end[-1] == '"') {
            start++;
            end--;
        }
        if (end - start == 1 && *start == '*')
            return 1;
        if ((size_t)(end - start) == elen && !strncasecmp(start, etag, elen))
            return 1;
    }
    return 0;
}

static const char *cond_header(struct emu_req *req, const char *prefix, const char *name)
{
    char full[96];
    snprintf(full, sizeof(full), "%s%s", prefix, name);
    return emu_req_header(req, full);
}

int emu_op_conditions(struct emu_req *req, struct emu_resp *resp, const struct emu_object *o,
                      const char *prefix)
{
    const char *im = cond_header(req, prefix, "if-match");
    const char *inm = cond_header(req, prefix, "if-none-match");
    const char *ims = cond_header(req, prefix, "if-modified-since");
    const char *ius = cond_header(req, prefix, "if-unmodified-since");
    time_t t;
    int fail412 = 0, not_modified = 0;
    const char *cond = NULL;

    if (im && !etag_matches(im, o->etag)) {
        fail412 = 1;
        cond = "If-Match";
    }
    if (!im && ius && oss_parse_http_date(ius, &t) == 0 && o->mtime > t) {
        fail412 = 1;
        cond = "If-Unmodified-Since";
    }
    if (!fail412 && inm && etag_matches(inm, o->etag))
        not_modified = 1;
    if (!fail412 && !inm && ims && oss_parse_http_date(ims, &t) == 0 && o->mtime <= t)
        not_modified = 1;
    if (fail412) {
        emu_resp_error(resp, req, 412, "PreconditionFailed",
                       "At least one of the pre-conditions you specified did not hold.",
                       "0026-00000004", "Condition", cond, NULL);
        return -1;
    }
    if (not_modified) {
        char etag[80], date[30];
        emu_op_quote_etag(o->etag, etag);
        oss_http_date(o->mtime, date);
        resp->status = 304;
        emu_resp_header(resp, "ETag", etag);
        emu_resp_header(resp, "Last-Modified", date);
        return -1;
    }
    return 0;
}

static const char *const stored_std[] = {"Cache-Control", "Content-Disposition",
                                         "Content-Encoding", "Content-Language", "Expires"};

char *emu_op_collect_headers(const struct emu_req *req)
{
    json_t *h = json_object();
    char *out;

    if (!h)
        return NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        const char *n = req->headers[i].name;
        if (strncasecmp(n, "x-oss-meta-", 11) != 0 || !n[11])
            continue;
        char *lower = strdup(n);
        if (!lower)
            continue;
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        json_object_set_new(h, lower, json_string(req->headers[i].value));
        free(lower);
    }
    for (size_t i = 0; i < sizeof(stored_std) / sizeof(stored_std[0]); i++) {
        const char *v = emu_req_header(req, stored_std[i]);
        if (v)
            json_object_set_new(h, stored_std[i], json_string(v));
    }
    out = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(h);
    return out;
}

int emu_op_check_md5(struct emu_req *req, struct emu_resp *resp, int required)
{
    const char *h = emu_req_header(req, "Content-MD5");
    struct oss_buf d = OSS_BUF_INIT;
    int ok;

    if (!h && !required)
        return 0;
    if (!h) {
        emu_resp_error(resp, req, 400, "InvalidDigest",
                       "The Content-MD5 header is required for this request.", "0017-00000502",
                       NULL);
        return -1;
    }
    ok = oss_base64_decode(h, strlen(h), &d) == 0 && d.len == 16;
    if (!ok) {
        oss_buf_cleanup(&d);
        emu_resp_error(resp, req, 400, "InvalidDigest",
                       "The Content-MD5 you specified is not valid.", "0017-00000502",
                       "Content-MD5", h, NULL);
        return -1;
    }
    ok = memcmp(d.data, req->body_md5, 16) == 0;
    oss_buf_cleanup(&d);
    if (!ok) {
        emu_resp_error(resp, req, 400, "InvalidDigest",
                       "The Content-MD5 you specified did not match what we received.",
                       "0017-00000503", "Content-MD5", h, NULL);
        return -1;
    }
    return 0;
}
