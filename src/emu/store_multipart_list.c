/* Listing pending multipart uploads in the store (ListMultipartUploads order and markers),
 * and the counts DeleteBucket and statistics need. The rest is store_multipart.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

int emu_store_upload_list(struct emu_store *st, const char *bucket, const char *prefix,
                          const char *key_marker, const char *upload_id_marker, size_t max,
                          struct emu_upload **out, size_t *n, int *truncated)
{
    struct emu_upload *v = NULL;
    sqlite3_stmt *s = NULL;
    size_t cnt = 0, cap = 0;
    const char *km = key_marker ? key_marker : "";
    int rc;

    *out = NULL;
    *n = 0;
    *truncated = 0;
    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st,
                       "SELECT " STORE_UPLOAD_COLUMNS " FROM uploads WHERE bucket=?1"
                       " AND substr(CAST(key AS BLOB), 1, ?2) = CAST(?3 AS BLOB) AND (key > ?4 OR "
                       "(key = ?4 AND ?5 IS NOT NULL"
                       " AND upload_id > ?5)) ORDER BY key, upload_id",
                       &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, prefix ? (sqlite3_int64)strlen(prefix) : 0);
        sqlite3_bind_text(s, 3, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, km, -1, SQLITE_TRANSIENT);
        if (upload_id_marker && *upload_id_marker && *km)
            sqlite3_bind_text(s, 5, upload_id_marker, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (cnt == max) {
                *truncated = 1;
                break;
            }
            if (cnt == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct emu_upload *nv = realloc(v, nc * sizeof(*v));
                if (!nv) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                v = nv;
                cap = nc;
            }
            if (store_row_to_upload(s, &v[cnt]) < 0) {
                rc = SQLITE_NOMEM;
                break;
            }
            cnt++;
        }
        rc = store_err(rc);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    if (rc < 0) {
        for (size_t i = 0; i < cnt; i++)
            emu_upload_cleanup(&v[i]);
        free(v);
        return rc;
    }
    *out = v;
    *n = cnt;
    return 0;
}

int emu_store_upload_count(struct emu_store *st, const char *bucket, uint64_t *count)
{
    int64_t n = 0;
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = store_query_ints_locked(st, "SELECT count(*) FROM uploads WHERE bucket=?1", bucket, &n,
                                 NULL);
    pthread_mutex_unlock(&st->lock);
    *count = rc == 0 ? (uint64_t)n : 0;
    return rc;
}

int store_multipart_bucket_empty_locked(struct emu_store *st, const char *bucket)
{
    return store_none_locked(st, "SELECT 1 FROM uploads WHERE bucket=?1 LIMIT 1", bucket);
}
