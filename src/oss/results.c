/* Result structs of client.h: filling object metadata from response headers, and releasing
 * what the operations hand to the caller. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oss/codec.h"
#include "oss/parse.h"

#define META_PREFIX "x-oss-meta-"

static void copy_field(char *dst, size_t dstlen, const char *src)
{
    if (src)
        snprintf(dst, dstlen, "%s", src);
}

static int add_user_meta(struct oss_object_meta *m, const char *name, const char *value)
{
    struct oss_meta_pair *n = realloc(m->meta, (m->nmeta + 1) * sizeof *n);
    if (n == NULL)
        return -ENOMEM;
    m->meta = n;
    char *nm = strdup(name), *val = strdup(value);
    if (nm == NULL || val == NULL) {
        free(nm);
        free(val);
        return -ENOMEM;
    }
    for (char *p = nm; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    m->meta[m->nmeta].name = nm;
    m->meta[m->nmeta].value = val;
    m->nmeta++;
    return 0;
}

int oss_meta_from_headers(const struct oss_http_response *resp, int want_user_meta,
                          struct oss_object_meta *m)
{
    const char *v;

    if ((v = oss_http_header(resp, "Content-Length")))
        m->size = strtoull(v, NULL, 10);
    if ((v = oss_http_header(resp, "Content-Range"))) {
        const char *slash = strrchr(v, '/');
        if (slash && slash[1] >= '0' && slash[1] <= '9')
            m->size = strtoull(slash + 1, NULL, 10);
    }
    if ((v = oss_http_header(resp, "ETag"))) {
        size_t l = strlen(v);
        if (l >= 2 && v[0] == '"' && v[l - 1] == '"')
            snprintf(m->etag, sizeof m->etag, "%.*s", (int)(l - 2), v + 1);
        else
            copy_field(m->etag, sizeof m->etag, v);
    }
    if ((v = oss_http_header(resp, "Last-Modified")))
        if (oss_parse_http_date(v, &m->mtime) < 0)
            m->mtime = 0;
    copy_field(m->type, sizeof m->type, oss_http_header(resp, "x-oss-object-type"));
    copy_field(m->storage_class, sizeof m->storage_class,
               oss_http_header(resp, "x-oss-storage-class"));
    copy_field(m->version_id, sizeof m->version_id, oss_http_header(resp, "x-oss-version-id"));
    copy_field(m->content_type, sizeof m->content_type, oss_http_header(resp, "Content-Type"));
    if ((v = oss_http_header(resp, "x-oss-hash-crc64ecma")) && *v >= '0' && *v <= '9') {
        m->crc64 = strtoull(v, NULL, 10);
        m->has_crc64 = 1;
    }
    if ((v = oss_http_header(resp, "x-oss-delete-marker")))
        m->delete_marker = strcasecmp(v, "true") == 0;
    if (!want_user_meta)
        return 0;
    for (size_t i = 0; i < resp->nheaders; i++) {
        const char *name = resp->headers[i].name;
        if (strncasecmp(name, META_PREFIX, strlen(META_PREFIX)) != 0)
            continue;
        int rc = add_user_meta(m, name + strlen(META_PREFIX), resp->headers[i].value);
        if (rc < 0)
            return rc;
    }
    return 0;
}

void oss_object_meta_cleanup(struct oss_object_meta *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nmeta; i++) {
        free(m->meta[i].name);
        free(m->meta[i].value);
    }
    free(m->meta);
    memset(m, 0, sizeof *m);
}

void oss_bucket_list_cleanup(struct oss_bucket_list *l)
{
    if (l == NULL)
        return;
    free(l->buckets);
    memset(l, 0, sizeof *l);
}

void oss_list_page_cleanup(struct oss_list_page *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; p->objects && i < p->nobjects; i++)
        free(p->objects[i].key);
    for (size_t i = 0; p->prefixes && i < p->nprefixes; i++)
        free(p->prefixes[i]);
    free(p->objects);
    free(p->prefixes);
    free(p->next_token);
    memset(p, 0, sizeof *p);
}
