/* Unit tests of ossemu's versioning store (src/emu/store_version*.c): version ids on puts,
 * Suspended "null" versions, delete markers, reads and ACLs by version, permanent deletes
 * that promote the previous version, ListObjectVersions order, markers and prefixes, the
 * DeleteBucket guard and survival of all of it across close and reopen. */
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

/* A store holding bucket bk of owner 1001. */
static int setup(void **state)
{
    if (fixture_setup(state, "test_emu_versions") != 0)
        return -1;
    struct fixture *f = *state;
    return fixture_bucket(f->st, "bk", "1001", 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

/* Stores bk/key with data; the new version id goes to vid (may be NULL). */
static int put(struct emu_store *st, const char *key, const char *data, int forbid, char *vid)
{
    char path[PATH_MAX];
    struct emu_object o = {0};
    fixture_tmp_with(st, data, path, sizeof(path));
    o.bucket = "bk";
    o.key = (char *)key;
    o.size = strlen(data);
    snprintf(o.etag, sizeof(o.etag), "E-%s", data);
    o.mtime = 1700000001;
    o.content_type = "text/plain";
    o.headers = "{}";
    int rc = emu_store_object_put(st, &o, path, forbid);
    if (rc < 0)
        unlink(path);
    if (vid)
        strcpy(vid, o.version_id);
    return rc;
}

/* The bytes of a version (NULL: latest) into buf, or "<dm>" for a delete marker, "<none>". */
static void read_version(struct emu_store *st, const char *key, const char *vid, char *buf,
                         size_t len)
{
    struct emu_object o;
    int fd;
    int rc = emu_store_version_open(st, "bk", key, vid, &o, &fd);
    if (rc == -ENOENT) {
        snprintf(buf, len, "<none>");
        return;
    }
    assert_int_equal(rc, 0);
    if (o.delete_marker) {
        assert_int_equal(fd, -1);
        snprintf(buf, len, "<dm>");
    } else {
        ssize_t n = read(fd, buf, len - 1);
        assert_true(n >= 0);
        buf[n] = 0;
        close(fd);
    }
    emu_object_cleanup(&o);
}

/* Renders a version listing as "key:data-or-dm:L," entries ("key/" for prefixes) plus '+'. */
static void list_str(struct emu_store *st, const char *prefix, const char *delim, const char *km,
                     const char *vm, size_t max, char *out, size_t len,
                     struct emu_list_result *keep)
{
    struct emu_list_result r;
    assert_int_equal(emu_store_list_versions(st, "bk", prefix, delim, km, vm, max, &r), 0);
    out[0] = 0;
    for (size_t i = 0; i < r.n; i++) {
        const struct emu_object *o = &r.entries[i].obj;
        char one[128];
        if (r.entries[i].is_prefix)
            snprintf(one, sizeof(one), "%s,", o->key);
        else
            snprintf(one, sizeof(one), "%s:%s%s,", o->key, o->delete_marker ? "dm" : o->etag + 2,
                     o->is_latest ? ":L" : "");
        strncat(out, one, len - strlen(out) - 1);
    }
    if (r.truncated)
        strncat(out, "+", len - strlen(out) - 1);
    if (keep)
        *keep = r;
    else
        emu_list_result_cleanup(&r);
}

static void test_unversioned(void **state)
{
    struct fixture *f = *state;
    char st[16], vid[72], buf[64];
    struct emu_delete_info info;

    assert_int_equal(emu_store_versioning_get(f->st, "bk", st), 0);
    assert_string_equal(st, "");
    assert_int_equal(emu_store_versioning_get(f->st, "nope", st), -ENOENT);
    assert_int_equal(emu_store_versioning_set(f->st, "bk", "On"), -EINVAL);
    assert_int_equal(emu_store_versioning_set(f->st, "nope", "Enabled"), -ENOENT);
    /* No versioning: no version ids, forbid-overwrite honoured, deletes remove data. */
    assert_int_equal(put(f->st, "k", "one", 0, vid), 0);
    assert_string_equal(vid, "");
    assert_int_equal(put(f->st, "k", "two", 1, NULL), -EEXIST);
    read_version(f->st, "k", "null", buf, sizeof(buf)); /* the only version is "null" */
    assert_string_equal(buf, "one");
    read_version(f->st, "k", "CAEQ0", buf, sizeof(buf));
    assert_string_equal(buf, "<none>");
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", NULL, &info), 0);
    assert_string_equal(info.version_id, "");
    assert_int_equal(info.delete_marker, 0);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 0);
}

static void test_enabled(void **state)
{
    struct fixture *f = *state;
    char v0[72], v1[72], v2[72], buf[64], s[512];
    struct emu_delete_info info;
    struct emu_object o;

    assert_int_equal(put(f->st, "k", "zero", 0, NULL), 0); /* before versioning: "null" */
    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Enabled"), 0);
    assert_int_equal(put(f->st, "k", "one", 1, v1), 0); /* forbid ignored */
    assert_int_equal(strncmp(v1, "CAEQ", 4), 0);
    assert_int_equal(strlen(v1), 36);
    assert_int_equal(put(f->st, "k", "two", 0, v2), 0);
    assert_string_not_equal(v1, v2);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 3);

    /* The plain get sees the latest with its id; every version stays readable. */
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_string_equal(o.etag, "E-two");
    assert_string_equal(o.version_id, v2);
    emu_object_cleanup(&o);
    read_version(f->st, "k", v1, buf, sizeof(buf));
    assert_string_equal(buf, "one");
    read_version(f->st, "k", "null", buf, sizeof(buf));
    assert_string_equal(buf, "zero");
    assert_int_equal(emu_store_version_open(f->st, "bk", "k", v1, &o, NULL), 0);
    assert_false(o.is_latest);
    assert_string_equal(o.version_id, v1);
    emu_object_cleanup(&o);

    /* Per-version ACL. */
    assert_int_equal(emu_store_version_set_acl(f->st, "bk", "k", v1, "public-read"), 0);
    assert_int_equal(emu_store_version_open(f->st, "bk", "k", v1, &o, NULL), 0);
    assert_string_equal(o.acl, "public-read");
    emu_object_cleanup(&o);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_string_equal(o.acl, "default");
    emu_object_cleanup(&o);

    /* Delete without a version: a delete marker; the key vanishes from plain reads. */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", NULL, &info), 0);
    assert_int_equal(info.delete_marker, 1);
    strcpy(v0, info.version_id);
    assert_int_equal(strncmp(v0, "CAEQ", 4), 0);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), -ENOENT);
    assert_int_equal(emu_store_version_open(f->st, "bk", "k", NULL, &o, NULL), 0);
    assert_true(o.delete_marker);
    assert_true(o.is_latest);
    assert_string_equal(o.version_id, v0);
    emu_object_cleanup(&o);
    assert_int_equal(emu_store_version_set_acl(f->st, "bk", "k", v0, "private"), -EISDIR);
    assert_int_equal(emu_store_version_set_acl(f->st, "bk", "k", NULL, "private"), -EISDIR);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 3);
    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "k:dm:L,k:two,k:one,k:zero,");

    /* Removing the marker for good brings "two" back as current. */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", v0, &info), 0);
    assert_int_equal(info.delete_marker, 1);
    assert_string_equal(info.version_id, v0);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_string_equal(o.etag, "E-two");
    emu_object_cleanup(&o);
    /* Removing the current version for good promotes "one" (with its ACL). */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", v2, &info), 0);
    assert_int_equal(info.delete_marker, 0);
    assert_int_equal(emu_store_object_get(f->st, "bk", "k", &o), 0);
    assert_string_equal(o.etag, "E-one");
    assert_string_equal(o.acl, "public-read");
    assert_string_equal(o.version_id, v1);
    emu_object_cleanup(&o);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 2);
    /* An unknown version id is not an error and changes nothing. */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", "CAEQ-nope", &info), 0);
    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "k:one:L,k:zero,");

    /* DeleteBucket refuses while versions are kept. */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", v1, NULL), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "bk"), -ENOTEMPTY);
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", "null", NULL), 0);
    assert_int_equal(fixture_count_files(f->dir, "objects"), 0);
    assert_int_equal(emu_store_bucket_delete(f->st, "bk"), 0);
}

