/* The access points of a bucket as directories (issue 9): BUCKET/.access-points/ lists them
 * (ListAccessPoints), mkdir and rmdir there create (CreateAccessPoint, reachable from the
 * internet) and delete them (DeleteAccessPoint), and each BUCKET/.access-points/NAME/ holds the
 * control files of ctl_access_point_entries() (.policy, .public-access-block, .info) with the
 * access point's name as their key. Inodes: FS_K_APDIR (key "") and FS_K_AP (key NAME), both
 * carrying the bucket. Used by lookup.c, dir.c and ns.c; thread-safe like the rest of src/fs. */
#ifndef FS_ACCESSPOINTS_H
#define FS_ACCESSPOINTS_H

#include "inode.h"

/* Whether name in directory p is the access points directory (a bucket root, control files
 * on). */
int fs_ap_is_dir(struct fs_ctx *ctx, const struct fs_inode *p, const char *name);
/* Resolves name in an FS_K_APDIR (one GetAccessPoint) or FS_K_AP directory and replies.
 * Expects ctx->lock held; releases it. */
void fs_ap_lookup(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name);
/* The entries of an FS_K_APDIR (the access points, as FS_K_AP) or an FS_K_AP (its files, as
 * FS_K_CTL), passed to add; 0 or a negative errno. Not under ctx->lock. */
typedef int (*fs_ap_add_fn)(void *arg, const char *name, enum fs_kind kind,
                            const struct ctl_entry *e);
int fs_ap_list(struct fs_ctx *ctx, const struct fs_inode *dir, fs_ap_add_fn add, void *arg);
/* mkdir and rmdir: 1 when parent is an access points directory (the request is answered),
 * 0 when it is not (nothing done). */
int fs_ap_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name);
int fs_ap_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);

#endif
