/* The shared open-file state of objects (ofile.h): where a file's content is while it is open,
 * how writes, reads and truncations from any of its handles change it, and when it is
 * uploaded. Handles (file.c, io.c, setattr.c) and namespace operations (ns.c, rename.c) call
 * in here; uploads go through upload.c, staging files come from stage.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "data.h"
#include "inode.h"
#include "ofile.h"
#include "posix.h"

struct fs_ofile *fs_ofile_get_locked(struct fs_ctx *ctx, struct fs_inode *in, int writer)
{
    struct fs_ofile *of = in->of;
    if (!of) {
        of = calloc(1, sizeof(*of));
        if (!of || !(of->bucket = strdup(in->bucket))) {
            free(of);
            return NULL;
        }
        pthread_mutex_init(&of->lock, NULL);
        of->ctx = ctx;
        of->in = in;
        of->state = FS_W_CLEAN;
        of->size = in->size;
        of->stage_fd = -1;
        of->next = ctx->ofiles;
        if (ctx->ofiles)
            ctx->ofiles->prev = of;
        ctx->ofiles = of;
        in->of = of;
    }
    of->refs++;
    if (writer) {
        __atomic_add_fetch(&of->nwriters, 1, __ATOMIC_RELAXED);
        in->writers++;
    }
    return of;
}

struct fs_ofile *fs_ofile_hold_child(struct fs_ctx *ctx, fuse_ino_t parent, const char *name)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *c = fs_inode_child_locked(ctx, parent, name);
    struct fs_ofile *of = c && c->kind == FS_K_FILE ? c->of : NULL;
    if (of)
        of->refs++;
    pthread_mutex_unlock(&ctx->lock);
    return of;
}

static void ofile_free(struct fs_ofile *of)
{
    if (of->up)
        fs_upload_abort(of->up);
    if (of->stage_fd >= 0)
        close(of->stage_fd);
    pthread_mutex_destroy(&of->lock);
    free(of->bucket);
    free(of);
}

static unsigned writers_now(const struct fs_ofile *of)
{
    return __atomic_load_n(&of->nwriters, __ATOMIC_RELAXED);
}

void fs_ofile_put(struct fs_ofile *of, int writer)
{
    struct fs_ctx *ctx = of->ctx;
    pthread_mutex_lock(&of->lock);
    /* A failure that flush or fsync already reported is not retried behind the user's back. */
    if (writer && writers_now(of) == 1 && (of->dirty || of->state == FS_W_FAILED)) {
        int rc = of->err ? of->err : fs_ofile_commit(of);
        if (rc < 0)
            fs_log(ctx, LOG_ERR, "%s/%s: closed with an upload that failed; the data is not stored",
                   of->bucket, of->in->key);
    }
    pthread_mutex_lock(&ctx->lock);
    if (writer) {
        __atomic_sub_fetch(&of->nwriters, 1, __ATOMIC_RELAXED);
        if (of->in->writers > 0)
            of->in->writers--;
    }
    int last = --of->refs == 0;
    if (last) {
        if (of->prev)
            of->prev->next = of->next;
        else
            ctx->ofiles = of->next;
        if (of->next)
            of->next->prev = of->prev;
        of->in->of = NULL;
    }
    pthread_mutex_unlock(&ctx->lock);
    pthread_mutex_unlock(&of->lock);
    if (last)
        ofile_free(of);
}

/* The inode's key now (renames move it) in *key, malloc'ed, or NULL when the name is gone.
 * Returns 0 or -ENOMEM. */
static int current_key(struct fs_ofile *of, char **key)
{
    struct fs_ctx *ctx = of->ctx;
    pthread_mutex_lock(&ctx->lock);
    int gone = of->in->name == NULL;
    *key = gone ? NULL : strdup(of->in->key);
    pthread_mutex_unlock(&ctx->lock);
    return gone || *key ? 0 : -ENOMEM;
}

/* Mirrors the size into the inode (getattr, listings); stored says the server now has it. */
static void mirror(struct fs_ofile *of, int stored)
{
    struct fs_ctx *ctx = of->ctx;
    pthread_mutex_lock(&ctx->lock);
    of->in->size = of->size;
    of->in->mtime = time(NULL);
    if (stored) {
        of->in->attr_expires = fs_now() + ctx->opts.attr_timeout;
        fs_file_noted_locked(ctx, of->in);
    }
    pthread_mutex_unlock(&ctx->lock);
}

