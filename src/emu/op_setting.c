/* Bucket settings, table-driven (oss-api.md 6.10): one row per sub-resource with its OSS
 * operation and RAM action names, root element, validator and unset behaviour, and three
 * generic handlers. PUT stores the validator's canonical document in the store's
 * bucket_settings (name = sub-resource); GET returns it verbatim. Decisions where OSS is
 * unverified: an unset referer reads as AllowEmptyReferer true with empty lists, unset logging
 * as an empty BucketLoggingStatus, unset bucket tags as an empty TagSet; a document over the
 * cap (policy 16 KB, XML 64 KB) is 400 EntityTooLarge. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_perm.h"
#include "op_priv.h"
#include "op_setting.h"

struct setting_def {
    const char *sub;  /* query parameter and store name */
    const char *root; /* XML root element; NULL: JSON (policy) */
    emu_setting_xml_fn check;
    size_t max;                                 /* body cap */
    const char *get_op, *put_op, *delete_op;    /* delete_op NULL: no DELETE */
    const char *get_act, *put_act, *delete_act; /* RAM actions */
    const char *unset_code, *unset_msg;         /* GET when unset: this 404 ... */
    const char *unset_doc;                      /* ... or this document */
};

#define XML_MAX    (64 * 1024)
#define POLICY_MAX (16 * 1024)

/* clang-format off */
static const struct setting_def settings[] = {
    {"policy", NULL, NULL, POLICY_MAX,
     "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy",
     "oss:GetBucketPolicy", "oss:PutBucketPolicy", "oss:DeleteBucketPolicy",
     "NoSuchBucketPolicy", "The bucket policy does not exist.", NULL},
    {"cors", "CORSConfiguration", emu_setting_check_cors, XML_MAX,
     "GetBucketCors", "PutBucketCors", "DeleteBucketCors",
     "oss:GetBucketCors", "oss:PutBucketCors", "oss:DeleteBucketCors",
     "NoSuchCORSConfiguration", "The CORS configuration does not exist.", NULL},
    {"lifecycle", "LifecycleConfiguration", emu_setting_check_lifecycle, XML_MAX,
     "GetBucketLifecycle", "PutBucketLifecycle", "DeleteBucketLifecycle",
     "oss:GetBucketLifecycle", "oss:PutBucketLifecycle", "oss:DeleteBucketLifecycle",
     "NoSuchLifecycle", "No Row found in Lifecycle Table.", NULL},
    {"referer", "RefererConfiguration", emu_setting_check_referer, XML_MAX,
     "GetBucketReferer", "PutBucketReferer", NULL,
     "oss:GetBucketReferer", "oss:PutBucketReferer", NULL,
     NULL, NULL,
     "<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer>"
     "<AllowTruncateQueryString>true</AllowTruncateQueryString>"
     "<TruncatePath>false</TruncatePath><RefererList></RefererList>"
     "<RefererBlacklist></RefererBlacklist></RefererConfiguration>"},
    {"logging", "BucketLoggingStatus", emu_setting_check_logging, XML_MAX,
     "GetBucketLogging", "PutBucketLogging", "DeleteBucketLogging",
     "oss:GetBucketLogging", "oss:PutBucketLogging", "oss:DeleteBucketLogging",
     NULL, NULL, "<BucketLoggingStatus></BucketLoggingStatus>"},
    {"website", "WebsiteConfiguration", emu_setting_check_website, XML_MAX,
     "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite",
     "oss:GetBucketWebsite", "oss:PutBucketWebsite", "oss:DeleteBucketWebsite",
     "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration.",
     NULL},
    {"encryption", "ServerSideEncryptionRule", emu_setting_check_encryption, XML_MAX,
     "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption",
     "oss:GetBucketEncryption", "oss:PutBucketEncryption", "oss:DeleteBucketEncryption",
     "NoSuchServerSideEncryptionRule", "The server side encryption configuration was not found.",
     NULL},
    {"tagging", "Tagging", emu_setting_check_tagging, XML_MAX,
     "GetBucketTags", "PutBucketTags", "DeleteBucketTags",
     "oss:GetBucketTagging", "oss:PutBucketTagging", "oss:DeleteBucketTagging",
     NULL, NULL, "<Tagging><TagSet></TagSet></Tagging>"},
};
/* clang-format on */

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting_def *find_def(const char *sub)
{
    for (size_t i = 0; sub && i < NSETTINGS; i++)
        if (!strcmp(settings[i].sub, sub))
            return &settings[i];
    return NULL;
}

