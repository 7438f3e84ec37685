/* Validators of the bucket settings (oss-api.md 6.10) except lifecycle: each checks a parsed
 * document and writes its canonical form, or says which OSS error refuses it. Structural
 * problems (a missing required element, a bad boolean or number) are 400 MalformedXML; values
 * OSS does not accept are 400 InvalidArgument; a bucket policy is 400 MalformedPolicy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "op_priv.h"
#include "op_setting.h"

#define MAX_CORS_RULES    10
#define MAX_BUCKET_TAGS   20
#define MAX_ROUTING_RULES 20

static int malformed(struct emu_setting_err *err, const char *what)
{
    return emu_setting_fail(err, "MalformedXML", NULL,
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema: %s.",
                            what);
}

/* Text of the child element name of n into dst; -ENOENT when absent, -1 (err set) when too
 * long. */
static int child_text(const struct oss_xml_node *n, const char *name, char *dst, size_t len,
                      struct emu_setting_err *err)
{
    int rc = oss_xml_get_str(n, name, dst, len);
    if (rc == -EOVERFLOW)
        return emu_setting_fail(err, "InvalidArgument", NULL, "%s is too long.", name);
    return rc;
}

/* Optional boolean child: writes it (or def when absent and def >= 0) to w. 0 or -1. */
static int copy_bool(const struct oss_xml_node *n, const char *name, int def,
                     struct oss_xml_writer *w, struct emu_setting_err *err, int *out)
{
    int v, rc = oss_xml_get_bool(n, name, &v);
    if (rc == -ENOENT) {
        if (out)
            *out = def;
        if (def >= 0)
            oss_xmlw_elem(w, name, def ? "true" : "false");
        return 0;
    }
    if (rc < 0) {
        char what[96];
        snprintf(what, sizeof(what), "%s must be true or false", name);
        return malformed(err, what);
    }
    if (out)
        *out = v;
    oss_xmlw_elem(w, name, v ? "true" : "false");
    return 0;
}

/* Copies every child named name of n as <name>text</name>; each text must be non-empty and
 * pass ok (when given). Returns the number copied, or -1. */
static int copy_list(const struct oss_xml_node *n, const char *name, struct oss_xml_writer *w,
                     int (*ok)(const char *, struct emu_setting_err *), struct emu_setting_err *err)
{
    struct oss_buf t = OSS_BUF_INIT;
    int count = 0, rc = 0;
    for (const struct oss_xml_node *c = oss_xml_first(n, name); c; c = oss_xml_next(c, name)) {
        oss_buf_reset(&t);
        if (oss_xml_text(c, &t) < 0 || t.len == 0) {
            char what[96];
            snprintf(what, sizeof(what), "%s must not be empty", name);
            rc = malformed(err, what);
            break;
        }
        if (ok && (rc = ok(oss_buf_str(&t), err)) < 0)
            break;
        oss_xmlw_elem(w, name, oss_buf_str(&t));
        count++;
    }
    oss_buf_cleanup(&t);
    return rc < 0 ? -1 : count;
}

/* Copies the subtree of n (elements and leaf text) to w, up to a nesting depth. */
static int copy_tree(const struct oss_xml_node *n, struct oss_xml_writer *w, int depth,
                     struct emu_setting_err *err)
{
    const struct oss_xml_node *c = oss_xml_first(n, NULL);
    if (depth > 6)
        return malformed(err, "elements nested too deeply");
    if (!c) {
        struct oss_buf t = OSS_BUF_INIT;
        int rc = oss_xml_text(n, &t);
        oss_xmlw_elem(w, oss_xml_name(n), rc == 0 ? oss_buf_str(&t) : "");
        oss_buf_cleanup(&t);
        return 0;
    }
    oss_xmlw_start(w, oss_xml_name(n));
    for (; c; c = oss_xml_next(c, NULL))
        if (copy_tree(c, w, depth + 1, err) < 0)
            return -1;
    oss_xmlw_end(w);
    return 0;
}

