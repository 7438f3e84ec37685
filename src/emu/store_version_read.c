/* Reading versions in the store: one version by id (or the latest, which may be a delete
 * marker) with its data file, per-version ACLs, and the counts DeleteBucket and statistics
 * need. The write side is store_version.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_priv.h"

/* Fills o from a row of STORE_VERSION_COLUMNS plus delete_marker (column 14). */
static int row_to_version(sqlite3_stmt *s, struct emu_object *o)
{
    int rc = store_row_to_object(s, 0, o);
    if (rc == 0) {
        store_copy_text(o->version_id, sizeof(o->version_id), s, 12);
        o->delete_marker = sqlite3_column_int(s, 14);
    }
    return rc;
}

/* One version row: current (from objects) or kept; newest kept one when vid is NULL. */
static int version_get_locked(struct emu_store *st, const char *bucket, const char *key,
                              const char *vid, struct emu_object *out)
{
    static const char *const sql[] = {
        "SELECT " STORE_VERSION_COLUMNS
        ", 0 FROM objects WHERE bucket=?1 AND key=?2 AND (?3 IS NULL OR "
        "version_id=?3)",
        "SELECT " STORE_VERSION_COLUMNS
        ", delete_marker FROM object_versions WHERE bucket=?1 AND key=?2 AND "
        "(?3 IS NULL OR version_id=?3) ORDER BY seq DESC LIMIT 1",
    };
    int rc = -ENOENT;

    for (int i = 0; i < 2 && rc == -ENOENT; i++) {
        sqlite3_stmt *s = NULL;
        rc = store_prepare(st, sql[i], &s);
        if (rc == 0) {
            store_bind_bk(s, bucket, key);
            if (vid)
                sqlite3_bind_text(s, 3, vid, -1, SQLITE_TRANSIENT);
            rc = store_step_one(s);
            if (rc == 0)
                rc = row_to_version(s, out);
        }
        store_finish(st, s);
        if (rc == 0 && i == 0)
            out->is_latest = 1;
        if (rc == 0 && i == 1 && !vid && !out->delete_marker) {
            emu_object_cleanup(out); /* cannot happen: a newest data version is current */
            rc = -ENOENT;
        }
    }
    if (rc == 0 && !out->is_latest) {
        char cvid[72], file[40];
        sqlite3_int64 seq = 0;
        /* A kept version is the latest only when nothing is current and it is the newest. */
        rc = store_version_current(st, bucket, key, cvid, file);
        if (rc == 0 && !cvid[0] && (rc = store_version_next_seq(st, bucket, key, &seq)) == 0) {
            sqlite3_stmt *s = NULL;
            rc = store_prepare(st,
                               "SELECT seq FROM object_versions WHERE bucket=?1 AND key=?2 AND"
                               " version_id=?3",
                               &s);
            if (rc == 0) {
                store_bind_bk(s, bucket, key);
                sqlite3_bind_text(s, 3, out->version_id, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(s) == SQLITE_ROW)
                    out->is_latest = sqlite3_column_int64(s, 0) + 1 == seq;
            }
            store_finish(st, s);
        }
        if (rc < 0)
            emu_object_cleanup(out);
    }
    return rc;
}

int emu_store_version_open(struct emu_store *st, const char *bucket, const char *key,
                           const char *version_id, struct emu_object *out, int *fd)
{
    char status[16];
    int rc;

    memset(out, 0, sizeof(*out));
    if (fd)
        *fd = -1;
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, bucket, status);
    if (rc == 0)
        rc = version_get_locked(st, bucket, key, version_id, out);
    if (rc == 0 && !status[0])
        out->version_id[0] = 0; /* never versioned: versions have no ids to show */
    if (rc == 0 && fd && !out->delete_marker)
        rc = store_open_data_locked(st, out, fd);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

/* Sets one text column (acl or headers) of one version (NULL: the current one); the latest
 * data version is the current row of objects, the others are rows of object_versions. */
static int version_set_text(struct emu_store *st, const char *bucket, const char *key,
                            const char *version_id, int headers, const char *value)
{
    static const char *const sql[2][2] = {
        {"UPDATE object_versions SET acl=?3 WHERE bucket=?1 AND key=?2 AND version_id=?4",
         "UPDATE objects SET acl=?3 WHERE bucket=?1 AND key=?2"},
        {"UPDATE object_versions SET headers=?3 WHERE bucket=?1 AND key=?2 AND version_id=?4",
         "UPDATE objects SET headers=?3 WHERE bucket=?1 AND key=?2"}};
    sqlite3_stmt *s = NULL;
    struct emu_object o;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = version_get_locked(st, bucket, key, version_id, &o);
    if (rc < 0) {
        pthread_mutex_unlock(&st->lock);
        return rc;
    }
    if (o.delete_marker)
        rc = -EISDIR;
    else
        rc = store_prepare(st, sql[headers][o.is_latest ? 1 : 0], &s);
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        sqlite3_bind_text(s, 3, value, -1, SQLITE_TRANSIENT);
        if (!o.is_latest)
            sqlite3_bind_text(s, 4, o.version_id, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    emu_object_cleanup(&o);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_version_set_acl(struct emu_store *st, const char *bucket, const char *key,
                              const char *version_id, const char *acl)
{
    return version_set_text(st, bucket, key, version_id, 0, acl);
}

int emu_store_version_set_headers(struct emu_store *st, const char *bucket, const char *key,
                                  const char *version_id, const char *headers)
{
    return version_set_text(st, bucket, key, version_id, 1, headers);
}

int emu_store_version_count(struct emu_store *st, const char *bucket, uint64_t *count)
{
    int64_t n = 0;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_query_ints_locked(st, "SELECT count(*) FROM object_versions WHERE bucket=?1", bucket,
                                 &n, NULL);
    pthread_mutex_unlock(&st->lock);
    *count = rc == 0 ? (uint64_t)n : 0;
    return rc;
}

int store_version_bucket_empty_locked(struct emu_store *st, const char *bucket)
{
    return store_none_locked(st, "SELECT 1 FROM object_versions WHERE bucket=?1 LIMIT 1", bucket);
}
