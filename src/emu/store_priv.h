/* Internals shared by the store's files (store*.c), by layer. Each file calls only files of
 * the layers below its own (and its own layer's row files where said), never up:
 *
 *   top         store.c               open/close (schema, directories), bucket delete
 *   writes      store_append.c        AppendObject (through the versioning rules)
 *   versioning  store_version.c       the rules: status, kept versions, delete markers, and the
 *                                     writes that go through them (put, delete, completion)
 *               store_version_read.c, store_version_list.c   reads of kept versions
 *   rows        store_bucket.c        buckets, bucket settings (read by the other row files)
 *               store_object.c        current object rows and their data files
 *               store_multipart.c, store_multipart_list.c    uploads and parts
 *               store_multipart_slot.c                       parts written in place
 *               store_list.c, store_stat.c                   listings and statistics
 *   bottom      store_db.c            SQLite plumbing: errors, statement cache, column helpers
 *
 * Not used outside the store. Every *_locked function expects the caller to hold st->lock. */
#ifndef EMU_STORE_PRIV_H
#define EMU_STORE_PRIV_H

#include <pthread.h>
#include <sqlite3.h>

#include "emu/store.h"
#include "oss/buf.h"

/* A prepared statement kept for reuse (store_db.c). */
#define STORE_CACHE_SIZE 128
struct store_cached {
    sqlite3_stmt *stmt; /* NULL: free slot */
    unsigned hash;      /* of its SQL text */
    int busy;           /* lent out by store_prepare, not yet back through store_finish */
};

#define STORE_UPLOAD_LOCKS 32

/* A part slot being written in place (store_multipart_slot.c). */
struct store_claim {
    char upload_id[40];
    unsigned part_number;
};

struct emu_store {
    char *dir;
    char *objects_dir; /* DIR/objects */
    char *tmp_dir;     /* DIR/tmp */
    sqlite3 *db;
    pthread_mutex_t lock;        /* serializes every use of db and of the object files' lifetime */
    pthread_mutex_t cache_lock;  /* guards cache (a leaf lock) */
    pthread_mutex_t config_lock; /* emu_store_config_lock: taken before lock, never inside */
    /* emu_store_upload_lock, by a hash of the upload id: taken before lock, never inside */
    pthread_mutex_t upload_locks[STORE_UPLOAD_LOCKS];
    struct store_cached cache[STORE_CACHE_SIZE]; /* prepared statements by SQL text */
    struct store_claim *claims; /* slots claimed by writers, nclaims of them (room for */
    size_t nclaims, claims_cap; /* claims_cap); guarded by lock */
};

/* ---- bottom: store_db.c ---- */

/* Maps an SQLite result code to a negative errno. */
int store_err(int rc);
/* Brings a table of an older store up to date: runs alter (ALTER TABLE ... ADD COLUMN ...)
 * unless probe, a SELECT of the new columns, prepares. 0 or a negative errno. */
int store_add_columns(struct emu_store *st, const char *probe, const char *alter);
/* Lends a prepared statement for sql on the store's connection (a cached one, reset, when
 * there is one); returns 0 or a negative errno. Every statement it gives, and NULL, goes back
 * through store_finish, never sqlite3_finalize. */
int store_prepare(struct emu_store *st, const char *sql, sqlite3_stmt **out);
/* Ends the use of s from store_prepare: resets it and clears its bindings for the next user
 * (or finalizes it when it is not cached). s may be NULL. */
void store_finish(struct emu_store *st, sqlite3_stmt *s);
/* Steps s, a query of at most one row, onto that row: 0 when there is one (its columns can be
 * read), -ENOENT when there is none, or the negative errno of the SQLite failure. */
int store_step_one(sqlite3_stmt *s);
/* Runs sql, a query of one result row with ?1 bound to arg, and reads its first integer column
 * into *a and, when b is non-NULL, its second into *b. 0 or a negative errno. */
int store_query_ints_locked(struct emu_store *st, const char *sql, const char *arg, int64_t *a,
                            int64_t *b);
/* 0 when sql (?1 bound to arg) yields no row, -ENOTEMPTY when it yields one, or a negative
 * errno. */
int store_none_locked(struct emu_store *st, const char *sql, const char *arg);
/* Runs one statement with up to three text parameters (NULL: unbound); the number of changed
 * rows (>= 0) or a negative errno. */
int store_exec3_locked(struct emu_store *st, const char *sql, const char *a, const char *b,
                       const char *c);
/* Binds bucket and key as ?1 and ?2 of s. */
void store_bind_bk(sqlite3_stmt *s, const char *bucket, const char *key);
/* The text of column col of the current row into dst ("" for NULL), truncated to len. */
void store_copy_text(char *dst, size_t len, sqlite3_stmt *s, int col);
/* A malloc'ed copy of the text of column col ("" for NULL); NULL when out of memory. */
char *store_dup_text(sqlite3_stmt *s, int col);
/* The rows of a query decoded into a malloc'ed array: v holds n elements (room for cap);
 * truncated when the query had more than the max asked for. */
struct store_rows {
    void *v;
    size_t n, cap;
    int truncated;
};
/* Steps s to its end, or to max rows, decoding each row into the next element (of size bytes)
 * of r with decode (0 or -ENOMEM). 0 or a negative errno; either way r->v holds the r->n
 * decoded elements, for the caller to release. */
int store_collect(sqlite3_stmt *s, size_t max, size_t size,
                  int (*decode)(sqlite3_stmt *s, void *elem), struct store_rows *r);
