/* Signature V1/V4 tests: walks the vector files under $OSS_TEST_DATA/sign (format in its
 * README), checks every given intermediate string byte for byte, and verifies each result again
 * the way ossemu does, from the parsed Authorization header or presigned query. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data_files.h"

#include "oss/codec.h"
#include "oss/sign.h"

#define MAX_ITEMS 32

struct section {
    char name[32];
    char *text; /* points into the file contents */
};

struct vector {
    char *contents;
    char mode[32];
    const char *akid, *secret, *token, *region, *product, *expires, *time;
    struct oss_sign_req req;
    struct oss_kv query[MAX_ITEMS], headers[MAX_ITEMS];
    const char *additional[MAX_ITEMS];
    size_t nadditional;
    struct section sections[8];
    size_t nsections;
};

/* Splits the file in place: directives fill v->req, sections point at their text. */
static void parse_vector(const char *path, struct vector *v)
{
    memset(v, 0, sizeof(*v));
    v->contents = data_file_read(path, NULL);
    v->product = "oss";
    char *line = v->contents;
    struct section *cur = NULL;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : NULL;
        if (!strncmp(line, "---", 3)) {
            if (nl)
                *nl = '\0';
            if (cur && line > cur->text)
                line[-1] = '\0'; /* the newline before "---" ends the previous section */
            else if (cur)
                cur->text = "";
            cur = NULL;
            if (line[3] == ' ') {
                assert_true(v->nsections < 8);
                cur = &v->sections[v->nsections++];
                snprintf(cur->name, sizeof(cur->name), "%s", line + 4);
                cur->text = next ? next : "";
            }
            line = next;
            continue;
        }
        if (cur) {
            line = next;
            continue;
        }
        if (nl)
            *nl = '\0';
        char *arg = strchr(line, ' ');
        if (line[0] == '#' || !arg) {
            line = next;
            continue;
        }
        *arg++ = '\0';
        if (!strcmp(line, "mode")) {
            snprintf(v->mode, sizeof(v->mode), "%s", arg);
        } else if (!strcmp(line, "method")) {
            v->req.method = arg;
        } else if (!strcmp(line, "bucket")) {
            v->req.bucket = arg;
        } else if (!strcmp(line, "key")) {
            v->req.key = arg;
        } else if (!strcmp(line, "query")) {
            assert_true(v->req.nquery < MAX_ITEMS);
            char *eq = strchr(arg, '=');
            if (eq)
                *eq++ = '\0';
            v->query[v->req.nquery++] = (struct oss_kv){arg, eq};
        } else if (!strcmp(line, "header")) {
            assert_true(v->req.nheaders < MAX_ITEMS);
            char *colon = strchr(arg, ':');
            assert_non_null(colon);
            *colon++ = '\0';
            v->headers[v->req.nheaders++] = (struct oss_kv){arg, colon};
        } else if (!strcmp(line, "additional")) {
            assert_true(v->nadditional < MAX_ITEMS);
            v->additional[v->nadditional++] = arg;
        } else if (!strcmp(line, "akid")) {
            v->akid = arg;
        } else if (!strcmp(line, "secret")) {
            v->secret = arg;
        } else if (!strcmp(line, "token")) {
            v->token = arg;
        } else if (!strcmp(line, "region")) {
            v->region = arg;
        } else if (!strcmp(line, "product")) {
            v->product = arg;
        } else if (!strcmp(line, "expires")) {
            v->expires = arg;
        } else if (!strcmp(line, "time")) {
            v->time = arg;
        } else {
            fail_msg("%s: unknown directive %s", path, line);
        }
        line = next;
    }
    v->req.query = v->query;
    v->req.headers = v->headers;
    assert_non_null(v->req.method);
    assert_non_null(v->akid);
    assert_non_null(v->secret);
}

static const char *section(const struct vector *v, const char *name)
{
    for (size_t i = 0; i < v->nsections; i++)
        if (!strcmp(v->sections[i].name, name))
            return v->sections[i].text;
    return NULL;
}

static void check_section(const struct vector *v, const char *name, const char *got)
{
    const char *want = section(v, name);
    if (want)
        assert_string_equal(got, want);
}

