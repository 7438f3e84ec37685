/* The client's transport options (src/oss/http.c): which proxy URLs -o proxy= accepts, and how
 * cafile= and the CURL_CA_BUNDLE / SSL_CERT_FILE environment are checked when the client is
 * made: a file that cannot be read or holds no certificate is refused with its name, and
 * CURL_CA_BUNDLE is consulted before SSL_CERT_FILE. Connections over TLS are tested for real in
 * tests/integration/test_tls.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "oss/client.h"

static char dir[] = "/tmp/oss-transport-XXXXXX";
static char pem[64], notpem[64], missing[64];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(pem, sizeof pem, "%s/ca.pem", dir);
    snprintf(notpem, sizeof notpem, "%s/key.pem", dir);
    snprintf(missing, sizeof missing, "%s/missing.pem", dir);
    FILE *f = fopen(pem, "w"), *g = fopen(notpem, "w");
    if (!f || !g)
        return -1;
    /* Only the form is checked when the client is made; the contents are libcurl's business. */
    fputs("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", f);
    fputs("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", g);
    fclose(f);
    fclose(g);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(pem);
    unlink(notpem);
    rmdir(dir);
    return 0;
}

/* Makes a client; returns 0 on success, else the errno with err filled. */
static int make(const char *cafile, const char *proxy, struct oss_error *e)
{
    struct oss_client_config cfg = {
        .url = "https://oss-cn-hangzhou.aliyuncs.com", .cafile = cafile, .proxy = proxy};
    struct oss_client *c = oss_client_new(&cfg, e);
    if (!c)
        return e->err;
    oss_client_free(c);
    return 0;
}

static void test_proxy_urls(void **state)
{
    static const char *const good[] = {"",
                                       "http://127.0.0.1:3128",
                                       "HTTP://proxy.example:8080/",
                                       "proxy.example:3128",
                                       "proxy.example",
                                       "http://user:secret@proxy.example:3128",
                                       "http://[::1]:3128"};
    static const char *const bad[] = {"socks5://127.0.0.1:1080",
                                      "https://proxy.example:443",
                                      "http://",
                                      "http://:3128",
                                      "http://proxy/path",
                                      "http://proxy?x",
                                      "http://pro xy:1",
                                      "ftp://p"};
    struct oss_error e;
    (void)state;
    unsetenv("CURL_CA_BUNDLE");
    unsetenv("SSL_CERT_FILE");
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (make(NULL, good[i], &e) != 0)
            fail_msg("refused proxy %s: %s", good[i], e.message);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (make(NULL, bad[i], &e) != -EINVAL)
            fail_msg("accepted proxy %s", bad[i]);
        assert_string_equal(e.code, "TransportOption");
        assert_non_null(strstr(e.message, "proxy: expected http://HOST[:PORT]"));
        assert_null(strstr(e.message, "secret"));
    }
}

static void test_cafile(void **state)
{
    struct oss_error e;
    char want[128];
    (void)state;
    unsetenv("CURL_CA_BUNDLE");
    unsetenv("SSL_CERT_FILE");
    assert_int_equal(make(pem, NULL, &e), 0);
    assert_int_equal(make(missing, NULL, &e), -ENOENT);
    assert_string_equal(e.code, "TransportOption");
    snprintf(want, sizeof want, "cafile %s: %s", missing, strerror(ENOENT));
    assert_string_equal(e.message, want);
    assert_int_equal(make(notpem, NULL, &e), -EINVAL);
    snprintf(want, sizeof want, "cafile %s: no PEM certificate in it", notpem);
    assert_string_equal(e.message, want);
    assert_int_equal(make(dir, NULL, &e), -EISDIR);
}

static void test_environment(void **state)
{
    struct oss_error e;
    (void)state;
    unsetenv("CURL_CA_BUNDLE");
    setenv("SSL_CERT_FILE", missing, 1);
    assert_int_equal(make(NULL, NULL, &e), -ENOENT);
    assert_non_null(strstr(e.message, "SSL_CERT_FILE: "));
    assert_int_equal(make(pem, NULL, &e), -ENOENT); /* cafile= adds to it: still refused */
    setenv("SSL_CERT_FILE", "", 1);                 /* empty: as unset */
    assert_int_equal(make(NULL, NULL, &e), 0);
    setenv("SSL_CERT_FILE", notpem, 1);
    assert_int_equal(make(NULL, NULL, &e), -EINVAL);
    assert_non_null(strstr(e.message, "SSL_CERT_FILE: no PEM certificate in it"));
    setenv("CURL_CA_BUNDLE", pem, 1); /* consulted first: SSL_CERT_FILE is not read */
    assert_int_equal(make(NULL, NULL, &e), 0);
    setenv("CURL_CA_BUNDLE", missing, 1);
    assert_int_equal(make(NULL, NULL, &e), -ENOENT);
    assert_non_null(strstr(e.message, "CURL_CA_BUNDLE: "));
    unsetenv("CURL_CA_BUNDLE");
    unsetenv("SSL_CERT_FILE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy_urls),
        cmocka_unit_test(test_cafile),
        cmocka_unit_test(test_environment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
