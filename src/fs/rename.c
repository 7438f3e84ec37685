/* rename(2): a file within a bucket moves with CopyObject + DeleteObject; an editor temporary
 * renamed onto a control file applies its content (the rename fails with the errno of the
 * refusal) and disappears; a control file renamed to an editor temporary name (vim's backup)
 * leaves the setting alone and gives the temporary the current value; a real object renamed
 * onto a control file is applied and deleted. Everything else that
 * cannot be done in place answers EXDEV, so mv falls back to copy and remove. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfile.h"
#include "inode.h"
#include "ofile.h"
#include "ops.h"

/* Drops the temporary (parent, name) once its content went where it belongs. */
static void drop_local(struct fs_ctx *ctx, fuse_ino_t parent, const char *name)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *c = fs_inode_child_locked(ctx, parent, name);
    if (c && c->kind == FS_K_LOCAL)
        fs_inode_unlink_locked(ctx, c);
    pthread_mutex_unlock(&ctx->lock);
}

/* Renames an editor temporary (ctx->lock held on entry, released on return). */
static int rename_local(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *src,
                        struct fs_inode *np, fuse_ino_t parent, const char *name,
                        const char *newname)
{
    const struct ctl_entry *ce = fs_ctl_at(ctx, np, newname);
    struct fs_inode *dst = fs_inode_child_locked(ctx, np->ino, newname);
    int to_acl = np->kind == FS_K_ACLD &&
                 ((dst && dst->kind == FS_K_OBJACL) || !fs_create_is_local(ctx, np, newname));
    if (!ce && !to_acl && fs_create_is_local(ctx, np, newname)) {
        fs_inode_move_locked(ctx, src, np, newname, NULL);
        pthread_mutex_unlock(&ctx->lock);
        return 0;
    }
    if (!ce && !to_acl && (np->kind != FS_K_DIR || fs_is_reserved_in(ctx, np, newname))) {
        pthread_mutex_unlock(&ctx->lock);
        return -EXDEV;
    }
    char *data = malloc(src->local.len + 1);
    size_t len = src->local.len;
    if (data && len)
        memcpy(data, src->local.data, len);
    /* the account root's files have the bucket "", an access point's its name as key */
    char *bucket = np->bucket || ce ? strdup(np->bucket ? np->bucket : "") : NULL;
    char *key = np->kind == FS_K_AP ? strdup(np->key) : fs_child_key(np->key, newname, 0);
    fuse_ino_t npino = np->ino;
    pthread_mutex_unlock(&ctx->lock);
    int rc = data && bucket && key ? 0 : -ENOMEM;
    if (rc == 0 && (ce || to_acl)) {
        struct fs_inode stub = {.kind = ce ? FS_K_CTL : FS_K_OBJACL,
                                .entry = ce ? ce : ctl_object_acl_entry(),
                                .bucket = bucket,
                                .key = key};
        rc = fs_ctl_apply(req, ctx, &stub, data, len);
    } else if (rc == 0) {
        struct oss_error err;
        rc = oss_put_object(ctx->client, bucket, key, data, len, NULL, NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *old = fs_inode_child_locked(ctx, npino, newname);
        if (rc == 0 && old)
            fs_inode_unlink_locked(ctx, old);
        fs_dir_changed_locked(ctx, npino);
        pthread_mutex_unlock(&ctx->lock);
    }
    if (rc == 0)
        drop_local(ctx, parent, name);
    free(data);
    free(bucket);
    free(key);
    return rc;
}

/* vim's backup by rename: the control file stays; the temporary gets its current value. */
static int rename_ctl_to_local(struct fs_ctx *ctx, struct fs_inode *src, struct fs_inode *np,
                               const char *newname)
{
    struct ctl_target t;
    fs_ctl_target(src, &t);
    const struct ctl_entry *e = src->entry;
    char *bucket = strdup(t.bucket), *key = t.key ? strdup(t.key) : NULL;
    char *vid = t.version_id ? strdup(t.version_id) : NULL;
    fuse_ino_t npino = np->ino;
    pthread_mutex_unlock(&ctx->lock);
    struct oss_buf val = OSS_BUF_INIT;
    struct oss_error err;
    oss_error_clear(&err);
    struct ctl_target tc = {bucket, key, vid};
    int rc = bucket ? e->get(ctx->client, &tc, &val, &err) : -ENOMEM;
    if (rc < 0 && bucket)
        fs_log_oss(ctx, &err);
    if (rc == 0) {
        fs_lastval_set(ctx, e->name, &tc, oss_buf_str(&val));
        pthread_mutex_lock(&ctx->lock);
        np = fs_inode_get_locked(ctx, npino);
        struct fs_inode *in = np ? fs_inode_child_locked(ctx, npino, newname) : NULL;
        if (!in || in->kind != FS_K_LOCAL) {
            in =
                np ? fs_inode_ref_child_locked(ctx, np, newname, FS_K_LOCAL, np->bucket, "") : NULL;
            if (in)
                in->nlookup--; /* new, and unknown to the kernel: no reference yet */
        }
        if (in) {
            oss_buf_reset(&in->local);
            if (val.len)
                rc = oss_buf_append(&in->local, val.data, val.len);
            in->mtime = time(NULL);
        } else {
            rc = -ENOMEM;
        }
        pthread_mutex_unlock(&ctx->lock);
    }
    oss_buf_cleanup(&val);
    free(bucket);
    free(key);
    free(vid);
    return rc;
}

/* `mv file .acl`: the object's bytes become the setting (one GetObject, capped at the largest
 * valid input), then the object is deleted. A refused value leaves the object where it was.
 * ctx->lock held on entry, released on return. */
static int rename_file_onto_ctl(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *src,
                                struct fs_inode *np, const struct ctl_entry *ce, fuse_ino_t parent,
                                const char *name, const char *newname)
{
    char *bucket = strdup(src->bucket), *from = strdup(src->key);
    char *to = ce ? strdup("") : fs_child_key(np->key, newname, 0);
    pthread_mutex_unlock(&ctx->lock);
    const struct ctl_entry *e = ce ? ce : ctl_object_acl_entry();
    struct oss_buf data = OSS_BUF_INIT;
    struct oss_error err;
    int rc = bucket && from && to ? 0 : -ENOMEM;
    if (rc == 0) {
        rc =
            oss_get_object(ctx->client, bucket, from, NULL, 0, e->max_input + 1, &data, NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        else if (data.len > e->max_input)
            rc = -EFBIG;
    }
    if (rc == 0) {
        struct fs_inode stub = {
            .kind = ce ? FS_K_CTL : FS_K_OBJACL, .entry = e, .bucket = bucket, .key = to};
        rc = fs_ctl_apply(req, ctx, &stub, data.data, data.len);
    }
    if (rc == 0) {
        rc = oss_delete_object(ctx->client, bucket, from, NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *s = fs_inode_child_locked(ctx, parent, name);
        if (rc == 0 && s && s->kind == FS_K_FILE)
            fs_inode_unlink_locked(ctx, s);
        fs_dir_changed_locked(ctx, parent);
        pthread_mutex_unlock(&ctx->lock);
    }
    oss_buf_cleanup(&data);
    free(bucket);
    free(from);
    free(to);
    return rc;
}

/* Locks two open-file states (either may be NULL) in address order. */
static void lock_pair(struct fs_ofile *a, struct fs_ofile *b)
{
    if (a && b && (uintptr_t)b < (uintptr_t)a) {
        struct fs_ofile *t = a;
        a = b;
        b = t;
    }
    if (a)
        pthread_mutex_lock(&a->lock);
    if (b)
        pthread_mutex_lock(&b->lock);
}

static void unlock_put(struct fs_ofile *of)
{
    if (of) {
        pthread_mutex_unlock(&of->lock);
        fs_ofile_put(of, 0);
    }
}

/* Moves an object: CopyObject + DeleteObject (ctx->lock held on entry, released on return).
 * An open source moves with its state: what it has not uploaded yet goes to the new name at
 * close. An open target loses its name like an unlinked file: its handles keep their content
 * and nothing of it is uploaded any more, so the rename's result stands. */
static int rename_file(struct fs_ctx *ctx, struct fs_inode *src, struct fs_inode *np,
                       fuse_ino_t parent, const char *name, const char *newname)
{
    char *bucket = strdup(src->bucket), *from = strdup(src->key);
    char *to = fs_child_key(np->key, newname, 0);
    fuse_ino_t npino = np->ino;
    pthread_mutex_unlock(&ctx->lock);
    int rc = bucket && from && to ? 0 : -ENOMEM;
    struct fs_ofile *sof = rc == 0 ? fs_ofile_hold_child(ctx, parent, name) : NULL;
    struct fs_ofile *dof = rc == 0 ? fs_ofile_hold_child(ctx, npino, newname) : NULL;
    if (dof && dof == sof) {
        fs_ofile_put(dof, 0);
        dof = NULL;
    }
    lock_pair(sof, dof);
    if (rc == 0 && dof)
        rc = fs_ofile_detach(dof);
    struct oss_error err;
    if (rc == 0) {
        rc = oss_copy_object(ctx->client, bucket, from, to, &err);
        if (rc == -ENOENT && sof && sof->dirty)
            rc = 1; /* not uploaded yet: the upload at close goes to the new key */
        else if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc == 0) {
        rc = oss_delete_object(ctx->client, bucket, from, NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc >= 0) {
        rc = 0;
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *s = fs_inode_child_locked(ctx, parent, name);
        np = fs_inode_get_locked(ctx, npino);
        if (s && np)
            fs_inode_move_locked(ctx, s, np, newname, to);
        fs_dir_changed_locked(ctx, parent);
        fs_dir_changed_locked(ctx, npino);
        pthread_mutex_unlock(&ctx->lock);
    }
    unlock_put(dof);
    unlock_put(sof);
    free(bucket);
    free(from);
    free(to);
    return rc;
}

void fs_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                  const char *newname, unsigned int flags)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    int rc;
    if (flags) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    if (fs_reply_if_bad_new_name(req, ctx, newname))
        return;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *np = fs_inode_get_locked(ctx, newparent);
    struct fs_inode *src = fs_inode_child_locked(ctx, parent, name);
    if (!np || !src) {
        rc = -ENOENT;
    } else if (src->kind == FS_K_LOCAL) {
        fuse_reply_err(req, -rename_local(req, ctx, src, np, parent, name, newname));
        return;
    } else if (fs_is_ctl_kind(src->kind) && fs_create_is_local(ctx, np, newname)) {
        if (!fs_may_write_ctl(ctx, req)) {
            rc = -EACCES;
        } else {
            fuse_reply_err(req, -rename_ctl_to_local(ctx, src, np, newname));
            return;
        }
    } else if (src->kind == FS_K_FILE && src->version_id) {
        rc = -EXDEV; /* a past version is copied by mv, never moved */
    } else if (src->kind == FS_K_FILE &&
               (fs_ctl_at(ctx, np, newname) || (np->kind == FS_K_ACLD && !ctx->opts.noctl))) {
        fuse_reply_err(req, -rename_file_onto_ctl(req, ctx, src, np, fs_ctl_at(ctx, np, newname),
                                                  parent, name, newname));
        return;
    } else if (src->kind == FS_K_FILE && np->kind == FS_K_DIR && fs_key_too_long(np, newname, 0)) {
        rc = -ENAMETOOLONG;
    } else if (src->kind == FS_K_FILE && np->kind == FS_K_DIR &&
               strcmp(np->bucket, src->bucket) == 0 && !fs_is_reserved_in(ctx, np, newname)) {
        fuse_reply_err(req, -rename_file(ctx, src, np, parent, name, newname));
        return;
    } else {
        rc = -EXDEV;
    }
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_err(req, -rc);
}