/* Line n (0-based) of s, copied into out. */
static void nth_line(const char *s, int n, struct oss_buf *out)
{
    for (; n > 0 && s; n--) {
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    assert_non_null(s);
    const char *end = strchr(s, '\n');
    oss_buf_reset(out);
    assert_int_equal(oss_buf_append(out, s, end ? (size_t)(end - s) : strlen(s)), 0);
}

/* Decoded name/value pairs of a query string, as a server parses it. */
struct parsed_query {
    struct oss_buf store[2 * MAX_ITEMS];
    struct oss_kv kv[MAX_ITEMS];
    size_t n;
};

static void parse_query(const char *q, struct parsed_query *pq)
{
    memset(pq, 0, sizeof(*pq));
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        size_t nlen = eq ? (size_t)(eq - q) : len;
        assert_true(pq->n < MAX_ITEMS);
        struct oss_buf *name = &pq->store[2 * pq->n], *value = &pq->store[2 * pq->n + 1];
        assert_int_equal(oss_url_decode(q, nlen, 0, name), 0);
        if (eq)
            assert_int_equal(oss_url_decode(eq + 1, len - nlen - 1, 0, value), 0);
        pq->kv[pq->n].name = oss_buf_str(name);
        pq->kv[pq->n].value = oss_buf_str(value);
        pq->n++;
        q += len + (amp ? 1 : 0);
    }
}

static const char *query_get(const struct parsed_query *pq, const char *name)
{
    for (size_t i = 0; i < pq->n; i++)
        if (!strcmp(pq->kv[i].name, name))
            return pq->kv[i].value;
    return NULL;
}

static void free_query(struct parsed_query *pq)
{
    for (size_t i = 0; i < 2 * MAX_ITEMS; i++)
        oss_buf_cleanup(&pq->store[i]);
}

/* Checks the query-has lines and the exact query. */
static void check_query(const struct vector *v, const char *q)
{
    check_section(v, "query", q);
    const char *has = section(v, "query-has");
    while (has && *has) {
        const char *nl = strchr(has, '\n');
        size_t len = nl ? (size_t)(nl - has) : strlen(has);
        int found = 0;
        for (const char *p = q; *p && !found;) {
            const char *amp = strchr(p, '&');
            size_t plen = amp ? (size_t)(amp - p) : strlen(p);
            found = plen == len && !memcmp(p, has, len);
            p += plen + (amp ? 1 : 0);
        }
        if (!found)
            fail_msg("query %s lacks %.*s", q, (int)len, has);
        has += len + (nl ? 1 : 0);
    }
}

static void run_v1_header(struct vector *v)
{
    struct oss_buf sts = OSS_BUF_INIT, auth = OSS_BUF_INIT;
    assert_int_equal(oss_sign_v1_string(&v->req, NULL, &sts), 0);
    check_section(v, "sts", oss_buf_str(&sts));
    assert_int_equal(oss_sign_v1_header(&v->req, v->akid, v->secret, &auth), 0);
    check_section(v, "authorization", oss_buf_str(&auth));
    /* Verify: the header's signature is the one of the StringToSign. */
    char sig[29];
    oss_sign_v1_signature(v->secret, sts.data, sts.len, sig);
    const char *colon = strchr(oss_buf_str(&auth), ':');
    assert_non_null(colon);
    assert_string_equal(colon + 1, sig);
    oss_buf_cleanup(&sts);
    oss_buf_cleanup(&auth);
}

static void run_v1_presign(struct vector *v)
{
    struct oss_buf q = OSS_BUF_INIT, sts = OSS_BUF_INIT;
    struct parsed_query pq;
    assert_non_null(v->expires);
    assert_int_equal(oss_sign_v1_presign(&v->req, v->akid, v->secret, v->token,
                                         (time_t)strtoll(v->expires, NULL, 10), &q),
                     0);
    check_query(v, oss_buf_str(&q));
    /* Verify as a server: rebuild the StringToSign from the parsed URL. */
    parse_query(oss_buf_str(&q), &pq);
    assert_string_equal(query_get(&pq, "OSSAccessKeyId"), v->akid);
    struct oss_sign_req r = v->req;
    r.query = pq.kv;
    r.nquery = pq.n;
    assert_int_equal(oss_sign_v1_string(&r, query_get(&pq, "Expires"), &sts), 0);
    check_section(v, "sts", oss_buf_str(&sts));
    char sig[29];
    oss_sign_v1_signature(v->secret, sts.data, sts.len, sig);
    assert_string_equal(query_get(&pq, "Signature"), sig);
    free_query(&pq);
    oss_buf_cleanup(&q);
    oss_buf_cleanup(&sts);
}

/* Server-side V4 check shared by both auth forms: canonical request, string to sign and
 * signature from what the request carries. */
