/* The ACL fetch-ahead store (dcache.h): object ACL answers kept for FS_ACL_TTL seconds,
 * fetched by acl_prefetch worker threads ahead of a reader that walks a directory in listing
 * order (a .acl.d listing starts the window; ACL reads in order, from .acl.d files or
 * user.oss.acl, move it on). A read finds the answer kept, waits for the fetch in flight,
 * or fetches it itself: each ACL is requested once per walk. The store is bounded
 * (FS_ACL_MAX entries; fetch-ahead stops when full) and so is the window (16 requests per
 * worker ahead of the reader).
 *
 * Entries are reference counted: the hash (with the age list), the fetch queue, a fetcher and
 * each waiter hold one reference; s->lock guards everything here. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "inode.h"

#define FS_ACL_MAX 8192u
#define ACL_HASH   4096u

enum { A_QUEUED, A_FETCHING, A_READY };

struct acl_ent {
    char *bucket, *key;
    int state, refs, hashed;
    int rc;                /* A_READY: 0 or a negative errno */
    struct oss_error *err; /* A_READY with rc < 0: the refusal */
    struct oss_buf val;    /* A_READY with rc == 0 */
    double expires;
    struct acl_ent *hnext, *qnext, *older, *newer;
};

struct fs_aclstore {
    pthread_mutex_t lock;
    pthread_cond_t done, work;
    struct acl_ent *hash[ACL_HASH];
    struct acl_ent *qhead, *qtail;
    struct acl_ent *oldest, *newest;
    size_t n;
    pthread_t *th;
    unsigned nth;
    int stop;
};

static size_t slot_of(const char *bucket, const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = bucket; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ '/') * 1099511628211ull;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (size_t)(h ^ (h >> 31)) % ACL_HASH;
}

static void ent_put(struct acl_ent *e)
{
    if (--e->refs > 0)
        return;
    free(e->bucket);
    free(e->key);
    free(e->err);
    oss_buf_cleanup(&e->val);
    free(e);
}

static struct acl_ent *find(struct fs_aclstore *s, const char *bucket, const char *key)
{
    for (struct acl_ent *e = s->hash[slot_of(bucket, key)]; e; e = e->hnext)
        if (strcmp(e->key, key) == 0 && strcmp(e->bucket, bucket) == 0)
            return e;
    return NULL;
}

