/* The bottom of the store: SQLite plumbing shared by every store file (error mapping, the
 * prepared-statement cache, binding and column helpers, one-row queries and updates), file
 * names of object data and random ids. Calls nothing else of the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "oss/codec.h"
#include "store_priv.h"

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

int store_add_columns(struct emu_store *st, const char *probe, const char *alter)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, probe, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_finalize(s);
        return 0;
    }
    return store_err(sqlite3_exec(st->db, alter, NULL, NULL, NULL));
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

int store_step_one(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);

    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? -ENOENT : store_err(rc);
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

/* Runs one statement with up to three text parameters; returns the number of changed rows
 * (>= 0) or a negative errno. Caller holds the lock. */
int store_exec3_locked(struct emu_store *st, const char *sql, const char *a, const char *b,
                       const char *c)
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

char *store_dup_text(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    int n = sqlite3_column_bytes(s, col);
    char *p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    if (t)
        memcpy(p, t, (size_t)n);
    p[n] = 0;
    return p;
}

int store_collect(sqlite3_stmt *s, size_t max, size_t size,
                  int (*decode)(sqlite3_stmt *s, void *elem), struct store_rows *r)
{
    int rc;
    memset(r, 0, sizeof(*r));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (r->n == max) {
            r->truncated = 1;
            return 0;
        }
        if (oss_array_grow(&r->v, &r->cap, r->n + 1, size) < 0 ||
            decode(s, (char *)r->v + r->n * size) < 0)
            return -ENOMEM;
        r->n++;
    }
    return store_err(rc);
}

int store_rows_out(struct store_rows *r, int rc, void **out, size_t *n, int *truncated)
{
    if (rc < 0) {
        free(r->v);
        memset(r, 0, sizeof(*r));
    }
    *out = r->v;
    *n = r->n;
    *truncated = r->truncated;
    return rc;
}

/* 32 random hex digits, upper-case when upper. */
static int random_hex(char out[33], int upper)
{
    unsigned char r[16];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return -EIO;
    oss_hex(r, sizeof(r), upper, out);
    return 0;
}

int store_random_hex(char out[33])
{
    return random_hex(out, 1);
}

int store_random_name(char out[33])
{
    return random_hex(out, 0);
}
