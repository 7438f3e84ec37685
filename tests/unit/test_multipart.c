/* Multipart helpers of the client: the CompleteMultipartUpload body (ascending part numbers,
 * quoted ETags, refusals) and the combined CRC64 that Complete is checked against. The reply
 * parsers run on the initiatemp-/completemp- cases of tests/data/xml (test_xml.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oss/crc64.h"
#include "oss/parse.h"

static void test_complete_body(void **state)
{
    (void)state;
    struct oss_part parts[2] = {{.number = 1, .etag = "3858F62230AC3C915F300C664312C11F"},
                                {.number = 3, .etag = "0CC175B9C0F1B6A831C399E269772661"}};
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_multipart_complete_body(parts, 2, &b), 0);
    assert_string_equal(oss_buf_str(&b),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<CompleteMultipartUpload>"
                        "<Part><PartNumber>1</PartNumber>"
                        "<ETag>&quot;3858F62230AC3C915F300C664312C11F&quot;</ETag></Part>"
                        "<Part><PartNumber>3</PartNumber>"
                        "<ETag>&quot;0CC175B9C0F1B6A831C399E269772661&quot;</ETag></Part>"
                        "</CompleteMultipartUpload>");
    oss_buf_cleanup(&b);
}

static void test_complete_body_refuses_bad_order(void **state)
{
    (void)state;
    struct oss_part parts[2] = {{.number = 2, .etag = "A"}, {.number = 2, .etag = "B"}};
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_multipart_complete_body(parts, 2, &b), -EINVAL);
    parts[0].number = 0;
    assert_int_equal(oss_multipart_complete_body(parts, 1, &b), -EINVAL);
    parts[0].number = 10001;
    assert_int_equal(oss_multipart_complete_body(parts, 1, &b), -EINVAL);
    assert_int_equal(b.len, 0);
    oss_buf_cleanup(&b);
}

/* The parts' CRCs combined in order equal the CRC of the whole object. */
static void test_combined_crc(void **state)
{
    (void)state;
    static char data[300000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 131 + 7);
    uint64_t whole = oss_crc64(0, data, sizeof data), crc = 0;
    size_t cuts[] = {0, 102400, 204800, sizeof data};
    for (int i = 0; i < 3; i++) {
        size_t len = cuts[i + 1] - cuts[i];
        crc = oss_crc64_combine(crc, oss_crc64(0, data + cuts[i], len), len);
    }
    assert_true(crc == whole);
    /* The published vector: "123456789" split in two. */
    assert_true(oss_crc64_combine(oss_crc64(0, "1234", 4), oss_crc64(0, "56789", 5), 5) ==
                0x995dc9bbdf1939faULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_body),
        cmocka_unit_test(test_complete_body_refuses_bad_order),
        cmocka_unit_test(test_combined_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
