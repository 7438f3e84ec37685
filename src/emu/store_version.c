/* Object versioning in the store (oss-api.md 6.5, 6.7, 8.2): the bucket's versioning status,
 * kept versions and delete markers. The current version, when it is not a delete marker, stays
 * the row of the objects table that every other store function reads; all other versions live
 * in object_versions. Versions of a key are ordered by a per-key sequence number (seq). Reads
 * are in store_version_read.c, ListObjectVersions in store_version_list.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_priv.h"

int store_version_init(struct emu_store *st)
{
    int rc = sqlite3_exec(
        st->db,
        "CREATE TABLE IF NOT EXISTS object_versions("
        " bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,"
        " crc64 INTEGER NOT NULL, mtime INTEGER NOT NULL, type TEXT NOT NULL,"
        " content_type TEXT NOT NULL, acl TEXT NOT NULL, headers TEXT NOT NULL,"
        " storage_class TEXT NOT NULL, file TEXT NOT NULL, version_id TEXT NOT NULL,"
        " seq INTEGER NOT NULL, delete_marker INTEGER NOT NULL,"
        " PRIMARY KEY(bucket, key, version_id)) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS object_versions_seq ON object_versions(bucket, key, seq);",
        NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_err(rc);
    /* The objects table of an older store lacks the version columns. */
    return store_add_columns(
        st, "SELECT version_id, seq FROM objects LIMIT 0",
        "ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';"
        "ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;");
}

/* Runs sql with ?1 bucket, ?2 key and optional ?3 text. Returns 0 or -errno. */
static int exec_bk(struct emu_store *st, const char *sql, const char *bucket, const char *key,
                   const char *third)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s);
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        if (third)
            sqlite3_bind_text(s, 3, third, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    return rc;
}

int emu_store_versioning_get(struct emu_store *st, const char *bucket, char out[16])
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, bucket, out);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_versioning_set(struct emu_store *st, const char *bucket, const char *status)
{
    char cur[16];
    int rc;

    if (!status || (strcmp(status, "Enabled") && strcmp(status, "Suspended")))
        return -EINVAL;
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, bucket, cur);
    if (rc == 0)
        rc = exec_bk(st,
                     "INSERT OR REPLACE INTO bucket_settings(bucket, name, value)"
                     " VALUES(?1, 'versioning', ?2)",
                     bucket, status, NULL);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

/* Data files to remove once a change is committed (a change drops at most a few). */
struct doomed {
    char file[4][40];
    int n;
};

static void doom(struct doomed *d, const char *file)
{
    if (file && file[0] && d->n < 4)
        snprintf(d->file[d->n++], sizeof(d->file[0]), "%s", file);
}

static void doomed_unlink(struct emu_store *st, const struct doomed *d)
{
    char path[4096];
    for (int i = 0; i < d->n; i++) {
        store_object_path(st, d->file[i], path, sizeof(path));
        unlink(path);
    }
}

static int begin(struct emu_store *st)
{
    return store_err(sqlite3_exec(st->db, "SAVEPOINT emu_version", NULL, NULL, NULL));
}

/* Commits when rc is 0, rolls back otherwise; returns rc (or the commit's failure). */
static int finish(struct emu_store *st, int rc)
{
    if (rc == 0)
        return store_err(sqlite3_exec(st->db, "RELEASE emu_version", NULL, NULL, NULL));
    sqlite3_exec(st->db, "ROLLBACK TO emu_version; RELEASE emu_version", NULL, NULL, NULL);
    return rc;
}

/* The next sequence number of bucket/key: one more than any of its versions. */
int store_version_next_seq(struct emu_store *st, const char *bucket, const char *key,
                           sqlite3_int64 *out)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT max(m) FROM (SELECT max(seq) AS m FROM objects WHERE bucket=?1"
                           " AND key=?2 UNION ALL SELECT max(seq) FROM object_versions"
                           " WHERE bucket=?1 AND key=?2)",
                           &s);
    *out = 1;
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(s, 0) + 1;
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    return rc;
}

