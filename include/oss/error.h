/* The one error type of the client library: what OSS (or the transport) said, and the errno
 * a filesystem user sees for it (DESIGN.md section 1.2). */
#ifndef OSS_ERROR_H
#define OSS_ERROR_H

#include <stddef.h>

struct oss_error {
    int http_status;     /* 0 when no HTTP answer arrived (transport failure) */
    int err;             /* negative errno, as returned by the failing call */
    char code[64];       /* OSS Code, e.g. "AccessDenied"; "" if none */
    char message[256];   /* OSS Message or transport description */
    char request_id[64]; /* x-oss-request-id / RequestId; "" if none */
    char ec[32];         /* OSS EC, e.g. "0003-00000703"; "" if none */
    /* Which call it was, recorded by the client for every request it sends (also on success):
     * the operation ("GetObjectACL"), bucket and key; "" when not a request (bad arguments). */
    char op[48];
    char bucket[64];
    char key[1024];
};

void oss_error_clear(struct oss_error *e);
/* Maps an OSS error code and HTTP status to a positive errno per DESIGN.md 1.2:
 * AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed -> EACCES;
 * NoSuch{Bucket,Key,Upload,Version} and other NoSuch* -> ENOENT; InvalidArgument, MalformedXML,
 * MalformedPolicy, InvalidBucketName, InvalidObjectName, InvalidDigest -> EINVAL;
 * MethodNotAllowed -> EPERM; BucketNotEmpty -> ENOTEMPTY; BucketAlreadyExists,
 * FileAlreadyExists -> EEXIST; EntityTooLarge -> EFBIG; TooManyBuckets, QuotaExceeded -> EDQUOT;
 * 5xx and unknown codes: by status (403 EACCES, 404 ENOENT, 409 EEXIST, 412/400 EINVAL,
 * 5xx EIO). */
int oss_errno_for(const char *code, int http_status);
/* Fills e from an OSS error body (XML) and the response status/request id header.
 * body may be NULL or not XML (then code is derived from the status). Sets e->err. */
void oss_error_from_response(struct oss_error *e, int http_status, const char *request_id,
                             const char *body, size_t body_len);
/* One line for logs: "AccessDenied (403): <message> [request id X]". Never includes secrets.
 * The operation, bucket and key are not part of it (see oss_error_format_call). */
void oss_error_format(const struct oss_error *e, char *out, size_t outlen);
/* The same, led by the call: "GetObjectACL photos/cat.jpg failed: AccessDenied (403): ...". */
void oss_error_format_call(const struct oss_error *e, char *out, size_t outlen);

#endif
