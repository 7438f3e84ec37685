/* struct oss_buf tests: growth, NUL termination, binary content, formatting, detach. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oss/buf.h"

static void test_empty(void **state)
{
    (void)state;
    struct oss_buf b = OSS_BUF_INIT;
    assert_string_equal(oss_buf_str(&b), "");
    oss_buf_reset(&b);
    assert_int_equal(b.len, 0);
    char *s = oss_buf_detach(&b);
    assert_string_equal(s, "");
    free(s);
    oss_buf_cleanup(&b);
    oss_buf_init(&b);
    assert_null(b.data);
}

static void test_append_and_grow(void **state)
{
    (void)state;
    struct oss_buf b;
    oss_buf_init(&b);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(oss_buf_putc(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(b.data[9999], 'a' + 9999 % 26);
    assert_int_equal(oss_buf_append(&b, "\0x\0", 3), 0);
    assert_int_equal(b.len, 10003);
    assert_memory_equal(b.data + 10000, "\0x\0", 4);
    oss_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(oss_buf_str(&b), "");
    assert_int_equal(oss_buf_puts(&b, "abc"), 0);
    assert_int_equal(oss_buf_append(&b, NULL, 0), 0);
    assert_string_equal(oss_buf_str(&b), "abc");
    /* Appending from the buffer's own storage is safe. */
    assert_int_equal(oss_buf_append(&b, b.data, b.len), 0);
    assert_string_equal(oss_buf_str(&b), "abcabc");
    for (int i = 0; i < 12; i++) /* doubling forces reallocations */
        assert_int_equal(oss_buf_append(&b, b.data, b.len), 0);
    assert_int_equal(b.len, 6 << 12);
    assert_memory_equal(b.data + b.len - 6, "abcabc", 6);
    oss_buf_cleanup(&b);
    assert_null(b.data);
    assert_int_equal(b.len + b.cap, 0);
}

static void test_reserve(void **state)
{
    (void)state;
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_buf_reserve(&b, 1000), 0);
    assert_true(b.cap >= 1001);
    char *p = b.data;
    assert_int_equal(oss_buf_append(&b, "x", 1), 0);
    assert_ptr_equal(b.data, p); /* no reallocation within the reservation */
    assert_int_equal(oss_buf_reserve(&b, SIZE_MAX), -ENOMEM);
    assert_int_equal(oss_buf_append(&b, "y", SIZE_MAX - 1), -ENOMEM);
    assert_string_equal(oss_buf_str(&b), "x"); /* unchanged on failure */
    oss_buf_cleanup(&b);
}

static void test_printf(void **state)
{
    (void)state;
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_buf_printf(&b, "%s=%d", "n", 42), 0);
    assert_string_equal(oss_buf_str(&b), "n=42");
    char big[5000];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(oss_buf_printf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 4 + 2 + 4999);
    assert_int_equal(b.data[5], 'z');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(oss_buf_printf(&b, "%s", ""), 0);
    assert_int_equal(b.len, 4 + 2 + 4999);
    char *s = oss_buf_detach(&b);
    assert_int_equal(strlen(s), 4 + 2 + 4999);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
}

/* setlen truncates and fills; write_at fills a gap and overwrites in place. */
static void test_setlen_write_at(void **state)
{
    (void)state;
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_buf_write_at(&b, 3, "ab", 2, '.'), 0);
    assert_int_equal(b.len, 5);
    assert_string_equal(oss_buf_str(&b), "...ab");
    assert_int_equal(oss_buf_write_at(&b, 1, "XY", 2, '.'), 0);
    assert_string_equal(oss_buf_str(&b), ".XYab");
    assert_int_equal(oss_buf_setlen(&b, 2, 0), 0);
    assert_string_equal(oss_buf_str(&b), ".X");
    assert_int_equal(oss_buf_setlen(&b, 4, ' '), 0);
    assert_memory_equal(b.data, ".X  ", 5); /* NUL-terminated */
    oss_buf_cleanup(&b);
}

/* A buffer with a max refuses to grow past it and stays as it was. */
static void test_max(void **state)
{
    (void)state;
    struct oss_buf b;
    oss_buf_init_max(&b, 4);
    assert_int_equal(oss_buf_append(&b, "abcd", 4), 0);
    assert_int_equal(oss_buf_append(&b, "e", 1), -EFBIG);
    assert_int_equal(oss_buf_write_at(&b, 2, "xyz", 3, 0), -EFBIG);
    assert_string_equal(oss_buf_str(&b), "abcd");
    oss_buf_cleanup(&b);
    assert_int_equal(oss_buf_setlen(&b, 5, 0), -EFBIG); /* the max survives cleanup */
    assert_int_equal(oss_buf_setlen(&b, 4, 'z'), 0);
    assert_string_equal(oss_buf_str(&b), "zzzz");
    oss_buf_cleanup(&b);
}

static void test_array_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(oss_array_grow((void **)&v, &cap, 1, sizeof(*v)), 0);
    assert_int_equal(cap, 16);
    v[15] = 7;
    assert_int_equal(oss_array_grow((void **)&v, &cap, 17, sizeof(*v)), 0);
    assert_int_equal(cap, 32);
    assert_int_equal(v[15], 7);
    assert_int_equal(oss_array_grow((void **)&v, &cap, 20, sizeof(*v)), 0);
    assert_int_equal(cap, 32);
    assert_int_equal(oss_array_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v)), -ENOMEM);
    assert_int_equal(cap, 32);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_append_and_grow),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_setlen_write_at),
        cmocka_unit_test(test_max),
        cmocka_unit_test(test_array_grow),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
