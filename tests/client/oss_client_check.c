/* End-to-end check of the OSS client library against a live server (ossemu): every operation
 * of include/oss/client.h as the owner, and each refusal as the right errno, OSS code and a
 * request id. Prints one "ok"/"not ok" line per check and, with --expect-log, writes the
 * request-log lines the server should have recorded (op, bucket, key, code; tab-separated).
 *
 * Usage: oss_client_check --url URL --bucket NAME [--region R] [--sigv1] [--expect-log FILE]
 * Credentials come from the environment (never argv): OWNER_AKID/OWNER_SECRET (account that
 * owns NAME), OTHER_AKID/OTHER_SECRET (a second account), RAM_AKID/RAM_SECRET (a RAM user of
 * the owner's account allowed oss:Get* and oss:List* only). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oss/client.h"
#include "oss/codec.h"
#include "oss/crc64.h"

static const char *opt_url, *opt_region, *opt_bucket;
static int opt_sigv1;
static FILE *explog;
static int failures, checks;

static void result(int good, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void result(int good, const char *fmt, ...)
{
    va_list ap;
    checks++;
    if (!good)
        failures++;
    printf("%s - ", good ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Records the log line the server should write for one request. */
static void expect(const char *op, const char *bucket, const char *key, const char *code)
{
    if (explog)
        fprintf(explog, "%s\t%s\t%s\t%s\n", op, bucket ? bucket : "", key ? key : "", code);
}

/* A successful call: rc 0 and a request id. */
static void check_ok(const char *what, int rc, const struct oss_error *e)
{
    char line[512];
    if (rc == 0 && e->request_id[0]) {
        result(1, "%s", what);
        return;
    }
    oss_error_format(e, line, sizeof line);
    result(0, "%s: rc %d, %s", what, rc, line);
}

/* A refusal: the errno, the OSS code and a request id. */
static void check_refused(const char *what, int rc, const struct oss_error *e, int want_errno,
                          const char *want_code)
{
    char line[512];
    int good = rc == -want_errno && e->err == -want_errno && e->request_id[0] &&
               (want_code == NULL || strcmp(e->code, want_code) == 0);
    oss_error_format(e, line, sizeof line);
    result(good, "%s refused with %s %s: rc %d, %s", what, strerror(want_errno),
           want_code ? want_code : "", rc, line);
}

static struct oss_client *client(const char *akid_env, const char *secret_env,
                                 const char *secret_override)
{
    struct oss_error e;
    struct oss_client_config cfg = {
        .url = opt_url,
        .region = opt_region,
        .sigv1 = opt_sigv1,
        .akid = getenv(akid_env),
        .secret = secret_override ? secret_override : getenv(secret_env),
        .retries = 1,
        .retry_base_ms = 10,
    };
    struct oss_client *c = oss_client_new(&cfg, &e);
    if (c == NULL) {
        fprintf(stderr, "oss_client_new: %s\n", e.message);
        exit(2);
    }
    return c;
}

static int sink_to_buf(const void *data, size_t len, void *arg)
{
    return oss_buf_append(arg, data, len);
}

static void md5_hex(const void *d, size_t n, char out[33])
{
    unsigned char md5[OSS_MD5_LEN];
    oss_md5(d, n, md5);
    oss_hex(md5, OSS_MD5_LEN, 1, out);
}