static void verify_v4(const struct vector *v, const struct oss_sign_req *r, const char *datetime,
                      const char *additional, const char *signature)
{
    const char *names[MAX_ITEMS];
    size_t n = 0;
    char *copy = strdup(additional ? additional : "");
    for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
        names[n++] = t;
    struct oss_buf canon = OSS_BUF_INIT, sts = OSS_BUF_INIT, line = OSS_BUF_INIT;
    assert_int_equal(oss_sign_v4_canonical(r, names, n, &canon), 0);
    check_section(v, "canonical", oss_buf_str(&canon));
    nth_line(oss_buf_str(&canon), 2, &line);
    check_section(v, "canonical-query", oss_buf_str(&line));
    assert_int_equal(
        oss_sign_v4_string(datetime, v->region, v->product, canon.data, canon.len, &sts), 0);
    check_section(v, "sts", oss_buf_str(&sts));
    char date[9], sig[65];
    snprintf(date, sizeof(date), "%.8s", datetime);
    oss_sign_v4_signature(v->secret, date, v->region, v->product, sts.data, sts.len, sig);
    assert_string_equal(sig, signature);
    free(copy);
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&sts);
    oss_buf_cleanup(&line);
}

static void run_v4_header(struct vector *v)
{
    struct oss_buf auth = OSS_BUF_INIT, dt = OSS_BUF_INIT;
    assert_int_equal(oss_sign_v4_header(&v->req, v->akid, v->secret, v->region, v->product,
                                        v->additional, v->nadditional, &auth),
                     0);
    check_section(v, "authorization", oss_buf_str(&auth));
    /* Parse "OSS4-HMAC-SHA256 Credential=...[,AdditionalHeaders=...],Signature=...". */
    char *a = strdup(oss_buf_str(&auth));
    char *add = strstr(a, ",AdditionalHeaders="), *sig = strstr(a, ",Signature=");
    assert_non_null(sig);
    *sig = '\0';
    sig += strlen(",Signature=");
    if (add) {
        *add = '\0';
        add += strlen(",AdditionalHeaders=");
    }
    for (size_t i = 0; i < v->req.nheaders; i++)
        if (!strcmp(v->headers[i].name, "x-oss-date"))
            assert_int_equal(oss_buf_puts(&dt, v->headers[i].value + 1), 0);
    verify_v4(v, &v->req, oss_buf_str(&dt), add, sig);
    free(a);
    oss_buf_cleanup(&auth);
    oss_buf_cleanup(&dt);
}

static void run_v4_presign(struct vector *v)
{
    struct oss_buf q = OSS_BUF_INIT;
    struct parsed_query pq;
    assert_non_null(v->time);
    assert_non_null(v->expires);
    assert_int_equal(oss_sign_v4_presign(&v->req, v->akid, v->secret, v->token, v->region,
                                         v->product, v->additional, v->nadditional,
                                         (time_t)strtoll(v->time, NULL, 10),
                                         strtol(v->expires, NULL, 10), &q),
                     0);
    check_query(v, oss_buf_str(&q));
    /* x-oss-signature comes last, as the SDKs put it. */
    assert_non_null(strstr(oss_buf_str(&q), "&x-oss-signature="));
    assert_null(strchr(strstr(oss_buf_str(&q), "&x-oss-signature=") + 1, '&'));
    parse_query(oss_buf_str(&q), &pq);
    struct oss_sign_req r = v->req;
    r.query = pq.kv;
    r.nquery = pq.n;
    verify_v4(v, &r, query_get(&pq, "x-oss-date"), query_get(&pq, "x-oss-additional-headers"),
              query_get(&pq, "x-oss-signature"));
    free_query(&pq);
    oss_buf_cleanup(&q);
}

static void test_vector(void **state)
{
    const char *path = *state;
    struct vector v;
    parse_vector(path, &v);
    if (!strcmp(v.mode, "v1-header"))
        run_v1_header(&v);
    else if (!strcmp(v.mode, "v1-presign"))
        run_v1_presign(&v);
    else if (!strcmp(v.mode, "v4-header"))
        run_v4_header(&v);
    else if (!strcmp(v.mode, "v4-presign"))
        run_v4_presign(&v);
    else
        fail_msg("%s: unknown mode '%s'", path, v.mode);
    free(v.contents);
}

static void test_subresources(void **state)
{
    (void)state;
    assert_true(oss_sign_v1_is_subresource("acl"));
    assert_true(oss_sign_v1_is_subresource("continuation-token"));
    assert_true(oss_sign_v1_is_subresource("security-token"));
    assert_true(oss_sign_v1_is_subresource("x-oss-anything-new"));
    assert_true(oss_sign_v1_is_subresource("resourcePoolBuckets"));
    assert_false(oss_sign_v1_is_subresource("accessmonitor"));
    assert_false(oss_sign_v1_is_subresource("prefix"));
    assert_false(oss_sign_v1_is_subresource("max-keys"));
    assert_false(oss_sign_v1_is_subresource("ACL"));
    assert_false(oss_sign_v1_is_subresource(NULL));
}