static void test_suspended(void **state)
{
    struct fixture *f = *state;
    char v1[72], vid[72], buf[64], s[512];
    struct emu_delete_info info;

    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Enabled"), 0);
    assert_int_equal(put(f->st, "k", "one", 0, v1), 0);
    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Suspended"), 0);
    assert_int_equal(put(f->st, "k", "two", 1, vid), 0);
    assert_string_equal(vid, "null");
    assert_int_equal(put(f->st, "k", "three", 0, vid), 0); /* replaces the null version */
    assert_string_equal(vid, "null");
    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "k:three:L,k:one,");
    assert_int_equal(fixture_count_files(f->dir, "objects"), 2);
    /* A delete marker with id "null" replaces the null version too. */
    assert_int_equal(emu_store_object_delete_version(f->st, "bk", "k", NULL, &info), 0);
    assert_string_equal(info.version_id, "null");
    assert_int_equal(info.delete_marker, 1);
    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "k:dm:L,k:one,");
    assert_int_equal(fixture_count_files(f->dir, "objects"), 1);
    read_version(f->st, "k", NULL, buf, sizeof(buf));
    assert_string_equal(buf, "<dm>");
    read_version(f->st, "k", v1, buf, sizeof(buf));
    assert_string_equal(buf, "one");
}