/* Drops the content wherever it is (an unfinished upload is aborted) and enters state. */
static void drop_content(struct fs_ofile *of, enum fs_wstate state)
{
    if (of->up)
        fs_upload_abort(of->up);
    of->up = NULL;
    if (of->stage_fd >= 0)
        close(of->stage_fd);
    of->stage_fd = -1;
    of->state = state;
}

static void fail(struct fs_ofile *of, int rc)
{
    drop_content(of, FS_W_FAILED);
    of->err = rc;
}

struct sink_fd {
    int fd;
    off_t off;
};

static int sink_to_fd(const void *data, size_t len, void *arg)
{
    struct sink_fd *s = arg;
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(s->fd, p, len, s->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
        s->off += n;
    }
    return 0;
}

/* CLEAN to STAGED: downloads the object into a new staging file (one GetObject). */
static int download(struct fs_ofile *of)
{
    struct fs_ctx *ctx = of->ctx;
    char *key;
    int rc = current_key(of, &key);
    if (rc < 0)
        return rc;
    if (!key)
        return -ENOENT; /* unlinked while clean: fs_ofile_detach stages before the name goes */
    int fd = fs_stage_open(ctx);
    if (fd < 0) {
        free(key);
        return fd;
    }
    struct sink_fd s = {fd, 0};
    struct oss_error err;
    rc = oss_get_object_to(ctx->client, of->bucket, key, NULL, 0, 0, sink_to_fd, &s, NULL, &err);
    if (rc < 0) {
        fs_log_oss(ctx, &err);
        close(fd);
    } else {
        of->stage_fd = fd;
        of->state = FS_W_STAGED;
        of->size = (uint64_t)s.off;
        mirror(of, 0);
    }
    free(key);
    return rc;
}

/* STREAMING to CLEAN (or FAILED): sends the rest and completes. A multipart upload is bound to
 * the key it started with; when the file was renamed meanwhile, the object then moves to the
 * current name (CopyObject + DeleteObject), as rename(2) promised. */
