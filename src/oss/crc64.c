/* CRC-64/XZ as OSS reports it in x-oss-hash-crc64ecma (include/oss/crc64.h): carry-less
 * multiplication (PCLMULQDQ) folding where the CPU has it, slicing-by-8 over tables built once
 * otherwise and for the ends, and combination of two CRCs by zlib's GF(2) matrix method.
 *
 * Folding, in the reflected bit order of this CRC (the first bit of the message is the highest
 * power): a 128-bit block whose first half is H and second half is L, followed by D bits, is
 * congruent mod P to H * x^(D+64) + L * x^D placed over the block D bits later. Both products
 * fit in 128 bits when the powers are first reduced mod P, and a carry-less multiply of two
 * reflected 64-bit values yields the reflected product times x, so the constants are
 * x^(D+63) mod P and x^(D-1) mod P, bit-reversed. What is left after the last fold is a 128-bit
 * value that has the same CRC, as a 16-byte message with a zero register, as everything folded
 * into it; the tables finish it and the bytes that do not fill a block. */
#include "oss/crc64.h"

#include <pthread.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define CRC64_CLMUL 1
#endif

#define CRC64_POLY 0xC96C5795D7870F42ULL /* ECMA-182, reflected */

/* Written once under pthread_once, read-only afterwards. */
static uint64_t crc_table[8][256];
static int crc_clmul; /* the CPU multiplies carry-less (PCLMULQDQ) */
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void crc64_init_tables(void)
{
    for (unsigned n = 0; n < 256; n++) {
        uint64_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ CRC64_POLY : c >> 1;
        crc_table[0][n] = c;
    }
    for (unsigned n = 0; n < 256; n++)
        for (int k = 1; k < 8; k++)
            crc_table[k][n] = crc_table[0][crc_table[k - 1][n] & 0xff] ^ (crc_table[k - 1][n] >> 8);
#ifdef CRC64_CLMUL
    unsigned a, b, c, d;
    crc_clmul = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_PCLMUL) && (c & bit_SSE4_1);
#endif
}

/* Continues the (inverted) register reg over p with the tables. */
static uint64_t crc64_tables(uint64_t reg, const unsigned char *p, size_t len)
{
    while (len >= 8) {
        /* Assemble little-endian explicitly: correct on any byte order and alignment. */
        uint64_t w = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
                     (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
                     (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
        reg ^= w;
        reg = crc_table[7][reg & 0xff] ^ crc_table[6][(reg >> 8) & 0xff] ^
              crc_table[5][(reg >> 16) & 0xff] ^ crc_table[4][(reg >> 24) & 0xff] ^
              crc_table[3][(reg >> 32) & 0xff] ^ crc_table[2][(reg >> 40) & 0xff] ^
              crc_table[1][(reg >> 48) & 0xff] ^ crc_table[0][reg >> 56];
        p += 8;
        len -= 8;
    }
    while (len--)
        reg = crc_table[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
    return reg;
}

#ifdef CRC64_CLMUL
/* x^(D+63) mod P (low half) and x^(D-1) mod P (high half), bit-reversed, for a fold over D
 * bits: 128 (one block), 256 and 384 (merging the four lanes), 512 (the four-lane stride).
 * Derived by repeated doubling mod P; the unit test checks them against the tables. */
#define FOLD_CONSTANTS(k63, k1) _mm_set_epi64x((long long)(k1), (long long)(k63))

__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

static inline __m128i load16(const unsigned char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Folds whole 16-byte blocks of p (len >= 64) into the register; *used is how many bytes. */
__attribute__((target("pclmul,sse4.1"))) static uint64_t
crc64_fold(uint64_t reg, const unsigned char *p, size_t len, size_t *used)
{
    const __m128i k128 = FOLD_CONSTANTS(0xe05dd497ca393ae4ULL, 0xdabe95afc7875f40ULL);
    const __m128i k256 = FOLD_CONSTANTS(0x60095b008a9efa44ULL, 0x3be653a30fe1af51ULL);
    const __m128i k384 = FOLD_CONSTANTS(0xb5ea1af9c013aca4ULL, 0x69a35d91c3730254ULL);
    const __m128i k512 = FOLD_CONSTANTS(0x6ae3efbb9dd441f3ULL, 0x081f6054a7842df4ULL);
    const unsigned char *start = p;
    __m128i x0 = _mm_xor_si128(load16(p), _mm_cvtsi64_si128((long long)reg));
    __m128i x1 = load16(p + 16), x2 = load16(p + 32), x3 = load16(p + 48);
    unsigned char last[16];

    for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
        x0 = _mm_xor_si128(fold(x0, k512), load16(p));
        x1 = _mm_xor_si128(fold(x1, k512), load16(p + 16));
        x2 = _mm_xor_si128(fold(x2, k512), load16(p + 32));
        x3 = _mm_xor_si128(fold(x3, k512), load16(p + 48));
    }
    x0 = _mm_xor_si128(_mm_xor_si128(fold(x0, k384), fold(x1, k256)),
                       _mm_xor_si128(fold(x2, k128), x3));
    for (; len >= 16; p += 16, len -= 16)
        x0 = _mm_xor_si128(fold(x0, k128), load16(p));
    _mm_storeu_si128((__m128i *)(void *)last, x0);
    *used = (size_t)(p - start);
    return crc64_tables(0, last, sizeof(last));
}
#endif

uint64_t oss_crc64(uint64_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t reg = ~crc;
    pthread_once(&crc_table_once, crc64_init_tables);
#ifdef CRC64_CLMUL
    if (crc_clmul && len >= 64) {
        size_t used;
        reg = crc64_fold(reg, p, len, &used);
        p += used;
        len -= used;
    }
#endif
    return ~crc64_tables(reg, p, len);
}

/* Multiplies the 64x64 GF(2) matrix mat by vec. */
static uint64_t gf2_times(const uint64_t *mat, uint64_t vec)
{
    uint64_t sum = 0;
    for (; vec; vec >>= 1, mat++)
        if (vec & 1)
            sum ^= *mat;
    return sum;
}

static void gf2_square(uint64_t *square, const uint64_t *mat)
{
    for (int n = 0; n < 64; n++)
        square[n] = gf2_times(mat, mat[n]);
}

/* Applies len_b zero bytes' worth of CRC shifting to crc_a by repeated squaring of the
 * one-zero-bit operator, then folds in crc_b. O(64^2 log len_b). */
uint64_t oss_crc64_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b)
{
    uint64_t even[64], odd[64];
    if (len_b == 0)
        return crc_a;
    odd[0] = CRC64_POLY; /* operator for one zero bit */
    uint64_t row = 1;
    for (int n = 1; n < 64; n++, row <<= 1)
        odd[n] = row;
    gf2_square(even, odd); /* two zero bits */
    gf2_square(odd, even); /* four zero bits */
    do {
        gf2_square(even, odd); /* first pass: one zero byte */
        if (len_b & 1)
            crc_a = gf2_times(even, crc_a);
        len_b >>= 1;
        if (!len_b)
            break;
        gf2_square(odd, even);
        if (len_b & 1)
            crc_a = gf2_times(odd, crc_a);
        len_b >>= 1;
    } while (len_b);
    return crc_a ^ crc_b;
}
