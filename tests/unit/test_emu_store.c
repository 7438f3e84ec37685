/* Unit tests of ossemu's store (src/emu/store*.c): buckets, settings, object put/replace/
 * delete with their data files, listings with prefix, delimiter, paging and byte order, and
 * survival of everything across close and reopen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/store.h"
#include "emu_fixture.h"

static int setup(void **state)
{
    return fixture_setup(state, "test_emu_store");
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

static void make_bucket(struct emu_store *st, const char *name, const char *owner)
{
    assert_int_equal(fixture_bucket(st, name, owner, 1700000000), 0);
}

/* Stores bucket/key with data as its bytes; returns emu_store_object_put's result. */
static int put(struct emu_store *st, const char *bucket, const char *key, const char *data,
               int forbid)
{
    char path[PATH_MAX];
    struct emu_object o = {0};
    fixture_tmp_with(st, data, path, sizeof(path));
    o.bucket = (char *)bucket;
    o.key = (char *)key;
    o.size = strlen(data);
    snprintf(o.etag, sizeof(o.etag), "ETAG-%s", data);
    o.crc64 = 18020588380933092773ULL; /* above INT64_MAX: must round-trip */
    o.mtime = 1700000001;
    strcpy(o.type, "Normal");
    o.content_type = "text/plain";
    strcpy(o.acl, "default");
    o.headers = "{\"x-oss-meta-a\":\"1\"}";
    strcpy(o.storage_class, "Standard");
    int rc = emu_store_object_put(st, &o, path, forbid);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* Reads the object's bytes through emu_store_object_open into buf. */
static void read_object(struct emu_store *st, const char *bucket, const char *key, char *buf,
                        size_t len)
{
    struct emu_object o;
    int fd;
    assert_int_equal(emu_store_object_open(st, bucket, key, &o, &fd), 0);
    ssize_t n = read(fd, buf, len - 1);
    assert_true(n >= 0);
    buf[n] = 0;
    assert_int_equal((size_t)n, o.size);
    close(fd);
    emu_object_cleanup(&o);
}

static void test_buckets(void **state)
{
    struct fixture *f = *state;
    struct emu_bucket b, *v;
    size_t n;
    int trunc;

    make_bucket(f->st, "alpha", "1001");
    make_bucket(f->st, "beta", "1001");
    make_bucket(f->st, "gamma", "2002");
    struct emu_bucket dup = {0};
    strcpy(dup.name, "alpha");
    strcpy(dup.owner, "2002");
    assert_int_equal(emu_store_bucket_create(f->st, &dup), -EEXIST);

    assert_int_equal(emu_store_bucket_get(f->st, "alpha", &b), 0);
    assert_string_equal(b.owner, "1001");
    assert_string_equal(b.acl, "private");
    assert_int_equal(b.created, 1700000000);
    assert_int_equal(emu_store_bucket_get(f->st, "nope", &b), -ENOENT);

    assert_int_equal(emu_store_bucket_set_acl(f->st, "alpha", "public-read"), 0);
    assert_int_equal(emu_store_bucket_set_access_monitor(f->st, "alpha", "Enabled"), 0);
    assert_int_equal(emu_store_bucket_set_acl(f->st, "nope", "private"), -ENOENT);
    assert_int_equal(emu_store_bucket_get(f->st, "alpha", &b), 0);
    assert_string_equal(b.acl, "public-read");
    assert_string_equal(b.access_monitor, "Enabled");

    /* Owner filter, paging by marker, prefix. */
    assert_int_equal(emu_store_bucket_list(f->st, "1001", NULL, NULL, 1, &v, &n, &trunc), 0);
    assert_int_equal(n, 1);
    assert_true(trunc);
    assert_string_equal(v[0].name, "alpha");
    free(v);
    assert_int_equal(emu_store_bucket_list(f->st, "1001", NULL, "alpha", 1, &v, &n, &trunc), 0);
    assert_int_equal(n, 1);
    assert_false(trunc);
    assert_string_equal(v[0].name, "beta");
    free(v);
    assert_int_equal(emu_store_bucket_list(f->st, NULL, "g", NULL, 10, &v, &n, &trunc), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "gamma");
    free(v);

    /* Settings. */
    char *val;
    assert_int_equal(emu_store_setting_get(f->st, "alpha", "policy", &val), -ENOENT);
    assert_int_equal(emu_store_setting_put(f->st, "alpha", "policy", "{\"Version\":\"1\"}"), 0);
    assert_int_equal(emu_store_setting_get(f->st, "alpha", "policy", &val), 0);
    assert_string_equal(val, "{\"Version\":\"1\"}");
    free(val);
    assert_int_equal(emu_store_setting_delete(f->st, "alpha", "policy"), 0);
    assert_int_equal(emu_store_setting_get(f->st, "alpha", "policy", &val), -ENOENT);

    /* Delete: not while objects remain; settings go with the bucket. */
    assert_int_equal(put(f->st, "beta", "k", "x", 0), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "beta"), -ENOTEMPTY);
    assert_int_equal(emu_store_object_delete(f->st, "beta", "k"), 0);
    assert_int_equal(emu_store_setting_put(f->st, "beta", "cors", "<x/>"), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "beta"), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "beta"), -ENOENT);
    make_bucket(f->st, "beta", "1001");
    assert_int_equal(emu_store_setting_get(f->st, "beta", "cors", &val), -ENOENT);
}

