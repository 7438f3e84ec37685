/* AppendObject in the store: the in-place growth of an Appendable object's data file, its
 * combined CRC64 and chained ETag, on the current version under the store lock, so readers see
 * the old or the new record. (Header updates such as object tags are in store_object.c.) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "oss/crc64.h"
#include "store_priv.h"

#define MAX_APPEND_SIZE (5ULL * 1024 * 1024 * 1024)

/* Copies len bytes of src_path to fd at offset off. */
static int copy_at(const char *src_path, int fd, uint64_t off, uint64_t len)
{
    char buf[65536];
    int in = open(src_path, O_RDONLY | O_CLOEXEC), rc = 0;
    if (in < 0)
        return -errno;
    while (len > 0 && rc == 0) {
        ssize_t n = read(in, buf, len < sizeof(buf) ? len : sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : -EIO;
            break;
        }
        for (ssize_t done = 0; done < n && rc == 0;) {
            ssize_t w = pwrite(fd, buf + done, (size_t)(n - done), (off_t)off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                rc = -errno;
            else {
                done += w;
                off += (uint64_t)w;
            }
        }
        len -= (uint64_t)n;
    }
    close(in);
    return rc;
}

/* The ETag of an appended object: MD5 over the previous ETag and the MD5 of the new bytes, so
 * it changes with every append (OSS does not document its algorithm for Appendable objects). */
static void next_etag(const char *prev, const unsigned char md5[16], char out[72])
{
    char hex[33], in[72 + 33];
    unsigned char d[16];
    oss_hex(md5, 16, 1, hex);
    snprintf(in, sizeof(in), "%s%s", prev, hex);
    oss_md5(in, strlen(in), d);
    oss_hex(d, 16, 1, out);
}

static int update_locked(struct emu_store *st, const struct emu_object *o)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE objects SET size=?1, crc64=?2, etag=?3, mtime=?4"
                           " WHERE bucket=?5 AND key=?6",
                           &s);
    if (rc == 0) {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)o->size);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)o->crc64);
        sqlite3_bind_text(s, 3, o->etag, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)o->mtime);
        sqlite3_bind_text(s, 5, o->bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, o->key, -1, SQLITE_TRANSIENT);
        rc = store_err(sqlite3_step(s));
    }
    store_finish(st, s);
    return rc;
}

/* Grows the existing Appendable object *cur by the bytes at data_path. Caller locks. */
static int grow_locked(struct emu_store *st, struct emu_object *cur, const char *data_path,
                       uint64_t len, uint64_t crc, const unsigned char md5[16])
{
    char path[4096];
    uint64_t old = cur->size;
    int fd, rc;

    store_object_path(st, cur->file, path, sizeof(path));
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    rc = copy_at(data_path, fd, old, len);
    if (rc == 0) {
        cur->size = old + len;
        cur->crc64 = oss_crc64_combine(cur->crc64, crc, len);
        next_etag(cur->etag, md5, cur->etag);
        cur->mtime = time(NULL);
        rc = update_locked(st, cur);
    }
    if (rc < 0 && ftruncate(fd, (off_t)old) < 0)
        rc = -EIO;
    close(fd);
    return rc;
}

int emu_store_object_append(struct emu_store *st, struct emu_object *tmpl, uint64_t position,
                            const char *data_path, uint64_t len, uint64_t crc,
                            const unsigned char md5[16], struct emu_object *out, uint64_t *cur_size)
{
    struct emu_object cur;
    char status[16];
    int rc;

    memset(out, 0, sizeof(*out));
    *cur_size = 0;
    pthread_mutex_lock(&st->lock);
    rc = store_versioning_locked(st, tmpl->bucket, status); /* -ENOENT: no bucket */
    if (rc == 0)
        rc = store_object_get_locked(st, tmpl->bucket, tmpl->key, &cur);
    if (rc == -ENOENT && store_versioning_locked(st, tmpl->bucket, status) == 0) {
        /* the bucket exists but the key does not: a new Appendable object */
        if (position != 0) {
            rc = -ESPIPE;
        } else if (len > MAX_APPEND_SIZE) {
            rc = -EFBIG;
        } else {
            snprintf(tmpl->type, sizeof(tmpl->type), "Appendable");
            rc = store_object_put_locked(st, tmpl, data_path, 0);
            if (rc == 0)
                rc = store_object_get_locked(st, tmpl->bucket, tmpl->key, out);
            if (rc == 0)
                rc = 1; /* created: data_path was renamed into place */
        }
        pthread_mutex_unlock(&st->lock);
        return rc;
    }
    if (rc == 0) {
        *cur_size = cur.size;
        if (strcmp(cur.type, "Appendable") != 0)
            rc = -EPERM;
        else if (cur.size != position)
            rc = -ESPIPE;
        else if (cur.size + len > MAX_APPEND_SIZE)
            rc = -EFBIG;
        else
            rc = grow_locked(st, &cur, data_path, len, crc, md5);
        if (rc == 0)
            *out = cur;
        else
            emu_object_cleanup(&cur);
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}
