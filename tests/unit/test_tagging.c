/* Tag sets and user metadata names: the x-oss-tagging text form turned into the Tagging
 * document PutObjectTagging sends (limits checked before anything is sent), the document read
 * back into the text form, and the metadata name rule (letters, digits, '-'). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oss/client.h"
#include "oss/parse.h"

static void test_roundtrip(void **state)
{
    (void)state;
    struct oss_buf xml = OSS_BUF_INIT, back = OSS_BUF_INIT;
    assert_int_equal(oss_tagging_xml("a%2Fb=1%2B1%20x&empty=&k", &xml), 0);
    assert_non_null(strstr(oss_buf_str(&xml), "<Tag><Key>a/b</Key><Value>1+1 x</Value></Tag>"));
    assert_non_null(strstr(oss_buf_str(&xml), "<Tag><Key>k</Key><Value></Value></Tag>"));
    assert_int_equal(oss_parse_tagging(xml.data, xml.len, &back), 0);
    assert_string_equal(oss_buf_str(&back), "a%2Fb=1%2B1%20x&empty=&k=");
    oss_buf_cleanup(&xml);
    oss_buf_cleanup(&back);
}

static void test_plus_is_a_plus(void **state)
{
    (void)state;
    struct oss_buf xml = OSS_BUF_INIT;
    assert_int_equal(oss_tagging_xml("a+b=c+d", &xml), 0);
    assert_non_null(strstr(oss_buf_str(&xml), "<Key>a+b</Key><Value>c+d</Value>"));
    oss_buf_cleanup(&xml);
}

static void test_escaping(void **state)
{
    (void)state;
    struct oss_buf xml = OSS_BUF_INIT;
    assert_int_equal(oss_tagging_xml("%3Cx%3E=%26", &xml), 0);
    assert_non_null(strstr(oss_buf_str(&xml), "<Key>&lt;x&gt;</Key><Value>&amp;</Value>"));
    oss_buf_cleanup(&xml);
}

static void test_limits(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",                                              /* empty: delete instead */
        "=v",                                            /* empty key */
        "a=1&a=2",                                       /* duplicate key */
        "a=%zz",                                         /* bad escape */
        "a=%0A",                                         /* control character */
        "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11", /* 11 tags */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct oss_buf xml = OSS_BUF_INIT;
        assert_int_equal(oss_tagging_xml(bad[i], &xml), -EINVAL);
        oss_buf_cleanup(&xml);
    }
    char key[200], val[300];
    struct oss_buf xml = OSS_BUF_INIT;
    memset(key, 'k', 128);
    key[128] = 0;
    memset(val, 'v', 256);
    val[256] = 0;
    char *ok = NULL, *long_key = NULL, *long_val = NULL;
    assert_true(asprintf(&ok, "%s=%s", key, val) > 0);
    assert_true(asprintf(&long_key, "%sk=%s", key, "v") > 0);
    assert_true(asprintf(&long_val, "k=%sv", val) > 0);
    assert_int_equal(oss_tagging_xml(ok, &xml), 0);
    oss_buf_reset(&xml);
    assert_int_equal(oss_tagging_xml(long_key, &xml), -EINVAL);
    oss_buf_reset(&xml);
    assert_int_equal(oss_tagging_xml(long_val, &xml), -EINVAL);
    oss_buf_reset(&xml);
    assert_int_equal(oss_tagging_xml("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10", &xml), 0);
    free(ok);
    free(long_key);
    free(long_val);
    oss_buf_cleanup(&xml);
}

static void test_meta_names(void **state)
{
    (void)state;
    assert_true(oss_meta_name_valid("color"));
    assert_true(oss_meta_name_valid("Content-Owner-2"));
    assert_false(oss_meta_name_valid(""));
    assert_false(oss_meta_name_valid("bad_name"));
    assert_false(oss_meta_name_valid("with space"));
    assert_false(oss_meta_name_valid("dot.ted"));
    assert_false(oss_meta_name_valid("\xe4\xb8\xad"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),  cmocka_unit_test(test_plus_is_a_plus),
        cmocka_unit_test(test_escaping),   cmocka_unit_test(test_limits),
        cmocka_unit_test(test_meta_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
