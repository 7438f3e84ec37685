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
    /* Versioning (store_version.c). version_id: the version's id when the bucket's versioning
     * was ever configured ("null" for versions written while unversioned or Suspended), ""
     * otherwise; put fills it in for the stored version. delete_marker: the record is a delete
     * marker (no data file). is_latest: it is the key's current version (version reads and
     * listings only). */
    char version_id[72];
    int delete_marker;
    int is_latest;
};

/* Opens (creating if needed) the store under dir: DIR/meta.db, DIR/objects, DIR/tmp. Stale
 * files in DIR/tmp are removed. Returns 0 and *out, or -errno. */
int emu_store_open(const char *dir, struct emu_store **out);
void emu_store_close(struct emu_store *st);

/* The configuration lock: held around a check of one bucket setting against another and the
 * write that depends on it (PutBucketLifecycle and PutBucketAccessMonitor), so the pair is
 * atomic. Taken before, never inside, any other store call. */
void emu_store_config_lock(struct emu_store *st);
void emu_store_config_unlock(struct emu_store *st);

/* ---- buckets ---- */

/* Creates bucket b. -EEXIST if a bucket of that name exists (whoever owns it). */
int emu_store_bucket_create(struct emu_store *st, const struct emu_bucket *b);
/* The same, refused with -EDQUOT when b->owner already has max_per_owner buckets (0: no
 * limit); the count and the insert are one step, so concurrent creates cannot exceed it. */
int emu_store_bucket_create_within(struct emu_store *st, const struct emu_bucket *b,
                                   unsigned max_per_owner);
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

/* ---- versioning (store_version.c) ----
 * A bucket whose versioning was ever configured keeps every version: the current version, if
 * it is not a delete marker, is the row the plain object functions above see (listings show
 * only those); the others are kept aside. While versioning is configured, emu_store_object_put
 * keeps the replaced version (Enabled: the new one gets a fresh id; Suspended: it gets id
 * "null" and replaces the previous "null" version) and ignores forbid_overwrite, and
 * emu_store_object_delete adds a delete marker instead of removing data. */

/* The bucket's versioning status into out: "Enabled", "Suspended", or "" when never
 * configured. -ENOENT if there is no such bucket. */
int emu_store_versioning_get(struct emu_store *st, const char *bucket, char out[16]);
/* Sets status ("Enabled" or "Suspended"; -EINVAL otherwise). -ENOENT if no such bucket. */
int emu_store_versioning_set(struct emu_store *st, const char *bucket, const char *status);

/* Looks up one version of bucket/key: version_id NULL means the latest version, which may be a
 * delete marker (then out->delete_marker is set). With fd non-NULL the data file is opened
 * under the same lock (*fd = -1 for a delete marker). -ENOENT when there is no such version
 * (or no version at all). out->version_id and out->is_latest are filled. */
int emu_store_version_open(struct emu_store *st, const char *bucket, const char *key,
                           const char *version_id, struct emu_object *out, int *fd);
/* Sets the ACL of one version (NULL: the current one). -ENOENT when absent, -EISDIR when it is
 * a delete marker. */
int emu_store_version_set_acl(struct emu_store *st, const char *bucket, const char *key,
                              const char *version_id, const char *acl);
/* Replaces the stored headers JSON (object tags live there) of one version (NULL: the current
 * one), leaving data, ETag and Last-Modified alone. -ENOENT when absent, -EISDIR when it is a
 * delete marker. */
int emu_store_version_set_headers(struct emu_store *st, const char *bucket, const char *key,
                                  const char *version_id, const char *headers);

/* What a delete did: the version id it created or removed ("" on an unversioned bucket) and
 * whether that version is a delete marker. */
struct emu_delete_info {
    char version_id[72];
    int delete_marker;
};
/* Deletes bucket/key. version_id NULL: like emu_store_object_delete (a delete marker on a
 * versioned bucket, reported in *info). With a version id: removes that version for good (a
 * delete marker or data), and the next newest version becomes current; an unknown version id
 * is not an error (info->version_id echoes it). info may be NULL. Returns 0, -ENOENT (only for
 * the unversioned case with no such key) or another -errno. */
int emu_store_object_delete_version(struct emu_store *st, const char *bucket, const char *key,
                                    const char *version_id, struct emu_delete_info *info);

/* Lists all versions and delete markers of bucket: keys in byte order, each key's versions
 * newest first, with prefix/delimiter as emu_store_list. Starts after key_marker (all its
 * versions), or, with version_id_marker too, after that version of key_marker. At most max
 * entries (versions, delete markers and common prefixes count one each); obj.version_id,
 * obj.delete_marker and obj.is_latest are filled. */
