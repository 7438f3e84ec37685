/* Drives the C client against an ossemu that injects faults: PutObject and GetObject round trips
 * of random sizes whose bytes must read back identical (MD5 and CRC64), relying on the client's
 * retries. A GetObject cut mid-body must come back whole from one library call: the library
 * resumes it with a ranged GetObject (nothing here does); even objects are read into a buffer
 * (oss_get_object), odd ones through a sink (oss_get_object_to). The "verify" mode checks,
 * without faults, that the bucket holds exactly those objects with the right ETag, size and
 * CRC64. Data and sizes follow from --seed, so both modes agree.
 *
 * Usage: fault_roundtrip --url URL --bucket NAME [--mode roundtrip|verify] [--count 200]
 *        [--max-size 262144] [--seed 1] [--retries 6] [--retry-base-ms 20]
 * Credentials: OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET. Prints one summary line
 * ("roundtrips N bytes B") and exits 0, or says what failed and exits 1. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oss/client.h"
#include "oss/codec.h"
#include "oss/crc64.h"

static const char *opt_url, *opt_bucket, *opt_mode = "roundtrip";
static int opt_count = 200, opt_retries = 6;
static long opt_max = 256 * 1024, opt_retry_base = 20;
static uint64_t opt_seed = 1;

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Object i: its key, size and bytes, a pure function of the seed and i. data is malloc'ed. */
static unsigned char *object(int i, char key[32], size_t *size)
{
    uint64_t s = opt_seed * 1000003u + (uint64_t)i;
    *size = (size_t)(rng_next(&s) % (uint64_t)(opt_max + 1));
    snprintf(key, 32, "fault/obj-%04d", i);
    unsigned char *d = malloc(*size ? *size : 1);
    if (!d)
        return NULL;
    for (size_t j = 0; j < *size; j += 8) {
        uint64_t v = rng_next(&s);
        memcpy(d + j, &v, *size - j < 8 ? *size - j : 8);
    }
    return d;
}

static void md5_hex(const void *p, size_t n, char out[33])
{
    unsigned char md[OSS_MD5_LEN];
    oss_md5(p, n, md);
    for (int i = 0; i < OSS_MD5_LEN; i++)
        sprintf(out + 2 * i, "%02X", md[i]);
}

static int fail(const char *what, const char *key, int rc, const struct oss_error *e)
{
    char line[512] = "";
    if (e)
        oss_error_format(e, line, sizeof line);
    fprintf(stderr, "fault_roundtrip: %s %s failed: rc %d %s\n", what, key, rc, line);
    return 1;
}

static int sink(const void *data, size_t len, void *arg)
{
    return oss_buf_append(arg, data, len) ? -ENOMEM : 0;
}

/* One object's PutObject and GetObject; returns 0 or 1 (said why). */
static int roundtrip(struct oss_client *c, int i, uint64_t *total)
{
    char key[32], want[33], got[33];
    size_t size;
    unsigned char *data = object(i, key, &size);
    struct oss_object_meta meta = {0};
    struct oss_buf back = OSS_BUF_INIT;
    struct oss_error e;
    int rc, bad = 1;

    if (!data)
        return fail("malloc", key, -ENOMEM, NULL);
    rc = oss_put_object(c, opt_bucket, key, data, size, NULL, &meta, &e);
    if (rc < 0) {
        fail("PutObject", key, rc, &e);
        goto out;
    }
    md5_hex(data, size, want);
    if (strcasecmp(meta.etag, want) != 0) {
        fprintf(stderr, "fault_roundtrip: %s ETag %s, want %s\n", key, meta.etag, want);
        goto out;
    }
    if (i % 2 == 0)
        rc = oss_get_object(c, opt_bucket, key, NULL, 0, 0, &back, NULL, &e);
    else
        rc = oss_get_object_to(c, opt_bucket, key, NULL, 0, 0, sink, &back, NULL, &e);
    if (rc < 0) {
        fail("GetObject", key, rc, &e);
        goto out;
    }
    md5_hex(back.data ? back.data : "", back.len, got);
    uint64_t crc_want = oss_crc64(0, data, size), crc_got = oss_crc64(0, back.data, back.len);
    if (back.len != size || strcmp(got, want) != 0 || crc_got != crc_want) {
        fprintf(stderr,
                "fault_roundtrip: %s read back %zu bytes MD5 %s CRC64 %" PRIu64
                ", wrote %zu bytes MD5 %s CRC64 %" PRIu64 "\n",
                key, back.len, got, crc_got, size, want, crc_want);
        goto out;
    }
    *total += size;
    bad = 0;
out:
    oss_object_meta_cleanup(&meta);
    oss_buf_cleanup(&back);
    free(data);
    return bad;
}

