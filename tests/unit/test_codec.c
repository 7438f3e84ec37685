/* Codec tests: digests and HMACs against published values, base64 round trips and rejection of
 * invalid input, percent-encoding both ways, and the three date forms in both directions. */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oss/codec.h"

static void assert_hex(const unsigned char *d, size_t n, int upper, const char *want)
{
    char hex[129];
    oss_hex(d, n, upper, hex);
    assert_string_equal(hex, want);
}

static void test_digests(void **state)
{
    (void)state;
    unsigned char md5[OSS_MD5_LEN], sha[OSS_SHA256_LEN], mac1[20], mac256[32];
    struct oss_buf b = OSS_BUF_INIT;

    /* Content-MD5 of "0123456789" (oss-api.md 2.6). */
    oss_md5("0123456789", 10, md5);
    assert_hex(md5, sizeof(md5), 1, "781E5E245D69B566979B86E28D23F2C7");
    assert_int_equal(oss_base64_encode(md5, sizeof(md5), &b), 0);
    assert_string_equal(oss_buf_str(&b), "eB5eJF1ptWaXm4bijSPyxw==");

    oss_sha256("", 0, sha);
    assert_hex(sha, sizeof(sha), 0,
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* RFC 2202 / RFC 4231 test case 2. */
    oss_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, mac1);
    assert_hex(mac1, sizeof(mac1), 0, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    oss_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac256);
    assert_hex(mac256, sizeof(mac256), 0,
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    /* Streaming MD5 equals one-shot MD5 whatever the chunking. */
    struct oss_md5_ctx *c = oss_md5_new();
    assert_non_null(c);
    oss_md5_update(c, "0123", 4);
    oss_md5_update(c, "", 0);
    oss_md5_update(c, "456789", 6);
    unsigned char md5b[OSS_MD5_LEN];
    oss_md5_final(c, md5b);
    assert_memory_equal(md5, md5b, OSS_MD5_LEN);
    oss_buf_cleanup(&b);
}

static void assert_b64_round_trip(const char *raw, size_t n, const char *enc)
{
    struct oss_buf e = OSS_BUF_INIT, d = OSS_BUF_INIT;
    assert_int_equal(oss_base64_encode(raw, n, &e), 0);
    assert_string_equal(oss_buf_str(&e), enc);
    assert_int_equal(oss_base64_decode(e.data, e.len, &d), 0);
    assert_int_equal(d.len, n);
    if (n)
        assert_memory_equal(d.data, raw, n);
    oss_buf_cleanup(&e);
    oss_buf_cleanup(&d);
}

static void test_base64(void **state)
{
    (void)state;
    /* RFC 4648 section 10. */
    assert_b64_round_trip("", 0, "");
    assert_b64_round_trip("f", 1, "Zg==");
    assert_b64_round_trip("fo", 2, "Zm8=");
    assert_b64_round_trip("foo", 3, "Zm9v");
    assert_b64_round_trip("foob", 4, "Zm9vYg==");
    assert_b64_round_trip("fooba", 5, "Zm9vYmE=");
    assert_b64_round_trip("foobar", 6, "Zm9vYmFy");
    assert_b64_round_trip("\xff\xfe\x00\x01\xfb", 5, "//4AAfs=");

    /* Every byte value survives. */
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    struct oss_buf e = OSS_BUF_INIT, d = OSS_BUF_INIT;
    assert_int_equal(oss_base64_encode(all, sizeof(all), &e), 0);
    assert_int_equal(oss_base64_decode(e.data, e.len, &d), 0);
    assert_int_equal(d.len, 256);
    assert_memory_equal(d.data, all, 256);

    /* Invalid input is refused and leaves out unchanged (appending keeps what was there). */
    static const char *const bad[] = {"Zg=",  "Zg",   "Z===", "Zm9v!A==", "Zg==Zg==", "Zm9v\n",
                                      "=Zg=", "Zh==", "Zm9=", "Zm-v",     "Zm_v",     "Zg=a"};
    oss_buf_reset(&d);
    assert_int_equal(oss_buf_puts(&d, "keep"), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (oss_base64_decode(bad[i], strlen(bad[i]), &d) != -EINVAL)
            fail_msg("accepted invalid base64 '%s'", bad[i]);
        assert_string_equal(oss_buf_str(&d), "keep");
    }
    /* Appends after existing content. */
    assert_int_equal(oss_base64_decode("Zm9v", 4, &d), 0);
    assert_string_equal(oss_buf_str(&d), "keepfoo");
    oss_buf_cleanup(&e);
    oss_buf_cleanup(&d);
}

static void assert_encode(const char *s, int keep_slash, const char *want)
{
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_url_encode(s, strlen(s), keep_slash, &b), 0);
    assert_string_equal(oss_buf_str(&b), want);
    oss_buf_cleanup(&b);
}

