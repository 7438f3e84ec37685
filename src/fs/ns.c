/* Namespace changes: mkdir (a "dir/" marker, or a bucket at the account root), rmdir (refused
 * with ENOTEMPTY after one ListObjectsV2 max-keys=2), unlink (DeleteObject, or the delete of a
 * control file's setting), and rename. Rename moves a file with CopyObject + DeleteObject,
 * applies an editor temporary renamed onto a control file, and answers EXDEV for what it does
 * not do in place (directories, other buckets), so mv falls back to copy and remove. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accesspoints.h"
#include "ctlfile.h"
#include "inode.h"
#include "ofile.h"
#include "posix.h"
#include "ops.h"

/* Answers EROFS when the mount is read-only; returns whether it did (the caller then returns
 * without another reply). */
static int reply_if_ro(fuse_req_t req, const struct fs_ctx *ctx)
{
    if (!ctx->opts.ro)
        return 0;
    fuse_reply_err(req, EROFS);
    return 1;
}

/* Under ctx->lock, for mkdir and rmdir: the parent inode (NULL when gone), its kind (FS_K_FILE
 * when gone), a copy of its bucket and, under a directory, the key name has as a directory
 * ("a/name/"). The caller frees both copies; either is NULL when it does not apply or on
 * ENOMEM. */
static struct fs_inode *dir_parent_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name,
                                          enum fs_kind *pk, char **bucket, char **key)
{
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    *pk = p ? p->kind : FS_K_FILE;
    *bucket = p && p->bucket ? strdup(p->bucket) : NULL;
    *key = p && *pk == FS_K_DIR ? fs_child_key(p->key, name, 1) : NULL;
    return p;
}

