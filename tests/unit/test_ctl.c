/* Unit tests of the control-file module: the table, every parser case under tests/data/ctl
 * (walked as data, see its README), prefix and size properties, and the audit log. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "ctl/ctl.h"

static const char *data_dir(void)
{
    const char *d = getenv("OSS_TEST_DATA");

    return d ? d : "tests/data";
}

static const struct ctl_entry *entry_for_dir(const char *dir)
{
    char name[300];

    if (strcmp(dir, "acl.d") == 0)
        return ctl_object_acl_entry();
    snprintf(name, sizeof(name), ".%s", dir);
    return ctl_bucket_entry(name);
}

/* Reads a whole file into a malloc'ed buffer; fails the test if it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static const char *kind_name(enum ctl_parse r)
{
    return r == CTL_VALID ? "valid" : r == CTL_INCOMPLETE ? "incomplete" : "invalid";
}

/* Checks one case file; returns 1 when it passed (and prints why not otherwise). */
static int run_case(const struct ctl_entry *e, const char *path, const char *kind)
{
    struct oss_buf canon = OSS_BUF_INIT;
    char why[256] = "", *in;
    size_t len;
    enum ctl_parse r;
    int ok = 1;

    in = slurp(path, &len);
    r = e->parse(in, len, &canon, why, sizeof(why));
    if (strcmp(kind_name(r), kind) != 0) {
        print_error("%s: parsed as %s (%s), expected %s\n", path, kind_name(r), why, kind);
        ok = 0;
    } else if (r == CTL_VALID) {
        char cpath[1024], *want;
        size_t wl;

        snprintf(cpath, sizeof(cpath), "%.*s.canon", (int)(strlen(path) - 3), path);
        want = slurp(cpath, &wl);
        if (strcmp(oss_buf_str(&canon), want) != 0) {
            print_error("%s: canonical [%s], expected [%s]\n", path, oss_buf_str(&canon), want);
            ok = 0;
        }
        free(want);
        /* Every strict prefix of a valid input is still on its way to a value. */
        for (size_t k = 0; k < len && ok; k++) {
            oss_buf_reset(&canon);
            if (e->parse(in, k, &canon, why, sizeof(why)) == CTL_INVALID) {
                print_error("%s: prefix of %zu bytes is invalid (%s)\n", path, k, why);
                ok = 0;
            }
        }
    } else if (r == CTL_INCOMPLETE && (why[0] == '\0' || strchr(why, '\n'))) {
        print_error("%s: incomplete without a one-line reason [%s]\n", path, why);
        ok = 0;
    } else if (r == CTL_INVALID) {
        if (getenv("CTL_TEST_VERBOSE"))
            print_message("%s: %s\n", path, why);
        if (why[0] == '\0' || strchr(why, '\n')) {
            print_error("%s: reason [%s] is empty or not one line\n", path, why);
            ok = 0;
        }
        if (canon.len != 0) {
            print_error("%s: invalid input produced a canonical value\n", path);
            ok = 0;
        }
    }
    oss_buf_cleanup(&canon);
    free(in);
    return ok;
}

