/* ListObjectVersions in the store: every version and delete marker of a bucket, keys in byte
 * order and each key's versions newest first, with prefix, delimiter and the key-marker /
 * version-id-marker resume point (oss-api.md 6.5). Walks the current and the kept versions
 * merged by SQLite, jumping past keys collapsed into a common prefix. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

/* The listing walk's state. */
struct vwalk {
    sqlite3_stmt *s;
    const char *prefix, *delim, *kmark, *vmark;
    size_t plen, dlen, max, cap;
    char *cur_key; /* key of the previous row, to tell each key's newest version */
    int passed;    /* the version-id-marker row has been seen */
    struct emu_list_result *out;
};

static void seek(struct vwalk *w, const char *from, size_t len)
{
    sqlite3_reset(w->s);
    sqlite3_bind_text(w->s, 2, from, (int)len, SQLITE_TRANSIENT);
}

/* Handles a key under a common prefix: emits the prefix once, then jumps past it. Returns 1
 * to stop (page full or end of key space), 0 to go on, or -errno. */
static int common_prefix(struct vwalk *w, const char *key, const char *d)
{
    size_t cplen = (size_t)(d - key) + w->dlen;
    char *cp = strndup(key, cplen);
    int rc = 0;

    if (!cp)
        return -ENOMEM;
    if (strcmp(cp, w->kmark) > 0) {
        if (w->out->n == w->max) {
            w->out->truncated = 1;
            free(cp);
            return 1;
        }
        if ((rc = store_list_push(w->out, &w->cap)) < 0 ||
            !(w->out->entries[w->out->n].obj.key = strdup(cp))) {
            free(cp);
            return rc < 0 ? rc : -ENOMEM;
        }
        w->out->entries[w->out->n++].is_prefix = 1;
    }
    if (store_key_successor(cp, &cplen) < 0) {
        free(cp);
        return 1;
    }
    seek(w, cp, cplen);
    free(cp);
    return 0;
}

static int walk(struct vwalk *w)
{
    int rc;
    for (;;) {
        const char *key, *d;
        size_t klen;
        rc = store_list_step(w->s, w->prefix, w->plen, w->delim, w->dlen, &key, &klen, &d);
        if (rc <= 0)
            return rc;
        if (d) {
            rc = common_prefix(w, key, d);
            if (rc != 0)
                return rc < 0 ? rc : 0;
            continue;
        }
        int latest = !w->cur_key || strcmp(w->cur_key, key) != 0;
        if (latest) {
            free(w->cur_key);
            if (!(w->cur_key = strdup(key)))
                return -ENOMEM;
        }
        int cmp = strcmp(key, w->kmark);
        if (cmp < 0 || (cmp == 0 && !w->vmark))
            continue;
        if (cmp == 0 && !w->passed) {
            const char *vid = (const char *)sqlite3_column_text(w->s, 12);
            w->passed = vid && !strcmp(vid, w->vmark);
            continue;
        }
        if (w->out->n == w->max) {
            w->out->truncated = 1;
            return 0;
        }
        if ((rc = store_list_push(w->out, &w->cap)) < 0)
            return rc;
        struct emu_object *o = &w->out->entries[w->out->n].obj;
        if ((rc = store_row_to_object(w->s, 0, o)) < 0)
            return rc;
        const unsigned char *vid = sqlite3_column_text(w->s, 12);
        snprintf(o->version_id, sizeof(o->version_id), "%s", vid ? (const char *)vid : "null");
        o->delete_marker = sqlite3_column_int(w->s, 14);
        o->is_latest = latest;
        w->out->n++;
    }
}

int emu_store_list_versions(struct emu_store *st, const char *bucket, const char *prefix,
                            const char *delimiter, const char *key_marker,
                            const char *version_id_marker, size_t max, struct emu_list_result *out)
{
    struct vwalk w = {0};
    const char *from;
    int rc;

    memset(out, 0, sizeof(*out));
    w.prefix = prefix ? prefix : "";
    w.delim = delimiter ? delimiter : "";
    w.kmark = key_marker ? key_marker : "";
    w.vmark = version_id_marker && *version_id_marker && *w.kmark ? version_id_marker : NULL;
    w.plen = strlen(w.prefix);
    w.dlen = strlen(w.delim);
    w.max = max;
    w.out = out;
    from = strcmp(w.prefix, w.kmark) > 0 ? w.prefix : w.kmark;
    pthread_mutex_lock(&st->lock);
    rc = store_prepare(
        st,
        "SELECT * FROM (SELECT " STORE_VERSION_COLUMNS ", 0 AS dm FROM objects WHERE bucket=?1 AND"
        " key >= ?2 UNION ALL SELECT " STORE_VERSION_COLUMNS ", delete_marker FROM object_versions"
        " WHERE bucket=?1 AND key >= ?2) ORDER BY key, seq DESC",
        &w.s);
    if (rc == 0) {
        sqlite3_bind_text(w.s, 1, bucket, -1, SQLITE_TRANSIENT);
        seek(&w, from, strlen(from));
        rc = walk(&w);
    }
    store_finish(st, w.s);
    pthread_mutex_unlock(&st->lock);
    free(w.cur_key);
    if (rc < 0)
        emu_list_result_cleanup(out);
    return rc;
}
