/* Transport tests against a scripted in-process HTTP server: retries (5xx, 429, dropped
 * connections) with the body resent from memory or from a file, no retry on 4xx, HEAD errors
 * from x-oss-err, keep-alive across requests and threads, the headers actually sent, and
 * GetObject resumed after an answer cut mid-body. */
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
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "oss/client.h"
#include "oss/codec.h"

#define MAX_SCRIPT 8
#define MAX_SEEN   256

/* One scripted answer; raw NULL means a plain 200 with an x-oss-request-id. "CLOSE" drops the
 * connection without answering; "CUT:" followed by an answer sends that answer and closes, so
 * an answer shorter than its Content-Length is cut mid-body. */
static const char *script[MAX_SCRIPT + 4];
static int nscript;

static struct {
    char head[4096];
    size_t body_len;
    char body_md5[33];
} seen[MAX_SEEN];
static int nseen, nconns;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd = -1;
static char url[64];

static const char ok_answer[] = "HTTP/1.1 200 OK\r\nx-oss-request-id: REQ-OK\r\n"
                                "Content-Length: 0\r\n\r\n";

static int read_request(int fd, char *head, size_t headcap, struct oss_buf *body)
{
    size_t used = 0;
    char *end = NULL;

    while (end == NULL) {
        if (used + 1 >= headcap)
            return -1;
        ssize_t n = recv(fd, head + used, 1, 0); /* byte by byte: never read past the head */
        if (n <= 0)
            return -1;
        used += (size_t)n;
        head[used] = 0;
        end = strstr(head, "\r\n\r\n");
    }
    size_t cl = 0;
    const char *p = strcasestr(head, "\r\nContent-Length:");
    if (p)
        cl = strtoul(p + 17, NULL, 10);
    oss_buf_reset(body);
    while (body->len < cl) {
        char chunk[65536];
        size_t want = cl - body->len < sizeof chunk ? cl - body->len : sizeof chunk;
        ssize_t n = recv(fd, chunk, want, 0);
        if (n <= 0)
            return -1;
        oss_buf_append(body, chunk, (size_t)n);
    }
    return 0;
}

static void *conn_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char head[4096];
    struct oss_buf body = OSS_BUF_INIT;

    while (read_request(fd, head, sizeof head, &body) == 0) {
        pthread_mutex_lock(&lock);
        int idx = nseen++;
        if (idx < MAX_SEEN) {
            unsigned char md5[16];
            snprintf(seen[idx].head, sizeof seen[idx].head, "%s", head);
            seen[idx].body_len = body.len;
            oss_md5(body.data ? body.data : "", body.len, md5);
            oss_hex(md5, 16, 0, seen[idx].body_md5);
        }
        /* A copy: the test may free its script as soon as the client has the answer, which
         * can be before send() returns here. */
        char *copy = strdup(idx < nscript && script[idx] ? script[idx] : ok_answer);
        pthread_mutex_unlock(&lock);
        if (!copy || strcmp(copy, "CLOSE") == 0) {
            free(copy);
            break;
        }
        int cut = strncmp(copy, "CUT:", 4) == 0;
        const char *answer = cut ? copy + 4 : copy;
        int failed = send(fd, answer, strlen(answer), MSG_NOSIGNAL) < 0;
        free(copy);
        if (failed || cut)
            break;
    }
    oss_buf_cleanup(&body);
    close(fd);
    return NULL;
}

static void *accept_main(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_mutex_lock(&lock);
        nconns++;
        pthread_mutex_unlock(&lock);
        pthread_t t;
        pthread_create(&t, NULL, conn_main, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static int group_setup(void **state)
{
    (void)state;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    pthread_t t;

    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(listen_fd, 64) < 0 || getsockname(listen_fd, (struct sockaddr *)&a, &al) < 0)
        return -1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    pthread_create(&t, NULL, accept_main, NULL);
    pthread_detach(t);
    return 0;
}

static void reset(const char **answers, int n)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n; i++)
        script[i] = answers[i];
    nscript = n;
    nseen = 0;
    nconns = 0;
    pthread_mutex_unlock(&lock);
}

static struct oss_client *new_client(int retries, const char *region)
{
    struct oss_error e;
    struct oss_client_config cfg = {.url = url,
                                    .region = region,
                                    .akid = "LTAItest",
                                    .secret = "test-secret",
                                    .retries = retries,
                                    .retry_base_ms = 1};
    struct oss_client *c = oss_client_new(&cfg, &e);
    assert_non_null(c);
    return c;
}

