/* File handles: open and create of objects, control files and editor temporaries, and the
 * end of a handle's life: flush and fsync (which report upload failures) and release. Reads and
 * writes are in io.c, staging and uploads in stage.c, control file semantics in ctlfile.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fs.h"

struct fs_handle *fs_handle_new(enum fs_hkind hk, struct fs_inode *in, int accmode)
{
    struct fs_handle *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->hk = hk;
    h->in = in;
    h->accmode = accmode;
    h->stage_fd = -1;
    h->ra_window = FS_RA_MIN;
    h->state = CTL_INCOMPLETE;
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

void fs_handle_free(struct fs_handle *h)
{
    if (!h)
        return;
    if (h->stage_fd >= 0)
        close(h->stage_fd);
    fs_prefetch_free(h->pf);
    free(h->bucket);
    free(h->key);
    free(h->version_id);
    oss_buf_cleanup(&h->ra);
    oss_buf_cleanup(&h->content);
    oss_buf_cleanup(&h->input);
    oss_buf_cleanup(&h->applied);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static struct fs_handle *handle_of(struct fuse_file_info *fi)
{
    return (struct fs_handle *)(uintptr_t)fi->fh;
}

static int obj_open(struct fs_ctx *ctx, struct fs_inode *in, struct fuse_file_info *fi,
                    struct fs_handle **out)
{
    int acc = fi->flags & O_ACCMODE;
    if (in->version_id && acc != O_RDONLY)
        return -EACCES; /* a past version is read-only */
    struct fs_handle *h = fs_handle_new(FS_H_OBJ, in, acc);
    if (!h)
        return -ENOMEM;
    h->bucket = strdup(in->bucket);
    h->key = strdup(in->key);
    h->version_id = in->version_id ? strdup(in->version_id) : NULL;
    if (!h->bucket || !h->key || (in->version_id && !h->version_id)) {
        fs_handle_free(h);
        return -ENOMEM;
    }
    if (acc != O_RDONLY) {
        if (fi->flags & O_TRUNC) {
            h->stage_fd = fs_stage_open(ctx);
            if (h->stage_fd < 0) {
                int rc = h->stage_fd;
                fs_handle_free(h);
                return rc;
            }
            h->loaded = h->dirty = 1;
            in->size = 0;
        }
        in->writers++;
    }
    *out = h;
    return 0;
}

void fs_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    int acc = fi->flags & O_ACCMODE;
    struct fs_handle *h = NULL;
    int rc;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    if (!in) {
        rc = -ENOENT;
    } else if (acc != O_RDONLY && ctx->opts.ro) {
        rc = -EROFS;
    } else if (in->kind == FS_K_FILE) {
        rc = obj_open(ctx, in, fi, &h);
    } else if (in->kind == FS_K_LOCAL) {
        h = fs_handle_new(FS_H_LOCAL, in, acc);
        rc = h ? 0 : -ENOMEM;
        if (h && acc != O_RDONLY && (fi->flags & O_TRUNC))
            oss_buf_reset(&in->local);
        fi->direct_io = 1;
    } else if (fs_is_ctl_kind(in->kind)) {
        pthread_mutex_unlock(&ctx->lock);
        rc = fs_ctl_open(req, ctx, in, fi, &h); /* may spend one GET: not under the lock */
        pthread_mutex_lock(&ctx->lock);
    } else {
        rc = -EISDIR;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)h;
    if (fuse_reply_open(req, fi) == -ENOENT) /* interrupted: nobody will release it */
        fs_op_release(req, ino, fi);
}