static void check_buckets_and_acl(struct oss_client *c, const char *b)
{
    struct oss_error e;
    struct oss_bucket_list l;
    char acl[24], st[16];
    int rc, found = 0;

    rc = oss_put_bucket(c, b, NULL, &e);
    check_ok("PutBucket", rc, &e);
    expect("PutBucket", b, NULL, "");

    rc = oss_list_buckets(c, &l, &e);
    check_ok("ListBuckets", rc, &e);
    expect("ListBuckets", NULL, NULL, "");
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        found |= strcmp(l.buckets[i].name, b) == 0 && l.buckets[i].created > 0;
    result(found, "ListBuckets lists %s with its creation time", b);
    oss_bucket_list_cleanup(&l);

    rc = oss_get_bucket_acl(c, b, acl, &e);
    check_ok("GetBucketAcl", rc, &e);
    expect("GetBucketAcl", b, NULL, "");
    result(rc == 0 && strcmp(acl, "private") == 0, "new bucket is private (%s)", acl);
    rc = oss_put_bucket_acl(c, b, "public-read", &e);
    check_ok("PutBucketAcl public-read", rc, &e);
    expect("PutBucketAcl", b, NULL, "");
    rc = oss_get_bucket_acl(c, b, acl, &e);
    expect("GetBucketAcl", b, NULL, "");
    result(rc == 0 && strcmp(acl, "public-read") == 0, "GetBucketAcl reads public-read (%s)", acl);
    rc = oss_put_bucket_acl(c, b, "private", &e);
    check_ok("PutBucketAcl private", rc, &e);
    expect("PutBucketAcl", b, NULL, "");
    rc = oss_put_bucket_acl(c, b, "bogus", &e);
    result(rc == -EINVAL, "PutBucketAcl bogus refused locally (no request)");

    rc = oss_get_bucket_access_monitor(c, b, st, &e);
    check_ok("GetBucketAccessMonitor", rc, &e);
    expect("GetBucketAccessMonitor", b, NULL, "");
    result(rc == 0 && strcmp(st, "Disabled") == 0, "access monitor starts Disabled (%s)", st);
    rc = oss_put_bucket_access_monitor(c, b, "Enabled", &e);
    check_ok("PutBucketAccessMonitor Enabled", rc, &e);
    expect("PutBucketAccessMonitor", b, NULL, "");
    rc = oss_get_bucket_access_monitor(c, b, st, &e);
    expect("GetBucketAccessMonitor", b, NULL, "");
    result(rc == 0 && strcmp(st, "Enabled") == 0, "access monitor now Enabled (%s)", st);
}

static const char body1[] = "hello, object storage: 0123456789";
static const char key1[] = "dir/a b+c%.txt";
static const char keyfd[] = "dir/from fd";
/* A control character and UTF-8 survive only through encoding-type=url listings. */
static const char keyctl[] = "k\x01"
                             "ctl \xc3\xa9";

