/* Unit tests of the store's in-place updates and counts (src/emu/store_append.c,
 * store_stat.c): AppendObject's create/grow with CRC64 continued by combination and its
 * position and type refusals, header replacement that keeps data and ETag, per-class bucket
 * statistics, the per-account bucket count, and settings removed with their bucket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/store.h"
#include "emu_fixture.h"
#include "oss/codec.h"
#include "oss/crc64.h"

static int setup(void **state)
{
    return fixture_setup(state, "test_emu_append");
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

static void make_bucket(struct emu_store *st, const char *name, const char *owner)
{
    assert_int_equal(fixture_bucket(st, name, owner, 1700000000), 0);
}

/* Appends data to bucket/key at pos; returns the store's answer; fills *out and *cur as the store
 * does. */
static int append(struct emu_store *st, const char *key, uint64_t pos, const char *data,
                  struct emu_object *out, uint64_t *cur)
{
    char path[PATH_MAX];
    unsigned char md5[16];
    struct emu_object t = {0};
    fixture_tmp_with(st, data, path, sizeof(path));
    oss_md5(data, strlen(data), md5);
    t.bucket = "bk";
    t.key = (char *)key;
    t.size = strlen(data);
    oss_hex(md5, 16, 1, t.etag);
    t.crc64 = oss_crc64(0, data, strlen(data));
    t.mtime = 1700000001;
    t.content_type = "text/plain";
    strcpy(t.acl, "default");
    t.headers = "{}";
    strcpy(t.storage_class, "IA");
    int rc = emu_store_object_append(st, &t, pos, path, strlen(data), t.crc64, md5, out, cur);
    if (rc != 1)
        unlink(path); /* not consumed */
    return rc;
}

static void read_all(struct emu_store *st, const char *key, char *buf, size_t len)
{
    struct emu_object o;
    int fd;
    assert_int_equal(emu_store_object_open(st, "bk", key, &o, &fd), 0);
    ssize_t n = read(fd, buf, len - 1);
    assert_int_equal((size_t)n, o.size);
    buf[n] = 0;
    close(fd);
    emu_object_cleanup(&o);
}

static void test_append(void **state)
{
    struct fixture *f = *state;
    struct emu_object o;
    uint64_t cur = 99;
    char buf[64], first_etag[72];

    make_bucket(f->st, "bk", "1001");
    assert_int_equal(append(f->st, "log", 5, "x", &o, &cur), -ESPIPE);
    assert_int_equal(cur, 0);
    assert_int_equal(append(f->st, "log", 0, "hello ", &o, &cur), 1);
    assert_string_equal(o.type, "Appendable");
    assert_int_equal(o.size, 6);
    memcpy(first_etag, o.etag, sizeof(first_etag));
    emu_object_cleanup(&o);
    assert_int_equal(append(f->st, "log", 0, "again", &o, &cur), -ESPIPE);
    assert_int_equal(cur, 6);
    assert_int_equal(append(f->st, "log", 6, "world", &o, &cur), 0);
    assert_int_equal(o.size, 11);
    assert_true(o.crc64 == oss_crc64(0, "hello world", 11));
    assert_string_not_equal(o.etag, first_etag);
    assert_string_equal(o.storage_class, "IA");
    emu_object_cleanup(&o);
    read_all(f->st, "log", buf, sizeof(buf));
    assert_string_equal(buf, "hello world");
    assert_int_equal(emu_store_object_get(f->st, "bk", "log", &o), 0);
    assert_true(o.crc64 == oss_crc64(0, "hello world", 11));
    emu_object_cleanup(&o);

    /* an object written otherwise is not appendable */
    char path[PATH_MAX];
    struct emu_object n = {0};
    fixture_tmp_with(f->st, "abc", path, sizeof(path));
    n.bucket = "bk";
    n.key = "normal";
    n.size = 3;
    strcpy(n.type, "Normal");
    n.content_type = "text/plain";
    n.headers = "{}";
    assert_int_equal(emu_store_object_put(f->st, &n, path, 0), 0);
    assert_int_equal(append(f->st, "normal", 3, "d", &o, &cur), -EPERM);
    assert_int_equal(cur, 3);
    read_all(f->st, "normal", buf, sizeof(buf));
    assert_string_equal(buf, "abc");

    /* no bucket */
    struct emu_object t = {.bucket = "nobucket", .key = "k", .headers = "{}"};
    unsigned char md5[16] = {0};
    fixture_tmp_with(f->st, "z", path, sizeof(path));
    assert_int_equal(emu_store_object_append(f->st, &t, 0, path, 1, 0, md5, &o, &cur), -ENOENT);
    unlink(path);

    /* survives a restart */
    emu_store_close(f->st);
    assert_int_equal(emu_store_open(f->dir, &f->st), 0);
    assert_int_equal(append(f->st, "log", 11, "!", &o, &cur), 0);
    emu_object_cleanup(&o);
    read_all(f->st, "log", buf, sizeof(buf));
    assert_string_equal(buf, "hello world!");
}

