/* The mount context and its options, logging and the request's caller: what every file of the
 * daemon sees. The other private headers of src/fs build on this one:
 *
 *   ctx.h      options, the mount context, logging, who made a request (this file)
 *   inode.h    inodes, the inode table, listings, attributes, names
 *   ops.h      the FUSE low-level operations and the replies lookups share
 *   handle.h   file handles, one struct per kind; ctlfile.h the control files behind them
 *   ofile.h    the shared open-file state of objects, and the multipart uploader
 *   data.h     the data path below it: staging files, big buffers, read-ahead
 *   dcache.h, accesspoints.h, posix.h, xattr.h: one concern each
 *
 * Locking: ctx->lock guards the inode table, every field of struct fs_inode and the lists of
 * the context below; it is never held across a network request. Thread-safe as documented per
 * call: FUSE runs operations on several threads at once. */
#ifndef FS_CTX_H
#define FS_CTX_H

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
    int ro, noctl, noxattr, allow_other;
    int foreground, debug;
    int show_help, show_version;
    int uid_set, gid_set;
    unsigned uid, gid, umask;
    double attr_timeout;                     /* seconds, objects and directories */
    double connect_timeout, request_timeout; /* seconds; 0: the client's defaults */
    int retries;                             /* -1: the client's default */
    unsigned part_size_mb;                   /* streamed writes: multipart part size (MiB) */
    unsigned upload_concurrency;             /* streamed writes: parts in flight per handle */
    double listing_timeout;  /* seconds a listing answers lookups after its last page */
    unsigned acl_prefetch;   /* ACL fetch-ahead requests in flight; 0: off */
    unsigned read_ahead_kib; /* the mount's kernel read-ahead; 0: left as the kernel sets it */
    int posix_meta; /* modes, owners and times per object, in ossfs 1.x headers (posix.h) */
};

/* Parses argv into opts and leaves in args what libfuse must see (program name, -o options
 * for the kernel mount, -d). Prints its own error and returns -1 on bad usage. */
int fs_opts_parse(int argc, char **argv, struct fs_opts *opts, struct fuse_args *args);
void fs_opts_cleanup(struct fs_opts *opts);
void fs_opts_usage(const char *prog);

/* getxattr is asked twice by most tools (size 0 for the length, then the bytes): the value
 * fetched for the first call, kept for the second (xattr.c). Guarded by its own lock. */
struct fs_xattr_probe {
    pthread_mutex_t lock;
    fuse_ino_t ino;
    char name[256];
    struct oss_buf v;
    double at;
    int valid;
};

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
    int read_ahead_set; /* atomic: -o read_ahead was applied, or tried (readahead.c) */
    /* buckets of the account (account mode), for lookups */
    char **buckets;
    size_t nbuckets;
    double buckets_expires;
    /* listing cache and ACL fetch-ahead store (dcache.h) */
    struct fs_dstore *dstore;
    struct fs_aclstore *aclstore;
    struct fs_xattr_probe xprobe; /* xattr.c */
};

/* Monotonic seconds (attr.c), for every expiry of the daemon. */
double fs_now(void);
/* Whether the caller may change control files (mount owner or root). */
int fs_may_write_ctl(struct fs_ctx *ctx, fuse_req_t req);

/* Applies -o read_ahead once, after FUSE_INIT: the first open calls it (readahead.c). */
void fs_read_ahead_apply(struct fs_ctx *ctx);

/* ---- logging (log.c) ---- */
void fs_log(struct fs_ctx *ctx, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs an OSS failure: the call (operation, bucket, key, as the client recorded them), its
 * code, message, request id and EC. */
void fs_log_oss(struct fs_ctx *ctx, const struct oss_error *err);
/* Logs once per (bucket, name) that a real object is shadowed by a reserved name. */
void fs_log_shadowed(struct fs_ctx *ctx, const char *bucket, const char *key);
/* Audit old values: the last value read or written for a control file. */
char *fs_lastval_get(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t);
void fs_lastval_set(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t,
                    const char *value);
void fs_lastval_free_all(struct fs_lastval **list);

/* Who made a request (for permission checks and the audit log). */
struct fs_who {
    unsigned uid;
    int pid;
};
struct fs_who fs_who_of(fuse_req_t req);

#endif