static void check_objects(struct oss_client *c, const char *b)
{
    struct oss_error e;
    struct oss_object_meta m;
    struct oss_meta_pair meta[] = {{"Author", "alice"}};
    struct oss_put_opts po = {.content_type = "text/plain", .meta = meta, .nmeta = 1};
    char hex[33], acl[24];
    int rc;

    rc = oss_put_object(c, b, key1, body1, strlen(body1), &po, &m, &e);
    check_ok("PutObject from memory", rc, &e);
    expect("PutObject", b, key1, "");
    md5_hex(body1, strlen(body1), hex);
    result(rc == 0 && strcmp(m.etag, hex) == 0, "PutObject ETag is the MD5 (%s)", m.etag);
    result(rc == 0 && m.crc64 == oss_crc64(0, body1, strlen(body1)), "PutObject CRC64");
    oss_object_meta_cleanup(&m);

    /* From a file: bytes 5..5+20 of a temp file. */
    char path[] = "/tmp/oss-client-check-XXXXXX";
    int fd = mkstemp(path);
    const char *filedata = "0123456789abcdefghijklmnopqrstuvwxyz";
    if (fd < 0 || write(fd, filedata, strlen(filedata)) != (ssize_t)strlen(filedata)) {
        result(0, "temp file");
        return;
    }
    unlink(path);
    rc = oss_put_object_fd(c, b, keyfd, fd, 5, 20, NULL, &m, &e);
    check_ok("PutObject from fd", rc, &e);
    expect("PutObject", b, keyfd, "");
    md5_hex(filedata + 5, 20, hex);
    result(rc == 0 && strcmp(m.etag, hex) == 0 && m.size == 20, "PutObject fd range ETag");
    result(lseek(fd, 0, SEEK_CUR) == (off_t)strlen(filedata), "PutObject fd did not move fd");
    oss_object_meta_cleanup(&m);
    close(fd);

    rc = oss_head_object(c, b, key1, NULL, &m, &e);
    check_ok("HeadObject", rc, &e);
    expect("HeadObject", b, key1, "");
    md5_hex(body1, strlen(body1), hex);
    result(rc == 0 && m.size == strlen(body1) && strcmp(m.etag, hex) == 0 && m.mtime > 0 &&
               strcmp(m.type, "Normal") == 0 && m.has_crc64 &&
               m.crc64 == oss_crc64(0, body1, strlen(body1)),
           "HeadObject size %llu etag %s type %s mtime %lld", (unsigned long long)m.size, m.etag,
           m.type, (long long)m.mtime);
    result(rc == 0 && m.nmeta == 1 && strcmp(m.meta[0].name, "author") == 0 &&
               strcmp(m.meta[0].value, "alice") == 0 && strcmp(m.content_type, "text/plain") == 0,
           "HeadObject user metadata and Content-Type");
    oss_object_meta_cleanup(&m);

    rc = oss_get_object_meta(c, b, keyfd, NULL, &m, &e);
    check_ok("GetObjectMeta", rc, &e);
    expect("GetObjectMeta", b, keyfd, "");
    md5_hex(filedata + 5, 20, hex);
    result(rc == 0 && m.size == 20 && strcmp(m.etag, hex) == 0, "GetObjectMeta size/etag");
    oss_object_meta_cleanup(&m);

    struct oss_buf out = OSS_BUF_INIT;
    rc = oss_get_object(c, b, key1, NULL, 0, 0, &out, &m, &e);
    check_ok("GetObject whole", rc, &e);
    expect("GetObject", b, key1, "");
    result(rc == 0 && out.len == strlen(body1) && memcmp(out.data, body1, out.len) == 0,
           "GetObject body");
    oss_object_meta_cleanup(&m);
    oss_buf_reset(&out);
    rc = oss_get_object(c, b, key1, NULL, 7, 6, &out, &m, &e);
    check_ok("GetObject range", rc, &e);
    expect("GetObject", b, key1, "");
    result(rc == 0 && out.len == 6 && memcmp(out.data, body1 + 7, 6) == 0 &&
               m.size == strlen(body1),
           "GetObject range 7+6 = '%s', object size %llu", oss_buf_str(&out),
           (unsigned long long)m.size);
    oss_object_meta_cleanup(&m);
    oss_buf_reset(&out);
    rc = oss_get_object(c, b, key1, NULL, strlen(body1) - 3, 100, &out, NULL, &e);
    expect("GetObject", b, key1, "");
    result(rc == 0 && out.len == 3 && memcmp(out.data, body1 + strlen(body1) - 3, 3) == 0,
           "GetObject range past the end gives the tail");
    oss_buf_reset(&out);
    rc = oss_get_object(c, b, key1, NULL, strlen(body1) + 10, 5, &out, NULL, &e);
    expect("GetObject", b, key1, "*");
    result(rc == 0 && out.len == 0, "GetObject range after the end reads nothing (rc %d)", rc);
    oss_buf_reset(&out);
    rc = oss_get_object_to(c, b, keyfd, NULL, 2, 0, sink_to_buf, &out, NULL, &e);
    check_ok("GetObject to a sink", rc, &e);
    expect("GetObject", b, keyfd, "");
    result(rc == 0 && out.len == 18 && memcmp(out.data, filedata + 7, 18) == 0,
           "GetObject sink from offset 2");
    oss_buf_cleanup(&out);

    rc = oss_get_object_acl(c, b, key1, NULL, acl, &e);
    check_ok("GetObjectACL", rc, &e);
    expect("GetObjectACL", b, key1, "");
    result(rc == 0 && strcmp(acl, "default") == 0, "new object ACL is default (%s)", acl);
    rc = oss_put_object_acl(c, b, key1, NULL, "public-read", &e);
    check_ok("PutObjectACL", rc, &e);
    expect("PutObjectACL", b, key1, "");
    rc = oss_get_object_acl(c, b, key1, "", acl, &e);
    expect("GetObjectACL", b, key1, "");
    result(rc == 0 && strcmp(acl, "public-read") == 0, "object ACL now public-read (%s)", acl);

    rc = oss_copy_object(c, b, key1, "copy/of a+b", &e);
    check_ok("CopyObject", rc, &e);
    expect("CopyObject", b, "copy/of a+b", "");
    rc = oss_head_object(c, b, "copy/of a+b", NULL, &m, &e);
    expect("HeadObject", b, "copy/of a+b", "");
    md5_hex(body1, strlen(body1), hex);
    result(rc == 0 && strcmp(m.etag, hex) == 0 && m.nmeta == 1, "copy has the data and metadata");
    oss_object_meta_cleanup(&m);
}

