/* Private declarations of the listing cache (dcache.c) and the ACL fetch-ahead store
 * (aclcache.c). Both are guarded as documented per function; neither is used outside src/fs.
 *
 * The listing cache holds, per directory (bucket, prefix), the entries the last listing
 * returned, in listing order, with a hash index by name. It answers lookups and stat without
 * a request while fresh: during the listing and for listing_timeout after its last page. It
 * is bounded: FS_DCACHE_MAX_ENTRIES entries over all directories (the least recently used
 * directories are dropped first); a directory with more entries keeps its first ones, and a
 * name beyond them is answered by listing one page from that name on, kept as the window (one
 * page for all directories), so `ls -l` of a huge directory costs about one request per 1000
 * names past the kept ones. Directory handles
 * stream their listing page by page and keep only the page being read (dir.c). */
#ifndef FS_DCACHE_H
#define FS_DCACHE_H

#include "inode.h"

#define FS_DCACHE_MAX_ENTRIES (128u * 1024)
#define FS_DCACHE_MAX_DIRS    512u
/* readdirplus creates inodes only while the table has fewer (about 20 MiB of them). */
#define FS_PLUS_MAX_INODES (64u * 1024)

/* listing.c: frees the entries a lister collected (after they were used). */
void fs_lister_clear(struct fs_lister *ls);
/* versions.c: every name of the directory at prefix with versions, deleted names (current
 * version a delete marker) included: ListObjectVersions with delimiter, 1000 a page. Sorted
 * by key; entries carry the newest version's mtime. */
int fs_list_version_names(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                          struct fs_listing **out);

struct fs_dstore;

/* All _locked functions expect ctx->lock held. */
/* Starts a new listing of (bucket, prefix), replacing what was kept; returns its generation
 * (0 when out of memory: the listing is then not kept). */
uint64_t fs_dcache_begin_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix);
/* Adds a page of listed entries (names are copied); nothing when gen was replaced. */
void fs_dcache_add_locked(struct fs_ctx *ctx, uint64_t gen, const struct fs_dirent *ents, size_t n);
/* Ends a listing: complete when its last page arrived (absent names then do not exist). */
void fs_dcache_end_locked(struct fs_ctx *ctx, uint64_t gen, int complete);
/* Looks name up in the fresh listing of (bucket, prefix): 1 found (*out borrows the name,
 * *idx its position), 0 known absent, -1 unknown (no fresh listing or not kept). */
int fs_dcache_find_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                          const char *name, struct fs_dirent *out, size_t *idx);
/* Whether the fresh listing of (bucket, prefix) was too long to keep whole (fs_list_window
 * then answers names past it a page at a time). */
int fs_dcache_capped_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix);
/* Keeps one page listed after the key `after` (up to key hi, or to the end when NULL) as the
 * window of a capped listing, replacing the previous window (one for all directories). */
void fs_dcache_window_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                             const char *after, const char *hi, const struct fs_dirent *ents,
                             size_t n);
/* listing.c: lists the page from name on (start-after the key of name without its last
 * byte) into the window; takes ctx->lock itself. 0 or a negative errno. */
int fs_list_window(struct fs_ctx *ctx, const char *bucket, const char *prefix, const char *name);
/* Whether a fresh listing of (bucket, prefix) shows the directory exists (it has entries, or
 * its listing is still running). */
int fs_dcache_nonempty_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix);
/* Forgets the listing of (bucket, prefix) after a change made through this mount. */
void fs_dcache_drop_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix);
/* A file of (bucket, prefix) that this mount stored, with its size and mtime: it
 * joins, or updates, the fresh and complete listing of the directory, which goes on answering
 * the directory's other names (so each further create there costs no lookup request). Any
 * other listing of the directory (still filling, incomplete, or holding the name as a
 * directory or symlink) is dropped instead. */
void fs_dcache_note_file_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                                const char *name, uint64_t size, time_t mtime);
/* Copies the keys of up to max files of the fresh listing of (bucket, prefix) from position
 * *from on into keys (malloc'ed full keys) and advances *from past them; returns how many. */
size_t fs_dcache_file_keys_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                                  size_t *from, size_t max, char **keys);
/* The ACL fetch-ahead positions kept with a fresh listing: NULL when there is none. */
struct fs_dcache_acl {
    size_t next;      /* files before this position were handed to the fetch-ahead */
    size_t last;      /* position of the last ACL read (SIZE_MAX: none) */
    double listed_at; /* the fetch-ahead of a .acl.d listing started */
};
struct fs_dcache_acl *fs_dcache_acl_locked(struct fs_ctx *ctx, const char *bucket,
                                           const char *prefix);
void fs_dcache_free(struct fs_ctx *ctx);
/* Number of inodes in the table (inode.c), to bound what readdirplus creates. */
size_t fs_inode_count_locked(struct fs_ctx *ctx);

/* ---- ACL fetch-ahead (aclcache.c) ----
 * Object ACL answers kept for FS_ACL_TTL seconds in a bounded store, fetched ahead by
 * acl_prefetch worker threads (started on first use). Thread-safe; never call with ctx->lock
 * held. */
#define FS_ACL_TTL 5.0
/* The ACL file content of t (current versions from the store or one GetObjectACL, past
 * versions always one request); same contract as the object ACL entry's get. */
int fs_acl_get(struct fs_ctx *ctx, const struct ctl_target *t, struct oss_buf *out,
               struct oss_error *err);
/* A write through the mount changed the ACL of bucket/key: the kept answer is dropped. */
void fs_acl_forget(struct fs_ctx *ctx, const char *bucket, const char *key);
/* A page of a .acl.d listing of (bucket, prefix) arrived: fetch ahead its first files. */
void fs_acl_listed(struct fs_ctx *ctx, const char *bucket, const char *prefix);
void fs_acl_stop(struct fs_ctx *ctx);

#endif
