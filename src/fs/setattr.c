/* setattr: truncation of objects (applied to the shared open-file state, so every handle sees
 * it; by path with no writer open, uploaded at once), of control files (a truncated write
 * handle closed empty deletes the setting; truncate(2) by path to 0 deletes at once) and of
 * editor temporaries. Modes, owners and times are mount-wide and not stored (such changes
 * succeed and change nothing, so cp -p, sed -i and touch keep working), except for files
 * with -o posix_meta (posix.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfile.h"
#include "handle.h"
#include "inode.h"
#include "ofile.h"
#include "ops.h"
#include "posix.h"

/* Truncates an object through its open-file state, taking a share of it for the call. With
 * no writer left to upload at close, the result is uploaded now. */
static int obj_truncate(struct fs_ctx *ctx, struct fs_inode *in, uint64_t size)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_ofile *of = fs_ofile_get_locked(ctx, in, 0);
    pthread_mutex_unlock(&ctx->lock);
    if (!of)
        return -ENOMEM;
    pthread_mutex_lock(&of->lock);
    int rc = fs_ofile_truncate(of, size);
    if (rc == 0 && __atomic_load_n(&of->nwriters, __ATOMIC_RELAXED) == 0)
        rc = fs_ofile_commit(of);
    pthread_mutex_unlock(&of->lock);
    fs_ofile_put(of, 0);
    return rc;
}

static int set_size(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, struct fs_fh *h,
                    uint64_t size)
{
    pthread_mutex_lock(&ctx->lock);
    enum fs_kind kind = in->kind;
    int past = in->version_id != NULL;
    pthread_mutex_unlock(&ctx->lock);
    if (ctx->opts.ro)
        return -EROFS;
    if (kind == FS_K_FILE && past)
        return -EACCES; /* a past version is read-only */
    if (kind == FS_K_FILE)
        return h && h->accmode == O_RDONLY ? -EBADF : obj_truncate(ctx, in, size);
    if (fs_is_ctl_kind(kind) && h && h->hk == FS_H_CTL) {
        if (size == 0)
            fs_ctl_truncate((struct fs_ctlh *)h);
        return 0;
    }
    if (fs_is_ctl_kind(kind))
        return size == 0 ? fs_ctl_delete(req, ctx, in) : -EINVAL;
    if (kind == FS_K_LOCAL)
        return fs_local_truncate(ctx, in, size);
    return -EISDIR;
}

void fs_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                   struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_fh *h = fi ? fs_fh_of(fi) : NULL;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    pthread_mutex_unlock(&ctx->lock);
    if (!in) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    int rc = 0;
    if (to_set & FUSE_SET_ATTR_SIZE)
        rc = set_size(req, ctx, in, h, (uint64_t)attr->st_size);
    if (rc == 0)
        rc = fs_posix_setattr(req, ctx, in, attr, to_set);
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
