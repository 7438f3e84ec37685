/* The osspermfs daemon's shared types: the mount context, the inode table and the declarations
 * that the files of src/fs implement for each other. Nothing here is used outside src/fs.
 *
 * Locking: the inode table and every field of struct fs_inode are guarded by ctx->lock, which
 * is never held across a network request. A file handle is used by one request at a time for
 * writes (the kernel serialises them per handle); its own mutex guards read-ahead state. */
#ifndef FS_FS_H
#define FS_FS_H

#define FUSE_USE_VERSION 35

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "ctl/ctl.h"
#include "oss/buf.h"
#include "oss/client.h"
#include "oss/credentials.h"
#include "oss/error.h"

/* ---- options (opts.c) ---- */
struct fs_opts {
    char *bucket; /* NULL: account mode */
    char *prefix; /* "" or "dir/sub/" (always ends in '/' when not empty) */
    char *mountpoint;
    char *url;
    char *region;
    char *passwd_file;
    char *credential_process; /* command printing JSON credentials (no shell) */
    char *ram_role;           /* ECS RAM role name, or "auto" */
    char *ram_role_url;       /* metadata service base URL (tests); NULL: 100.100.100.200 */
    char *audit_log;
    char *cafile, *proxy; /* -o cafile=, -o proxy= (src/oss/http.h) */
    int sigv1, path_style, insecure;
    int content_md5; /* uploads carry Content-MD5 too (CRC64 is always checked) */
    int ro, noctl, allow_other;
    int foreground, debug;
    int show_help, show_version;
    int uid_set, gid_set;
    unsigned uid, gid, umask;
    double attr_timeout;                     /* seconds, objects and directories */
    double connect_timeout, request_timeout; /* seconds; 0: the client's defaults */
    int retries;                             /* -1: the client's default */
    unsigned part_size_mb;                   /* streamed writes: multipart part size (MiB) */
    unsigned upload_concurrency;             /* streamed writes: parts in flight per handle */
    double listing_timeout; /* seconds a listing answers lookups after its last page */
    unsigned acl_prefetch;  /* ACL fetch-ahead requests in flight; 0: off */
    int posix_meta; /* modes, owners and times per object, in ossfs 1.x headers (posix.h) */
};

/* Parses argv into opts and leaves in args what libfuse must see (program name, -o options
 * for the kernel mount, -d). Prints its own error and returns -1 on bad usage. */
int fs_opts_parse(int argc, char **argv, struct fs_opts *opts, struct fuse_args *args);
void fs_opts_cleanup(struct fs_opts *opts);
void fs_opts_usage(const char *prog);

/* ---- inodes (inode.c) ---- */
enum fs_kind {
    FS_K_ACCOUNT,  /* account-mode root: one directory per bucket */
    FS_K_DIR,      /* a bucket root or a key prefix; key is "" or ends in '/' */
    FS_K_FILE,     /* an object; key is its full key */
    FS_K_CTL,      /* a bucket control file (entry) */
    FS_K_ACLD,     /* <dir>/.acl.d; key is the prefix of <dir> */
    FS_K_OBJACL,   /* <dir>/.acl.d/<name>; key is the object key */
    FS_K_VERSIONS, /* <dir>/.versions; key is the prefix of <dir> (read-only) */
    FS_K_VERDIR,   /* <dir>/.versions/<name>; key is the object key (read-only) */
    FS_K_VERACLD,  /* <dir>/.versions/<name>/.acl.d; key is the object key */
    FS_K_LOCAL,    /* an editor temporary beside control files, kept in memory (ctlfile.c) */
    FS_K_APDIR,    /* <bucket>/.access-points (src/fs/accesspoints.h) */
    FS_K_AP,       /* <bucket>/.access-points/<ap>; key is the access point name */
};

struct fs_inode {
    fuse_ino_t ino;
    fuse_ino_t parent;
    char *name; /* name within parent; NULL once unlinked */
    enum fs_kind kind;
    char *bucket; /* NULL for the account root */
    char *key;
    char *version_id;              /* a past version (FS_K_FILE, FS_K_OBJACL) or NULL */
    const struct ctl_entry *entry; /* FS_K_CTL and FS_K_OBJACL */
    uint64_t nlookup;
    int is_bucket_root; /* FS_K_DIR at the top of a bucket: control files live here */
    int is_link;        /* FS_K_FILE that is an OSS Symlink object (S_IFLNK) */

