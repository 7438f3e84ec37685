/* Name resolution and attributes: lookup, forget, getattr and statfs. A lookup or stat costs
 * nothing when the answer is in the inode table or a fresh listing of the parent (dcache.c:
 * listed names answer for listing_timeout after the listing's last page), otherwise usually
 * one ListObjectsV2 (prefix=name, delimiter /, max-keys=1), see probe_name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/statvfs.h>

#include "accesspoints.h"
#include "dcache.h"
#include "inode.h"
#include "ops.h"
#include "posix.h"

/* Probes a name with one ListObjectsV2 (prefix NAME, delimiter /, max-keys 1): the object NAME
 * sorts before anything else under that prefix, so the first entry tells a file (with its size,
 * time and type) or the directory NAME/ apart, and an answer with nothing more says the name
 * does not exist. -EAGAIN when the answer does not tell (another name such as NAME.txt came
 * first, or listing is refused to these credentials). Results as probe_name's. */
static int probe_by_list(struct fs_ctx *ctx, const char *bucket, const char *key, uint64_t *size,
                         time_t *mtime)
{
    char *dirkey = fs_child_key(key, "", 1);
    if (!dirkey)
        return -ENOMEM;
    struct oss_list_params p = {.prefix = key, .delimiter = "/", .max_keys = 1};
    struct oss_list_page pg = {0};
    struct oss_error err;
    int rc = oss_list_objects_v2(ctx->client, bucket, &p, &pg, &err);
    if (rc == -EACCES)
        rc = -EAGAIN;
    else if (rc < 0)
        fs_log_oss(ctx, &err);
    else if (pg.nobjects && strcmp(pg.objects[0].key, key) == 0) {
        rc = strcmp(pg.objects[0].type, "Symlink") == 0 ? 2 : 0;
        *size = pg.objects[0].size;
        *mtime = pg.objects[0].mtime ? pg.objects[0].mtime : *mtime;
    } else if (pg.nprefixes && strcmp(pg.prefixes[0], dirkey) == 0)
        rc = 1;
    else
        rc = pg.truncated ? -EAGAIN : -ENOENT;
    oss_list_page_cleanup(&pg);
    free(dirkey);
    if (rc == 2) /* the size of a link is the length readlink returns: one GetSymlink */
        rc = fs_link_probe(ctx, bucket, key, size);
    return rc;
}

/* Outcome of probing the server for a name: 0 file, 1 directory, 2 symlink, or a negative
 * errno. Usually one ListObjectsV2 (probe_by_list); when that does not tell, HeadObject and
 * one more ListObjectsV2 (prefix NAME/, max-keys 1). HeadObject follows links: its type says
 * Symlink, or a dangling link answers SymlinkTargetNotExist; the size is then the length of
 * the target as readlink returns it, one GetSymlink. */
static int probe_name(struct fs_ctx *ctx, const char *bucket, const char *key, uint64_t *size,
                      time_t *mtime, struct fs_pmeta *pm)
{
    /* posix_meta wants the object's headers: only HeadObject has them */
    int lrc = pm ? -EAGAIN : probe_by_list(ctx, bucket, key, size, mtime);
    if (lrc != -EAGAIN)
        return lrc;
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
        fs_log_oss(ctx, &err);
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
        fs_log_oss(ctx, &err);
    oss_list_page_cleanup(&page);
    if (rc == 1 && pm && oss_head_object(ctx->client, bucket, dirkey, NULL, &m, &err) == 0)
        fs_pmeta_parse(&m, pm); /* posix_meta: the directory's marker carries its metadata */
    oss_object_meta_cleanup(&m);
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
    if (pm && kind == FS_K_DIR && in->kind == FS_K_DIR)
        fs_pmeta_store_locked(in, pm); /* a directory's, from its marker */
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

/* Copies the key of name in p and the bucket for use without ctx->lock, and releases it. */
static int unlock_with_key(struct fs_ctx *ctx, const struct fs_inode *p, const char *name,
                           char **key, char **bucket)
{
    *key = fs_child_key(p->key, name, 0);
    *bucket = strdup(p->bucket);
    pthread_mutex_unlock(&ctx->lock);
    if (*key && *bucket)
        return 0;
    free(*key);
    free(*bucket);
    return -ENOMEM;
}

/* Replies with the editor temporary name of p when there is one (1: ctx->lock released);
 * 0 otherwise, the lock still held. */
static int lookup_local_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                               const char *name)
{
    struct fs_inode *c = fs_inode_child_locked(ctx, p->ino, name);
    if (!c || c->kind != FS_K_LOCAL)
        return 0;
    c->nlookup++;
    struct fuse_entry_param e;
    fs_make_entry(ctx, c, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
    return 1;
}

/* Resolves name in a .acl.d directory (the shadow of a directory D, at any depth): a local
 * temporary, the ACL file of an object of D, or the .acl.d shadow of a subdirectory of D;
 * known from the table, a fresh listing of D, or probe_name (usually one ListObjectsV2). */
static void lookup_in_acld(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    if (lookup_local_locked(req, ctx, p, name))
        return;
    int found = -1; /* 0 file, 1 directory, as probe_name answers */
    struct fs_dirent d;
    int known = fs_dcache_find_locked(ctx, p->bucket, p->key, name, &d, NULL);
    if (known >= 0)
        found = known ? d.is_dir : -ENOENT;
    char *key, *bucket;
    fuse_ino_t pino = p->ino;
    if (unlock_with_key(ctx, p, name, &key, &bucket) < 0) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    if (found == -1) {
        uint64_t size;
        time_t mtime = 0;
        found = probe_name(ctx, bucket, key, &size, &mtime, NULL);
        if (found == 2)
            found = 0; /* a symlink object has an ACL of its own */
    }
    free(bucket);
    if (found < 0) {
        free(key);
        if (found == -ENOENT)
            fs_reply_negative(req, ctx);
        else
            fuse_reply_err(req, -found);
        return;
    }
    if (found == 1) {
        char *dk = fs_child_key(key, "", 1);
        free(key);
        key = dk;
    }
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, pino);
    struct fs_inode *in =
        p && key ? fs_inode_ref_child_locked(ctx, p, name, found ? FS_K_ACLD : FS_K_OBJACL,
                                             p->bucket, key)
                 : NULL;
    free(key);
    if (!in) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, p ? ENOMEM : ENOENT);
        return;
    }
    if (!found)
        in->entry = ctl_object_acl_entry();
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
}

