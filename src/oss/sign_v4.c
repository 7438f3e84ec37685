/* OSS signature V4, OSS4-HMAC-SHA256 (include/oss/sign.h): canonical request, string to sign,
 * derived-key signature, Authorization header and presigned-URL query (oss-api.md 3). */
#include "oss/sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "oss/codec.h"
#include "sign_priv.h"

#define V4_ALGORITHM "OSS4-HMAC-SHA256"

struct v4_additional {
    const char *const *names;
    size_t n;
};

static int is_default_signed(const char *lname)
{
    return !strncmp(lname, "x-oss-", 6) || !strcmp(lname, "content-type") ||
           !strcmp(lname, "content-md5");
}

static int accept_v4(const char *lname, void *arg)
{
    const struct v4_additional *add = arg;
    if (is_default_signed(lname))
        return 1;
    for (size_t i = 0; i < add->n; i++)
        if (add->names[i] && !oss_sign_casecmp(add->names[i], lname))
            return 1;
    return 0;
}

/* On failure out may hold a partial string; callers discard it. */
int oss_sign_v4_canonical(const struct oss_sign_req *r, const char *const *additional,
                          size_t nadditional, struct oss_buf *out)
{
    struct v4_additional add = {additional, additional ? nadditional : 0};
    struct oss_buf uri = OSS_BUF_INIT;
    int rc = oss_buf_putc(&uri, '/');
    if (!rc && r->bucket && *r->bucket) {
        rc = oss_buf_puts(&uri, r->bucket);
        if (!rc)
            rc = oss_buf_putc(&uri, '/');
        if (!rc && r->key)
            rc = oss_buf_puts(&uri, r->key);
    }
    if (!rc && (oss_buf_puts(out, r->method ? r->method : "") || oss_buf_putc(out, '\n')))
        rc = -ENOMEM;
    if (!rc)
        rc = oss_url_encode(uri.data, uri.len, 1, out);
    oss_buf_cleanup(&uri);
    if (rc || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if (oss_sign_encoded_query(r->query, r->nquery, NULL, 0, "x-oss-signature", out) ||
        oss_buf_putc(out, '\n'))
        return -ENOMEM;
    if (oss_sign_canonical_headers(r, accept_v4, &add, out) || oss_buf_putc(out, '\n'))
        return -ENOMEM;
    for (size_t i = 0, put = 0; i < add.n; i++)
        if (add.names[i] && ((put++ && oss_buf_putc(out, ';')) || oss_buf_puts(out, add.names[i])))
            return -ENOMEM;
    if (oss_buf_putc(out, '\n'))
        return -ENOMEM;
    rc = oss_sign_header(r, "x-oss-content-sha256", out);
    if (rc == 0)
        rc = oss_buf_puts(out, "UNSIGNED-PAYLOAD");
    return rc < 0 ? rc : 0;
}

int oss_sign_v4_string(const char *datetime, const char *region, const char *product,
                       const char *canonical, size_t canonical_len, struct oss_buf *out)
{
    unsigned char hash[OSS_SHA256_LEN];
    char hex[2 * OSS_SHA256_LEN + 1];
    if (strlen(datetime) < 8)
        return -EINVAL;
    oss_sha256(canonical, canonical_len, hash);
    oss_hex(hash, sizeof(hash), 0, hex);
    return oss_buf_printf(out, V4_ALGORITHM "\n%s\n%.8s/%s/%s/aliyun_v4_request\n%s", datetime,
                          datetime, region, product, hex);
}

void oss_sign_v4_signature(const char *secret, const char *date, const char *region,
                           const char *product, const char *sts, size_t sts_len, char out[65])
{
    unsigned char k[32], next[32];
    struct oss_buf first = OSS_BUF_INIT;
    if (oss_buf_puts(&first, "aliyun_v4") || oss_buf_puts(&first, secret)) {
        oss_buf_cleanup(&first);
        out[0] = '\0'; /* matches no signature */
        return;
    }
    oss_hmac_sha256(first.data, first.len, date, strlen(date), k);
    OPENSSL_cleanse(first.data, first.len);
    oss_buf_cleanup(&first);
    const char *steps[] = {region, product, "aliyun_v4_request"};
    for (int i = 0; i < 3; i++) {
        oss_hmac_sha256(k, sizeof(k), steps[i], strlen(steps[i]), next);
        memcpy(k, next, sizeof(k));
    }
    oss_hmac_sha256(k, sizeof(k), sts, sts_len, next);
    OPENSSL_cleanse(k, sizeof(k));
    oss_hex(next, sizeof(next), 0, out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The SDKs' AdditionalHeaders: requested names lower-cased, minus default-signed ones and
 * those r does not carry, sorted, without duplicates. *names is malloc'ed (free_names). */
static int normalize_additional(const struct oss_sign_req *r, const char *const *req, size_t nreq,
                                char ***names, size_t *n)
{
    *n = 0;
    *names = calloc(nreq ? nreq : 1, sizeof(**names));
    if (!*names)
        return -ENOMEM;
    for (size_t i = 0; req && i < nreq; i++) {
        if (!req[i])
            continue;
        char *l = strdup(req[i]);
        if (!l) {
            free_names(*names, *n);
            return -ENOMEM;
        }
        for (char *p = l; *p; p++)
            *p = oss_sign_lower(*p);
        int keep = *l && !is_default_signed(l);
        for (size_t j = 0; keep && j < *n; j++)
            keep = strcmp((*names)[j], l) != 0;
        int present = 0;
        for (size_t j = 0; keep && !present && j < r->nheaders; j++)
            present = r->headers[j].name && !oss_sign_casecmp(r->headers[j].name, l);
        if (keep && present)
            (*names)[(*n)++] = l;
        else
            free(l);
    }
    qsort(*names, *n, sizeof(**names), cmp_str);
    return 0;
}

/* Canonical request -> string to sign -> signature, for both auth forms. */
static int v4_sign(const struct oss_sign_req *r, char *const *names, size_t n, const char *datetime,
                   const char *secret, const char *region, const char *product, char sig[65])
{
    struct oss_buf canon = OSS_BUF_INIT, sts = OSS_BUF_INIT;
    char date[9];
    int rc = oss_sign_v4_canonical(r, (const char *const *)names, n, &canon);
    if (!rc)
        rc = oss_sign_v4_string(datetime, region, product, oss_buf_str(&canon), canon.len, &sts);
    if (!rc) {
        memcpy(date, datetime, 8);
        date[8] = '\0';
        oss_sign_v4_signature(secret, date, region, product, oss_buf_str(&sts), sts.len, sig);
        if (!sig[0])
            rc = -ENOMEM;
    }
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&sts);
    return rc;
}

static int valid_datetime(const char *s)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

static int put_names(struct oss_buf *out, char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((i && oss_buf_putc(out, ';')) || oss_buf_puts(out, names[i]))
            return -ENOMEM;
    return 0;
}

int oss_sign_v4_header(const struct oss_sign_req *r, const char *akid, const char *secret,
                       const char *region, const char *product, const char *const *additional,
                       size_t nadditional, struct oss_buf *out)
{
    struct oss_buf dt = OSS_BUF_INIT;
    char **names = NULL, sig[65];
    size_t n = 0;
    if (!product)
        product = "oss";
    int rc = oss_sign_header(r, "x-oss-date", &dt);
    if (rc == 0 || (rc > 0 && !valid_datetime(oss_buf_str(&dt))))
        rc = -EINVAL;
    if (rc > 0)
        rc = normalize_additional(r, additional, nadditional, &names, &n);
    if (!rc)
        rc = v4_sign(r, names, n, oss_buf_str(&dt), secret, region, product, sig);
    if (!rc)
        rc = oss_buf_printf(out, V4_ALGORITHM " Credential=%s/%.8s/%s/%s/aliyun_v4_request", akid,
                            oss_buf_str(&dt), region, product);
    if (!rc && n)
        rc = oss_buf_puts(out, ",AdditionalHeaders=") || put_names(out, names, n) ? -ENOMEM : 0;
    if (!rc)
        rc = oss_buf_printf(out, ",Signature=%s", sig);
    if (names)
        free_names(names, n);
    oss_buf_cleanup(&dt);
    return rc;
}

int oss_sign_v4_presign(const struct oss_sign_req *r, const char *akid, const char *secret,
                        const char *security_token, const char *region, const char *product,
                        const char *const *additional, size_t nadditional, time_t now,
                        long expires_in, struct oss_buf *query)
{
    char datetime[17], expires[24], sig[65];
    char **names = NULL;
    size_t n = 0;
    struct oss_buf cred = OSS_BUF_INIT, addl = OSS_BUF_INIT;
    struct oss_kv *q = NULL;
    if (!product)
        product = "oss";
    if (expires_in < 1 || expires_in > 604800)
        return -EINVAL;
    oss_iso8601_basic(now, datetime);
    snprintf(expires, sizeof(expires), "%ld", expires_in);
    int rc = normalize_additional(r, additional, nadditional, &names, &n);
    if (!rc && (oss_buf_printf(&cred, "%s/%.8s/%s/%s/aliyun_v4_request", akid, datetime, region,
                               product) ||
                put_names(&addl, names, n) || oss_buf_append(&addl, "", 0)))
        rc = -ENOMEM;
    if (!rc && !(q = calloc(r->nquery + 6, sizeof(*q))))
        rc = -ENOMEM;
    if (!rc) {
        size_t nq = r->nquery;
        if (nq)
            memcpy(q, r->query, nq * sizeof(*q));
        q[nq++] = (struct oss_kv){"x-oss-signature-version", V4_ALGORITHM};
        q[nq++] = (struct oss_kv){"x-oss-date", datetime};
        q[nq++] = (struct oss_kv){"x-oss-expires", expires};
        q[nq++] = (struct oss_kv){"x-oss-credential", oss_buf_str(&cred)};
        if (n)
            q[nq++] = (struct oss_kv){"x-oss-additional-headers", oss_buf_str(&addl)};
        if (security_token && *security_token)
            q[nq++] = (struct oss_kv){"x-oss-security-token", security_token};
        struct oss_sign_req signed_req = *r;
        signed_req.query = q;
        signed_req.nquery = nq;
        rc = v4_sign(&signed_req, names, n, datetime, secret, region, product, sig);
        if (!rc)
            rc = oss_sign_encoded_query(q, nq, NULL, 0, "x-oss-signature", query);
        if (!rc)
            rc = oss_buf_printf(query, "%sx-oss-signature=%s", nq ? "&" : "", sig);
    }
    free(q);
    if (names)
        free_names(names, n);
    oss_buf_cleanup(&cred);
    oss_buf_cleanup(&addl);
    return rc;
}
