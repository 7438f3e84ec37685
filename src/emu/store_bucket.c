/* Bucket records and named bucket settings (rows of buckets and bucket_settings), and the
 * configuration lock. Calls only the plumbing of store_db.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

#define BUCKET_COLUMNS "name, owner, acl, access_monitor, region, storage_class, created"

void emu_store_config_lock(struct emu_store *st)
{
    pthread_mutex_lock(&st->config_lock);
}

void emu_store_config_unlock(struct emu_store *st)
{
    pthread_mutex_unlock(&st->config_lock);
}

static int row_to_bucket(sqlite3_stmt *s, void *elem)
{
    struct emu_bucket *b = elem;
    store_copy_text(b->name, sizeof(b->name), s, 0);
    store_copy_text(b->owner, sizeof(b->owner), s, 1);
    store_copy_text(b->acl, sizeof(b->acl), s, 2);
    store_copy_text(b->access_monitor, sizeof(b->access_monitor), s, 3);
    store_copy_text(b->region, sizeof(b->region), s, 4);
    store_copy_text(b->storage_class, sizeof(b->storage_class), s, 5);
    b->created = (time_t)sqlite3_column_int64(s, 6);
    return 0;
}

int emu_store_bucket_create_within(struct emu_store *st, const struct emu_bucket *b,
                                   unsigned max_per_owner)
{
    sqlite3_stmt *s = NULL;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st,
                       "INSERT INTO buckets(" BUCKET_COLUMNS ") SELECT ?1,?2,?3,?4,?5,?6,?7 "
                       "WHERE (SELECT count(*) FROM buckets WHERE owner=?2) < ?8",
                       &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, b->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, b->owner, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, b->acl, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, b->access_monitor, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 5, b->region, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, b->storage_class, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)b->created);
        sqlite3_bind_int64(s, 8, max_per_owner ? (sqlite3_int64)max_per_owner : INT64_MAX);
        rc = store_err(sqlite3_step(s));
        if (rc == 0 && sqlite3_changes(st->db) == 0)
            rc = -EDQUOT;
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_bucket_create(struct emu_store *st, const struct emu_bucket *b)
{
    return emu_store_bucket_create_within(st, b, 0);
}

int emu_store_bucket_get(struct emu_store *st, const char *name, struct emu_bucket *out)
{
    sqlite3_stmt *s = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st, "SELECT " BUCKET_COLUMNS " FROM buckets WHERE name=?1", &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
        rc = store_step_one(s);
        if (rc == 0)
            row_to_bucket(s, out);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static int bucket_update(struct emu_store *st, const char *sql, const char *name, const char *value)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_exec3_locked(st, sql, value, name, NULL);
    pthread_mutex_unlock(&st->lock);
    if (rc == 0)
        return -ENOENT;
    return rc < 0 ? rc : 0;
}

int emu_store_bucket_set_acl(struct emu_store *st, const char *name, const char *acl)
{
    return bucket_update(st, "UPDATE buckets SET acl=?1 WHERE name=?2", name, acl);
}

int emu_store_bucket_set_access_monitor(struct emu_store *st, const char *name, const char *status)
{
    return bucket_update(st, "UPDATE buckets SET access_monitor=?1 WHERE name=?2", name, status);
}

int emu_store_bucket_list(struct emu_store *st, const char *owner, const char *prefix,
                          const char *marker, size_t max, struct emu_bucket **out, size_t *n,
                          int *truncated)
{
    sqlite3_stmt *s = NULL;
    struct store_rows rows = {0};
    size_t plen = prefix ? strlen(prefix) : 0;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st,
                       "SELECT " BUCKET_COLUMNS " FROM buckets WHERE (?1 IS NULL OR owner=?1)"
                       " AND name > ?2 AND substr(name, 1, ?3) = ?4 ORDER BY name",
                       &s);
    if (rc == 0) {
        if (owner)
            sqlite3_bind_text(s, 1, owner, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, marker ? marker : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)plen);
        sqlite3_bind_text(s, 4, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
        rc = store_collect(s, max, sizeof(struct emu_bucket), row_to_bucket, &rows);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return store_rows_out(&rows, rc, (void **)out, n, truncated);
}

int emu_store_setting_get(struct emu_store *st, const char *bucket, const char *name, char **value)
{
    sqlite3_stmt *s = NULL;
    int rc;

    *value = NULL;
    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st, "SELECT value FROM bucket_settings WHERE bucket=?1 AND name=?2", &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
        rc = store_step_one(s);
        if (rc == 0) {
            *value = store_dup_text(s, 0);
            rc = *value ? 0 : -ENOMEM;
        }
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_setting_put(struct emu_store *st, const char *bucket, const char *name,
                          const char *value)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_exec3_locked(
        st, "INSERT OR REPLACE INTO bucket_settings(bucket, name, value) VALUES(?1,?2,?3)", bucket,
        name, value);
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}

int emu_store_setting_delete(struct emu_store *st, const char *bucket, const char *name)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_exec3_locked(st, "DELETE FROM bucket_settings WHERE bucket=?1 AND name=?2", bucket,
                            name, NULL);
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}

int store_versioning_locked(struct emu_store *st, const char *bucket, char out[16])
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT s.value FROM buckets b LEFT JOIN bucket_settings s"
                           " ON s.bucket=b.name AND s.name='versioning' WHERE b.name=?1",
                           &s);
    out[0] = 0;
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        rc = store_step_one(s);
        if (rc == 0)
            store_copy_text(out, 16, s, 0);
    }
    store_finish(st, s);
    return rc;
}
