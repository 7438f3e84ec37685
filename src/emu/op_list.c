/* Object listings: ListObjects (v1: marker / NextMarker) and ListObjectsV2 (start-after,
 * continuation-token, KeyCount, fetch-owner), both with prefix, delimiter, max-keys and
 * encoding-type=url (oss-api.md 6.5). The continuation token is the base64url encoding of the
 * last key or common prefix returned; clients treat it as opaque. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

/* A listing request after parameter checks. */
struct list_params {
    int v2;
    const char *prefix, *delimiter, *marker, *start_after, *token;
    char *after; /* where the page starts (owned) */
    size_t max;
    int url;         /* encoding-type=url */
    int fetch_owner; /* v1 always, v2 with fetch-owner=true */
};

/* base64url without padding: the token is sent back in a query string. */
static char *token_encode(const char *s)
{
    struct oss_buf b = OSS_BUF_INIT;
    if (oss_base64_encode(s, strlen(s), &b) < 0) {
        oss_buf_cleanup(&b);
        return NULL;
    }
    if (!b.data) /* empty input */
        return strdup("");
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '+')
            b.data[i] = '-';
        else if (b.data[i] == '/')
            b.data[i] = '_';
    }
    while (b.len > 0 && b.data[b.len - 1] == '=')
        b.data[--b.len] = 0;
    return oss_buf_detach(&b);
}

/* Returns the decoded key (malloc'ed) or NULL when the token is not one of ours. */
static char *token_decode(const char *t)
{
    struct oss_buf in = OSS_BUF_INIT, out = OSS_BUF_INIT;
    char *res = NULL;

    if (oss_buf_puts(&in, t) < 0)
        goto done;
    for (size_t i = 0; i < in.len; i++) {
        if (in.data[i] == '-')
            in.data[i] = '+';
        else if (in.data[i] == '_')
            in.data[i] = '/';
    }
    while (in.len % 4)
        if (oss_buf_putc(&in, '=') < 0)
            goto done;
    if (in.len == 0 || oss_base64_decode(in.data, in.len, &out) < 0 || !out.data ||
        memchr(out.data, 0, out.len))
        goto done;
    res = oss_buf_detach(&out);
done:
    oss_buf_cleanup(&in);
    oss_buf_cleanup(&out);
    return res;
}

static void invalid_arg(struct emu_req *req, struct emu_resp *resp, const char *name,
                        const char *value, const char *msg)
{
    emu_resp_error(resp, req, 400, "InvalidArgument", msg, NULL, "ArgumentName", name,
                   "ArgumentValue", value ? value : "", NULL);
}

static int parse_params(struct emu_req *req, struct emu_resp *resp, struct list_params *p)
{
    const char *fo = emu_req_query(req, "fetch-owner");

    p->prefix = emu_req_query(req, "prefix");
    p->delimiter = emu_req_query(req, "delimiter");
    if (emu_op_max_keys(req, resp, "max-keys", 100, &p->max) < 0 ||
        emu_op_encoding_type(req, resp, &p->url) < 0)
        return -1;
    if (!p->v2) {
        p->marker = emu_req_query(req, "marker");
        p->fetch_owner = 1;
        p->after = strdup(p->marker ? p->marker : "");
        return p->after ? 0 : (emu_op_internal(resp, req, -ENOMEM), -1);
    }
    p->start_after = emu_req_query(req, "start-after");
    p->token = emu_req_query(req, "continuation-token");
    p->fetch_owner = fo && !strcasecmp(fo, "true");
    if (p->token) {
        p->after = token_decode(p->token);
        if (!p->after) {
            invalid_arg(req, resp, "continuation-token", p->token,
                        "The continuation token provided is incorrect.");
            return -1;
        }
        /* Resuming never goes back before start-after. */
        if (p->start_after && strcmp(p->start_after, p->after) > 0) {
            free(p->after);
            p->after = strdup(p->start_after);
        }
    } else {
        p->after = strdup(p->start_after ? p->start_after : "");
    }
    return p->after ? 0 : (emu_op_internal(resp, req, -ENOMEM), -1);
}