/* The runner: every <entry>/<kind>/<case>.in under tests/data/ctl. */
static void test_cases_as_data(void **state)
{
    static const char *const kinds[] = {"valid", "invalid", "incomplete"};
    char root[1024];
    struct dirent *de;
    DIR *d;
    int total = 0, failed = 0;

    (void)state;
    snprintf(root, sizeof(root), "%s/ctl", data_dir());
    d = opendir(root);
    if (!d)
        fail_msg("no case directory %s", root);
    while ((de = readdir(d))) {
        const struct ctl_entry *e;

        char sub[1300];
        struct stat st;

        snprintf(sub, sizeof(sub), "%s/%s", root, de->d_name);
        if (de->d_name[0] == '.' || stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        e = entry_for_dir(de->d_name);
        if (!e)
            fail_msg("%s/%s names no control file", root, de->d_name);
        for (size_t k = 0; k < 3; k++) {
            char dir[1300];
            struct dirent *ce;
            DIR *cd;

            snprintf(dir, sizeof(dir), "%s/%s/%s", root, de->d_name, kinds[k]);
            cd = opendir(dir);
            if (!cd)
                continue;
            while ((ce = readdir(cd))) {
                char path[1600];
                size_t nl = strlen(ce->d_name);

                if (nl < 4 || strcmp(ce->d_name + nl - 3, ".in") != 0)
                    continue;
                snprintf(path, sizeof(path), "%s/%s", dir, ce->d_name);
                total++;
                failed += !run_case(e, path, kinds[k]);
            }
            closedir(cd);
        }
    }
    closedir(d);
    print_message("%d parser cases, %d failed\n", total, failed);
    assert_true(total >= 50);
    assert_int_equal(failed, 0);
}

/* The permission files of issue 9 (bucket scope), with a Delete exactly where OSS has one;
 * returns how many there are. */
static size_t check_perm_rows(void)
{
    static const struct {
        const char *name;
        int writable, has_del;
    } perm[] = {
        {".public-access-block", 1, 1}, {".policy-status", 0, 0},
        {".request-payment", 1, 0},     {".worm", 1, 1},
        {".https-config", 1, 0},
    };

    for (size_t i = 0; i < sizeof(perm) / sizeof(perm[0]); i++) {
        const struct ctl_entry *e = ctl_bucket_entry(perm[i].name);

        if (!e)
            fail_msg("no row for %s", perm[i].name);
        assert_int_equal(e->scope, CTL_BUCKET);
        assert_int_equal(e->writable, perm[i].writable);
        assert_int_equal(e->del != NULL, perm[i].has_del);
        assert_int_equal(e->max_input, 64 * 1024);
    }
    return sizeof(perm) / sizeof(perm[0]);
}

/* The mount root's files in account mode, and an access point's files. */
static void test_account_and_access_point_rows(void **state)
{
    const struct ctl_entry *acct = ctl_account_entry(".public-access-block");
    const struct ctl_entry *appol = ctl_access_point_entry(".policy");
    const struct ctl_entry *apinfo = ctl_access_point_entry(".info");
    size_t k = 0;

    (void)state;
    assert_non_null(acct);
    assert_int_equal(acct->scope, CTL_ACCOUNT);
    assert_non_null(acct->del);
    assert_null(ctl_account_entry(".acl"));
    ctl_account_entries(&k);
    assert_int_equal(k, 1);
    assert_non_null(appol);
    assert_int_equal(appol->scope, CTL_ACCESS_POINT);
    assert_int_equal(appol->max_input, 16 * 1024);
    assert_non_null(appol->del);
    assert_non_null(apinfo);
    assert_false(apinfo->writable);
    assert_non_null(ctl_access_point_entry(".public-access-block"));
    assert_null(ctl_access_point_entry(".acl"));
    ctl_access_point_entries(&k);
    assert_int_equal(k, 3);
}

static void test_table(void **state)
{
    const struct ctl_entry *acl = ctl_bucket_entry(".acl");
    const struct ctl_entry *am = ctl_bucket_entry(".access-monitor");
    const struct ctl_entry *obj = ctl_object_acl_entry();
    const struct ctl_entry *all;
    size_t n, seen = 0;

    (void)state;
    assert_non_null(acl);
    assert_non_null(am);
    assert_string_equal(acl->name, ".acl");
    assert_int_equal(acl->scope, CTL_BUCKET);
    assert_true(acl->writable);
    assert_int_equal(acl->max_input, 64 * 1024);
    assert_non_null(acl->get);
    assert_non_null(acl->parse);
    assert_non_null(acl->put);
    assert_null(acl->del); /* no DeleteBucketAcl: rm .acl is EPERM */
    assert_int_equal(am->max_input, 64 * 1024);
    assert_null(am->del);
    assert_string_equal(obj->name, ".acl.d");
    assert_int_equal(obj->scope, CTL_OBJECT);
    assert_non_null(obj->put);
    assert_null(ctl_bucket_entry(".ACL"));
    assert_null(ctl_bucket_entry("acl"));
    assert_null(ctl_bucket_entry(""));
    assert_null(ctl_bucket_entry(NULL));
    assert_null(ctl_bucket_entry(".acl.d")); /* a directory in every dir, not a bucket file */
    all = ctl_bucket_entries(&n);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(all[i].scope, CTL_BUCKET);
        assert_ptr_equal(ctl_bucket_entry(all[i].name), &all[i]);
        seen += strcmp(all[i].name, ".acl") == 0 || strcmp(all[i].name, ".access-monitor") == 0;
    }
    assert_int_equal(seen, 2);
    /* DESIGN.md 1: every bucket file, with a Delete exactly where OSS has one */
    {
        static const struct {
            const char *name;
            int writable, has_del;
            size_t max;
        } rows[] = {
            {".versioning", 1, 0, 64 * 1024}, {".policy", 1, 1, 16 * 1024},
            {".cors", 1, 1, 64 * 1024},       {".lifecycle", 1, 1, 64 * 1024},
            {".referer", 1, 0, 64 * 1024},    {".logging", 1, 1, 64 * 1024},
            {".website", 1, 1, 64 * 1024},    {".encryption", 1, 1, 64 * 1024},
            {".tagging", 1, 1, 64 * 1024},    {".info", 0, 0, 64 * 1024},
            {".location", 0, 0, 64 * 1024},   {".stat", 0, 0, 64 * 1024},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            const struct ctl_entry *e = ctl_bucket_entry(rows[i].name);

            if (!e)
                fail_msg("no row for %s", rows[i].name);
            assert_int_equal(e->scope, CTL_BUCKET);
            assert_int_equal(e->writable, rows[i].writable);
            assert_int_equal(e->del != NULL, rows[i].has_del);
            assert_int_equal(e->max_input, rows[i].max);
            assert_non_null(e->get);
            assert_non_null(e->parse);
            assert_non_null(e->put);
        }
        assert_int_equal(n, 2 + sizeof(rows) / sizeof(rows[0]) + check_perm_rows());
    }
    assert_true(ctl_is_reserved_dir_name(".acl.d"));
    assert_true(ctl_is_reserved_dir_name(".versions"));
    assert_false(ctl_is_reserved_dir_name(".acl"));
    assert_false(ctl_is_reserved_dir_name("acl.d"));
    assert_false(ctl_is_reserved_dir_name(NULL));
}