/* The row of a routed request: the first table sub-resource present in its query. */
static const struct setting_def *req_def(const struct emu_req *req)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (emu_req_has_query(req, settings[i].sub))
            return &settings[i];
    return NULL;
}

int emu_setting_fail(struct emu_setting_err *err, const char *code, const char *ec, const char *fmt,
                     ...)
{
    va_list ap;
    err->status = 400;
    err->code = code;
    err->ec = ec;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int emu_setting_malformed(struct emu_setting_err *err, const char *what)
{
    return emu_setting_fail(err, "MalformedXML", NULL,
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema: %s.",
                            what);
}

static void reply_err(struct emu_req *req, struct emu_resp *resp, const struct emu_setting_err *e)
{
    emu_resp_error(resp, req, e->status, e->code, e->msg, e->ec, NULL);
}

static void too_large(struct emu_req *req, struct emu_resp *resp, size_t max)
{
    char msg[96];
    snprintf(msg, sizeof(msg), "The configuration document exceeds the %zu KB limit.", max / 1024);
    emu_resp_error(resp, req, 400, "EntityTooLarge", msg, NULL, NULL);
}

static void setting_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const struct setting_def *d = req_def(req);
    struct oss_buf xml = OSS_BUF_INIT;
    struct emu_bucket b;
    char *doc = NULL;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, d->get_act, 0, &b) < 0)
        return;
    rc = emu_store_setting_get(s->store, b.name, d->sub, &doc);
    if (rc == -ENOENT && d->unset_code) {
        emu_resp_error(resp, req, 404, d->unset_code, d->unset_msg, NULL, "BucketName", b.name,
                       NULL);
        return;
    }
    if (rc < 0 && rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return;
    }
    if (!d->root) { /* JSON, verbatim */
        resp->status = 200;
        rc = oss_buf_puts(&resp->body, doc);
        emu_resp_set_header(resp, "Content-Type", "application/json");
        free(doc);
        if (rc < 0)
            emu_op_internal(resp, req, rc);
        return;
    }
    rc = oss_buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (rc == 0)
        rc = oss_buf_puts(&xml, doc ? doc : d->unset_doc);
    free(doc);
    if (rc < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
}

/* Validates the XML body of a PUT into its canonical text (without declaration) in *out. */
static int canonical_xml(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         const struct setting_def *d, const struct emu_bucket *b, char **out)
{
    struct emu_setting_ctx ctx = {s, b};
    struct emu_setting_err err = {0};
    struct oss_xml_doc *doc = NULL;
    struct oss_buf canon = OSS_BUF_INIT;
    struct oss_xml_writer w;
    int rc;

    *out = NULL;
    rc = req->body && req->body_len ? oss_xml_parse(req->body, req->body_len, d->max, &doc)
                                    : -EINVAL;
    if (rc == -EFBIG) {
        too_large(req, resp, d->max);
        return -1;
    }
    if (rc < 0 || strcmp(oss_xml_name(oss_xml_root(doc)), d->root) != 0) {
        oss_xml_free(doc);
        if (rc == -ENOMEM)
            emu_op_internal(resp, req, rc);
        else
            emu_op_malformed_xml(req, resp);
        return -1;
    }
    oss_xmlw_init(&w, &canon);
    rc = d->check(&ctx, oss_xml_root(doc), &w, &err);
    if (rc == 0)
        rc = oss_xmlw_finish(&w) < 0 ? -2 : 0;
    oss_xml_free(doc);
    if (rc == -1)
        reply_err(req, resp, &err);
    else if (rc < 0)
        emu_op_internal(resp, req, -ENOMEM);
    if (rc < 0) {
        oss_buf_cleanup(&canon);
        return -1;
    }
    *out = oss_buf_detach(&canon);
    if (!*out) {
        emu_op_internal(resp, req, -ENOMEM);
        return -1;
    }
    return 0;
}