static void assert_decode(const char *s, int plus, const char *want)
{
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_url_decode(s, strlen(s), plus, &b), 0);
    assert_string_equal(oss_buf_str(&b), want);
    oss_buf_cleanup(&b);
}

static void test_url(void **state)
{
    (void)state;
    assert_encode("", 0, "");
    assert_encode("AZaz09-_.~", 0, "AZaz09-_.~");
    assert_encode("1234+-/123/1.txt", 1, "1234%2B-/123/1.txt");
    assert_encode("1234+-/123/1.txt", 0, "1234%2B-%2F123%2F1.txt");
    assert_encode("a b;c=d&e?f#g%h*i'j!k", 0, "a%20b%3Bc%3Dd%26e%3Ff%23g%25h%2Ai%27j%21k");
    assert_encode("\xc3\xa9\x01\x7f\xff", 0, "%C3%A9%01%7F%FF");

    assert_decode("1234%2B-%2F123%2f1.txt", 0, "1234+-/123/1.txt");
    assert_decode("a+b%20c", 0, "a+b c");
    assert_decode("a+b%20c", 1, "a b c");
    assert_decode("%C3%A9", 0, "\xc3\xa9");
    assert_decode("", 0, "");

    /* Embedded NUL decodes as data: the length tells. */
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_url_decode("a%00b", 5, 0, &b), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);

    /* Malformed escapes are refused and leave out unchanged. */
    static const char *const bad[] = {"%", "%2", "a%2", "%G0", "%0g", "%%41"};
    oss_buf_reset(&b);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (oss_url_decode(bad[i], strlen(bad[i]), 0, &b) != -EINVAL)
            fail_msg("accepted malformed escape '%s'", bad[i]);
        assert_int_equal(b.len, 0);
    }
    /* Only len bytes are read: a '%' cut off by len is malformed. */
    assert_int_equal(oss_url_decode("ab%41", 3, 0, &b), -EINVAL);
    assert_int_equal(oss_url_decode("ab%41", 2, 0, &b), 0);
    assert_string_equal(oss_buf_str(&b), "ab");
    oss_buf_cleanup(&b);

    /* Round trip of every byte. */
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    struct oss_buf e = OSS_BUF_INIT, d = OSS_BUF_INIT;
    assert_int_equal(oss_url_encode(all, 256, 0, &e), 0);
    assert_int_equal(oss_url_decode(e.data, e.len, 0, &d), 0);
    assert_int_equal(d.len, 256);
    assert_memory_equal(d.data, all, 256);
    oss_buf_cleanup(&e);
    oss_buf_cleanup(&d);
}

static void test_dates_format(void **state)
{
    (void)state;
    char http[30], basic[17], xml[25];
    /* A locale with other day and month names must not leak in. */
    setlocale(LC_ALL, "de_DE.UTF-8");
    oss_http_date(1672223261, http);
    assert_string_equal(http, "Wed, 28 Dec 2022 10:27:41 GMT");
    oss_http_date(1449313829, http);
    assert_string_equal(http, "Sat, 05 Dec 2015 11:10:29 GMT");
    oss_http_date(0, http);
    assert_string_equal(http, "Thu, 01 Jan 1970 00:00:00 GMT");
    oss_iso8601_basic(1702743657, basic);
    assert_string_equal(basic, "20231216T162057Z");
    oss_iso8601_xml(1330072987, xml);
    assert_string_equal(xml, "2012-02-24T08:43:07.000Z");
    oss_iso8601_xml(951782400, xml); /* leap day 2000 */
    assert_string_equal(xml, "2000-02-29T00:00:00.000Z");
    setlocale(LC_ALL, "C");
}