/* Ends a listing: with rc 0 hands r's array, count and truncated flag to the caller's out
 * parameters; otherwise frees the array and gives NULL, 0, 0. Returns rc. */
int store_rows_out(struct store_rows *r, int rc, void **out, size_t *n, int *truncated);
/* DIR/objects/<file> into buf. */
void store_object_path(const struct emu_store *st, const char *file, char *buf, size_t len);
/* 32 random hex digits: upper-case (upload and version ids), lower-case (data file names). */
int store_random_hex(char out[33]);
int store_random_name(char out[33]);

/* ---- rows: store_bucket.c, store_object.c, store_multipart.c, store_list.c; a row file
 * may read bucket rows (store_bucket.c) ---- */

/* The bucket's versioning status, a bucket setting ("" when never configured). -ENOENT if no
 * such bucket. */
int store_versioning_locked(struct emu_store *st, const char *bucket, char out[16]);

/* The columns of the objects table in the order store_row_to_object() expects them. */
#define STORE_OBJECT_COLUMNS                                                                       \
    "bucket, key, size, etag, crc64, mtime, type, content_type, acl, headers, storage_class, "     \
    "file"
/* The columns of a versions query: STORE_OBJECT_COLUMNS (0..11), version_id (12), seq (13). */
#define STORE_VERSION_COLUMNS STORE_OBJECT_COLUMNS ", version_id, seq"
/* Fills o from a row selected with STORE_OBJECT_COLUMNS starting at column col.
 * Returns 0 or -ENOMEM (o is then cleaned up). */
int store_row_to_object(sqlite3_stmt *st, int col, struct emu_object *o);
/* The current row of bucket/key into *out (version_id filled when the bucket has versioning
 * configured, is_latest set). -ENOENT when absent. */
int store_object_get_locked(struct emu_store *st, const char *bucket, const char *key,
                            struct emu_object *out);
/* Opens the data file of o read-only into *fd. 0, or -errno with o cleaned up and *fd -1. The
 * caller holds the lock, so the file cannot be replaced meanwhile. */
int store_open_data_locked(struct emu_store *st, struct emu_object *o, int *fd);
/* Inserts or replaces the current row of o->bucket/o->key with version id vid and order seq. */
int store_insert_object_locked(struct emu_store *st, const struct emu_object *o, const char *vid,
                               sqlite3_int64 seq);

/* Creates the multipart tables and DIR/parts; called by emu_store_open. */
int store_multipart_init(struct emu_store *st);
/* The columns of the uploads table in the order store_row_to_upload() expects them, and the
 * decoder (0 or -ENOMEM). */
#define STORE_UPLOAD_COLUMNS                                                                       \
    "upload_id, bucket, key, initiated, content_type, acl, headers, storage_class"
int store_row_to_upload(sqlite3_stmt *s, struct emu_upload *u);
/* Loads upload_id (of bucket, when not NULL) into *out. -ENOENT if absent. */
int store_upload_get_locked(struct emu_store *st, const char *bucket, const char *upload_id,
                            struct emu_upload *out);
/* Removes upload_id's rows, part files and assembly file. */
int store_upload_drop_locked(struct emu_store *st, const char *upload_id);
/* DIR/parts/<file> into buf. */
void store_part_path(const struct emu_store *st, const char *file, char *buf, size_t len);
/* The name under DIR/parts of upload_id's assembly file ("<UPLOAD_ID>.asm"). */
void store_assembly_name(const char *upload_id, char out[40]);
/* Where part n of upload_id is: its file ("" when there is no such part) and offset. */
int store_part_where_locked(struct emu_store *st, const char *upload_id, unsigned n, char file[40],
                            uint64_t *offset);
/* Inserts or replaces the row of part p (p->file and p->offset say where its bytes are). */
int store_part_insert_locked(struct emu_store *st, const char *upload_id, const struct emu_part *p);
/* Removes the part file a replaced or dropped part row named, unless it is the assembly file
 * (whose other slots are still in use); "" does nothing. */
void store_part_forget(struct emu_store *st, const char *upload_id, const char *file);
/* 0 when bucket has no pending uploads, -ENOTEMPTY otherwise (store_multipart_list.c). */
int store_multipart_bucket_empty_locked(struct emu_store *st, const char *bucket);

/* Listing helpers (store_list.c, used by store_version_list.c too). store_key_successor: the
 * smallest string greater than every string starting with p (of length *len, updated in
 * place); 0, or -ENOENT when there is none (p was all 0xFF bytes). store_list_push: room for
 * one more zeroed entry at r->entries[r->n] (*cap is the allocated count); 0 or -ENOMEM. */
int store_key_successor(char *p, size_t *len);
/* Steps s, a query whose column 1 is the key, in key order: 1 with the row's key (*key, *klen)
 * and *d, where delim first occurs after prefix (NULL: nowhere); 0 at the end or past the
 * prefix range; or a negative errno. */
int store_list_step(sqlite3_stmt *s, const char *prefix, size_t plen, const char *delim,
                    size_t dlen, const char **key, size_t *klen, const char **d);
int store_list_push(struct emu_list_result *r, size_t *cap);

/* ---- versioning: store_version.c (rules and writes), store_version_read.c ---- */

/* Creates the versioning table; called by emu_store_open. */
int store_version_init(struct emu_store *st);
/* emu_store_object_put under the lock: the plain put, or the versioned one by the bucket's
 * status. */
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
/* 0 when bucket has no kept versions, -ENOTEMPTY otherwise (store_version_read.c). */
int store_version_bucket_empty_locked(struct emu_store *st, const char *bucket);

#endif