static void test_objects(void **state)
{
    struct fixture *f = *state;
    struct emu_object o;
    char buf[64];
    uint64_t cnt, bytes;

    make_bucket(f->st, "bk", "1001");
    assert_int_equal(put(f->st, "nobucket", "k", "x", 0), -ENOENT);
    assert_int_equal(put(f->st, "bk", "k", "first", 0), 0);
    read_object(f->st, "bk", "k", buf, sizeof(buf));
    assert_string_equal(buf, "first");
    assert_int_equal(fixture_count_files(f->dir, "objects"), 1);

    /* A reader holding the old file keeps its bytes across a replace. */
    struct emu_object old;
    int oldfd;
    assert_int_equal(emu_store_object_open(f->st, "bk", "k", &old, &oldfd), 0);
    assert_int_equal(put(f->st, "bk", "k", "second!", 0), 0);
    ssize_t n = read(oldfd, buf, sizeof(buf) - 1);
    buf[n < 0 ? 0 : n] = 0;
    assert_string_equal(buf, "first");
    close(oldfd);
    emu_object_cleanup(&old);
    read_object(f->st, "bk", "k", buf, sizeof(buf));
    assert_string_equal(buf, "second!");
    assert_int_equal(fixture_count_files(f->dir, "objects"), 1); /* the old file is gone */

    /* forbid_overwrite: refused, nothing changes. */
    assert_int_equal(put(f->st, "bk", "k", "third", 1), -EEXIST);
    read_object(f->st, "bk", "k", buf, sizeof(buf));
    assert_string_equal(buf, "second!");
    assert_int_equal(put(f->st, "bk", "new", "n", 1), 0);

    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_int_equal(o.size, 7);
    assert_string_equal(o.etag, "ETAG-second!");
    assert_true(o.crc64 == 18020588380933092773ULL);
    assert_int_equal(o.mtime, 1700000001);
    assert_string_equal(o.content_type, "text/plain");
    assert_string_equal(o.acl, "default");
    assert_string_equal(o.headers, "{\"x-oss-meta-a\":\"1\"}");
    emu_object_cleanup(&o);

    assert_int_equal(emu_store_object_set_acl(f->st, "bk", "k", "public-read"), 0);
    assert_int_equal(emu_store_object_set_acl(f->st, "bk", "zz", "public-read"), -ENOENT);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_string_equal(o.acl, "public-read");
    emu_object_cleanup(&o);

    assert_int_equal(emu_store_object_count(f->st, "bk", &cnt, &bytes), 0);
    assert_int_equal(cnt, 2);
    assert_int_equal(bytes, 8);

    assert_int_equal(emu_store_object_delete(f->st, "bk", "k"), 0);
    assert_int_equal(emu_store_object_delete(f->st, "bk", "k"), -ENOENT);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), -ENOENT);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 1);
    assert_int_equal(fixture_count_files(f->dir, "tmp"), 0);
}

/* Lists and renders the page as "a,b/,c" with a trailing '+' when truncated. */
static void list_str(struct emu_store *st, const char *prefix, const char *delim, const char *after,
                     size_t max, char *out, size_t len)
{
    struct emu_list_result r;
    assert_int_equal(emu_store_list(st, "bk", prefix, delim, after, max, &r), 0);
    out[0] = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (i)
            strncat(out, ",", len - strlen(out) - 1);
        strncat(out, r.entries[i].obj.key, len - strlen(out) - 1);
        if (!r.entries[i].is_prefix)
            assert_int_equal(r.entries[i].obj.size, 1);
    }
    if (r.truncated)
        strncat(out, "+", len - strlen(out) - 1);
    emu_list_result_cleanup(&r);
}

