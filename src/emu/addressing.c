/* Request addressing: the bucket and key of a request from its raw target and Host header
 * (virtual-hosted, path style, absolute-form), and the decoded query parameters. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu/emu.h"
#include "oss/codec.h"

void emu_target_cleanup(struct emu_target *t)
{
    for (size_t i = 0; i < t->nquery; i++) {
        free((char *)t->query[i].name);
        free((char *)t->query[i].value);
    }
    free(t->query);
    free(t->host);
    free(t->bucket);
    free(t->key);
    free(t->region);
    memset(t, 0, sizeof(*t));
}

/* Percent-decodes s[0..len) into a new string ('+' stays '+'). A decoded NUL byte is refused:
 * no OSS name may contain one. Returns NULL and sets *rc on failure. */
static char *decode(const char *s, size_t len, int *rc)
{
    struct oss_buf b = OSS_BUF_INIT;
    int r = oss_url_decode(s, len, 0, &b);
    if (r == 0 && strlen(oss_buf_str(&b)) != b.len)
        r = -EINVAL;
    if (r) {
        oss_buf_cleanup(&b);
        *rc = r;
        return NULL;
    }
    char *out = oss_buf_detach(&b);
    if (!out)
        *rc = -ENOMEM;
    return out;
}

/* Splits "a=1&b&c=%2F" into decoded pairs; empty segments are skipped. */
static int parse_query(const char *q, struct emu_target *t)
{
    int rc = 0;
    while (*q) {
        size_t seg = strcspn(q, "&");
        if (seg > 0) {
            const char *eq = memchr(q, '=', seg);
            size_t nlen = eq ? (size_t)(eq - q) : seg;
            struct oss_kv *kv = realloc(t->query, (t->nquery + 1) * sizeof(*kv));
            if (!kv)
                return -ENOMEM;
            t->query = kv;
            char *name = decode(q, nlen, &rc);
            char *value = eq ? decode(eq + 1, seg - nlen - 1, &rc) : strdup("");
            if (!name || !value) {
                free(name);
                free(value);
                return rc ? rc : -ENOMEM;
            }
            kv[t->nquery].name = name;
            kv[t->nquery].value = value;
            t->nquery++;
        }
        q += seg;
        if (*q == '&')
            q++;
    }
    return 0;
}

static int is_ipv4(const char *h)
{
    int dots = 0;
    if (!*h)
        return 0;
    for (; *h; h++) {
        if (*h == '.')
            dots++;
        else if (!isdigit((unsigned char)*h))
            return 0;
    }
    return dots == 3;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The region of an endpoint label "oss-<region>" or "oss-<region>-internal" (n bytes at l), or
 * NULL (not such a label, or "oss-accelerate"). Every OSS region id has a dash (cn-hangzhou,
 * ap-southeast-1), so "oss-data" stays a bucket name. */
static char *region_of_label(const char *l, size_t n)
{
    if (n <= 4 || strncmp(l, "oss-", 4) != 0)
        return NULL;
    l += 4;
    n -= 4;
    if (n > 9 && strncmp(l + n - 9, "-internal", 9) == 0)
        n -= 9;
    if (n == 0 || (n >= 10 && strncmp(l, "accelerate", 10) == 0))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)l[i]) && !isdigit((unsigned char)l[i]) && l[i] != '-')
            return NULL;
    if (!memchr(l, '-', n) || l[0] == '-' || l[n - 1] == '-')
        return NULL;
    return strndup(l, n);
}

/* Splits the labels before a domain suffix: when the last of rest[0..len) is an endpoint label
 * "oss-<region>", sets *region and shortens *len to the labels before it (without the dot). */
static void take_region_label(const char *rest, size_t *len, char **region)
{
    size_t n = *len, start = n;
    while (start > 0 && rest[start - 1] != '.')
        start--;
    char *r = region_of_label(rest + start, n - start);
    if (!r)
        return;
    *region = r;
    *len = start ? start - 1 : 0;
}

