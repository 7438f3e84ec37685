/* The listing cache (see dcache.h): per directory, the entries of its last listing in listing
 * order with an open-addressing hash index by name, most recently used directories first.
 * Everything here runs under ctx->lock and never sends a request. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "inode.h"

struct fs_dcache {
    char *bucket, *prefix;
    uint64_t gen;
    struct fs_dirent *ents; /* listing order; names owned */
    size_t n, cap;
    uint32_t *slots; /* position + 1, 0 empty; nslots a power of two, at most half full */
    size_t nslots;
    int filling, complete, capped;
    double expires;
    struct fs_dcache_acl acl;
    struct fs_dcache *prev, *next;
};

/* One page listed from a name on, for a directory whose listing was too long to keep: the
 * keys after `after` up to `hi` (to the end when hi is NULL) are exactly the entries. */
struct fs_dwin {
    struct fs_dcache d; /* bucket, prefix, ents, slots, expires */
    char *after, *hi;
};

struct fs_dstore {
    struct fs_dcache *head, *tail;
    size_t ndirs, nents;
    uint64_t gen;
    struct fs_dwin *win; /* at most one, so the window adds one page to the bound */
};

static struct fs_dstore *store(struct fs_ctx *ctx)
{
    if (!ctx->dstore)
        ctx->dstore = calloc(1, sizeof(*ctx->dstore));
    return ctx->dstore;
}

static double ttl(const struct fs_ctx *ctx)
{
    return ctx->opts.listing_timeout;
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

static void unlink_dc(struct fs_dstore *s, struct fs_dcache *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        s->head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        s->tail = d->prev;
    d->prev = d->next = NULL;
}

static void push_front(struct fs_dstore *s, struct fs_dcache *d)
{
    d->next = s->head;
    d->prev = NULL;
    if (s->head)
        s->head->prev = d;
    s->head = d;
    if (!s->tail)
        s->tail = d;
}

static void free_dc(struct fs_dstore *s, struct fs_dcache *d)
{
    unlink_dc(s, d);
    for (size_t i = 0; i < d->n; i++)
        free(d->ents[i].name);
    s->nents -= d->n;
    s->ndirs--;
    free(d->ents);
    free(d->slots);
    free(d->bucket);
    free(d->prefix);
    free(d);
}

static struct fs_dcache *find_dc(struct fs_dstore *s, const char *bucket, const char *prefix)
{
    for (struct fs_dcache *d = s ? s->head : NULL; d; d = d->next)
        if (strcmp(d->prefix, prefix) == 0 && strcmp(d->bucket, bucket) == 0)
            return d;
    return NULL;
}

static struct fs_dcache *find_gen(struct fs_dstore *s, uint64_t gen)
{
    for (struct fs_dcache *d = s ? s->head : NULL; d; d = d->next)
        if (d->gen == gen)
            return d;
    return NULL;
}

/* Position of name, or SIZE_MAX. */
static size_t slot_find(const struct fs_dcache *d, const char *name, size_t *slot)
{
    if (!d->nslots)
        return SIZE_MAX;
    size_t mask = d->nslots - 1;
    for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
        if (slot)
            *slot = i;
        if (!d->slots[i])
            return SIZE_MAX;
        if (strcmp(d->ents[d->slots[i] - 1].name, name) == 0)
            return d->slots[i] - 1;
    }
}

static int rehash(struct fs_dcache *d, size_t nslots)
{
    uint32_t *v = calloc(nslots, sizeof(*v));
    if (!v)
        return -ENOMEM;
    free(d->slots);
    d->slots = v;
    d->nslots = nslots;
    for (size_t p = 0; p < d->n; p++) {
        size_t i = hash_str(d->ents[p].name) & (nslots - 1);
        while (v[i])
            i = (i + 1) & (nslots - 1);
        v[i] = (uint32_t)(p + 1);
    }
    return 0;
}

/* Makes room for one more entry over all directories by dropping the least recently used
 * other directories; 0 when there is room. */
static int make_room(struct fs_dstore *s, const struct fs_dcache *keep)
{
    struct fs_dcache *d = s->tail;
    while (s->nents >= FS_DCACHE_MAX_ENTRIES && d) {
        struct fs_dcache *prev = d->prev;
        if (d != keep && !d->filling)
            free_dc(s, d);
        d = prev;
    }
    return s->nents < FS_DCACHE_MAX_ENTRIES ? 0 : -1;
}

