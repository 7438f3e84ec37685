/* Directory handles: a handle lists its directory once, a ListObjectsV2 page at a time as the
 * reader advances, so a directory read costs ceil(N/1000) ListObjectsV2 and streams: a handle
 * keeps only the entries not yet read of the pages fetched (about one page), so memory does not
 * grow with the directory. Each page also goes to the listing cache (dcache.c), which answers
 * lookups and stat without HEAD. readdirplus hands the listing's attributes to the kernel, so
 * `ls -l` needs no HEAD; past FS_PLUS_MAX_INODES inodes it hands out names only (the kernel
 * then looks them up, from the listing cache). Bucket roots also show the bucket control
 * files; .acl.d shows the files of its directory as ACL files and its subdirectories as their
 * .acl.d shadows, and starts the ACL fetch-ahead; .versions shows every name with versions,
 * deleted ones included. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "accesspoints.h"
#include "dcache.h"
#include "inode.h"
#include "ofile.h"
#include "ops.h"
#include "posix.h"

struct dent {
    char *name;
    enum fs_kind kind;
    const struct ctl_entry *entry;
    uint64_t size;
    time_t mtime;
    int is_link;         /* a Symlink object */
    struct fs_pmeta *pm; /* posix_meta: fetched ahead (metafetch.c), or NULL */
};

struct fs_dirh {
    struct dent *v; /* entries base .. base + n - 1 of the listing */
    size_t n, cap, base;
    pthread_mutex_t lock;
    struct fs_inode dir; /* a copy: kind, ino, parent, bucket, key, is_bucket_root */
    struct fs_lister ls; /* bucket directories: the page being fetched */
    uint64_t gen;        /* the listing cache generation this handle fills (0: none) */
    int streaming;
};

/* Readers that got this far past the window start drop what lies behind them. */
#define DH_TRIM 512

static int dh_add(struct fs_dirh *d, const char *name, enum fs_kind kind,
                  const struct ctl_entry *ce, uint64_t size, time_t mtime)
{
    if (oss_array_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0)
        return -ENOMEM;
    char *n = strdup(name);
    if (!n)
        return -ENOMEM;
    d->v[d->n++] = (struct dent){n, kind, ce, size, mtime, 0, NULL};
    return 0;
}

/* dh_add for fs_ap_list: access points and their files. */
static int dh_add_ap(void *arg, const char *name, enum fs_kind kind, const struct ctl_entry *e)
{
    struct fs_dirh *d = arg;
    return dh_add(d, name, kind, e, 0, 0);
}

/* Drops the first k entries of the window. */
static void dh_drop(struct fs_dirh *d, size_t k)
{
    if (k == 0)
        return;
    for (size_t i = 0; i < k; i++) {
        free(d->v[i].name);
        free(d->v[i].pm);
    }
    memmove(d->v, d->v + k, (d->n - k) * sizeof(*d->v));
    d->n -= k;
    d->base += k;
}

