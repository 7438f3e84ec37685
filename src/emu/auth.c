/* Authentication: picks the signature scheme of a request, verifies V1 (header and presigned
 * URL; V4 is in auth_v4.c) against the accounts' keys (oss-api.md 2), and establishes who sent
 * the request. Errors follow real OSS: 403 InvalidAccessKeyId / SignatureDoesNotMatch /
 * RequestTimeTooSkewed / AccessDenied (expired), 400 InvalidArgument for malformed input. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth_priv.h"
#include "emu/emu.h"
#include "oss/codec.h"
#include "oss/sign.h"

struct oss_sign_req emu_auth_sign_req(const struct emu_req *req)
{
    struct oss_sign_req sr = {req->method, req->bucket,  req->key,     req->query,
                              req->nquery, req->headers, req->nheaders};
    return sr;
}

int emu_auth_bad_argument(const struct emu_req *req, struct emu_resp *resp, const char *msg)
{
    emu_resp_error(resp, req, 400, "InvalidArgument", msg, NULL, NULL);
    return -EINVAL;
}

int emu_auth_denied(const struct emu_req *req, struct emu_resp *resp, const char *code,
                    const char *msg)
{
    emu_resp_error(resp, req, 403, code, msg, NULL, NULL);
    return -EACCES;
}

/* Looks up akid; on success fills the principal (strings borrowed from the accounts). */
/* An STS key is valid only with its security token (x-oss-security-token header, or the
 * security-token / x-oss-security-token URL parameter) and until it expires. */
static int check_token(struct emu_req *req, struct emu_resp *resp, const struct emu_key_info *k)
{
    const char *token = emu_req_header(req, "x-oss-security-token");
    if (!token)
        token = emu_req_query(req, "security-token");
    if (!token)
        token = emu_req_query(req, "x-oss-security-token");
    if (!token) {
        emu_resp_error(resp, req, 403, "InvalidSecurityToken",
                       "The request uses a temporary (STS) access key without its security token.",
                       "0002-00000003", NULL);
        return -EACCES;
    }
    if (strlen(token) != strlen(k->security_token) ||
        CRYPTO_memcmp(token, k->security_token, strlen(token)) != 0) {
        emu_resp_error(resp, req, 403, "InvalidSecurityToken",
                       "The security token you provided is invalid.", "0002-00000008", NULL);
        return -EACCES;
    }
    if (k->expires && time(NULL) >= k->expires) {
        emu_resp_error(resp, req, 403, "SecurityTokenExpired",
                       "The security token you provided has expired.", "0002-00000007", NULL);
        return -EACCES;
    }
    return 0;
}

int emu_auth_find_key(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      const char *akid, struct emu_key_info *k)
{
    if (emu_accounts_find_key(s->accounts, akid, k) != 0) {
        emu_resp_error(resp, req, 403, "InvalidAccessKeyId",
                       "The OSS Access Key Id you provided does not exist in our records.", NULL,
                       "OSSAccessKeyId", akid, NULL);
        return -EACCES;
    }
    req->who.akid = k->akid; /* logged even if the signature turns out wrong */
    return k->security_token ? check_token(req, resp, k) : 0;
}

void emu_auth_accept_key(struct emu_req *req, const struct emu_key_info *k)
{
    req->who.anonymous = 0;
    req->who.akid = k->akid;
    req->who.account_id = k->account_id;
    req->who.user_id = k->user_id;
    req->who.policy = k->policy;
}

/* 403 RequestTimeTooSkewed unless t is within MAX_SKEW of now. */
int emu_auth_check_skew(struct emu_req *req, struct emu_resp *resp, time_t t, time_t now)
{
    char server[30], request[30];
    if (t <= now + MAX_SKEW && t >= now - MAX_SKEW)
        return 0;
    oss_http_date(now, server);
    oss_http_date(t, request);
    emu_resp_error(resp, req, 403, "RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.",
                   NULL, "RequestTime", request, "ServerTime", server, "MaxAllowedSkewMilliseconds",
                   "900000", NULL);
    return -EACCES;
}

/* SignatureDoesNotMatch with the server's StringToSign (and its bytes in hex), as real OSS. */
int emu_auth_mismatch(struct emu_req *req, struct emu_resp *resp, const char *akid,
                      const char *provided, const struct oss_buf *sts, const char *canonical)
{
    struct oss_buf bytes = OSS_BUF_INIT;
    for (size_t i = 0; i < sts->len; i++)
        oss_buf_printf(&bytes, i ? " %02x" : "%02x", (unsigned char)sts->data[i]);
    const char *msg = "The request signature we calculated does not match the signature you "
                      "provided. Check your key and signing method.";
    if (canonical)
        emu_resp_error(resp, req, 403, "SignatureDoesNotMatch", msg, NULL, "StringToSign",
                       oss_buf_str(sts), "StringToSignBytes", oss_buf_str(&bytes),
                       "CanonicalRequest", canonical, "SignatureProvided", provided,
                       "OSSAccessKeyId", akid, NULL);
    else
        emu_resp_error(resp, req, 403, "SignatureDoesNotMatch", msg, NULL, "StringToSign",
                       oss_buf_str(sts), "StringToSignBytes", oss_buf_str(&bytes),
                       "SignatureProvided", provided, "OSSAccessKeyId", akid, NULL);
    oss_buf_cleanup(&bytes);
    return -EACCES;
}