/* The core/newer split of oss-api.md 2.4, copied from the reference: every core name is core
 * and signed, every newer name is signed but not core, and unsigned names are neither. */
static void test_core_subresources(void **state)
{
    (void)state;
    /* clang-format off */
    static const char *const core[] = {
        "acl", "append", "bucketInfo", "callback", "callback-var", "cname", "comp",
        "continuation-token", "cors", "delete", "encryption", "endTime", "img", "inventory",
        "inventoryId", "lifecycle", "live", "location", "logging", "metaQuery", "objectMeta",
        "partNumber", "policy", "position", "qos", "qosInfo", "referer", "regionList",
        "replication", "replicationLocation", "replicationProgress", "requestPayment",
        "resourceGroup", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "response-content-language", "response-content-type",
        "response-expires", "restore", "security-token", "sequential", "startTime", "stat",
        "status", "style", "styleName", "symlink", "tagging", "transferAcceleration", "uploadId",
        "uploads", "versionId", "versioning", "versions", "vod", "website", "worm", "wormExtend",
        "wormId", "x-oss-process", "x-oss-traffic-limit", "x-oss-request-payer",
        "x-oss-async-process", "x-oss-ac-source-ip", "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id",
        "x-oss-ac-forward-allow"};
    static const char *const newer[] = {
        "accessPoint", "accessPointPolicy", "accessPointForObjectProcess",
        "accessPointConfigForObjectProcess", "accessPointPolicyForObjectProcess", "asyncFetch",
        "bucketArchiveDirectRead", "cleanRestoredObject", "cloudboxes", "httpsConfig",
        "legalHold", "objectWorm", "overwriteConfig", "policyStatus", "processConfiguration",
        "publicAccessBlock", "redundancyTransition", "retention", "rtc", "seal",
        "userDefinedLogFieldsConfig", "responseHeader", "udf", "udfName", "udfImage",
        "udfImageDesc", "udfApplication", "udfApplicationLog", "udfId", "withHashContext",
        "group", "link", "objectInfo", "vip", "vpcip", "requesterQosInfo", "qosRequester",
        "resourcePool", "resourcePoolInfo", "resourcePoolBuckets",
        "x-oss-write-get-object-response", "x-oss-target-redundancy-type",
        "x-oss-redundancy-transition-taskid", "x-oss-access-point-name", "x-oss-enable-md5",
        "x-oss-enable-sha1", "x-oss-enable-sha256", "x-oss-hash-ctx", "x-oss-md5-ctx",
        "x-oss-dir", "x-oss-rename", "x-oss-delete", "x-oss-sign-origin-only"};
    static const char *const neither[] = {"accessmonitor", "prefix", "marker", "max-keys",
                                          "delimiter", "encoding-type", "list-type",
                                          "start-after", "fetch-owner", "key-marker",
                                          "upload-id-marker", "max-uploads", "max-parts",
                                          "part-number-marker", "version-id-marker", "rule-id",
                                          "mode", "tag-key", "tag-value", "category", "ACL",
                                          "Acl", "acl ", "", "x-oss"};
    /* clang-format on */

    assert_int_equal(sizeof core / sizeof core[0] + sizeof newer / sizeof newer[0], 121);
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
        if (!oss_sign_v1_is_core_subresource(core[i]) || !oss_sign_v1_is_subresource(core[i]))
            fail_msg("%s should be a core V1 sub-resource", core[i]);
    }
    for (size_t i = 0; i < sizeof newer / sizeof newer[0]; i++) {
        if (oss_sign_v1_is_core_subresource(newer[i]) || !oss_sign_v1_is_subresource(newer[i]))
            fail_msg("%s should be signed but not core", newer[i]);
    }
    for (size_t i = 0; i < sizeof neither / sizeof neither[0]; i++) {
        if (oss_sign_v1_is_core_subresource(neither[i]) || oss_sign_v1_is_subresource(neither[i]))
            fail_msg("'%s' should not be a V1 sub-resource", neither[i]);
    }
    assert_false(oss_sign_v1_is_core_subresource("x-oss-anything-new"));
    assert_false(oss_sign_v1_is_core_subresource(NULL));
}