/* <name>value</name>, url-encoded when the request asked for it. */
static void elem_enc(struct oss_xml_writer *w, const struct list_params *p, const char *name,
                     const char *value)
{
    emu_op_xml_elem_enc(w, p->url, name, value);
}

static void write_contents(struct oss_xml_writer *w, const struct list_params *p,
                           const struct emu_object *o, const char *owner)
{
    char date[25], etag[80];
    oss_iso8601_xml(o->mtime, date);
    emu_op_quote_etag(o->etag, etag);
    oss_xmlw_start(w, "Contents");
    elem_enc(w, p, "Key", o->key);
    oss_xmlw_elem(w, "LastModified", date);
    oss_xmlw_elem(w, "ETag", etag);
    oss_xmlw_elem(w, "Type", o->type);
    oss_xmlw_elemf(w, "Size", "%llu", (unsigned long long)emu_op_listed_size(o));
    oss_xmlw_elem(w, "StorageClass", o->storage_class);
    if (p->fetch_owner)
        emu_op_xml_owner(w, owner);
    oss_xmlw_end(w);
}

static void write_result(struct oss_xml_writer *w, const struct list_params *p,
                         const struct emu_bucket *b, const struct emu_list_result *r)
{
    const char *last = r->n ? r->entries[r->n - 1].obj.key : NULL;

    oss_xmlw_decl(w);
    oss_xmlw_start(w, "ListBucketResult");
    oss_xmlw_elem(w, "Name", b->name);
    elem_enc(w, p, "Prefix", p->prefix ? p->prefix : "");
    if (!p->v2) {
        elem_enc(w, p, "Marker", p->marker ? p->marker : "");
    } else {
        if (p->start_after)
            elem_enc(w, p, "StartAfter", p->start_after);
        if (p->token)
            elem_enc(w, p, "ContinuationToken", p->token);
    }
    oss_xmlw_elemf(w, "MaxKeys", "%zu", p->max);
    elem_enc(w, p, "Delimiter", p->delimiter ? p->delimiter : "");
    if (p->url)
        oss_xmlw_elem(w, "EncodingType", "url");
    oss_xmlw_elem(w, "IsTruncated", r->truncated ? "true" : "false");
    if (r->truncated && last) {
        if (!p->v2) {
            elem_enc(w, p, "NextMarker", last);
        } else {
            char *t = token_encode(last);
            if (!t)
                w->err = -ENOMEM;
            elem_enc(w, p, "NextContinuationToken", t ? t : "");
            free(t);
        }
    }
    for (size_t i = 0; i < r->n; i++)
        if (!r->entries[i].is_prefix)
            write_contents(w, p, &r->entries[i].obj, b->owner);
    emu_op_xml_common_prefixes(w, p->url, r);
    if (p->v2)
        oss_xmlw_elemf(w, "KeyCount", "%zu", r->n);
    oss_xmlw_end(w);
}

static void list_objects(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int v2)
{
    struct list_params p = {.v2 = v2};
    struct emu_list_result r = {0};
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    int rc;

    if (emu_op_bucket_data(s, req, resp, "oss:ListObjects", 0, &b) < 0)
        return;
    if (parse_params(req, resp, &p) < 0)
        goto out;
    rc = emu_store_list(s->store, b.name, p.prefix, p.delimiter, p.after, p.max, &r);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    oss_xmlw_init(&w, &xml);
    write_result(&w, &p, &b, &r);
    emu_op_reply_doc(req, resp, &w, &xml);
out:
    emu_list_result_cleanup(&r);
    free(p.after);
}

void emu_op_list_objects(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    list_objects(s, req, resp, 0);
}

void emu_op_list_objects_v2(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    list_objects(s, req, resp, 1);
}
