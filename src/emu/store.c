/* The top of the store: opening DIR/meta.db (schema, WAL, busy timeout) and the directories,
 * closing, and deleting a bucket (which asks every row kind whether the bucket is empty). The
 * layers below are listed in store_priv.h. */
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
    free(st->claims);
    free(st);
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
        rc = store_exec3_locked(st, "DELETE FROM buckets WHERE name=?1", name, NULL, NULL);
        if (rc == 0)
            rc = -ENOENT;
        else if (rc > 0)
            rc = store_exec3_locked(st, "DELETE FROM bucket_settings WHERE bucket=?1", name, NULL,
                                    NULL);
    }
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? rc : 0;
}