static void test_listing(void **state)
{
    struct fixture *f = *state;
    static const char *const keys[] = {"a",   "b/1", "b/2", "b/c/3", "c",  "d/",
                                       "d/x", "A",   "a-",  "a/",    "a0", "\xc3\xa9"};
    char s[512];

    make_bucket(f->st, "bk", "1001");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_int_equal(put(f->st, "bk", keys[i], "x", 0), 0);

    /* Byte order, no delimiter, paging by the last key. */
    list_str(f->st, NULL, NULL, NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "A,a,a-,a/,a0,b/1,b/2,b/c/3,c,d/,d/x,\xc3\xa9");
    list_str(f->st, NULL, NULL, NULL, 5, s, sizeof(s));
    assert_string_equal(s, "A,a,a-,a/,a0+");
    list_str(f->st, NULL, NULL, "a0", 5, s, sizeof(s));
    assert_string_equal(s, "b/1,b/2,b/c/3,c,d/+");
    list_str(f->st, NULL, NULL, "d/", 5, s, sizeof(s));
    assert_string_equal(s, "d/x,\xc3\xa9");

    /* Delimiter: common prefixes count as one entry and are not repeated on the next page. */
    list_str(f->st, NULL, "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "A,a,a-,a/,a0,b/,c,d/,\xc3\xa9");
    list_str(f->st, NULL, "/", NULL, 6, s, sizeof(s));
    assert_string_equal(s, "A,a,a-,a/,a0,b/+");
    list_str(f->st, NULL, "/", "b/", 2, s, sizeof(s));
    assert_string_equal(s, "c,d/+");
    list_str(f->st, NULL, "/", "d/", 2, s, sizeof(s));
    assert_string_equal(s, "\xc3\xa9");
    /* Exactly max entries left: not truncated. */
    list_str(f->st, NULL, "/", "c", 2, s, sizeof(s));
    assert_string_equal(s, "d/,\xc3\xa9");

    /* Prefix with delimiter: the directory view. */
    list_str(f->st, "b/", "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "b/1,b/2,b/c/");
    list_str(f->st, "d/", "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "d/,d/x");
    list_str(f->st, "b/c/", "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "b/c/3");
    list_str(f->st, "zz", "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "");
    list_str(f->st, "a", "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "a,a-,a/,a0");
    /* A multi-character delimiter. */
    list_str(f->st, NULL, "/c/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "A,a,a-,a/,a0,b/1,b/2,b/c/,c,d/,d/x,\xc3\xa9");
    /* start point inside a common prefix: the prefix is not returned again. */
    list_str(f->st, NULL, "/", "b/1", 1000, s, sizeof(s));
    assert_string_equal(s, "c,d/,\xc3\xa9");
    /* A start point before the prefix, inside it, and past it. */
    list_str(f->st, "b/", NULL, "a", 1000, s, sizeof(s));
    assert_string_equal(s, "b/1,b/2,b/c/3");
    list_str(f->st, "b/", NULL, "b/1", 1000, s, sizeof(s));
    assert_string_equal(s, "b/2,b/c/3");
    list_str(f->st, "b/", "/", "b/2", 1000, s, sizeof(s));
    assert_string_equal(s, "b/c/");
    list_str(f->st, "b/", NULL, "b/c/3", 1000, s, sizeof(s));
    assert_string_equal(s, "");
    list_str(f->st, "b/", NULL, "c", 1000, s, sizeof(s));
    assert_string_equal(s, "");
}

static void test_restart(void **state)
{
    struct fixture *f = *state;
    struct emu_bucket b;
    char buf[64], s[128];

    make_bucket(f->st, "bk", "1001");
    assert_int_equal(emu_store_bucket_set_acl(f->st, "bk", "public-read-write"), 0);
    assert_int_equal(put(f->st, "bk", "dir/one", "1", 0), 0);
    assert_int_equal(put(f->st, "bk", "two", "2", 0), 0);
    assert_int_equal(emu_store_setting_put(f->st, "bk", "versioning", "Enabled"), 0);
    /* A leftover upload in tmp is cleared on open. */
    char path[PATH_MAX];
    int fd = emu_store_tmp_create(f->st, path, sizeof(path));
    assert_true(fd >= 0);
    close(fd);

    emu_store_close(f->st);
    f->st = NULL;
    assert_int_equal(emu_store_open(f->dir, &f->st), 0);

    assert_int_equal(fixture_count_files(f->dir, "tmp"), 0);
    assert_int_equal(emu_store_bucket_get(f->st, "bk", &b), 0);
    assert_string_equal(b.acl, "public-read-write");
    assert_string_equal(b.owner, "1001");
    read_object(f->st, "bk", "dir/one", buf, sizeof(buf));
    assert_string_equal(buf, "1");
    read_object(f->st, "bk", "two", buf, sizeof(buf));
    assert_string_equal(buf, "2");
    list_str(f->st, NULL, "/", NULL, 1000, s, sizeof(s));
    assert_string_equal(s, "dir/,two");
    char *val;
    assert_int_equal(emu_store_setting_get(f->st, "bk", "versioning", &val), 0);
    assert_string_equal(val, "Enabled");
    free(val);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_buckets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
