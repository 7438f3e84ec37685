/* Name resolution and attributes: lookup, forget, getattr and statfs. A lookup costs nothing
 * when the answer is in the inode table or a fresh listing of the parent, otherwise one
 * HeadObject for a file and one ListObjectsV2 (prefix=name/, max-keys=1) for a directory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/statvfs.h>

#include "posix.h"

/* Outcome of probing the server for a name: 0 file, 1 directory, 2 symlink (HeadObject follows
 * links: its type says Symlink, or a dangling link answers SymlinkTargetNotExist; the size is
 * then the length of the target as readlink returns it, one GetSymlink), or a negative errno. */
static int probe_name(struct fs_ctx *ctx, const char *bucket, const char *key, uint64_t *size,
                      time_t *mtime, struct fs_pmeta *pm)
{
    struct oss_object_meta m = {0};
    struct oss_error err;
    int rc = oss_head_object(ctx->client, bucket, key, NULL, &m, &err);
    if ((rc == 0 && strcmp(m.type, "Symlink") == 0) ||
        (rc == -ENOENT && strcmp(err.code, "SymlinkTargetNotExist") == 0)) {
        *mtime = m.mtime ? m.mtime : *mtime;
        oss_object_meta_cleanup(&m);
        return fs_link_probe(ctx, bucket, key, size);
    }
    if (rc == 0) {
        *size = m.size;
        *mtime = m.mtime;
        if (pm)
            fs_pmeta_parse(&m, pm);
        oss_object_meta_cleanup(&m);
        return 0;
    }
    oss_object_meta_cleanup(&m);
    if (rc != -ENOENT) {
        fs_log_oss(ctx, "HeadObject", bucket, key, &err);
        return rc;
    }
    char *dirkey = fs_child_key(key, "", 1);
    if (!dirkey)
        return -ENOMEM;
    struct oss_list_params p = {.prefix = dirkey, .max_keys = 1};
    struct oss_list_page page = {0};
    rc = oss_list_objects_v2(ctx->client, bucket, &p, &page, &err);
    if (rc == 0)
        rc = (page.nobjects + page.nprefixes) > 0 ? 1 : -ENOENT;
    else
        fs_log_oss(ctx, "ListObjectsV2", bucket, dirkey, &err);
    oss_list_page_cleanup(&page);
    free(dirkey);
    return rc;
}

void fs_reply_negative(fuse_req_t req, struct fs_ctx *ctx)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof(e));
    e.entry_timeout = ctx->opts.attr_timeout;
    fuse_reply_entry(req, &e);
}

/* Takes a reference on (parent, name) as kind and replies with it. Expects ctx->lock held;
 * releases it. */
static void reply_child_pm_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                                  const char *name, enum fs_kind kind, const char *key,
                                  int have_attrs, uint64_t size, time_t mtime,
                                  const struct fs_pmeta *pm);

void fs_reply_child_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name,
                           enum fs_kind kind, const char *key, int have_attrs, uint64_t size,
                           time_t mtime)
{
    reply_child_pm_locked(req, ctx, p, name, kind, key, have_attrs, size, mtime, NULL);
}

/* The same, keeping the POSIX metadata pm (NULL: none) a HeadObject brought. */
static void reply_child_pm_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                                  const char *name, enum fs_kind kind, const char *key,
                                  int have_attrs, uint64_t size, time_t mtime,
                                  const struct fs_pmeta *pm)
{
    struct fs_inode *in = fs_inode_ref_child_locked(ctx, p, name, kind, p->bucket, key);
    if (!in) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    if (have_attrs && in->writers == 0) {
        in->is_link = have_attrs == 2;
        in->size = size;
        in->mtime = mtime;
        in->attr_expires = fs_now() + ctx->opts.attr_timeout;
        if (pm)
            fs_pmeta_store_locked(in, pm);
    }
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
}

/* Looks a bucket name up in account mode: from the cached ListBuckets answer, refreshed by one
 * ListBuckets when stale. */
