/* Reads and writes on open files: objects through the prefetcher's ranged GETs (prefetch.c) or
 * from the staging file once the handle has one, writes streamed into a multipart upload
 * (upload.c) or into the staging file; control files from and into their handle buffers,
 * editor temporaries in memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"

static struct fs_handle *handle_of(struct fuse_file_info *fi)
{
    return (struct fs_handle *)(uintptr_t)fi->fh;
}

void fs_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = handle_of(fi);
    const char *data = NULL;
    size_t len = 0;
    int rc = 0;
    pthread_mutex_lock(&h->lock);
    if (h->hk == FS_H_OBJ && h->up) {
        rc = fs_upload_to_staging(ctx, h); /* reading back what is being streamed */
        if (rc < 0) {
            pthread_mutex_unlock(&h->lock);
            fuse_reply_err(req, -rc);
            return;
        }
    }
    if (h->hk == FS_H_OBJ && h->stage_fd >= 0) {
        char *buf = malloc(size ? size : 1);
        ssize_t n = buf ? pread(h->stage_fd, buf, size, off) : -1;
        pthread_mutex_unlock(&h->lock);
        if (n < 0)
            fuse_reply_err(req, buf ? errno : ENOMEM);
        else
            fuse_reply_buf(req, buf, (size_t)n);
        free(buf);
        return;
    }
    if (h->hk == FS_H_OBJ) {
        /* Replied from the prefetcher's buffers, which stay put while h->lock is held. */
        struct iovec iov[FS_PREFETCH_IOV];
        int niov = 0;
        rc = fs_prefetch_read(ctx, h, size, off, iov, &niov);
        if (rc < 0)
            fuse_reply_err(req, -rc);
        else
            fuse_reply_iov(req, iov, niov);
        if (rc == 0)
            fs_prefetch_done(h, off);
        pthread_mutex_unlock(&h->lock);
        return;
    } else if (h->hk == FS_H_CTL) {
        const struct oss_buf *b = &h->content;
        if ((size_t)off < b->len) {
            data = b->data + off;
            len = b->len - (size_t)off < size ? b->len - (size_t)off : size;
        }
    } else {
        pthread_mutex_lock(&ctx->lock);
        const struct oss_buf *b = &h->in->local;
        char *copy = NULL;
        if ((size_t)off < b->len) {
            len = b->len - (size_t)off < size ? b->len - (size_t)off : size;
            copy = malloc(len);
            if (copy)
                memcpy(copy, b->data + off, len);
            else
                len = 0;
        }
        pthread_mutex_unlock(&ctx->lock);
        pthread_mutex_unlock(&h->lock);
        fuse_reply_buf(req, copy, len);
        free(copy);
        return;
    }
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_buf(req, data, len);
    pthread_mutex_unlock(&h->lock);
}

/* Writes into an editor temporary's memory, growing it with zeros as needed. */
static int local_write(struct fs_ctx *ctx, struct fs_inode *in, const char *buf, size_t size,
                       off_t off)
{
    if ((uint64_t)off + size > 16u * 1024 * 1024)
        return -EFBIG;
    pthread_mutex_lock(&ctx->lock);
    struct oss_buf *b = &in->local;
    size_t end = (size_t)off + size;
    int rc = 0;
    if (end > b->len) {
        rc = oss_buf_reserve(b, end - b->len);
        if (rc == 0) {
            memset(b->data + b->len, 0, end - b->len);
            b->len = end;
            b->data[end] = 0;
        }
    }
    if (rc == 0)
        memcpy(b->data + off, buf, size);
    in->mtime = time(NULL);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

void fs_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                 struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_handle *h = handle_of(fi);
    int rc;
    pthread_mutex_lock(&h->lock);
    if (h->hk == FS_H_CTL) {
        rc = fs_ctl_write(req, ctx, h, buf, size, off);
    } else if (h->hk == FS_H_LOCAL) {
        rc = local_write(ctx, h->in, buf, size, off);
    } else {
        rc = h->upload_broken ? h->upload_err : fs_upload_write(ctx, h, buf, size, off);
        if (rc == 0) /* not streamed: through the staging file */
            rc = fs_obj_ensure_loaded(ctx, h);
        if (rc == 1) {
            rc = 0;
        } else if (rc == 0) {
            ssize_t n = pwrite(h->stage_fd, buf, size, off);
            rc = n < 0 ? -errno : 0;
        }
        if (rc == 0) {
            h->dirty = h->wrote = 1;
            pthread_mutex_lock(&ctx->lock);
            if ((uint64_t)off + size > h->in->size)
                h->in->size = (uint64_t)off + size;
            h->in->mtime = time(NULL);
            pthread_mutex_unlock(&ctx->lock);
        }
    }
    pthread_mutex_unlock(&h->lock);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_write(req, size);
}