/* Lists the whole bucket two keys a page and compares with the expected keys. */
static void check_listing(struct oss_client *c, const char *b)
{
    static const char *const extra[] = {"k1", "k2", "k3", "dir/sub/deep", keyctl};
    const char *want[] = {"copy/of a+b", key1, keyfd, "dir/sub/deep", keyctl, "k1", "k2", "k3"};
    struct oss_error e;
    struct oss_list_page p;
    char *token = NULL;
    size_t got = 0;
    int rc, pages = 0, order_ok = 1;

    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        rc = oss_put_object(c, b, extra[i], "x", 1, NULL, NULL, &e);
        expect("PutObject", b, extra[i], "");
        if (rc < 0)
            check_ok("PutObject for listing", rc, &e);
    }
    do {
        struct oss_list_params lp = {.max_keys = 2, .continuation_token = token};
        rc = oss_list_objects_v2(c, b, &lp, &p, &e);
        expect("ListObjectsV2", b, NULL, "");
        pages++;
        if (rc < 0) {
            check_ok("ListObjectsV2 page", rc, &e);
            break;
        }
        for (size_t i = 0; i < p.nobjects; i++, got++)
            if (got >= 8 || strcmp(p.objects[i].key, want[got]) != 0) {
                order_ok = 0;
                printf("# page %d: unexpected key '%s'\n", pages, p.objects[i].key);
            }
        free(token);
        token = p.truncated && p.next_token ? strdup(p.next_token) : NULL;
        oss_list_page_cleanup(&p);
    } while (token && pages < 20);
    free(token);
    result(rc == 0 && order_ok && got == 8 && pages == 4,
           "ListObjectsV2 max-keys 2 pages through 8 keys in order (%zu keys, %d pages)", got,
           pages);

    struct oss_list_params lp = {.prefix = "dir/", .delimiter = "/"};
    rc = oss_list_objects_v2(c, b, &lp, &p, &e);
    check_ok("ListObjectsV2 with delimiter", rc, &e);
    expect("ListObjectsV2", b, NULL, "");
    result(rc == 0 && p.nobjects == 2 && p.nprefixes == 1 &&
               strcmp(p.prefixes[0], "dir/sub/") == 0 && strcmp(p.objects[0].key, key1) == 0 &&
               p.objects[0].size == strlen(body1) && p.objects[0].mtime > 0 && !p.truncated,
           "ListObjectsV2 prefix dir/ delimiter /: 2 keys, prefix dir/sub/");
    oss_list_page_cleanup(&p);

    lp = (struct oss_list_params){.start_after = "dir/sub/deep"};
    rc = oss_list_objects_v2(c, b, &lp, &p, &e);
    expect("ListObjectsV2", b, NULL, "");
    result(rc == 0 && p.nobjects == 4 && strcmp(p.objects[0].key, keyctl) == 0 &&
               strcmp(p.objects[1].key, "k1") == 0,
           "ListObjectsV2 start-after, control character key decoded");
    oss_list_page_cleanup(&p);
}

static void check_refusals(struct oss_client *owner, const char *b)
{
    struct oss_error e;
    struct oss_object_meta m;
    char acl[24], other_bucket[80], missing[80];
    int rc;

    struct oss_client *wrong = client("OWNER_AKID", NULL, "not-the-secret");
    rc = oss_get_bucket_acl(wrong, b, acl, &e);
    check_refused("wrong secret", rc, &e, EACCES, "SignatureDoesNotMatch");
    expect("GetBucketAcl", b, NULL, "SignatureDoesNotMatch");
    oss_client_free(wrong);

    setenv("CHECK_UNKNOWN_AKID", "LTAIunknown0000", 1);
    struct oss_client *unknown = client("CHECK_UNKNOWN_AKID", "OWNER_SECRET", NULL);
    rc = oss_get_bucket_acl(unknown, b, acl, &e);
    check_refused("unknown access key", rc, &e, EACCES, "InvalidAccessKeyId");
    expect("GetBucketAcl", b, NULL, "InvalidAccessKeyId");
    oss_client_free(unknown);

    struct oss_client *other = client("OTHER_AKID", "OTHER_SECRET", NULL);
    snprintf(other_bucket, sizeof other_bucket, "%s-other", b);
    rc = oss_put_bucket(other, other_bucket, "private", &e);
    check_ok("other account PutBucket", rc, &e);
    expect("PutBucket", other_bucket, NULL, "");
    rc = oss_get_bucket_acl(owner, other_bucket, acl, &e);
    check_refused("other account's private bucket", rc, &e, EACCES, "AccessDenied");
    expect("GetBucketAcl", other_bucket, NULL, "AccessDenied");
    rc = oss_put_object(owner, other_bucket, "x", "x", 1, NULL, NULL, &e);
    check_refused("PutObject into other account's bucket", rc, &e, EACCES, "AccessDenied");
    expect("PutObject", other_bucket, "x", "AccessDenied");
    rc = oss_delete_bucket(other, other_bucket, &e);
    check_ok("other account DeleteBucket", rc, &e);
    expect("DeleteBucket", other_bucket, NULL, "");
    oss_client_free(other);

    struct oss_client *ram = client("RAM_AKID", "RAM_SECRET", NULL);
    rc = oss_get_bucket_acl(ram, b, acl, &e);
    check_ok("RAM user GetBucketAcl (allowed by oss:Get*)", rc, &e);
    expect("GetBucketAcl", b, NULL, "");
    rc = oss_put_bucket_acl(ram, b, "public-read", &e);
    check_refused("RAM user PutBucketAcl", rc, &e, EACCES, "AccessDenied");
    expect("PutBucketAcl", b, NULL, "AccessDenied");
    rc = oss_put_bucket_access_monitor(ram, b, "Disabled", &e);
    check_refused("RAM user PutBucketAccessMonitor", rc, &e, EACCES, "AccessDenied");
    expect("PutBucketAccessMonitor", b, NULL, "AccessDenied");
    oss_client_free(ram);

    snprintf(missing, sizeof missing, "%s-missing", b);
    rc = oss_get_bucket_acl(owner, missing, acl, &e);
    check_refused("missing bucket", rc, &e, ENOENT, "NoSuchBucket");
    expect("GetBucketAcl", missing, NULL, "NoSuchBucket");
    rc = oss_head_object(owner, b, "no/such key", NULL, &m, &e);
    check_refused("HeadObject of a missing key", rc, &e, ENOENT, "NoSuchKey");
    expect("HeadObject", b, "no/such key", "NoSuchKey");
    rc = oss_get_object_meta(owner, b, "no/such key", NULL, &m, &e);
    check_refused("GetObjectMeta of a missing key", rc, &e, ENOENT, "NoSuchKey");
    expect("GetObjectMeta", b, "no/such key", "NoSuchKey");
    rc = oss_head_object(owner, missing, "k", NULL, &m, &e);
    check_refused("HeadObject in a missing bucket", rc, &e, ENOENT, "NoSuchBucket");
    expect("HeadObject", missing, "k", "NoSuchBucket");
    rc = oss_delete_bucket(owner, b, &e);
    check_refused("DeleteBucket of a non-empty bucket", rc, &e, ENOTEMPTY, "BucketNotEmpty");
    expect("DeleteBucket", b, NULL, "BucketNotEmpty");
}

