/* OSS signature V1 (include/oss/sign.h): StringToSign, HMAC-SHA1 signature, Authorization
 * header and presigned-URL query, plus the canonicalisation helpers V4 shares (sign_priv.h). */
#include "oss/sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "oss/codec.h"
#include "sign_priv.h"

char oss_sign_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int oss_sign_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)oss_sign_lower(*a), y = (unsigned char)oss_sign_lower(*b);
        if (x != y || !x)
            return x - y;
    }
}

static void trim(const char *s, const char **start, size_t *len)
{
    if (!s)
        s = "";
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *start = s;
    *len = n;
}

int oss_sign_header(const struct oss_sign_req *r, const char *lname, struct oss_buf *out)
{
    int found = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        if (oss_sign_casecmp(r->headers[i].name, lname))
            continue;
        const char *v;
        size_t n;
        trim(r->headers[i].value, &v, &n);
        if ((found && oss_buf_putc(out, ',')) || oss_buf_append(out, v, n))
            return -ENOMEM;
        found = 1;
    }
    return found;
}

struct hdr_entry {
    char *lname; /* owned */
    size_t idx;  /* position in the request, keeps repeated values in order */
};

static int hdr_entry_cmp(const void *pa, const void *pb)
{
    const struct hdr_entry *a = pa, *b = pb;
    int c = strcmp(a->lname, b->lname);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

int oss_sign_canonical_headers(const struct oss_sign_req *r,
                               int (*accept)(const char *lname, void *arg), void *arg,
                               struct oss_buf *out)
{
    struct hdr_entry *e = calloc(r->nheaders ? r->nheaders : 1, sizeof(*e));
    size_t n = 0;
    int rc = 0;
    if (!e)
        return -ENOMEM;
    for (size_t i = 0; i < r->nheaders; i++) {
        char *l = strdup(r->headers[i].name ? r->headers[i].name : "");
        if (!l) {
            rc = -ENOMEM;
            goto out;
        }
        for (char *p = l; *p; p++)
            *p = oss_sign_lower(*p);
        if (!accept(l, arg)) {
            free(l);
            continue;
        }
        e[n].lname = l;
        e[n++].idx = i;
    }
    qsort(e, n, sizeof(*e), hdr_entry_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int first = i == 0 || strcmp(e[i - 1].lname, e[i].lname);
        int last = i + 1 == n || strcmp(e[i + 1].lname, e[i].lname);
        const char *v;
        size_t vlen;
        trim(r->headers[e[i].idx].value, &v, &vlen);
        if (first && (oss_buf_puts(out, e[i].lname) || oss_buf_putc(out, ':')))
            rc = -ENOMEM;
        else if (!first && oss_buf_putc(out, ','))
            rc = -ENOMEM;
        else if (oss_buf_append(out, v, vlen) || (last && oss_buf_putc(out, '\n')))
            rc = -ENOMEM;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(e[i].lname);
    free(e);
    return rc;
}

struct query_entry {
    char *name;  /* owned, encoded */
    char *value; /* owned, encoded, "" for bare */
};

static int query_entry_cmp(const void *pa, const void *pb)
{
    const struct query_entry *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->value, b->value);
}

static char *encode_dup(const char *s)
{
    struct oss_buf b = OSS_BUF_INIT;
    if (!s)
        s = "";
    if (oss_url_encode(s, strlen(s), 0, &b))
        return NULL;
    return oss_buf_detach(&b);
}

int oss_sign_encoded_query(const struct oss_kv *a, size_t na, const struct oss_kv *b, size_t nb,
                           const char *skip, struct oss_buf *out)
{
    struct query_entry *e = calloc(na + nb ? na + nb : 1, sizeof(*e));
    size_t n = 0;
    int rc = 0;
    if (!e)
        return -ENOMEM;
    for (size_t i = 0; i < na + nb; i++) {
        const struct oss_kv *kv = i < na ? &a[i] : &b[i - na];
        if (skip && kv->name && !strcmp(kv->name, skip))
            continue;
        e[n].name = encode_dup(kv->name);
        e[n].value = encode_dup(kv->value);
        n++;
        if (!e[n - 1].name || !e[n - 1].value) {
            rc = -ENOMEM;
            goto out;
        }
    }
    qsort(e, n, sizeof(*e), query_entry_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((i && oss_buf_putc(out, '&')) || oss_buf_puts(out, e[i].name) ||
            (*e[i].value && (oss_buf_putc(out, '=') || oss_buf_puts(out, e[i].value))))
            rc = -ENOMEM;
    }
    if (rc == 0)
        rc = oss_buf_append(out, "", 0);
out:
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].value);
    }
    free(e);
    return rc;
}