static const char err503[] = "HTTP/1.1 503 Service Unavailable\r\nx-oss-request-id: REQ-503\r\n"
                             "Content-Length: 0\r\n\r\n";
static const char err429[] = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n";
#define ERR403_BODY                                                                                \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"                 \
    "<Message>no</Message><RequestId>REQ-403</RequestId><HostId>h</HostId></Error>"
static char err403[512];

static void test_retry_5xx_then_ok(void **state)
{
    (void)state;
    const char *answers[] = {err503, err429, "CLOSE"};
    struct oss_client *c = new_client(3, NULL);
    struct oss_error e;
    char body[] = "payload that must be resent identically";

    reset(answers, 3);
    int rc = oss_put_object(c, "bkt", "k", body, strlen(body), NULL, NULL, &e);
    assert_int_equal(rc, 0);
    assert_string_equal(e.request_id, "REQ-OK");
    assert_int_equal(nseen, 4);
    for (int i = 1; i < nseen; i++) {
        assert_int_equal(seen[i].body_len, strlen(body));
        assert_string_equal(seen[i].body_md5, seen[0].body_md5);
    }
    oss_client_free(c);
}

static void test_retry_fd_body(void **state)
{
    (void)state;
    const char *answers[] = {err503, err503};
    struct oss_client *c = new_client(2, "cn-hangzhou");
    struct oss_error e;
    char path[] = "/tmp/oss-http-test-XXXXXX";
    int fd = mkstemp(path);
    static char data[300000];

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 7);
    assert_int_equal(write(fd, data, sizeof data), (ssize_t)sizeof data);
    unlink(path);
    reset(answers, 2);
    assert_int_equal(oss_put_object_fd(c, "bkt", "big", fd, 1000, 200000, NULL, NULL, &e), 0);
    assert_int_equal(nseen, 3);
    unsigned char md5[16];
    char hex[33];
    oss_md5(data + 1000, 200000, md5);
    oss_hex(md5, 16, 0, hex);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(seen[i].body_len, 200000);
        assert_string_equal(seen[i].body_md5, hex);
    }
    close(fd);
    oss_client_free(c);
}

static void test_retries_spent(void **state)
{
    (void)state;
    const char *answers[] = {err503, err503, err503, err503};
    struct oss_client *c = new_client(2, NULL);
    struct oss_error e;
    char acl[24];

    reset(answers, 4);
    assert_int_equal(oss_get_bucket_acl(c, "bkt", acl, &e), -EIO);
    assert_int_equal(nseen, 3);
    assert_int_equal(e.http_status, 503);
    assert_string_equal(e.request_id, "REQ-503");

    const char *drops[] = {"CLOSE", "CLOSE", "CLOSE", "CLOSE", "CLOSE", "CLOSE", "CLOSE", "CLOSE"};
    reset(drops, 8);
    assert_int_equal(oss_get_bucket_acl(c, "bkt", acl, &e), -EIO);
    assert_true(nseen >= 3); /* libcurl may itself resend once on a reused connection */
    assert_int_equal(e.http_status, 0);
    oss_client_free(c);
}