/* Inputs past any valid value never parse as valid, and the parser does not choke on them. */
static void test_large_input(void **state)
{
    const struct ctl_entry *acl = ctl_bucket_entry(".acl");
    const struct ctl_entry *am = ctl_bucket_entry(".access-monitor");
    size_t big = 64 * 1024 + 1;
    char *buf = malloc(big), why[256];
    struct oss_buf canon = OSS_BUF_INIT;

    (void)state;
    assert_non_null(buf);
    memset(buf, ' ', big);
    memcpy(buf, "private", 7);
    assert_int_equal(acl->parse(buf, big, &canon, why, sizeof(why)), CTL_INVALID);
    assert_int_equal(canon.len, 0);
    /* 64 KB of white space around a value is still inside the cap and valid. */
    assert_int_equal(acl->parse(buf, big - 1, &canon, why, sizeof(why)), CTL_VALID);
    oss_buf_reset(&canon);
    memset(buf, 'x', big);
    buf[0] = '<';
    assert_int_equal(am->parse(buf, big, &canon, why, sizeof(why)), CTL_INVALID);
    memset(buf, '{', big);
    assert_int_equal(am->parse(buf, big - 1, &canon, why, sizeof(why)), CTL_INVALID);
    assert_int_equal(canon.len, 0);
    oss_buf_cleanup(&canon);
    free(buf);
}

