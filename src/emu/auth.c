/* Authentication: verifies OSS signatures V1 and V4, in the Authorization header and in
 * presigned URLs, against the accounts' keys (oss-api.md 2, 3), and establishes who sent the
 * request. Errors follow real OSS: 403 InvalidAccessKeyId / SignatureDoesNotMatch /
 * RequestTimeTooSkewed / AccessDenied (expired), 400 InvalidArgument for malformed input. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "emu/emu.h"
#include "oss/codec.h"

#define MAX_SKEW 900 /* seconds, as real OSS (15 minutes) */
#define V4_ALGORITHM "OSS4-HMAC-SHA256"

/* The V1 sub-resources nearly all SDKs sign (oss-api.md 2.4 "core"); a second verification
 * attempt uses only these, for clients with a shorter list than the union. */
static const char *const core_subresources[] = {
    "acl", "append", "bucketInfo", "callback", "callback-var", "cname", "comp",
    "continuation-token", "cors", "delete", "encryption", "endTime", "img", "inventory",
    "inventoryId", "lifecycle", "live", "location", "logging", "metaQuery", "objectMeta",
    "partNumber", "policy", "position", "qos", "qosInfo", "referer", "regionList", "replication",
    "replicationLocation", "replicationProgress", "requestPayment", "resourceGroup",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore",
    "security-token", "sequential", "startTime", "stat", "status", "style", "styleName",
    "symlink", "tagging", "transferAcceleration", "uploadId", "uploads", "versionId",
    "versioning", "versions", "vod", "website", "worm", "wormExtend", "wormId", "x-oss-process",
    "x-oss-traffic-limit", "x-oss-request-payer", "x-oss-async-process", "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", NULL};

static int is_core(const char *name)
{
    for (const char *const *p = core_subresources; *p; p++)
        if (strcmp(*p, name) == 0)
            return 1;
    return 0;
}

static struct oss_sign_req sign_req(const struct emu_req *req)
{
    struct oss_sign_req sr = {req->method, req->bucket, req->key, req->query,
                              req->nquery, req->headers, req->nheaders};
    return sr;
}

static int bad_argument(const struct emu_req *req, struct emu_resp *resp, const char *msg)
{
    emu_resp_error(resp, req, 400, "InvalidArgument", msg, NULL, NULL);
    return -EINVAL;
}

static int denied(const struct emu_req *req, struct emu_resp *resp, const char *code,
                  const char *msg)
{
    emu_resp_error(resp, req, 403, code, msg, NULL, NULL);
    return -EACCES;
}

/* Looks up akid; on success fills the principal (strings borrowed from the accounts). */
static int find_key(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                    const char *akid, struct emu_key_info *k)
{
    if (emu_accounts_find_key(s->accounts, akid, k) != 0) {
        emu_resp_error(resp, req, 403, "InvalidAccessKeyId",
                       "The OSS Access Key Id you provided does not exist in our records.",
                       NULL, "OSSAccessKeyId", akid, NULL);
        return -EACCES;
    }
    req->who.akid = k->akid; /* logged even if the signature turns out wrong */
    return 0;
}

static void accept_key(struct emu_req *req, const struct emu_key_info *k)
{
    req->who.anonymous = 0;
    req->who.akid = k->akid;
    req->who.account_id = k->account_id;
    req->who.user_id = k->user_id;
    req->who.policy = k->policy;
}

/* 403 RequestTimeTooSkewed unless t is within MAX_SKEW of now. */
static int check_skew(struct emu_req *req, struct emu_resp *resp, time_t t, time_t now)
{
    char server[30], request[30];
    if (t <= now + MAX_SKEW && t >= now - MAX_SKEW)
        return 0;
    oss_http_date(now, server);
    oss_http_date(t, request);
    emu_resp_error(resp, req, 403, "RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.",
                   NULL, "RequestTime", request, "ServerTime", server,
                   "MaxAllowedSkewMilliseconds", "900000", NULL);
    return -EACCES;
}