/* The current row's version id and data file (vid "" when there is no current row). */
int store_version_current(struct emu_store *st, const char *bucket, const char *key, char vid[72],
                          char file[40])
{
    sqlite3_stmt *s = NULL;
    int rc =
        store_prepare(st, "SELECT version_id, file FROM objects WHERE bucket=?1 AND key=?2", &s);
    vid[0] = file[0] = 0;
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            store_copy_text(vid, 72, s, 0);
            store_copy_text(file, 40, s, 1);
            if (!vid[0])
                snprintf(vid, 72, "null");
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    return rc;
}

/* Moves the current row of bucket/key (if any) among the kept versions. */
static int keep_current(struct emu_store *st, const char *bucket, const char *key)
{
    int rc = exec_bk(st,
                     "INSERT INTO object_versions(" STORE_VERSION_COLUMNS
                     ", delete_marker) SELECT " STORE_VERSION_COLUMNS
                     ", 0 FROM objects WHERE bucket=?1 AND key=?2",
                     bucket, key, NULL);
    if (rc == 0)
        rc = exec_bk(st, "DELETE FROM objects WHERE bucket=?1 AND key=?2", bucket, key, NULL);
    return rc;
}

/* Drops the kept version vid of bucket/key (its file is doomed); found and dm say what it was. */
static int drop_kept(struct emu_store *st, const char *bucket, const char *key, const char *vid,
                     struct doomed *d, int *found, int *dm)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT file, delete_marker FROM object_versions WHERE bucket=?1"
                           " AND key=?2 AND version_id=?3",
                           &s);
    *found = *dm = 0;
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        sqlite3_bind_text(s, 3, vid, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *found = 1;
            *dm = sqlite3_column_int(s, 1);
            doom(d, (const char *)sqlite3_column_text(s, 0));
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    if (rc == 0 && *found)
        rc = exec_bk(st, "DELETE FROM object_versions WHERE bucket=?1 AND key=?2 AND version_id=?3",
                     bucket, key, vid);
    return rc;
}

/* Before a Suspended write: the "null" version, current or kept, goes away for good; a
 * current version with a real id is kept. Enabled: the current version is kept. */
static int make_room(struct emu_store *st, const char *bucket, const char *key, const char *status,
                     struct doomed *d)
{
    char vid[72], file[40];
    int found, dm, rc = store_version_current(st, bucket, key, vid, file);

    if (rc < 0 || !vid[0])
        goto kept;
    if (!strcmp(status, "Suspended") && !strcmp(vid, "null")) {
        doom(d, file);
        rc = exec_bk(st, "DELETE FROM objects WHERE bucket=?1 AND key=?2", bucket, key, NULL);
    } else {
        rc = keep_current(st, bucket, key);
    }
kept:
    if (rc == 0 && !strcmp(status, "Suspended"))
        rc = drop_kept(st, bucket, key, "null", d, &found, &dm);
    return rc;
}

/* A fresh version id: "CAEQ" and 32 random upper-case hex characters. */
static int new_version_id(char out[72])
{
    char hex[33];
    int rc = store_random_hex(hex);
    if (rc == 0)
        snprintf(out, 72, "CAEQ%s", hex);
    return rc;
}

int store_version_put_locked(struct emu_store *st, struct emu_object *o, const char *data_path,
                             const char *status)
{
    char id[33], vid[72], dst[4096];
    struct doomed d = {0};
    sqlite3_int64 seq = 0;
    int moved = 0, rc;

    if ((rc = store_random_hex(id)) < 0)
        return rc;
    if (!strcmp(status, "Enabled")) {
        if ((rc = new_version_id(vid)) < 0)
            return rc;
    } else {
        snprintf(vid, sizeof(vid), "null");
    }
    if ((rc = begin(st)) < 0)
        return rc;
    rc = store_version_next_seq(st, o->bucket, o->key, &seq);
    if (rc == 0)
        rc = make_room(st, o->bucket, o->key, status, &d);
    if (rc == 0) {
        snprintf(o->file, sizeof(o->file), "%s", id);
        store_object_path(st, o->file, dst, sizeof(dst));
        rc = rename(data_path, dst) < 0 ? -errno : 0;
        moved = rc == 0;
    }
    if (rc == 0)
        rc = store_insert_object_locked(st, o, vid, seq);
    rc = finish(st, rc);
    if (rc < 0) {
        if (moved)
            rename(dst, data_path);
        return rc;
    }
    doomed_unlink(st, &d);
    snprintf(o->version_id, sizeof(o->version_id), "%s", vid);
    return 0;
}