int emu_store_list_versions(struct emu_store *st, const char *bucket, const char *prefix,
                            const char *delimiter, const char *key_marker,
                            const char *version_id_marker, size_t max, struct emu_list_result *out);
/* Number of versions (all of them, delete markers included) kept for bucket. */
int emu_store_version_count(struct emu_store *st, const char *bucket, uint64_t *count);

/* ---- multipart uploads (store_multipart*.c): uploads in SQLite, part bytes under DIR/parts
 * (each in a file of its own, or in its slot of the upload's assembly file); both survive
 * restarts. ---- */

struct emu_upload {
    char upload_id[40]; /* 32 upper-case hex characters, assigned by emu_store_upload_create */
    char *bucket;
    char *key;
    time_t initiated;
    char *content_type;
    char acl[24];
    char *headers; /* JSON object text, as emu_object.headers */
    char storage_class[24];
};
void emu_upload_cleanup(struct emu_upload *u);

struct emu_part {
    unsigned part_number;
    uint64_t size;
    char etag[40]; /* upper-case hex MD5, unquoted */
    uint64_t crc64;
    time_t mtime;
    char file[40];   /* name of the file under DIR/parts that holds the bytes */
    uint64_t offset; /* where they start in it: 0 for a file of its own, the slot's offset in
                      * the upload's assembly file */
};

/* Records a new upload (u->bucket, u->key and attributes); fills u->upload_id. -ENOENT if the
 * bucket does not exist. */
int emu_store_upload_create(struct emu_store *st, struct emu_upload *u);
/* Loads upload_id of bucket into *out (caller cleans up). -ENOENT if absent. */
int emu_store_upload_get(struct emu_store *st, const char *bucket, const char *upload_id,
                         struct emu_upload *out);
/* Stores part p of upload_id with the bytes of the file at data_path (renamed into DIR/parts,
 * same file system as DIR/tmp), replacing a previous part of that number. p->file is
 * assigned. -ENOENT if the upload no longer exists (data_path is left in place). */
int emu_store_part_put(struct emu_store *st, const char *upload_id, struct emu_part *p,
                       const char *data_path);
/* Parts of upload_id numbered above after, ascending, at most max (*out malloc'ed array of *n;
 * free() it); *truncated when more follow. */
int emu_store_part_list(struct emu_store *st, const char *upload_id, unsigned after, size_t max,
                        struct emu_part **out, size_t *n, int *truncated);
/* Opens the data file of a part listed by emu_store_part_list (read-only), positioned at the
 * part's first byte. fd or -errno. */
int emu_store_part_open(struct emu_store *st, const struct emu_part *p);
/* Removes the upload and its part files. -ENOENT if absent. */
int emu_store_upload_abort(struct emu_store *st, const char *bucket, const char *upload_id);
/* The lock of one upload: emu_store_part_put, emu_store_upload_abort, emu_store_slot_claim and
 * emu_store_slot_commit take it, and CompleteMultipartUpload holds it from listing the parts to
 * emu_store_upload_complete, so a concurrent re-upload or abort of the same upload waits
 * instead of removing the part files being read, and no slot is claimed while the assembly
 * file becomes the object's. Taken before, never inside, any other store call but
 * emu_store_part_list, emu_store_part_open, emu_store_upload_get, emu_store_upload_assembled
 * and emu_store_upload_complete. */
void emu_store_upload_lock(struct emu_store *st, const char *upload_id);
void emu_store_upload_unlock(struct emu_store *st, const char *upload_id);
/* Completes upload_id: stores o like emu_store_object_put (versioning and forbid_overwrite
 * included) and removes the upload and its parts, in one step. -ENOENT if the upload is gone
 * (or the bucket), -EEXIST for forbid_overwrite. */
int emu_store_upload_complete(struct emu_store *st, const char *upload_id, struct emu_object *o,
                              const char *data_path, int forbid_overwrite);

/* Parts written in place (store_multipart_slot.c). The first claim on an upload fixes its
 * stride S; part N then has a slot at offset (N-1)*S of the upload's assembly file, so parts
 * 1..n of S bytes (the last of at most S) are already the object when the upload completes.
 * A claim is for one writer: it is refused (-EBUSY, the part then goes to a file of its own
 * through emu_store_part_put) when size is 0 or over S, when the slot lies beyond 1 TiB, when
 * another writer holds it, or when the slot holds a committed part. */