uint64_t fs_dcache_begin_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    struct fs_dstore *s = store(ctx);
    if (!s || !bucket || ttl(ctx) <= 0)
        return 0;
    struct fs_dcache *d = find_dc(s, bucket, prefix);
    if (d)
        free_dc(s, d);
    while (s->ndirs >= FS_DCACHE_MAX_DIRS && s->tail)
        free_dc(s, s->tail);
    d = calloc(1, sizeof(*d));
    if (!d)
        return 0;
    d->bucket = strdup(bucket);
    d->prefix = strdup(prefix);
    if (!d->bucket || !d->prefix) {
        free(d->bucket);
        free(d->prefix);
        free(d);
        return 0;
    }
    d->gen = ++s->gen;
    d->filling = 1;
    d->expires = fs_now() + ttl(ctx);
    d->acl.last = SIZE_MAX;
    s->ndirs++;
    push_front(s, d);
    return d->gen;
}

/* Appends one entry (name copied) unless the name is there; -1 when out of memory. */
static int insert(struct fs_dcache *d, const struct fs_dirent *e)
{
    size_t slot = 0; /* slot_find sets it when the table has slots; an empty table grows first */
    if (slot_find(d, e->name, &slot) != SIZE_MAX)
        return 0; /* a key "a" and a prefix "a/": the file came first and wins */
    if (d->n >= UINT32_MAX - 1)
        return -1;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct fs_dirent *v = realloc(d->ents, cap * sizeof(*v));
        if (!v)
            return -1;
        d->ents = v;
        d->cap = cap;
    }
    if ((d->n + 1) * 2 > d->nslots) {
        if (rehash(d, d->nslots ? d->nslots * 2 : 512) < 0)
            return -1;
        slot_find(d, e->name, &slot);
    }
    char *name = strdup(e->name);
    if (!name)
        return -1;
    d->ents[d->n] = *e;
    d->ents[d->n].name = name;
    d->slots[slot] = (uint32_t)(++d->n);
    return 1;
}

void fs_dcache_add_locked(struct fs_ctx *ctx, uint64_t gen, const struct fs_dirent *ents, size_t n)
{
    struct fs_dstore *s = ctx->dstore;
    struct fs_dcache *d = gen ? find_gen(s, gen) : NULL;
    if (!d)
        return;
    d->expires = fs_now() + ttl(ctx);
    for (size_t i = 0; i < n && !d->capped; i++) {
        int rc = slot_find(d, ents[i].name, NULL) != SIZE_MAX ? 0
                 : make_room(s, d) < 0                        ? -1
                                                              : insert(d, &ents[i]);
        if (rc < 0)
            d->capped = 1;
        else
            s->nents += (size_t)rc;
    }
}

void fs_dcache_end_locked(struct fs_ctx *ctx, uint64_t gen, int complete)
{
    struct fs_dcache *d = gen ? find_gen(ctx->dstore, gen) : NULL;
    if (!d)
        return;
    d->filling = 0;
    d->complete = complete && !d->capped;
    d->expires = fs_now() + ttl(ctx);
}

static struct fs_dcache *fresh(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    struct fs_dcache *d = bucket ? find_dc(ctx->dstore, bucket, prefix) : NULL;
    if (!d || d->expires <= fs_now())
        return NULL;
    if (d != ctx->dstore->head) {
        unlink_dc(ctx->dstore, d);
        push_front(ctx->dstore, d);
    }
    return d;
}

static void free_win(struct fs_dstore *s)
{
    struct fs_dwin *w = s ? s->win : NULL;
    if (!w)
        return;
    for (size_t i = 0; i < w->d.n; i++)
        free(w->d.ents[i].name);
    free(w->d.ents);
    free(w->d.slots);
    free(w->d.bucket);
    free(w->d.prefix);
    free(w->after);
    free(w->hi);
    free(w);
    s->win = NULL;
}

/* Looks name up in the window: 1 found, 0 absent (its keys lie in the listed range), -1 not
 * covered. */
