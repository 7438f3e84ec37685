/* Multipart uploads in the store (oss-api.md 6.8): pending uploads and their parts' metadata in
 * SQLite, part bytes under DIR/parts, either in a file of the part's own named by a random id or
 * in its slot of the upload's assembly file (store_multipart_slot.c says when). Both survive a
 * restart (the DIR/tmp sweep at open does not touch DIR/parts). Completion (store_version.c)
 * stores the object through the ordinary put (versioning included) and drops the upload under
 * one lock. Listing is in store_multipart_list.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_priv.h"

#define STORE_UPLOAD_COLUMNS                                                                       \
    "upload_id, bucket, key, initiated, content_type, acl, headers, storage_class"
#define PART_COLUMNS "part_number, size, etag, crc64, mtime, file, data_offset"

/* The tables of an older store lack the stride of an upload and the offset of a part. */
static int add_slot_columns(struct emu_store *st)
{
    return store_add_columns(
        st, "SELECT stride FROM uploads LIMIT 0",
        "ALTER TABLE uploads ADD COLUMN stride INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE parts ADD COLUMN data_offset INTEGER NOT NULL DEFAULT 0;");
}

int store_multipart_init(struct emu_store *st)
{
    char path[4096];
    int rc = sqlite3_exec(
        st->db,
        "CREATE TABLE IF NOT EXISTS uploads("
        " upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,"
        " initiated INTEGER NOT NULL, content_type TEXT NOT NULL, acl TEXT NOT NULL,"
        " headers TEXT NOT NULL, storage_class TEXT NOT NULL,"
        " stride INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key, upload_id);"
        "CREATE TABLE IF NOT EXISTS parts("
        " upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL,"
        " etag TEXT NOT NULL, crc64 INTEGER NOT NULL, mtime INTEGER NOT NULL, file TEXT NOT NULL,"
        " data_offset INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY(upload_id, part_number)) WITHOUT ROWID;",
        NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_err(rc);
    if ((rc = add_slot_columns(st)) < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/parts", st->dir);
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

void store_part_path(const struct emu_store *st, const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s/parts/%s", st->dir, file);
}

void store_assembly_name(const char *upload_id, char out[40])
{
    snprintf(out, 40, "%.32s.asm", upload_id);
}

void emu_upload_cleanup(struct emu_upload *u)
{
    if (!u)
        return;
    free(u->bucket);
    free(u->key);
    free(u->content_type);
    free(u->headers);
    memset(u, 0, sizeof(*u));
}

int store_row_to_upload(sqlite3_stmt *s, struct emu_upload *u)
{
    memset(u, 0, sizeof(*u));
    store_copy_text(u->upload_id, sizeof(u->upload_id), s, 0);
    u->bucket = store_dup_text(s, 1);
    u->key = store_dup_text(s, 2);
    u->initiated = (time_t)sqlite3_column_int64(s, 3);
    u->content_type = store_dup_text(s, 4);
    store_copy_text(u->acl, sizeof(u->acl), s, 5);
    u->headers = store_dup_text(s, 6);
    store_copy_text(u->storage_class, sizeof(u->storage_class), s, 7);
    if (!u->bucket || !u->key || !u->content_type || !u->headers) {
        emu_upload_cleanup(u);
        return -ENOMEM;
    }
    return 0;
}

static int row_to_part(sqlite3_stmt *s, void *elem)
{
    struct emu_part *p = elem;
    memset(p, 0, sizeof(*p));
    p->part_number = (unsigned)sqlite3_column_int(s, 0);
    p->size = (uint64_t)sqlite3_column_int64(s, 1);
    store_copy_text(p->etag, sizeof(p->etag), s, 2);
    p->crc64 = (uint64_t)sqlite3_column_int64(s, 3);
    p->mtime = (time_t)sqlite3_column_int64(s, 4);
    store_copy_text(p->file, sizeof(p->file), s, 5);
    p->offset = (uint64_t)sqlite3_column_int64(s, 6);
    return 0;
}

int emu_store_upload_create(struct emu_store *st, struct emu_upload *u)
{
    char status[16];
    sqlite3_stmt *s = NULL;
    int rc = store_random_hex(u->upload_id);

    if (rc < 0)
        return rc;
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, u->bucket, status); /* the bucket exists */
    if (rc == 0)
        rc = store_prepare(
            st, "INSERT INTO uploads(" STORE_UPLOAD_COLUMNS ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
            &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, u->upload_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, u->bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, u->key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)u->initiated);
        sqlite3_bind_text(s, 5, u->content_type ? u->content_type : "application/octet-stream", -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, u->acl[0] ? u->acl : "default", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 7, u->headers ? u->headers : "{}", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 8, u->storage_class[0] ? u->storage_class : "Standard", -1,
                          SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

/* Loads the upload (bucket NULL: any bucket). Caller locks. */
int store_upload_get_locked(struct emu_store *st, const char *bucket, const char *upload_id,
                            struct emu_upload *out)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT " STORE_UPLOAD_COLUMNS " FROM uploads WHERE upload_id=?1 AND"
                           " (?2 IS NULL OR bucket=?2)",
                           &s);
    memset(out, 0, sizeof(*out));
    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        if (bucket)
            sqlite3_bind_text(s, 2, bucket, -1, SQLITE_TRANSIENT);
        rc = store_step_one(s);
        if (rc == 0)
            rc = store_row_to_upload(s, out);
    }
    store_finish(st, s);
    return rc;
}

