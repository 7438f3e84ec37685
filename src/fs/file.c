/* Objects as files: open, read with a per-handle read-ahead window of ranged GETs, writes staged
 * in a private temporary file and uploaded with one PutObject at flush (reported by close and
 * fsync), and truncate. The entry points also dispatch control files and editor temporaries to
 * ctlfile.c and localfile.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fs.h"

#define RA_MIN (128u * 1024)
#define RA_MAX (8u * 1024 * 1024)

struct fs_handle *fs_handle_new(enum fs_hkind hk, struct fs_inode *in, int accmode)
{
    struct fs_handle *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->hk = hk;
    h->in = in;
    h->accmode = accmode;
    h->stage_fd = -1;
    h->ra_window = RA_MIN;
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

/* Marks the listing of a directory stale after a change made through this mount. */
static void dir_changed_locked(struct fs_ctx *ctx, fuse_ino_t dir)
{
    struct fs_inode *d = fs_inode_get_locked(ctx, dir);
    if (d && d->listing)
        d->listing->expires = 0;
}

struct sink_fd {
    int fd;
    off_t off;
};

static int sink_to_fd(const void *data, size_t len, void *arg)
{
    struct sink_fd *s = arg;
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(s->fd, p, len, s->off);
        if (n < 0)
            return errno == EINTR ? 0 : -errno;
        p += n;
        len -= (size_t)n;
        s->off += n;
    }
    return 0;
}

/* Gives a write handle its staging file holding the object's current bytes (downloaded once),
 * unless it was opened with O_TRUNC or created. Returns 0 or -errno. */
int fs_obj_ensure_loaded(struct fs_ctx *ctx, struct fs_handle *h)
{
    if (h->loaded)
        return 0;
    int fd = fs_stage_open(ctx);
    if (fd < 0)
        return fd;
    struct sink_fd s = {fd, 0};
    struct oss_error err;
    int rc =
        oss_get_object_to(ctx->client, h->bucket, h->key, NULL, 0, 0, sink_to_fd, &s, NULL, &err);
    if (rc < 0) {
        fs_log_oss(ctx, "GetObject", h->bucket, h->key, &err);
        close(fd);
        return rc;
    }
    h->stage_fd = fd;
    h->loaded = 1;
    return 0;
}

/* Uploads a dirty staging file with one PutObject; updates the cached attributes. */
int fs_obj_upload(struct fs_ctx *ctx, struct fs_handle *h)
{
    if (!h->dirty)
        return 0;
    if (h->stage_fd < 0) {
        int fd = fs_stage_open(ctx);
        if (fd < 0)
            return fd;
        h->stage_fd = fd;
        h->loaded = 1;
    }
    struct stat st;
    if (fstat(h->stage_fd, &st) < 0)
        return -errno;
    pthread_mutex_lock(&ctx->lock);
    char *key = h->in->name ? strdup(h->in->key) : NULL; /* follows renames of the open file */
    pthread_mutex_unlock(&ctx->lock);
    if (!key)
        key = strdup(h->key);
    if (!key)
        return -ENOMEM;
    struct oss_error err;
    struct oss_object_meta m = {0};
    int rc = oss_put_object_fd(ctx->client, h->bucket, key, h->stage_fd, 0, (uint64_t)st.st_size,
                               NULL, &m, &err);
    if (rc < 0) {
        fs_log_oss(ctx, "PutObject", h->bucket, key, &err);
        h->upload_err = rc;
    } else {
        h->dirty = 0;
        h->upload_err = 0;
        pthread_mutex_lock(&ctx->lock);
        h->in->size = (uint64_t)st.st_size;
        h->in->mtime = time(NULL);
        h->in->attr_expires = fs_now() + ctx->opts.attr_timeout;
        dir_changed_locked(ctx, h->in->parent);
        pthread_mutex_unlock(&ctx->lock);
    }
    oss_object_meta_cleanup(&m);
    free(key);
    return rc;
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
    if (!p)
        rc = -ENOENT;
    else if (p->kind == FS_K_ACCOUNT || p->kind == FS_K_VERSIONS || p->kind == FS_K_VERDIR ||
             p->kind == FS_K_VERACLD)
        rc = -EPERM;
    else if (p->kind != FS_K_DIR && p->kind != FS_K_ACLD)
        rc = -ENOTDIR;
    else if (fs_ctl_at(ctx, p, name) || (!ctx->opts.noctl && ctl_is_reserved_dir_name(name)))
        rc = -EEXIST;
    else if (p->kind == FS_K_ACLD && !fs_create_is_local(ctx, p, name))
        rc = -ENOENT; /* the ACL file of an object that does not exist */
    else if (fs_create_is_local(ctx, p, name)) {
        if (!fs_may_write_ctl(ctx, req))
            rc = -EACCES;
        else if (!(in = fs_inode_ref_child_locked(ctx, p, name, FS_K_LOCAL, p->bucket, "")))
            rc = -ENOMEM;
        else
            in->mtime = time(NULL);
    } else {
        char *key = fs_child_key(p->key, name, 0);
        in = key ? fs_inode_ref_child_locked(ctx, p, name, FS_K_FILE, p->bucket, key) : NULL;
        free(key);
        if (!in) {
            rc = -ENOMEM;
        } else {
            in->size = 0;
            in->mtime = time(NULL);
            dir_changed_locked(ctx, parent);
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

/* Serves a read from the handle's window, refilling it with one ranged GET that grows while
 * the reader is sequential. Expects h->lock held. */
static int obj_read(struct fs_ctx *ctx, struct fs_handle *h, size_t size, off_t off,
                    const char **data, size_t *len)
{
    uint64_t o = (uint64_t)off;
    if (!(o >= h->ra_off && o + size <= h->ra_off + h->ra.len)) {
        if (o == h->ra_next && h->ra_window < RA_MAX)
            h->ra_window *= 2;
        else if (o != h->ra_next)
            h->ra_window = RA_MIN;
        size_t want = size > h->ra_window ? size : h->ra_window;
        struct oss_error err;
        oss_buf_reset(&h->ra);
        h->ra_off = o;
        int rc = oss_get_object(ctx->client, h->bucket, h->key, h->version_id, o, want, &h->ra,
                                NULL, &err);
        if (rc < 0) {
            oss_buf_reset(&h->ra);
            fs_log_oss(ctx, "GetObject", h->bucket, h->key, &err);
            return rc;
        }
    }
    size_t avail = h->ra_off + h->ra.len > o ? (size_t)(h->ra_off + h->ra.len - o) : 0;
    *len = avail < size ? avail : size;
    *data = h->ra.data ? h->ra.data + (o - h->ra_off) : "";
    h->ra_next = o + *len;
    return 0;
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
        rc = obj_read(ctx, h, size, off, &data, &len);
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
        rc = fs_obj_ensure_loaded(ctx, h);
        if (rc == 0) {
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
