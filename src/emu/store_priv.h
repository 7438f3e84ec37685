/* Internals shared by the store's files (store.c, store_object.c, store_list.c): the store
 * struct, its lock and row decoding. Not used outside the store. */
#ifndef EMU_STORE_PRIV_H
#define EMU_STORE_PRIV_H

#include <pthread.h>
#include <sqlite3.h>

#include "emu/store.h"

struct emu_store {
    char *dir;
    char *objects_dir; /* DIR/objects */
    char *tmp_dir;     /* DIR/tmp */
    sqlite3 *db;
    pthread_mutex_t lock; /* serializes every use of db and of the object files' lifetime */
};

/* The columns of the objects table in the order store_row_to_object() expects them. */
#define STORE_OBJECT_COLUMNS                                                                       \
    "bucket, key, size, etag, crc64, mtime, type, content_type, acl, headers, storage_class, "     \
    "file"

/* Fills o from a row selected with STORE_OBJECT_COLUMNS starting at column col.
 * Returns 0 or -ENOMEM (o is then cleaned up). */
int store_row_to_object(sqlite3_stmt *st, int col, struct emu_object *o);

/* Maps an SQLite result code to a negative errno. */
int store_err(int rc);

/* Prepares sql on the store's connection; returns 0 or a negative errno. */
int store_prepare(struct emu_store *st, const char *sql, sqlite3_stmt **out);

/* DIR/objects/<file> into buf. */
void store_object_path(const struct emu_store *st, const char *file, char *buf, size_t len);

/* ---- versioning and multipart internals (store_object.c, store_version.c,
 * store_multipart.c); the caller holds the lock for every *_locked function. ---- */

/* Creates the versioning and multipart tables and DIR/parts; called by emu_store_open. */
int store_version_init(struct emu_store *st);
int store_multipart_init(struct emu_store *st);
/* The bucket's versioning status ("" when never configured). -ENOENT if no such bucket. */
int store_versioning_locked(struct emu_store *st, const char *bucket, char out[16]);
/* Inserts or replaces the current row of o->bucket/o->key with version id vid and order seq. */
int store_insert_object_locked(struct emu_store *st, const struct emu_object *o, const char *vid,
                               sqlite3_int64 seq);
/* emu_store_object_put under the lock (versioning included). */
int store_object_put_locked(struct emu_store *st, struct emu_object *o, const char *data_path,
                            int forbid_overwrite);
/* The versioned forms of put and delete (status "Enabled" or "Suspended"). */
int store_version_put_locked(struct emu_store *st, struct emu_object *o, const char *data_path,
                             const char *status);
int store_version_delete_locked(struct emu_store *st, const char *bucket, const char *key,
                                const char *version_id, const char *status,
                                struct emu_delete_info *info);
/* The next sequence number of bucket/key (one more than any of its versions), and the
 * current row's version id and data file (vid "" when there is none). */
int store_version_next_seq(struct emu_store *st, const char *bucket, const char *key,
                           sqlite3_int64 *out);
int store_version_current(struct emu_store *st, const char *bucket, const char *key, char vid[72],
                          char file[40]);
/* 0 when bucket has no kept versions and no pending uploads, -ENOTEMPTY otherwise. */
int store_version_bucket_empty_locked(struct emu_store *st, const char *bucket);
int store_multipart_bucket_empty_locked(struct emu_store *st, const char *bucket);
/* The columns of the uploads table in the order store_row_to_upload() expects them, and the
 * decoder (0 or -ENOMEM). */
#define STORE_UPLOAD_COLUMNS                                                                       \
    "upload_id, bucket, key, initiated, content_type, acl, headers, storage_class"
int store_row_to_upload(sqlite3_stmt *s, struct emu_upload *u);
/* 32 random upper-case hex characters. */
int store_random_hex(char out[33]);

#endif