void fs_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (fs_reply_if_bad_new_name(req, ctx, name))
        return;
    if (fs_ap_mkdir(req, parent, name)) /* in .access-points: CreateAccessPoint */
        return;
    pthread_mutex_lock(&ctx->lock);
    enum fs_kind pk;
    char *bucket, *key;
    struct fs_inode *p = dir_parent_locked(ctx, parent, name, &pk, &bucket, &key);
    int rc = 0;
    if (!p)
        rc = -ENOENT;
    else if (pk != FS_K_DIR && pk != FS_K_ACCOUNT)
        rc = -EPERM;
    else if (fs_is_reserved_in(ctx, p, name))
        rc = -EEXIST;
    else if (fs_key_too_long(p, name, 1))
        rc = -ENAMETOOLONG;
    else if (pk == FS_K_DIR && (!key || !bucket))
        rc = -ENOMEM;
    pthread_mutex_unlock(&ctx->lock);
    struct oss_error err;
    if (rc == 0 && pk == FS_K_ACCOUNT) {
        rc = oss_put_bucket(ctx->client, name, NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    struct fs_pmeta pm;
    if (rc == 0 && pk != FS_K_ACCOUNT) {
        /* the marker carries its mode and time (and with posix_meta, owner and times) */
        struct fs_meta_hdrs h;
        fs_posix_mkdir_hdrs(req, ctx, mode, &pm, &h);
        rc = oss_put_object(ctx->client, bucket, key, "", 0, fs_meta_hdrs_opts(&h), NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    struct fuse_entry_param e;
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        p = fs_inode_get_locked(ctx, parent);
        struct fs_inode *in = p ? fs_inode_ref_child_locked(ctx, p, name, FS_K_DIR,
                                                            pk == FS_K_ACCOUNT ? name : bucket,
                                                            pk == FS_K_ACCOUNT ? "" : key)
                                : NULL;
        if (in) {
            in->is_bucket_root = pk == FS_K_ACCOUNT;
            in->mtime = time(NULL);
            if (pk != FS_K_ACCOUNT && ctx->opts.posix_meta)
                fs_pmeta_store_locked(in, &pm);
            fs_make_entry(ctx, in, &e);
            fs_dir_changed_locked(ctx, parent);
            fs_dir_created_locked(ctx, in);
            if (pk == FS_K_ACCOUNT)
                ctx->buckets_expires = 0;
        } else {
            rc = -ENOENT;
        }
        pthread_mutex_unlock(&ctx->lock);
    }
    free(bucket);
    free(key);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_entry(req, &e);
}

/* Whether a directory prefix holds anything besides its own marker: one ListObjectsV2. */
static int dir_is_empty(struct fs_ctx *ctx, const char *bucket, const char *key)
{
    struct oss_list_params lp = {.prefix = key, .max_keys = 2};
    struct oss_list_page pg = {0};
    struct oss_error err;
    int rc = oss_list_objects_v2(ctx->client, bucket, &lp, &pg, &err);
    if (rc < 0) {
        fs_log_oss(ctx, &err);
    } else {
        for (size_t i = 0; i < pg.nobjects; i++)
            if (strcmp(pg.objects[i].key, key) != 0)
                rc = -ENOTEMPTY;
    }
    oss_list_page_cleanup(&pg);
    return rc;
}

void fs_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (reply_if_ro(req, ctx))
        return;
    if (fs_ap_rmdir(req, parent, name)) /* in .access-points: DeleteAccessPoint */
        return;
    pthread_mutex_lock(&ctx->lock);
    enum fs_kind pk;
    char *bucket, *key;
    struct fs_inode *p = dir_parent_locked(ctx, parent, name, &pk, &bucket, &key);
    int rc = 0;
    if (!p)
        rc = -ENOENT;
    else if (fs_is_reserved_in(ctx, p, name))
        rc = -EPERM;
    else if (pk != FS_K_DIR && pk != FS_K_ACCOUNT)
        rc = -EPERM;
    else if (pk == FS_K_DIR && (!key || !bucket))
        rc = -ENOMEM;
    else if (pk == FS_K_DIR && fs_ofile_busy_under_locked(ctx, bucket, key))
        rc = -ENOTEMPTY; /* a file being written there is not uploaded yet */
    pthread_mutex_unlock(&ctx->lock);
    struct oss_error err;
    if (rc == 0 && pk == FS_K_ACCOUNT) {
        rc = oss_delete_bucket(ctx->client, name, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    } else if (rc == 0) {
        rc = dir_is_empty(ctx, bucket, key);
        if (rc == 0) {
            rc = oss_delete_object(ctx->client, bucket, key, NULL, &err);
            if (rc < 0)
                fs_log_oss(ctx, &err);
        }
    }
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *c = fs_inode_child_locked(ctx, parent, name);
        if (c)
            fs_inode_unlink_locked(ctx, c);
        fs_dir_changed_locked(ctx, parent);
        if (pk == FS_K_ACCOUNT)
            ctx->buckets_expires = 0;
        pthread_mutex_unlock(&ctx->lock);
    }
    free(bucket);
    free(key);
    fuse_reply_err(req, -rc);
}

/* A transient inode standing for a control file, for deletes and applies by name. */
static void ctl_stub(struct fs_inode *stub, enum fs_kind kind, const struct ctl_entry *e,
                     char *bucket, char *key)
{
    memset(stub, 0, sizeof(*stub));
    stub->kind = kind;
    stub->entry = e;
    stub->bucket = bucket;
    stub->key = key;
}

void fs_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (reply_if_ro(req, ctx))
        return;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    struct fs_inode *c = p ? fs_inode_child_locked(ctx, parent, name) : NULL;
    if (c && c->kind == FS_K_LOCAL) { /* an editor temporary: just forget it */
        fs_inode_unlink_locked(ctx, c);
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, 0);
        return;
    }
    int rc = 0;
    enum fs_kind pk = p ? p->kind : FS_K_FILE;
    const struct ctl_entry *ce = p ? fs_ctl_at(ctx, p, name) : NULL;
    /* an account-level control file at the root has the bucket "" */
    char *bucket = p && (p->bucket || ce) ? strdup(p->bucket ? p->bucket : "") : NULL;
    char *key = pk == FS_K_AP && ce   ? strdup(p->key) /* an access point's file: its name */
                : p && (p->key || ce) ? fs_child_key(p->key ? p->key : "", name, 0)
                                      : NULL;
    if (!p)
        rc = -ENOENT;
    else if (!bucket || !key)
        rc = pk == FS_K_ACCOUNT ? -EISDIR : -ENOMEM;
    else if (!ctx->opts.noctl && ctl_is_reserved_dir_name(name))
        rc = -EISDIR;
    else if (pk != FS_K_DIR && pk != FS_K_ACLD && !ce)
        rc = -EPERM;
    else if (pk == FS_K_DIR && fs_is_reserved_in(ctx, p, name) && !ce)
        rc = -ENOENT;
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && (ce || pk == FS_K_ACLD)) {
        struct fs_inode stub;
        ctl_stub(&stub, ce ? FS_K_CTL : FS_K_OBJACL, ce ? ce : ctl_object_acl_entry(), bucket, key);
        rc = fs_ctl_delete(req, ctx, &stub);
    } else if (rc == 0) {
        /* An open file keeps its content for its handles, nameless: never uploaded again. */
        struct fs_ofile *of = fs_ofile_hold_child(ctx, parent, name);
        if (of) {
            pthread_mutex_lock(&of->lock);
            rc = fs_ofile_detach(of);
        }
        struct oss_error err;
        if (rc == 0 && (rc = oss_delete_object(ctx->client, bucket, key, NULL, &err)) < 0)
            fs_log_oss(ctx, &err);
        pthread_mutex_lock(&ctx->lock);
        c = fs_inode_child_locked(ctx, parent, name);
        if (rc == 0 && c)
            fs_inode_unlink_locked(ctx, c);
        fs_dir_changed_locked(ctx, parent);
        pthread_mutex_unlock(&ctx->lock);
        if (of) {
            pthread_mutex_unlock(&of->lock);
            fs_ofile_put(of, 0);
        }
    }
    free(bucket);
    free(key);
    fuse_reply_err(req, -rc);
}
