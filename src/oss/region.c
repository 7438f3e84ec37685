/* Buckets live in regions: the client's map of bucket -> region (filled by ListBuckets, by
 * oss_client_set_bucket_region() and by OSS's endpoint refusals) and the endpoint template
 * that sends each bucket's requests to its region's endpoint, signed V4 with that region. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"

#define REGION_PLACEHOLDER "{region}"

struct oss_bucket_region {
    char *bucket;
    char region[64];
};

static int region_ok(const char *r)
{
    size_t n = r ? strlen(r) : 0;
    if (n == 0 || n >= sizeof(((struct oss_bucket_region *)0)->region))
        return 0;
    for (; *r; r++)
        if (!islower((unsigned char)*r) && !isdigit((unsigned char)*r) && *r != '-')
            return 0;
    return 1;
}

/* Splits "scheme://<pre>{region}<post>[/]" into the client's template parts, checking that a
 * filled-in template is a valid endpoint URL. */
static int set_template(struct oss_client *c, const char *tmpl)
{
    const char *sep = strstr(tmpl, "://");
    const char *ph = strstr(tmpl, REGION_PLACEHOLDER);
    struct oss_client probe = {0};
    char url[512];
    int rc;

    if (!sep || !ph || ph < sep + 3 || strstr(ph + 1, REGION_PLACEHOLDER) ||
        memchr(sep + 3, '/', (size_t)(ph - sep - 3)) ||
        snprintf(url, sizeof url, "%.*scn-hangzhou%s", (int)(ph - tmpl), tmpl,
                 ph + strlen(REGION_PLACEHOLDER)) >= (int)sizeof url)
        return -EINVAL;
    rc = oss_client_parse_url(&probe, url);
    if (rc == 0) {
        const char *post = ph + strlen(REGION_PLACEHOLDER);
        size_t postlen = strcspn(post, "/");
        c->tmpl_scheme = strdup(probe.scheme);
        c->tmpl_pre = strndup(sep + 3, (size_t)(ph - sep - 3));
        c->tmpl_post = strndup(post, postlen);
        if (!c->tmpl_scheme || !c->tmpl_pre || !c->tmpl_post)
            rc = -ENOMEM;
    }
    free(probe.scheme);
    free(probe.host);
    free(probe.hostport);
    return rc;
}

int oss_region_init(struct oss_client *c, const char *tmpl)
{
    char derived[512], region[64] = "";

    if (tmpl)
        return set_template(c, tmpl);
    if (c->host == NULL) /* no url: the public endpoints */
        return set_template(c, "https://oss-" REGION_PLACEHOLDER ".aliyuncs.com");
    /* A url of the form scheme://oss-<region>[-internal].<rest>: the same form for every
     * region. Any other host (an IP, localhost, a custom domain) is one endpoint. */
    if (strncmp(c->hostport, "oss-", 4) != 0 ||
        !oss_region_of_host(c->host, region, sizeof region) ||
        strncmp(c->hostport + 4, region, strlen(region)) != 0 ||
        !strchr(".-:", c->hostport[4 + strlen(region)]))
        return 0;
    snprintf(derived, sizeof derived, "%s://oss-%s%s", c->scheme, REGION_PLACEHOLDER,
             c->hostport + 4 + strlen(region));
    return set_template(c, derived);
}

void oss_region_cleanup(struct oss_client *c)
{
    for (size_t i = 0; i < c->nregions; i++)
        free(c->regions[i].bucket);
    free(c->regions);
    free(c->tmpl_scheme);
    free(c->tmpl_pre);
    free(c->tmpl_post);
    c->regions = NULL;
    c->nregions = c->cap_regions = 0;
}