    /* cached attributes: valid until attr_expires (monotonic seconds) */
    uint64_t size;
    time_t mtime;
    double attr_expires;
    unsigned writers; /* open write handles: while >0 attributes are authoritative */
    struct fs_ofile *of; /* FS_K_FILE while open: the shared open-file state (ofile.h) */
    struct fs_pmeta *pmeta; /* posix_meta: the object's mode, owner and times (posix.h) */

    struct oss_buf local; /* FS_K_LOCAL content */

    struct fs_inode *next_ino, *next_name; /* hash chains */
};

/* One entry of a directory listing. */
struct fs_ctx;

struct fs_dirent {
    char *name;
    int is_dir;
    uint64_t size;
    time_t mtime;
    int is_link; /* an object of Type Symlink */
};

struct fs_listing {
    struct fs_dirent *ents; /* sorted by name */
    size_t n;
    double expires;
};
void fs_listing_free(struct fs_listing *l);
/* Binary search of a sorted listing; NULL when absent. */
const struct fs_dirent *fs_listing_find(const struct fs_listing *l, const char *name);

/* A directory listing fetched one ListObjectsV2 page at a time (listing.c). */
struct fs_lister {
    char *bucket, *prefix, *token;
    int done;
    struct fs_dirent *v; /* as the pages came, unsorted */
    size_t n, cap;
};
int fs_lister_init(struct fs_lister *ls, const char *bucket, const char *prefix);
/* Fetches the next page and appends its entries; sets done after the last one. */
int fs_lister_next(struct fs_ctx *ctx, struct fs_lister *ls);
/* Moves every entry into a new sorted, de-duplicated listing; the lister is left empty. */
int fs_lister_finish(struct fs_ctx *ctx, struct fs_lister *ls, struct fs_listing **out);
void fs_lister_cleanup(struct fs_lister *ls);

struct fs_table;
struct fs_table *fs_table_new(void);
void fs_table_free(struct fs_table *t);

/* ---- the mount context ---- */
struct fs_ctx {
    struct fs_opts opts;
    struct oss_client *client;
    struct ctl_audit *audit;
    struct fs_table *table;
    pthread_mutex_t lock;
    uid_t owner; /* the user who mounted: may write control files, as may root */
    time_t mount_time;
    char stage_dir[256]; /* private staging directory (mode 0700) */
    /* The refreshable credential source (credential_process= or ram_role=), the expiry of
     * the first credentials, and the thread that refreshes them (started after daemonizing). */
    struct oss_cred_source cred_src;
    time_t cred_expires;
    struct oss_cred_refresher *cred_refresher;
    /* last value this mount read or wrote per control file, for audit old values */
    struct fs_lastval *lastvals;
    /* real objects shadowed by reserved names, logged once each */
    struct fs_lastval *shadowed;
    /* open files, for rmdir and listings (ofile.c) */
    struct fs_ofile *ofiles;
    /* the mount point as an absolute path (flush looks for other descriptors of a file) */
    char *mount_abs;
    /* buckets of the account (account mode), for lookups */
    char **buckets;
    size_t nbuckets;
    double buckets_expires;
    /* listing cache and ACL fetch-ahead store (dcache.h) */
    struct fs_dstore *dstore;
    struct fs_aclstore *aclstore;
};

/* Inode table; every call takes ctx->lock itself unless named _locked. */
struct fs_inode *fs_inode_get_locked(struct fs_ctx *ctx, fuse_ino_t ino);
struct fs_inode *fs_inode_child_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name);
/* Finds or creates the child (parent, name) of the given kind and takes one lookup reference.
 * bucket/key are copied. A child of another kind is replaced (unlinked from the name map). */
struct fs_inode *fs_inode_ref_child_locked(struct fs_ctx *ctx, struct fs_inode *parent,
                                           const char *name, enum fs_kind kind, const char *bucket,
                                           const char *key);