/* The policy cap is 16 KB; the XML documents' 64 KB; the read-only files take nothing. */
static void test_document_caps(void **state)
{
    const struct ctl_entry *pol = ctl_bucket_entry(".policy");
    const struct ctl_entry *cors = ctl_bucket_entry(".cors");
    const char *head = "{\"Version\":\"1\",\"Statement\":[{\"Sid\":\"";
    const char *tail = "\"}]}";
    size_t big = 64 * 1024 + 1;
    char *buf = malloc(big + 1), why[256];
    struct oss_buf canon = OSS_BUF_INIT;

    (void)state;
    assert_non_null(buf);
    /* a policy of exactly 16 KB is valid, one byte more is not */
    memset(buf, 'a', 16 * 1024);
    memcpy(buf, head, strlen(head));
    memcpy(buf + 16 * 1024 - strlen(tail), tail, strlen(tail));
    assert_int_equal(pol->parse(buf, 16 * 1024, &canon, why, sizeof(why)), CTL_VALID);
    assert_int_equal(canon.len, 16 * 1024);
    oss_buf_reset(&canon);
    buf[16 * 1024] = ' ';
    assert_int_equal(pol->parse(buf, 16 * 1024 + 1, &canon, why, sizeof(why)), CTL_INVALID);
    assert_int_equal(canon.len, 0);
    /* an XML document of 64 KB is still checked, one byte more is refused */
    memset(buf, ' ', big);
    memcpy(buf, "<CORSConfiguration>", 19);
    memcpy(buf + 64 * 1024 - 20, "</CORSConfiguration>", 20);
    assert_int_equal(cors->parse(buf, 64 * 1024, &canon, why, sizeof(why)), CTL_VALID);
    oss_buf_reset(&canon);
    assert_int_equal(cors->parse(buf, big, &canon, why, sizeof(why)), CTL_INVALID);
    assert_int_equal(canon.len, 0);
    for (const char *const *ro = (const char *const[]){".info", ".location", ".stat", NULL}; *ro;
         ro++) {
        const struct ctl_entry *e = ctl_bucket_entry(*ro);

        assert_int_equal(e->parse("x", 1, &canon, why, sizeof(why)), CTL_INVALID);
        assert_int_equal(e->put(NULL, NULL, "x", NULL), -EACCES);
    }
    oss_buf_cleanup(&canon);
    free(buf);
}

/* Reasons are one line that quotes the input safely, with a hint for the case mistake. */
static void test_reasons(void **state)
{
    const struct ctl_entry *acl = ctl_bucket_entry(".acl");
    struct oss_buf canon = OSS_BUF_INIT;
    char why[256];

    (void)state;
    assert_int_equal(acl->parse("Private\n", 8, &canon, why, sizeof(why)), CTL_INVALID);
    assert_non_null(strstr(why, "\"Private\""));
    assert_non_null(strstr(why, "case-sensitive"));
    assert_non_null(strstr(why, "private, public-read or public-read-write"));
    assert_int_equal(acl->parse("pri\nvate", 8, &canon, why, sizeof(why)), CTL_INVALID);
    assert_null(strchr(why, '\n'));
    assert_int_equal(acl->parse("x\033[2J", 5, &canon, why, sizeof(why)), CTL_INVALID);
    assert_null(strchr(why, '\033'));
    /* A tiny reason buffer is cut, not overrun. */
    assert_int_equal(acl->parse("bogus", 5, &canon, why, 8), CTL_INVALID);
    assert_true(strlen(why) < 8);
    assert_int_equal(acl->parse("bogus", 5, &canon, NULL, 0), CTL_INVALID);
    oss_buf_cleanup(&canon);
}

/* "public-read" is complete even though "public-read-write" starts with it. */
static void test_value_that_prefixes_another(void **state)
{
    const struct ctl_entry *acl = ctl_bucket_entry(".acl");
    struct oss_buf canon = OSS_BUF_INIT;
    char why[256];

    (void)state;
    assert_int_equal(acl->parse("public-read", 11, &canon, why, sizeof(why)), CTL_VALID);
    assert_string_equal(oss_buf_str(&canon), "public-read");
    oss_buf_cleanup(&canon);
}

/* Token soup: random inputs built from the pieces of every accepted syntax. Whatever comes
 * out, a valid parse yields an accepted value, an invalid one a one-line reason and no value,
 * and every strict prefix of a valid input is not invalid. */