/* ---- CORS ---- */

static int cors_method_ok(const char *m, struct emu_setting_err *err)
{
    static const char *const ok[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strcmp(m, ok[i]))
            return 0;
    return emu_setting_fail(err, "InvalidArgument", NULL,
                            "AllowedMethod %s is not supported (GET, PUT, POST, DELETE, HEAD).", m);
}

static int one_star(const char *v, struct emu_setting_err *err)
{
    const char *p = strchr(v, '*');
    if (p && strchr(p + 1, '*'))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "\"%.100s\" may contain at most one wildcard '*'.", v);
    return 0;
}

static int no_star(const char *v, struct emu_setting_err *err)
{
    if (strchr(v, '*'))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "ExposeHeader \"%.100s\" may not contain '*'.", v);
    return 0;
}

int emu_setting_check_cors(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                           struct oss_xml_writer *w, struct emu_setting_err *err)
{
    size_t n = 0;
    uint64_t age;
    int rc;

    (void)ctx;
    oss_xmlw_start(w, "CORSConfiguration");
    for (const struct oss_xml_node *r = oss_xml_first(root, "CORSRule"); r;
         r = oss_xml_next(r, "CORSRule")) {
        if (++n > MAX_CORS_RULES)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "A bucket has at most %d CORS rules.", MAX_CORS_RULES);
        oss_xmlw_start(w, "CORSRule");
        if ((rc = copy_list(r, "AllowedOrigin", w, one_star, err)) < 0)
            return -1;
        if (rc == 0)
            return malformed(err, "a CORSRule needs an AllowedOrigin");
        if ((rc = copy_list(r, "AllowedMethod", w, cors_method_ok, err)) < 0)
            return -1;
        if (rc == 0)
            return malformed(err, "a CORSRule needs an AllowedMethod");
        if (copy_list(r, "AllowedHeader", w, one_star, err) < 0 ||
            copy_list(r, "ExposeHeader", w, no_star, err) < 0)
            return -1;
        rc = oss_xml_get_u64(r, "MaxAgeSeconds", &age);
        if (rc == 0 && age <= 999999999)
            oss_xmlw_elemf(w, "MaxAgeSeconds", "%llu", (unsigned long long)age);
        else if (rc != -ENOENT)
            return malformed(err, "MaxAgeSeconds must be a number of seconds");
        oss_xmlw_end(w);
    }
    if (n == 0)
        return malformed(err, "CORSConfiguration needs at least one CORSRule");
    if (copy_bool(root, "ResponseVary", -1, w, err, NULL) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

/* ---- referer ---- */

static int referer_list(const struct oss_xml_node *root, const char *name, struct oss_xml_writer *w,
                        struct emu_setting_err *err)
{
    const struct oss_xml_node *l = oss_xml_find(root, name);
    oss_xmlw_start(w, name);
    if (l && copy_list(l, "Referer", w, NULL, err) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

int emu_setting_check_referer(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    int empty, trunc_q, trunc_path;

    (void)ctx;
    if (oss_xml_get_bool(root, "AllowEmptyReferer", &empty) < 0)
        return malformed(err, "AllowEmptyReferer (true or false) is required");
    oss_xmlw_start(w, "RefererConfiguration");
    oss_xmlw_elem(w, "AllowEmptyReferer", empty ? "true" : "false");
    if (copy_bool(root, "AllowTruncateQueryString", 1, w, err, &trunc_q) < 0 ||
        copy_bool(root, "TruncatePath", 0, w, err, &trunc_path) < 0)
        return -1;
    if (trunc_path && !trunc_q)
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "TruncatePath needs AllowTruncateQueryString true.");
    if (referer_list(root, "RefererList", w, err) < 0 ||
        referer_list(root, "RefererBlacklist", w, err) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

/* ---- logging ---- */

int emu_setting_check_logging(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *le = oss_xml_find(root, "LoggingEnabled");
    char target[EMU_NAME_MAX + 8], prefix[256], role[256];
    struct emu_bucket tb;
    int rc;

    oss_xmlw_start(w, "BucketLoggingStatus");
    if (le) {
        rc = child_text(le, "TargetBucket", target, sizeof(target), err);
        if (rc == -ENOENT || (rc == 0 && !target[0]))
            return malformed(err, "LoggingEnabled needs a TargetBucket");
        if (rc < 0)
            return -1;
        if (!emu_op_bucket_name_valid(target) ||
            emu_store_bucket_get(ctx->s->store, target, &tb) != 0 ||
            strcmp(tb.owner, ctx->b->owner) != 0 || strcmp(tb.region, ctx->b->region) != 0)
            return emu_setting_fail(err, "InvalidTargetBucketForLogging", NULL,
                                    "The target bucket for logging does not exist, is not "
                                    "owned by you, or is in another region.");
        oss_xmlw_start(w, "LoggingEnabled");
        oss_xmlw_elem(w, "TargetBucket", target);
        rc = child_text(le, "TargetPrefix", prefix, sizeof(prefix), err);
        if (rc == -1)
            return -1;
        if (rc == 0 && prefix[0])
            oss_xmlw_elem(w, "TargetPrefix", prefix);
        rc = child_text(le, "LoggingRole", role, sizeof(role), err);
        if (rc == -1)
            return -1;
        if (rc == 0 && role[0])
            oss_xmlw_elem(w, "LoggingRole", role);
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
    return 0;
}

/* ---- website ---- */

static int website_routing(const struct oss_xml_node *rr, struct oss_xml_writer *w,
                           struct emu_setting_err *err)
{
    static const char *const types[] = {"Mirror", "External", "Internal", "AliCDN"};
    char type[32];
    uint64_t num;
    size_t n = 0;

    oss_xmlw_start(w, "RoutingRules");
    for (const struct oss_xml_node *r = oss_xml_first(rr, "RoutingRule"); r;
         r = oss_xml_next(r, "RoutingRule")) {
        const struct oss_xml_node *cond = oss_xml_find(r, "Condition");
        const struct oss_xml_node *redir = oss_xml_find(r, "Redirect");
        int ok = 0;
        if (++n > MAX_ROUTING_RULES)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "At most %d routing rules are allowed.", MAX_ROUTING_RULES);
        if (oss_xml_get_u64(r, "RuleNumber", &num) < 0 || num == 0)
            return malformed(err, "a RoutingRule needs a positive RuleNumber");
        if (!redir || child_text(redir, "RedirectType", type, sizeof(type), err) != 0)
            return malformed(err, "a RoutingRule needs Redirect/RedirectType");
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            ok |= !strcmp(type, types[i]);
        if (!ok)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "RedirectType %s is not one of Mirror, External, Internal, "
                                    "AliCDN.",
                                    type);
        oss_xmlw_start(w, "RoutingRule");
        oss_xmlw_elemf(w, "RuleNumber", "%llu", (unsigned long long)num);
        if ((cond && copy_tree(cond, w, 0, err) < 0) || copy_tree(redir, w, 0, err) < 0)
            return -1;
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
    return 0;
}

int emu_setting_check_website(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *idx = oss_xml_find(root, "IndexDocument");
    const struct oss_xml_node *edoc = oss_xml_find(root, "ErrorDocument");
    const struct oss_xml_node *rr = oss_xml_find(root, "RoutingRules");
    char suffix[256], key[1024], type[8];
    uint64_t status;
    int rc;

    (void)ctx;
    if (!idx && !edoc && !rr)
        return malformed(err, "WebsiteConfiguration needs IndexDocument, ErrorDocument or "
                              "RoutingRules");
    oss_xmlw_start(w, "WebsiteConfiguration");
    if (idx) {
        rc = child_text(idx, "Suffix", suffix, sizeof(suffix), err);
        if (rc == -1)
            return -1;
        if (rc < 0 || !suffix[0])
            return malformed(err, "IndexDocument needs a Suffix");
        if (strchr(suffix, '/'))
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "The index document suffix may not contain '/'.");
        oss_xmlw_start(w, "IndexDocument");
        oss_xmlw_elem(w, "Suffix", suffix);
        if (copy_bool(idx, "SupportSubDir", -1, w, err, NULL) < 0)
            return -1;
        rc = child_text(idx, "Type", type, sizeof(type), err);
        if (rc == 0 && strcmp(type, "0") && strcmp(type, "1") && strcmp(type, "2"))
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "IndexDocument/Type must be 0, 1 or 2.");
        if (rc == -1)
            return -1;
        if (rc == 0)
            oss_xmlw_elem(w, "Type", type);
        oss_xmlw_end(w);
    }
    if (edoc) {
        rc = child_text(edoc, "Key", key, sizeof(key), err);
        if (rc == -1)
            return -1;
        if (rc < 0 || !key[0])
            return malformed(err, "ErrorDocument needs a Key");
        oss_xmlw_start(w, "ErrorDocument");
        oss_xmlw_elem(w, "Key", key);
        rc = oss_xml_get_u64(edoc, "HttpStatus", &status);
        if (rc == 0 && status != 200 && status != 404)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "ErrorDocument/HttpStatus must be 200 or 404.");
        if (rc == -EINVAL)
            return malformed(err, "HttpStatus must be a number");
        if (rc == 0)
            oss_xmlw_elemf(w, "HttpStatus", "%llu", (unsigned long long)status);
        oss_xmlw_end(w);
    }
    if (rr && website_routing(rr, w, err) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

/* ---- encryption ---- */

int emu_setting_check_encryption(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                                 struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *d = oss_xml_find(root, "ApplyServerSideEncryptionByDefault");
    char alg[32], key[256], data[32];
    int rk, rd;

    (void)ctx;
    if (!d || child_text(d, "SSEAlgorithm", alg, sizeof(alg), err) != 0)
        return malformed(err, "ApplyServerSideEncryptionByDefault/SSEAlgorithm is required");
    if (strcmp(alg, "AES256") && strcmp(alg, "KMS") && strcmp(alg, "SM4"))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "SSEAlgorithm %s is not one of AES256, KMS, SM4.", alg);
    rk = child_text(d, "KMSMasterKeyID", key, sizeof(key), err);
    rd = child_text(d, "KMSDataEncryption", data, sizeof(data), err);
    if (rk == -1 || rd == -1)
        return -1;
    if (strcmp(alg, "KMS") && ((rk == 0 && key[0]) || (rd == 0 && data[0])))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "KMSMasterKeyID and KMSDataEncryption need SSEAlgorithm KMS.");
    if (rd == 0 && data[0] && strcmp(data, "SM4"))
        return emu_setting_fail(err, "InvalidArgument", NULL, "KMSDataEncryption must be SM4.");
    oss_xmlw_start(w, "ServerSideEncryptionRule");
    oss_xmlw_start(w, "ApplyServerSideEncryptionByDefault");
    oss_xmlw_elem(w, "SSEAlgorithm", alg);
    if (rk == 0 && key[0])
        oss_xmlw_elem(w, "KMSMasterKeyID", key);
    if (rd == 0 && data[0])
        oss_xmlw_elem(w, "KMSDataEncryption", data);
    oss_xmlw_end(w);
    oss_xmlw_end(w);
    return 0;
}

/* ---- bucket tags ---- */

int emu_setting_check_tagging(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *set = oss_xml_find(root, "TagSet");
    char keys[MAX_BUCKET_TAGS][68], key[68], value[132];
    size_t n = 0;
    int rc;

    (void)ctx;
    if (!set)
        return malformed(err, "Tagging needs a TagSet");
    oss_xmlw_start(w, "Tagging");
    oss_xmlw_start(w, "TagSet");
    for (const struct oss_xml_node *t = oss_xml_first(set, "Tag"); t; t = oss_xml_next(t, "Tag")) {
        if (n == MAX_BUCKET_TAGS)
            return emu_setting_fail(err, "InvalidArgument", NULL, "A bucket has at most %d tags.",
                                    MAX_BUCKET_TAGS);
        rc = oss_xml_get_str(t, "Key", key, 65);
        if (rc == -ENOENT || (rc == 0 && !key[0]))
            return malformed(err, "a Tag needs a Key");
        if (rc < 0)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "A bucket tag key is at most 64 bytes.");
        if (!strncmp(key, "http://", 7) || !strncmp(key, "https://", 8) ||
            !strncmp(key, "Aliyun", 6))
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "A bucket tag key may not start with http://, https:// or "
                                    "Aliyun.");
        rc = oss_xml_get_str(t, "Value", value, 129);
        if (rc == -EOVERFLOW)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "A bucket tag value is at most 128 bytes.");
        if (rc < 0)
            value[0] = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(keys[i], key))
                return emu_setting_fail(err, "InvalidArgument", NULL, "Tag key %s is given twice.",
                                        key);
        snprintf(keys[n++], sizeof(keys[0]), "%s", key);
        oss_xmlw_start(w, "Tag");
        oss_xmlw_elem(w, "Key", key);
        oss_xmlw_elem(w, "Value", value);
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
    oss_xmlw_end(w);
    return 0;
}

