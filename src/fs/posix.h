/* POSIX metadata per object (-o posix_meta), in the headers ossfs 1.x writes, so a bucket
 * written by ossfs shows the same modes, owners and times here and the other way round:
 *
 *   x-oss-meta-mode   st_mode in decimal, file type bits included ("33188" = S_IFREG|0644);
 *                     read with C base rules (a leading 0 is octal, 0x hex), as ossfs does
 *   x-oss-meta-uid    decimal (read with base rules too)
 *   x-oss-meta-gid    decimal
 *   x-oss-meta-mtime  seconds since the epoch, "1700000000" or with nanoseconds
 *   x-oss-meta-ctime  "1700000000.123456789" (nine digits after the point, only when the
 *   x-oss-meta-atime  nanoseconds are not 0); negative seconds are read as such
 *
 * Without posix_meta a mount keeps its mount-wide attributes; every upload still carries
 * x-oss-meta-mode and x-oss-meta-mtime, which cost nothing then. With it, chmod, chown and
 * utimensat rewrite the headers with one CopyObject onto the object (its ACL, tags, other
 * metadata, content type, storage class and encryption kept), stat shows them, and listings
 * fetch them ahead with HeadObject, many at a time (metafetch.c). */
#ifndef FS_POSIX_H
#define FS_POSIX_H

#include <sys/stat.h>
#include <time.h>

#include "inode.h"

enum {
    FS_PM_MODE = 1,
    FS_PM_UID = 2,
    FS_PM_GID = 4,
    FS_PM_MTIME = 8,
    FS_PM_CTIME = 16,
    FS_PM_ATIME = 32,
    FS_PM_HELD = 64, /* set while the content is not uploaded: the upload must carry them */
};

struct fs_pmeta {
    unsigned have; /* FS_PM_* */
    mode_t mode;
    uid_t uid;
    gid_t gid;
    struct timespec mtime, ctime, atime;
};

/* The POSIX metadata among the x-oss-meta-* of m (have says which were there). */
void fs_pmeta_parse(const struct oss_object_meta *m, struct fs_pmeta *pm);
/* Keeps a copy of pm on the inode (ctx->lock held); 0 or -ENOMEM. */
int fs_pmeta_store_locked(struct fs_inode *in, const struct fs_pmeta *pm);
/* With posix_meta: the stored mode, owner and times of a file over the mount-wide ones. */
void fs_pmeta_apply(const struct fs_ctx *ctx, const struct fs_inode *in, struct stat *st);

/* The x-oss-meta-* headers of an upload of in, as oss_put_opts: mode and mtime always, uid,
 * gid, ctime and atime too with posix_meta. The times are now, except a time set while the
 * content was not uploaded. What is sent becomes the inode's metadata. Takes ctx->lock. */
#define FS_PM_NHDR 6
struct fs_meta_hdrs {
    struct oss_meta_pair pairs[FS_PM_NHDR];
    char val[FS_PM_NHDR][40];
    size_t n;
    struct oss_put_opts opts;
};
void fs_meta_hdrs_for(struct fs_ctx *ctx, struct fs_inode *in, struct fs_meta_hdrs *h);
/* The options of h (pointers into h: call again after copying h). */
const struct oss_put_opts *fs_meta_hdrs_opts(struct fs_meta_hdrs *h);

/* setattr of mode, owner and times of a file with posix_meta: 0 or -errno. A file whose
 * content waits for its upload takes them along; otherwise one CopyObject (after HeadObject and
 * GetObjectACL) stores them. */
int fs_posix_setattr(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in,
                     const struct stat *attr, int to_set);
/* After a streamed upload that had started before a setattr: stores the metadata now. */
int fs_posix_after_upload(struct fs_ctx *ctx, struct fs_inode *in, const char *bucket,
                          const char *key);
/* The headers of a directory marker made by mkdir (mode and mtime always; with posix_meta the
 * caller's owner and the times too), and in pm what they say. */
void fs_posix_mkdir_hdrs(fuse_req_t req, struct fs_ctx *ctx, mode_t mode, struct fs_pmeta *pm,
                         struct fs_meta_hdrs *h);
/* mknod of a FIFO or a regular file with posix_meta: an empty object carrying the mode. */
void fs_posix_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
/* create with posix_meta: the new file's mode and owner, from the caller. ctx->lock held. */
void fs_posix_created_locked(fuse_req_t req, struct fs_inode *in, mode_t mode);

/* metafetch.c: the POSIX metadata of n objects of bucket, HeadObject many at a time (bounded).
 * ok[i] says whether out[i] was fetched. Returns 0 or -ENOMEM. */
int fs_metafetch(struct fs_ctx *ctx, const char *bucket, char *const *keys, size_t n,
                 struct fs_pmeta *out, unsigned char *ok);

#endif