/* Replies to a lookup in p from a listing: known 1 (d describes name) or 0 (absent). Expects
 * ctx->lock held; releases it. */
/* posix_meta: a listed directory's mode, owner and times are on its "dir/" marker, when it has
 * one (one HeadObject); without, the mount-wide ones. Expects ctx->lock held; releases it. */
static void reply_dir_pm_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                                const char *name, const char *dirkey)
{
    char *bucket = strdup(p->bucket);
    fuse_ino_t pino = p->ino;
    pthread_mutex_unlock(&ctx->lock);
    struct oss_object_meta m = {0};
    struct oss_error err;
    struct fs_pmeta pm = {0};
    int rc = bucket ? oss_head_object(ctx->client, bucket, dirkey, NULL, &m, &err) : -ENOMEM;
    if (rc == 0)
        fs_pmeta_parse(&m, &pm);
    else if (rc != -ENOENT && rc != -ENOMEM)
        fs_log_oss(ctx, &err);
    oss_object_meta_cleanup(&m);
    free(bucket);
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, pino);
    if (!p) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOENT);
        return;
    }
    reply_child_pm_locked(req, ctx, p, name, FS_K_DIR, dirkey, 0, 0, 0,
                          rc == 0 && pm.have ? &pm : NULL);
}

static void reply_listed_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                                const char *name, int known, const struct fs_dirent *d)
{
    char *key = known ? fs_child_key(p->key, name, d->is_dir) : NULL;
    if (!known || !key) {
        pthread_mutex_unlock(&ctx->lock);
        if (known)
            fuse_reply_err(req, ENOMEM);
        else
            fs_reply_negative(req, ctx);
        return;
    }
    if (d->is_dir && ctx->opts.posix_meta) {
        reply_dir_pm_locked(req, ctx, p, name, key);
        free(key);
        return;
    }
    fs_reply_child_locked(req, ctx, p, name, d->is_dir ? FS_K_DIR : FS_K_FILE, key,
                          d->is_dir    ? 0
                          : d->is_link ? 2
                                       : 1,
                          d->size, d->mtime ? d->mtime : ctx->mount_time);
    free(key);
}

/* Replies with the control file ce of directory p (a bucket root, or the account root whose
 * files have the bucket ""). Expects ctx->lock held; releases it. */
static void reply_ctl_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p,
                             const char *name, const struct ctl_entry *ce)
{
    struct fs_inode *in =
        fs_inode_ref_child_locked(ctx, p, name, FS_K_CTL, p->bucket ? p->bucket : "", "");
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
}

