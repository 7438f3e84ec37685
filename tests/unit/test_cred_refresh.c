/* The refresher thread: it installs new keys before the old ones expire (counted, logged by key
 * id only), keeps the old keys and retries with backoff when a fetch fails (logged without any
 * secret), does nothing for keys without expiry, and stops promptly. */
#include <errno.h>
#include <pthread.h>
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

#define TMPDIR_FIXTURE_NAME "cred-refresh"
#include "tmpdir_fixture.h"

#include "oss/credentials.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char logbuf[16384];

static void capture(void *arg, int prio, const char *msg)
{
    (void)arg;
    (void)prio;
    pthread_mutex_lock(&log_lock);
    strncat(logbuf, msg, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
    pthread_mutex_unlock(&log_lock);
}

/* A credential script: each run prints a new key STS.rN that expires in `life` seconds, or
 * fails (exit 1) once the file fail exists. */
static const char *make_script(int life)
{
    return tmp_file(
        "cred.sh", 0700,
        "#!/bin/sh\n"
        "d=%s\n"
        "[ -e $d/fail ] && exit 1\n"
        "n=$(cat $d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > $d/n\n"
        "exp=$(date -u -d @$(($(date +%%s)+%d)) +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
        "printf '{\"AccessKeyId\":\"STS.r%%s\",\"AccessKeySecret\":\"r%%s-secret-value\","
        "\"SecurityToken\":\"r%%s-token-value\",\"Expiration\":\"%%s\"}\\n' $n $n $n $exp\n",
        dir, life);
}

static struct oss_client *client(void)
{
    struct oss_client_config cfg = {.url = "http://127.0.0.1:9",
                                    .akid = "STS.r0",
                                    .secret = "r0-secret-value",
                                    .token = "r0-token-value"};
    struct oss_error err;
    struct oss_client *c = oss_client_new(&cfg, &err);
    assert_non_null(c);
    return c;
}

static void test_refreshes_before_expiry(void **state)
{
    (void)state;
    struct oss_cred_source src = {.kind = OSS_CRED_PROCESS, .command = make_script(4)};
    struct oss_client *c = client();
    struct oss_credentials cr;
    time_t exp;
    char why[256];
    logbuf[0] = 0;
    /* the mount's own first fetch */
    assert_int_equal(oss_cred_fetch(&src, &cr, &exp, why, sizeof why), 0);
    assert_string_equal(cr.akid, "STS.r1");
    oss_credentials_cleanup(&cr);
    time_t t0 = time(NULL);
    struct oss_cred_refresher *r = oss_cred_refresher_start(c, &src, exp, capture, NULL);
    assert_non_null(r);
    /* 4 s keys are refreshed at half their life: two refreshes within ~5 s, each before the
     * previous key expired */
    while (oss_cred_refresher_count(r) < 2 && time(NULL) - t0 < 10)
        usleep(50000);
    assert_true(oss_cred_refresher_count(r) >= 2);
    assert_true(time(NULL) - t0 <= 6);
    oss_cred_refresher_stop(r);
    pthread_mutex_lock(&log_lock);
    assert_non_null(strstr(logbuf, "key STS.r2"));
    assert_non_null(strstr(logbuf, "key STS.r3"));
    assert_null(strstr(logbuf, "-value"));
    pthread_mutex_unlock(&log_lock);
    oss_client_free(c);
}

static void test_failure_keeps_keys_and_retries(void **state)
{
    (void)state;
    char failf[300], nf[300];
    snprintf(failf, sizeof failf, "%s/fail", dir);
    snprintf(nf, sizeof nf, "%s/n", dir);
    unlink(nf);
    struct oss_cred_source src = {.kind = OSS_CRED_PROCESS, .command = make_script(2)};
    struct oss_client *c = client();
    FILE *f = fopen(failf, "w");
    assert_non_null(f);
    fclose(f);
    logbuf[0] = 0;
    struct oss_cred_refresher *r = oss_cred_refresher_start(c, &src, time(NULL) + 2, capture, NULL);
    assert_non_null(r);
    /* first attempt after 1 s, retries after 1 s and 2 s */
    sleep(4);
    assert_int_equal(oss_cred_refresher_count(r), 0);
    pthread_mutex_lock(&log_lock);
    assert_non_null(strstr(logbuf, "credential refresh failed"));
    assert_non_null(strstr(logbuf, "exited with status 1"));
    assert_non_null(strstr(logbuf, "keeping the current keys"));
    assert_non_null(strstr(logbuf, "retrying in 2s"));
    assert_null(strstr(logbuf, "-value"));
    pthread_mutex_unlock(&log_lock);
    /* the source recovers: the next retry installs new keys */
    unlink(failf);
    time_t t0 = time(NULL);
    while (oss_cred_refresher_count(r) < 1 && time(NULL) - t0 < 12)
        usleep(50000);
    assert_true(oss_cred_refresher_count(r) >= 1);
    oss_cred_refresher_stop(r);
    oss_client_free(c);
}

static void test_no_expiry_no_thread_and_quick_stop(void **state)
{
    (void)state;
    struct oss_cred_source src = {.kind = OSS_CRED_PROCESS, .command = "/bin/false"};
    struct oss_client *c = client();
    struct oss_cred_refresher *r = oss_cred_refresher_start(c, &src, 0, capture, NULL);
    assert_non_null(r);
    usleep(100000);
    assert_int_equal(oss_cred_refresher_count(r), 0);
    oss_cred_refresher_stop(r);
    /* a refresher waiting for an hour stops at once */
    r = oss_cred_refresher_start(c, &src, time(NULL) + 3600, capture, NULL);
    assert_non_null(r);
    time_t t0 = time(NULL);
    oss_cred_refresher_stop(r);
    assert_true(time(NULL) - t0 <= 1);
    oss_cred_refresher_stop(NULL);
    oss_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refreshes_before_expiry),
        cmocka_unit_test(test_failure_keeps_keys_and_retries),
        cmocka_unit_test(test_no_expiry_no_thread_and_quick_stop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
