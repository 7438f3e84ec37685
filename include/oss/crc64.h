/* CRC-64/XZ ("CRC64 ECMA" in OSS's x-oss-hash-crc64ecma header). Thread-safe. */
#ifndef OSS_CRC64_H
#define OSS_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc over data; start with 0. crc64(A||B) == oss_crc64(oss_crc64(0, A), B). */
uint64_t oss_crc64(uint64_t crc, const void *data, size_t len);
/* crc64(A||B) from crc64(A), crc64(B) and len(B), without the data (zlib's method). */
uint64_t oss_crc64_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

#endif