static int same_secret_string(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

/* V1 check with the union sub-resource list, then with the core list only
 * (oss_sign_v1_is_core_subresource), for clients that sign fewer names. sts receives the union
 * StringToSign (for the error answer). */
static int v1_verify(const struct emu_req *req, const char *date, const char *secret,
                     const char *provided, struct oss_buf *sts)
{
    struct oss_sign_req sr = emu_auth_sign_req(req);
    char sig[29];
    if (oss_sign_v1_string(&sr, date, sts))
        return -ENOMEM;
    oss_sign_v1_signature(secret, oss_buf_str(sts), sts->len, sig);
    if (same_secret_string(sig, provided))
        return 0;

    struct oss_kv *core = calloc(req->nquery + 1, sizeof(*core));
    struct oss_buf alt = OSS_BUF_INIT;
    size_t n = 0;
    int rc = -EACCES;
    if (!core)
        return -ENOMEM;
    for (size_t i = 0; i < req->nquery; i++)
        if (oss_sign_v1_is_core_subresource(req->query[i].name))
            core[n++] = req->query[i];
    if (n != req->nquery) {
        sr.query = core;
        sr.nquery = n;
        if (oss_sign_v1_string(&sr, date, &alt) == 0) {
            oss_sign_v1_signature(secret, oss_buf_str(&alt), alt.len, sig);
            if (same_secret_string(sig, provided))
                rc = 0;
        }
    }
    oss_buf_cleanup(&alt);
    free(core);
    return rc;
}

/* Verifies a V1 signature provided for key k over the date (or Expires) value and accepts the
 * key, or answers 403 SignatureDoesNotMatch with the StringToSign. 0 or -EACCES. */
static int v1_check(struct emu_req *req, struct emu_resp *resp, const struct emu_key_info *k,
                    const char *date, const char *provided)
{
    struct oss_buf sts = OSS_BUF_INIT;
    int rc = v1_verify(req, date, k->secret, provided, &sts);
    if (rc == 0)
        emu_auth_accept_key(req, k);
    else
        rc = emu_auth_mismatch(req, resp, k->akid, provided, &sts, NULL);
    oss_buf_cleanup(&sts);
    return rc;
}

/* Authorization: OSS <akid>:<signature> */
static int v1_header(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                     const char *authz)
{
    const char *p = authz + 4, *colon;
    struct emu_key_info k;
    char akid[128];
    time_t t, now = time(NULL);

    while (*p == ' ')
        p++;
    colon = strchr(p, ':');
    if (!colon || colon == p || (size_t)(colon - p) >= sizeof(akid) || !colon[1])
        return emu_auth_bad_argument(req, resp, "Authorization header is invalid.");
    snprintf(akid, sizeof(akid), "%.*s", (int)(colon - p), p);
    const char *provided = colon + 1;
    if (emu_auth_find_key(s, req, resp, akid, &k))
        return -EACCES;

    const char *date = emu_req_header(req, "x-oss-date");
    if (!date)
        date = emu_req_header(req, "Date");
    if (!date)
        return emu_auth_denied(req, resp, "AccessDenied", "Missing Date Header.");
    if (oss_parse_http_date(date, &t))
        return emu_auth_denied(req, resp, "AccessDenied", "Invalid Date Header.");
    if (emu_auth_check_skew(req, resp, t, now))
        return -EACCES;

    return v1_check(req, resp, &k, date, provided);
}

/* ?OSSAccessKeyId=&Expires=&Signature= */
static int v1_query(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *akid = emu_req_query(req, "OSSAccessKeyId");
    const char *expires = emu_req_query(req, "Expires");
    const char *provided = emu_req_query(req, "Signature");
    struct emu_key_info k;
    char *end;

    if (!akid || !*akid || !expires || !provided || !*provided)
        return emu_auth_bad_argument(
            req, resp, "A presigned URL needs OSSAccessKeyId, Expires and Signature.");
    long long exp = strtoll(expires, &end, 10);
    if (!*expires || *end || exp < 0)
        return emu_auth_bad_argument(req, resp,
                                     "Expires must be a number of seconds since the epoch.");
    if (emu_auth_find_key(s, req, resp, akid, &k))
        return -EACCES;
    if ((long long)time(NULL) > exp) {
        emu_resp_error(resp, req, 403, "AccessDenied", "Request has expired.", "0003-00000703",
                       "Expires", expires, NULL);
        return -EACCES;
    }
    return v1_check(req, resp, &k, expires, provided);
}

int emu_authenticate(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *authz = emu_req_header(req, "Authorization");
    int q1 = emu_req_has_query(req, "OSSAccessKeyId") || emu_req_has_query(req, "Signature");
    int q4 = emu_req_has_query(req, "x-oss-signature") ||
             emu_req_has_query(req, "x-oss-signature-version");

    memset(&req->who, 0, sizeof(req->who));
    req->who.anonymous = 1;
    req->who.akid = "";

    if (authz && (q1 || q4))
        return emu_auth_bad_argument(req, resp,
                                     "A request may not carry both an Authorization header and a "
                                     "signature in the URL.");
    if (authz) {
        if (strncmp(authz, V4_ALGORITHM " ", strlen(V4_ALGORITHM) + 1) == 0)
            return emu_auth_v4_header(s, req, resp, authz);
        if (strncmp(authz, "OSS ", 4) == 0)
            return v1_header(s, req, resp, authz);
        return emu_auth_bad_argument(req, resp, "Authorization header is invalid.");
    }
    if (q4)
        return emu_auth_v4_query(s, req, resp);
    if (q1)
        return v1_query(s, req, resp);
    return 0; /* anonymous: operations decide through the ACLs */
}
