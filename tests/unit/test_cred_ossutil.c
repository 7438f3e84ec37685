/* ossutil configuration files as the last credential source: the [Credentials] section and its
 * name aliases, the endpoint, other sections ignored, malformed lines and unsafe modes refused
 * without quoting a secret. Files come from tests/data/cred, copied with the mode under test. */
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

#define TMPDIR_FIXTURE_NAME "cred-ossutil"
#include "tmpdir_fixture.h"

#include "oss/credentials.h"

/* Copies tests/data/cred/NAME into the temp dir with the mode; returns the copy's path. */
static const char *copy(const char *name, mode_t mode)
{
    char src[512], buf[8192];
    const char *data = getenv("OSS_TEST_DATA");
    snprintf(src, sizeof src, "%s/cred/%s", data ? data : "tests/data", name);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    return tmp_file(name, mode, "%.*s", (int)n, buf);
}

static void test_credentials_section(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char *ep = NULL, why[256];
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-ok.ini", 0600), &cr, &ep, why, 256), 0);
    assert_string_equal(cr.akid, "LTAIossutil001"); /* not the [Bucket-Endpoint] line */
    assert_string_equal(cr.secret, "ossutil-secret-value");
    assert_null(cr.token);
    assert_string_equal(ep, "https://oss-cn-hangzhou.aliyuncs.com");
    free(ep);
    oss_credentials_cleanup(&cr);
}

static void test_aliases_spaces_and_token(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char *ep = NULL, why[256];
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-aliases.ini", 0400), &cr, &ep, why, 256),
                     0);
    assert_string_equal(cr.akid, "STS.ossutil002");
    assert_string_equal(cr.secret, "ossutil:secret=value");
    assert_string_equal(cr.token, "ossutil-token-value");
    assert_string_equal(ep, "http://127.0.0.1:9000");
    free(ep);
    oss_credentials_cleanup(&cr);
    /* endpoint is optional to the caller */
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-aliases.ini", 0600), &cr, NULL, why, 256),
                     0);
    oss_credentials_cleanup(&cr);
}

static void no_secret_in(const char *why)
{
    assert_null(strstr(why, "-value"));
    assert_null(strstr(why, "LTAI"));
}

static void test_refusals(void **state)
{
    (void)state;
    struct oss_credentials cr;
    char *ep = (char *)"x", why[256];

    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-ok.ini", 0644), &cr, &ep, why, 256),
                     -EPERM);
    assert_non_null(strstr(why, "0644"));
    assert_null(cr.akid);
    assert_null(ep);
    no_secret_in(why);
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-ok.ini", 0620), &cr, &ep, why, 256),
                     -EPERM);
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-nosection.ini", 0600), &cr, &ep, why, 256),
                     -ENOENT);
    assert_non_null(strstr(why, "[Credentials]"));
    no_secret_in(why);
    assert_int_equal(oss_cred_from_ossutil(copy("ossutil-malformed.ini", 0600), &cr, &ep, why, 256),
                     -EINVAL);
    assert_non_null(strstr(why, "line 3"));
    no_secret_in(why);
    assert_null(cr.akid);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/absent", dir);
    assert_int_equal(oss_cred_from_ossutil(missing, &cr, &ep, why, 256), -ENOENT);
    assert_int_equal(oss_cred_from_ossutil(dir, &cr, &ep, why, 256) < 0, 1);
}

static void test_default_path(void **state)
{
    (void)state;
    char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/home/someone", 1);
    char *p = oss_cred_ossutil_path();
    assert_string_equal(p, "/home/someone/.ossutilconfig");
    free(p);
    unsetenv("HOME");
    assert_null(oss_cred_ossutil_path());
    if (old)
        setenv("HOME", old, 1);
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credentials_section),
        cmocka_unit_test(test_aliases_spaces_and_token),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
