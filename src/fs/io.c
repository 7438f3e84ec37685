/* Reads and writes on open files. Objects: writes go to the inode's shared open-file state
 * (ofile.c: streamed into a multipart upload, or into the staging file); reads come from the
 * staging file when the content is local, else from the object through the handle's
 * prefetcher (concurrent ranged GETs ahead of a sequential reader). Control files read from and
 * write into their handle (ctlfile.c); editor temporaries live in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlfile.h"
#include "data.h"
#include "handle.h"
#include "inode.h"
#include "ofile.h"
#include "ops.h"

/* Editor temporaries hold a control file's value: a few times the largest one is plenty. */
#define LOCAL_MAX (16u * 1024 * 1024)

/* The handle's prefetcher for the object's current key: a rename of the open file moves the
 * object, and a reader opened before it keeps reading the file it opened. h->lock held. */
static struct fs_prefetch *reader_for(struct fs_ctx *ctx, struct fs_objh *h, uint64_t *size)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = h->fh.in;
    char *key = NULL;
    if (!h->pf_key || strcmp(h->pf_key, in->key) != 0)
        key = strdup(in->key);
    char *bucket = key ? strdup(in->bucket) : NULL;
    *size = in->size; /* mirrored from the open-file state, which is clean here */
    pthread_mutex_unlock(&ctx->lock);
    if (key) {
        struct fs_prefetch *pf = bucket ? fs_prefetch_new(ctx, bucket, key, h->version_id) : NULL;
        free(bucket);
        if (!pf) {
            free(key);
            return NULL;
        }
        fs_prefetch_free(h->pf);
        free(h->pf_key);
        h->pf = pf;
        h->pf_key = key;
    }
    return h->pf;
}

/* Whether the file's key is no longer the one the handle's prefetcher reads. */
static int key_moved(struct fs_ctx *ctx, const struct fs_objh *h)
{
    pthread_mutex_lock(&ctx->lock);
    int moved = h->pf_key && strcmp(h->pf_key, h->fh.in->key) != 0;
    pthread_mutex_unlock(&ctx->lock);
    return moved;
}

static void obj_read(fuse_req_t req, struct fs_ctx *ctx, struct fs_objh *h, size_t size, off_t off)
{
    struct fs_ofile *of = h->of;
    if (of) {
        pthread_mutex_lock(&of->lock);
        int local = fs_ofile_read_local(of);
        if (local != 0) {
            char *buf = local > 0 ? malloc(size ? size : 1) : NULL;
            ssize_t n = local < 0 ? local : buf ? fs_ofile_pread(of, buf, size, off) : -ENOMEM;
            pthread_mutex_unlock(&of->lock);
            if (n < 0)
                fuse_reply_err(req, (int)-n);
            else
                fuse_reply_buf(req, buf, (size_t)n);
            free(buf);
            return;
        }
        pthread_mutex_unlock(&of->lock);
    }
    /* The object is the content: replied from the prefetcher's buffers, which stay put while
     * h->lock is held. A rename racing with the read may leave the old key gone: once more. */
    pthread_mutex_lock(&h->lock);
    struct iovec iov[FS_PREFETCH_IOV];
    int niov = 0, rc = -ENOMEM;
    for (int tries = 0; tries < 2; tries++) {
        uint64_t osize;
        struct fs_prefetch *pf = reader_for(ctx, h, &osize);
        rc = pf ? fs_prefetch_read(pf, osize, size, off, iov, &niov) : -ENOMEM;
        if (rc != -ENOENT || !key_moved(ctx, h))
            break; /* once more only when a rename moved the object meanwhile */
    }
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_iov(req, iov, niov);
    if (rc == 0)
        fs_prefetch_done(h->pf, off);
    pthread_mutex_unlock(&h->lock);
}

static void local_read(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, size_t size,
                       off_t off)
{
    pthread_mutex_lock(&ctx->lock);
    const struct oss_buf *b = &in->local;
    char *copy = NULL;
    size_t len = 0;
    if ((size_t)off < b->len) {
        len = b->len - (size_t)off < size ? b->len - (size_t)off : size;
        copy = malloc(len);
        if (copy)
            memcpy(copy, b->data + off, len);
        else
            len = 0;
    }
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_buf(req, copy, len);
    free(copy);
}

void fs_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_fh *h = fs_fh_of(fi);
    if (h->hk == FS_H_OBJ)
        obj_read(req, ctx, (struct fs_objh *)h, size, off);
    else if (h->hk == FS_H_CTL)
        fs_ctl_read(req, (struct fs_ctlh *)h, size, off);
    else
        local_read(req, ctx, h->in, size, off);
}

int fs_local_write(struct fs_ctx *ctx, struct fs_inode *in, const char *buf, size_t size, off_t off)
{
    if ((uint64_t)off + size > LOCAL_MAX)
        return -EFBIG;
    pthread_mutex_lock(&ctx->lock);
    int rc = oss_buf_write_at(&in->local, (size_t)off, buf, size, 0);
    in->mtime = time(NULL);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

int fs_local_truncate(struct fs_ctx *ctx, struct fs_inode *in, uint64_t size)
{
    if (size > LOCAL_MAX)
        return -EFBIG;
    pthread_mutex_lock(&ctx->lock);
    int rc = oss_buf_setlen(&in->local, (size_t)size, 0);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

void fs_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                 struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_fh *h = fs_fh_of(fi);
    int rc;
    if (h->hk == FS_H_CTL) {
        rc = fs_ctl_write(ctx, (struct fs_ctlh *)h, buf, size, off);
    } else if (h->hk == FS_H_LOCAL) {
        rc = fs_local_write(ctx, h->in, buf, size, off);
    } else {
        struct fs_objh *oh = (struct fs_objh *)h;
        struct fs_ofile *of = oh->of;
        if (!of || h->accmode == O_RDONLY) {
            rc = -EBADF;
        } else {
            pthread_mutex_lock(&of->lock);
            rc = fs_ofile_write(of, buf, size, off, oh->append);
            pthread_mutex_unlock(&of->lock);
        }
    }
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_write(req, size);
}