void fs_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                  struct fuse_file_info *fi)
{
    (void)mode;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    int acc = fi->flags & O_ACCMODE;
    if (ctx->opts.ro) {
        fuse_reply_err(req, EROFS);
        return;
    }
    if (!fs_valid_name(name)) {
        fuse_reply_err(req, strlen(name) >= 1024 ? ENAMETOOLONG : EINVAL);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    int rc = 0;
    struct fs_inode *in = NULL;
    int local_only = p && (p->kind == FS_K_ACCOUNT || p->kind == FS_K_AP);
    if (!p)
        rc = -ENOENT;
    else if (local_only && !fs_ctl_at(ctx, p, name) && fs_create_is_local(ctx, p, name))
        rc = 0; /* an editor temporary beside the account's or an access point's files */
    else if (p->kind == FS_K_ACCOUNT || p->kind == FS_K_VERSIONS || p->kind == FS_K_VERDIR ||
             p->kind == FS_K_VERACLD || p->kind == FS_K_APDIR || p->kind == FS_K_AP)
        rc = -EPERM;
    else if (p->kind != FS_K_DIR && p->kind != FS_K_ACLD)
        rc = -ENOTDIR;
    else if (fs_ctl_at(ctx, p, name) || (!ctx->opts.noctl && ctl_is_reserved_dir_name(name)))
        rc = -EEXIST;
    else if (p->kind == FS_K_ACLD && !fs_create_is_local(ctx, p, name))
        rc = -ENOENT; /* the ACL file of an object that does not exist */
    if (rc == 0 && fs_create_is_local(ctx, p, name)) {
        if (!fs_may_write_ctl(ctx, req))
            rc = -EACCES;
        else if (!(in = fs_inode_ref_child_locked(ctx, p, name, FS_K_LOCAL,
                                                  p->bucket ? p->bucket : "", "")))
            rc = -ENOMEM;
        else
            in->mtime = time(NULL);
    } else if (rc == 0) {
        char *key = fs_child_key(p->key, name, 0);
        in = key ? fs_inode_ref_child_locked(ctx, p, name, FS_K_FILE, p->bucket, key) : NULL;
        free(key);
        if (!in) {
            rc = -ENOMEM;
        } else {
            in->size = 0;
            in->mtime = time(NULL);
            fs_dir_changed_locked(ctx, parent);
        }
    }
    struct fs_handle *h = NULL;
    if (rc == 0 && in->kind == FS_K_LOCAL) {
        h = fs_handle_new(FS_H_LOCAL, in, acc);
        fi->direct_io = 1;
    } else if (rc == 0) {
        fi->flags |= O_TRUNC; /* a new object starts empty and is uploaded even if unwritten */
        if (acc == O_RDONLY)
            fi->flags = (fi->flags & ~O_ACCMODE) | O_RDWR;
        rc = obj_open(ctx, in, fi, &h);
    }
    if (rc == 0 && !h)
        rc = -ENOMEM;
    if (rc < 0 && in)
        fs_inode_forget_locked(ctx, in->ino, 1);
    struct fuse_entry_param e;
    if (rc == 0)
        fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)h;
    fuse_reply_create(req, &e, fi);
}

void fs_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = handle_of(fi);
    int rc = 0;
    pthread_mutex_lock(&h->lock);
    if (h->hk == FS_H_OBJ && h->wrote)
        rc = fs_obj_upload(ctx, h);
    else if (h->hk == FS_H_OBJ && h->dirty)
        rc = h->upload_err; /* created or truncated, nothing written yet: see fs_op_release */
    else if (h->hk == FS_H_CTL)
        rc = fs_ctl_flush(req, ctx, h);
    pthread_mutex_unlock(&h->lock);
    fuse_reply_err(req, -rc);
}

void fs_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)datasync;
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = handle_of(fi);
    int rc = 0;
    pthread_mutex_lock(&h->lock);
    if (h->hk == FS_H_OBJ) {
        rc = fs_obj_upload(ctx, h);
        if (rc == 0 && h->upload_err)
            rc = h->upload_err;
    } else if (h->hk == FS_H_CTL && h->wrote && h->state == CTL_INVALID) {
        rc = -EINVAL;
    }
    pthread_mutex_unlock(&h->lock);
    fuse_reply_err(req, -rc);
}

void fs_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = handle_of(fi);
    /* A file created or truncated and closed without a byte written is uploaded here, not at
     * flush: bash's `> f` closes a duplicate descriptor before the first write, and uploading
     * the empty file then would cost a second PutObject. */
    if (h->hk == FS_H_OBJ && h->dirty && !h->wrote)
        fs_obj_upload(ctx, h);
    if (h->hk == FS_H_OBJ && h->up) /* flush never came (or failed): abort the parts */
        fs_upload_discard(ctx, h);
    if (h->hk == FS_H_CTL)
        fs_ctl_release(ctx, h);
    if (h->hk == FS_H_OBJ && h->dirty)
        fs_log(ctx, LOG_ERR, "%s/%s: closed with an upload that failed; the data is not stored",
               h->bucket, h->key);
    if (h->hk == FS_H_OBJ && h->accmode != O_RDONLY) {
        pthread_mutex_lock(&ctx->lock);
        if (h->in->writers > 0)
            h->in->writers--;
        pthread_mutex_unlock(&ctx->lock);
    }
    fs_handle_free(h);
    fuse_reply_err(req, 0);
}