static void test_random_inputs(void **state)
{
    static const char *const toks[] = {"<",
                                       ">",
                                       "</",
                                       "/>",
                                       "AccessMonitorConfiguration",
                                       "Status",
                                       "Enabled",
                                       "Disabled",
                                       "{",
                                       "}",
                                       "\"",
                                       ":",
                                       ",",
                                       " ",
                                       "\n",
                                       "\t",
                                       "\xc3",
                                       "\xa9",
                                       "&",
                                       ";",
                                       "&amp;",
                                       "<!--",
                                       "-->",
                                       "<?xml version=\"1.0\"?>",
                                       "private",
                                       "public-read",
                                       "-write",
                                       "default",
                                       "x",
                                       "<!DOCTYPE",
                                       "[",
                                       "]",
                                       "=",
                                       "'",
                                       "\r\n",
                                       "VersioningConfiguration",
                                       "Suspended"};
    static const char *const ok_values[] = {"private",   "public-read", "public-read-write",
                                            "default",   "Enabled",     "Disabled",
                                            "Suspended", NULL};
    const struct ctl_entry *entries[] = {ctl_bucket_entry(".acl"),
                                         ctl_bucket_entry(".access-monitor"),
                                         ctl_object_acl_entry(), ctl_bucket_entry(".versioning")};
    const size_t nentries = sizeof(entries) / sizeof(entries[0]);
    const size_t ntoks = sizeof(toks) / sizeof(toks[0]);
    struct oss_buf in = OSS_BUF_INIT, canon = OSS_BUF_INIT;
    unsigned seed = 12345, valid = 0;
    char why[256];

    (void)state;
    for (int iter = 0; iter < 30000; iter++) {
        const struct ctl_entry *e = entries[(size_t)iter % nentries];
        int ntok = (int)(rand_r(&seed) % 12);
        enum ctl_parse r;

        oss_buf_reset(&in);
        for (int k = 0; k < ntok; k++)
            assert_int_equal(oss_buf_puts(&in, toks[(size_t)rand_r(&seed) % ntoks]), 0);
        if (rand_r(&seed) % 50 == 0)
            assert_int_equal(oss_buf_append(&in, "\0", 1), 0);
        oss_buf_reset(&canon);
        why[0] = '\0';
        r = e->parse(in.data ? in.data : "", in.len, &canon, why, sizeof(why));
        if (r == CTL_VALID) {
            int known = 0;

            for (size_t i = 0; ok_values[i]; i++)
                known |= strcmp(oss_buf_str(&canon), ok_values[i]) == 0;
            if (!known)
                fail_msg("[%s] gave value [%s]", oss_buf_str(&in), oss_buf_str(&canon));
            valid++;
            for (size_t k = 0; k < in.len; k++) {
                oss_buf_reset(&canon);
                if (e->parse(in.data, k, &canon, why, sizeof(why)) == CTL_INVALID)
                    fail_msg("%s: [%s] is valid but its %zu-byte prefix is not (%s)", e->name,
                             in.data, k, why);
            }
        } else if (r == CTL_INVALID) {
            assert_true(why[0] != '\0');
            assert_null(strchr(why, '\n'));
            assert_int_equal(canon.len, 0);
        }
    }
    print_message("%u random inputs were valid\n", valid);
    oss_buf_cleanup(&in);
    oss_buf_cleanup(&canon);
}

static char *read_all(const char *path)
{
    size_t len;

    return slurp(path, &len);
}