static void lookup_bucket(fuse_req_t req, struct fs_ctx *ctx, const char *name)
{
    int found = -1;
    pthread_mutex_lock(&ctx->lock);
    if (ctx->buckets_expires > fs_now()) {
        found = 0;
        for (size_t i = 0; i < ctx->nbuckets; i++)
            if (strcmp(ctx->buckets[i], name) == 0)
                found = 1;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (found < 0) {
        struct fs_listing *l = NULL;
        struct fs_inode root = {.kind = FS_K_ACCOUNT, .ino = FUSE_ROOT_ID};
        int rc = fs_list_dir(ctx, &root, &l);
        if (rc < 0) {
            fuse_reply_err(req, -rc);
            return;
        }
        found = fs_listing_find(l, name) != NULL;
        fs_listing_free(l);
    }
    if (!found) {
        fs_reply_negative(req, ctx);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *root = fs_inode_get_locked(ctx, FUSE_ROOT_ID);
    struct fs_inode *in = fs_inode_ref_child_locked(ctx, root, name, FS_K_DIR, name, "");
    if (!in) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    free(in->bucket);
    in->bucket = strdup(name);
    in->is_bucket_root = 1;
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
}

/* Resolves name in a .acl.d directory: a local temporary, or the ACL file of an existing
 * object (known from the table, the listing of the real directory, or one HeadObject). */
static void lookup_in_acld(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    struct fs_inode *c = fs_inode_child_locked(ctx, p->ino, name);
    if (c && c->kind == FS_K_LOCAL) {
        c->nlookup++;
        struct fuse_entry_param e;
        fs_make_entry(ctx, c, &e);
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_entry(req, &e);
        return;
    }
    char *key = fs_child_key(p->key, name, 0);
    if (!key) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    int exists = -1;
    struct fs_inode *dir = fs_inode_get_locked(ctx, p->parent);
    double now = fs_now();
    if (dir) {
        struct fs_inode *f = fs_inode_child_locked(ctx, dir->ino, name);
        if (f && f->kind == FS_K_FILE && (f->writers || f->attr_expires > now))
            exists = 1;
        else if (dir->listing && dir->listing->expires > now) {
            const struct fs_dirent *d = fs_listing_find(dir->listing, name);
            exists = d && !d->is_dir;
        }
    }
    char *bucket = strdup(p->bucket);
    pthread_mutex_unlock(&ctx->lock);
    if (exists < 0 && bucket) {
        uint64_t size;
        time_t mtime;
        int rc = probe_name(ctx, bucket, key, &size, &mtime, NULL);
        exists = rc == 0 || rc == 2; /* a file or a symlink has an ACL */
        if (rc < 0 && rc != -ENOENT) {
            free(key);
            free(bucket);
            fuse_reply_err(req, -rc);
            return;
        }
    }
    free(bucket);
    if (!exists) {
        free(key);
        fs_reply_negative(req, ctx);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, p->ino);
    struct fs_inode *in =
        p ? fs_inode_ref_child_locked(ctx, p, name, FS_K_OBJACL, p->bucket, key) : NULL;
    free(key);
    if (!in) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, p ? ENOMEM : ENOENT);
        return;
    }
    in->entry = ctl_object_acl_entry();
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
}

/* Resolves name in a bucket directory; see the file comment for the cost. */
static void lookup_in_dir(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    if (!ctx->opts.noctl && ctl_is_reserved_dir_name(name)) {
        enum fs_kind k = strcmp(name, ".acl.d") == 0 ? FS_K_ACLD : FS_K_VERSIONS;
        fs_reply_child_locked(req, ctx, p, name, k, p->key, 0, 0, 0);
        return;
    }
    const struct ctl_entry *ce = fs_ctl_at(ctx, p, name);
    if (ce) {
        struct fs_inode *in = fs_inode_ref_child_locked(ctx, p, name, FS_K_CTL, p->bucket, "");
        if (in)
            in->entry = ce;
        struct fuse_entry_param e;
        if (in)
            fs_make_entry(ctx, in, &e);
        pthread_mutex_unlock(&ctx->lock);
        if (in)
            fuse_reply_entry(req, &e);
        else
            fuse_reply_err(req, ENOMEM);
        return;
    }
    double now = fs_now();
    struct fs_inode *c = fs_inode_child_locked(ctx, p->ino, name);
    if (c && (c->kind == FS_K_LOCAL || c->writers > 0 || c->attr_expires > now)) {
        c->nlookup++;
        struct fuse_entry_param e;
        fs_make_entry(ctx, c, &e);
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_entry(req, &e);
        return;
    }
    if (fs_is_reserved_in(ctx, p, name)) { /* editor temporaries exist only locally */
        pthread_mutex_unlock(&ctx->lock);
        fs_reply_negative(req, ctx);
        return;
    }
    const struct fs_dirent *d =
        p->listing && p->listing->expires > now ? fs_listing_find(p->listing, name) : NULL;
    /* posix_meta: a listed file's mode and owner come from its HeadObject below */
    int listed = !(ctx->opts.posix_meta && d && !d->is_dir && !d->is_link);
    if (listed && p->listing && p->listing->expires > now) {
        if (!d) {
            pthread_mutex_unlock(&ctx->lock);
            fs_reply_negative(req, ctx);
            return;
        }
        char *key = fs_child_key(p->key, name, d->is_dir);
        if (!key) {
            pthread_mutex_unlock(&ctx->lock);
            fuse_reply_err(req, ENOMEM);
            return;
        }
        fs_reply_child_locked(req, ctx, p, name, d->is_dir ? FS_K_DIR : FS_K_FILE, key,
                              d->is_link ? 2 : 1, d->size, d->mtime);
        free(key);
        return;
    }
    char *key = fs_child_key(p->key, name, 0);
    char *bucket = strdup(p->bucket);
    fuse_ino_t pino = p->ino;
    pthread_mutex_unlock(&ctx->lock);
    if (!key || !bucket) {
        free(key);
        free(bucket);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    uint64_t size = 0;
    time_t mtime = ctx->mount_time;
    struct fs_pmeta pm = {0};
    int rc = probe_name(ctx, bucket, key, &size, &mtime, ctx->opts.posix_meta ? &pm : NULL);
    free(bucket);
    if (rc < 0) {
        free(key);
        if (rc == -ENOENT)
            fs_reply_negative(req, ctx);
        else
            fuse_reply_err(req, -rc);
        return;
    }
    if (rc == 1) {
        char *dk = fs_child_key(key, "", 1);
        free(key);
        key = dk;
    }
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, pino);
    if (!p || !key) {
        pthread_mutex_unlock(&ctx->lock);
        free(key);
        fuse_reply_err(req, p ? ENOMEM : ENOENT);
        return;
    }
    int attrs = rc == 2 ? 2 : rc == 0; /* a symlink's, a file's, or none for a directory */
    reply_child_pm_locked(req, ctx, p, name, rc == 1 ? FS_K_DIR : FS_K_FILE, key, attrs, size,
                          mtime, rc == 0 && ctx->opts.posix_meta ? &pm : NULL);
    free(key);
}