static void assert_v1_sts(const struct oss_sign_req *r, const char *want)
{
    struct oss_buf b = OSS_BUF_INIT;
    assert_int_equal(oss_sign_v1_string(r, NULL, &b), 0);
    assert_string_equal(oss_buf_str(&b), want);
    oss_buf_cleanup(&b);
}

/* Canonicalisation rules the official vectors do not reach. */
static void test_v1_rules(void **state)
{
    (void)state;
    /* Service request; Date used when there is no x-oss-date; repeated headers joined with ",",
     * names lower-cased, values trimmed; bare "uploads=" is signed as "uploads". */
    struct oss_kv h1[] = {{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"}};
    struct oss_sign_req r = {.method = "GET", .headers = h1, .nheaders = 1};
    assert_v1_sts(&r, "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/");

    struct oss_kv h2[] = {{"X-OSS-Meta-B", " two "},
                          {"Date", "D"},
                          {"x-oss-meta-a", "1"},
                          {"x-oss-meta-b", "three"},
                          {"X-Oss-Date", "XD"}};
    struct oss_kv q2[] = {{"uploads", ""}, {"prefix", "p"}, {"accessmonitor", NULL}};
    struct oss_sign_req r2 = {.method = "POST",
                              .bucket = "b",
                              .key = "dir/k",
                              .query = q2,
                              .nquery = 3,
                              .headers = h2,
                              .nheaders = 5};
    assert_v1_sts(&r2, "POST\n\n\nXD\nx-oss-date:XD\nx-oss-meta-a:1\nx-oss-meta-b:two,three\n"
                       "/b/dir/k?uploads");

    /* Bucket request: trailing slash; accessmonitor is not signed. */
    struct oss_sign_req r3 = {.method = "GET", .bucket = "b", .query = q2 + 2, .nquery = 1};
    assert_v1_sts(&r3, "GET\n\n\n\n/b/");
}

static void test_v4_rules(void **state)
{
    (void)state;
    struct oss_buf b = OSS_BUF_INIT;
    /* No x-oss-date header: refused. */
    struct oss_kv h[] = {{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"}};
    struct oss_sign_req r = {.method = "GET", .bucket = "b", .headers = h, .nheaders = 1};
    assert_int_equal(oss_sign_v4_header(&r, "ak", "sk", "cn-hangzhou", "oss", NULL, 0, &b),
                     -EINVAL);
    struct oss_kv h2[] = {{"x-oss-date", "2023-12-16"}};
    r.headers = h2;
    assert_int_equal(oss_sign_v4_header(&r, "ak", "sk", "cn-hangzhou", "oss", NULL, 0, &b),
                     -EINVAL);
    /* Presign lifetime outside 1..604800 s: refused. */
    assert_int_equal(
        oss_sign_v4_presign(&r, "ak", "sk", NULL, "cn-hangzhou", "oss", NULL, 0, 1702781677, 0, &b),
        -EINVAL);
    assert_int_equal(oss_sign_v4_presign(&r, "ak", "sk", NULL, "cn-hangzhou", "oss", NULL, 0,
                                         1702781677, 604801, &b),
                     -EINVAL);
    assert_int_equal(b.len, 0);

    /* Service request URI "/", spaces in values as %20, non-ASCII key bytes encoded,
     * default payload hash. */
    struct oss_kv q[] = {{"prefix", "a b"}, {"x-oss-signature", "dropped"}};
    struct oss_kv h3[] = {{"Content-MD5", "m"}, {"Host", "h"}};
    struct oss_sign_req svc = {
        .method = "GET", .query = q, .nquery = 2, .headers = h3, .nheaders = 2};
    assert_int_equal(oss_sign_v4_canonical(&svc, NULL, 0, &b), 0);
    assert_string_equal(oss_buf_str(&b),
                        "GET\n/\nprefix=a%20b\ncontent-md5:m\n\n\nUNSIGNED-PAYLOAD");
    oss_buf_reset(&b);
    struct oss_sign_req obj = {.method = "GET", .bucket = "b", .key = "d i/\xc3\xa9~"};
    assert_int_equal(oss_sign_v4_canonical(&obj, NULL, 0, &b), 0);
    assert_string_equal(oss_buf_str(&b), "GET\n/b/d%20i/%C3%A9~\n\n\n\nUNSIGNED-PAYLOAD");
    oss_buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_subresources),
        cmocka_unit_test(test_core_subresources),
        cmocka_unit_test(test_v1_rules),
        cmocka_unit_test(test_v4_rules),
    };
    return data_files_run("sign", fixed, 4, "sign", ".vec", 0, test_vector, 15);
}