struct emu_part_slot {
    char upload_id[40];
    unsigned part_number;
    uint64_t offset; /* of the slot in the assembly file */
    uint64_t room;   /* the upload's stride: the most bytes the slot holds */
    int fd;          /* the assembly file, open for writing; owned by the slot */
};
/* Claims the slot of part_number of upload_id for a part of size bytes. 0 with *out (release
 * it with emu_store_slot_release), -EBUSY (see above), -ENOENT if the upload is gone, or
 * another negative errno. Takes the upload's lock. */
int emu_store_slot_claim(struct emu_store *st, const char *upload_id, unsigned part_number,
                         uint64_t size, struct emu_part_slot **out);
/* Records part p (p->size bytes already written at slot->offset) as slot's part, replacing a
 * previous part of that number; p->file and p->offset are assigned. -ENOENT if the upload is
 * gone, -EINVAL if p does not fit the slot. */
int emu_store_slot_commit(struct emu_store *st, const struct emu_part_slot *slot,
                          struct emu_part *p);
/* Ends a claim (committed or not: an uncommitted slot stays free) and frees slot. NULL: no-op. */
void emu_store_slot_release(struct emu_store *st, struct emu_part_slot *slot);
/* For CompleteMultipartUpload, under the upload's lock: 1 when the n parts p (as listed) are
 * numbered 1..n, all in their slots, all but the last of the stride's size, and no writer
 * holds a claim on the upload, so the assembly file (path) is the object's data once cut to
 * its length; 0 when the parts must be copied; or a negative errno. */
int emu_store_upload_assembled(struct emu_store *st, const char *upload_id,
                               const struct emu_part *p, size_t n, char *path, size_t pathlen);

/* Pending uploads of bucket whose key starts with prefix, ordered by key then upload id,
 * starting after (key_marker, upload_id_marker) as ListMultipartUploads defines it: without
 * upload_id_marker every upload of key_marker is skipped. At most max records (malloc'ed array
 * *out of *n, release each with emu_upload_cleanup and free() the array); *truncated when
 * more follow. Delimiter collapsing is the caller's. */
int emu_store_upload_list(struct emu_store *st, const char *bucket, const char *prefix,
                          const char *key_marker, const char *upload_id_marker, size_t max,
                          struct emu_upload **out, size_t *n, int *truncated);
/* Number of pending uploads of bucket. */
int emu_store_upload_count(struct emu_store *st, const char *bucket, uint64_t *count);

/* ---- in-place updates and statistics (store_append.c, store_stat.c) ---- */

/* AppendObject: appends len bytes (the file at data_path, with their CRC64 crc and MD5 md5) to
 * the current version of tmpl->bucket/tmpl->key at position. An absent key with position 0
 * is created from tmpl (its metadata fields; type becomes Appendable) by renaming data_path
 * into place, and the return is 1; growing an existing object copies the bytes, data_path
 * stays the caller's, and the return is 0. CRC64 is continued by combination; the ETag is
 * MD5(previous ETag hex + MD5 hex of the new bytes). On success *out is the new record (caller
 * cleans up). Errors: -ENOENT no such bucket, -EPERM the object is not Appendable, -ESPIPE
 * position is not the current length, -EFBIG the object would exceed 5 GB; *cur_size is the
 * current length (0 when absent) for the error answer. */
int emu_store_object_append(struct emu_store *st, struct emu_object *tmpl, uint64_t position,
                            const char *data_path, uint64_t len, uint64_t crc,
                            const unsigned char md5[16], struct emu_object *out,
                            uint64_t *cur_size);
/* Replaces the stored headers JSON of the current version of bucket/key (object tags live
 * there), leaving data, ETag and Last-Modified alone. -ENOENT if absent. */
int emu_store_object_set_headers(struct emu_store *st, const char *bucket, const char *key,
                                 const char *headers);

#define EMU_STAT_CLASSES 5 /* Standard, IA, Archive, ColdArchive, DeepColdArchive */
struct emu_bucket_stat {
    uint64_t objects, bytes; /* current objects */
    time_t last_modified;    /* newest object's mtime, 0 when empty */
    uint64_t class_objects[EMU_STAT_CLASSES], class_bytes[EMU_STAT_CLASSES];
};
/* Totals of the current objects of bucket (a missing bucket reads as empty). */
int emu_store_bucket_stat(struct emu_store *st, const char *bucket, struct emu_bucket_stat *out);

#endif
