/* Unit tests of ossemu's multipart store (src/emu/store_multipart.c): upload ids, parts as files
 * under DIR/parts with replacement, part listing pages, abort, completion into an object
 * (versioned or not, forbid-overwrite), upload listing with markers, the DeleteBucket guard,
 * and survival of pending uploads and parts across close and reopen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <ctype.h>
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

/* A store holding bucket bk of owner 1001. */
static int setup(void **state)
{
    if (fixture_setup(state, "test_emu_multipart") != 0)
        return -1;
    struct fixture *f = *state;
    return fixture_bucket(f->st, "bk", "1001", 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

static void create(struct emu_store *st, const char *key, char id[40])
{
    struct emu_upload u = {0};
    u.bucket = "bk";
    u.key = (char *)key;
    u.initiated = 1700000000;
    u.content_type = "text/x-test";
    u.headers = "{\"x-oss-meta-m\":\"1\"}";
    strcpy(u.acl, "public-read");
    assert_int_equal(emu_store_upload_create(st, &u), 0);
    strcpy(id, u.upload_id);
}

static int part(struct emu_store *st, const char *id, unsigned n, const char *data)
{
    char path[PATH_MAX];
    struct emu_part p = {0};
    fixture_tmp_with(st, data, path, PATH_MAX);
    p.part_number = n;
    p.size = strlen(data);
    snprintf(p.etag, sizeof(p.etag), "P%u-%s", n, data);
    p.crc64 = n;
    p.mtime = 1700000002;
    int rc = emu_store_part_put(st, id, &p, path);
    if (rc < 0)
        unlink(path);
    return rc;
}

static void test_upload_and_parts(void **state)
{
    struct fixture *f = *state;
    struct emu_upload u, bad = {0};
    struct emu_part *p;
    size_t n;
    int trunc;
    char id[40], buf[32];

    create(f->st, "obj", id);
    assert_int_equal(strlen(id), 32);
    for (const char *c = id; *c; c++)
        assert_true(isxdigit((unsigned char)*c) && !islower((unsigned char)*c));
    bad.bucket = "nope";
    bad.key = "k";
    assert_int_equal(emu_store_upload_create(f->st, &bad), -ENOENT);

    assert_int_equal(emu_store_upload_get(f->st, "bk", id, &u), 0);
    assert_string_equal(u.key, "obj");
    assert_string_equal(u.content_type, "text/x-test");
    assert_string_equal(u.acl, "public-read");
    assert_string_equal(u.headers, "{\"x-oss-meta-m\":\"1\"}");
    assert_string_equal(u.storage_class, "Standard");
    assert_int_equal(u.initiated, 1700000000);
    emu_upload_cleanup(&u);
    assert_int_equal(emu_store_upload_get(f->st, "other", id, &u), -ENOENT);
    assert_int_equal(emu_store_upload_get(f->st, "bk", "0123", &u), -ENOENT);

    assert_int_equal(part(f->st, id, 3, "ccc"), 0);
    assert_int_equal(part(f->st, id, 1, "a"), 0);
    assert_int_equal(part(f->st, id, 2, "bb"), 0);
    assert_int_equal(part(f->st, id, 2, "BBBB"), 0); /* replaces part 2 and its file */
    assert_int_equal(part(f->st, "FFFF", 1, "x"), -ENOENT);
    assert_int_equal(fixture_count_files(f->dir, "parts"), 3);
    assert_int_equal(fixture_count_files(f->dir, "tmp"), 0);

    assert_int_equal(emu_store_part_list(f->st, id, 0, 2, &p, &n, &trunc), 0);
    assert_int_equal(n, 2);
    assert_true(trunc);
    assert_int_equal(p[0].part_number, 1);
    assert_int_equal(p[1].part_number, 2);
    assert_int_equal(p[1].size, 4);
    assert_string_equal(p[1].etag, "P2-BBBB");
    assert_int_equal(p[1].crc64, 2);
    int fd = emu_store_part_open(f->st, &p[1]);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, sizeof(buf)), 4);
    close(fd);
    free(p);
    assert_int_equal(emu_store_part_list(f->st, id, 2, 2, &p, &n, &trunc), 0);
    assert_int_equal(n, 1);
    assert_false(trunc);
    assert_int_equal(p[0].part_number, 3);
    free(p);

    /* Pending uploads keep the bucket. Abort removes parts. */
    assert_int_equal(emu_store_bucket_delete(f->st, "bk"), -ENOTEMPTY);
    uint64_t cnt;
    assert_int_equal(emu_store_upload_count(f->st, "bk", &cnt), 0);
    assert_int_equal(cnt, 1);
    assert_int_equal(emu_store_upload_abort(f->st, "bk", id), 0);
    assert_int_equal(emu_store_upload_abort(f->st, "bk", id), -ENOENT);
    assert_int_equal(fixture_count_files(f->dir, "parts"), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "bk"), 0);
}

