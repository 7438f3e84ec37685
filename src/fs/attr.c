/* Attributes of inodes as the kernel sees them: modes from the mount-wide uid/gid/umask,
 * sizes and times from the attribute cache, and the timeouts that go with each kind. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dcache.h"
#include "inode.h"
#include "posix.h"

double fs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int fs_is_dir_kind(enum fs_kind k)
{
    return k == FS_K_ACCOUNT || k == FS_K_DIR || k == FS_K_ACLD || k == FS_K_VERSIONS ||
           k == FS_K_VERDIR || k == FS_K_VERACLD || k == FS_K_APDIR || k == FS_K_AP;
}

int fs_is_ctl_kind(enum fs_kind k)
{
    return k == FS_K_CTL || k == FS_K_OBJACL;
}

double fs_timeout(const struct fs_ctx *ctx, const struct fs_inode *in)
{
    if (fs_is_ctl_kind(in->kind) || in->kind == FS_K_LOCAL)
        return 0.0;
    return ctx->opts.attr_timeout;
}

/* Fills st for in. Directories are 0777 and files 0666 minus umask; a read-only control file
 * has no write bits at all. Control files report size 0: they are opened with direct_io, so
 * readers see every byte the server returned regardless of st_size. */
void fs_fill_stat(struct fs_ctx *ctx, const struct fs_inode *in, struct stat *st)
{
    const struct fs_opts *o = &ctx->opts;
    memset(st, 0, sizeof(*st));
    st->st_ino = in->ino;
    st->st_uid = o->uid;
    st->st_gid = o->gid;
    st->st_blksize = 4096;
    st->st_mtime = st->st_ctime = st->st_atime = in->mtime;
    switch (in->kind) {
    case FS_K_ACCOUNT:
    case FS_K_DIR:
    case FS_K_ACLD:
    case FS_K_VERSIONS:
    case FS_K_VERDIR:
    case FS_K_VERACLD:
    case FS_K_APDIR:
    case FS_K_AP:
        st->st_mode = S_IFDIR | (0777 & ~o->umask);
        if (in->kind == FS_K_VERSIONS || in->kind == FS_K_VERDIR)
            st->st_mode &= ~0222;
        st->st_nlink = 2;
        st->st_size = 4096;
        break;
    case FS_K_FILE:
    case FS_K_LOCAL:
        st->st_mode = S_IFREG | (0666 & ~o->umask);
        if (in->version_id)
            st->st_mode &= ~0222; /* past versions are read-only */
        st->st_nlink = 1;
        st->st_size = in->kind == FS_K_LOCAL ? in->local.len : in->size;
        if (in->kind == FS_K_FILE && in->is_link)
            st->st_mode = S_IFLNK | 0777; /* symlink.c: an OSS Symlink object */
        break;
    case FS_K_CTL:
    case FS_K_OBJACL:
        st->st_mode = S_IFREG | (0666 & ~o->umask);
        if (in->entry && !in->entry->writable)
            st->st_mode &= ~0222;
        st->st_nlink = 1;
        st->st_size = 0;
        break;
    }
    fs_pmeta_apply(ctx, in, st);
    if (o->ro)
        st->st_mode &= ~0222;
    st->st_blocks = (st->st_size + 511) / 512;
}

void fs_make_entry(struct fs_ctx *ctx, const struct fs_inode *in, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof(*e));
    e->ino = in->ino;
    e->generation = 1;
    e->attr_timeout = e->entry_timeout = fs_timeout(ctx, in);
    fs_fill_stat(ctx, in, &e->attr);
}

void fs_reply_entry(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in)
{
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    fuse_reply_entry(req, &e);
}

char *fs_child_key(const char *prefix, const char *name, int as_dir)
{
    size_t pl = strlen(prefix), nl = strlen(name);
    char *k = malloc(pl + nl + 2);
    if (!k)
        return NULL;
    memcpy(k, prefix, pl);
    memcpy(k + pl, name, nl);
    if (as_dir)
        k[pl + nl++] = '/';
    k[pl + nl] = 0;
    return k;
}

int fs_may_write_ctl(struct fs_ctx *ctx, fuse_req_t req)
{
    const struct fuse_ctx *c = fuse_req_ctx(req);
    return c->uid == 0 || c->uid == ctx->owner;
}

void fs_dir_changed_locked(struct fs_ctx *ctx, fuse_ino_t dir)
{
    struct fs_inode *d = fs_inode_get_locked(ctx, dir);
    if (d && d->kind == FS_K_DIR)
        fs_dcache_drop_locked(ctx, d->bucket, d->key);
}

void fs_dir_created_locked(struct fs_ctx *ctx, const struct fs_inode *in)
{
    fs_dcache_end_locked(ctx, fs_dcache_begin_locked(ctx, in->bucket, in->key), 1);
}

void fs_file_noted_locked(struct fs_ctx *ctx, const struct fs_inode *in)
{
    struct fs_inode *d = in->name ? fs_inode_get_locked(ctx, in->parent) : NULL;
    if (d && d->kind == FS_K_DIR)
        fs_dcache_note_file_locked(ctx, d->bucket, d->key, in->name, in->size, in->mtime);
}