static void test_listing(void **state)
{
    struct fixture *f = *state;
    struct emu_list_result r;
    char s[1024], va[72];

    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Enabled"), 0);
    assert_int_equal(put(f->st, "a", "a1", 0, NULL), 0);
    assert_int_equal(put(f->st, "a", "a2", 0, va), 0);
    assert_int_equal(put(f->st, "b/1", "b1", 0, NULL), 0);
    assert_int_equal(put(f->st, "b/2", "b2", 0, NULL), 0);
    assert_int_equal(emu_store_object_delete(f->st, "bk", "b/2"), 0);
    assert_int_equal(put(f->st, "c", "c1", 0, NULL), 0);

    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "a:a2:L,a:a1,b/1:b1:L,b/2:dm:L,b/2:b2,c:c1:L,");
    /* Paging: max counts versions; resume after a version of a key. */
    list_str(f->st, NULL, NULL, NULL, NULL, 1, s, sizeof(s), &r);
    assert_string_equal(s, "a:a2:L,+");
    emu_list_result_cleanup(&r);
    list_str(f->st, NULL, NULL, "a", va, 2, s, sizeof(s), NULL);
    assert_string_equal(s, "a:a1,b/1:b1:L,+");
    /* key-marker alone skips all versions of that key. */
    list_str(f->st, NULL, NULL, "a", NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "b/1:b1:L,b/2:dm:L,b/2:b2,c:c1:L,");
    /* Delimiter and prefix. */
    list_str(f->st, NULL, "/", NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "a:a2:L,a:a1,b/,c:c1:L,");
    list_str(f->st, NULL, "/", "b/", NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "c:c1:L,");
    list_str(f->st, "b/", "/", NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "b/1:b1:L,b/2:dm:L,b/2:b2,");
    list_str(f->st, "b/", NULL, "b/2", NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "");

    /* The plain listing shows only current non-marker versions. */
    struct emu_list_result pl;
    assert_int_equal(emu_store_list(f->st, "bk", NULL, NULL, NULL, 100, &pl), 0);
    assert_int_equal(pl.n, 3);
    assert_string_equal(pl.entries[0].obj.key, "a");
    assert_string_equal(pl.entries[1].obj.key, "b/1");
    assert_string_equal(pl.entries[2].obj.key, "c");
    emu_list_result_cleanup(&pl);
    uint64_t n;
    assert_int_equal(emu_store_version_count(f->st, "bk", &n), 0);
    assert_int_equal(n, 3); /* a1, the marker of b/2, b2 */
}

static void test_restart(void **state)
{
    struct fixture *f = *state;
    char v1[72], buf[64], s[512];

    assert_int_equal(emu_store_versioning_set(f->st, "bk", "Enabled"), 0);
    assert_int_equal(put(f->st, "k", "one", 0, v1), 0);
    assert_int_equal(emu_store_version_set_acl(f->st, "bk", "k", v1, "public-read"), 0);
    assert_int_equal(put(f->st, "k", "two", 0, NULL), 0);
    assert_int_equal(emu_store_object_delete(f->st, "bk", "k"), 0);
    emu_store_close(f->st);
    f->st = NULL;
    assert_int_equal(emu_store_open(f->dir, &f->st), 0);
    list_str(f->st, NULL, NULL, NULL, NULL, 100, s, sizeof(s), NULL);
    assert_string_equal(s, "k:dm:L,k:two,k:one,");
    read_version(f->st, "k", v1, buf, sizeof(buf));
    assert_string_equal(buf, "one");
    struct emu_object o;
    assert_int_equal(emu_store_version_open(f->st, "bk", "k", v1, &o, NULL), 0);
    assert_string_equal(o.acl, "public-read");
    emu_object_cleanup(&o);
    char st[16];
    assert_int_equal(emu_store_versioning_get(f->st, "bk", st), 0);
    assert_string_equal(st, "Enabled");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unversioned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
