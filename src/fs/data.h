/* The data path under the open-file state: the mount's private staging directory and its
 * files, multipart uploads of a staging file, big buffers from mmap, and the read-ahead of
 * sequential readers (stage.c, upload.c, bigmem.c, prefetch.c). */
#ifndef FS_DATA_H
#define FS_DATA_H

#include "ctx.h"

/* stage.c: the mount's private staging directory, and one new unlinked read-write staging
 * file in it (a descriptor, or -errno). */
int fs_stage_open(struct fs_ctx *ctx);
/* bigmem.c: part and read-ahead buffers straight from mmap (NULL on failure). */
void *fs_big_alloc(size_t n);
void fs_big_free(void *p, size_t n);
/* prefetch.c: reads of an object through concurrent ranged GETs ahead of a sequential
 * reader. The caller serialises calls on one prefetcher. read fills iov (FS_PREFETCH_IOV
 * entries) with up to size bytes of an object of osize bytes, pointing into the
 * prefetcher's buffers, valid until fs_prefetch_done or the next read. */
#define FS_PREFETCH_IOV 16
struct fs_prefetch *fs_prefetch_new(struct fs_ctx *ctx, const char *bucket, const char *key,
                                    const char *version_id);
int fs_prefetch_read(struct fs_prefetch *pf, uint64_t osize, size_t size, off_t off,
                     struct iovec *iov, int *niov);
/* After the reply to a read at off: frees what lies wholly before it. */
void fs_prefetch_done(struct fs_prefetch *pf, off_t off);
void fs_prefetch_free(struct fs_prefetch *pf);
int fs_stage_dir_create(struct fs_ctx *ctx);
void fs_stage_dir_remove(struct fs_ctx *ctx);

#endif