static int finish_stream(struct fs_ofile *of)
{
    struct fs_ctx *ctx = of->ctx;
    struct fs_upload *up = of->up;
    char *now;
    int rc = current_key(of, &now);
    if (rc < 0)
        return rc;
    if (!now) { /* unlinked: nothing to store (detach made the content local before) */
        fail(of, -ENOENT);
        return 0;
    }
    if (!fs_upload_started(up) && strcmp(now, fs_upload_key(up)) != 0 &&
        (rc = fs_upload_rekey(up, now)) < 0) {
        free(now);
        return rc;
    }
    uint64_t total = fs_upload_total(up);
    char *sent_to = strdup(fs_upload_key(up));
    if (!sent_to) {
        free(now);
        return -ENOMEM;
    }
    of->up = NULL;
    rc = fs_upload_end(up, NULL);
    struct oss_error err;
    if (rc == 0 && strcmp(now, sent_to) != 0) {
        rc = oss_copy_object(ctx->client, of->bucket, sent_to, now, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        else if ((rc = oss_delete_object(ctx->client, of->bucket, sent_to, NULL, &err)) < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc == 0 && of->pm_late) { /* a setattr came after the headers went out */
        of->pm_late = 0;
        rc = fs_posix_after_upload(ctx, of->in, of->bucket, now);
    }
    free(now);
    free(sent_to);
    if (rc < 0) {
        fail(of, rc);
        return rc;
    }
    of->state = FS_W_CLEAN;
    of->dirty = 0;
    of->err = 0;
    of->size = total;
    mirror(of, 1);
    return 0;
}

/* STREAMING to STAGED, losing no byte: what is still in memory goes to a staging file; when
 * parts already left, the upload is completed and the object downloaded back. */
static int stream_to_stage(struct fs_ofile *of)
{
    struct fs_upload *up = of->up;
    if (!fs_upload_started(up)) {
        int fd = fs_stage_open(of->ctx);
        if (fd < 0)
            return fd;
        int rc = fs_upload_spill(up, fd);
        if (rc < 0) {
            close(fd);
            return rc; /* still streaming; the caller reports the error */
        }
        of->up = NULL;
        fs_upload_abort(up); /* nothing was sent: no request */
        of->stage_fd = fd;
        of->state = FS_W_STAGED;
        of->dirty = 1;
        return 0;
    }
    int rc = finish_stream(of);
    if (rc == 0 && of->state == FS_W_CLEAN) {
        rc = download(of);
        if (rc < 0)
            fail(of, rc); /* stored, but this open file can no longer follow it */
    }
    return rc;
}

/* Makes the content local (STAGED), from wherever it is. */
static int stage(struct fs_ofile *of)
{
    switch (of->state) {
    case FS_W_STAGED:
        return 0;
    case FS_W_FAILED:
        return of->err;
    case FS_W_STREAMING:
        return stream_to_stage(of);
    case FS_W_CLEAN:
        break;
    }
    return download(of);
}

/* A staging file for content that is STAGED but still empty without one. */
static int stage_fd(struct fs_ofile *of)
{
    if (of->stage_fd >= 0)
        return 0;
    int fd = fs_stage_open(of->ctx);
    if (fd < 0)
        return fd;
    if (of->size > 0 && ftruncate(fd, (off_t)of->size) < 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    of->stage_fd = fd;
    return 0;
}

int fs_ofile_truncate(struct fs_ofile *of, uint64_t size)
{
    int rc = 0;
    if (of->state == FS_W_FAILED)
        return of->err;
    if (size == 0) {
        drop_content(of, FS_W_STAGED); /* nothing to keep: no download, no upload to finish */
    } else {
        rc = stage(of);
        if (rc == 0)
            rc = stage_fd(of);
        if (rc == 0 && ftruncate(of->stage_fd, (off_t)size) < 0)
            rc = -errno;
    }
    if (rc < 0)
        return rc;
    of->size = size;
    of->dirty = 1;
    mirror(of, 0);
    return 0;
}

/* The x-oss-meta-* headers of the file's upload (posix.c). */
static void ofile_hdrs(void *arg, struct fs_meta_hdrs *h)
{
    struct fs_ofile *of = arg;
    fs_meta_hdrs_for(of->ctx, of->in, h);
}

/* Appends to the stream, or starts one when the content is the empty one of a create or
 * O_TRUNC and this is its only writer. Returns 1 when the bytes were taken, 0 when they
 * must go through the staging file, or -errno. */
static int stream_write(struct fs_ofile *of, const char *buf, size_t size, off_t off)
{
    if (of->state == FS_W_STAGED && fs_ofile_fresh_empty(of) && off == 0 && writers_now(of) == 1) {
        char *key;
        int rc = current_key(of, &key);
        if (rc < 0 || !key)
            return rc;
        of->up = fs_upload_new(of->ctx, of->bucket, key);
        free(key);
        if (!of->up)
            return -ENOMEM;
        fs_upload_set_hdrs(of->up, ofile_hdrs, of);
        of->state = FS_W_STREAMING;
    }
    if (of->state != FS_W_STREAMING)
        return 0;
    if ((uint64_t)off != fs_upload_total(of->up) || writers_now(of) > 1) {
        int rc = stream_to_stage(of);
        return rc < 0 ? rc : 0;
    }
    int rc = fs_upload_append(of->up, buf, size);
    if (rc < 0) {
        fail(of, rc); /* bytes of this write may be in the stream: it cannot end truthfully */
        return rc;
    }
    of->size = fs_upload_total(of->up);
    of->dirty = 1;
    return 1;
}

int fs_ofile_write(struct fs_ofile *of, const char *buf, size_t size, off_t off, int append)
{
    if (of->state == FS_W_FAILED)
        return of->err;
    if (append)
        off = (off_t)of->size;
    int rc = stream_write(of, buf, size, off);
    if (rc == 0)
        rc = stage(of);
    if (rc == 0)
        rc = stage_fd(of);
    while (rc == 0 && size > 0) {
        ssize_t n = pwrite(of->stage_fd, buf, size, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            break;
        }
        buf += n;
        size -= (size_t)n;
        off += n;
        if ((uint64_t)off > of->size)
            of->size = (uint64_t)off;
        of->dirty = 1;
    }
    if (rc < 0)
        return rc;
    mirror(of, 0);
    return 0;
}

int fs_ofile_read_local(struct fs_ofile *of)
{
    if (of->state == FS_W_STREAMING) {
        int rc = stream_to_stage(of); /* reading back what is being streamed */
        if (rc < 0)
            return rc;
    }
    if (of->state == FS_W_FAILED)
        return of->err;
    return of->state == FS_W_STAGED;
}

ssize_t fs_ofile_pread(struct fs_ofile *of, char *buf, size_t size, off_t off)
{
    if ((uint64_t)off >= of->size)
        return 0;
    if ((uint64_t)off + size > of->size)
        size = (size_t)(of->size - (uint64_t)off);
    if (of->stage_fd < 0) { /* empty content extended by truncate: zeros */
        memset(buf, 0, size);
        return (ssize_t)size;
    }
    ssize_t n;
    do
        n = pread(of->stage_fd, buf, size, off);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* Uploads the staging file to key: one PutObject up to a part's size, else a multipart
 * upload with parallel parts. */
static int upload_stage(struct fs_ofile *of, const char *key)
{
    struct fs_ctx *ctx = of->ctx;
    struct oss_error err;
    uint64_t part = (uint64_t)(ctx->opts.part_size_mb ? ctx->opts.part_size_mb : 8) << 20;
    struct fs_meta_hdrs h;
    int rc;
    if (of->stage_fd < 0) {
        ofile_hdrs(of, &h);
        rc = oss_put_object(ctx->client, of->bucket, key, "", 0, fs_meta_hdrs_opts(&h), NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    } else if (of->size > part) {
        struct fs_upload *up = fs_upload_new(ctx, of->bucket, key);
        if (up)
            fs_upload_set_hdrs(up, ofile_hdrs, of);
        rc = up ? fs_upload_fd(up, of->stage_fd, of->size, NULL) : -ENOMEM;
    } else {
        ofile_hdrs(of, &h);
        rc = oss_put_object_fd(ctx->client, of->bucket, key, of->stage_fd, 0, of->size,
                               fs_meta_hdrs_opts(&h), NULL, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    return rc;
}

int fs_ofile_commit(struct fs_ofile *of)
{
    if (of->state == FS_W_FAILED)
        return of->err;
    if (!of->dirty)
        return 0;
    if (of->state == FS_W_STREAMING)
        return finish_stream(of);
    char *key;
    int rc = current_key(of, &key);
    if (rc < 0)
        return rc;
    if (!key) { /* unlinked: the content dies with its last handle */
        of->dirty = 0;
        return 0;
    }
    rc = upload_stage(of, key);
    free(key);
    of->err = rc;
    if (rc == 0) {
        of->dirty = 0;
        mirror(of, 1);
    }
    return rc;
}

int fs_ofile_detach(struct fs_ofile *of)
{
    if (of->state == FS_W_FAILED)
        return 0;
    return stage(of);
}

int fs_ofile_fresh_empty(const struct fs_ofile *of)
{
    return of->state == FS_W_STAGED && of->stage_fd < 0 && of->size == 0 && of->dirty;
}

int fs_ofile_busy_under_locked(struct fs_ctx *ctx, const char *bucket, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (struct fs_ofile *of = ctx->ofiles; of; of = of->next) {
        const struct fs_inode *in = of->in;
        if (of->nwriters && in->name && strcmp(of->bucket, bucket) == 0 &&
            strncmp(in->key, prefix, pl) == 0 && in->key[pl])
            return 1;
    }
    return 0;
}

void fs_ofile_each_writing_in_locked(struct fs_ctx *ctx, fuse_ino_t dir,
                                     void (*fn)(void *arg, const struct fs_inode *in), void *arg)
{
    for (struct fs_ofile *of = ctx->ofiles; of; of = of->next)
        if (of->nwriters && of->in->name && of->in->parent == dir)
            fn(arg, of->in);
}