/* Drops n lookup references; frees the inode at zero (never the root). */
void fs_inode_forget_locked(struct fs_ctx *ctx, fuse_ino_t ino, uint64_t n);
/* Removes (parent, name) from the name map; the inode lives on until forgotten. */
void fs_inode_unlink_locked(struct fs_ctx *ctx, struct fs_inode *in);
/* Moves an inode to a new (parent, name), replacing the key; target name is unlinked first. */
void fs_inode_move_locked(struct fs_ctx *ctx, struct fs_inode *in, struct fs_inode *newparent,
                          const char *newname, const char *newkey);
struct fs_inode *fs_inode_root_new(struct fs_ctx *ctx);

/* ---- attributes and helpers (attr.c) ---- */
double fs_now(void);
void fs_fill_stat(struct fs_ctx *ctx, const struct fs_inode *in, struct stat *st);
/* Replies to a lookup-like request with the inode (reference already taken). */
void fs_reply_entry(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in);
void fs_make_entry(struct fs_ctx *ctx, const struct fs_inode *in, struct fuse_entry_param *e);
/* Timeouts of an inode kind: control files 0, everything else attr_timeout. */
double fs_timeout(const struct fs_ctx *ctx, const struct fs_inode *in);
int fs_is_ctl_kind(enum fs_kind k);
int fs_is_dir_kind(enum fs_kind k);
/* The key of child name under directory prefix (as_dir appends '/'); malloc'ed. */
char *fs_child_key(const char *prefix, const char *name, int as_dir);
/* Marks the listing of a directory stale after a change made through this mount. */
void fs_dir_changed_locked(struct fs_ctx *ctx, fuse_ino_t dir);
/* Whether the caller may change control files (mount owner or root). */
int fs_may_write_ctl(struct fs_ctx *ctx, fuse_req_t req);

/* ---- logging (log.c) ---- */
void fs_log(struct fs_ctx *ctx, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs an OSS failure with its code, message and request id. */
void fs_log_oss(struct fs_ctx *ctx, const char *op, const char *bucket, const char *key,
                const struct oss_error *err);
/* Logs once per (bucket, name) that a real object is shadowed by a reserved name. */
void fs_log_shadowed(struct fs_ctx *ctx, const char *bucket, const char *key);
/* Audit old values: the last value read or written for a control file. */
char *fs_lastval_get(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t);
void fs_lastval_set(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t,
                    const char *value);
void fs_lastval_free_all(struct fs_lastval **list);

/* ---- names (names.c) ---- */
/* A bucket-root name that is a control file (and shadows any real object). */
const struct ctl_entry *fs_ctl_at(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name);
/* Names kept local (never uploaded) in a bucket root or .acl.d: editor temporaries. */
int fs_is_editor_temp(const char *name);
/* A name that readdir of dir must hide because a control file shadows it. */
int fs_is_reserved_in(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name);
int fs_valid_name(const char *name);
/* OSS keys end at 1023 bytes; a create, mkdir, symlink or rename past it is ENAMETOOLONG. */
#define FS_KEY_MAX 1023
/* Whether name under dir (as a directory: with its '/') would make a key past FS_KEY_MAX. */
int fs_key_too_long(const struct fs_inode *dir, const char *name, int as_dir);

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
/* Fetches the listing of dir (every page) into a fresh fs_listing (listing.c). */
int fs_list_dir(struct fs_ctx *ctx, const struct fs_inode *dir, struct fs_listing **out);
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

/* ---- files ---- */
/* Who made a request (for permission checks and the audit log). */
struct fs_who {
    unsigned uid;
    int pid;
};
struct fs_who fs_who_of(fuse_req_t req);

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

/* stage.c: the mount's private staging directory, and one new unlinked read-write staging
 * file in it (a descriptor, or -errno). */
int fs_stage_open(struct fs_ctx *ctx);
/* upload.c: uploads size bytes of fd (from offset 0) as a multipart upload with parallel
 * parts, aborted on failure; m (may be NULL) receives the result. Returns 0 or -errno. */
int fs_upload_from_fd(struct fs_ctx *ctx, const char *bucket, const char *key, int fd,
                      uint64_t size, struct oss_object_meta *m);
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