/* When the current version was removed: the newest kept version becomes current unless it is
 * a delete marker. */
static int promote(struct emu_store *st, const char *bucket, const char *key)
{
    char vid[72], file[40];
    sqlite3_stmt *s = NULL;
    int rc = store_version_current(st, bucket, key, vid, file), dm = 1;

    if (rc < 0 || vid[0])
        return rc;
    rc = store_prepare(st,
                       "SELECT version_id, delete_marker FROM object_versions WHERE bucket=?1"
                       " AND key=?2 ORDER BY seq DESC LIMIT 1",
                       &s);
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            store_copy_text(vid, sizeof(vid), s, 0);
            dm = sqlite3_column_int(s, 1);
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    if (rc < 0 || dm)
        return rc;
    rc = exec_bk(st,
                 "INSERT INTO objects(" STORE_VERSION_COLUMNS ") SELECT " STORE_VERSION_COLUMNS
                 " FROM object_versions"
                 " WHERE bucket=?1 AND key=?2 AND version_id=?3",
                 bucket, key, vid);
    if (rc == 0)
        rc = exec_bk(st, "DELETE FROM object_versions WHERE bucket=?1 AND key=?2 AND version_id=?3",
                     bucket, key, vid);
    return rc;
}

/* Adds a delete marker as the newest version of bucket/key. */
static int add_marker(struct emu_store *st, const char *bucket, const char *key, const char *status,
                      struct emu_delete_info *info, struct doomed *d)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 seq = 0;
    int rc;

    if (!strcmp(status, "Enabled")) {
        if ((rc = new_version_id(info->version_id)) < 0)
            return rc;
    } else {
        snprintf(info->version_id, sizeof(info->version_id), "null");
    }
    info->delete_marker = 1;
    rc = store_version_next_seq(st, bucket, key, &seq);
    if (rc == 0)
        rc = make_room(st, bucket, key, status, d);
    if (rc == 0)
        rc = store_prepare(st,
                           "INSERT INTO object_versions(" STORE_VERSION_COLUMNS
                           ", delete_marker) VALUES(?1, ?2, 0,"
                           " '', 0, ?3, '', '', '', '{}', '', '', ?4, ?5, 1)",
                           &s);
    if (rc == 0) {
        store_bind_bk(s, bucket, key);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
        sqlite3_bind_text(s, 4, info->version_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 5, seq);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    return rc;
}

int store_version_delete_locked(struct emu_store *st, const char *bucket, const char *key,
                                const char *version_id, const char *status,
                                struct emu_delete_info *info)
{
    char vid[72], file[40];
    struct doomed d = {0};
    int found = 0, rc;

    if ((rc = begin(st)) < 0)
        return rc;
    if (!version_id) {
        rc = add_marker(st, bucket, key, status, info, &d);
        goto done;
    }
    snprintf(info->version_id, sizeof(info->version_id), "%s", version_id);
    rc = store_version_current(st, bucket, key, vid, file);
    if (rc == 0 && vid[0] && !strcmp(vid, version_id)) {
        doom(&d, file);
        rc = exec_bk(st, "DELETE FROM objects WHERE bucket=?1 AND key=?2", bucket, key, NULL);
    } else if (rc == 0) {
        rc = drop_kept(st, bucket, key, version_id, &d, &found, &info->delete_marker);
    }
    if (rc == 0)
        rc = promote(st, bucket, key);
done:
    rc = finish(st, rc);
    if (rc == 0)
        doomed_unlink(st, &d);
    return rc;
}

