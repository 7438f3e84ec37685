/* Validators of the bucket settings CORS, referer, logging, encryption and tagging (oss-api.md
 * 6.10) and the helpers all XML validators share: each checks a parsed document and writes its
 * canonical form, or says which OSS error refuses it. Structural problems (a missing required
 * element, a bad boolean or number) are 400 MalformedXML; values OSS does not accept are 400
 * InvalidArgument. Website, lifecycle and policy have files of their own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "op_priv.h"
#include "op_setting.h"

#define MAX_CORS_RULES  10
#define MAX_BUCKET_TAGS 20

int emu_setting_child_text(const struct oss_xml_node *n, const char *name, char *dst, size_t len,
                           struct emu_setting_err *err)
{
    int rc = oss_xml_get_str(n, name, dst, len);
    if (rc == -EOVERFLOW)
        return emu_setting_fail(err, "InvalidArgument", NULL, "%s is too long.", name);
    return rc;
}

int emu_setting_copy_bool(const struct oss_xml_node *n, const char *name, int def,
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
        return emu_setting_malformed(err, what);
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
            rc = emu_setting_malformed(err, what);
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
            return emu_setting_malformed(err, "a CORSRule needs an AllowedOrigin");
        if ((rc = copy_list(r, "AllowedMethod", w, cors_method_ok, err)) < 0)
            return -1;
        if (rc == 0)
            return emu_setting_malformed(err, "a CORSRule needs an AllowedMethod");
        if (copy_list(r, "AllowedHeader", w, one_star, err) < 0 ||
            copy_list(r, "ExposeHeader", w, no_star, err) < 0)
            return -1;
        rc = oss_xml_get_u64(r, "MaxAgeSeconds", &age);
        if (rc == 0 && age <= 999999999)
            oss_xmlw_elemf(w, "MaxAgeSeconds", "%llu", (unsigned long long)age);
        else if (rc != -ENOENT)
            return emu_setting_malformed(err, "MaxAgeSeconds must be a number of seconds");
        oss_xmlw_end(w);
    }
    if (n == 0)
        return emu_setting_malformed(err, "CORSConfiguration needs at least one CORSRule");
    if (emu_setting_copy_bool(root, "ResponseVary", -1, w, err, NULL) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

/* ---- referer ---- */

/* Whether list l is one empty Referer element, the way SDKs clear a list (OSS accepts it and
 * stores an empty list; an empty element among others stays refused). */
static int clears_list(const struct oss_xml_node *l)
{
    const struct oss_xml_node *only = oss_xml_first(l, "Referer");
    struct oss_buf t = OSS_BUF_INIT;
    int empty;

    if (!only || oss_xml_next(only, "Referer"))
        return 0;
    empty = oss_xml_text(only, &t) == 0 && t.len == 0;
    oss_buf_cleanup(&t);
    return empty;
}

static int referer_list(const struct oss_xml_node *root, const char *name, struct oss_xml_writer *w,
                        struct emu_setting_err *err)
{
    const struct oss_xml_node *l = oss_xml_find(root, name);
    oss_xmlw_start(w, name);
    if (l && !clears_list(l) && copy_list(l, "Referer", w, NULL, err) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}

int emu_setting_check_referer(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    int empty, trunc_q = 1, trunc_path = 0;

    (void)ctx;
    if (oss_xml_get_bool(root, "AllowEmptyReferer", &empty) < 0)
        return emu_setting_malformed(err, "AllowEmptyReferer (true or false) is required");
    oss_xmlw_start(w, "RefererConfiguration");
    oss_xmlw_elem(w, "AllowEmptyReferer", empty ? "true" : "false");
    if (emu_setting_copy_bool(root, "AllowTruncateQueryString", 1, w, err, &trunc_q) < 0 ||
        emu_setting_copy_bool(root, "TruncatePath", 0, w, err, &trunc_path) < 0)
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
        rc = emu_setting_child_text(le, "TargetBucket", target, sizeof(target), err);
        if (rc == -ENOENT || (rc == 0 && !target[0]))
            return emu_setting_malformed(err, "LoggingEnabled needs a TargetBucket");
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
        rc = emu_setting_child_text(le, "TargetPrefix", prefix, sizeof(prefix), err);
        if (rc == -1)
            return -1;
        if (rc == 0 && prefix[0])
            oss_xmlw_elem(w, "TargetPrefix", prefix);
        rc = emu_setting_child_text(le, "LoggingRole", role, sizeof(role), err);
        if (rc == -1)
            return -1;
        if (rc == 0 && role[0])
            oss_xmlw_elem(w, "LoggingRole", role);
        oss_xmlw_end(w);
    }
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
    if (!d || emu_setting_child_text(d, "SSEAlgorithm", alg, sizeof(alg), err) != 0)
        return emu_setting_malformed(err,
                                     "ApplyServerSideEncryptionByDefault/SSEAlgorithm is required");
    if (strcmp(alg, "AES256") && strcmp(alg, "KMS") && strcmp(alg, "SM4"))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "SSEAlgorithm %s is not one of AES256, KMS, SM4.", alg);
    rk = emu_setting_child_text(d, "KMSMasterKeyID", key, sizeof(key), err);
    rd = emu_setting_child_text(d, "KMSDataEncryption", data, sizeof(data), err);
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
        return emu_setting_malformed(err, "Tagging needs a TagSet");
    oss_xmlw_start(w, "Tagging");
    oss_xmlw_start(w, "TagSet");
    for (const struct oss_xml_node *t = oss_xml_first(set, "Tag"); t; t = oss_xml_next(t, "Tag")) {
        if (n == MAX_BUCKET_TAGS)
            return emu_setting_fail(err, "InvalidArgument", NULL, "A bucket has at most %d tags.",
                                    MAX_BUCKET_TAGS);
        rc = oss_xml_get_str(t, "Key", key, 65);
        if (rc == -ENOENT || (rc == 0 && !key[0]))
            return emu_setting_malformed(err, "a Tag needs a Key");
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