static void test_dates_parse(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(oss_parse_http_date("Wed, 28 Dec 2022 10:27:41 GMT", &t), 0);
    assert_int_equal((long long)t, 1672223261);
    assert_int_equal(oss_parse_http_date("Sat, 05 Dec 2015 11:10:29 GMT", &t), 0);
    assert_int_equal((long long)t, 1449313829);
    assert_int_equal(oss_parse_iso8601("20231216T162057Z", &t), 0);
    assert_int_equal((long long)t, 1702743657);
    assert_int_equal(oss_parse_iso8601("2012-02-24T08:43:07.000Z", &t), 0);
    assert_int_equal((long long)t, 1330072987);
    assert_int_equal(oss_parse_iso8601("2012-02-24T08:43:07Z", &t), 0);
    assert_int_equal((long long)t, 1330072987);
    assert_int_equal(oss_parse_iso8601("2000-02-29T00:00:00.123456Z", &t), 0);
    assert_int_equal((long long)t, 951782400);

    /* Round trips over a spread of times. */
    for (long long v = 0; v < 4102444800LL; v += 86400LL * 37 + 3671) {
        char http[30], basic[17], xml[25];
        oss_http_date((time_t)v, http);
        oss_iso8601_basic((time_t)v, basic);
        oss_iso8601_xml((time_t)v, xml);
        assert_int_equal(oss_parse_http_date(http, &t), 0);
        assert_int_equal((long long)t, v);
        assert_int_equal(oss_parse_iso8601(basic, &t), 0);
        assert_int_equal((long long)t, v);
        assert_int_equal(oss_parse_iso8601(xml, &t), 0);
        assert_int_equal((long long)t, v);
    }

    static const char *const bad_http[] = {"",
                                           "Wed, 28 Dec 2022 10:27:41",
                                           "Wed, 28 Dec 2022 10:27:41 UTC",
                                           "Wed, 8 Dec 2022 10:27:41 GMT",
                                           "Xyz, 28 Dec 2022 10:27:41 GMT",
                                           "Wed, 28 Foo 2022 10:27:41 GMT",
                                           "Wed, 32 Dec 2022 10:27:41 GMT",
                                           "Wed, 28 Dec 2022 24:27:41 GMT",
                                           "Wed, 28 Dec 2022 10:27:41 GMT ",
                                           "Thu, 29 Feb 2023 00:00:00 GMT",
                                           "Wednesday, 28-Dec-22 10:27:41 GMT"};
    for (size_t i = 0; i < sizeof(bad_http) / sizeof(bad_http[0]); i++)
        if (oss_parse_http_date(bad_http[i], &t) != -EINVAL)
            fail_msg("accepted bad HTTP date '%s'", bad_http[i]);
    static const char *const bad_iso[] = {"",
                                          "20231216T162057",
                                          "20231216 162057Z",
                                          "2023-12-16T16:20:57",
                                          "2023-12-16T16:20:57.Z",
                                          "2023-13-16T16:20:57Z",
                                          "20231216T166057Z",
                                          "2023-12-16T16:20:57.000Zx",
                                          "2023-12-1616:20:57Z",
                                          "2023121T162057Z"};
    for (size_t i = 0; i < sizeof(bad_iso) / sizeof(bad_iso[0]); i++)
        if (oss_parse_iso8601(bad_iso[i], &t) != -EINVAL)
            fail_msg("accepted bad ISO 8601 date '%s'", bad_iso[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digests),     cmocka_unit_test(test_base64),
        cmocka_unit_test(test_url),         cmocka_unit_test(test_dates_format),
        cmocka_unit_test(test_dates_parse),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
