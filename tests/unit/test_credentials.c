/* Credential sources: the passwd file (line forms, bucket lines, comments, malformed lines,
 * the mode check, missing files; secrets never in messages) and the environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define TMPDIR_FIXTURE_NAME "cred-test"
#include "tmpdir_fixture.h"

#include "oss/client.h"

/* Writes content to a file of the directory with the given mode; returns its path. */
static const char *make(const char *name, const char *content, mode_t mode)
{
    return tmp_file(name, mode, "%s", content);
}

static int load(const char *path, const char *bucket, struct oss_credentials *cr, char *why)
{
    return oss_credentials_from_passwd(path, bucket, cr, why, 256);
}

static void test_plain_line(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char why[256];
    const char *p = make("plain", "LTAIplain0001:plain-secret\n", 0600);

    assert_int_equal(load(p, NULL, &cr, why), 0);
    assert_string_equal(cr.akid, "LTAIplain0001");
    assert_string_equal(cr.secret, "plain-secret");
    assert_null(cr.token);
    oss_credentials_cleanup(&cr);
    assert_null(cr.akid);
    /* A bucket with no line of its own uses the plain line. */
    assert_int_equal(load(p, "any-bucket", &cr, why), 0);
    assert_string_equal(cr.akid, "LTAIplain0001");
    oss_credentials_cleanup(&cr);
}

static void test_modes(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char why[256];
    const mode_t refused[] = {0644, 0640, 0604, 0660, 0602, 0620, 0610, 0601, 0666, 0700 | 0004};

    assert_int_equal(load(make("m400", "AK:SK\n", 0400), NULL, &cr, why), 0);
    oss_credentials_cleanup(&cr);
    assert_int_equal(load(make("m600", "AK:SK\n", 0600), NULL, &cr, why), 0);
    oss_credentials_cleanup(&cr);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        why[0] = 0;
        const char *p = make("open", "AKopen:SUPERSECRET\n", refused[i]);
        assert_int_equal(load(p, NULL, &cr, why), -EPERM);
        assert_null(cr.akid);
        assert_non_null(strstr(why, "group or others"));
        assert_null(strstr(why, "SUPERSECRET"));
        assert_null(strstr(why, "AKopen"));
    }
}

static void test_bucket_lines(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char why[256];
    const char *p = make("buckets",
                         "# credentials\n"
                         "\n"
                         "other:AKother:SKother\n"
                         "  AKdefault:SKdefault  \r\n"
                         "mine:AKmine:SKmine\n"
                         "\t# indented comment\n"
                         "mine:AKsecond:SKsecond\n",
                         0600);

    assert_int_equal(load(p, "mine", &cr, why), 0);
    assert_string_equal(cr.akid, "AKmine");
    assert_string_equal(cr.secret, "SKmine");
    oss_credentials_cleanup(&cr);
    assert_int_equal(load(p, "other", &cr, why), 0);
    assert_string_equal(cr.akid, "AKother");
    oss_credentials_cleanup(&cr);
    assert_int_equal(load(p, "third", &cr, why), 0);
    assert_string_equal(cr.akid, "AKdefault");
    assert_string_equal(cr.secret, "SKdefault");
    oss_credentials_cleanup(&cr);
    assert_int_equal(load(p, NULL, &cr, why), 0);
    assert_string_equal(cr.akid, "AKdefault");
    oss_credentials_cleanup(&cr);

    p = make("only-bucket", "mine:AKmine:SKmine\n", 0600);
    assert_int_equal(load(p, "theirs", &cr, why), -ENOENT);
    assert_null(strstr(why, "SKmine"));
    assert_int_equal(load(p, NULL, &cr, why), -ENOENT);
    assert_int_equal(load(make("comments", "# nothing\n\n   \n", 0600), NULL, &cr, why), -ENOENT);
    assert_int_equal(load(make("empty", "", 0600), NULL, &cr, why), -ENOENT);
    /* The last line needs no newline. */
    assert_int_equal(load(make("nonl", "AKx:SKx", 0600), NULL, &cr, why), 0);
    assert_string_equal(cr.secret, "SKx");
    oss_credentials_cleanup(&cr);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char why[256];
    const char *bad[] = {"justonefieldSECRET", "a:b:c:dSECRET", "AK:",       ":SECRET",
                         "b::SECRET",          "AK SECRET:x",   "AK:SEC RET"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char content[128];
        snprintf(content, sizeof content, "# first\nAKgood:SKgood\n%s\n", bad[i]);
        why[0] = 0;
        assert_int_equal(load(make("bad", content, 0600), "b", &cr, why), -EINVAL);
        assert_null(cr.akid);
        assert_non_null(strstr(why, "line 3"));
        assert_null(strstr(why, "SECRET"));
        assert_null(strstr(why, "SKgood"));
    }
}

static void test_missing_file(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char why[256], path[300];

    snprintf(path, sizeof path, "%s/does-not-exist", dir);
    assert_int_equal(load(path, NULL, &cr, why), -ENOENT);
    assert_non_null(strstr(why, "does-not-exist"));
    assert_int_equal(load(dir, NULL, &cr, why), -EINVAL); /* a directory */
    assert_int_equal(oss_credentials_from_passwd(NULL, NULL, &cr, NULL, 0), -EINVAL);
}

static void test_env(void **state)
{
    (void)state;
    struct oss_credentials cr;

    unsetenv("OSS_ACCESS_KEY_ID");
    unsetenv("OSS_ACCESS_KEY_SECRET");
    unsetenv("OSS_SESSION_TOKEN");
    assert_int_equal(oss_credentials_from_env(&cr), -ENOENT);
    setenv("OSS_ACCESS_KEY_ID", "LTAIenv", 1);
    assert_int_equal(oss_credentials_from_env(&cr), -ENOENT);
    setenv("OSS_ACCESS_KEY_SECRET", "env-secret", 1);
    assert_int_equal(oss_credentials_from_env(&cr), 0);
    assert_string_equal(cr.akid, "LTAIenv");
    assert_string_equal(cr.secret, "env-secret");
    assert_null(cr.token);
    oss_credentials_cleanup(&cr);
    setenv("OSS_SESSION_TOKEN", "sts-token", 1);
    assert_int_equal(oss_credentials_from_env(&cr), 0);
    assert_string_equal(cr.token, "sts-token");
    oss_credentials_cleanup(&cr);
    setenv("OSS_ACCESS_KEY_ID", "", 1);
    assert_int_equal(oss_credentials_from_env(&cr), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_line),   cmocka_unit_test(test_modes),
        cmocka_unit_test(test_bucket_lines), cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_missing_file), cmocka_unit_test(test_env),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
