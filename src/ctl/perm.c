/* The permission files that are one word or a short word list: ".public-access-block" (bucket
 * and, at the mount root in account mode, the account's Block Public Access: true | false),
 * ".policy-status" (read-only: is the bucket policy public), ".request-payment" (BucketOwner |
 * Requester) and ".https-config" (the TLS versions the bucket accepts, or empty when it
 * accepts every version). Each read is one GET of the sub-resource, each write one PUT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"

static const char *const bools[] = {"true", "false", NULL};
static const struct ctl_state_spec pab_spec = {
    ".public-access-block", "PublicAccessBlockConfiguration", bools, "BlockPublicAccess"};
static const struct ctl_state_spec status_spec = {".policy-status", "PolicyStatus", bools,
                                                  "IsPublic"};
static const char *const payers[] = {"BucketOwner", "Requester", NULL};
static const struct ctl_state_spec payment_spec = {".request-payment",
                                                   "RequestPaymentConfiguration", payers, "Payer"};

int ctl_pab_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                struct oss_error *err)
{
    return ctl_state_get(&pab_spec, "publicAccessBlock", c, t, out, err);
}

enum ctl_parse ctl_pab_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                             size_t whylen)
{
    return ctl_parse_state(&pab_spec, in, len, canon, why, whylen);
}

int ctl_pab_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                struct oss_error *err)
{
    return ctl_state_put(&pab_spec, "publicAccessBlock", c, t, canon, err);
}

int ctl_pab_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)
{
    return oss_delete_bucket_subresource(c, ctl_bucket_arg(t), "publicAccessBlock", err);
}

int ctl_policy_status_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                          struct oss_error *err)
{
    return ctl_state_get(&status_spec, "policyStatus", c, t, out, err);
}

int ctl_request_payment_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                            struct oss_error *err)
{
    return ctl_state_get(&payment_spec, "requestPayment", c, t, out, err);
}

enum ctl_parse ctl_request_payment_parse(const char *in, size_t len, struct oss_buf *canon,
                                         char *why, size_t whylen)
{
    return ctl_parse_state(&payment_spec, in, len, canon, why, whylen);
}

int ctl_request_payment_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                            struct oss_error *err)
{
    return ctl_state_put(&payment_spec, "requestPayment", c, t, canon, err);
}

/* ---- .https-config ---- */

static const char *const tls_versions[] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL};

/* TLS/Enable true: the TLSVersion words separated by spaces; otherwise nothing. */
int ctl_https_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                  struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT, v = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    const struct oss_xml_node *tls = NULL;
    int rc = oss_get_bucket_subresource(c, t->bucket, "httpsConfig", &body, err), n = 0;

    if (rc == 0)
        rc = ctl_answer_xml(&body, "HttpsConfiguration", &doc, err);
    if (rc == 0)
        tls = oss_xml_first(oss_xml_root(doc), "TLS");
    if (rc == 0 && tls && oss_xml_get(tls, "Enable", &v) == 0 && !strcmp(oss_buf_str(&v), "true")) {
        for (const struct oss_xml_node *x = oss_xml_first(tls, "TLSVersion"); x && rc == 0;
             x = oss_xml_next(x, "TLSVersion")) {
            oss_buf_reset(&v);
            rc = oss_xml_text(x, &v);
            if (rc == 0)
                rc = oss_buf_printf(out, "%s%s", n++ ? " " : "", oss_buf_str(&v));
        }
        if (rc == 0 && n)
            rc = oss_buf_putc(out, '\n');
    }
    oss_xml_free(doc);
    oss_buf_cleanup(&v);
    oss_buf_cleanup(&body);
    return rc;
}

/* The index of the TLS version word p[0..n), -1 when none, -2 when it is a strict prefix of
 * one. */
static int tls_index(const char *p, size_t n)
{
    int prefix = 0;

    for (int i = 0; tls_versions[i]; i++) {
        size_t l = strlen(tls_versions[i]);
        if (l == n && !memcmp(tls_versions[i], p, n))
            return i;
        if (n < l && !memcmp(tls_versions[i], p, n))
            prefix = 1;
    }
    return prefix ? -2 : -1;
}

/* Words: one or more of TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3 (any order, repeats ignored),
 * canonicalised in version order. Or the HttpsConfiguration XML, sent as written. */
static enum ctl_parse https_words(const char *p, size_t n, struct oss_buf *canon, char *why,
                                  size_t whylen)
{
    int seen[4] = {0}, any = 0;
    size_t i = 0;

    while (i < n) {
        size_t s;
        int k;

        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == ','))
            i++;
        s = i;
        while (i < n && !(p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == ','))
            i++;
        if (s == i)
            break;
        k = tls_index(p + s, i - s);
        if (k == -2 && i == n) {
            ctl_why(why, whylen, ".https-config: unfinished TLS version");
            return CTL_INCOMPLETE;
        }
        if (k < 0) {
            char q[200];

            ctl_quote(p + s, i - s, q, sizeof(q));
            ctl_why(why, whylen,
                    ".https-config: \"%s\" is not TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3", q);
            return CTL_INVALID;
        }
        seen[k] = any = 1;
    }
    if (!any) {
        ctl_why(why, whylen, ".https-config: expected TLS versions such as TLSv1.2 TLSv1.3");
        return CTL_INCOMPLETE;
    }
    for (int k = 0, first = 1; k < 4; k++) {
        if (seen[k] && oss_buf_printf(canon, "%s%s", first ? "" : " ", tls_versions[k]) != 0) {
            ctl_why(why, whylen, "out of memory");
            return CTL_INVALID;
        }
        if (seen[k])
            first = 0;
    }
    return CTL_VALID;
}

enum ctl_parse ctl_https_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                               size_t whylen)
{
    static const char *const names[] = {"HttpsConfiguration",
                                        "TLS",
                                        "Enable",
                                        "TLSVersion",
                                        "CipherSuite",
                                        "StrongCipherSuite",
                                        "CustomCipherSuite",
                                        "TLS13CustomCipherSuite",
                                        NULL};
    struct oss_xml_doc *doc = NULL;
    const char *p = in;
    size_t n = len;
    enum ctl_parse r;

    ctl_trim(&p, &n);
    if (n == 0 || p[0] != '<')
        return https_words(p, n, canon, why, whylen);
    r = ctl_xml_parse(in, len, "HttpsConfiguration", names, &doc, why, whylen);
    oss_xml_free(doc);
    if (r == CTL_VALID && oss_buf_append(canon, p, n) != 0) {
        ctl_why(why, whylen, "out of memory");
        r = CTL_INVALID;
    }
    return r;
}

int ctl_https_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                  struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = 0;

    if (canon[0] == '<') {
        rc = oss_buf_puts(&body, canon);
    } else {
        rc = oss_buf_puts(&body, "<HttpsConfiguration><TLS><Enable>true</Enable>");
        for (const char *p = canon; rc == 0 && *p;) {
            size_t l = strcspn(p, " ");
            rc = oss_buf_printf(&body, "<TLSVersion>%.*s</TLSVersion>", (int)l, p);
            p += l + (p[l] == ' ');
        }
        if (rc == 0)
            rc = oss_buf_puts(&body, "</TLS></HttpsConfiguration>");
    }
    if (rc == 0)
        rc = oss_put_bucket_subresource(c, t->bucket, "httpsConfig", "application/xml",
                                        oss_buf_str(&body), body.len, err);
    oss_buf_cleanup(&body);
    return rc;
}
