/* The HTTP side of objects shared by the handlers: the headers stored with an object and sent
 * back (with GetObject's response-* overrides), conditional requests (If-Match and friends,
 * also in their x-oss-copy-source- form) and Content-MD5 checking (oss-api.md 4.4, 6.6, 8.1). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <inttypes.h>

#include "oss/codec.h"
#include "op_priv.h"
#include "op_setting.h"

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

/* The headers stored with o (x-oss-meta-*, Cache-Control, ...), then the response-* overrides
 * of req (NULL: none) in place of the stored values they name. */
static void stored_headers(struct emu_resp *resp, const struct emu_object *o,
                           const struct emu_req *req)
{
    json_t *h = json_loads(o->headers, 0, NULL);
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

void emu_op_object_headers_req(struct emu_resp *resp, const struct emu_object *o,
                               const struct emu_req *req)
{
    char etag[80], date[30];

    emu_op_quote_etag(o->etag, etag);
    oss_http_date(o->mtime, date);
    const char *ct = override_for(req, "Content-Type");
    emu_resp_header(resp, "Content-Type", ct ? ct : o->content_type);
    emu_resp_header(resp, "ETag", etag);
    emu_resp_header(resp, "Last-Modified", date);
    emu_resp_header(resp, "Accept-Ranges", "bytes");
    emu_resp_header(resp, "x-oss-object-type", o->type);
    emu_resp_header(resp, "x-oss-storage-class", o->storage_class);
    emu_op_header_u64(resp, "x-oss-hash-crc64ecma", o->crc64);
    if (!strcmp(o->type, "Appendable"))
        emu_op_header_u64(resp, "x-oss-next-append-position", o->size);
    size_t ntags = emu_object_tag_count(o->headers);
    if (ntags)
        emu_op_header_u64(resp, "x-oss-tagging-count", ntags);
    emu_op_version_header(resp, o);
    stored_headers(resp, o, req);
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
                       "At least one of the pre-conditions you specified did not hold.", NULL,
                       "Condition", cond, NULL);
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

static const char *const stored_std[] = {"Cache-Control", "Content-Disposition", "Content-Encoding",
                                         "Content-Language", "Expires"};

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
    const char *tagging = emu_req_header(req, "x-oss-tagging");
    void *tags = NULL;
    struct emu_setting_err terr;
    if (tagging && emu_object_tags_from_header(tagging, &tags, &terr) == 0 &&
        json_object_size(tags))
        json_object_set(h, "x-emu-tagging", tags); /* op_object_tagging.c */
    json_decref(tags);
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
