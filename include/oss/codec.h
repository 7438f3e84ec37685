/* Encodings the OSS protocol needs: MD5, SHA-1/SHA-256 HMACs, base64, hex, percent-encoding
 * and HTTP/ISO dates. Pure functions on OpenSSL; all thread-safe. */
#ifndef OSS_CODEC_H
#define OSS_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "oss/buf.h"

#define OSS_MD5_LEN 16
#define OSS_SHA256_LEN 32

void oss_md5(const void *data, size_t len, unsigned char out[OSS_MD5_LEN]);
void oss_sha256(const void *data, size_t len, unsigned char out[OSS_SHA256_LEN]);
/* HMAC-SHA1 (20 bytes out) and HMAC-SHA256 (32 bytes out). */
void oss_hmac_sha1(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[20]);
void oss_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32]);

/* Incremental MD5 for streams (uploads, ossemu's PUT). oss_md5_new returns NULL on
 * allocation failure; update and final accept NULL (final then writes zeros). */
struct oss_md5_ctx;
struct oss_md5_ctx *oss_md5_new(void);
void oss_md5_update(struct oss_md5_ctx *c, const void *data, size_t len);
/* Writes the digest and frees the context. */
void oss_md5_final(struct oss_md5_ctx *c, unsigned char out[OSS_MD5_LEN]);

/* Base64 (standard alphabet, padded). Appends to out; returns 0 or -ENOMEM / -EINVAL. */
int oss_base64_encode(const void *data, size_t len, struct oss_buf *out);
int oss_base64_decode(const char *text, size_t len, struct oss_buf *out);
/* Hex of len bytes into out (2*len+1 bytes), lower or upper case. */
void oss_hex(const unsigned char *data, size_t len, int upper, char *out);

/* Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex);
 * with keep_slash, '/' is kept. This is the V4 canonical form and what the client sends. */
int oss_url_encode(const char *s, size_t len, int keep_slash, struct oss_buf *out);
/* Decodes %XX sequences; with plus_is_space, '+' becomes ' '. Returns -EINVAL on a
 * malformed escape. */
int oss_url_decode(const char *s, size_t len, int plus_is_space, struct oss_buf *out);

/* "Wed, 28 Dec 2022 10:27:41 GMT" (locale-independent), 30 bytes with NUL. */
void oss_http_date(time_t t, char out[30]);
/* "20231216T162057Z", 17 bytes with NUL. */
void oss_iso8601_basic(time_t t, char out[17]);
/* "2012-02-24T08:43:07.000Z", 25 bytes with NUL. */
void oss_iso8601_xml(time_t t, char out[25]);
/* Parse the three forms above; return 0 or -EINVAL. */
int oss_parse_http_date(const char *s, time_t *out);
int oss_parse_iso8601(const char *s, time_t *out);

#endif
