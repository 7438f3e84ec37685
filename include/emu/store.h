/* ossemu's persistent state: buckets and object metadata in SQLite (DIR/meta.db, WAL mode),
 * object bytes in files under DIR/objects named by random ids, uploads staged in DIR/tmp.
 *
 * Threads: every function is thread-safe; one mutex serializes access to the one SQLite
 * connection, so a lookup and the opening of the object's file (emu_store_object_open) see the
 * same state. Functions return 0 or a negative errno. Records handed out are copies the caller
 * owns (release with the matching _cleanup). */
#ifndef EMU_STORE_H
#define EMU_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct emu_store;

#define EMU_NAME_MAX 64 /* bucket names are at most 63 bytes */

struct emu_bucket {
    char name[EMU_NAME_MAX];
    char owner[EMU_NAME_MAX];  /* owning account id */
    char acl[24];              /* private | public-read | public-read-write */
    char access_monitor[16];   /* Enabled | Disabled */
    char region[EMU_NAME_MAX]; /* "cn-hangzhou" */
    char storage_class[24];    /* Standard | IA | Archive | ColdArchive | DeepColdArchive */
    time_t created;
};

struct emu_object {
    char *bucket;
    char *key;
    uint64_t size;
    char etag[72]; /* upper-case hex, without quotes ("HEX" or "HEX-N") */
    uint64_t crc64;
    time_t mtime;
    char type[16]; /* Normal | Multipart | Appendable | Symlink */
    char *content_type;
    char acl[24];           /* default | private | public-read | public-read-write */
    char *headers;          /* JSON object: stored response headers (x-oss-meta-*, Cache-Control,
                             * Content-Disposition, Content-Encoding, Expires); "{}" when none */
    char storage_class[24]; /* Standard, ... */
    char file[40];          /* id of the data file under DIR/objects */
};

/* Opens (creating if needed) the store under dir: DIR/meta.db, DIR/objects, DIR/tmp. Stale
 * files in DIR/tmp are removed. Returns 0 and *out, or -errno. */
int emu_store_open(const char *dir, struct emu_store **out);
void emu_store_close(struct emu_store *st);

/* ---- buckets ---- */

/* Creates bucket b. -EEXIST if a bucket of that name exists (whoever owns it). */
int emu_store_bucket_create(struct emu_store *st, const struct emu_bucket *b);
/* Fills *out; -ENOENT if there is no such bucket. */
int emu_store_bucket_get(struct emu_store *st, const char *name, struct emu_bucket *out);
/* Deletes an empty bucket and its settings. -ENOENT, or -ENOTEMPTY while objects remain. */
int emu_store_bucket_delete(struct emu_store *st, const char *name);
int emu_store_bucket_set_acl(struct emu_store *st, const char *name, const char *acl);
int emu_store_bucket_set_access_monitor(struct emu_store *st, const char *name, const char *status);
/* The buckets of owner (all buckets when owner is NULL) whose name starts with prefix and sorts
 * after marker (both may be NULL), in name order, at most max of them. *out is a malloc'ed
 * array of *n records (free() it); *truncated says whether more follow. */
int emu_store_bucket_list(struct emu_store *st, const char *owner, const char *prefix,
                          const char *marker, size_t max, struct emu_bucket **out, size_t *n,
                          int *truncated);

/* Named bucket settings (policy, cors, versioning, ...): an opaque text document per name.
 * get: *value is malloc'ed; -ENOENT when unset (or no such bucket). put replaces;
 * delete of an unset setting succeeds. */
int emu_store_setting_get(struct emu_store *st, const char *bucket, const char *name, char **value);
int emu_store_setting_put(struct emu_store *st, const char *bucket, const char *name,
                          const char *value);
int emu_store_setting_delete(struct emu_store *st, const char *bucket, const char *name);

/* ---- objects ---- */

void emu_object_cleanup(struct emu_object *o);

/* Creates an empty, uniquely named file under DIR/tmp, mode 0600. Writes its path to path
 * (size at least PATH_MAX is plenty) and returns the open fd (>= 0) or -errno. */
int emu_store_tmp_create(struct emu_store *st, char *path, size_t pathlen);

/* Looks up bucket/key into *out. -ENOENT if absent. */
int emu_store_object_get(struct emu_store *st, const char *bucket, const char *key,
                         struct emu_object *out);
/* Like emu_store_object_get and opens the object's data file read-only under the same lock,
 * so the pair is consistent even if the object is replaced right after. *fd is owned by the
 * caller. */
int emu_store_object_open(struct emu_store *st, const char *bucket, const char *key,
                          struct emu_object *out, int *fd);
/* Stores object o (o->bucket, o->key and the metadata fields; o->file is assigned here) with
 * the bytes of the file at data_path, which is rename()d into DIR/objects (it must be on the
 * same file system, e.g. made by emu_store_tmp_create). Replaces an existing object of that
 * key and removes its data file. With forbid_overwrite and an existing key: -EEXIST and
 * nothing changes (data_path is left in place). -ENOENT if the bucket does not exist. */
int emu_store_object_put(struct emu_store *st, struct emu_object *o, const char *data_path,
                         int forbid_overwrite);
/* Removes bucket/key and its data file. -ENOENT if it was absent. */
int emu_store_object_delete(struct emu_store *st, const char *bucket, const char *key);
/* Sets the ACL of an object. -ENOENT if absent. */
int emu_store_object_set_acl(struct emu_store *st, const char *bucket, const char *key,
                             const char *acl);
/* Number of objects in bucket (for DeleteBucket and statistics). */
int emu_store_object_count(struct emu_store *st, const char *bucket, uint64_t *count,
                           uint64_t *bytes);

/* ---- listing ---- */

/* One entry of a listing page: an object, or a common prefix (is_prefix, only obj.key set). */
struct emu_list_entry {
    int is_prefix;
    struct emu_object obj;
};

struct emu_list_result {
    struct emu_list_entry *entries; /* in byte order of key / prefix */
    size_t n;
    int truncated; /* more entries follow the last one */
};

/* Lists bucket: keys starting with prefix (NULL: ""), strictly after `after` in byte order
 * (NULL: from the start), keys sharing the part up to and including the first delimiter
 * (NULL or "": none) after the prefix are collapsed into one common prefix entry, and a common
 * prefix that sorts at or before `after` is not repeated. At most max entries (a common prefix
 * counts as one). To continue, pass the last entry's key or prefix as `after`. */
int emu_store_list(struct emu_store *st, const char *bucket, const char *prefix,
                   const char *delimiter, const char *after, size_t max,
                   struct emu_list_result *out);
void emu_list_result_cleanup(struct emu_list_result *r);

#endif
