/* File handles: open and create of objects, control files and editor temporaries, and the
 * end of a handle's life: flush and fsync (which report upload failures) and release. An
 * object's handles share the inode's open-file state (ofile.c): its content is uploaded once,
 * when the last writer closes or on fsync. Reads and writes are in io.c, control file
 * semantics in ctlfile.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctlfile.h"
#include "data.h"
#include "handle.h"
#include "inode.h"
#include "ofile.h"
#include "ops.h"
#include "posix.h"

static void objh_free(struct fs_objh *h)
{
    /* A read replies before it lets go of h->lock (its reply points into the prefetcher's
     * buffers): the kernel may close the file in between, so wait for that read to finish. */
    pthread_mutex_lock(&h->lock);
    pthread_mutex_unlock(&h->lock);
    fs_prefetch_free(h->pf);
    free(h->pf_key);
    free(h->version_id);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* Opens an object (ctx->lock held; the network is not touched here: O_TRUNC happens below,
 * outside the lock). A past version is read-only and has no shared state: it never changes. */
static int obj_open_locked(struct fs_ctx *ctx, struct fs_inode *in, int flags, struct fs_objh **out)
{
    int acc = flags & O_ACCMODE;
    if (in->version_id && acc != O_RDONLY)
        return -EACCES;
    struct fs_objh *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->fh = (struct fs_fh){FS_H_OBJ, in, acc};
    h->append = (flags & O_APPEND) != 0;
    pthread_mutex_init(&h->lock, NULL);
    if (in->version_id && !(h->version_id = strdup(in->version_id))) {
        objh_free(h);
        return -ENOMEM;
    }
    if (!in->version_id && !(h->of = fs_ofile_get_locked(ctx, in, acc != O_RDONLY))) {
        objh_free(h);
        return -ENOMEM;
    }
    *out = h;
    return 0;
}

/* Releases an object handle: drops its share of the open-file state (the last writer uploads
 * what is still dirty) and frees it. */
static void obj_close(struct fs_objh *h)
{
    if (h->of)
        fs_ofile_put(h->of, h->fh.accmode != O_RDONLY);
    objh_free(h);
}

/* O_TRUNC of an object being opened for writing: the shared content becomes empty. */
static int obj_trunc(struct fs_objh *h)
{
    pthread_mutex_lock(&h->of->lock);
    int rc = fs_ofile_truncate(h->of, 0);
    pthread_mutex_unlock(&h->of->lock);
    return rc;
}

static struct fs_localh *local_open(struct fs_inode *in, int acc)
{
    struct fs_localh *h = calloc(1, sizeof(*h));
    if (h)
        h->fh = (struct fs_fh){FS_H_LOCAL, in, acc};
    return h;
}

void fs_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    fs_read_ahead_apply(ctx);
    int acc = fi->flags & O_ACCMODE;
    struct fs_fh *h = NULL;
    struct fs_objh *oh = NULL;
    int rc = 0;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    if (!in) {
        rc = -ENOENT;
    } else if (acc != O_RDONLY && ctx->opts.ro) {
        rc = -EROFS;
    } else if (in->kind == FS_K_FILE) {
        rc = obj_open_locked(ctx, in, fi->flags, &oh);
        h = oh ? &oh->fh : NULL;
    } else if (in->kind == FS_K_LOCAL) {
        struct fs_localh *lh = local_open(in, acc);
        rc = lh ? 0 : -ENOMEM;
        h = lh ? &lh->fh : NULL;
        if (lh && acc != O_RDONLY && (fi->flags & O_TRUNC))
            oss_buf_reset(&in->local);
        fi->direct_io = 1;
    } else if (fs_is_ctl_kind(in->kind)) {
        pthread_mutex_unlock(&ctx->lock);
        struct fs_ctlh *ch = NULL;
        rc = fs_ctl_open(req, ctx, in, fi, &ch); /* may spend one GET: not under the lock */
        h = ch ? &ch->fh : NULL;
        pthread_mutex_lock(&ctx->lock);
    } else {
        rc = -EISDIR;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && oh && acc != O_RDONLY && (fi->flags & O_TRUNC) && (rc = obj_trunc(oh)) < 0) {
        obj_close(oh);
        h = NULL;
    }
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)h;
    if (fuse_reply_open(req, fi) == -ENOENT) /* interrupted: nobody will release it */
        fs_op_release(req, ino, fi);
}

/* The byte length of the key that name gets under dir (as a directory: one more). */
static size_t child_key_len(const struct fs_inode *dir, const char *name, int as_dir)
{
    return strlen(dir->key) + strlen(name) + (as_dir ? 1 : 0);
}

int fs_key_too_long(const struct fs_inode *dir, const char *name, int as_dir)
{
    return dir->kind != FS_K_ACCOUNT && child_key_len(dir, name, as_dir) > FS_KEY_MAX;
}