static void test_no_retry_on_4xx(void **state)
{
    (void)state;
    const char *answers[] = {err403};
    struct oss_client *c = new_client(3, NULL);
    struct oss_error e;
    char acl[24];

    snprintf(err403, sizeof err403,
             "HTTP/1.1 403 Forbidden\r\nx-oss-request-id: REQ-403\r\n"
             "Content-Type: application/xml\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(ERR403_BODY), ERR403_BODY);
    reset(answers, 1);
    assert_int_equal(oss_get_bucket_acl(c, "bkt", acl, &e), -EACCES);
    assert_int_equal(nseen, 1);
    assert_string_equal(e.code, "AccessDenied");
    assert_string_equal(e.request_id, "REQ-403");
    assert_int_equal(e.http_status, 403);
    oss_client_free(c);
}

static void test_head_error_from_x_oss_err(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                      "<Message>gone</Message><RequestId>REQ-404</RequestId></Error>";
    struct oss_buf b64 = OSS_BUF_INIT, answer = OSS_BUF_INIT;
    oss_base64_encode(xml, strlen(xml), &b64);
    oss_buf_printf(&answer,
                   "HTTP/1.1 404 Not Found\r\nx-oss-request-id: REQ-404\r\nx-oss-err: %s\r\n"
                   "x-oss-ec: 0026-00000001\r\nContent-Length: 0\r\n\r\n",
                   oss_buf_str(&b64));
    const char *answers[] = {answer.data};
    struct oss_client *c = new_client(3, NULL);
    struct oss_error e;
    struct oss_object_meta m;

    reset(answers, 1);
    assert_int_equal(oss_head_object(c, "bkt", "missing", NULL, &m, &e), -ENOENT);
    assert_string_equal(e.code, "NoSuchKey");
    assert_string_equal(e.message, "gone");
    assert_string_equal(e.request_id, "REQ-404");
    assert_string_equal(e.ec, "0026-00000001");
    assert_int_equal(nseen, 1);
    assert_non_null(strstr(seen[0].head, "HEAD /bkt/missing HTTP/1.1"));
    oss_client_free(c);
    oss_buf_cleanup(&b64);
    oss_buf_cleanup(&answer);
}

/* Nothing the signature does not cover is added by libcurl. */
static void test_headers_sent(void **state)
{
    (void)state;
    struct oss_client *c = new_client(0, NULL);
    struct oss_error e;
    char acl[24];

    reset(NULL, 0);
    assert_int_equal(oss_put_bucket_access_monitor(c, "bkt", "Enabled", &e), 0);
    assert_int_equal(oss_get_bucket_acl(c, "bkt", acl, &e), -EIO); /* empty 200 body */
    assert_int_equal(oss_put_object(c, "bkt", "a/./b/../c d+e", "x", 1, NULL, NULL, &e), 0);
    assert_int_equal(nseen, 3);
    const char *put = seen[0].head, *get = seen[1].head, *obj = seen[2].head;
    assert_non_null(strstr(put, "PUT /bkt/?accessmonitor HTTP/1.1\r\n"));
    assert_non_null(strstr(put, "\r\nContent-Type: application/xml\r\n"));
    assert_non_null(strstr(put, "\r\nContent-MD5: "));
    assert_non_null(strstr(put, "\r\nAuthorization: OSS LTAItest:"));
    assert_null(strcasestr(put, "Expect:"));
    assert_null(strcasestr(put, "Accept"));
    assert_non_null(strstr(get, "GET /bkt/?acl HTTP/1.1\r\n"));
    assert_null(strcasestr(get, "Content-Type"));
    assert_null(strcasestr(get, "Accept"));
    assert_non_null(strstr(obj, "PUT /bkt/a/./b/../c%20d%2Be HTTP/1.1\r\n"));
    assert_non_null(strstr(obj, "\r\nContent-Type: application/octet-stream\r\n"));
    oss_client_free(c);
}

/* Uploads carry Content-MD5 only when the client is configured for it (-o content_md5); the
 * CRC64 is what checks them otherwise. */
static void test_content_md5_option(void **state)
{
    (void)state;
    for (int on = 0; on <= 1; on++) {
        struct oss_error e;
        struct oss_part part;
        struct oss_client_config cfg = {.url = url,
                                        .akid = "LTAItest",
                                        .secret = "test-secret",
                                        .retry_base_ms = 1,
                                        .content_md5 = on};
        struct oss_client *c = oss_client_new(&cfg, &e);
        assert_non_null(c);
        reset(NULL, 0);
        assert_int_equal(oss_put_object(c, "bkt", "k", "x", 1, NULL, NULL, &e), 0);
        /* the fake answer has no ETag: the part is refused, but it was sent */
        oss_upload_part(c, "bkt", "k", "UPID", 1, "y", 1, &part, &e);
        assert_int_equal(nseen, 2);
        for (int i = 0; i < 2; i++) {
            if (on)
                assert_non_null(strstr(seen[i].head, "\r\nContent-MD5: "));
            else
                assert_null(strcasestr(seen[i].head, "Content-MD5"));
        }
        oss_client_free(c);
    }
}

/* Every error says which call it was: operation, bucket and key, recorded by the client,
 * also when the answer was refused after it arrived. */
static void test_error_names_the_call(void **state)
{
    (void)state;
    struct oss_client *c = new_client(0, NULL);
    struct oss_error e;
    struct oss_buf body = OSS_BUF_INIT;
    struct oss_list_params lp = {.prefix = "a/", .delimiter = "/"};
    struct oss_list_page page = {0};
    char acl[24];

    reset(NULL, 0);
    assert_int_equal(oss_put_bucket_access_monitor(c, "bkt", "Enabled", &e), 0);
    assert_string_equal(e.op, "PutBucketAccessMonitor");
    assert_string_equal(e.bucket, "bkt");
    assert_string_equal(e.key, "");
    assert_int_equal(oss_put_object(c, "bkt", "dir/k", "x", 1, NULL, NULL, &e), 0);
    assert_string_equal(e.op, "PutObject");
    assert_string_equal(e.key, "dir/k");
    oss_copy_object(c, "bkt", "a", "b", &e);
    assert_string_equal(e.op, "CopyObject");
    assert_string_equal(e.key, "b");
    assert_int_equal(oss_get_object_acl(c, "bkt", "k", NULL, acl, &e), -EIO);
    assert_string_equal(e.op, "GetObjectACL");
    char line[256];
    oss_error_format_call(&e, line, sizeof line);
    assert_non_null(strstr(line, "GetObjectACL bkt/k failed: "));
    assert_int_equal(oss_list_objects_v2(c, "bkt", &lp, &page, &e), -EIO);
    assert_string_equal(e.op, "ListObjectsV2");
    oss_list_page_cleanup(&page);
    assert_int_equal(oss_get_bucket_subresource(c, "bkt", "publicAccessBlock", &body, &e), 0);
    assert_string_equal(e.op, "GetBucketPublicAccessBlock");
    assert_int_equal(oss_get_object_acl(c, "bkt", "", NULL, acl, &e), -EINVAL); /* not sent */
    assert_string_equal(e.op, "");
    oss_buf_cleanup(&body);
    oss_client_free(c);
}

struct worker {
    struct oss_client *c;
    int failures;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct oss_error e;
    for (int i = 0; i < 25; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        if (oss_put_object(w->c, "bkt", key, key, strlen(key), NULL, NULL, &e) != 0)
            w->failures++;
    }
    return NULL;
}

/* Many threads on one client: every request succeeds and connections are reused. */
static void test_threads_keepalive(void **state)
{
    (void)state;
    struct oss_client *c = new_client(0, "cn-hangzhou");
    struct worker w[8];
    pthread_t t[8];

    reset(NULL, 0);
    for (int i = 0; i < 8; i++) {
        w[i] = (struct worker){.c = c};
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    assert_int_equal(nseen, 200);
    if (nconns > 16)
        fail_msg("%d connections for 200 requests from 8 threads", nconns);
    int before = nconns;
    struct oss_error e;
    assert_int_equal(oss_put_object(c, "bkt", "again", "x", 1, NULL, NULL, &e), 0);
    assert_int_equal(nconns, before); /* served on a kept-alive connection */
    oss_client_free(c);
}

static struct oss_client *client_for(const char *u, const char *region, int sigv1, int path_style)
{
    struct oss_error e;
    struct oss_client_config cfg = {.url = u,
                                    .region = region,
                                    .sigv1 = sigv1,
                                    .path_style = path_style,
                                    .akid = "LTAItest",
                                    .secret = "test-secret",
                                    .token = "sts-token"};
    return oss_client_new(&cfg, &e);
}

/* Endpoint parsing: region, signature version and addressing style. */
static void test_config(void **state)
{
    (void)state;
    static const char *const bad[] = {"ftp://h",        "http://user@h", "http://h:0",
                                      "http://h:99999", "http://h:80x",  "http://h/prefix",
                                      "http://h?x=1",   "http://",       "http://[::1",
                                      "http://[zz]:80", "http://a b"};
    struct oss_error e;
    struct oss_client *c;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct oss_client_config cfg = {.url = bad[i]};
        c = oss_client_new(&cfg, &e);
        if (c != NULL)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.err, -EINVAL);
    }
    struct oss_client_config none = {0}; /* the default region's public endpoint */
    c = oss_client_new(&none, &e);
    assert_non_null(c);
    assert_true(oss_client_uses_v4(c));
    oss_client_free(c);
    static const char *const bad_templates[] = {"http://oss-x.localhost", "oss-{region}.com",
                                                "http://h/{region}", "http://{region}{region}.h",
                                                "http://oss-{region}.h:99999"};
    for (size_t i = 0; i < sizeof bad_templates / sizeof bad_templates[0]; i++) {
        struct oss_client_config cfg = {.endpoint_template = bad_templates[i]};
        c = oss_client_new(&cfg, &e);
        if (c != NULL)
            fail_msg("accepted template %s", bad_templates[i]);
        assert_int_equal(e.err, -EINVAL);
    }

    c = client_for("https://oss-cn-hangzhou.aliyuncs.com", NULL, 0, 0);
    assert_true(oss_client_uses_v4(c));
    oss_client_free(c);
    c = client_for("https://oss-cn-hangzhou-internal.aliyuncs.com/", NULL, 1, 0);
    assert_false(oss_client_uses_v4(c));
    oss_client_free(c);
    c = client_for(NULL, "eu-central-1", 0, 0);
    assert_true(oss_client_uses_v4(c));
    oss_client_free(c);
    c = client_for("oss-ap-southeast-1.aliyuncs.com", NULL, 0, 0); /* https implied */
    assert_true(oss_client_uses_v4(c));
    oss_client_free(c);
    c = client_for("http://[::1]:9000", NULL, 0, 0);
    assert_non_null(c);
    assert_false(oss_client_uses_v4(c));
    oss_client_free(c);
}