/* The V1 sub-resources of oss-api.md 2.4, in two parts. "Core" names are signed by nearly all
 * SDKs; the others only by newer or particular SDKs. Their union, plus any name starting with
 * "x-oss-", is what V1 signs; ossemu also tries the core list alone, for clients with a short
 * list. This is the one copy of both lists in the tree. */
/* clang-format off */
static const char *const v1_core_subresources[] = {
    "acl", "append", "bucketInfo", "callback", "callback-var", "cname", "comp",
    "continuation-token", "cors", "delete", "encryption", "endTime", "img", "inventory",
    "inventoryId", "lifecycle", "live", "location", "logging", "metaQuery", "objectMeta",
    "partNumber", "policy", "position", "qos", "qosInfo", "referer", "regionList", "replication",
    "replicationLocation", "replicationProgress", "requestPayment", "resourceGroup",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore",
    "security-token", "sequential", "startTime", "stat", "status", "style", "styleName", "symlink",
    "tagging", "transferAcceleration", "uploadId", "uploads", "versionId", "versioning",
    "versions", "vod", "website", "worm", "wormExtend", "wormId", "x-oss-process",
    "x-oss-traffic-limit", "x-oss-request-payer", "x-oss-async-process", "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow"};

/* Newer / SDK-specific names; those starting with "x-oss-" are matched by prefix instead. */
static const char *const v1_other_subresources[] = {
    "accessPoint", "accessPointPolicy", "accessPointForObjectProcess",
    "accessPointConfigForObjectProcess", "accessPointPolicyForObjectProcess", "asyncFetch",
    "bucketArchiveDirectRead", "cleanRestoredObject", "cloudboxes", "httpsConfig", "legalHold",
    "objectWorm", "overwriteConfig", "policyStatus", "processConfiguration", "publicAccessBlock",
    "redundancyTransition", "retention", "rtc", "seal", "userDefinedLogFieldsConfig",
    "responseHeader", "udf", "udfName", "udfImage", "udfImageDesc", "udfApplication",
    "udfApplicationLog", "udfId", "withHashContext", "group", "link", "objectInfo", "vip", "vpcip",
    "requesterQosInfo", "qosRequester", "resourcePool", "resourcePoolInfo", "resourcePoolBuckets"};
/* clang-format on */

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

int oss_sign_v1_is_core_subresource(const char *name)
{
    return name && in_list(name, v1_core_subresources,
                           sizeof(v1_core_subresources) / sizeof(v1_core_subresources[0]));
}

int oss_sign_v1_is_subresource(const char *name)
{
    if (!name)
        return 0;
    if (!strncmp(name, "x-oss-", 6))
        return 1;
    return oss_sign_v1_is_core_subresource(name) ||
           in_list(name, v1_other_subresources,
                   sizeof(v1_other_subresources) / sizeof(v1_other_subresources[0]));
}

static int accept_x_oss(const char *lname, void *arg)
{
    (void)arg;
    return !strncmp(lname, "x-oss-", 6);
}

static int subresource_cmp(const void *pa, const void *pb)
{
    const struct oss_kv *const *a = pa, *const *b = pb;
    int c = strcmp((*a)->name, (*b)->name);
    return c ? c : (*a > *b) - (*a < *b); /* stable: entries point into one array */
}

