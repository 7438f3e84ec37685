/* Per-bucket and per-account counts for GetBucketStat and the bucket quota (oss-api.md 6.2,
 * 7.1): aggregates over the current objects, each storage class apart. */
#include <errno.h>
#include <string.h>

#include "store_priv.h"

/* Adds one storage class's totals to the matching bucket of *out. */
static void add_class(struct emu_bucket_stat *out, const char *sc, uint64_t n, uint64_t bytes)
{
    static const char *const names[EMU_STAT_CLASSES] = {"Standard", "IA", "Archive", "ColdArchive",
                                                        "DeepColdArchive"};
    for (int i = 0; i < EMU_STAT_CLASSES; i++)
        if (!strcmp(sc, names[i])) {
            out->class_objects[i] += n;
            out->class_bytes[i] += bytes;
            return;
        }
    out->class_objects[0] += n; /* unknown classes count as Standard */
    out->class_bytes[0] += bytes;
}

int emu_store_bucket_stat(struct emu_store *st, const char *bucket, struct emu_bucket_stat *out)
{
    sqlite3_stmt *s = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&st->lock);
    rc = store_prepare(st,
                       "SELECT storage_class, count(*), coalesce(sum(size), 0),"
                       " coalesce(max(mtime), 0) FROM objects WHERE bucket=?1"
                       " GROUP BY storage_class",
                       &s);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const unsigned char *sc = sqlite3_column_text(s, 0);
            uint64_t n = (uint64_t)sqlite3_column_int64(s, 1);
            uint64_t bytes = (uint64_t)sqlite3_column_int64(s, 2);
            time_t m = (time_t)sqlite3_column_int64(s, 3);
            add_class(out, sc ? (const char *)sc : "Standard", n, bytes);
            out->objects += n;
            out->bytes += bytes;
            if (m > out->last_modified)
                out->last_modified = m;
        }
        rc = store_err(rc);
    }
    store_finish(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}
