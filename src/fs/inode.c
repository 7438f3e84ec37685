/* The inode table: every inode the kernel knows, found by number and by (parent, name).
 * lookup-like replies take a reference, forget drops it; an inode is freed at zero references.
 * All functions expect ctx->lock held. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "inode.h"

struct fs_table {
    struct fs_inode **by_ino;
    struct fs_inode **by_name;
    size_t nbuckets;
    size_t count;
    fuse_ino_t next_ino;
};

static size_t hash_ino(fuse_ino_t ino)
{
    return (size_t)(ino * 0x9E3779B97F4A7C15ull);
}

static size_t hash_name(fuse_ino_t parent, const char *name)
{
    uint64_t h = 1469598103934665603ull ^ parent;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ull;
    return (size_t)h;
}

struct fs_table *fs_table_new(void)
{
    struct fs_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->nbuckets = 1024;
    t->by_ino = calloc(t->nbuckets, sizeof(*t->by_ino));
    t->by_name = calloc(t->nbuckets, sizeof(*t->by_name));
    if (!t->by_ino || !t->by_name) {
        free(t->by_ino);
        free(t->by_name);
        free(t);
        return NULL;
    }
    t->next_ino = FUSE_ROOT_ID + 1;
    return t;
}

static void inode_free(struct fs_inode *in)
{
    free(in->name);
    free(in->bucket);
    free(in->key);
    free(in->version_id);
    oss_buf_cleanup(&in->local);
    free(in->pmeta);
    free(in);
}

void fs_table_free(struct fs_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct fs_inode *in = t->by_ino[i];
        while (in) {
            struct fs_inode *next = in->next_ino;
            inode_free(in);
            in = next;
        }
    }
    free(t->by_ino);
    free(t->by_name);
    free(t);
}

/* Doubles the hash arrays when the table gets crowded; a failed allocation keeps the old size. */
static void table_grow(struct fs_table *t)
{
    size_t nb = t->nbuckets * 2;
    struct fs_inode **bi = calloc(nb, sizeof(*bi)), **bn = calloc(nb, sizeof(*bn));
    if (!bi || !bn) {
        free(bi);
        free(bn);
        return;
    }
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct fs_inode *in = t->by_ino[i];
        while (in) {
            struct fs_inode *next = in->next_ino;
            size_t h = hash_ino(in->ino) % nb;
            in->next_ino = bi[h];
            bi[h] = in;
            in = next;
        }
        in = t->by_name[i];
        while (in) {
            struct fs_inode *next = in->next_name;
            size_t h = hash_name(in->parent, in->name) % nb;
            in->next_name = bn[h];
            bn[h] = in;
            in = next;
        }
    }
    free(t->by_ino);
    free(t->by_name);
    t->by_ino = bi;
    t->by_name = bn;
    t->nbuckets = nb;
}

static void insert_ino(struct fs_table *t, struct fs_inode *in)
{
    size_t h = hash_ino(in->ino) % t->nbuckets;
    in->next_ino = t->by_ino[h];
    t->by_ino[h] = in;
}

static void insert_name(struct fs_table *t, struct fs_inode *in)
{
    size_t h = hash_name(in->parent, in->name) % t->nbuckets;
    in->next_name = t->by_name[h];
    t->by_name[h] = in;
}

struct fs_inode *fs_inode_get_locked(struct fs_ctx *ctx, fuse_ino_t ino)
{
    struct fs_table *t = ctx->table;
    for (struct fs_inode *in = t->by_ino[hash_ino(ino) % t->nbuckets]; in; in = in->next_ino)
        if (in->ino == ino)
            return in;
    return NULL;
}

struct fs_inode *fs_inode_child_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name)
{
    struct fs_table *t = ctx->table;
    for (struct fs_inode *in = t->by_name[hash_name(parent, name) % t->nbuckets]; in;
         in = in->next_name)
        if (in->parent == parent && in->name && strcmp(in->name, name) == 0)
            return in;
    return NULL;
}

void fs_inode_unlink_locked(struct fs_ctx *ctx, struct fs_inode *in)
{
    struct fs_table *t = ctx->table;
    if (!in->name)
        return;
    struct fs_inode **pp = &t->by_name[hash_name(in->parent, in->name) % t->nbuckets];
    for (; *pp; pp = &(*pp)->next_name) {
        if (*pp == in) {
            *pp = in->next_name;
            break;
        }
    }
    in->next_name = NULL;
    free(in->name);
    in->name = NULL;
}