/* IP and localhost endpoints use path style; other hosts get the bucket in the Host. */
static void test_addressing(void **state)
{
    (void)state;
    const char *port = strrchr(url, ':') + 1;
    char u[128];
    struct oss_error e;
    char acl[24];

    reset(NULL, 0);
    snprintf(u, sizeof u, "http://localhost:%s", port);
    struct oss_client *c = client_for(u, NULL, 0, 0);
    oss_put_object(c, "bkt", "dir/k", "x", 1, NULL, NULL, &e);
    oss_client_free(c);
    snprintf(u, sizeof u, "http://oss-test-region.localhost:%s", port);
    c = client_for(u, NULL, 0, 0);
    assert_true(oss_client_uses_v4(c));
    oss_put_object(c, "bkt", "dir/k", "x", 1, NULL, NULL, &e);
    oss_get_bucket_acl(c, "bkt", acl, &e);
    oss_client_free(c);
    c = client_for(u, NULL, 1, 1);
    oss_put_object(c, "bkt", "dir/k", "x", 1, NULL, NULL, &e);
    oss_client_free(c);

    assert_int_equal(nseen, 4);
    assert_non_null(strstr(seen[0].head, "PUT /bkt/dir/k HTTP/1.1\r\n"));
    assert_non_null(strstr(seen[0].head, "\r\nHost: localhost:"));
    assert_non_null(strstr(seen[0].head, "\r\nx-oss-security-token: sts-token\r\n"));
    assert_non_null(strstr(seen[1].head, "PUT /dir/k HTTP/1.1\r\n"));
    assert_non_null(strstr(seen[1].head, "\r\nHost: bkt.oss-test-region.localhost:"));
    assert_non_null(strstr(seen[1].head, "Credential=LTAItest/"));
    assert_non_null(strstr(seen[1].head, "/test-region/oss/aliyun_v4_request"));
    assert_non_null(strstr(seen[1].head, "\r\nx-oss-content-sha256: UNSIGNED-PAYLOAD\r\n"));
    assert_non_null(strstr(seen[2].head, "GET /?acl HTTP/1.1\r\n"));
    assert_non_null(strstr(seen[3].head, "PUT /bkt/dir/k HTTP/1.1\r\n"));
    assert_non_null(strstr(seen[3].head, "\r\nAuthorization: OSS LTAItest:"));
}

