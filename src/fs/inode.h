/* Inodes: the explicit inode table of the low-level FUSE API (lookup takes a reference,
 * forget drops it), the listings that fill their attributes, the attributes the kernel sees,
 * and the names the mount reserves. Every field of struct fs_inode, and every call named
 * _locked, is under ctx->lock; the other calls take it themselves. */
#ifndef FS_INODE_H
#define FS_INODE_H

#include <sys/stat.h>

#include "ctx.h"

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
    unsigned writers;       /* open write handles: while >0 attributes are authoritative */
    struct fs_ofile *of;    /* FS_K_FILE while open: the shared open-file state (ofile.h) */
    struct fs_pmeta *pmeta; /* posix_meta: the object's mode, owner and times (posix.h) */

    struct oss_buf local; /* FS_K_LOCAL content */

    struct fs_inode *next_ino, *next_name; /* hash chains */
};

/* One entry of a directory listing. */
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

/* Inode table; every call takes ctx->lock itself unless named _locked. */
struct fs_inode *fs_inode_get_locked(struct fs_ctx *ctx, fuse_ino_t ino);
struct fs_inode *fs_inode_child_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name);
/* Finds or creates the child (parent, name) of the given kind and takes one lookup reference.
 * bucket/key are copied. A child of another kind is replaced (unlinked from the name map). */
struct fs_inode *fs_inode_ref_child_locked(struct fs_ctx *ctx, struct fs_inode *parent,
                                           const char *name, enum fs_kind kind, const char *bucket,
                                           const char *key);
/* For mknod and symlink once the server holds the new object bucket/key: marks parent's listing
 * stale and takes a reference on the file inode name under it, with mtime and attributes fresh
 * for attr_timeout. NULL with *rc set when parent is gone (-ENOENT) or on -ENOMEM. */
struct fs_inode *fs_inode_new_file_locked(struct fs_ctx *ctx, fuse_ino_t parent, const char *name,
                                          const char *bucket, const char *key, time_t mtime,
                                          int *rc);
/* Drops n lookup references; frees the inode at zero (never the root). */
void fs_inode_forget_locked(struct fs_ctx *ctx, fuse_ino_t ino, uint64_t n);
/* Removes (parent, name) from the name map; the inode lives on until forgotten. */
void fs_inode_unlink_locked(struct fs_ctx *ctx, struct fs_inode *in);
/* Moves an inode to a new (parent, name), replacing the key; target name is unlinked first. */
void fs_inode_move_locked(struct fs_ctx *ctx, struct fs_inode *in, struct fs_inode *newparent,
                          const char *newname, const char *newkey);
struct fs_inode *fs_inode_root_new(struct fs_ctx *ctx);

/* Fetches the listing of dir (every page) into a fresh fs_listing (listing.c). */
int fs_list_dir(struct fs_ctx *ctx, const struct fs_inode *dir, struct fs_listing **out);

/* ---- attributes and helpers (attr.c) ---- */
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
/* The directory in was just made through this mount where nothing was: it starts with a
 * complete empty listing, so creates in it need no lookup request. */
void fs_dir_created_locked(struct fs_ctx *ctx, const struct fs_inode *in);
/* The file in was stored through this mount with its size: its directory's fresh listing
 * takes the entry rather than being dropped (fs_dcache_note_file_locked). */
void fs_file_noted_locked(struct fs_ctx *ctx, const struct fs_inode *in);

/* ---- names (names.c) ---- */
/* A bucket-root name that is a control file (and shadows any real object). */
const struct ctl_entry *fs_ctl_at(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name);
/* Names kept local (never uploaded) in a bucket root or .acl.d: editor temporaries. */
int fs_is_editor_temp(const char *name);
/* A name that readdir of dir must hide because a control file shadows it. */
int fs_is_reserved_in(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name);
int fs_valid_name(const char *name);
/* Whether a call may make the new name in this mount (create, mkdir, mknod, symlink, rename's
 * target): 0, or the negative errno to answer: -EROFS on a read-only mount, -ENAMETOOLONG for a
 * name past FS_KEY_MAX, -EINVAL for any other name that cannot be a key component. */
int fs_new_name_check(const struct fs_ctx *ctx, const char *name);
/* The same check, answering req with its errno; returns 1 when it answered, 0 when name is fine. */
int fs_reply_if_bad_new_name(fuse_req_t req, const struct fs_ctx *ctx, const char *name);
/* OSS keys end at 1023 bytes; a create, mkdir, symlink or rename past it is ENAMETOOLONG. */
#define FS_KEY_MAX 1023
/* Whether name under dir (as a directory: with its '/') would make a key past FS_KEY_MAX. */
int fs_key_too_long(const struct fs_inode *dir, const char *name, int as_dir);

#endif