/* Index of bucket in the sorted map, or where it would go (*found 0). Lock held. */
static size_t find(const struct oss_client *c, const char *bucket, int *found)
{
    size_t lo = 0, hi = c->nregions;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->regions[mid].bucket, bucket);
        if (cmp == 0) {
            *found = 1;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Records bucket -> region with the write lock held. */
static int put_locked(struct oss_client *c, const char *bucket, const char *region)
{
    int found;
    size_t i = find(c, bucket, &found);

    if (found) {
        snprintf(c->regions[i].region, sizeof c->regions[i].region, "%s", region);
        return 0;
    }
    if (c->nregions == c->cap_regions) {
        size_t cap = c->cap_regions ? c->cap_regions * 2 : 16;
        struct oss_bucket_region *v = realloc(c->regions, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        c->regions = v;
        c->cap_regions = cap;
    }
    char *name = strdup(bucket);
    if (!name)
        return -ENOMEM;
    memmove(&c->regions[i + 1], &c->regions[i], (c->nregions - i) * sizeof *c->regions);
    c->regions[i].bucket = name;
    snprintf(c->regions[i].region, sizeof c->regions[i].region, "%s", region);
    c->nregions++;
    return 0;
}

int oss_client_set_bucket_region(struct oss_client *c, const char *bucket, const char *region)
{
    if (!bucket || !*bucket || !region_ok(region))
        return -EINVAL;
    pthread_rwlock_wrlock(&c->region_lock);
    int rc = put_locked(c, bucket, region);
    pthread_rwlock_unlock(&c->region_lock);
    return rc;
}

int oss_client_bucket_region(struct oss_client *c, const char *bucket, char *out, size_t outlen)
{
    int found = 0;
    if (!bucket)
        return -ENOENT;
    pthread_rwlock_rdlock(&c->region_lock);
    size_t i = c->nregions ? find(c, bucket, &found) : 0;
    if (found)
        snprintf(out, outlen, "%s", c->regions[i].region);
    pthread_rwlock_unlock(&c->region_lock);
    return found ? 0 : -ENOENT;
}

void oss_region_note_buckets(struct oss_client *c, const struct oss_bucket_list *l)
{
    pthread_rwlock_wrlock(&c->region_lock);
    for (size_t i = 0; i < l->n; i++) {
        const struct oss_bucket_entry *b = &l->buckets[i];
        char region[64] = "";
        if (region_ok(b->region))
            snprintf(region, sizeof region, "%s", b->region);
        else if (strncmp(b->location, "oss-", 4) == 0 && region_ok(b->location + 4))
            snprintf(region, sizeof region, "%s", b->location + 4);
        if (region[0])
            put_locked(c, b->name, region); /* out of memory: that bucket stays unrouted */
    }
    pthread_rwlock_unlock(&c->region_lock);
}

void oss_region_endpoint(struct oss_client *c, const char *bucket, struct oss_endpoint *ep)
{
    ep->scheme = c->scheme;
    ep->hostport = c->hostport;
    ep->path_style = c->path_style;
    ep->v4 = c->v4;
    ep->region = c->region;
    if (!c->tmpl_scheme || !bucket ||
        oss_client_bucket_region(c, bucket, ep->region_buf, sizeof ep->region_buf) != 0 ||
        strcmp(ep->region_buf, c->region) == 0)
        return;
    if (snprintf(ep->hostport_buf, sizeof ep->hostport_buf, "%s%s%s", c->tmpl_pre, ep->region_buf,
                 c->tmpl_post) >= (int)sizeof ep->hostport_buf)
        return;
    ep->scheme = c->tmpl_scheme;
    ep->hostport = ep->hostport_buf;
    ep->path_style = c->force_path;
    ep->v4 = !c->sigv1;
    ep->region = ep->region_buf;
}

int oss_region_redirect(struct oss_client *c, const char *bucket, const struct oss_endpoint *ep,
                        const char *endpoint)
{
    char region[64] = "";

    if (!c->tmpl_scheme || !bucket || !endpoint ||
        !oss_region_of_host(endpoint, region, sizeof region) || !region_ok(region) ||
        strcmp(region, ep->region) == 0)
        return 0;
    return oss_client_set_bucket_region(c, bucket, region) == 0;
}
