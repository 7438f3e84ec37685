/* CRC-64/XZ tests: the vectors of oss-api.md 4.5, incremental use, agreement with a bitwise
 * reference across alignments and lengths, and combine against direct computation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oss/crc64.h"

/* Bit-at-a-time reference straight from the definition (reflected ECMA-182). */
static uint64_t crc64_ref(uint64_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xC96C5795D7870F42ULL : crc >> 1;
    }
    return ~crc;
}

/* Deterministic pseudo-random bytes (xorshift64), so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_vectors(void **state)
{
    (void)state;
    assert_true(oss_crc64(0, "123456789", 9) == 0x995dc9bbdf1939faULL);
    assert_true(oss_crc64(0, "123456789", 9) == 11051210869376104954ULL);
    const char *ebs = "This is a test of the emergency broadcast system.";
    assert_true(oss_crc64(0, ebs, strlen(ebs)) == 0x27db187fc15bbc72ULL);
    assert_true(oss_crc64(0, ebs, strlen(ebs)) == 2871916124362751090ULL);
    assert_true(oss_crc64(0, "", 0) == 0);
    assert_true(oss_crc64(0, NULL, 0) == 0);
    /* A zero-length update leaves any CRC unchanged. */
    assert_true(oss_crc64(0x995dc9bbdf1939faULL, "", 0) == 0x995dc9bbdf1939faULL);
}

static void test_incremental(void **state)
{
    (void)state;
    const char *s = "123456789";
    for (size_t cut = 0; cut <= 9; cut++) {
        uint64_t c = oss_crc64(oss_crc64(0, s, cut), s + cut, 9 - cut);
        assert_true(c == 0x995dc9bbdf1939faULL);
    }
}

/* Against the reference at every alignment, and at every length that reaches each part of
 * oss_crc64: the tables alone (under 64 bytes), the four-lane fold, the one-block fold after it
 * and the table tail (up to 300 bytes), and long runs with a running CRC. Where the CPU has
 * PCLMULQDQ the fold is what runs for 64 bytes and more; elsewhere the tables do. */
static void test_against_reference(void **state)
{
    (void)state;
    static unsigned char buf[65536 + 16];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)rnd();
    for (size_t off = 0; off < 16; off++)
        for (size_t len = 0; len <= 300; len++)
            assert_true(oss_crc64(0, buf + off, len) == crc64_ref(0, buf + off, len));
    assert_true(oss_crc64(0, buf + 3, 4096) == crc64_ref(0, buf + 3, 4096));
    assert_true(oss_crc64(12345, buf, 4096) == crc64_ref(12345, buf, 4096));
    uint64_t whole = crc64_ref(0, buf + 5, 65536);
    assert_true(oss_crc64(0, buf + 5, 65536) == whole);
    /* The same bytes in uneven pieces: each piece starts from the running CRC. */
    uint64_t c = 0;
    for (size_t at = 0, step = 1; at < 65536; at += step, step = step * 3 % 997 + 1)
        c = oss_crc64(c, buf + 5 + at, at + step <= 65536 ? step : 65536 - at);
    assert_true(c == whole);
}

static void test_combine(void **state)
{
    (void)state;
    size_t size = 1 << 20;
    unsigned char *buf = malloc(size);
    assert_non_null(buf);
    for (size_t i = 0; i < size; i++)
        buf[i] = (unsigned char)rnd();
    for (int round = 0; round < 200; round++) {
        size_t total = round < 100 ? rnd() % 300 : rnd() % size;
        size_t split = total ? rnd() % (total + 1) : 0;
        uint64_t a = oss_crc64(0, buf, split), b = oss_crc64(0, buf + split, total - split);
        assert_true(oss_crc64_combine(a, b, total - split) == oss_crc64(0, buf, total));
    }
    /* Edge splits and the empty right side. */
    uint64_t whole = oss_crc64(0, buf, 1000);
    assert_true(oss_crc64_combine(oss_crc64(0, buf, 1000), 0, 0) == whole);
    assert_true(oss_crc64_combine(0, whole, 1000) == whole);
    /* Multipart: the object CRC from three parts' CRCs, as CompleteMultipartUpload reports. */
    uint64_t p1 = oss_crc64(0, buf, 300000), p2 = oss_crc64(0, buf + 300000, 300000),
             p3 = oss_crc64(0, buf + 600000, size - 600000);
    uint64_t c = oss_crc64_combine(oss_crc64_combine(p1, p2, 300000), p3, size - 600000);
    assert_true(c == oss_crc64(0, buf, size));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_combine),
    };
    return cmocka_run_group_tests_name("crc64", tests, NULL, NULL);
}
