/* Fetching directory listings: ListBuckets for the account root, ListObjectsV2 with
 * delimiter "/" and 1000 keys a page for bucket directories, one page at a time so long
 * listings stream. A finished listing is sorted by name and carries each entry's size, mtime
 * and type, so no per-entry HEAD is ever needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "inode.h"

static int ents_add(struct fs_lister *e, const char *name, size_t len, int is_dir, uint64_t size,
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
    e->v[e->n++] = (struct fs_dirent){n, is_dir, size, mtime, 0};
    return 0;
}

static int cmp_dirent(const void *a, const void *b)
{
    const struct fs_dirent *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->is_dir - y->is_dir; /* the file sorts first and wins a clash */
}

int fs_lister_init(struct fs_lister *ls, const char *bucket, const char *prefix)
{
    memset(ls, 0, sizeof(*ls));
    ls->bucket = strdup(bucket ? bucket : "");
    ls->prefix = strdup(prefix ? prefix : "");
    if (!ls->bucket || !ls->prefix) {
        fs_lister_cleanup(ls);
        return -ENOMEM;
    }
    return 0;
}

void fs_lister_clear(struct fs_lister *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        free(ls->v[i].name);
    ls->n = 0;
}

void fs_lister_cleanup(struct fs_lister *ls)
{
    fs_lister_clear(ls);
    free(ls->v);
    free(ls->bucket);
    free(ls->prefix);
    free(ls->token);
    memset(ls, 0, sizeof(*ls));
}

/* Sorts, drops duplicates (a key "a" and a prefix "a/": the file is kept) and hands the
 * entries over to a new listing; the lister keeps no entries afterwards. */
int fs_lister_finish(struct fs_ctx *ctx, struct fs_lister *e, struct fs_listing **out)
{
    if (e->n > 1)
        qsort(e->v, e->n, sizeof(*e->v), cmp_dirent);
    size_t w = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (w > 0 && strcmp(e->v[w - 1].name, e->v[i].name) == 0) {
            free(e->v[i].name);
            continue;
        }
        e->v[w++] = e->v[i];
    }
    e->n = w;
    struct fs_listing *l = calloc(1, sizeof(*l));
    if (!l)
        return -ENOMEM;
    l->ents = e->v;
    l->n = w;
    l->expires = fs_now() + ctx->opts.attr_timeout;
    e->v = NULL;
    e->n = e->cap = 0;
    *out = l;
    return 0;
}

static int list_buckets(struct fs_ctx *ctx, struct fs_listing **out)
{
    struct oss_bucket_list bl = {0};
    struct oss_error err;
    struct fs_lister e;
    int rc = fs_lister_init(&e, NULL, NULL);
    if (rc < 0)
        return rc;
    rc = oss_list_buckets(ctx->client, &bl, &err);
    if (rc < 0) {
        fs_log_oss(ctx, &err);
        oss_bucket_list_cleanup(&bl);
        fs_lister_cleanup(&e);
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
    if (rc == 0)
        rc = fs_lister_finish(ctx, &e, out);
    fs_lister_cleanup(&e);
    return rc;
}

/* Adds one page's objects and common prefixes, as names relative to prefix. */
static int add_page(struct fs_lister *e, const struct oss_list_page *pg)
{
    const char *prefix = e->prefix;
    size_t pl = strlen(prefix);
    int rc = 0;
    for (size_t i = 0; i < pg->nobjects && rc == 0; i++) {
        const char *k = pg->objects[i].key;
        if (strncmp(k, prefix, pl) != 0 || strchr(k + pl, '/'))
            continue; /* the directory's own marker "prefix/" has an empty name: skipped */
        /* A link's listed Size is the length of its bucket-absolute target, not of the
         * relative path readlink shows; 0 lets the size come from readlink instead. */
        int link = k[pl] && strcmp(pg->objects[i].type, "Symlink") == 0;
        rc = ents_add(e, k + pl, strlen(k + pl), 0, link ? 0 : pg->objects[i].size,
                      pg->objects[i].mtime);
        if (rc == 0 && link)
            e->v[e->n - 1].is_link = 1;
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

int fs_lister_next(struct fs_ctx *ctx, struct fs_lister *ls)
{
    if (ls->done)
        return 0;
    struct oss_error err;
    struct oss_list_params p = {.prefix = ls->prefix[0] ? ls->prefix : NULL,
                                .delimiter = "/",
                                .continuation_token = ls->token,
                                .max_keys = 1000};
    struct oss_list_page pg = {0};
    int rc = oss_list_objects_v2(ctx->client, ls->bucket, &p, &pg, &err);
    free(ls->token);
    ls->token = NULL;
    if (rc == 0)
        rc = add_page(ls, &pg);
    else
        fs_log_oss(ctx, &err);
    if (rc == 0 && pg.truncated && pg.next_token && pg.next_token[0]) {
        ls->token = strdup(pg.next_token);
        if (!ls->token)
            rc = -ENOMEM;
    } else if (rc == 0) {
        ls->done = 1;
    }
    oss_list_page_cleanup(&pg);
    return rc;
}

int fs_list_window(struct fs_ctx *ctx, const char *bucket, const char *prefix, const char *name)
{
    struct fs_lister ls;
    size_t pl = strlen(prefix), nl = strlen(name);
    char *after = nl ? malloc(pl + nl) : NULL;
    int rc = after ? fs_lister_init(&ls, bucket, prefix) : -ENOMEM;
    if (rc < 0) {
        free(after);
        return rc;
    }
    memcpy(after, prefix, pl);
    memcpy(after + pl, name, nl - 1); /* every key from prefix+name on sorts after this */
    after[pl + nl - 1] = 0;
    struct oss_list_params p = {
        .prefix = pl ? prefix : NULL, .delimiter = "/", .start_after = after, .max_keys = 1000};
    struct oss_list_page pg = {0};
    struct oss_error err;
    rc = oss_list_objects_v2(ctx->client, bucket, &p, &pg, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    else
        rc = add_page(&ls, &pg);
    if (rc == 0) {
        /* the page ends at its greatest key or prefix; an untruncated one at the end */
        const char *hi = NULL;
        if (pg.truncated && pg.nobjects)
            hi = pg.objects[pg.nobjects - 1].key;
        if (pg.truncated && pg.nprefixes && (!hi || strcmp(pg.prefixes[pg.nprefixes - 1], hi) > 0))
            hi = pg.prefixes[pg.nprefixes - 1];
        if (!pg.truncated || hi) {
            pthread_mutex_lock(&ctx->lock);
            fs_dcache_window_locked(ctx, bucket, prefix, after, hi, ls.v, ls.n);
            pthread_mutex_unlock(&ctx->lock);
        }
    }
    oss_list_page_cleanup(&pg);
    fs_lister_cleanup(&ls);
    free(after);
    return rc;
}

int fs_list_dir(struct fs_ctx *ctx, const struct fs_inode *dir, struct fs_listing **out)
{
    if (dir->kind == FS_K_ACCOUNT)
        return list_buckets(ctx, out);
    struct fs_lister ls;
    int rc = fs_lister_init(&ls, dir->bucket, dir->key);
    while (rc == 0 && !ls.done)
        rc = fs_lister_next(ctx, &ls);
    if (rc == 0)
        rc = fs_lister_finish(ctx, &ls, out);
    fs_lister_cleanup(&ls);
    return rc;
}