static void test_audit_file(void **state)
{
    char path[] = "/tmp/test_ctl_audit.XXXXXX";
    struct ctl_target t = {.bucket = "b1", .key = "dir/x.txt", .version_id = "v1"};
    struct oss_error err;
    struct ctl_audit *a;
    struct stat st;
    char *text, *line2;
    json_t *j;
    json_error_t je;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    a = ctl_audit_open(path);
    assert_non_null(a);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    struct ctl_audit_record ok = {.uid = 1000,
                                  .pid = (int)getpid(),
                                  .entry = ".acl.d",
                                  .target = &t,
                                  .old_value = "default",
                                  .new_value = "public-read",
                                  .request_id = "RID-OK"};
    ctl_audit_write(a, &ok);
    memset(&err, 0, sizeof(err));
    err.http_status = 403;
    err.err = -EACCES;
    strcpy(err.code, "AccessDenied");
    strcpy(err.message, "You have no right to access this object \"x\"\n");
    strcpy(err.request_id, "RID-ERR");
    struct ctl_audit_record bad = {.uid = 0,
                                   .pid = (int)getpid(),
                                   .entry = ".access-monitor",
                                   .target = &(struct ctl_target){.bucket = "b2"},
                                   .old_value = NULL,
                                   .new_value = "Enabled",
                                   .err = &err};
    ctl_audit_write(a, &bad);
    ctl_audit_close(a);

    text = read_all(path);
    line2 = strchr(text, '\n');
    assert_non_null(line2);
    *line2++ = '\0';
    assert_int_equal(strlen(line2) > 0 && line2[strlen(line2) - 1] == '\n', 1);
    line2[strlen(line2) - 1] = '\0';
    assert_null(strchr(line2, '\n'));

    j = json_loads(text, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "entry")), ".acl.d");
    assert_string_equal(json_string_value(json_object_get(j, "bucket")), "b1");
    assert_string_equal(json_string_value(json_object_get(j, "key")), "dir/x.txt");
    assert_string_equal(json_string_value(json_object_get(j, "version")), "v1");
    assert_string_equal(json_string_value(json_object_get(j, "old")), "default");
    assert_string_equal(json_string_value(json_object_get(j, "new")), "public-read");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")), "RID-OK");
    assert_string_equal(json_string_value(json_object_get(j, "result")), "ok");
    assert_int_equal(json_integer_value(json_object_get(j, "uid")), 1000);
    assert_int_equal(json_integer_value(json_object_get(j, "pid")), getpid());
    assert_string_equal(json_string_value(json_object_get(j, "comm")), "test_ctl");
    assert_non_null(strstr(json_string_value(json_object_get(j, "time")), "Z"));
    json_decref(j);

    j = json_loads(line2, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "result")), "error");
    assert_string_equal(json_string_value(json_object_get(j, "code")), "AccessDenied");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")), "RID-ERR");
    assert_int_equal(json_integer_value(json_object_get(j, "errno")), EACCES);
    assert_int_equal(json_integer_value(json_object_get(j, "http_status")), 403);
    assert_true(json_is_null(json_object_get(j, "key")));
    assert_true(json_is_null(json_object_get(j, "old")));
    json_decref(j);
    free(text);
    unlink(path);

    assert_null(ctl_audit_open("/nonexistent-dir/audit.log"));
    assert_int_equal(errno, ENOENT);
    ctl_audit_write(NULL, &ok); /* no log configured: ignored */
    /* syslog mode opens without a file and writes without failing */
    a = ctl_audit_open(NULL);
    assert_non_null(a);
    ctl_audit_close(a);
}

struct audit_thread {
    struct ctl_audit *a;
    int id;
};

static void *audit_writer(void *arg)
{
    struct audit_thread *at = arg;
    struct ctl_target t = {.bucket = "bucket", .key = NULL};
    char val[600];

    memset(val, 'a' + at->id, sizeof(val) - 1);
    val[sizeof(val) - 1] = '\0';
    for (int i = 0; i < 200; i++) {
        struct ctl_audit_record r = {
            .uid = (unsigned)at->id, .pid = 1, .entry = ".acl", .target = &t, .new_value = val};
        ctl_audit_write(at->a, &r);
    }
    return NULL;
}

/* Concurrent writers never interleave inside a line. */
static void test_audit_threads(void **state)
{
    char path[] = "/tmp/test_ctl_audit_mt.XXXXXX";
    struct audit_thread at[4];
    pthread_t th[4];
    struct ctl_audit *a;
    char *text, *line, *save = NULL;
    int fd = mkstemp(path), lines = 0;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    a = ctl_audit_open(path);
    assert_non_null(a);
    for (int i = 0; i < 4; i++) {
        at[i] = (struct audit_thread){a, i};
        assert_int_equal(pthread_create(&th[i], NULL, audit_writer, &at[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    ctl_audit_close(a);
    text = read_all(path);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);

        assert_non_null(j);
        assert_int_equal(strlen(json_string_value(json_object_get(j, "new"))), 599);
        json_decref(j);
        lines++;
    }
    assert_int_equal(lines, 800);
    free(text);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),         cmocka_unit_test(test_cases_as_data),
        cmocka_unit_test(test_large_input),   cmocka_unit_test(test_document_caps),
        cmocka_unit_test(test_reasons),       cmocka_unit_test(test_value_that_prefixes_another),
        cmocka_unit_test(test_random_inputs), cmocka_unit_test(test_audit_file),
        cmocka_unit_test(test_audit_threads), cmocka_unit_test(test_account_and_access_point_rows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
