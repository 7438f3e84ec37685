/* The open-file state of an object: one per inode while any handle of it is open, shared by
 * all of them, so a file has one content, one size and one pending upload however many times
 * it is open (DESIGN 1.3, "one file, one truth").
 *
 * Where the content is, as one state value:
 *   CLEAN      the object on the server is the content (reads are ranged GETs)
 *   STREAMING  a lone sequential writer: bytes go into a multipart upload (upload.c)
 *   STAGED     a private staging file holds the content (stage_fd; -1 while the content is
 *              empty after O_TRUNC or create); dirty says whether the server lacks it
 *   FAILED     a streamed upload failed and its bytes are gone: err is reported by every
 *              write, flush and fsync of every handle until the last one closes
 * A second writer, a read of what is being streamed, a random write or a truncate moves a
 * streaming file to STAGED without losing a byte. The object is uploaded once, when the last
 * writer closes or on fsync, with everything every handle wrote; a file whose name was
 * unlinked (in->name == NULL) is never uploaded.
 *
 * Locking: of->lock guards every field below it and is held across network requests (they
 * are the file's own uploads and downloads, so they serialise only that file). Lock order:
 * of->lock, then ctx->lock; never take of->lock while holding ctx->lock. The inode's size,
 * mtime and writers count are mirrored under ctx->lock for getattr, lookups and listings. */
#ifndef FS_OFILE_H
#define FS_OFILE_H

#include "inode.h"

enum fs_wstate { FS_W_CLEAN, FS_W_STREAMING, FS_W_STAGED, FS_W_FAILED };

struct fs_ofile {
    /* under ctx->lock */
    struct fs_inode *in;          /* its inode; in->of points back while refs > 0 */
    unsigned refs;                /* handles plus short-lived holds (unlink, rename, truncate) */
    unsigned nwriters;            /* write handles */
    struct fs_ofile *next, *prev; /* ctx->ofiles */

    pthread_mutex_t lock; /* guards everything below */
    struct fs_ctx *ctx;
    char *bucket;
    enum fs_wstate state;
    int err;   /* FAILED: why; STAGED: the last upload failure, reported by flush/fsync */
    int dirty; /* the server does not hold the content: upload at the last writer's close */
    uint64_t size;
    int stage_fd;         /* STAGED: the content, or -1 while it is empty */
    struct fs_upload *up; /* STREAMING */
    int pm_late;          /* posix_meta changed after a streamed upload sent its headers */
};

/* Takes a reference on the open-file state of a FS_K_FILE inode, creating it (from the
 * inode's cached size) if the file was not open. writer counts a write handle. ctx->lock
 * held. NULL on ENOMEM. */
struct fs_ofile *fs_ofile_get_locked(struct fs_ctx *ctx, struct fs_inode *in, int writer);
/* A short-lived reference on the open-file state of (parent, name), or NULL when that file is
 * not open; dropped with fs_ofile_put(of, 0). Takes ctx->lock itself. */
struct fs_ofile *fs_ofile_hold_child(struct fs_ctx *ctx, fuse_ino_t parent, const char *name);
/* Drops a reference taken by fs_ofile_get_locked (writer as given there). At the last
 * writer, a dirty content is uploaded (best effort: a failure is logged, flush and fsync
 * reported it before); at the last reference everything is freed, an unfinished multipart
 * upload aborted. Takes of->lock and ctx->lock itself. */
void fs_ofile_put(struct fs_ofile *of, int writer);

/* The calls below expect of->lock held. */

/* O_TRUNC at open, ftruncate and truncate(2): the shared content becomes size bytes. */
int fs_ofile_truncate(struct fs_ofile *of, uint64_t size);
/* Writes size bytes at off (at the current end when append); returns 0 or -errno. */
int fs_ofile_write(struct fs_ofile *of, const char *buf, size_t size, off_t off, int append);
/* Whether reads must come from the staging file (1) or may go to the object (0); a streaming
 * file is moved to its staging file first. Returns -errno on failure. */
int fs_ofile_read_local(struct fs_ofile *of);
/* Reads from the staging file (fs_ofile_read_local said 1) into buf; returns bytes or -errno. */
ssize_t fs_ofile_pread(struct fs_ofile *of, char *buf, size_t size, off_t off);
/* Uploads a dirty content to the inode's current key (nothing when unlinked); 0 or -errno. */
int fs_ofile_commit(struct fs_ofile *of);
/* Before the name goes away (unlink, or replaced by a rename) while handles are open: makes
 * the content local, so they keep reading and writing it. */
int fs_ofile_detach(struct fs_ofile *of);
/* Whether the content is still the empty one of a create or O_TRUNC, never written. */
int fs_ofile_fresh_empty(const struct fs_ofile *of);

/* Whether a file under prefix of bucket is open for writing through this mount (rmdir keeps
 * such a directory). ctx->lock held. */
int fs_ofile_busy_under_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix);
/* Calls fn for each file of directory dir open for writing (a new file that `ls` must show
 * before its first upload). ctx->lock held. */
void fs_ofile_each_writing_in_locked(struct fs_ctx *ctx, fuse_ino_t dir,
                                     void (*fn)(void *arg, const struct fs_inode *in), void *arg);

/* upload.c: a multipart upload fed in order. Parts go out on their own threads, at most
 * upload_concurrency at a time; memory stays at (concurrency + 1) part buffers. */
struct fs_upload *fs_upload_new(struct fs_ctx *ctx, const char *bucket, const char *key);
/* Where the upload gets the x-oss-meta-* headers of the object (posix.h), asked for when the
 * request that creates the object goes out (InitiateMultipartUpload or PutObject). */
struct fs_meta_hdrs;
typedef void (*fs_upload_hdrs_fn)(void *arg, struct fs_meta_hdrs *h);
void fs_upload_set_hdrs(struct fs_upload *up, fs_upload_hdrs_fn fn, void *arg);
/* Uploads size bytes of fd (from offset 0) through up, parts in parallel, and ends it as
 * fs_upload_end does (up is freed either way). */
int fs_upload_fd(struct fs_upload *up, int fd, uint64_t size, struct oss_object_meta *m);
/* Appends bytes; returns 0 or the first failure (the upload can then only be abandoned). */
int fs_upload_append(struct fs_upload *up, const char *buf, size_t size);
uint64_t fs_upload_total(const struct fs_upload *up);
const char *fs_upload_key(const struct fs_upload *up);
/* Moves an upload that has not started (no part left) to another key. */
int fs_upload_rekey(struct fs_upload *up, const char *key);
/* Whether any part left (the bytes are no longer all in memory). */
int fs_upload_started(struct fs_upload *up);
/* Writes what is buffered (nothing was sent yet) to fd at offset 0; 0 or -errno. */
int fs_upload_spill(const struct fs_upload *up, int fd);
/* Sends what is buffered and completes (one PutObject when no part went out); aborts on
 * failure. Frees up either way; m (may be NULL) receives the result. 0 or -errno. */
int fs_upload_end(struct fs_upload *up, struct oss_object_meta *m);
/* Waits for the parts, aborts the multipart upload and frees up. */
void fs_upload_abort(struct fs_upload *up);

#endif