static void cleanup(struct oss_client *c, const char *b)
{
    static const char *const keys[] = {
        "dir/a b+c%.txt", "dir/from fd", "copy/of a+b", "k1", "k2", "k3", "dir/sub/deep", keyctl};
    struct oss_error e;
    int rc;

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        rc = oss_delete_object(c, b, keys[i], NULL, &e);
        check_ok("DeleteObject", rc, &e);
        expect("DeleteObject", b, keys[i], "");
    }
    rc = oss_delete_object(c, b, "never/existed", NULL, &e);
    check_ok("DeleteObject of a missing key succeeds", rc, &e);
    expect("DeleteObject", b, "never/existed", "");
    rc = oss_delete_bucket(c, b, &e);
    check_ok("DeleteBucket", rc, &e);
    expect("DeleteBucket", b, NULL, "");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"url", required_argument, NULL, 'u'},
        {"region", required_argument, NULL, 'r'},
        {"sigv1", no_argument, NULL, '1'},
        {"bucket", required_argument, NULL, 'b'},
        {"expect-log", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0},
    };
    int ch;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'u':
            opt_url = optarg;
            break;
        case 'r':
            opt_region = optarg;
            break;
        case '1':
            opt_sigv1 = 1;
            break;
        case 'b':
            opt_bucket = optarg;
            break;
        case 'e':
            explog = fopen(optarg, "w");
            if (explog == NULL) {
                perror(optarg);
                return 2;
            }
            break;
        default:
            return 2;
        }
    }
    if (!opt_url || !opt_bucket || !getenv("OWNER_AKID") || !getenv("OWNER_SECRET") ||
        !getenv("OTHER_AKID") || !getenv("OTHER_SECRET") || !getenv("RAM_AKID") ||
        !getenv("RAM_SECRET")) {
        fprintf(stderr,
                "usage: oss_client_check --url URL --bucket NAME [--region R] [--sigv1] "
                "[--expect-log FILE]\n(credentials in OWNER_/OTHER_/RAM_AKID and _SECRET)\n");
        return 2;
    }
    struct oss_client *owner = client("OWNER_AKID", "OWNER_SECRET", NULL);
    printf("# %s signature %s, bucket %s\n", opt_url, oss_client_uses_v4(owner) ? "V4" : "V1",
           opt_bucket);
    result(oss_client_uses_v4(owner) == (opt_region && !opt_sigv1), "signature version chosen");

    check_buckets_and_acl(owner, opt_bucket);
    check_objects(owner, opt_bucket);
    check_listing(owner, opt_bucket);
    check_refusals(owner, opt_bucket);
    cleanup(owner, opt_bucket);
    oss_client_free(owner);
    if (explog)
        fclose(explog);
    printf("# %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