/* Regions: a bucket of another region goes to that region's endpoint (the template derived
 * from an oss-<region> url) and is signed with its region; OSS's endpoint refusal is followed
 * once and remembered; without a template it is not followed and the message names it. */
static void test_regions(void **state)
{
    (void)state;
    const char *port = strrchr(url, ':') + 1;
    const char *moved[] = {
        "HTTP/1.1 403 Forbidden\r\nx-oss-request-id: REQ-EP\r\nContent-Length: 146\r\n\r\n"
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
        "<Bucket>m</Bucket><Endpoint>oss-third-region.aliyuncs.com</Endpoint></Error>",
        ok_answer, ok_answer};
    char u[128], region[64];
    struct oss_error e;

    reset(NULL, 0);
    snprintf(u, sizeof u, "http://oss-test-region.localhost:%s", port);
    struct oss_client *c = client_for(u, NULL, 0, 0);
    assert_int_equal(oss_client_set_bucket_region(c, "far", "other-region"), 0);
    assert_int_equal(oss_client_set_bucket_region(c, "far", "Bad/Region"), -EINVAL);
    assert_int_equal(oss_client_bucket_region(c, "near", region, sizeof region), -ENOENT);
    oss_put_object(c, "far", "k", "x", 1, NULL, NULL, &e);
    oss_put_object(c, "near", "k", "x", 1, NULL, NULL, &e);
    assert_int_equal(nseen, 2);
    assert_non_null(strstr(seen[0].head, "\r\nHost: far.oss-other-region.localhost:"));
    assert_non_null(strstr(seen[0].head, "/other-region/oss/aliyun_v4_request"));
    assert_non_null(strstr(seen[1].head, "\r\nHost: near.oss-test-region.localhost:"));
    assert_non_null(strstr(seen[1].head, "/test-region/oss/aliyun_v4_request"));

    reset(moved, 3);
    assert_int_equal(oss_put_bucket_acl(c, "m", "private", &e), 0);
    assert_int_equal(oss_put_bucket_acl(c, "m", "private", &e), 0);
    assert_int_equal(nseen, 3); /* refused, sent again, then straight to its region */
    assert_non_null(strstr(seen[0].head, "\r\nHost: m.oss-test-region.localhost:"));
    assert_non_null(strstr(seen[1].head, "\r\nHost: m.oss-third-region.localhost:"));
    assert_non_null(strstr(seen[1].head, "/third-region/oss/aliyun_v4_request"));
    assert_non_null(strstr(seen[2].head, "\r\nHost: m.oss-third-region.localhost:"));
    assert_int_equal(oss_client_bucket_region(c, "m", region, sizeof region), 0);
    assert_string_equal(region, "third-region");
    oss_client_free(c);

    c = new_client(0, NULL); /* an IP url: one endpoint */
    reset(moved, 1);
    assert_int_equal(oss_put_bucket_acl(c, "m", "private", &e), -EACCES);
    assert_int_equal(nseen, 1);
    assert_non_null(strstr(e.message, "(endpoint oss-third-region.aliyuncs.com)"));
    oss_client_free(c);
}