static void dh_free(struct fs_ctx *ctx, struct fs_dirh *d)
{
    if (!d)
        return;
    if (d->gen) {
        pthread_mutex_lock(&ctx->lock);
        fs_dcache_end_locked(ctx, d->gen, 0); /* closed before the end: names only */
        pthread_mutex_unlock(&ctx->lock);
    }
    dh_drop(d, d->n);
    free(d->v);
    fs_lister_cleanup(&d->ls);
    free(d->dir.bucket);
    free(d->dir.key);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* The entries every listing starts with: dots, and the control files of a bucket root or,
 * in account mode, of the account. */
static int dh_start(struct fs_ctx *ctx, struct fs_dirh *d)
{
    int rc = dh_add(d, ".", FS_K_DIR, NULL, 0, 0);
    if (rc == 0)
        rc = dh_add(d, "..", FS_K_DIR, NULL, 0, 0);
    if (rc == 0 && d->dir.kind == FS_K_DIR && d->dir.is_bucket_root && !ctx->opts.noctl) {
        size_t n = 0;
        const struct ctl_entry *e = ctl_bucket_entries(&n);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = dh_add(d, e[i].name, FS_K_CTL, &e[i], 0, ctx->mount_time);
        if (rc == 0)
            rc = dh_add(d, CTL_ACCESS_POINTS_DIR, FS_K_APDIR, NULL, 0, ctx->mount_time);
    }
    if (rc == 0 && d->dir.kind == FS_K_ACCOUNT && !ctx->opts.noctl) {
        size_t n = 0;
        const struct ctl_entry *e = ctl_account_entries(&n);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = dh_add(d, e[i].name, FS_K_CTL, &e[i], 0, ctx->mount_time);
    }
    return rc;
}

/* Turns listed entries ents[from..n) into dents: objects and prefixes in a directory (minus
 * shadowed names, logged), ACL files of the files in a .acl.d, buckets at the account root. */
static int dh_convert(struct fs_ctx *ctx, struct fs_dirh *d, const struct fs_dirent *ents,
                      size_t from, size_t n)
{
    const struct fs_inode *dir = &d->dir;
    int rc = 0;
    for (size_t i = from; i < n && rc == 0; i++) {
        const struct fs_dirent *de = &ents[i];
        if (dir->kind == FS_K_ACLD) {
            if (de->is_dir)
                rc = dh_add(d, de->name, FS_K_ACLD, NULL, 0, ctx->mount_time);
            else
                rc = dh_add(d, de->name, FS_K_OBJACL, ctl_object_acl_entry(), 0, de->mtime);
            continue;
        }
        if (dir->kind == FS_K_DIR && fs_is_reserved_in(ctx, dir, de->name)) {
            char *key = fs_child_key(dir->key, de->name, de->is_dir);
            if (key)
                fs_log_shadowed(ctx, dir->bucket, key);
            free(key);
            continue;
        }
        rc = dh_add(d, de->name, de->is_dir ? FS_K_DIR : FS_K_FILE, NULL, de->size,
                    de->mtime ? de->mtime : ctx->mount_time);
        if (rc == 0)
            d->v[d->n - 1].is_link = de->is_link;
    }
    return rc;
}

struct pending_add {
    struct fs_ctx *ctx;
    struct fs_dirh *d;
};

/* A file being written through this mount that the complete listing lacks (not uploaded yet)
 * is listed all the same. ctx->lock held. */
static void add_pending(void *arg, const struct fs_inode *in)
{
    struct pending_add *pa = arg;
    struct fs_dirh *d = pa->d;
    struct fs_dirent found;
    if (fs_dcache_find_locked(pa->ctx, d->dir.bucket, d->dir.key, in->name, &found, NULL) == 0)
        dh_add(d, in->name, FS_K_FILE, NULL, in->size, in->mtime);
}

/* Whether the inode of a listed file already holds fresh POSIX metadata. ctx->lock held. */
static int pm_fresh_locked(struct fs_ctx *ctx, const struct fs_inode *in, double now)
{
    (void)ctx;
    return in && in->pmeta && (in->writers || in->attr_expires > now);
}

/* With posix_meta: the metadata of the files among dents [from..n) whose inodes have none
 * fresh, fetched ahead, and of the directories (their "dir/" markers, when they have one). A
 * file whose fetch failed is left without: its getattr asks again. */
static void dh_fetch_meta(struct fs_ctx *ctx, struct fs_dirh *d, size_t from)
{
    if (!ctx->opts.posix_meta || d->dir.kind != FS_K_DIR || from >= d->n)
        return;
    size_t cap = d->n - from, n = 0;
    char **keys = calloc(cap, sizeof(*keys));
    size_t *idx = calloc(cap, sizeof(*idx));
    struct fs_pmeta *pm = calloc(cap, sizeof(*pm));
    unsigned char *ok = calloc(cap, 1);
    double now = fs_now();
    pthread_mutex_lock(&ctx->lock);
    for (size_t i = from; keys && idx && pm && ok && i < d->n; i++)
        if (((d->v[i].kind == FS_K_FILE && !d->v[i].is_link) || d->v[i].kind == FS_K_DIR) &&
            !pm_fresh_locked(ctx, fs_inode_child_locked(ctx, d->dir.ino, d->v[i].name), now) &&
            (keys[n] = fs_child_key(d->dir.key, d->v[i].name, d->v[i].kind == FS_K_DIR)))
            idx[n++] = i;
    pthread_mutex_unlock(&ctx->lock);
    if (n && fs_metafetch(ctx, d->dir.bucket, keys, n, pm, ok) == 0)
        for (size_t j = 0; j < n; j++)
            if (ok[j] && (d->v[idx[j]].pm = malloc(sizeof(*pm))))
                *d->v[idx[j]].pm = pm[j];
    for (size_t j = 0; j < n; j++)
        free(keys[j]);
    free(keys);
    free(idx);
    free(pm);
    free(ok);
}

/* Fetches the next page of a streaming listing into the window and the listing cache.
 * Expects d->lock held, not ctx->lock. */
static int dh_more(struct fs_ctx *ctx, struct fs_dirh *d)
{
    int rc = fs_lister_next(ctx, &d->ls);
    size_t from = d->n;
    if (rc == 0)
        rc = dh_convert(ctx, d, d->ls.v, 0, d->ls.n);
    if (rc == 0)
        dh_fetch_meta(ctx, d, from);
    pthread_mutex_lock(&ctx->lock);
    if (rc == 0)
        fs_dcache_add_locked(ctx, d->gen, d->ls.v, d->ls.n);
    if (rc < 0 || d->ls.done) {
        fs_dcache_end_locked(ctx, d->gen, rc == 0);
        d->gen = 0;
    }
    if (rc == 0 && d->ls.done && d->dir.kind == FS_K_DIR) {
        struct pending_add pa = {ctx, d};
        fs_ofile_each_writing_in_locked(ctx, d->dir.ino, add_pending, &pa);
    }
    pthread_mutex_unlock(&ctx->lock);
    fs_lister_clear(&d->ls);
    if (rc == 0 && d->dir.kind == FS_K_ACLD)
        fs_acl_listed(ctx, d->dir.bucket, d->dir.key);
    return rc;
}

/* (Re)starts a streaming listing from its first entry; costs the first page. */
static int dh_stream(struct fs_ctx *ctx, struct fs_dirh *d)
{
    dh_drop(d, d->n);
    d->base = 0;
    fs_lister_cleanup(&d->ls);
    int rc = dh_start(ctx, d);
    if (rc == 0)
        rc = fs_lister_init(&d->ls, d->dir.bucket, d->dir.key);
    pthread_mutex_lock(&ctx->lock);
    if (d->gen)
        fs_dcache_end_locked(ctx, d->gen, 0);
    d->gen = rc == 0 ? fs_dcache_begin_locked(ctx, d->dir.bucket, d->dir.key) : 0;
    pthread_mutex_unlock(&ctx->lock);
    d->streaming = 1;
    return rc == 0 ? dh_more(ctx, d) : rc;
}

/* Brings entry off into the window (or past the end), dropping what the reader left behind;
 * a reader going back before the window restarts the listing. d->lock held. */
static int dh_seek(struct fs_ctx *ctx, struct fs_dirh *d, size_t off)
{
    if (!d->streaming)
        return 0;
    int rc = off < d->base ? dh_stream(ctx, d) : 0;
    while (rc == 0) {
        size_t behind = off - d->base < d->n ? off - d->base : d->n;
        if (behind >= DH_TRIM || (behind && behind == d->n))
            dh_drop(d, behind);
        if (off < d->base + d->n || d->ls.done)
            break;
        rc = dh_more(ctx, d);
    }
    return rc;
}

/* opendir costs the first page (so errors reach opendir); readdir fetches the rest as the
 * reader gets there. */
void fs_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_dirh *d = calloc(1, sizeof(*d));
    if (!d) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    int rc = 0;
    if (!in)
        rc = -ENOENT;
    else if (!fs_is_dir_kind(in->kind))
        rc = -ENOTDIR;
    else {
        d->dir.kind = in->kind;
        d->dir.ino = in->ino;
        d->dir.parent = in->parent;
        d->dir.is_bucket_root = in->is_bucket_root;
        d->dir.bucket = in->bucket ? strdup(in->bucket) : NULL;
        d->dir.key = strdup(in->key);
        if (!d->dir.key || (in->bucket && !d->dir.bucket))
            rc = -ENOMEM;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && d->dir.kind != FS_K_DIR && d->dir.kind != FS_K_ACLD)
        rc = dh_start(ctx, d);
    if (rc == 0 && d->dir.kind == FS_K_ACCOUNT) {
        struct fs_listing *l = NULL;
        rc = fs_list_dir(ctx, &d->dir, &l);
        if (rc == 0)
            rc = dh_convert(ctx, d, l->ents, 0, l->n);
        fs_listing_free(l);
    } else if (rc == 0 && (d->dir.kind == FS_K_VERDIR || d->dir.kind == FS_K_VERACLD)) {
        /* the versions of one object (versions.c): files, or their ACL files */
        struct fs_listing *l = NULL;
        rc = fs_list_versions(ctx, d->dir.bucket, d->dir.key, &l);
        int acl = d->dir.kind == FS_K_VERACLD;
        for (size_t i = 0; rc == 0 && i < l->n; i++)
            rc = dh_add(d, l->ents[i].name, acl ? FS_K_OBJACL : FS_K_FILE,
                        acl ? ctl_object_acl_entry() : NULL, acl ? 0 : l->ents[i].size,
                        l->ents[i].mtime);
        fs_listing_free(l);
    } else if (rc == 0 && d->dir.kind == FS_K_VERSIONS) {
        /* every name with versions, deleted ones included (versions.c) */
        struct fs_listing *l = NULL;
        rc = fs_list_version_names(ctx, d->dir.bucket, d->dir.key, &l);
        for (size_t i = 0; rc == 0 && i < l->n; i++)
            rc = dh_add(d, l->ents[i].name, FS_K_VERDIR, NULL, 0, l->ents[i].mtime);
        fs_listing_free(l);
    } else if (rc == 0 && (d->dir.kind == FS_K_APDIR || d->dir.kind == FS_K_AP)) {
        rc = fs_ap_list(ctx, &d->dir, dh_add_ap, d); /* accesspoints.c */
    } else if (rc == 0 && (d->dir.kind == FS_K_DIR || d->dir.kind == FS_K_ACLD)) {
        rc = dh_stream(ctx, d);
    }
    if (rc < 0) {
        dh_free(ctx, d);
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    fuse_reply_open(req, fi);
}

/* Key of a listed entry, as its inode records it. */
static char *dent_key(const struct fs_inode *dir, const struct dent *e)
{
    if (dir->kind == FS_K_VERDIR || dir->kind == FS_K_VERACLD)
        return strdup(dir->key); /* a version of the object: the name is its version id */
    if (dir->kind == FS_K_APDIR || dir->kind == FS_K_AP)
        return strdup(dir->kind == FS_K_AP ? dir->key : e->name); /* the access point name */
    switch (e->kind) {
    case FS_K_DIR:
        return dir->kind == FS_K_ACCOUNT ? strdup("") : fs_child_key(dir->key, e->name, 1);
    case FS_K_ACLD:
        return fs_child_key(dir->key, e->name, 1);
    case FS_K_FILE:
    case FS_K_OBJACL:
    case FS_K_VERDIR:
        return fs_child_key(dir->key, e->name, 0);
    default:
        return strdup("");
    }
}

/* Takes a reference on the inode of a listed entry and refreshes its cached attributes. */
static struct fs_inode *dent_ref(struct fs_ctx *ctx, struct fs_inode *dir, const struct dent *e)
{
    char *key = dent_key(dir, e);
    if (!key)
        return NULL;
    const char *bucket = dir->kind != FS_K_ACCOUNT ? dir->bucket
                         : e->kind == FS_K_CTL     ? ""
                                                   : e->name;
    struct fs_inode *in = fs_inode_ref_child_locked(ctx, dir, e->name, e->kind, bucket, key);
    free(key);
    if (!in)
        return NULL;
    if (dir->kind == FS_K_ACCOUNT && e->kind == FS_K_DIR)
        in->is_bucket_root = 1;
    in->entry = e->entry;
    if ((dir->kind == FS_K_VERDIR || dir->kind == FS_K_VERACLD) && !in->version_id &&
        !(in->version_id = strdup(e->name)))
        return NULL; /* never shown as the current, writable object */
    if (e->kind == FS_K_FILE && in->writers == 0)
        in->is_link = e->is_link;
    if (in->writers == 0) {
        int stale = ctx->opts.posix_meta && e->kind == FS_K_FILE && !e->is_link && !e->pm &&
                    !pm_fresh_locked(ctx, in, fs_now());
        in->size = e->size;
        in->mtime = e->mtime ? e->mtime : ctx->mount_time;
        in->attr_expires = stale ? 0 : fs_now() + ctx->opts.attr_timeout; /* 0: getattr asks */
        if (e->pm)
            fs_pmeta_store_locked(in, e->pm);
    }
    return in;
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi, int plus)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_dirh *d = (struct fs_dirh *)(uintptr_t)fi->fh;
    char *buf = malloc(size);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    pthread_mutex_lock(&d->lock);
    int rc = dh_seek(ctx, d, (size_t)off);
    if (rc < 0) {
        pthread_mutex_unlock(&d->lock);
        free(buf);
        fuse_reply_err(req, -rc);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *dir = fs_inode_get_locked(ctx, ino);
    for (size_t i = (size_t)off; dir && i >= d->base && i < d->base + d->n; i++) {
        const struct dent *e = &d->v[i - d->base];
        int dot = i < 2;
        size_t need = plus ? fuse_add_direntry_plus(req, NULL, 0, e->name, NULL, 0)
                           : fuse_add_direntry(req, NULL, 0, e->name, NULL, 0);
        if (used + need > size)
            break;
        if (plus) {
            struct fuse_entry_param ep;
            memset(&ep, 0, sizeof(ep));
            if (dot) {
                ep.attr.st_ino = i == 0 ? ino : dir->parent ? dir->parent : ino;
                ep.attr.st_mode = S_IFDIR;
            } else if (fs_inode_count_locked(ctx) >= FS_PLUS_MAX_INODES &&
                       !fs_inode_child_locked(ctx, ino, e->name)) {
                /* the name only (no inode): the kernel looks it up if it needs it */
                ep.attr.st_ino = 0x100000000ull + i;
                ep.attr.st_mode = fs_is_dir_kind(e->kind) ? S_IFDIR
                                  : e->is_link            ? S_IFLNK
                                                          : S_IFREG;
            } else {
                struct fs_inode *in = dent_ref(ctx, dir, e);
                if (!in)
                    break;
                fs_make_entry(ctx, in, &ep);
            }
            used += fuse_add_direntry_plus(req, buf + used, size - used, e->name, &ep, i + 1);
        } else {
            struct stat st;
            memset(&st, 0, sizeof(st));
            struct fs_inode *c = dot ? NULL : fs_inode_child_locked(ctx, ino, e->name);
            st.st_ino = c ? c->ino : 0x100000000ull + i;
            st.st_mode = dot || fs_is_dir_kind(e->kind) ? S_IFDIR : e->is_link ? S_IFLNK : S_IFREG;
            used += fuse_add_direntry(req, buf + used, size - used, e->name, &st, i + 1);
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    pthread_mutex_unlock(&d->lock);
    if (!dir)
        fuse_reply_err(req, ENOENT);
    else
        fuse_reply_buf(req, buf, used);
    free(buf);
}

void fs_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 0);
}

void fs_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 1);
}

void fs_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    dh_free(fuse_req_userdata(req), (struct fs_dirh *)(uintptr_t)fi->fh);
    fuse_reply_err(req, 0);
}