static void unhash(struct fs_aclstore *s, struct acl_ent *e)
{
    struct acl_ent **pp = &s->hash[slot_of(e->bucket, e->key)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    if (e->older)
        e->older->newer = e->newer;
    else
        s->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        s->newest = e->older;
    e->hashed = 0;
    s->n--;
    ent_put(e);
}

/* Drops the oldest answers already given until there is room for one more; 0 when there is. */
static int make_room(struct fs_aclstore *s)
{
    struct acl_ent *e = s->oldest;
    while (s->n >= FS_ACL_MAX && e) {
        struct acl_ent *next = e->newer;
        if (e->state == A_READY)
            unhash(s, e);
        e = next;
    }
    return s->n < FS_ACL_MAX ? 0 : -1;
}

/* A new hashed entry in state st (one reference: the hash's). */
static struct acl_ent *add(struct fs_aclstore *s, const char *bucket, const char *key, int st)
{
    struct acl_ent *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->bucket = strdup(bucket);
    e->key = strdup(key);
    if (!e->bucket || !e->key) {
        e->refs = 1;
        ent_put(e);
        return NULL;
    }
    oss_buf_init(&e->val);
    e->state = st;
    e->refs = 1;
    e->hashed = 1;
    size_t h = slot_of(bucket, key);
    e->hnext = s->hash[h];
    s->hash[h] = e;
    e->older = s->newest;
    if (s->newest)
        s->newest->newer = e;
    else
        s->oldest = e;
    s->newest = e;
    s->n++;
    return e;
}

/* Fetches the ACL of e (state A_FETCHING, a reference held) without s->lock and stores it. */
static void fetch(struct fs_ctx *ctx, struct fs_aclstore *s, struct acl_ent *e)
{
    struct ctl_target t = {e->bucket, e->key, NULL};
    struct oss_buf v = OSS_BUF_INIT;
    struct oss_error err;
    oss_error_clear(&err);
    int rc = ctl_object_acl_entry()->get(ctx->client, &t, &v, &err);
    pthread_mutex_lock(&s->lock);
    e->rc = rc;
    oss_buf_cleanup(&e->val);
    e->val = v;
    free(e->err);
    e->err = rc < 0 ? malloc(sizeof(err)) : NULL;
    if (e->err)
        *e->err = err;
    e->expires = fs_now() + FS_ACL_TTL;
    e->state = A_READY;
    pthread_cond_broadcast(&s->done);
    pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
    struct fs_ctx *ctx = arg;
    struct fs_aclstore *s = ctx->aclstore;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->stop && !s->qhead)
            pthread_cond_wait(&s->work, &s->lock);
        if (s->stop)
            break;
        struct acl_ent *e = s->qhead; /* the queue's reference becomes ours */
        s->qhead = e->qnext;
        if (!s->qhead)
            s->qtail = NULL;
        if (e->state != A_QUEUED || !e->hashed) { /* taken by a reader, or forgotten */
            ent_put(e);
            continue;
        }
        e->state = A_FETCHING;
        pthread_mutex_unlock(&s->lock);
        fetch(ctx, s, e);
        pthread_mutex_lock(&s->lock);
        ent_put(e);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static struct fs_aclstore *store_of(struct fs_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_aclstore *s = ctx->aclstore;
    if (!s && (s = calloc(1, sizeof(*s))) != NULL) {
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->done, NULL);
        pthread_cond_init(&s->work, NULL);
        ctx->aclstore = s;
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

/* Queues the keys not kept yet for the workers (starting them on first use); frees keys. */
static void enqueue(struct fs_ctx *ctx, const char *bucket, char **keys, size_t n)
{
    struct fs_aclstore *s = n ? store_of(ctx) : NULL;
    if (s)
        pthread_mutex_lock(&s->lock);
    if (s && !s->th && !s->stop && (s->th = calloc(ctx->opts.acl_prefetch, sizeof(pthread_t)))) {
        while (s->nth < ctx->opts.acl_prefetch &&
               pthread_create(&s->th[s->nth], NULL, worker, ctx) == 0)
            s->nth++;
    }
    double now = fs_now();
    for (size_t i = 0; i < n; i++) {
        struct acl_ent *e = s && s->nth ? find(s, bucket, keys[i]) : NULL;
        if (e && (e->state != A_READY || e->expires > now)) {
            free(keys[i]);
            continue;
        }
        if (e)
            unhash(s, e);
        if (s && s->nth && make_room(s) == 0 && (e = add(s, bucket, keys[i], A_QUEUED))) {
            e->refs++;
            if (s->qtail)
                s->qtail->qnext = e;
            else
                s->qhead = e;
            s->qtail = e;
            pthread_cond_signal(&s->work);
        }
        free(keys[i]);
    }
    if (s)
        pthread_mutex_unlock(&s->lock);
}

/* Window length ahead of the reader, in listed entries. */
static size_t window(const struct fs_ctx *ctx)
{
    return 16u * ctx->opts.acl_prefetch;
}

/* Hands files of the listing of prefix from acl->next on, up to position end, to the workers.
 * ctx->lock held on entry; released. */
static void fill_to(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                    struct fs_dcache_acl *acl, size_t end)
{
    size_t from = acl->next, max = end > from ? end - from : 0;
    char **keys = max ? calloc(max, sizeof(*keys)) : NULL;
    size_t n = keys ? fs_dcache_file_keys_locked(ctx, bucket, prefix, &from, max, keys) : 0;
    acl->next = from;
    pthread_mutex_unlock(&ctx->lock);
    enqueue(ctx, bucket, keys, n);
    free(keys);
}

void fs_acl_listed(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    if (!ctx->opts.acl_prefetch)
        return;
    pthread_mutex_lock(&ctx->lock);
    struct fs_dcache_acl *acl = fs_dcache_acl_locked(ctx, bucket, prefix);
    if (acl && acl->last == SIZE_MAX && acl->next < window(ctx))
        fill_to(ctx, bucket, prefix, acl, window(ctx));
    else
        pthread_mutex_unlock(&ctx->lock);
}

/* A reader read the ACL of key: when it walks the listing of its directory in order, keep
 * the window ahead of it filled. */
static void follow(struct fs_ctx *ctx, const char *bucket, const char *key)
{
    const char *slash = strrchr(key, '/');
    size_t pl = slash ? (size_t)(slash - key) + 1 : 0;
    char *prefix = strndup(key, pl);
    if (!prefix)
        return;
    pthread_mutex_lock(&ctx->lock);
    struct fs_dcache_acl *acl = fs_dcache_acl_locked(ctx, bucket, prefix);
    struct fs_dirent d;
    size_t idx;
    if (!acl || fs_dcache_find_locked(ctx, bucket, prefix, key + pl, &d, &idx) != 1 ||
        idx == SIZE_MAX) {
        pthread_mutex_unlock(&ctx->lock);
        free(prefix);
        return;
    }
    int in_order =
        idx < acl->next || (acl->last != SIZE_MAX && idx > acl->last && idx <= acl->last + 8);
    acl->last = idx;
    size_t w = window(ctx);
    if (in_order && acl->next < idx + 1 + w / 2) {
        if (acl->next < idx + 1)
            acl->next = idx + 1;
        fill_to(ctx, bucket, prefix, acl, idx + 1 + w);
    } else {
        pthread_mutex_unlock(&ctx->lock);
    }
    free(prefix);
}

/* Copies a kept answer to the reader. s->lock held. */
static int answer(const struct acl_ent *e, struct oss_buf *out, struct oss_error *err)
{
    if (e->rc < 0) {
        if (e->err)
            *err = *e->err;
        else
            err->err = e->rc;
        return e->rc;
    }
    return oss_buf_append(out, e->val.data, e->val.len);
}

int fs_acl_get(struct fs_ctx *ctx, const struct ctl_target *t, struct oss_buf *out,
               struct oss_error *err)
{
    const struct ctl_entry *ce = ctl_object_acl_entry();
    struct fs_aclstore *s = NULL;
    if (ctx->opts.acl_prefetch && !t->version_id && t->key) {
        follow(ctx, t->bucket, t->key);
        s = store_of(ctx);
    }
    if (!s)
        return ce->get(ctx->client, t, out, err);
    pthread_mutex_lock(&s->lock);
    struct acl_ent *e = find(s, t->bucket, t->key);
    if (e && e->state == A_READY && e->expires <= fs_now()) {
        unhash(s, e);
        e = NULL;
    }
    if (e && e->state != A_QUEUED) { /* kept, or being fetched: wait for it */
        e->refs++;
        while (e->state == A_FETCHING)
            pthread_cond_wait(&s->done, &s->lock);
        int rc = answer(e, out, err);
        ent_put(e);
        pthread_mutex_unlock(&s->lock);
        return rc;
    }
    if (!e) {
        make_room(s);
        e = add(s, t->bucket, t->key, A_FETCHING);
    }
    if (!e) {
        pthread_mutex_unlock(&s->lock);
        return ce->get(ctx->client, t, out, err);
    }
    e->state = A_FETCHING; /* a queued entry: the worker will skip it */
    e->refs++;
    pthread_mutex_unlock(&s->lock);
    fetch(ctx, s, e);
    pthread_mutex_lock(&s->lock);
    int rc = answer(e, out, err);
    ent_put(e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void fs_acl_forget(struct fs_ctx *ctx, const char *bucket, const char *key)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_aclstore *s = ctx->aclstore;
    pthread_mutex_unlock(&ctx->lock);
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    struct acl_ent *e = find(s, bucket, key);
    if (e)
        unhash(s, e); /* a fetch in flight finishes for its waiters only */
    pthread_mutex_unlock(&s->lock);
}

void fs_acl_stop(struct fs_ctx *ctx)
{
    struct fs_aclstore *s = ctx->aclstore;
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->lock);
    for (unsigned i = 0; i < s->nth; i++)
        pthread_join(s->th[i], NULL);
    free(s->th);
    while (s->qhead) {
        struct acl_ent *e = s->qhead;
        s->qhead = e->qnext;
        ent_put(e);
    }
    while (s->oldest)
        unhash(s, s->oldest);
    pthread_cond_destroy(&s->done);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->lock);
    free(s);
    ctx->aclstore = NULL;
}