/* Resolves name in a bucket directory; see the file comment for the cost. */
static void lookup_in_dir(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    if (fs_ap_is_dir(ctx, p, name)) { /* BUCKET/.access-points */
        fs_reply_child_locked(req, ctx, p, name, FS_K_APDIR, "", 0, 0, 0);
        return;
    }
    if (!ctx->opts.noctl && ctl_is_reserved_dir_name(name)) {
        enum fs_kind k = strcmp(name, ".acl.d") == 0 ? FS_K_ACLD : FS_K_VERSIONS;
        fs_reply_child_locked(req, ctx, p, name, k, p->key, 0, 0, 0);
        return;
    }
    const struct ctl_entry *ce = fs_ctl_at(ctx, p, name);
    if (ce) {
        reply_ctl_locked(req, ctx, p, name, ce);
        return;
    }
    double now = fs_now();
    struct fs_inode *c = fs_inode_child_locked(ctx, p->ino, name);
    if (c && (c->kind == FS_K_LOCAL || c->writers > 0 || c->attr_expires > now ||
              (c->kind == FS_K_DIR && fs_dcache_nonempty_locked(ctx, c->bucket, c->key)))) {
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
    struct fs_dirent d;
    int known = fs_dcache_find_locked(ctx, p->bucket, p->key, name, &d, NULL);
    /* posix_meta: a listed file's mode and owner come from its HeadObject below */
    if (known == 1 && ctx->opts.posix_meta && !d.is_dir && !d.is_link)
        known = -1;
    if (known >= 0) {
        reply_listed_locked(req, ctx, p, name, known, &d);
        return;
    }
    int capped = fs_dcache_capped_locked(ctx, p->bucket, p->key);
    char *key, *bucket, *prefix = capped ? strdup(p->key) : NULL;
    fuse_ino_t pino = p->ino;
    if (unlock_with_key(ctx, p, name, &key, &bucket) < 0) {
        free(prefix);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    if (prefix && fs_list_window(ctx, bucket, prefix, name) == 0) {
        /* a listing too long to keep: the page from name on answers this name and the next */
        free(prefix);
        free(key);
        free(bucket);
        pthread_mutex_lock(&ctx->lock);
        p = fs_inode_get_locked(ctx, pino);
        known = p ? fs_dcache_find_locked(ctx, p->bucket, p->key, name, &d, NULL) : -1;
        if (known == 1 && ctx->opts.posix_meta && !d.is_dir && !d.is_link)
            known = -1;
        if (known >= 0) {
            reply_listed_locked(req, ctx, p, name, known, &d);
            return;
        }
        if (!p || unlock_with_key(ctx, p, name, &key, &bucket) < 0) {
            if (p)
                pthread_mutex_unlock(&ctx->lock);
            fuse_reply_err(req, p ? ENOMEM : ENOENT);
            return;
        }
    } else {
        free(prefix);
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
                          mtime, rc != 2 && ctx->opts.posix_meta && pm.have ? &pm : NULL);
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
        if (lookup_local_locked(req, ctx, p, name)) /* an editor temporary */
            return;
        if (fs_ctl_at(ctx, p, name)) { /* the account's own control files */
            reply_ctl_locked(req, ctx, p, name, fs_ctl_at(ctx, p, name));
            return;
        }
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
    case FS_K_APDIR:
    case FS_K_AP:
        if (!lookup_local_locked(req, ctx, p, name))
            fs_ap_lookup(req, ctx, p, name); /* releases the lock */
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

/* Refreshes the expired attributes of a file from a fresh listing of its directory; 1 when
 * the listing knew it. ctx->lock held. */
static int attrs_from_listing(struct fs_ctx *ctx, struct fs_inode *in)
{
    const char *slash = strrchr(in->key, '/');
    size_t pl = slash ? (size_t)(slash - in->key) + 1 : 0;
    char *prefix = strndup(in->key, pl);
    struct fs_dirent d;
    int known =
        prefix ? fs_dcache_find_locked(ctx, in->bucket, prefix, in->key + pl, &d, NULL) : -1;
    free(prefix);
    if (known != 1 || d.is_dir || d.is_link != in->is_link)
        return 0;
    in->size = d.size;
    in->mtime = d.mtime ? d.mtime : ctx->mount_time;
    in->attr_expires = fs_now() + ctx->opts.attr_timeout;
    return 1;
}

/* Answers from the attribute cache or a fresh listing; an object whose attributes expired
 * otherwise costs one HeadObject. */
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
    int expired =
        in->kind == FS_K_FILE && in->writers == 0 && in->attr_expires <= fs_now() && in->name;
    /* (posix_meta: a listing has no mode or owner; the HeadObject below has) */
    if (expired && !in->version_id && !ctx->opts.posix_meta && attrs_from_listing(ctx, in))
        expired = 0;
    if (expired && !in->is_link) { /* HeadObject would describe a link's target */
        char *bucket = strdup(in->bucket), *key = strdup(in->key);
        char *vid = in->version_id ? strdup(in->version_id) : NULL;
        pthread_mutex_unlock(&ctx->lock);
        struct oss_object_meta m = {0};
        struct oss_error err;
        int rc = bucket && key ? oss_head_object(ctx->client, bucket, key, vid, &m, &err) : -ENOMEM;
        free(vid);
        if (rc < 0 && rc != -ENOENT && rc != -ENOMEM)
            fs_log_oss(ctx, &err);
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