static void setting_put_locked(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const struct setting_def *d = req_def(req);
    struct emu_setting_err err = {0};
    struct emu_bucket b;
    char *doc = NULL;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, d->put_act, 1, &b) < 0)
        return;
    if (req->body_path || req->body_len > d->max) {
        too_large(req, resp, d->max);
        return;
    }
    if (!d->root) {
        if (emu_setting_check_policy(req->body, req->body_len, &err) < 0) {
            reply_err(req, resp, &err);
            return;
        }
        if (emu_public_policy_refused(s, req, resp, b.name, b.owner, req->body, req->body_len) < 0)
            return; /* op_perm.c: Block Public Access */
        doc = strndup(req->body, req->body_len);
        if (!doc) {
            emu_op_internal(resp, req, -ENOMEM);
            return;
        }
    } else if (canonical_xml(s, req, resp, d, &b, &doc) < 0) {
        return;
    }
    rc = emu_store_setting_put(s->store, b.name, d->sub, doc);
    free(doc);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    resp->status = 200;
}

/* A setting is checked against the bucket's state (lifecycle against the access monitor) and
 * stored under the store's configuration lock, so a concurrent change of that state cannot
 * slip between the check and the write. */
static void setting_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    emu_store_config_lock(s->store);
    setting_put_locked(s, req, resp);
    emu_store_config_unlock(s->store);
}

/* DELETE ?tagging=k1,k2: the stored tag set without those keys; *out NULL when none remain. */
static int tags_without(const char *doc, const char *keys, char **out)
{
    struct oss_xml_doc *x = NULL;
    struct oss_buf buf = OSS_BUF_INIT, k = OSS_BUF_INIT;
    struct oss_xml_writer w;
    const struct oss_xml_node *set, *t;
    size_t kept = 0, klen;
    int rc;

    *out = NULL;
    if ((rc = oss_xml_parse(doc, strlen(doc), 0, &x)) < 0)
        return rc;
    set = oss_xml_find(oss_xml_root(x), "TagSet");
    oss_xmlw_init(&w, &buf);
    oss_xmlw_start(&w, "Tagging");
    oss_xmlw_start(&w, "TagSet");
    for (t = set ? oss_xml_first(set, "Tag") : NULL; t; t = oss_xml_next(t, "Tag")) {
        int drop = 0;
        if (oss_xml_get(t, "Key", &k) < 0)
            continue;
        klen = k.len;
        for (const char *p = keys; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n == klen && !memcmp(p, oss_buf_str(&k), n))
                drop = 1;
            p += n + (e ? 1 : 0);
        }
        if (drop)
            continue;
        kept++;
        oss_xmlw_start(&w, "Tag");
        oss_xmlw_elem(&w, "Key", oss_buf_str(&k));
        if (oss_xml_get(t, "Value", &k) < 0)
            oss_buf_reset(&k);
        oss_xmlw_elem(&w, "Value", oss_buf_str(&k));
        oss_xmlw_end(&w);
    }
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    rc = oss_xmlw_finish(&w);
    oss_xml_free(x);
    oss_buf_cleanup(&k);
    if (rc == 0 && kept) {
        *out = oss_buf_detach(&buf);
        rc = *out ? 0 : -ENOMEM;
    }
    oss_buf_cleanup(&buf);
    return rc;
}