static struct fs_inode *inode_new(struct fs_ctx *ctx, fuse_ino_t parent, const char *name,
                                  enum fs_kind kind, const char *bucket, const char *key)
{
    struct fs_table *t = ctx->table;
    struct fs_inode *in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->name = name ? strdup(name) : NULL;
    in->bucket = bucket ? strdup(bucket) : NULL;
    in->key = strdup(key ? key : "");
    if ((name && !in->name) || (bucket && !in->bucket) || !in->key) {
        inode_free(in);
        return NULL;
    }
    if (t->count >= t->nbuckets)
        table_grow(t);
    in->ino = parent ? t->next_ino++ : FUSE_ROOT_ID;
    in->parent = parent;
    in->kind = kind;
    in->mtime = ctx->mount_time;
    oss_buf_init(&in->local);
    insert_ino(t, in);
    if (in->name)
        insert_name(t, in);
    t->count++;
    return in;
}

struct fs_inode *fs_inode_root_new(struct fs_ctx *ctx)
{
    const struct fs_opts *o = &ctx->opts;
    struct fs_inode *root = inode_new(ctx, 0, NULL, o->bucket ? FS_K_DIR : FS_K_ACCOUNT, o->bucket,
                                      o->bucket ? o->prefix : "");
    if (root) {
        root->nlookup = 1;
        root->is_bucket_root = o->bucket != NULL;
    }
    return root;
}

struct fs_inode *fs_inode_ref_child_locked(struct fs_ctx *ctx, struct fs_inode *parent,
                                           const char *name, enum fs_kind kind, const char *bucket,
                                           const char *key)
{
    struct fs_inode *in = fs_inode_child_locked(ctx, parent->ino, name);
    if (in && (in->kind != kind || strcmp(in->key, key ? key : "") != 0)) {
        fs_inode_unlink_locked(ctx, in);
        in = NULL;
    }
    if (!in)
        in = inode_new(ctx, parent->ino, name, kind, bucket, key);
    if (in)
        in->nlookup++;
    return in;
}

struct fs_inode *fs_inode_new_file_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name,
                                          const char *bucket, const char *key, time_t mtime,
                                          int *rc)
{
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    struct fs_inode *in =
        p ? fs_inode_ref_child_locked(ctx, p, name, FS_K_FILE, bucket, key) : NULL;
    if (p)
        fs_dir_changed_locked(ctx, parent);
    if (!in) {
        *rc = p ? -ENOMEM : -ENOENT;
        return NULL;
    }
    in->mtime = mtime;
    in->attr_expires = fs_now() + ctx->opts.attr_timeout;
    return in;
}

void fs_inode_forget_locked(struct fs_ctx *ctx, fuse_ino_t ino, uint64_t n)
{
    struct fs_table *t = ctx->table;
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    if (!in)
        return;
    in->nlookup = in->nlookup > n ? in->nlookup - n : 0;
    if (in->nlookup > 0 || ino == FUSE_ROOT_ID)
        return;
    fs_inode_unlink_locked(ctx, in);
    struct fs_inode **pp = &t->by_ino[hash_ino(ino) % t->nbuckets];
    for (; *pp; pp = &(*pp)->next_ino) {
        if (*pp == in) {
            *pp = in->next_ino;
            break;
        }
    }
    t->count--;
    inode_free(in);
}

void fs_inode_move_locked(struct fs_ctx *ctx, struct fs_inode *in, struct fs_inode *newparent,
                          const char *newname, const char *newkey)
{
    struct fs_inode *old = fs_inode_child_locked(ctx, newparent->ino, newname);
    if (old && old != in)
        fs_inode_unlink_locked(ctx, old);
    char *n = strdup(newname), *k = newkey ? strdup(newkey) : NULL;
    if (!n || (newkey && !k)) {
        free(n);
        free(k);
        fs_inode_unlink_locked(ctx, in); /* out of memory: forget the name, stay consistent */
        return;
    }
    fs_inode_unlink_locked(ctx, in);
    in->name = n;
    in->parent = newparent->ino;
    if (k) {
        free(in->key);
        in->key = k;
    }
    insert_name(ctx->table, in);
}

size_t fs_inode_count_locked(struct fs_ctx *ctx)
{
    return ctx->table->count;
}

void fs_listing_free(struct fs_listing *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->ents[i].name);
    free(l->ents);
    free(l);
}

const struct fs_dirent *fs_listing_find(const struct fs_listing *l, const char *name)
{
    size_t lo = 0, hi = l ? l->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->ents[mid].name, name);
        if (c == 0)
            return &l->ents[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
