/* Fetching directory listings: ListBuckets for the account root, ListObjectsV2 with
 * delimiter "/" and 1000 keys a page for bucket directories. The result is sorted by name and
 * carries each entry's size, mtime and type, so no per-entry HEAD is ever needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fs.h"

struct ents {
    struct fs_dirent *v;
    size_t n, cap;
};

static int ents_add(struct ents *e, const char *name, size_t len, int is_dir, uint64_t size,
                    time_t mtime)
{
    if (len == 0)
        return 0;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        struct fs_dirent *v = realloc(e->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        e->v = v;
        e->cap = cap;
    }
    char *n = strndup(name, len);
    if (!n)
        return -ENOMEM;
    e->v[e->n++] = (struct fs_dirent){n, is_dir, size, mtime};
    return 0;
}

static int cmp_dirent(const void *a, const void *b)
{
    const struct fs_dirent *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->is_dir - y->is_dir; /* the file sorts first and wins a clash */
}

/* Sorts, drops duplicates (a key "a" and a prefix "a/": the file is kept) and wraps up. */
static int finish(struct fs_ctx *ctx, struct ents *e, struct fs_listing **out)
{
    qsort(e->v, e->n, sizeof(*e->v), cmp_dirent);
    size_t w = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (w > 0 && strcmp(e->v[w - 1].name, e->v[i].name) == 0) {
            free(e->v[i].name);
            continue;
        }
        e->v[w++] = e->v[i];
    }
    struct fs_listing *l = calloc(1, sizeof(*l));
    if (!l) {
        for (size_t i = 0; i < w; i++)
            free(e->v[i].name);
        free(e->v);
        return -ENOMEM;
    }
    l->ents = e->v;
    l->n = w;
    l->expires = fs_now() + ctx->opts.attr_timeout;
    *out = l;
    return 0;
}

static void ents_free(struct ents *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].name);
    free(e->v);
}

static int list_buckets(struct fs_ctx *ctx, struct fs_listing **out)
{
    struct oss_bucket_list bl = {0};
    struct oss_error err;
    struct ents e = {0};
    int rc = oss_list_buckets(ctx->client, &bl, &err);
    if (rc < 0) {
        fs_log_oss(ctx, "ListBuckets", NULL, NULL, &err);
        oss_bucket_list_cleanup(&bl);
        return rc;
    }
    char **names = calloc(bl.n + 1, sizeof(*names));
    for (size_t i = 0; i < bl.n && rc == 0; i++) {
        rc = ents_add(&e, bl.buckets[i].name, strlen(bl.buckets[i].name), 1, 0,
                      bl.buckets[i].created);
        if (names)
            names[i] = strdup(bl.buckets[i].name);
    }
    size_t n = bl.n;
    oss_bucket_list_cleanup(&bl);
    if (names) { /* refresh the bucket cache used by lookups */
        pthread_mutex_lock(&ctx->lock);
        for (size_t i = 0; i < ctx->nbuckets; i++)
            free(ctx->buckets[i]);
        free(ctx->buckets);
        ctx->buckets = names;
        ctx->nbuckets = n;
        ctx->buckets_expires = fs_now() + ctx->opts.attr_timeout;
        pthread_mutex_unlock(&ctx->lock);
    }
    if (rc < 0) {
        ents_free(&e);
        return rc;
    }
    return finish(ctx, &e, out);
}

/* Adds one page's objects and common prefixes, as names relative to prefix. */
static int add_page(struct ents *e, const char *prefix, const struct oss_list_page *pg)
{
    size_t pl = strlen(prefix);
    int rc = 0;
    for (size_t i = 0; i < pg->nobjects && rc == 0; i++) {
        const char *k = pg->objects[i].key;
        if (strncmp(k, prefix, pl) != 0 || strchr(k + pl, '/'))
            continue; /* the directory's own marker "prefix/" has an empty name: skipped */
        rc = ents_add(e, k + pl, strlen(k + pl), 0, pg->objects[i].size, pg->objects[i].mtime);
    }
    for (size_t i = 0; i < pg->nprefixes && rc == 0; i++) {
        const char *k = pg->prefixes[i];
        size_t kl = strlen(k);
        if (strncmp(k, prefix, pl) != 0 || kl < pl + 2)
            continue;
        rc = ents_add(e, k + pl, kl - pl - 1, 1, 0, 0);
    }
    return rc;
}

int fs_list_dir(struct fs_ctx *ctx, const struct fs_inode *dir, struct fs_listing **out)
{
    if (dir->kind == FS_K_ACCOUNT)
        return list_buckets(ctx, out);
    struct ents e = {0};
    struct oss_error err;
    char *token = NULL;
    int rc = 0;
    do {
        struct oss_list_params p = {.prefix = dir->key[0] ? dir->key : NULL,
                                    .delimiter = "/",
                                    .continuation_token = token,
                                    .max_keys = 1000};
        struct oss_list_page pg = {0};
        rc = oss_list_objects_v2(ctx->client, dir->bucket, &p, &pg, &err);
        free(token);
        token = NULL;
        if (rc == 0)
            rc = add_page(&e, dir->key, &pg);
        else
            fs_log_oss(ctx, "ListObjectsV2", dir->bucket, dir->key, &err);
        if (rc == 0 && pg.truncated && pg.next_token && pg.next_token[0])
            token = strdup(pg.next_token);
        oss_list_page_cleanup(&pg);
    } while (rc == 0 && token);
    if (rc < 0) {
        ents_free(&e);
        return rc;
    }
    return finish(ctx, &e, out);
}
