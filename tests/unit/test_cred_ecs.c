/* ram_role=: the ECS metadata client against a fake metadata service run in a thread of this
 * test: the hardened-mode session token is asked for and sent, "auto" takes the listed role,
 * the plain mode works when no token is granted, and HTTP failures and bad role names give
 * clear errors without secrets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "oss/credentials.h"

#define CRED_PATH "/latest/meta-data/ram/security-credentials/"

static int lfd = -1;
static char base[64];
static pthread_t th;
static int grant_token = 1;    /* answer PUT /latest/api/token */
static int saw_token_on_get;   /* a GET came with the granted token */
static int gets_without_token; /* GETs without it */
static char last_path[256];

static const char *doc = "{\"Code\":\"Success\",\"AccessKeyId\":\"STS.ecs01\","
                         "\"AccessKeySecret\":\"ecs-secret-value\",\"SecurityToken\":\"ecs-tok"
                         "en-value\",\"Expiration\":\"2030-01-01T00:00:00Z\","
                         "\"LastUpdated\":\"2029-12-31T18:00:00Z\"}";

static void reply(int fd, int status, const char *body)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
                     strlen(body));
    if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0)
        return;
}

/* Serves one request per connection until the listening socket is shut down. */
static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        char req[4096] = "";
        size_t len = 0;
        while (len < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
            ssize_t r = read(fd, req + len, sizeof req - 1 - len);
            if (r <= 0)
                break;
            len += (size_t)r;
            req[len] = 0;
        }
        req[len] = 0;
        char method[8] = "", path[256] = "";
        sscanf(req, "%7s %255s", method, path);
        snprintf(last_path, sizeof last_path, "%s", path);
        int has_tok = strstr(req, "X-aliyun-ecs-metadata-token: tok-123\r\n") != NULL;
        if (strcmp(method, "PUT") == 0 && strcmp(path, "/latest/api/token") == 0) {
            if (grant_token && strstr(req, "X-aliyun-ecs-metadata-token-ttl-seconds: "))
                reply(fd, 200, "tok-123");
            else
                reply(fd, 404, "not here");
        } else if (strcmp(method, "GET") == 0) {
            if (has_tok)
                saw_token_on_get = 1;
            else
                gets_without_token++;
            if (grant_token && !has_tok)
                reply(fd, 401, "token required");
            else if (strcmp(path, CRED_PATH) == 0)
                reply(fd, 200, "role-a\n");
            else if (strcmp(path, CRED_PATH "role-a") == 0)
                reply(fd, 200, doc);
            else if (strcmp(path, CRED_PATH "role-bad") == 0)
                reply(fd, 200, "{\"Code\":\"Failed\",\"AccessKeySecret\":\"bad-secret-value\"}");
            else
                reply(fd, 404, "no");
        } else {
            reply(fd, 405, "");
        }
        close(fd);
    }
}

static int setup(void **state)
{
    (void)state;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 16) < 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
        return -1;
    snprintf(base, sizeof base, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
    return pthread_create(&th, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    shutdown(lfd, SHUT_RDWR);
    close(lfd);
    pthread_join(th, NULL);
    return 0;
}

static void test_named_role_hardened_mode(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256];
    grant_token = 1;
    saw_token_on_get = gets_without_token = 0;
    assert_int_equal(oss_cred_from_ecs(base, "role-a", 5000, &cr, &exp, why, sizeof why), 0);
    assert_string_equal(cr.akid, "STS.ecs01");
    assert_string_equal(cr.secret, "ecs-secret-value");
    assert_string_equal(cr.token, "ecs-token-value");
    struct tm tm = {.tm_year = 130, .tm_mon = 0, .tm_mday = 1};
    assert_int_equal(exp, timegm(&tm));
    assert_int_equal(saw_token_on_get, 1);
    assert_int_equal(gets_without_token, 0);
    assert_string_equal(last_path, CRED_PATH "role-a");
    oss_credentials_cleanup(&cr);
}

static void test_auto_role_plain_mode(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256];
    grant_token = 0;
    saw_token_on_get = gets_without_token = 0;
    assert_int_equal(oss_cred_from_ecs(base, "auto", 5000, &cr, &exp, why, sizeof why), 0);
    assert_string_equal(cr.akid, "STS.ecs01");
    assert_int_equal(gets_without_token, 2); /* the role list, then the role */
    oss_credentials_cleanup(&cr);
    struct oss_cred_source src = {.kind = OSS_CRED_ECS_ROLE, .role = "", .metadata_url = base};
    assert_int_equal(oss_cred_fetch(&src, &cr, &exp, why, sizeof why), 0);
    assert_string_equal(cr.akid, "STS.ecs01");
    oss_credentials_cleanup(&cr);
}

static void test_failures(void **state)
{
    (void)state;
    struct oss_credentials cr;
    time_t exp;
    char why[256];
    grant_token = 1;
    assert_int_equal(oss_cred_from_ecs(base, "role-missing", 5000, &cr, &exp, why, sizeof why),
                     -ENOENT);
    assert_non_null(strstr(why, "404"));
    assert_int_equal(oss_cred_from_ecs(base, "role-bad", 5000, &cr, &exp, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, "Failed"));
    assert_null(strstr(why, "-value"));
    assert_null(cr.akid);
    assert_int_equal(oss_cred_from_ecs(base, "../../etc", 5000, &cr, &exp, why, sizeof why),
                     -EINVAL);
    /* nothing listens on port 9 of loopback */
    assert_int_equal(
        oss_cred_from_ecs("http://127.0.0.1:9", "role-a", 2000, &cr, &exp, why, sizeof why), -EIO);
    assert_non_null(strstr(why, "cannot reach"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_role_hardened_mode),
        cmocka_unit_test(test_auto_role_plain_mode),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
