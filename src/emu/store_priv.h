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

#endif