/* Uploads and whole downloads are checked against x-oss-hash-crc64ecma. */
static void test_crc_mismatch(void **state)
{
    (void)state;
    const char *answers[] = {
        "HTTP/1.1 200 OK\r\nx-oss-request-id: REQ-CRC\r\nx-oss-hash-crc64ecma: 1\r\n"
        "Content-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nx-oss-request-id: REQ-CRC\r\nx-oss-hash-crc64ecma: 1\r\n"
        "Content-Length: 9\r\n\r\n123456789",
        "HTTP/1.1 200 OK\r\nx-oss-request-id: REQ-GOOD\r\n"
        "x-oss-hash-crc64ecma: 11051210869376104954\r\nContent-Length: 9\r\n\r\n123456789",
    };
    struct oss_client *c = new_client(0, NULL);
    struct oss_buf out = OSS_BUF_INIT;
    struct oss_error e;

    reset(answers, 3);
    assert_int_equal(oss_put_object(c, "bkt", "k", "abc", 3, NULL, NULL, &e), -EIO);
    assert_string_equal(e.code, "CRC64Mismatch");
    assert_string_equal(e.request_id, "REQ-CRC");
    oss_buf_puts(&out, "kept");
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, NULL, &e), -EIO);
    assert_string_equal(e.code, "CRC64Mismatch");
    assert_string_equal(oss_buf_str(&out), "kept"); /* nothing unverified appended */
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, NULL, &e), 0);
    assert_string_equal(oss_buf_str(&out), "kept123456789");
    oss_buf_cleanup(&out);
    oss_client_free(c);
}

/* A server that ignores Range (200, whole object) is sliced; 416 reads as nothing. */
static void test_range_fallbacks(void **state)
{
    (void)state;
    const char *answers[] = {
        "HTTP/1.1 200 OK\r\nx-oss-request-id: R\r\nContent-Length: 10\r\n\r\n0123456789",
        "HTTP/1.1 200 OK\r\nx-oss-request-id: R\r\nContent-Length: 10\r\n\r\n0123456789",
        "HTTP/1.1 416 Requested Range Not Satisfiable\r\nx-oss-request-id: R416\r\n"
        "Content-Length: 0\r\n\r\n",
        "HTTP/1.1 206 Partial Content\r\nx-oss-request-id: R\r\nContent-Range: bytes 2-4/10\r\n"
        "Content-Length: 3\r\n\r\n234",
    };
    struct oss_client *c = new_client(0, NULL);
    struct oss_buf out = OSS_BUF_INIT;
    struct oss_object_meta m;
    struct oss_error e;

    reset(answers, 4);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 3, 4, &out, NULL, &e), 0);
    assert_string_equal(oss_buf_str(&out), "3456");
    oss_buf_reset(&out);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 8, 0, &out, NULL, &e), 0);
    assert_string_equal(oss_buf_str(&out), "89");
    oss_buf_reset(&out);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 50, 5, &out, NULL, &e), 0);
    assert_int_equal(out.len, 0);
    assert_string_equal(e.request_id, "R416");
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 2, 3, &out, &m, &e), 0);
    assert_string_equal(oss_buf_str(&out), "234");
    assert_int_equal(m.size, 10);
    oss_object_meta_cleanup(&m);
    assert_non_null(strstr(seen[0].head, "\r\nRange: bytes=3-6\r\n"));
    assert_non_null(strstr(seen[0].head, "\r\nx-oss-range-behavior: standard\r\n"));
    assert_non_null(strstr(seen[1].head, "\r\nRange: bytes=8-\r\n"));
    oss_buf_cleanup(&out);
    oss_client_free(c);
}