/* ---- writes through the versioning rules: put, delete, multipart completion ---- */

/* The data file of bucket/key, if any, into file (empty string when absent). Caller locks. */
static int current_file_locked(struct emu_store *st, const char *bucket, const char *key,
                               char *file, size_t len)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT file FROM objects WHERE bucket=?1 AND key=?2", &s);
    file[0] = 0;
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            store_copy_text(file, len, s, 0);
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    return rc;
}

/* Under the lock: checks the bucket and forbid-overwrite, renames the data into place, swaps
 * the row, and removes the replaced data file (a versioned bucket keeps it: store_version.c).
 * On a database failure the new file is moved back to data_path so the caller still owns it. */
int store_object_put_locked(struct emu_store *st, struct emu_object *o, const char *data_path,
                            int forbid_overwrite)
{
    char old[sizeof(o->file)], id[33], dst[4096], oldpath[4096], status[16];
    int rc;

    if ((rc = store_random_name(id)) < 0)
        return rc;
    o->version_id[0] = 0;
    rc = store_versioning_locked(st, o->bucket, status);
    if (rc == 0 && status[0])
        return store_version_put_locked(st, o, data_path, status);
    if (rc == 0)
        rc = current_file_locked(st, o->bucket, o->key, old, sizeof(old));
    if (rc == 0 && forbid_overwrite && old[0])
        rc = -EEXIST;
    if (rc == 0) {
        snprintf(o->file, sizeof(o->file), "%s", id);
        store_object_path(st, o->file, dst, sizeof(dst));
        if (rename(data_path, dst) < 0)
            rc = -errno;
    }
    if (rc == 0) {
        rc = store_insert_object_locked(st, o, "null", 0);
        if (rc < 0) {
            rename(dst, data_path);
        } else if (old[0]) {
            store_object_path(st, old, oldpath, sizeof(oldpath));
            unlink(oldpath);
        }
    }
    return rc;
}

int emu_store_object_put(struct emu_store *st, struct emu_object *o, const char *data_path,
                         int forbid_overwrite)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_object_put_locked(st, o, data_path, forbid_overwrite);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_object_delete(struct emu_store *st, const char *bucket, const char *key)
{
    return emu_store_object_delete_version(st, bucket, key, NULL, NULL);
}

/* The unversioned delete, or the versioned one of store_version.c. */
int emu_store_object_delete_version(struct emu_store *st, const char *bucket, const char *key,
                                    const char *version_id, struct emu_delete_info *info)
{
    char file[40], path[4096], status[16];
    struct emu_delete_info dummy;
    sqlite3_stmt *s = NULL;
    int rc;

    if (!info)
        info = &dummy;
    memset(info, 0, sizeof(*info));
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, bucket, status);
    if (rc == 0 && (status[0] || (version_id && strcmp(version_id, "null") != 0))) {
        rc = store_version_delete_locked(st, bucket, key, version_id, status, info);
        pthread_mutex_unlock(&st->lock);
        return rc;
    }
    if (rc == 0)
        rc = current_file_locked(st, bucket, key, file, sizeof(file));
    if (rc == 0 && !file[0])
        rc = -ENOENT;
    if (rc == 0)
        rc = store_prepare(st, "DELETE FROM objects WHERE bucket=?1 AND key=?2", &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    if (rc == 0) {
        store_object_path(st, file, path, sizeof(path));
        unlink(path);
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_upload_complete(struct emu_store *st, const char *upload_id, struct emu_object *o,
                              const char *data_path, int forbid_overwrite)
{
    struct emu_upload u;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_upload_get_locked(st, o->bucket, upload_id, &u);
    emu_upload_cleanup(&u);
    if (rc == 0)
        rc = store_object_put_locked(st, o, data_path, forbid_overwrite);
    if (rc == 0)
        rc = store_upload_drop_locked(st, upload_id);
    pthread_mutex_unlock(&st->lock);
    return rc;
}