/* SignatureDoesNotMatch with the server's StringToSign (and its bytes in hex), as real OSS. */
static int mismatch(struct emu_req *req, struct emu_resp *resp, const char *akid,
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

/* V1 check with the union sub-resource list, then with the core list only. sts receives the
 * union StringToSign (for the error answer). */
static int v1_verify(const struct emu_req *req, const char *date, const char *secret,
                     const char *provided, struct oss_buf *sts)
{
    struct oss_sign_req sr = sign_req(req);
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
        if (is_core(req->query[i].name))
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
        return bad_argument(req, resp, "Authorization header is invalid.");
    snprintf(akid, sizeof(akid), "%.*s", (int)(colon - p), p);
    const char *provided = colon + 1;
    if (find_key(s, req, resp, akid, &k))
        return -EACCES;

    const char *date = emu_req_header(req, "x-oss-date");
    if (!date)
        date = emu_req_header(req, "Date");
    if (!date)
        return denied(req, resp, "AccessDenied", "Missing Date Header.");
    if (oss_parse_http_date(date, &t))
        return denied(req, resp, "AccessDenied", "Invalid Date Header.");
    if (check_skew(req, resp, t, now))
        return -EACCES;

    struct oss_buf sts = OSS_BUF_INIT;
    int rc = v1_verify(req, date, k.secret, provided, &sts);
    if (rc == 0)
        accept_key(req, &k);
    else
        rc = mismatch(req, resp, k.akid, provided, &sts, NULL);
    oss_buf_cleanup(&sts);
    return rc;
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
        return bad_argument(req, resp,
                            "A presigned URL needs OSSAccessKeyId, Expires and Signature.");
    long long exp = strtoll(expires, &end, 10);
    if (!*expires || *end || exp < 0)
        return bad_argument(req, resp, "Expires must be a number of seconds since the epoch.");
    if (find_key(s, req, resp, akid, &k))
        return -EACCES;
    if ((long long)time(NULL) > exp) {
        emu_resp_error(resp, req, 403, "AccessDenied", "Request has expired.", "0003-00000703",
                       "Expires", expires, NULL);
        return -EACCES;
    }
    struct oss_buf sts = OSS_BUF_INIT;
    int rc = v1_verify(req, expires, k.secret, provided, &sts);
    if (rc == 0)
        accept_key(req, &k);
    else
        rc = mismatch(req, resp, k.akid, provided, &sts, NULL);
    oss_buf_cleanup(&sts);
    return rc;
}

/* The parts of a V4 credential "ak/YYYYMMDD/region/product/aliyun_v4_request". */
struct v4_cred {
    char akid[128], date[16], region[64], product[64];
};

static int parse_credential(const char *c, size_t len, struct v4_cred *out)
{
    char buf[400], *parts[5], *save = NULL;
    int n = 0;
    if (len >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, c, len);
    buf[len] = '\0';
    for (char *t = strtok_r(buf, "/", &save); t && n < 5; t = strtok_r(NULL, "/", &save))
        parts[n++] = t;
    if (n != 5 || strtok_r(NULL, "/", &save) || strcmp(parts[4], "aliyun_v4_request") ||
        strlen(parts[1]) != 8 || strlen(parts[0]) >= sizeof(out->akid) ||
        strlen(parts[2]) >= sizeof(out->region) || strlen(parts[3]) >= sizeof(out->product))
        return -EINVAL;
    for (int i = 0; i < 8; i++)
        if (!isdigit((unsigned char)parts[1][i]))
            return -EINVAL;
    strcpy(out->akid, parts[0]);
    strcpy(out->date, parts[1]);
    strcpy(out->region, parts[2]);
    strcpy(out->product, parts[3]);
    return 0;
}

/* Splits "a;B;c" into lower-case names (malloc'ed array of malloc'ed strings). */
static int split_names(const char *list, size_t len, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    while (len) {
        size_t seg = 0;
        while (seg < len && list[seg] != ';')
            seg++;
        size_t a = 0, b = seg;
        while (a < b && isspace((unsigned char)list[a]))
            a++;
        while (b > a && isspace((unsigned char)list[b - 1]))
            b--;
        if (b > a) {
            char **v = realloc(*names, (*n + 1) * sizeof(*v));
            if (!v)
                return -ENOMEM;
            *names = v;
            if (!(v[*n] = strndup(list + a, b - a)))
                return -ENOMEM;
            for (char *q = v[*n]; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            (*n)++;
        }
        list += seg;
        len -= seg;
        if (len) {
            list++;
            len--;
        }
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Computes the V4 signature of req and compares it with provided. */
static int v4_verify(struct emu_req *req, struct emu_resp *resp, const struct emu_key_info *k,
                     const struct v4_cred *cred, const char *datetime, char **add, size_t nadd,
                     const char *provided)
{
    struct oss_sign_req sr = sign_req(req);
    struct oss_buf canon = OSS_BUF_INIT, sts = OSS_BUF_INIT;
    char sig[65];
    int rc;

    qsort(add, nadd, sizeof(*add), cmp_names);
    rc = oss_sign_v4_canonical(&sr, (const char *const *)add, nadd, &canon);
    if (rc == 0)
        rc = oss_sign_v4_string(datetime, cred->region, cred->product, oss_buf_str(&canon),
                                canon.len, &sts);
    if (rc == 0) {
        oss_sign_v4_signature(k->secret, cred->date, cred->region, cred->product,
                              oss_buf_str(&sts), sts.len, sig);
        if (strlen(provided) == 64 && strncasecmp(sig, provided, 64) == 0)
            accept_key(req, k);
        else
            rc = mismatch(req, resp, k->akid, provided, &sts, oss_buf_str(&canon));
    } else {
        emu_resp_error(resp, req, 500, "InternalError", "Out of memory.", NULL, NULL);
    }
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&sts);
    return rc;
}

/* Authorization: OSS4-HMAC-SHA256 Credential=...,[ ]AdditionalHeaders=...,[ ]Signature=... */
static int v4_header(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                     const char *authz)
{
    const char *p = authz + strlen(V4_ALGORITHM);
    const char *cred_s = NULL, *add_s = NULL, *sig_s = NULL;
    size_t cred_n = 0, add_n = 0, sig_n = 0;
    struct v4_cred cred;
    struct emu_key_info k;
    char sig[72];

    while (*p) { /* comma-separated name=value items, optional white space */
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        size_t len = strcspn(p, ",");
        size_t tl = len;
        while (tl && (p[tl - 1] == ' ' || p[tl - 1] == '\t'))
            tl--;
        if (tl > 11 && strncmp(p, "Credential=", 11) == 0)
            cred_s = p + 11, cred_n = tl - 11;
        else if (tl >= 18 && strncmp(p, "AdditionalHeaders=", 18) == 0)
            add_s = p + 18, add_n = tl - 18;
        else if (tl > 10 && strncmp(p, "Signature=", 10) == 0)
            sig_s = p + 10, sig_n = tl - 10;
        else if (tl)
            return bad_argument(req, resp, "Authorization header is invalid.");
        p += len;
    }
    if (!cred_s || !sig_s || sig_n >= sizeof(sig) || parse_credential(cred_s, cred_n, &cred))
        return bad_argument(req, resp, "Authorization header is invalid.");
    if (add_s && add_n == 0)
        return bad_argument(req, resp, "AdditionalHeaders must not be empty.");
    snprintf(sig, sizeof(sig), "%.*s", (int)sig_n, sig_s);
    if (find_key(s, req, resp, cred.akid, &k))
        return -EACCES;

    const char *datetime = emu_req_header(req, "x-oss-date");
    time_t t;
    if (!datetime)
        return denied(req, resp, "AccessDenied", "Missing x-oss-date header.");
    if (strlen(datetime) != 16 || oss_parse_iso8601(datetime, &t))
        return bad_argument(req, resp, "x-oss-date must be YYYYMMDD'T'HHMMSS'Z'.");
    if (strncmp(datetime, cred.date, 8) != 0)
        return bad_argument(req, resp, "The date of the credential and x-oss-date differ.");
    if (check_skew(req, resp, t, time(NULL)))
        return -EACCES;
    const char *sha = emu_req_header(req, "x-oss-content-sha256");
    if (sha && strcmp(sha, "UNSIGNED-PAYLOAD") != 0)
        return bad_argument(req, resp, "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.");

    char **add = NULL;
    size_t nadd = 0;
    int rc = add_s ? split_names(add_s, add_n, &add, &nadd) : 0;
    if (rc == 0)
        rc = v4_verify(req, resp, &k, &cred, datetime, add, nadd, sig);
    free_names(add, nadd);
    return rc;
}

/* ?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=&x-oss-date=&x-oss-expires=
 *  [&x-oss-additional-headers=]&x-oss-signature= */
static int v4_query(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *version = emu_req_query(req, "x-oss-signature-version");
    const char *credential = emu_req_query(req, "x-oss-credential");
    const char *datetime = emu_req_query(req, "x-oss-date");
    const char *expires = emu_req_query(req, "x-oss-expires");
    const char *provided = emu_req_query(req, "x-oss-signature");
    const char *additional = emu_req_query(req, "x-oss-additional-headers");
    struct v4_cred cred;
    struct emu_key_info k;
    time_t t, now = time(NULL);
    char *end;

    if (!version || strcmp(version, V4_ALGORITHM) != 0)
        return bad_argument(req, resp, "x-oss-signature-version must be OSS4-HMAC-SHA256.");
    if (!credential || !datetime || !expires || !provided || !*provided)
        return bad_argument(req, resp, "A presigned URL needs x-oss-credential, x-oss-date, "
                                       "x-oss-expires and x-oss-signature.");
    if (parse_credential(credential, strlen(credential), &cred))
        return bad_argument(req, resp, "x-oss-credential is invalid.");
    if (strlen(datetime) != 16 || oss_parse_iso8601(datetime, &t) ||
        strncmp(datetime, cred.date, 8) != 0)
        return bad_argument(req, resp, "x-oss-date is invalid.");
    long long exp = strtoll(expires, &end, 10);
    if (!*expires || *end || exp < 1 || exp > 604800)
        return bad_argument(req, resp, "x-oss-expires must be between 1 and 604800.");
    if (find_key(s, req, resp, cred.akid, &k))
        return -EACCES;
    if (t > now + MAX_SKEW)
        return check_skew(req, resp, t, now);
    if ((long long)now > (long long)t + exp) {
        emu_resp_error(resp, req, 403, "AccessDenied", "Request has expired.", "0003-00000703",
                       "Expires", expires, NULL);
        return -EACCES;
    }

    char **add = NULL;
    size_t nadd = 0;
    int rc = additional ? split_names(additional, strlen(additional), &add, &nadd) : 0;
    if (rc == 0)
        rc = v4_verify(req, resp, &k, &cred, datetime, add, nadd, provided);
    free_names(add, nadd);
    return rc;
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
        return bad_argument(req, resp,
                            "A request may not carry both an Authorization header and a "
                            "signature in the URL.");
    if (authz) {
        if (strncmp(authz, V4_ALGORITHM " ", strlen(V4_ALGORITHM) + 1) == 0)
            return v4_header(s, req, resp, authz);
        if (strncmp(authz, "OSS ", 4) == 0)
            return v1_header(s, req, resp, authz);
        return bad_argument(req, resp, "Authorization header is invalid.");
    }
    if (q4)
        return v4_query(s, req, resp);
    if (q1)
        return v1_query(s, req, resp);
    return 0; /* anonymous: operations decide through the ACLs */
}
