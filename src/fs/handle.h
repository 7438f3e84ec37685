/* File handles: one struct for each kind of thing the kernel opens. The kernel gets a pointer
 * to one of them in fi->fh; every handle starts with struct fs_fh, whose tag says which.
 *
 *   fs_objh    an object (file.c, io.c): its content lives in the inode's shared open-file
 *              state (ofile.h), the handle keeps only what is its own (access mode, O_APPEND,
 *              the read-ahead of its reader)
 *   fs_ctlh    a control file (ctlfile.c): the value read at open, the bytes written since
 *   fs_localh  an editor temporary kept in memory beside control files (file.c, io.c)
 *
 * The kernel serialises nothing for us: reads of one handle may run concurrently, so each
 * handle's mutable fields name the lock that guards them. */
#ifndef FS_HANDLE_H
#define FS_HANDLE_H

#include "inode.h"

enum fs_hkind { FS_H_OBJ, FS_H_CTL, FS_H_LOCAL };

struct fs_fh {
    enum fs_hkind hk;
    struct fs_inode *in; /* valid while open: the kernel holds a lookup reference */
    int accmode;         /* O_RDONLY, O_WRONLY or O_RDWR */
};

static inline struct fs_fh *fs_fh_of(const struct fuse_file_info *fi)
{
    return (struct fs_fh *)(uintptr_t)fi->fh;
}

struct fs_ofile;
struct fs_prefetch;

struct fs_objh {
    struct fs_fh fh;
    struct fs_ofile *of;    /* the inode's shared state; a counted reference (ofile.h) */
    char *version_id;       /* a past version (read-only), or NULL; fixed */
    int append;             /* opened with O_APPEND: every write lands at the current end */
    pthread_mutex_t lock;   /* guards pf and pf_key */
    struct fs_prefetch *pf; /* read-ahead of this handle's reader (prefetch.c) */
    char *pf_key;           /* the key pf reads; a rename of the open file replaces pf */
};

struct fs_ctlh {
    struct fs_fh fh;
    pthread_mutex_t lock;            /* guards every field below */
    char *bucket, *key, *version_id; /* the target, copied at open */
    struct fs_who who;               /* who opened it (permission and audit) */
    struct oss_buf content;          /* value read at open */
    struct oss_buf input;            /* bytes written so far */
    struct oss_buf applied;          /* canonical value this handle applied last */
    int wrote;                       /* a byte was written (or refused) */
    int truncated;                   /* 1 after O_TRUNC, 2 after ftruncate(0) */
    int finished;                    /* the closing apply or delete was done */
    int err;                         /* outcome of the last apply, reported by flush */
    enum ctl_parse state;
};

struct fs_localh {
    struct fs_fh fh; /* the content is the inode's (in->local, under ctx->lock) */
};

/* io.c: editor temporaries, in memory */
int fs_local_write(struct fs_ctx *ctx, struct fs_inode *in, const char *buf, size_t size,
                   off_t off);
int fs_local_truncate(struct fs_ctx *ctx, struct fs_inode *in, uint64_t size);

#endif