int emu_store_upload_get(struct emu_store *st, const char *bucket, const char *upload_id,
                         struct emu_upload *out)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    rc = store_upload_get_locked(st, bucket, upload_id, out);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int store_part_where_locked(struct emu_store *st, const char *upload_id, unsigned n, char file[40],
                            uint64_t *offset)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(
        st, "SELECT file, data_offset FROM parts WHERE upload_id=?1 AND part_number=?2", &s);
    file[0] = 0;
    *offset = 0;
    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 2, (int)n);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            store_copy_text(file, 40, s, 0);
            *offset = (uint64_t)sqlite3_column_int64(s, 1);
            rc = 0;
        } else {
            rc = store_err(rc);
        }
    }
    store_finish(st, s);
    return rc;
}

int store_part_insert_locked(struct emu_store *st, const char *upload_id, const struct emu_part *p)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT OR REPLACE INTO parts(upload_id, " PART_COLUMNS
                           ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                           &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 2, (int)p->part_number);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)p->size);
        sqlite3_bind_text(s, 4, p->etag, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)p->crc64);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)p->mtime);
        sqlite3_bind_text(s, 7, p->file, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 8, (sqlite3_int64)p->offset);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    return rc;
}

void store_part_forget(struct emu_store *st, const char *upload_id, const char *file)
{
    char asm_name[40], path[4096];

    store_assembly_name(upload_id, asm_name);
    if (!file[0] || strcmp(file, asm_name) == 0)
        return; /* no part, or one in its slot: the slot's bytes are simply no longer read */
    store_part_path(st, file, path, sizeof(path));
    unlink(path);
}

static pthread_mutex_t *upload_lock_of(struct emu_store *st, const char *upload_id)
{
    unsigned h = 5381;
    for (const char *c = upload_id; *c; c++)
        h = h * 33 + (unsigned char)*c;
    return &st->upload_locks[h % STORE_UPLOAD_LOCKS];
}

void emu_store_upload_lock(struct emu_store *st, const char *upload_id)
{
    pthread_mutex_lock(upload_lock_of(st, upload_id));
}

void emu_store_upload_unlock(struct emu_store *st, const char *upload_id)
{
    pthread_mutex_unlock(upload_lock_of(st, upload_id));
}

