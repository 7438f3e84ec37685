/* setattr: truncation of objects (through the handle's staging file, or by path with a download,
 * truncate and one PutObject), of control files (a truncated write handle closed empty deletes
 * the setting; truncate(2) by path to 0 deletes at once) and of editor temporaries. Modes,
 * owners and times are mount-wide and not stored: such changes succeed and change nothing, so
 * cp -p, sed -i and touch keep working. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"

/* Truncates an object to size through handle h (a write handle, or a temporary one). */
static int obj_truncate(struct fs_ctx *ctx, struct fs_handle *h, uint64_t size)
{
    int rc = fs_upload_to_staging(ctx, h); /* a streamed handle goes back to staging */
    if (rc < 0)
        return rc;
    if (size == 0 && !h->loaded) {
        int fd = fs_stage_open(ctx);
        if (fd < 0)
            return fd;
        if (h->stage_fd >= 0)
            close(h->stage_fd);
        h->stage_fd = fd;
        h->loaded = 1;
    } else {
        rc = fs_obj_ensure_loaded(ctx, h);
    }
    if (rc == 0 && ftruncate(h->stage_fd, (off_t)size) < 0)
        rc = -errno;
    if (rc == 0) {
        h->dirty = h->wrote = 1; /* a truncation is a change: upload at flush */
        pthread_mutex_lock(&ctx->lock);
        h->in->size = size;
        h->in->mtime = time(NULL);
        pthread_mutex_unlock(&ctx->lock);
    }
    return rc;
}

/* truncate(2) by path of an object: a short-lived handle that uploads at once. */
static int obj_truncate_path(struct fs_ctx *ctx, struct fs_inode *in, uint64_t size)
{
    struct fs_handle *h = fs_handle_new(FS_H_OBJ, in, O_RDWR);
    if (!h)
        return -ENOMEM;
    pthread_mutex_lock(&ctx->lock);
    h->bucket = strdup(in->bucket);
    h->key = strdup(in->key);
    pthread_mutex_unlock(&ctx->lock);
    int rc = h->bucket && h->key ? obj_truncate(ctx, h, size) : -ENOMEM;
    if (rc == 0)
        rc = fs_obj_upload(ctx, h);
    fs_handle_free(h);
    return rc;
}

static int local_truncate(struct fs_ctx *ctx, struct fs_inode *in, uint64_t size)
{
    if (size > 16u * 1024 * 1024)
        return -EFBIG;
    pthread_mutex_lock(&ctx->lock);
    struct oss_buf *b = &in->local;
    int rc = 0;
    if (size > b->len) {
        rc = oss_buf_reserve(b, size - b->len);
        if (rc == 0)
            memset(b->data + b->len, 0, size - b->len);
    }
    if (rc == 0 && b->data) {
        b->len = size;
        b->data[size] = 0;
    }
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

void fs_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                   struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = fi ? (struct fs_handle *)(uintptr_t)fi->fh : NULL;
    int rc = 0;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    enum fs_kind kind = in ? in->kind : FS_K_DIR;
    pthread_mutex_unlock(&ctx->lock);
    if (!in) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if ((to_set & FUSE_SET_ATTR_SIZE) && ctx->opts.ro)
        rc = -EROFS;
    else if (to_set & FUSE_SET_ATTR_SIZE) {
        uint64_t size = (uint64_t)attr->st_size;
        if (kind == FS_K_FILE && in->version_id) {
            rc = -EACCES; /* a past version is read-only */
        } else if (kind == FS_K_FILE && h && h->hk == FS_H_OBJ) {
            pthread_mutex_lock(&h->lock);
            rc = h->accmode == O_RDONLY ? -EBADF : obj_truncate(ctx, h, size);
            pthread_mutex_unlock(&h->lock);
        } else if (kind == FS_K_FILE) {
            rc = obj_truncate_path(ctx, in, size);
        } else if (fs_is_ctl_kind(kind) && h && h->hk == FS_H_CTL) {
            if (size == 0 && !h->wrote)
                h->truncated = 2;
        } else if (fs_is_ctl_kind(kind)) {
            rc = size == 0 ? fs_ctl_delete(req, ctx, in) : -EINVAL;
        } else if (kind == FS_K_LOCAL) {
            rc = local_truncate(ctx, in, size);
        } else {
            rc = -EISDIR;
        }
    }
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct stat st;
    pthread_mutex_lock(&ctx->lock);
    in = fs_inode_get_locked(ctx, ino);
    if (in)
        fs_fill_stat(ctx, in, &st);
    double t = in ? fs_timeout(ctx, in) : 0;
    pthread_mutex_unlock(&ctx->lock);
    if (!in)
        fuse_reply_err(req, ENOENT);
    else
        fuse_reply_attr(req, &st, t);
}