static void setting_delete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const struct setting_def *d = req_def(req);
    const char *sel = emu_req_query(req, d->sub);
    struct emu_bucket b;
    char *doc = NULL, *rest = NULL;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, d->delete_act, 1, &b) < 0)
        return;
    if (!strcmp(d->sub, "tagging") && sel && *sel) {
        rc = emu_store_setting_get(s->store, b.name, d->sub, &doc);
        if (rc == 0)
            rc = tags_without(doc, sel, &rest);
        free(doc);
        if (rc == 0 && rest)
            rc = emu_store_setting_put(s->store, b.name, d->sub, rest);
        else if (rc == 0)
            rc = emu_store_setting_delete(s->store, b.name, d->sub);
        free(rest);
    } else {
        rc = emu_store_setting_delete(s->store, b.name, d->sub);
    }
    if (rc < 0 && rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return;
    }
    resp->status = 204;
}

/* A method the setting does not have (DELETE ?referer, POST ?cors, ...). */
static void method_not_allowed(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    (void)s;
    emu_resp_error(resp, req, 405, "MethodNotAllowed",
                   "The specified method is not allowed against this resource.", NULL, "Method",
                   req->method, "ResourceType", "Bucket", NULL);
}

emu_handler_fn emu_setting_route(struct emu_req *req, const char *sub)
{
    const struct setting_def *d = find_def(sub);
    const char *m = req->method;

    if (!d || req_def(req) != d)
        return NULL;
    if (!strcmp(m, "GET")) {
        req->op = d->get_op;
        return setting_get;
    }
    if (!strcmp(m, "PUT")) {
        req->op = d->put_op;
        return setting_put;
    }
    if (!strcmp(m, "DELETE") && d->delete_op) {
        req->op = d->delete_op;
        return setting_delete;
    }
    req->op = "Unknown";
    return method_not_allowed; /* e.g. DELETE ?referer: OSS has no such operation */
}

/* Text of path in the stored XML setting name of bucket into out ("" when unset/absent). */
static void setting_field(struct emu_server *s, const char *bucket, const char *name,
                          const char *path, struct oss_buf *out)
{
    struct oss_xml_doc *doc = NULL;
    char *text = NULL;

    oss_buf_reset(out);
    if (emu_store_setting_get(s->store, bucket, name, &text) == 0 &&
        oss_xml_parse(text, strlen(text), 0, &doc) == 0 &&
        oss_xml_get(oss_xml_root(doc), path, out) < 0)
        oss_buf_reset(out);
    oss_xml_free(doc);
    free(text);
}

void emu_setting_info_xml(struct emu_server *s, const char *bucket, struct oss_xml_writer *w)
{
    struct oss_buf v = OSS_BUF_INIT;

    oss_xmlw_start(w, "ServerSideEncryptionRule");
    setting_field(s, bucket, "encryption", "ApplyServerSideEncryptionByDefault/SSEAlgorithm", &v);
    oss_xmlw_elem(w, "SSEAlgorithm", v.len ? oss_buf_str(&v) : "None");
    setting_field(s, bucket, "encryption", "ApplyServerSideEncryptionByDefault/KMSMasterKeyID", &v);
    if (v.len)
        oss_xmlw_elem(w, "KMSMasterKeyID", oss_buf_str(&v));
    setting_field(s, bucket, "encryption", "ApplyServerSideEncryptionByDefault/KMSDataEncryption",
                  &v);
    if (v.len)
        oss_xmlw_elem(w, "KMSDataEncryption", oss_buf_str(&v));
    oss_xmlw_end(w);
    oss_xmlw_start(w, "BucketPolicy");
    setting_field(s, bucket, "logging", "LoggingEnabled/TargetBucket", &v);
    oss_xmlw_elem(w, "LogBucket", oss_buf_str(&v));
    setting_field(s, bucket, "logging", "LoggingEnabled/TargetPrefix", &v);
    oss_xmlw_elem(w, "LogPrefix", oss_buf_str(&v));
    oss_xmlw_end(w);
    oss_buf_cleanup(&v);
}