void fs_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                  struct fuse_file_info *fi)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    int acc = fi->flags & O_ACCMODE;
    if (fs_reply_if_bad_new_name(req, ctx, name))
        return;
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
    } else if (rc == 0 && fs_key_too_long(p, name, 0)) {
        rc = -ENAMETOOLONG; /* nothing sent: OSS keys end at 1023 bytes */
    } else if (rc == 0) {
        char *key = fs_child_key(p->key, name, 0);
        in = key ? fs_inode_ref_child_locked(ctx, p, name, FS_K_FILE, p->bucket, key) : NULL;
        free(key);
        if (!in) {
            rc = -ENOMEM;
        } else {
            if (!in->of)
                in->size = 0;
            in->mtime = time(NULL);
            if (ctx->opts.posix_meta)
                fs_posix_created_locked(req, in, mode);
            /* The directory's listing stays: the open inode answers for the name until its
             * upload, which then notes the file in the listing (ofile.c); a failed upload
             * leaves the listing right as it is. */
        }
    }
    struct fs_fh *h = NULL;
    struct fs_objh *oh = NULL;
    if (rc == 0 && in->kind == FS_K_LOCAL) {
        struct fs_localh *lh = local_open(in, acc);
        h = lh ? &lh->fh : NULL;
        fi->direct_io = 1;
    } else if (rc == 0) {
        /* A new object starts empty and is uploaded even if unwritten. */
        if (acc == O_RDONLY)
            acc = O_RDWR;
        rc = obj_open_locked(ctx, in, (fi->flags & ~O_ACCMODE) | acc, &oh);
        h = oh ? &oh->fh : NULL;
    }
    if (rc == 0 && !h)
        rc = -ENOMEM;
    if (rc < 0 && in)
        fs_inode_forget_locked(ctx, in->ino, 1);
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && oh && (rc = obj_trunc(oh)) < 0) {
        obj_close(oh);
        pthread_mutex_lock(&ctx->lock);
        fs_inode_forget_locked(ctx, in->ino, 1);
        pthread_mutex_unlock(&ctx->lock);
    }
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct fuse_entry_param e;
    pthread_mutex_lock(&ctx->lock);
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fi->fh = (uint64_t)(uintptr_t)h;
    if (fuse_reply_create(req, &e, fi) == -ENOENT)
        fs_op_release(req, e.ino, fi);
}

void fs_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
    (void)rdev;
    /* Regular files come through create; OSS has no FIFOs, sockets or devices: EPERM, except
     * FIFOs as ossfs 1.x stores them with -o posix_meta (posix.c). */
    fs_posix_mknod(req, parent, name, mode);
}

/* Whether process pid holds another descriptor on the file (ino) than the one being closed:
 * bash's `> f` closes the descriptor it opened after duplicating it, before the command
 * writes, and uploading the still empty file then would cost a second PutObject. The
 * descriptor being closed is already gone from the process's table. On any doubt: 0. */
static int held_elsewhere(struct fs_ctx *ctx, pid_t pid, fuse_ino_t ino)
{
    char dirpath[64];
    if (pid <= 0 || !ctx->mount_abs)
        return 0;
    snprintf(dirpath, sizeof(dirpath), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dirpath);
    if (!d)
        return 0;
    size_t ml = strlen(ctx->mount_abs);
    int found = 0;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[320], target[4096];
        snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, de->d_name);
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n <= (ssize_t)ml || strncmp(target, ctx->mount_abs, ml) != 0 || target[ml] != '/')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, de->d_name);
        FILE *f = fopen(path, "r");
        char line[128];
        unsigned long long fino = 0;
        while (f && fgets(line, sizeof(line), f))
            if (sscanf(line, "ino: %llu", &fino) == 1)
                break;
        if (f)
            fclose(f);
        found = fino == (unsigned long long)ino;
    }
    closedir(d);
    return found;
}

/* flush comes with every close(2) of a descriptor. The last writer's flush uploads, so that
 * close reports the outcome and the data is stored when close returns; other writers leave
 * it to the last one. */
static int obj_flush(fuse_req_t req, struct fs_ctx *ctx, struct fs_objh *h)
{
    struct fs_ofile *of = h->of;
    if (!of || h->fh.accmode == O_RDONLY)
        return 0;
    pthread_mutex_lock(&of->lock);
    int rc = of->state == FS_W_FAILED ? of->err : 0;
    if (rc == 0 && of->dirty && __atomic_load_n(&of->nwriters, __ATOMIC_RELAXED) == 1 &&
        !(fs_ofile_fresh_empty(of) && held_elsewhere(ctx, fuse_req_ctx(req)->pid, h->fh.in->ino)))
        rc = fs_ofile_commit(of);
    pthread_mutex_unlock(&of->lock);
    return rc;
}

void fs_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_fh *h = fs_fh_of(fi);
    int rc = 0;
    if (h->hk == FS_H_OBJ)
        rc = obj_flush(req, ctx, (struct fs_objh *)h);
    else if (h->hk == FS_H_CTL)
        rc = fs_ctl_flush(ctx, (struct fs_ctlh *)h);
    fuse_reply_err(req, -rc);
}

void fs_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)datasync;
    (void)ino;
    struct fs_fh *h = fs_fh_of(fi);
    int rc = 0;
    if (h->hk == FS_H_OBJ && ((struct fs_objh *)h)->of) {
        struct fs_ofile *of = ((struct fs_objh *)h)->of;
        pthread_mutex_lock(&of->lock);
        rc = fs_ofile_commit(of);
        pthread_mutex_unlock(&of->lock);
    } else if (h->hk == FS_H_CTL) {
        rc = fs_ctl_fsync((struct fs_ctlh *)h);
    }
    fuse_reply_err(req, -rc);
}

void fs_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct fs_fh *h = fs_fh_of(fi);
    if (h->hk == FS_H_OBJ)
        obj_close((struct fs_objh *)h);
    else if (h->hk == FS_H_CTL)
        fs_ctl_release(ctx, (struct fs_ctlh *)h);
    else
        free(h);
    fuse_reply_err(req, 0);
}