/* ---- bucket policy ---- */

static int strings(json_t *v)
{
    size_t i;
    json_t *e;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return 0;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return 0;
    }
    return 1;
}

static int bad_policy(struct emu_setting_err *err, const char *why)
{
    return emu_setting_fail(err, "MalformedPolicy", NULL, "Policy document is invalid: %s.", why);
}

int emu_setting_check_policy(const char *text, size_t len, struct emu_setting_err *err)
{
    json_error_t jerr;
    json_t *root, *stmts, *st, *p;
    const char *why = NULL;
    char reason[160];
    size_t i;

    if (!text || len == 0)
        return bad_policy(err, "empty document");
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(reason, sizeof(reason), "not JSON (%.100s)", jerr.text);
        return bad_policy(err, reason);
    }
    stmts = json_object_get(root, "Statement");
    if (!json_is_object(root))
        why = "the document is not a JSON object";
    else if (!json_is_string(json_object_get(root, "Version")) ||
             strcmp(json_string_value(json_object_get(root, "Version")), "1") != 0)
        why = "\"Version\" must be \"1\"";
    else if (!json_is_array(stmts) || json_array_size(stmts) == 0)
        why = "\"Statement\" must be a non-empty array";
    json_array_foreach(why ? NULL : stmts, i, st)
    {
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        p = json_object_get(st, "Principal");
        if (!json_is_object(st))
            why = "a statement is not an object";
        else if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
            why = "\"Effect\" must be Allow or Deny";
        else if (!strings(json_object_get(st, "Action")))
            why = "\"Action\" must be a string or an array of strings";
        else if (!strings(json_object_get(st, "Resource")))
            why = "\"Resource\" must be a string or an array of strings";
        else if (p && !strings(p))
            why = "\"Principal\" must be a string or an array of strings";
        if (why)
            break;
    }
    json_decref(root);
    if (why)
        return bad_policy(err, why);
    /* The evaluator (policy.c) must understand what is stored. */
    char *copy = strndup(text, len);
    if (!copy) {
        emu_setting_fail(err, "InternalError", NULL, "Out of memory.");
        err->status = 500;
        return -1;
    }
    int rc = emu_policy_validate(copy, reason, sizeof(reason));
    free(copy);
    return rc < 0 ? bad_policy(err, reason) : 0;
}
