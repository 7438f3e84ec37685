/* Request signing, OSS signature V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256), header and
 * presigned-URL forms. Used by the client to sign and by ossemu to verify, so every function
 * works from a decoded description of the request. Pure and thread-safe. */
#ifndef OSS_SIGN_H
#define OSS_SIGN_H

#include <stddef.h>
#include <time.h>

#include "oss/buf.h"

/* A name/value pair. For query parameters, value NULL or "" means a bare parameter. */
struct oss_kv {
    const char *name;
    const char *value;
};

/* A request as the signature sees it. Names and values are decoded (no %XX). */
struct oss_sign_req {
    const char *method;         /* "GET", "PUT", ... */
    const char *bucket;         /* NULL for service requests (ListBuckets) */
    const char *key;            /* NULL or "" for bucket requests */
    const struct oss_kv *query; /* all query parameters of the URL */
    size_t nquery;
    const struct oss_kv *headers; /* all request headers, any case */
    size_t nheaders;
};

/* True when V1 signs this query parameter name (the union list of oss-api.md 2.4 plus any
 * name starting with "x-oss-"). "accessmonitor" is not one; "continuation-token" is. */
int oss_sign_v1_is_subresource(const char *name);
/* True for the "core" V1 sub-resources of oss-api.md 2.4, the ones nearly all SDKs sign: a
 * subset of the names above (the other newer/SDK-specific names and most "x-oss-" names are
 * not core). A verifier can retry with only these, for clients whose list is shorter than the
 * union. */
int oss_sign_v1_is_core_subresource(const char *name);

/* V1 StringToSign: VERB, Content-MD5, Content-Type, date, canonical x-oss-* headers and the
 * canonical resource. date is the Date line: the x-oss-date/Date header value, or the
 * Expires value for presigned URLs. Appends to out. */
int oss_sign_v1_string(const struct oss_sign_req *r, const char *date, struct oss_buf *out);
/* base64(HMAC-SHA1(secret, sts)) into out (29 bytes with NUL). */
void oss_sign_v1_signature(const char *secret, const char *sts, size_t sts_len, char out[29]);
/* "OSS <akid>:<signature>" for the request, using the x-oss-date or Date header in r. */
int oss_sign_v1_header(const struct oss_sign_req *r, const char *akid, const char *secret,
                       struct oss_buf *out);

/* Presigned V1 URL: the complete query string to put after '?', holding the request's own
 * parameters plus OSSAccessKeyId, Expires (absolute unix seconds), Signature and, with an STS
 * token, security-token; RFC 3986-encoded and sorted by name. Content-Type, Content-MD5 and
 * x-oss-* headers in r are signed, so the final request must carry them. Appends to query;
 * returns 0 or -ENOMEM. */
int oss_sign_v1_presign(const struct oss_sign_req *r, const char *akid, const char *secret,
                        const char *security_token, time_t expires, struct oss_buf *query);

/* V4 canonical request. additional: lower-case header names beyond the default-signed ones,
 * sorted, as they appear in AdditionalHeaders (may be NULL). For presigned URLs the query must
 * already contain the x-oss-* auth parameters; x-oss-signature is skipped. */
int oss_sign_v4_canonical(const struct oss_sign_req *r, const char *const *additional,
                          size_t nadditional, struct oss_buf *out);
/* V4 StringToSign from the canonical request; datetime is "YYYYMMDDTHHMMSSZ". */
int oss_sign_v4_string(const char *datetime, const char *region, const char *product,
                       const char *canonical, size_t canonical_len, struct oss_buf *out);
/* Lower-case hex HMAC-SHA256 signature (65 bytes with NUL); date is "YYYYMMDD". */
void oss_sign_v4_signature(const char *secret, const char *date, const char *region,
                           const char *product, const char *sts, size_t sts_len, char out[65]);
/* "OSS4-HMAC-SHA256 Credential=ak/date/region/product/aliyun_v4_request[,AdditionalHeaders=..],
 * Signature=..." using the x-oss-date header in r (-EINVAL when it is missing or malformed).
 * additional may be given in any case and order: it is normalised as the SDKs do (lower-cased,
 * default-signed and absent names dropped, sorted). product NULL means "oss". */
int oss_sign_v4_header(const struct oss_sign_req *r, const char *akid, const char *secret,
                       const char *region, const char *product, const char *const *additional,
                       size_t nadditional, struct oss_buf *out);

/* Presigned V4 URL: the complete query string to put after '?': the request's own parameters
 * plus x-oss-signature-version, x-oss-date (from now), x-oss-expires (expires_in seconds,
 * 1..604800), x-oss-credential, x-oss-additional-headers when any, x-oss-security-token with a
 * token, all RFC 3986-encoded and sorted by name, then x-oss-signature last. additional are
 * header names to sign beyond the defaults, any case and order; names that are default-signed
 * or absent from r are dropped. product NULL means "oss". Appends to query; returns 0, -EINVAL
 * (expires_in out of range) or -ENOMEM. */
int oss_sign_v4_presign(const struct oss_sign_req *r, const char *akid, const char *secret,
                        const char *security_token, const char *region, const char *product,
                        const char *const *additional, size_t nadditional, time_t now,
                        long expires_in, struct oss_buf *query);

#endif