void fs_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (!fs_valid_name(name)) {
        fuse_reply_err(req, strlen(name) >= 1024 ? ENAMETOOLONG : ENOENT);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    if (!p) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOENT);
        return;
    }
    switch (p->kind) {
    case FS_K_ACCOUNT:
        pthread_mutex_unlock(&ctx->lock);
        lookup_bucket(req, ctx, name);
        return;
    case FS_K_DIR:
        lookup_in_dir(req, ctx, p, name); /* releases the lock */
        return;
    case FS_K_ACLD:
        lookup_in_acld(req, ctx, p, name); /* releases the lock */
        return;
    case FS_K_VERSIONS:
    case FS_K_VERDIR:
    case FS_K_VERACLD:
        fs_lookup_version(req, ctx, p, name); /* releases the lock */
        return;
    default:
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOTDIR);
        return;
    }
}

void fs_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    pthread_mutex_lock(&ctx->lock);
    fs_inode_forget_locked(ctx, ino, nlookup);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_none(req);
}

void fs_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    pthread_mutex_lock(&ctx->lock);
    for (size_t i = 0; i < count; i++)
        fs_inode_forget_locked(ctx, forgets[i].ino, forgets[i].nlookup);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_none(req);
}

/* Answers from the attribute cache; an object whose attributes expired costs one HeadObject. */
void fs_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct stat st;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    if (!in) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (in->kind == FS_K_FILE && in->writers == 0 && in->attr_expires <= fs_now() && in->name &&
        !in->is_link) { /* HeadObject would describe a link's target */
        char *bucket = strdup(in->bucket), *key = strdup(in->key);
        char *vid = in->version_id ? strdup(in->version_id) : NULL;
        pthread_mutex_unlock(&ctx->lock);
        struct oss_object_meta m = {0};
        struct oss_error err;
        int rc = bucket && key ? oss_head_object(ctx->client, bucket, key, vid, &m, &err) : -ENOMEM;
        free(vid);
        if (rc < 0 && rc != -ENOENT && rc != -ENOMEM)
            fs_log_oss(ctx, "HeadObject", bucket, key, &err);
        free(bucket);
        free(key);
        pthread_mutex_lock(&ctx->lock);
        in = fs_inode_get_locked(ctx, ino);
        if (rc == 0 && in && in->writers == 0) {
            in->size = m.size;
            in->mtime = m.mtime;
            in->attr_expires = fs_now() + ctx->opts.attr_timeout;
            struct fs_pmeta pm;
            fs_pmeta_parse(&m, &pm);
            if (ctx->opts.posix_meta)
                fs_pmeta_store_locked(in, &pm);
        }
        oss_object_meta_cleanup(&m);
        if (rc < 0 || !in) {
            pthread_mutex_unlock(&ctx->lock);
            fuse_reply_err(req, rc < 0 ? -rc : ENOENT);
            return;
        }
    }
    fs_fill_stat(ctx, in, &st);
    double t = fs_timeout(ctx, in);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_attr(req, &st, t);
}

/* OSS has no capacity limit to report: a large, constant answer keeps df and installers happy. */
void fs_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs sv;
    memset(&sv, 0, sizeof(sv));
    sv.f_bsize = 4096;
    sv.f_frsize = 4096;
    sv.f_blocks = (1ull << 50) / 4096;
    sv.f_bfree = sv.f_bavail = sv.f_blocks;
    sv.f_files = sv.f_ffree = sv.f_favail = 1ull << 32;
    sv.f_namemax = 255; /* what tools assume; longer names work up to the key limit */
    fuse_reply_statfs(req, &sv);
}
