/* The store's database: opening DIR/meta.db (schema, WAL, busy timeout), the bucket records
 * and named bucket settings. Objects are in store_object.c, listings in store_list.c. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_priv.h"

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS buckets("
    " name TEXT PRIMARY KEY, owner TEXT NOT NULL, acl TEXT NOT NULL,"
    " access_monitor TEXT NOT NULL, region TEXT NOT NULL, storage_class TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS bucket_settings("
    " bucket TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(bucket, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS objects("
    " bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,"
    " crc64 INTEGER NOT NULL, mtime INTEGER NOT NULL, type TEXT NOT NULL,"
    " content_type TEXT NOT NULL, acl TEXT NOT NULL, headers TEXT NOT NULL,"
    " storage_class TEXT NOT NULL, file TEXT NOT NULL,"
    " PRIMARY KEY(bucket, key)) WITHOUT ROWID;";

int store_err(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return 0;
    case SQLITE_NOMEM:
        return -ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return -EBUSY;
    case SQLITE_FULL:
        return -ENOSPC;
    case SQLITE_CONSTRAINT:
        return -EEXIST;
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return -EACCES;
    default:
        return -EIO;
    }
}

static unsigned sql_hash(const char *sql)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* Statements are kept prepared in st->cache, one per SQL text, and lent to one user at a
 * time (busy); a second user of the same text while the first still holds it (a nested query)
 * or a full table gets a statement of its own, finalized by store_finish. */
int store_prepare(struct emu_store *st, const char *sql, sqlite3_stmt **out)
{
    unsigned h = sql_hash(sql), free_slot = STORE_CACHE_SIZE;
    int rc;

    *out = NULL;
    pthread_mutex_lock(&st->cache_lock);
    for (unsigned i = 0; i < STORE_CACHE_SIZE; i++) {
        struct store_cached *e = &st->cache[(h + i) % STORE_CACHE_SIZE];
        if (!e->stmt) {
            free_slot = (h + i) % STORE_CACHE_SIZE;
            break;
        }
        if (e->hash == h && strcmp(sqlite3_sql(e->stmt), sql) == 0) {
            if (e->busy)
                break;
            e->busy = 1;
            *out = e->stmt;
            pthread_mutex_unlock(&st->cache_lock);
            return 0;
        }
    }
    rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc == SQLITE_OK && *out && free_slot < STORE_CACHE_SIZE) {
        st->cache[free_slot].stmt = *out;
        st->cache[free_slot].hash = h;
        st->cache[free_slot].busy = 1;
    }
    pthread_mutex_unlock(&st->cache_lock);
    return store_err(rc);
}

void store_finish(struct emu_store *st, sqlite3_stmt *s)
{
    if (!s)
        return;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    pthread_mutex_lock(&st->cache_lock);
    unsigned h = sql_hash(sqlite3_sql(s));
    for (unsigned i = 0; i < STORE_CACHE_SIZE; i++) {
        struct store_cached *e = &st->cache[(h + i) % STORE_CACHE_SIZE];
        if (!e->stmt)
            break;
        if (e->stmt == s) {
            e->busy = 0;
            pthread_mutex_unlock(&st->cache_lock);
            return;
        }
    }
    pthread_mutex_unlock(&st->cache_lock);
    sqlite3_finalize(s);
}

void store_bind_bk(sqlite3_stmt *s, const char *bucket, const char *key)
{
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
}

void store_copy_text(char *dst, size_t len, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    snprintf(dst, len, "%s", t ? (const char *)t : "");
}

int store_query_ints_locked(struct emu_store *st, const char *sql, const char *arg, int64_t *a,
                            int64_t *b)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *a = sqlite3_column_int64(s, 0);
            if (b)
                *b = sqlite3_column_int64(s, 1);
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    return rc;
}

int store_none_locked(struct emu_store *st, const char *sql, const char *arg)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        rc = rc == SQLITE_ROW ? -ENOTEMPTY : store_err(rc);
    }
    store_finish(st, s);
    return rc;
}

void store_object_path(const struct emu_store *st, const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", st->objects_dir, file);
}

static char *path_join(const char *a, const char *b)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", a, b) < 0)
        return NULL;
    return p;
}

static int ensure_dir(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return -errno;
}

