/* Credential documents: the JSON of credential_process and the ECS metadata service (fields,
 * escapes, nested extras, refusals without quoting secrets), ISO 8601 expiry times, and the
 * refresh-time rule. Documents come from tests/data/cred. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oss/credentials.h"

/* Reads tests/data/cred/NAME into a static buffer; returns its length. */
static size_t slurp(const char *name, char *buf, size_t cap)
{
    char path[512];
    const char *dir = getenv("OSS_TEST_DATA");
    snprintf(path, sizeof path, "%s/cred/%s", dir ? dir : "tests/data", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = 0;
    return n;
}

static int parse_file(const char *name, struct oss_credentials *cr, time_t *exp, char *why)
{
    static char buf[8192];
    size_t n = slurp(name, buf, sizeof buf);
    why[0] = 0;
    return oss_cred_parse_json(buf, n, cr, exp, why, 256);
}

static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return timegm(&tm);
}

/* Each accepted document gives these keys (token NULL: none) and expiry (0: never). */
static void accepted(const char *name, const char *akid, const char *secret, const char *token,
                     time_t want_exp)
{
    struct oss_credentials cr;
    time_t exp = 123;
    char why[256];
    assert_int_equal(parse_file(name, &cr, &exp, why), 0);
    assert_string_equal(cr.akid, akid);
    assert_string_equal(cr.secret, secret);
    if (token)
        assert_string_equal(cr.token, token);
    else
        assert_null(cr.token);
    assert_int_equal(exp, want_exp);
    oss_credentials_cleanup(&cr);
}

static void test_ecs_answer(void **state)
{
    (void)state;
    accepted("ecs-ok.json", "STS.ecsrole0001", "ecs-secret-value", "CAIS+Etoken/with\"escapes",
             utc(2026, 11, 25, 15, 0, 0));
}

static void test_process_answer_with_zone_and_extras(void **state)
{
    (void)state;
    /* 22:30 at +08:00 is 14:30 UTC */
    accepted("process-ok.json", "STS.proc0001", "proc-secret-value", "proc-token",
             utc(2026, 11, 25, 14, 30, 0));
}

static void test_static_keys_never_expire(void **state)
{
    (void)state;
    accepted("static-ok.json", "LTAIstatic0001", "static-secret-value", NULL, 0);
}

/* Each refusal is -EINVAL, leaves nothing allocated, and its message quotes no secret. */
static void refused(const char *name, const char *expect_in_why)
{
    struct oss_credentials cr;
    time_t exp = 7;
    char why[256];
    assert_int_equal(parse_file(name, &cr, &exp, why), -EINVAL);
    assert_null(cr.akid);
    assert_null(cr.secret);
    assert_null(cr.token);
    assert_int_equal(exp, 0);
    assert_non_null(strstr(why, expect_in_why));
    assert_null(strstr(why, "-value"));
    assert_null(strstr(why, "secret"));
}

static void test_refusals(void **state)
{
    (void)state;
    refused("no-secret.json", "lack AccessKeySecret");
    refused("bad-code.json", "Code \"Failed\"");
    refused("bad-expiration.json", "Expiration");
    refused("truncated.json", "not valid JSON");
    refused("number-secret.json", "AccessKeySecret is not a string");
    refused("trailing.json", "not valid JSON");
}

static void test_inline_edge_cases(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256];
    const char *cases[] = {"",
                           "[]",
                           "{",
                           "{\"AccessKeyId\":\"a\",}",
                           "{\"AccessKeyId\":\"a\\u0000\"}",
                           "{\"AccessKeyId\":\"a\\ud800\"}",
                           "{\"AccessKeyId\":\"a\nb\"}"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(oss_cred_parse_json(cases[i], strlen(cases[i]), &cr, &exp, why, 256),
                         -EINVAL);
    const char *ok = "{\"AccessKeyId\":\"k\\u00e9\\ud83d\\ude00\",\"AccessKeySecret\":\"s\","
                     "\"SecurityToken\":null,\"Expiration\":\"\"}";
    assert_int_equal(oss_cred_parse_json(ok, strlen(ok), &cr, &exp, why, 256), 0);
    assert_string_equal(cr.akid, "k\xc3\xa9\xf0\x9f\x98\x80");
    assert_null(cr.token);
    assert_int_equal(exp, 0);
    oss_credentials_cleanup(&cr);
}

static void test_time_forms(void **state)
{
    (void)state;
    time_t t;
    time_t base = utc(2026, 11, 25, 14, 0, 0);
    assert_int_equal(oss_cred_parse_time("2026-11-25T14:00:00Z", &t), 0);
    assert_int_equal(t, base);
    assert_int_equal(oss_cred_parse_time("2026-11-25T14:00:00.123456Z", &t), 0);
    assert_int_equal(t, base);
    assert_int_equal(oss_cred_parse_time("2026-11-25T16:30:00+02:30", &t), 0);
    assert_int_equal(t, base);
    assert_int_equal(oss_cred_parse_time("2026-11-25T09:00:00-0500", &t), 0);
    assert_int_equal(t, base);
    assert_int_equal(oss_cred_parse_time("2026-11-25T14:00Z", &t), 0);
    assert_int_equal(t, base);
    const char *bad[] = {"2026-11-25T14:00:00",     "2026-13-25T14:00:00Z", "2026-11-25 14:00:00X",
                         "26-11-25T14:00:00Z",      "2026-11-25T24:00:00Z", "",
                         "2026-11-25T14:00:00Zjunk"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(oss_cred_parse_time(bad[i], &t), -EINVAL);
}

static void test_refresh_at(void **state)
{
    (void)state;
    time_t now = 1000000;
    /* never for keys without expiry */
    assert_int_equal(oss_cred_refresh_at(now, 0), 0);
    /* 1 hour: 80% (48 min) is sooner than 5 minutes before (55 min) */
    assert_int_equal(oss_cred_refresh_at(now, now + 3600), now + 2880);
    /* 15 minutes: 5 minutes before (10 min) is sooner than 80% (12 min) */
    assert_int_equal(oss_cred_refresh_at(now, now + 900), now + 600);
    /* 6 minutes: 5 minutes before would be at 1 min, before half the lifetime: 3 min */
    assert_int_equal(oss_cred_refresh_at(now, now + 360), now + 180);
    /* 20 seconds: half the lifetime */
    assert_int_equal(oss_cred_refresh_at(now, now + 20), now + 10);
    /* almost expired or expired: retry in a second, never in the past */
    assert_int_equal(oss_cred_refresh_at(now, now + 1), now + 1);
    assert_int_equal(oss_cred_refresh_at(now, now - 100), now + 1);
    /* always before expiry for any lifetime over 2 s */
    for (time_t life = 3; life < 20000; life += 7) {
        time_t at = oss_cred_refresh_at(now, now + life);
        assert_true(at > now && at < now + life);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecs_answer),
        cmocka_unit_test(test_process_answer_with_zone_and_extras),
        cmocka_unit_test(test_static_keys_never_expire),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_inline_edge_cases),
        cmocka_unit_test(test_time_forms),
        cmocka_unit_test(test_refresh_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