static int part_put(struct emu_store *st, const char *upload_id, struct emu_part *p,
                    const char *data_path)
{
    char id[33], old[40], dst[4096];
    struct emu_upload u;
    uint64_t old_off;
    int rc = store_random_hex(id);

    if (rc < 0)
        return rc;
    pthread_mutex_lock(&st->lock);
    rc = store_upload_get_locked(st, NULL, upload_id, &u);
    emu_upload_cleanup(&u);
    if (rc == 0)
        rc = store_part_where_locked(st, upload_id, p->part_number, old, &old_off);
    if (rc == 0) {
        snprintf(p->file, sizeof(p->file), "%s", id);
        p->offset = 0;
        store_part_path(st, p->file, dst, sizeof(dst));
        rc = rename(data_path, dst) < 0 ? -errno : 0;
    }
    if (rc == 0) {
        rc = store_part_insert_locked(st, upload_id, p);
        if (rc < 0)
            rename(dst, data_path);
        else
            store_part_forget(st, upload_id, old);
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int emu_store_part_put(struct emu_store *st, const char *upload_id, struct emu_part *p,
                       const char *data_path)
{
    emu_store_upload_lock(st, upload_id);
    int rc = part_put(st, upload_id, p, data_path);
    emu_store_upload_unlock(st, upload_id);
    return rc;
}

int emu_store_part_list(struct emu_store *st, const char *upload_id, unsigned after, size_t max,
                        struct emu_part **out, size_t *n, int *truncated)
{
    struct store_rows rows = {0};
    sqlite3_stmt *s = NULL;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st,
                       "SELECT " PART_COLUMNS " FROM parts WHERE upload_id=?1 AND part_number > ?2"
                       " ORDER BY part_number",
                       &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)after);
        rc = store_collect(s, max, sizeof(struct emu_part), row_to_part, &rows);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return store_rows_out(&rows, rc, (void **)out, n, truncated);
}

int emu_store_part_open(struct emu_store *st, const struct emu_part *p)
{
    char path[4096];
    int fd;
    store_part_path(st, p->file, path, sizeof(path));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (p->offset && lseek(fd, (off_t)p->offset, SEEK_SET) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

/* Deletes the upload's rows and then its part files and assembly file. Caller locks. */
int store_upload_drop_locked(struct emu_store *st, const char *upload_id)
{
    char(*files)[40] = NULL, path[4096];
    size_t n = 0, cap = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT file FROM parts WHERE upload_id=?1", &s);

    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (oss_array_grow((void **)&files, &cap, n + 1, sizeof(*files)) < 0) {
                rc = SQLITE_NOMEM;
                break;
            }
            store_copy_text(files[n++], 40, s, 0);
        }
        rc = store_err(rc);
    }
    store_finish(st, s);
    s = NULL;
    if (rc == 0)
        rc = store_err(sqlite3_exec(st->db, "SAVEPOINT emu_upload", NULL, NULL, NULL));
    if (rc == 0) {
        const char *sql[] = {"DELETE FROM parts WHERE upload_id=?1",
                             "DELETE FROM uploads WHERE upload_id=?1"};
        for (int i = 0; i < 2 && rc == 0; i++) {
            rc = store_prepare(st, sql[i], &s);
            if (rc == 0) {
                sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
                rc = store_err(sqlite3_step(s));
            }
            store_finish(st, s);
            s = NULL;
        }
        if (rc == 0)
            rc = store_err(sqlite3_exec(st->db, "RELEASE emu_upload", NULL, NULL, NULL));
        else
            sqlite3_exec(st->db, "ROLLBACK TO emu_upload; RELEASE emu_upload", NULL, NULL, NULL);
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        store_part_forget(st, upload_id, files[i]);
    if (rc == 0) { /* completion may have made it the object's data file already */
        char asm_name[40];
        store_assembly_name(upload_id, asm_name);
        store_part_path(st, asm_name, path, sizeof(path));
        unlink(path);
    }
    free(files);
    return rc;
}

int emu_store_upload_abort(struct emu_store *st, const char *bucket, const char *upload_id)
{
    struct emu_upload u;
    int rc;

    emu_store_upload_lock(st, upload_id);
    pthread_mutex_lock(&st->lock);
    rc = store_upload_get_locked(st, bucket, upload_id, &u);
    emu_upload_cleanup(&u);
    if (rc == 0)
        rc = store_upload_drop_locked(st, upload_id);
    pthread_mutex_unlock(&st->lock);
    emu_store_upload_unlock(st, upload_id);
    return rc;
}
