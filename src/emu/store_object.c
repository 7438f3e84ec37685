/* Current object rows and their data files: reading, opening, inserting a row, updating its
 * ACL and headers, counting. A put (store_version.c) renames the uploaded file into
 * DIR/objects under a fresh random name and swaps the row in one step, so readers see the old
 * or the new object, never a mix. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "oss/codec.h"
#include "store_priv.h"

void emu_object_cleanup(struct emu_object *o)
{
    if (!o)
        return;
    free(o->bucket);
    free(o->key);
    free(o->content_type);
    free(o->headers);
    memset(o, 0, sizeof(*o));
}

int store_row_to_object(sqlite3_stmt *s, int c, struct emu_object *o)
{
    memset(o, 0, sizeof(*o));
    o->bucket = store_dup_text(s, c + 0);
    o->key = store_dup_text(s, c + 1);
    o->size = (uint64_t)sqlite3_column_int64(s, c + 2);
    store_copy_text(o->etag, sizeof(o->etag), s, c + 3);
    o->crc64 = (uint64_t)sqlite3_column_int64(s, c + 4);
    o->mtime = (time_t)sqlite3_column_int64(s, c + 5);
    store_copy_text(o->type, sizeof(o->type), s, c + 6);
    o->content_type = store_dup_text(s, c + 7);
    store_copy_text(o->acl, sizeof(o->acl), s, c + 8);
    o->headers = store_dup_text(s, c + 9);
    store_copy_text(o->storage_class, sizeof(o->storage_class), s, c + 10);
    store_copy_text(o->file, sizeof(o->file), s, c + 11);
    if (!o->bucket || !o->key || !o->content_type || !o->headers) {
        emu_object_cleanup(o);
        return -ENOMEM;
    }
    return 0;
}

int emu_store_tmp_create(struct emu_store *st, char *path, size_t pathlen)
{
    char id[33];
    int rc, fd;

    for (int tries = 0; tries < 8; tries++) {
        if ((rc = store_random_name(id)) < 0)
            return rc;
        if ((size_t)snprintf(path, pathlen, "%s/%s", st->tmp_dir, id) >= pathlen)
            return -ENAMETOOLONG;
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return -errno;
    }
    return -EEXIST;
}

/* Selects bucket/key (the current version); its version id is reported only when the
 * bucket's versioning was ever configured. Caller holds the lock. */
int store_object_get_locked(struct emu_store *st, const char *bucket, const char *key,
                            struct emu_object *out)
{
    sqlite3_stmt *s = NULL;
    char status[16] = "";
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_prepare(
        st, "SELECT " STORE_OBJECT_COLUMNS ", version_id FROM objects WHERE bucket=?1 AND key=?2",
        &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        rc = store_step_one(s);
        if (rc == 0)
            rc = store_row_to_object(s, 0, out);
        if (rc == 0) {
            out->is_latest = 1;
            if (store_versioning_locked(st, bucket, status) == 0 && status[0])
                store_copy_text(out->version_id, sizeof(out->version_id), s, 12);
        }
    }
    store_finish(st, s);
    return rc;
}

int emu_store_object_get(struct emu_store *st, const char *bucket, const char *key,
                         struct emu_object *out)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_object_get_locked(st, bucket, key, out);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int store_open_data_locked(struct emu_store *st, struct emu_object *o, int *fd)
{
    char path[4096];

    store_object_path(st, o->file, path, sizeof(path));
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        int rc = -errno;
        emu_object_cleanup(o);
        return rc;
    }
    return 0;
}

int emu_store_object_open(struct emu_store *st, const char *bucket, const char *key,
                          struct emu_object *out, int *fd)
{
    int rc;

    *fd = -1;
    pthread_mutex_lock(&st->lock);
    rc = store_object_get_locked(st, bucket, key, out);
    if (rc == 0)
        rc = store_open_data_locked(st, out, fd);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int store_insert_object_locked(struct emu_store *st, const struct emu_object *o, const char *vid,
                               sqlite3_int64 seq)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT OR REPLACE INTO objects(" STORE_OBJECT_COLUMNS
                           ", version_id, seq) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
                           "?13,?14)",
                           &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, o->bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, o->key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)o->size);
        sqlite3_bind_text(s, 4, o->etag, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)o->crc64);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)o->mtime);
        sqlite3_bind_text(s, 7, o->type[0] ? o->type : "Normal", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 8, o->content_type ? o->content_type : "application/octet-stream", -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 9, o->acl[0] ? o->acl : "default", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 10, o->headers ? o->headers : "{}", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 11, o->storage_class[0] ? o->storage_class : "Standard", -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 12, o->file, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 13, vid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 14, seq);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    return rc;
}

/* Runs sql, an UPDATE of the current row of bucket (?2) and key (?3) to value (?1), under the
 * lock. 0, -ENOENT when there is no such row, or a negative errno. */
static int update_text(struct emu_store *st, const char *sql, const char *value, const char *bucket,
                       const char *key)
{
    sqlite3_stmt *s = NULL;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st, sql, &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, value, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, key, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
        if (rc == 0 && sqlite3_changes(st->db) == 0)
            rc = -ENOENT;
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_object_set_acl(struct emu_store *st, const char *bucket, const char *key,
                             const char *acl)
{
    return update_text(st, "UPDATE objects SET acl=?1 WHERE bucket=?2 AND key=?3", acl, bucket,
                       key);
}

int emu_store_object_set_headers(struct emu_store *st, const char *bucket, const char *key,
                                 const char *headers)
{
    return update_text(st, "UPDATE objects SET headers=?1 WHERE bucket=?2 AND key=?3", headers,
                       bucket, key);
}

int emu_store_object_count(struct emu_store *st, const char *bucket, uint64_t *count,
                           uint64_t *bytes)
{
    int64_t n = 0, b = 0;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_query_ints_locked(
        st, "SELECT count(*), coalesce(sum(size), 0) FROM objects WHERE bucket=?1", bucket, &n, &b);
    pthread_mutex_unlock(&st->lock);
    *count = rc == 0 ? (uint64_t)n : 0;
    *bytes = rc == 0 ? (uint64_t)b : 0;
    return rc;
}