static int roundtrips(struct oss_client *c)
{
    struct oss_error e;
    uint64_t total = 0;
    int rc = oss_put_bucket(c, opt_bucket, NULL, &e);
    if (rc < 0 && rc != -EEXIST)
        return fail("PutBucket", opt_bucket, rc, &e);
    for (int i = 0; i < opt_count; i++)
        if (roundtrip(c, i, &total))
            return 1;
    printf("roundtrips %d bytes %" PRIu64 "\n", opt_count, total);
    return 0;
}

/* Without faults: the bucket lists exactly the expected keys, each with its ETag, size and
 * CRC64. */
static int verify(struct oss_client *c)
{
    struct oss_error e;
    struct oss_list_params p = {.prefix = "fault/"};
    char *token = NULL;
    int listed = 0, rc;
    do {
        struct oss_list_page page = {0};
        p.continuation_token = token;
        rc = oss_list_objects_v2(c, opt_bucket, &p, &page, &e);
        free(token);
        token = NULL;
        if (rc < 0)
            return fail("ListObjectsV2", opt_bucket, rc, &e);
        for (size_t j = 0; j < page.nobjects; j++) {
            char want_key[32];
            snprintf(want_key, sizeof want_key, "fault/obj-%04d", listed);
            if (strcmp(page.objects[j].key, want_key) != 0) {
                fprintf(stderr, "fault_roundtrip: listed %s, want %s\n", page.objects[j].key,
                        want_key);
                oss_list_page_cleanup(&page);
                return 1;
            }
            listed++;
        }
        if (page.truncated && page.next_token)
            token = strdup(page.next_token);
        oss_list_page_cleanup(&page);
    } while (token);
    if (listed != opt_count) {
        fprintf(stderr, "fault_roundtrip: %d objects listed, want %d\n", listed, opt_count);
        return 1;
    }
    for (int i = 0; i < opt_count; i++) {
        char key[32], want[33];
        size_t size;
        unsigned char *data = object(i, key, &size);
        struct oss_object_meta m = {0};
        if (!data)
            return 1;
        md5_hex(data, size, want);
        rc = oss_head_object(c, opt_bucket, key, NULL, &m, &e);
        if (rc < 0)
            return fail("HeadObject", key, rc, &e);
        if (strcasecmp(m.etag, want) != 0 || m.size != size || !m.has_crc64 ||
            m.crc64 != oss_crc64(0, data, size)) {
            fprintf(stderr, "fault_roundtrip: %s has ETag %s size %" PRIu64 ", want %s %zu\n", key,
                    m.etag, m.size, want, size);
            return 1;
        }
        oss_object_meta_cleanup(&m);
        free(data);
    }
    printf("verified %d objects\n", listed);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {{"url", required_argument, NULL, 'u'},
                                       {"bucket", required_argument, NULL, 'b'},
                                       {"mode", required_argument, NULL, 'm'},
                                       {"count", required_argument, NULL, 'n'},
                                       {"max-size", required_argument, NULL, 'x'},
                                       {"seed", required_argument, NULL, 's'},
                                       {"retries", required_argument, NULL, 'r'},
                                       {"retry-base-ms", required_argument, NULL, 'B'},
                                       {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'u':
            opt_url = optarg;
            break;
        case 'b':
            opt_bucket = optarg;
            break;
        case 'm':
            opt_mode = optarg;
            break;
        case 'n':
            opt_count = atoi(optarg);
            break;
        case 'x':
            opt_max = atol(optarg);
            break;
        case 's':
            opt_seed = strtoull(optarg, NULL, 0);
            break;
        case 'r':
            opt_retries = atoi(optarg);
            break;
        case 'B':
            opt_retry_base = atol(optarg);
            break;
        default:
            return 2;
        }
    }
    if (!opt_url || !opt_bucket || opt_count < 0 || opt_max < 0 ||
        (strcmp(opt_mode, "roundtrip") && strcmp(opt_mode, "verify"))) {
        fprintf(stderr, "usage: fault_roundtrip --url URL --bucket NAME [--mode roundtrip|verify]"
                        " [--count N] [--max-size B] [--seed S] [--retries N]"
                        " [--retry-base-ms MS]\n");
        return 2;
    }
    struct oss_credentials cr;
    if (oss_credentials_from_env(&cr) < 0) {
        fprintf(stderr, "fault_roundtrip: OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET are not set\n");
        return 2;
    }
    struct oss_error e;
    struct oss_client_config cfg = {.url = opt_url,
                                    .region = "cn-hangzhou",
                                    .akid = cr.akid,
                                    .secret = cr.secret,
                                    .retries = opt_retries,
                                    .retry_base_ms = opt_retry_base};
    struct oss_client *c = oss_client_new(&cfg, &e);
    oss_credentials_cleanup(&cr);
    if (!c)
        return fail("oss_client_new", opt_url, e.err, &e);
    int rc = strcmp(opt_mode, "verify") == 0 ? verify(c) : roundtrips(c);
    oss_client_free(c);
    return rc;
}