/* Uploads interrupted by a crash or restart leave files in DIR/tmp; nobody refers to them. */
static void clear_tmp(const char *tmp_dir)
{
    DIR *d = opendir(tmp_dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* Creates the directories, opens meta.db in WAL mode with a busy timeout and the schema. */
int emu_store_open(const char *dir, struct emu_store **out)
{
    struct emu_store *st = calloc(1, sizeof(*st));
    char *dbpath = NULL;
    int rc;

    *out = NULL;
    if (!st)
        return -ENOMEM;
    pthread_mutex_init(&st->lock, NULL);
    pthread_mutex_init(&st->cache_lock, NULL);
    pthread_mutex_init(&st->config_lock, NULL);
    for (int i = 0; i < STORE_UPLOAD_LOCKS; i++)
        pthread_mutex_init(&st->upload_locks[i], NULL);
    st->dir = strdup(dir);
    st->objects_dir = path_join(dir, "objects");
    st->tmp_dir = path_join(dir, "tmp");
    dbpath = path_join(dir, "meta.db");
    if (!st->dir || !st->objects_dir || !st->tmp_dir || !dbpath) {
        rc = -ENOMEM;
        goto fail;
    }
    if ((rc = ensure_dir(dir)) < 0 || (rc = ensure_dir(st->objects_dir)) < 0 ||
        (rc = ensure_dir(st->tmp_dir)) < 0)
        goto fail;
    clear_tmp(st->tmp_dir);
    rc = sqlite3_open_v2(dbpath, &st->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = store_err(rc);
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 5000);
    rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
                      NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, schema, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = store_err(rc);
        goto fail;
    }
    if ((rc = store_version_init(st)) < 0 || (rc = store_multipart_init(st)) < 0)
        goto fail;
    free(dbpath);
    *out = st;
    return 0;
fail:
    free(dbpath);
    emu_store_close(st);
    return rc;
}

void emu_store_close(struct emu_store *st)
{
    if (!st)
        return;
    for (unsigned i = 0; i < STORE_CACHE_SIZE; i++)
        sqlite3_finalize(st->cache[i].stmt);
    if (st->db)
        sqlite3_close(st->db);
    pthread_mutex_destroy(&st->lock);
    pthread_mutex_destroy(&st->cache_lock);
    pthread_mutex_destroy(&st->config_lock);
    for (int i = 0; i < STORE_UPLOAD_LOCKS; i++)
        pthread_mutex_destroy(&st->upload_locks[i]);
    free(st->dir);
    free(st->objects_dir);
    free(st->tmp_dir);
    free(st);
}

void emu_store_config_lock(struct emu_store *st)
{
    pthread_mutex_lock(&st->config_lock);
}

void emu_store_config_unlock(struct emu_store *st)
{
    pthread_mutex_unlock(&st->config_lock);
}

static void copy_col(char *dst, size_t len, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    snprintf(dst, len, "%s", t ? (const char *)t : "");
}

#define BUCKET_COLUMNS "name, owner, acl, access_monitor, region, storage_class, created"

static void row_to_bucket(sqlite3_stmt *s, struct emu_bucket *b)
{
    copy_col(b->name, sizeof(b->name), s, 0);
    copy_col(b->owner, sizeof(b->owner), s, 1);
    copy_col(b->acl, sizeof(b->acl), s, 2);
    copy_col(b->access_monitor, sizeof(b->access_monitor), s, 3);
    copy_col(b->region, sizeof(b->region), s, 4);
    copy_col(b->storage_class, sizeof(b->storage_class), s, 5);
    b->created = (time_t)sqlite3_column_int64(s, 6);
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
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            row_to_bucket(s, out);
            rc = 0;
        } else {
            rc = rc == SQLITE_DONE ? -ENOENT : store_err(rc);
        }
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

/* Runs one statement with up to three text parameters; returns the number of changed rows
 * (>= 0) or a negative errno. Caller holds the lock. */
static int exec3(struct emu_store *st, const char *sql, const char *a, const char *b, const char *c)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s);
    if (rc == 0) {
        if (a)
            sqlite3_bind_text(s, 1, a, -1, SQLITE_TRANSIENT);
        if (b)
            sqlite3_bind_text(s, 2, b, -1, SQLITE_TRANSIENT);
        if (c)
            sqlite3_bind_text(s, 3, c, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
        if (rc == 0)
            rc = sqlite3_changes(st->db);
    }
    store_finish(st, s);
    return rc;
}

int emu_store_bucket_delete(struct emu_store *st, const char *name)
{
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_none_locked(st, "SELECT 1 FROM objects WHERE bucket=?1 LIMIT 1", name);
    if (rc == 0)
        rc = store_version_bucket_empty_locked(st, name);
    if (rc == 0)
        rc = store_multipart_bucket_empty_locked(st, name);
    if (rc == 0) {
        rc = exec3(st, "DELETE FROM buckets WHERE name=?1", name, NULL, NULL);
        if (rc == 0)
            rc = -ENOENT;
        else if (rc > 0)
            rc = exec3(st, "DELETE FROM bucket_settings WHERE bucket=?1", name, NULL, NULL);
    }
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}

static int bucket_update(struct emu_store *st, const char *sql, const char *name, const char *value)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = exec3(st, sql, value, name, NULL);
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
    struct emu_bucket *v = NULL;
    size_t cnt = 0;
    size_t plen = prefix ? strlen(prefix) : 0;
    int rc;

    *out = NULL;
    *n = 0;
    *truncated = 0;
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
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (cnt == max) {
                *truncated = 1;
                break;
            }
            struct emu_bucket *nv = realloc(v, (cnt + 1) * sizeof(*v));
            if (!nv) {
                rc = SQLITE_NOMEM;
                break;
            }
            v = nv;
            row_to_bucket(s, &v[cnt++]);
        }
        rc = store_err(rc);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = cnt;
    return 0;
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
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(s, 0);
            *value = strdup(t ? (const char *)t : "");
            rc = *value ? 0 : -ENOMEM;
        } else {
            rc = rc == SQLITE_DONE ? -ENOENT : store_err(rc);
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
    rc = exec3(st, "INSERT OR REPLACE INTO bucket_settings(bucket, name, value) VALUES(?1,?2,?3)",
               bucket, name, value);
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}

int emu_store_setting_delete(struct emu_store *st, const char *bucket, const char *name)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = exec3(st, "DELETE FROM bucket_settings WHERE bucket=?1 AND name=?2", bucket, name, NULL);
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}