static void test_complete(void **state)
{
    struct fixture *f = *state;
    struct emu_object o = {0}, got;
    char id[40], id2[40], path[PATH_MAX];

    create(f->st, "obj", id);
    assert_int_equal(part(f->st, id, 1, "hello "), 0);
    assert_int_equal(part(f->st, id, 2, "world"), 0);
    fixture_tmp_with(f->st, "hello world", path, PATH_MAX);
    o.bucket = "bk";
    o.key = "obj";
    o.size = 11;
    strcpy(o.etag, "ABC-2");
    strcpy(o.type, "Multipart");
    o.content_type = "text/x-test";
    o.headers = "{}";
    assert_int_equal(emu_store_upload_complete(f->st, id, &o, path, 0), 0);
    assert_int_equal(fixture_count_files(f->dir, "parts"), 0);
    assert_int_equal(emu_store_object_get(f->st, "bk", "obj", &got), 0);
    assert_string_equal(got.type, "Multipart");
    assert_string_equal(got.etag, "ABC-2");
    assert_int_equal(got.size, 11);
    emu_object_cleanup(&got);
    /* Gone once completed. */
    fixture_tmp_with(f->st, "x", path, PATH_MAX);
    assert_int_equal(emu_store_upload_complete(f->st, id, &o, path, 0), -ENOENT);
    unlink(path);

    /* forbid-overwrite: refused and the upload stays; versioned: ignored, new version. */
    create(f->st, "obj", id2);
    assert_int_equal(part(f->st, id2, 1, "again"), 0);
    fixture_tmp_with(f->st, "again", path, PATH_MAX);
    assert_int_equal(emu_store_upload_complete(f->st, id2, &o, path, 1), -EEXIST);
    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Enabled"), 0);
    assert_int_equal(emu_store_upload_complete(f->st, id2, &o, path, 1), 0);
    assert_int_equal(strncmp(o.version_id, "CAEQ", 4), 0);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 2);
}

/* Renders an upload listing as "key:n," with n the order of creation, '+' when truncated. */
static void uploads_str(struct emu_store *st, const char *prefix, const char *km, const char *um,
                        size_t max, char ids[][40], int nids, char *out, size_t len)
{
    struct emu_upload *u;
    size_t n;
    int trunc;
    assert_int_equal(emu_store_upload_list(st, "bk", prefix, km, um, max, &u, &n, &trunc), 0);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char one[64];
        int which = -1;
        for (int j = 0; j < nids; j++)
            if (!strcmp(ids[j], u[i].upload_id))
                which = j;
        snprintf(one, sizeof(one), "%s:%d,", u[i].key, which);
        strncat(out, one, len - strlen(out) - 1);
        emu_upload_cleanup(&u[i]);
    }
    free(u);
    if (trunc)
        strncat(out, "+", len - strlen(out) - 1);
}

static void test_list_uploads(void **state)
{
    struct fixture *f = *state;
    char ids[4][40], s[256], exp[256];
    const char *keys[] = {"b", "a/x", "b", "\xc3\xa9"};

    for (int i = 0; i < 4; i++)
        create(f->st, keys[i], ids[i]);
    int lo = strcmp(ids[0], ids[2]) < 0 ? 0 : 2, hi = 2 - lo;
    uploads_str(f->st, NULL, NULL, NULL, 100, ids, 4, s, sizeof(s));
    snprintf(exp, sizeof(exp), "a/x:1,b:%d,b:%d,\xc3\xa9:3,", lo, hi);
    assert_string_equal(s, exp);
    uploads_str(f->st, NULL, NULL, NULL, 2, ids, 4, s, sizeof(s));
    snprintf(exp, sizeof(exp), "a/x:1,b:%d,+", lo);
    assert_string_equal(s, exp);
    /* key-marker alone skips every upload of that key; with upload-id-marker only earlier ids. */
    uploads_str(f->st, NULL, "b", NULL, 100, ids, 4, s, sizeof(s));
    assert_string_equal(s, "\xc3\xa9:3,");
    uploads_str(f->st, NULL, "b", ids[lo], 100, ids, 4, s, sizeof(s));
    snprintf(exp, sizeof(exp), "b:%d,\xc3\xa9:3,", hi);
    assert_string_equal(s, exp);
    uploads_str(f->st, "a/", NULL, NULL, 100, ids, 4, s, sizeof(s));
    assert_string_equal(s, "a/x:1,");
    uploads_str(f->st, "\xc3", NULL, NULL, 100, ids, 4, s, sizeof(s));
    assert_string_equal(s, "\xc3\xa9:3,");
}

static void test_restart(void **state)
{
    struct fixture *f = *state;
    struct emu_upload u;
    struct emu_part *p;
    size_t n;
    int trunc;
    char id[40], buf[16];

    create(f->st, "obj", id);
    assert_int_equal(part(f->st, id, 7, "seven"), 0);
    emu_store_close(f->st);
    f->st = NULL;
    assert_int_equal(emu_store_open(f->dir, &f->st), 0);
    assert_int_equal(emu_store_upload_get(f->st, "bk", id, &u), 0);
    assert_string_equal(u.key, "obj");
    emu_upload_cleanup(&u);
    assert_int_equal(emu_store_part_list(f->st, id, 0, 1000, &p, &n, &trunc), 0);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].part_number, 7);
    int fd = emu_store_part_open(f->st, &p[0]);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "seven", 5);
    close(fd);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upload_and_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_uploads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
