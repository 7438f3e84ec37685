/* Extended attributes of objects kept in OSS itself: tags and user metadata
 * (xattr_meta.c), for the getxattr family of xattr.c. */
#ifndef FS_XATTR_H
#define FS_XATTR_H

#include "ctx.h"

/* xattr_meta.c: user.oss.tagging and user.oss.meta.<name> of the object o (copied strings;
 * version_id NULL for the current version). Each returns 0 or -errno (-ENODATA when absent);
 * list appends the NUL-terminated names present (one HeadObject). */
struct fs_xobj {
    char *bucket, *key, *version_id;
};
int fs_xattr_is_meta(const char *name);
int fs_xattr_meta_get(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name,
                      struct oss_buf *out);
int fs_xattr_meta_set(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name,
                      const char *value, size_t size, int flags);
int fs_xattr_meta_remove(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name);
int fs_xattr_meta_list(struct fs_ctx *ctx, const struct fs_xobj *o, struct oss_buf *names);

#endif