/* "/bucket/key?sub&sub=value" with the raw key and decoded values (oss-api.md 2.3). */
static int v1_resource(const struct oss_sign_req *r, struct oss_buf *out)
{
    int rc = oss_buf_putc(out, '/');
    if (!rc && r->bucket && *r->bucket) {
        rc = oss_buf_puts(out, r->bucket);
        if (!rc)
            rc = oss_buf_putc(out, '/');
        if (!rc && r->key)
            rc = oss_buf_puts(out, r->key);
    }
    if (rc)
        return rc;
    const struct oss_kv **sub = calloc(r->nquery ? r->nquery : 1, sizeof(*sub));
    size_t n = 0;
    if (!sub)
        return -ENOMEM;
    for (size_t i = 0; i < r->nquery; i++)
        if (oss_sign_v1_is_subresource(r->query[i].name))
            sub[n++] = &r->query[i];
    qsort(sub, n, sizeof(*sub), subresource_cmp);
    for (size_t i = 0; i < n && !rc; i++) {
        const char *v = sub[i]->value;
        rc = oss_buf_putc(out, i ? '&' : '?') || oss_buf_puts(out, sub[i]->name) ||
                     (v && *v && (oss_buf_putc(out, '=') || oss_buf_puts(out, v)))
                 ? -ENOMEM
                 : 0;
    }
    free(sub);
    return rc;
}

/* On failure out may hold a partial string; callers discard it. */
int oss_sign_v1_string(const struct oss_sign_req *r, const char *date, struct oss_buf *out)
{
    int rc;
    if (oss_buf_puts(out, r->method ? r->method : "") || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if ((rc = oss_sign_header(r, "content-md5", out)) < 0 || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if ((rc = oss_sign_header(r, "content-type", out)) < 0 || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if (date)
        rc = oss_buf_puts(out, date);
    else if ((rc = oss_sign_header(r, "x-oss-date", out)) == 0)
        rc = oss_sign_header(r, "date", out);
    if (rc < 0 || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if ((rc = oss_sign_canonical_headers(r, accept_x_oss, NULL, out)))
        return rc;
    return v1_resource(r, out);
}

void oss_sign_v1_signature(const char *secret, const char *sts, size_t sts_len, char out[29])
{
    unsigned char mac[20];
    oss_hmac_sha1(secret, strlen(secret), sts, sts_len, mac);
    EVP_EncodeBlock((unsigned char *)out, mac, sizeof(mac)); /* 28 chars + NUL */
}

int oss_sign_v1_header(const struct oss_sign_req *r, const char *akid, const char *secret,
                       struct oss_buf *out)
{
    struct oss_buf sts = OSS_BUF_INIT;
    char sig[29];
    int rc = oss_sign_v1_string(r, NULL, &sts);
    if (rc == 0) {
        oss_sign_v1_signature(secret, oss_buf_str(&sts), sts.len, sig);
        rc = oss_buf_printf(out, "OSS %s:%s", akid, sig);
    }
    oss_buf_cleanup(&sts);
    return rc;
}

int oss_sign_v1_presign(const struct oss_sign_req *r, const char *akid, const char *secret,
                        const char *security_token, time_t expires, struct oss_buf *query)
{
    char exp[24], sig[29];
    struct oss_buf sts = OSS_BUF_INIT;
    struct oss_kv *q = calloc(r->nquery + 1, sizeof(*q));
    if (!q)
        return -ENOMEM;
    if (r->nquery)
        memcpy(q, r->query, r->nquery * sizeof(*q));
    size_t nq = r->nquery;
    if (security_token && *security_token)
        q[nq++] = (struct oss_kv){"security-token", security_token};
    struct oss_sign_req signed_req = *r;
    signed_req.query = q;
    signed_req.nquery = nq;
    snprintf(exp, sizeof(exp), "%lld", (long long)expires);
    int rc = oss_sign_v1_string(&signed_req, exp, &sts);
    if (rc == 0) {
        oss_sign_v1_signature(secret, oss_buf_str(&sts), sts.len, sig);
        const struct oss_kv auth[] = {
            {"OSSAccessKeyId", akid}, {"Expires", exp}, {"Signature", sig}};
        rc = oss_sign_encoded_query(q, nq, auth, 3, NULL, query);
    }
    oss_buf_cleanup(&sts);
    free(q);
    return rc;
}
