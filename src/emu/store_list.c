/* Object listings in byte order with prefix, delimiter and an exclusive start point. SQLite
 * walks the (bucket, key) primary key; common prefixes are collapsed here, and after one is
 * emitted the walk jumps past every key that shares it instead of stepping over them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

void emu_list_result_cleanup(struct emu_list_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        emu_object_cleanup(&r->entries[i].obj);
    free(r->entries);
    memset(r, 0, sizeof(*r));
}

/* The smallest string greater than every string starting with p (of length *len, updated in
 * place): drop trailing 0xFF bytes, then increment the last byte. Returns 0, or -ENOENT when
 * no such string exists (p was all 0xFF bytes). */
int store_key_successor(char *p, size_t *len)
{
    while (*len > 0 && (unsigned char)p[*len - 1] == 0xff)
        (*len)--;
    if (*len == 0)
        return -ENOENT;
    p[*len - 1] = (char)((unsigned char)p[*len - 1] + 1);
    p[*len] = 0;
    return 0;
}

int store_list_step(sqlite3_stmt *s, const char *prefix, size_t plen, const char *delim,
                    size_t dlen, const char **key, size_t *klen, const char **d)
{
    *key = *d = NULL;
    *klen = 0;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return store_err(rc);
    *key = (const char *)sqlite3_column_text(s, 1);
    *klen = (size_t)sqlite3_column_bytes(s, 1);
    if (!*key || *klen < plen || memcmp(*key, prefix, plen) != 0)
        return 0;
    *d = dlen ? memmem(*key + plen, *klen - plen, delim, dlen) : NULL;
    return 1;
}

int store_list_push(struct emu_list_result *r, size_t *cap)
{
    if (oss_array_grow((void **)&r->entries, cap, r->n + 1, sizeof(*r->entries)) < 0)
        return -ENOMEM;
    memset(&r->entries[r->n], 0, sizeof(r->entries[r->n]));
    return 0;
}

/* The walk's statement, restarted from a new inclusive lower bound (copied by SQLite). */
struct walk {
    sqlite3_stmt *s;
};

static void walk_seek(struct walk *w, const char *from, size_t len)
{
    sqlite3_reset(w->s);
    sqlite3_bind_text(w->s, 2, from, (int)len, SQLITE_TRANSIENT);
}

static int list_locked(struct emu_store *st, const char *bucket, const char *prefix,
                       const char *delim, const char *after, size_t max,
                       struct emu_list_result *out, struct walk *w)
{
    size_t plen = strlen(prefix), dlen = strlen(delim), alen = strlen(after), cap = 0;
    /* One lower bound, the greater of the prefix and the least key after `after` (that key
     * followed by \x01: no key holds a NUL). SQLite's index search uses one bound on a column;
     * given two it searched from the prefix and filtered, so each page of a deep listing
     * scanned every key before it. Later seeks only move forward, past `after` already. */
    char *next = NULL;
    if (alen && strcmp(after, prefix) >= 0) {
        if (!(next = malloc(alen + 2)))
            return -ENOMEM;
        memcpy(next, after, alen);
        next[alen] = '\x01';
        next[alen + 1] = 0;
    }
    int rc = store_prepare(st,
                           "SELECT " STORE_OBJECT_COLUMNS " FROM objects WHERE bucket=?1"
                           " AND key >= ?2 ORDER BY key",
                           &w->s);
    if (rc < 0) {
        free(next);
        return rc;
    }
    sqlite3_bind_text(w->s, 1, bucket, -1, SQLITE_TRANSIENT);
    if (next)
        walk_seek(w, next, alen + 1);
    else
        walk_seek(w, prefix, plen);
    free(next);

    for (;;) {
        const char *key, *d;
        size_t klen;
        if ((rc = store_list_step(w->s, prefix, plen, delim, dlen, &key, &klen, &d)) <= 0)
            return rc; /* the end, or past the prefix range */
        if (d) {
            size_t cplen = (size_t)(d - key) + dlen;
            char *cp = strndup(key, cplen);
            if (!cp)
                return -ENOMEM;
            if (strcmp(cp, after) > 0) {
                if (out->n == max) {
                    out->truncated = 1;
                    free(cp);
                    return 0;
                }
                if ((rc = store_list_push(out, &cap)) < 0) {
                    free(cp);
                    return rc;
                }
                out->entries[out->n].is_prefix = 1;
                out->entries[out->n++].obj.key = strdup(cp);
                if (!out->entries[out->n - 1].obj.key) {
                    free(cp);
                    return -ENOMEM;
                }
            }
            /* Jump past every key sharing this common prefix. */
            rc = store_key_successor(cp, &cplen);
            if (rc == 0)
                walk_seek(w, cp, cplen);
            free(cp);
            if (rc < 0)
                return 0;
            continue;
        }
        if (out->n == max) {
            out->truncated = 1;
            return 0;
        }
        if ((rc = store_list_push(out, &cap)) < 0)
            return rc;
        if ((rc = store_row_to_object(w->s, 0, &out->entries[out->n].obj)) < 0)
            return rc;
        out->n++;
    }
}

int emu_store_list(struct emu_store *st, const char *bucket, const char *prefix,
                   const char *delimiter, const char *after, size_t max,
                   struct emu_list_result *out)
{
    struct walk w = {0};
    int rc;

    memset(out, 0, sizeof(*out));
    prefix = prefix ? prefix : "";
    delimiter = delimiter ? delimiter : "";
    after = after ? after : "";
    pthread_mutex_lock(&st->lock);
    rc = list_locked(st, bucket, prefix, delimiter, after, max, out, &w);
    store_finish(st, w.s);
    pthread_mutex_unlock(&st->lock);
    if (rc < 0)
        emu_list_result_cleanup(out);
    return rc;
}