static void test_headers_stat_count(void **state)
{
    struct fixture *f = *state;
    struct emu_bucket_stat s;
    struct emu_object o, before;
    uint64_t cur;
    struct emu_bucket b;
    char *v;

    make_bucket(f->st, "bk", "1001");
    make_bucket(f->st, "other", "1001");
    make_bucket(f->st, "bobs", "1002");
    assert_int_equal(append(f->st, "a", 0, "12345", &o, &cur), 1);
    emu_object_cleanup(&o);
    assert_int_equal(emu_store_object_get(f->st, "bk", "a", &before), 0);
    assert_int_equal(emu_store_object_set_headers(f->st, "bk", "a", "{\"x-emu-tagging\":{}}"), 0);
    assert_int_equal(emu_store_object_get(f->st, "bk", "a", &o), 0);
    assert_string_equal(o.headers, "{\"x-emu-tagging\":{}}");
    assert_string_equal(o.etag, before.etag);
    assert_int_equal(o.mtime, before.mtime);
    emu_object_cleanup(&o);
    emu_object_cleanup(&before);
    assert_int_equal(emu_store_object_set_headers(f->st, "bk", "missing", "{}"), -ENOENT);

    assert_int_equal(emu_store_bucket_stat(f->st, "bk", &s), 0);
    assert_int_equal(s.objects, 1);
    assert_int_equal(s.bytes, 5);
    assert_int_equal(s.class_objects[1], 1); /* IA */
    assert_int_equal(s.class_bytes[1], 5);
    assert_int_equal(s.class_objects[0], 0);
    assert_true(s.last_modified > 0);
    assert_int_equal(emu_store_bucket_stat(f->st, "other", &s), 0);
    assert_int_equal(s.objects, 0);
    assert_int_equal(s.last_modified, 0);

    /* the per-owner quota is counted with the insert: 1001 owns bk and other */
    struct emu_bucket nb = {.owner = "1001", .acl = "private", .region = "cn-hangzhou"};
    snprintf(nb.name, sizeof(nb.name), "third");
    assert_int_equal(emu_store_bucket_create_within(f->st, &nb, 2), -EDQUOT);
    assert_int_equal(emu_store_bucket_get(f->st, "third", &b), -ENOENT);
    snprintf(nb.owner, sizeof(nb.owner), "1003");
    assert_int_equal(emu_store_bucket_create_within(f->st, &nb, 2), 0);
    assert_int_equal(emu_store_bucket_create_within(f->st, &nb, 2), -EEXIST);

    /* settings go with their bucket */
    assert_int_equal(emu_store_setting_put(f->st, "other", "cors", "<CORSConfiguration/>"), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "other"), 0);
    make_bucket(f->st, "other", "1001");
    assert_int_equal(emu_store_setting_get(f->st, "other", "cors", &v), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers_stat_count, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
