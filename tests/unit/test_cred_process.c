/* credential_process: splitting the command without a shell, running it (output, exit status,
 * timeout that also kills its children, output limit), and what the child gets: no secret in
 * its environment or argv. Scripts are written to a temp dir. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define TMPDIR_FIXTURE_NAME "cred-proc"
#include "tmpdir_fixture.h"

#include "oss/credentials.h"

/* Writes an executable script; returns its path (static). */
static const char *script(const char *name, const char *body)
{
    return tmp_file(name, 0700, "#!/bin/sh\n%s", body);
}

static char *slurp(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static void test_split(void **state)
{
    (void)state;
    char **av, why[256];
    assert_int_equal(
        oss_cred_split_command("  /bin/tool  --role 'my role' \"a \\\"b\\\"\" c\\ d ''", &av, why,
                               sizeof why),
        0);
    assert_string_equal(av[0], "/bin/tool");
    assert_string_equal(av[1], "--role");
    assert_string_equal(av[2], "my role");
    assert_string_equal(av[3], "a \"b\"");
    assert_string_equal(av[4], "c d");
    assert_string_equal(av[5], "");
    assert_null(av[6]);
    oss_cred_free_argv(av);
    /* quoted metacharacters are plain characters */
    assert_int_equal(oss_cred_split_command("echo '$HOME|x' \"a;b\" c\\&d", &av, why, sizeof why),
                     0);
    assert_string_equal(av[1], "$HOME|x");
    assert_string_equal(av[2], "a;b");
    assert_string_equal(av[3], "c&d");
    oss_cred_free_argv(av);
    const char *bad[] = {"",     "   ",   "a | b", "a; b",   "a > f", "echo $X", "a `b`",
                         "a 'b", "a \"b", "a\\",   "a && b", "(a)",   "a\nb"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        av = (char **)1;
        assert_int_equal(oss_cred_split_command(bad[i], &av, why, sizeof why), -EINVAL);
        assert_null(av);
    }
    assert_int_equal(oss_cred_split_command("a | b", &av, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "sh -c"));
}

static void test_runs_and_parses(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256], cmd[512];
    const char *s = script("ok.sh", "printf '%s' '{\"AccessKeyId\":\"STS.p1\",'\n"
                                    "echo '\"AccessKeySecret\":\"p1-secret-value\",'\n"
                                    "echo '\"SecurityToken\":\"p1-token-value\",'\n"
                                    "echo \"\\\"Expiration\\\":\\\"$1\\\"}\"\n");
    snprintf(cmd, sizeof cmd, "%s 2030-01-01T00:00:00Z", s);
    assert_int_equal(oss_cred_from_process(cmd, 5000, &cr, &exp, why, sizeof why), 0);
    assert_string_equal(cr.akid, "STS.p1");
    assert_string_equal(cr.secret, "p1-secret-value");
    assert_string_equal(cr.token, "p1-token-value");
    struct tm tm = {.tm_year = 130, .tm_mon = 0, .tm_mday = 1};
    assert_int_equal(exp, timegm(&tm));
    oss_credentials_cleanup(&cr);
}

static void test_child_gets_no_secret(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256], cmd[1024], envf[300], argf[300];
    snprintf(envf, sizeof envf, "%s/env.out", dir);
    snprintf(argf, sizeof argf, "%s/args.out", dir);
    setenv("OSS_ACCESS_KEY_SECRET", "leaked-secret-value", 1);
    setenv("OSS_SESSION_TOKEN", "leaked-token-value", 1);
    setenv("CRED_TEST_MARK", "visible", 1);
    const char *s = script("env.sh", "env > \"$1\"; echo \"$@\" > \"$2\"; read x && echo stdin\n"
                                     "echo '{\"AccessKeyId\":\"a\",\"AccessKeySecret\":\"b\"}'\n");
    snprintf(cmd, sizeof cmd, "%s %s %s", s, envf, argf);
    assert_int_equal(oss_cred_from_process(cmd, 5000, &cr, &exp, why, sizeof why), 0);
    oss_credentials_cleanup(&cr);
    unsetenv("OSS_ACCESS_KEY_SECRET");
    unsetenv("OSS_SESSION_TOKEN");
    char *env = slurp(envf);
    assert_non_null(env);
    assert_non_null(strstr(env, "CRED_TEST_MARK=visible"));
    assert_null(strstr(env, "leaked-"));
    char *args = slurp(argf);
    assert_non_null(args);
    assert_null(strstr(args, "secret"));
    assert_int_equal(exp, 0);
}

static void no_secret(const char *why)
{
    assert_null(strstr(why, "-value"));
}

static void test_failures(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256], cmd[512];

    const char *s = script("fail.sh", "echo '{\"AccessKeyId\":\"a\",\"AccessKeySecret\":"
                                      "\"f-secret-value\"}'\nexit 3\n");
    assert_int_equal(oss_cred_from_process(s, 5000, &cr, &exp, why, sizeof why), -EIO);
    assert_non_null(strstr(why, "status 3"));
    assert_null(cr.akid);
    no_secret(why);

    s = script("garbage.sh", "echo 'AccessKeySecret=g-secret-value'\n");
    assert_int_equal(oss_cred_from_process(s, 5000, &cr, &exp, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "not a JSON object"));
    no_secret(why);

    s = script("big.sh", "head -c 70000 /dev/zero | tr '\\0' x\n");
    assert_int_equal(oss_cred_from_process(s, 5000, &cr, &exp, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "64 KiB"));

    snprintf(cmd, sizeof cmd, "%s/does-not-exist --x", dir);
    assert_int_equal(oss_cred_from_process(cmd, 5000, &cr, &exp, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "cannot run"));

    assert_int_equal(
        oss_cred_from_process("cat /etc/passwd | head", 5000, &cr, &exp, why, sizeof why), -EINVAL);

    assert_int_equal(oss_cred_from_process("./bin/helper --x", 5000, &cr, &exp, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, "relative path"));
}

static void test_timeout_kills_the_group(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256], pidf[300], cmd[1024];
    snprintf(pidf, sizeof pidf, "%s/sleeper.pid", dir);
    const char *s = script("slow.sh", "sleep 30 & echo $! > \"$1\"; wait\n");
    snprintf(cmd, sizeof cmd, "%s %s", s, pidf);
    time_t t0 = time(NULL);
    assert_int_equal(oss_cred_from_process(cmd, 400, &cr, &exp, why, sizeof why), -ETIMEDOUT);
    assert_true(time(NULL) - t0 < 5);
    assert_non_null(strstr(why, "did not finish"));
    char *p = slurp(pidf);
    assert_non_null(p);
    pid_t sleeper = (pid_t)atoi(p);
    assert_true(sleeper > 0);
    /* the background sleep of the script is gone too (give the kernel a moment) */
    int alive = 1;
    for (int i = 0; i < 50 && alive; i++) {
        char procf[64], *st;
        snprintf(procf, sizeof procf, "/proc/%d/stat", (int)sleeper);
        st = slurp(procf);
        alive = st && !strstr(st, ") Z ");
        if (alive)
            usleep(20000);
    }
    assert_false(alive);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_runs_and_parses),
        cmocka_unit_test(test_child_gets_no_secret),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_timeout_kills_the_group),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
