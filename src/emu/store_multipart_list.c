/* Listing pending multipart uploads in the store (ListMultipartUploads order and markers),
 * and the counts DeleteBucket and statistics need. The rest is store_multipart.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

static int decode_upload(sqlite3_stmt *s, void *elem)
{
    return store_row_to_upload(s, elem);
}

int emu_store_upload_list(struct emu_store *st, const char *bucket, const char *prefix,
                          const char *key_marker, const char *upload_id_marker, size_t max,
                          struct emu_upload **out, size_t *n, int *truncated)
{
    struct store_rows rows = {0};
    sqlite3_stmt *s = NULL;
    const char *km = key_marker ? key_marker : "";
    int rc;

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
        rc = store_collect(s, max, sizeof(struct emu_upload), decode_upload, &rows);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    for (size_t i = 0; rc < 0 && i < rows.n; i++)
        emu_upload_cleanup((struct emu_upload *)rows.v + i);
    return store_rows_out(&rows, rc, (void **)out, n, truncated);
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