/* The bucket named by a host, or NULL for path style: "<bucket>.<domain>", or the first
 * label of "<bucket>.<endpoint>.aliyuncs.com" (ali-oss with an IP endpoint sends that). IP
 * literals, localhost, the domain itself and other names are path style. An endpoint label
 * "oss-<region>" just before the domain (or before aliyuncs.com) names the region (*region,
 * malloc'ed) and is no part of the bucket: "oss-cn-beijing.<domain>" is that region's endpoint
 * and "b.oss-cn-beijing.<domain>" bucket b through it. */
static char *bucket_of_host(const char *host, const char *domain, char **region)
{
    size_t hl = strlen(host), dl = domain ? strlen(domain) : 0;
    if (host[0] == '[' || is_ipv4(host) || strcmp(host, "localhost") == 0)
        return NULL;
    if (dl && hl > dl + 1 && host[hl - dl - 1] == '.' && strcasecmp(host + hl - dl, domain) == 0 &&
        host[0] != '.') {
        size_t rest = hl - dl - 1;
        take_region_label(host, &rest, region);
        return rest ? strndup(host, rest) : NULL;
    }
    if (ends_with(host, ".aliyuncs.com")) {
        size_t rest = strlen(host) - strlen(".aliyuncs.com");
        take_region_label(host, &rest, region);
        int labels = 1;
        for (const char *p = host; *p; p++)
            labels += *p == '.';
        /* ali-oss with an IP endpoint formats a missing bucket into the Host of service
         * requests (".oss-<region>.aliyuncs.com", "undefined.oss-..."): that is no bucket. */
        size_t first = strcspn(host, ".");
        if (labels >= 4 && first > 0 && strncmp(host, "undefined.", 10) != 0)
            return strndup(host, first);
    }
    return NULL;
}

/* Lower-cased host without port, from an authority "host[:port]" or "[v6]:port". */
static char *host_only(const char *authority, size_t len)
{
    size_t n = len;
    if (len && authority[0] == '[') {
        const char *close = memchr(authority, ']', len);
        n = close ? (size_t)(close - authority) + 1 : len;
    } else {
        const char *colon = memchr(authority, ':', len);
        if (colon)
            n = (size_t)(colon - authority);
    }
    char *h = strndup(authority, n);
    if (h)
        for (char *p = h; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return h;
}

int emu_target_parse(const char *raw, const char *host_header, const char *domain,
                     struct emu_target *t)
{
    int rc = 0;
    memset(t, 0, sizeof(*t));

    /* Absolute-form: the authority in the target wins over the Host header (RFC 7230 5.4). */
    const char *path = raw;
    if (strncasecmp(raw, "http://", 7) == 0 || strncasecmp(raw, "https://", 8) == 0) {
        const char *auth = strstr(raw, "//") + 2;
        size_t alen = strcspn(auth, "/?");
        t->host = host_only(auth, alen);
        path = auth + alen;
    } else {
        t->host = host_only(host_header ? host_header : "", host_header ? strlen(host_header) : 0);
    }
    if (!t->host)
        return -ENOMEM;

    size_t plen = strcspn(path, "?#");
    if (path[plen] == '?') {
        char *q = strndup(path + plen + 1, strcspn(path + plen + 1, "#"));
        if (!q)
            return -ENOMEM;
        rc = parse_query(q, t);
        free(q);
        if (rc)
            return rc;
    }
    const char *p = path;
    while (plen && *p == '/') { /* the leading slash (or none, for "?x" targets) */
        p++;
        plen--;
        break;
    }

    t->bucket = bucket_of_host(t->host, domain, &t->region);
    if (!t->bucket) {
        /* Path style: the first raw segment is the bucket, the rest (decoded) the key. */
        size_t blen = strcspn(p, "/?#");
        if (blen > plen)
            blen = plen;
        if (blen == 0)
            return 0; /* service request */
        t->bucket = decode(p, blen, &rc);
        if (!t->bucket)
            return rc ? rc : -ENOMEM;
        p += blen;
        plen -= blen;
        if (plen) { /* skip the slash after the bucket */
            p++;
            plen--;
        }
    }
    if (plen) {
        t->key = decode(p, plen, &rc);
        if (!t->key)
            return rc ? rc : -ENOMEM;
    }
    return 0;
}
