/* Helpers shared by the V1 (auth.c) and V4 (auth_v4.c) verifiers. Private to src/emu. Each
 * function that fails fills resp with the OSS error answer and returns -EACCES (403) or
 * -EINVAL (400). */
#ifndef EMU_AUTH_PRIV_H
#define EMU_AUTH_PRIV_H

#include <time.h>

#include "emu/emu.h"

#define MAX_SKEW     900 /* seconds, as real OSS (15 minutes) */
#define V4_ALGORITHM "OSS4-HMAC-SHA256"

/* The request as the signer sees it (pointers borrowed from req). */
struct oss_sign_req emu_auth_sign_req(const struct emu_req *req);
/* 400 InvalidArgument with msg. */
int emu_auth_bad_argument(const struct emu_req *req, struct emu_resp *resp, const char *msg);
/* 403 with code and msg. */
int emu_auth_denied(const struct emu_req *req, struct emu_resp *resp, const char *code,
                    const char *msg);
/* Looks up akid (403 InvalidAccessKeyId when unknown); sets req->who.akid for the log. */
int emu_auth_find_key(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      const char *akid, struct emu_key_info *k);
/* Makes the key's owner the request's principal. */
void emu_auth_accept_key(struct emu_req *req, const struct emu_key_info *k);
/* 403 RequestTimeTooSkewed unless t is within MAX_SKEW of now. */
int emu_auth_check_skew(struct emu_req *req, struct emu_resp *resp, time_t t, time_t now);
/* 403 SignatureDoesNotMatch with StringToSign(+Bytes), CanonicalRequest (V4, may be NULL),
 * SignatureProvided and OSSAccessKeyId, as real OSS. */
int emu_auth_mismatch(struct emu_req *req, struct emu_resp *resp, const char *akid,
                      const char *provided, const struct oss_buf *sts, const char *canonical);

/* V4 header and presigned-URL verification (auth_v4.c). */
int emu_auth_v4_header(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *authz);
int emu_auth_v4_query(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp);

#endif