/* The answers of a 9-byte object "123456789" (its CRC64 is 11051210869376104954). */
#define OBJ_HEAD                                                                                   \
    "ETag: \"E1\"\r\nx-oss-hash-crc64ecma: 11051210869376104954\r\n"                               \
    "Last-Modified: Wed, 25 Nov 2026 13:00:00 GMT\r\n"

static int header_has(int i, const char *line)
{
    return strstr(seen[i].head, line) != NULL;
}

/* A whole GET cut mid-body is resumed with ranged GETs pinned to the first ETag, within the
 * retry budget (a 503 on the way counts too); the bytes arrive once and the CRC64 of the
 * whole object is checked across the parts. */
static void test_get_resume(void **state)
{
    (void)state;
    const char *answers[] = {
        "CUT:HTTP/1.1 200 OK\r\nx-oss-request-id: R1\r\n" OBJ_HEAD "Content-Length: 9\r\n\r\n1234",
        err503,
        "CUT:HTTP/1.1 206 Partial Content\r\nx-oss-request-id: R3\r\n" OBJ_HEAD
        "Content-Range: bytes 4-8/9\r\nContent-Length: 5\r\n\r\n56",
        "HTTP/1.1 206 Partial Content\r\nx-oss-request-id: R4\r\n" OBJ_HEAD
        "Content-Range: bytes 6-8/9\r\nContent-Length: 3\r\n\r\n789",
    };
    struct oss_client *c = new_client(3, NULL);
    struct oss_buf out = OSS_BUF_INIT;
    struct oss_object_meta m;
    struct oss_error e;

    reset(answers, 4);
    oss_buf_puts(&out, ">");
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, &m, &e), 0);
    assert_string_equal(oss_buf_str(&out), ">123456789");
    assert_string_equal(e.request_id, "R4");
    assert_int_equal(m.size, 9);
    assert_string_equal(m.etag, "E1");
    oss_object_meta_cleanup(&m);
    assert_int_equal(nseen, 4);
    assert_null(strcasestr(seen[0].head, "\r\nRange:"));
    assert_null(strcasestr(seen[0].head, "\r\nIf-Match:"));
    for (int i = 1; i <= 2; i++) {
        assert_true(header_has(i, "GET /bkt/k HTTP/1.1\r\n"));
        assert_true(header_has(i, "\r\nRange: bytes=4-8\r\n"));
        assert_true(header_has(i, "\r\nIf-Match: \"E1\"\r\n"));
        assert_true(header_has(i, "\r\nx-oss-range-behavior: standard\r\n"));
    }
    assert_true(header_has(3, "\r\nRange: bytes=6-8\r\n"));
    assert_true(header_has(3, "\r\nIf-Match: \"E1\"\r\n"));

    /* The same with a wrong CRC64 in the first answer: the parts do not make that object. */
    const char *bad_crc[] = {
        "CUT:HTTP/1.1 200 OK\r\nETag: \"E1\"\r\nx-oss-hash-crc64ecma: 1\r\n"
        "Content-Length: 9\r\n\r\n1234",
        "HTTP/1.1 206 Partial Content\r\nx-oss-request-id: R2\r\n" OBJ_HEAD
        "Content-Range: bytes 4-8/9\r\nContent-Length: 5\r\n\r\n56789",
    };
    reset(bad_crc, 2);
    oss_buf_reset(&out);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, NULL, &e), -EIO);
    assert_string_equal(e.code, "CRC64Mismatch");
    assert_int_equal(out.len, 0);
    assert_int_equal(nseen, 2);
    oss_buf_cleanup(&out);
    oss_client_free(c);
}

/* A resumption answered 412 (the ETag moved on) fails with ObjectChanged and nothing is kept;
 * resumptions stop when the retry budget is spent; an answer without an ETag is not resumed. */
