/* The FUSE low-level operations, one file per concern (main.c puts them in the table it
 * hands libfuse), and the entry replies that the lookups of several files share. Every
 * operation replies to its request exactly once. */
#ifndef FS_OPS_H
#define FS_OPS_H

#include "inode.h"

/* ---- low-level operations, one file per concern ---- */
/* lookup.c */
void fs_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fs_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void fs_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_op_statfs(fuse_req_t req, fuse_ino_t ino);
/* Negative and positive entry replies shared by the lookups of lookup.c and versions.c;
 * fs_reply_child_locked takes a reference on (p, name) and releases ctx->lock. have_attrs:
 * 0 none, 1 size and mtime of an object, 2 the same of a symlink. */
void fs_reply_negative(fuse_req_t req, struct fs_ctx *ctx);
void fs_reply_child_locked(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name,
                           enum fs_kind kind, const char *key, int have_attrs, uint64_t size,
                           time_t mtime);
/* versions.c: lookups inside .versions trees (ctx->lock held; released). */
void fs_lookup_version(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name);
/* versions.c: the versions of key (delete markers left out), newest first, named by version
 * id; the listing is not sorted by name. */
int fs_list_versions(struct fs_ctx *ctx, const char *bucket, const char *key,
                     struct fs_listing **out);
/* symlink.c: symlink(2) as PutSymlink, readlink(2) as GetSymlink. */
void fs_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void fs_op_readlink(fuse_req_t req, fuse_ino_t ino);
/* symlink.c: the length of what readlink returns for the link at key (one GetSymlink), for
 * a lookup that found a Symlink object: 2 (probe_name's "symlink") or a negative errno. */
int fs_link_probe(struct fs_ctx *ctx, const char *bucket, const char *key, uint64_t *size);
/* dir.c */
void fs_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi);
void fs_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi);
void fs_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
/* file.c (open, create, flush, release), io.c (read, write), setattr.c; control files are
 * handed on to ctlfile.c */
void fs_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void fs_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                  struct fuse_file_info *fi);
void fs_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void fs_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                 struct fuse_file_info *fi);
void fs_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void fs_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                   struct fuse_file_info *fi);
/* ns.c */
void fs_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void fs_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                  const char *newname, unsigned int flags);
/* xattr.c */
void fs_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void fs_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                    size_t size, int flags);
void fs_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void fs_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);
#endif
