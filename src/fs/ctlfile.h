/* Control files (DESIGN 1.1): their handles, and the calls that change a setting by name
 * (unlink, rename of an editor's temporary onto a control file, truncate by path). */
#ifndef FS_CTLFILE_H
#define FS_CTLFILE_H

#include "handle.h"

/* ctlfile.c: control files by name, for ns.c, rename.c and setattr.c */
/* Deletes the setting behind a control inode (unlink, or a write handle closed empty). */
int fs_ctl_delete(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in);
/* Applies bytes as the new value of a control inode (rename of a temporary onto it). */
int fs_ctl_apply(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, const char *data,
                 size_t len);
/* Fills a target for a control inode; the strings are borrowed from the inode. */
void fs_ctl_target(const struct fs_inode *in, struct ctl_target *t);
/* Whether files created in dir under name stay local (editor temporaries). */
int fs_create_is_local(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name);

/* ctlfile.c: control file handles. open may spend one GET (not under ctx->lock). */
int fs_ctl_open(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, struct fuse_file_info *fi,
                struct fs_ctlh **out);
int fs_ctl_write(struct fs_ctx *ctx, struct fs_ctlh *h, const char *buf, size_t size, off_t off);
int fs_ctl_flush(struct fs_ctx *ctx, struct fs_ctlh *h);
int fs_ctl_fsync(struct fs_ctlh *h);
/* At release: a truncated write handle that never got a byte deletes the setting; frees h. */
void fs_ctl_release(struct fs_ctx *ctx, struct fs_ctlh *h);
/* ftruncate(0) of an open control file. */
void fs_ctl_truncate(struct fs_ctlh *h);
/* Reads from the value fetched at open. */
void fs_ctl_read(fuse_req_t req, struct fs_ctlh *h, size_t size, off_t off);

#endif