static int find_win(struct fs_ctx *ctx, const char *bucket, const char *prefix, const char *name,
                    struct fs_dirent *out)
{
    struct fs_dwin *w = ctx->dstore->win;
    if (!w || w->d.expires <= fs_now() || strcmp(w->d.prefix, prefix) != 0 ||
        strcmp(w->d.bucket, bucket) != 0)
        return -1;
    size_t p = slot_find(&w->d, name, NULL);
    if (p != SIZE_MAX) {
        *out = w->d.ents[p];
        return 1;
    }
    char *file = fs_child_key(prefix, name, 0), *dir = fs_child_key(prefix, name, 1);
    int covered = file && dir && strcmp(file, w->after) > 0 && (!w->hi || strcmp(dir, w->hi) <= 0);
    free(file);
    free(dir);
    return covered ? 0 : -1;
}

int fs_dcache_find_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                          const char *name, struct fs_dirent *out, size_t *idx)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    if (!d)
        return -1;
    size_t p = slot_find(d, name, NULL);
    if (idx)
        *idx = SIZE_MAX; /* also for an answer from the window */
    if (p == SIZE_MAX)
        return d->complete ? 0 : d->capped ? find_win(ctx, bucket, prefix, name, out) : -1;
    *out = d->ents[p];
    if (idx)
        *idx = p;
    return 1;
}

int fs_dcache_capped_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    return d && d->capped;
}

void fs_dcache_window_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                             const char *after, const char *hi, const struct fs_dirent *ents,
                             size_t n)
{
    struct fs_dstore *s = store(ctx);
    if (!s)
        return;
    free_win(s);
    struct fs_dwin *w = calloc(1, sizeof(*w));
    if (!w)
        return;
    s->win = w;
    w->d.bucket = strdup(bucket);
    w->d.prefix = strdup(prefix);
    w->after = strdup(after);
    w->hi = hi ? strdup(hi) : NULL;
    int ok = w->d.bucket && w->d.prefix && w->after && (!hi || w->hi);
    for (size_t i = 0; ok && i < n; i++)
        ok = insert(&w->d, &ents[i]) >= 0;
    if (!ok) {
        free_win(s);
        return;
    }
    w->d.expires = fs_now() + ttl(ctx);
}

void fs_dcache_drop_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    struct fs_dcache *d = bucket ? find_dc(ctx->dstore, bucket, prefix) : NULL;
    if (d)
        free_dc(ctx->dstore, d);
    struct fs_dwin *w = ctx->dstore ? ctx->dstore->win : NULL;
    if (w && bucket && strcmp(w->d.prefix, prefix) == 0 && strcmp(w->d.bucket, bucket) == 0)
        free_win(ctx->dstore);
}

void fs_dcache_note_file_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                                const char *name, uint64_t size, time_t mtime)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    if (!d || d->filling || !d->complete) {
        fs_dcache_drop_locked(ctx, bucket, prefix);
        return;
    }
    size_t p = slot_find(d, name, NULL);
    if (p != SIZE_MAX) {
        if (d->ents[p].is_dir || d->ents[p].is_link) {
            fs_dcache_drop_locked(ctx, bucket, prefix); /* a kind change: list again */
            return;
        }
        d->ents[p].size = size;
        d->ents[p].mtime = mtime;
        return;
    }
    struct fs_dirent e = {.name = (char *)name, .size = size, .mtime = mtime};
    int rc = make_room(ctx->dstore, d) < 0 ? -1 : insert(d, &e);
    if (rc < 0)
        fs_dcache_drop_locked(ctx, bucket, prefix);
    else
        ctx->dstore->nents += (size_t)rc;
}

size_t fs_dcache_file_keys_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                                  size_t *from, size_t max, char **keys)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    size_t got = 0, i = *from;
    for (; d && i < d->n && got < max; i++) {
        if (d->ents[i].is_dir)
            continue;
        keys[got] = fs_child_key(prefix, d->ents[i].name, 0);
        if (!keys[got])
            break;
        got++;
    }
    *from = i;
    return got;
}

struct fs_dcache_acl *fs_dcache_acl_locked(struct fs_ctx *ctx, const char *bucket,
                                           const char *prefix)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    return d ? &d->acl : NULL;
}

void fs_dcache_free(struct fs_ctx *ctx)
{
    struct fs_dstore *s = ctx->dstore;
    while (s && s->head)
        free_dc(s, s->head);
    free_win(s);
    free(s);
    ctx->dstore = NULL;
}

int fs_dcache_nonempty_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    struct fs_dcache *d = fresh(ctx, bucket, prefix);
    return d && (d->n > 0 || d->filling);
}
