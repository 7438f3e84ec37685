/* Authentication with signature V4 (OSS4-HMAC-SHA256, oss-api.md 3): the Authorization
 * header (with or without spaces after the commas, AdditionalHeaders) and presigned URLs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth_priv.h"
#include "emu/emu.h"
#include "oss/codec.h"

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

/* A signature scoped to another region than the endpoint the request reached: OSS answers
 * 400 InvalidArgument with EC 0002-00000226 (for the header and presigned forms alike). Only
 * product "oss" is checked (CloudBox scopes name a CloudBox id). 0 or -EINVAL. */
static int check_region(struct emu_req *req, struct emu_resp *resp, const struct v4_cred *cred)
{
    if (!req->region || strcmp(cred->product, "oss") != 0 || strcmp(cred->region, req->region) == 0)
        return 0;
    emu_resp_error(resp, req, 400, "InvalidArgument",
                   "Invalid signing region in Authorization header.", "0002-00000226", NULL);
    return -EINVAL;
}

/* Computes the V4 signature of req and compares it with provided. */
static int v4_verify(struct emu_req *req, struct emu_resp *resp, const struct emu_key_info *k,
                     const struct v4_cred *cred, const char *datetime, char **add, size_t nadd,
                     const char *provided)
{
    struct oss_sign_req sr = emu_auth_sign_req(req);
    struct oss_buf canon = OSS_BUF_INIT, sts = OSS_BUF_INIT;
    char sig[65];
    int rc;

    if (nadd > 1)
        qsort(add, nadd, sizeof(*add), cmp_names);
    rc = oss_sign_v4_canonical(&sr, (const char *const *)add, nadd, &canon);
    if (rc == 0)
        rc = oss_sign_v4_string(datetime, cred->region, cred->product, oss_buf_str(&canon),
                                canon.len, &sts);
    if (rc == 0) {
        oss_sign_v4_signature(k->secret, cred->date, cred->region, cred->product, oss_buf_str(&sts),
                              sts.len, sig);
        if (strlen(provided) == 64 && strncasecmp(sig, provided, 64) == 0)
            emu_auth_accept_key(req, k);
        else
            rc = emu_auth_mismatch(req, resp, k->akid, provided, &sts, oss_buf_str(&canon));
    } else {
        emu_resp_error(resp, req, 500, "InternalError", "Out of memory.", NULL, NULL);
    }
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&sts);
    return rc;
}

/* Authorization: OSS4-HMAC-SHA256 Credential=...,[ ]AdditionalHeaders=...,[ ]Signature=... */
int emu_auth_v4_header(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
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
            return emu_auth_bad_argument(req, resp, "Authorization header is invalid.");
        p += len;
    }
    if (!cred_s || !sig_s || sig_n >= sizeof(sig) || parse_credential(cred_s, cred_n, &cred))
        return emu_auth_bad_argument(req, resp, "Authorization header is invalid.");
    if (add_s && add_n == 0)
        return emu_auth_bad_argument(req, resp, "AdditionalHeaders must not be empty.");
    snprintf(sig, sizeof(sig), "%.*s", (int)sig_n, sig_s);
    if (emu_auth_find_key(s, req, resp, cred.akid, &k))
        return -EACCES;
    if (check_region(req, resp, &cred))
        return -EINVAL;

    const char *datetime = emu_req_header(req, "x-oss-date");
    time_t t;
    if (!datetime)
        return emu_auth_denied(req, resp, "AccessDenied", "Missing x-oss-date header.");
    if (strlen(datetime) != 16 || oss_parse_iso8601(datetime, &t))
        return emu_auth_bad_argument(req, resp, "x-oss-date must be YYYYMMDD'T'HHMMSS'Z'.");
    if (strncmp(datetime, cred.date, 8) != 0)
        return emu_auth_bad_argument(req, resp,
                                     "The date of the credential and x-oss-date differ.");
    if (emu_auth_check_skew(req, resp, t, time(NULL)))
        return -EACCES;
    const char *sha = emu_req_header(req, "x-oss-content-sha256");
    if (sha && strcmp(sha, "UNSIGNED-PAYLOAD") != 0)
        return emu_auth_bad_argument(req, resp, "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.");

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
int emu_auth_v4_query(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
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
        return emu_auth_bad_argument(req, resp,
                                     "x-oss-signature-version must be OSS4-HMAC-SHA256.");
    if (!credential || !datetime || !expires || !provided || !*provided)
        return emu_auth_bad_argument(req, resp,
                                     "A presigned URL needs x-oss-credential, x-oss-date, "
                                     "x-oss-expires and x-oss-signature.");
    if (parse_credential(credential, strlen(credential), &cred))
        return emu_auth_bad_argument(req, resp, "x-oss-credential is invalid.");
    if (strlen(datetime) != 16 || oss_parse_iso8601(datetime, &t) ||
        strncmp(datetime, cred.date, 8) != 0)
        return emu_auth_bad_argument(req, resp, "x-oss-date is invalid.");
    long long exp = strtoll(expires, &end, 10);
    if (!*expires || *end || exp < 1 || exp > 604800)
        return emu_auth_bad_argument(req, resp, "x-oss-expires must be between 1 and 604800.");
    if (emu_auth_find_key(s, req, resp, cred.akid, &k))
        return -EACCES;
    if (check_region(req, resp, &cred))
        return -EINVAL;
    if (t > now + MAX_SKEW)
        return emu_auth_check_skew(req, resp, t, now);
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