static void test_get_resume_refused(void **state)
{
    (void)state;
    static const char cut[] = "CUT:HTTP/1.1 200 OK\r\n" OBJ_HEAD "Content-Length: 9\r\n\r\n1234";
    const char *changed[] = {
        cut,
        "HTTP/1.1 412 Precondition Failed\r\nx-oss-request-id: R412\r\n"
        "Content-Type: application/xml\r\nContent-Length: 50\r\n\r\n"
        "<Error><Code>PreconditionFailed</Code></Error>\n   ",
    };
    struct oss_client *c = new_client(3, NULL);
    struct oss_buf out = OSS_BUF_INIT;
    struct oss_object_meta m;
    struct oss_error e;

    reset(changed, 2);
    oss_buf_puts(&out, "kept");
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, &m, &e), -EIO);
    assert_string_equal(e.code, "ObjectChanged");
    assert_int_equal(e.http_status, 412);
    assert_string_equal(e.request_id, "R412");
    assert_string_equal(oss_buf_str(&out), "kept");
    assert_int_equal(m.size, 0);
    assert_int_equal(nseen, 2);
    assert_true(header_has(1, "\r\nIf-Match: \"E1\"\r\n"));
    oss_client_free(c);

    const char *cuts[] = {cut,
                          "CUT:HTTP/1.1 206 Partial Content\r\n" OBJ_HEAD
                          "Content-Range: bytes 4-8/9\r\nContent-Length: 5\r\n\r\n5",
                          "CUT:HTTP/1.1 206 Partial Content\r\n" OBJ_HEAD
                          "Content-Range: bytes 5-8/9\r\nContent-Length: 4\r\n\r\n6"};
    c = new_client(2, NULL);
    reset(cuts, 3);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, NULL, &e), -EIO);
    assert_int_equal(e.http_status, 0);
    assert_string_equal(oss_buf_str(&out), "kept");
    assert_int_equal(nseen, 3); /* one attempt and two retries, all cut */
    assert_true(header_has(2, "\r\nRange: bytes=5-8\r\n"));

    const char *no_etag[] = {"CUT:HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n1234"};
    reset(no_etag, 1);
    assert_int_equal(oss_get_object(c, "bkt", "k", NULL, 0, 0, &out, NULL, &e), -EIO);
    assert_int_equal(nseen, 1);
    oss_buf_cleanup(&out);
    oss_client_free(c);
}

static int record_sink(const void *data, size_t len, void *arg)
{
    return oss_buf_append(arg, data, len);
}

/* A ranged read streamed to a sink from a server that ignores the range (200, whole object)
 * and cuts it: the wanted bytes arrive once, in order, and the resumption asks only for what
 * is missing; a cut after every wanted byte arrived needs no resumption. */
static void test_get_resume_sink_range(void **state)
{
    (void)state;
    const char *answers[] = {
        "CUT:HTTP/1.1 200 OK\r\n" OBJ_HEAD "Content-Length: 9\r\n\r\n12345",
        "HTTP/1.1 206 Partial Content\r\nx-oss-request-id: R2\r\n" OBJ_HEAD
        "Content-Range: bytes 5-5/9\r\nContent-Length: 1\r\n\r\n6",
        "CUT:HTTP/1.1 200 OK\r\nx-oss-request-id: R3\r\n" OBJ_HEAD "Content-Length: 9\r\n\r\n12345",
    };
    struct oss_client *c = new_client(3, NULL);
    struct oss_buf got = OSS_BUF_INIT;
    struct oss_error e;

    reset(answers, 3);
    assert_int_equal(oss_get_object_to(c, "bkt", "k", NULL, 2, 4, record_sink, &got, NULL, &e), 0);
    assert_string_equal(oss_buf_str(&got), "3456");
    assert_int_equal(nseen, 2);
    assert_true(header_has(0, "\r\nRange: bytes=2-5\r\n"));
    assert_true(header_has(1, "\r\nRange: bytes=5-5\r\n"));
    assert_true(header_has(1, "\r\nIf-Match: \"E1\"\r\n"));

    oss_buf_reset(&got);
    assert_int_equal(oss_get_object_to(c, "bkt", "k", NULL, 0, 3, record_sink, &got, NULL, &e), 0);
    assert_string_equal(oss_buf_str(&got), "123");
    assert_string_equal(e.request_id, "R3");
    assert_int_equal(nseen, 3);
    oss_buf_cleanup(&got);
    oss_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_5xx_then_ok),
        cmocka_unit_test(test_retry_fd_body),
        cmocka_unit_test(test_retries_spent),
        cmocka_unit_test(test_no_retry_on_4xx),
        cmocka_unit_test(test_head_error_from_x_oss_err),
        cmocka_unit_test(test_headers_sent),
        cmocka_unit_test(test_content_md5_option),
        cmocka_unit_test(test_error_names_the_call),
        cmocka_unit_test(test_threads_keepalive),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_addressing),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_crc_mismatch),
        cmocka_unit_test(test_range_fallbacks),
        cmocka_unit_test(test_get_resume),
        cmocka_unit_test(test_get_resume_refused),
        cmocka_unit_test(test_get_resume_sink_range),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
