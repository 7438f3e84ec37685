/* Helpers shared by the V1 (sign.c) and V4 (sign_v4.c) signers: header lookup, canonical
 * header lists and sorted, percent-encoded query strings. Private to src/oss. */
#ifndef OSS_SIGN_PRIV_H
#define OSS_SIGN_PRIV_H

#include "oss/sign.h"

/* ASCII-only, locale-independent case folding and comparison. */
char oss_sign_lower(char c);
int oss_sign_casecmp(const char *a, const char *b);

/* Appends the value of header lname (any case in r), trimmed, repeated values joined with ",".
 * Returns 1 if present, 0 if absent, -ENOMEM. */
int oss_sign_header(const struct oss_sign_req *r, const char *lname, struct oss_buf *out);

/* Appends "name:value\n" for every header accept() takes, lower-cased, trimmed, sorted by name
 * (byte order), repeated names merged with ",". Returns 0 or -ENOMEM. */
int oss_sign_canonical_headers(const struct oss_sign_req *r,
                               int (*accept)(const char *lname, void *arg), void *arg,
                               struct oss_buf *out);

/* Appends the pairs of a and b (either may be empty), skipping names equal to skip (may be
 * NULL), RFC 3986-encoded, sorted by encoded name then value, joined with "&"; an empty or
 * NULL value gives a bare name. Returns 0 or -ENOMEM. */
int oss_sign_encoded_query(const struct oss_kv *a, size_t na, const struct oss_kv *b, size_t nb,
                           const char *skip, struct oss_buf *out);

#endif
