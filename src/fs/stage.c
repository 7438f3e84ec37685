/* Staging of objects being written: one private mkdtemp directory (mode 0700) under $TMPDIR per
 * mount holds unlinked temporary files, one per write handle, filled with the object's bytes
 * when needed and uploaded with one PutObject, or as a multipart upload when larger than a part
 * (streamed writes never reach it, upload.c). Nothing in it outlives its handle; the
 * directory itself is removed at unmount. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs/fs.h"

int fs_stage_dir_create(struct fs_ctx *ctx)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(ctx->stage_dir, sizeof(ctx->stage_dir), "%s/osspermfs.XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof(ctx->stage_dir))
        return -ENAMETOOLONG;
    if (!mkdtemp(ctx->stage_dir)) {
        int e = errno;
        ctx->stage_dir[0] = 0;
        return -e;
    }
    return 0;
}

void fs_stage_dir_remove(struct fs_ctx *ctx)
{
    if (ctx->stage_dir[0])
        rmdir(ctx->stage_dir);
}

/* Returns a new, already unlinked, read-write staging file descriptor or -errno. */
int fs_stage_open(struct fs_ctx *ctx)
{
    int fd = open(ctx->stage_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    char path[300];
    snprintf(path, sizeof(path), "%s/stageXXXXXX", ctx->stage_dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    unlink(path);
    return fd;
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

/* Gives a write handle its staging file holding the object's current bytes (downloaded once),
 * unless it was opened with O_TRUNC or created. Returns 0 or -errno. */
int fs_obj_ensure_loaded(struct fs_ctx *ctx, struct fs_handle *h)
{
    if (h->loaded)
        return 0;
    int fd = fs_stage_open(ctx);
    if (fd < 0)
        return fd;
    struct sink_fd s = {fd, 0};
    struct oss_error err;
    pthread_mutex_lock(&ctx->lock);
    char *key = h->in->name ? strdup(h->in->key) : NULL; /* follows renames of the open file */
    pthread_mutex_unlock(&ctx->lock);
    if (!key)
        key = strdup(h->key);
    int rc =
        key ? oss_get_object_to(ctx->client, h->bucket, key, NULL, 0, 0, sink_to_fd, &s, NULL, &err)
            : -ENOMEM;
    if (rc < 0) {
        if (key)
            fs_log_oss(ctx, "GetObject", h->bucket, key, &err);
        free(key);
        close(fd);
        return rc;
    }
    free(key);
    h->stage_fd = fd;
    h->loaded = 1;
    return 0;
}

/* Uploads a dirty staging file (one PutObject up to a part's size, else a multipart upload
 * with parallel parts), or ends a streamed upload (upload.c);
 * updates the cached attributes. A handle whose streamed upload failed keeps failing. */
int fs_obj_upload(struct fs_ctx *ctx, struct fs_handle *h)
{
    if (h->upload_broken)
        return h->upload_err;
    if (h->up)
        return fs_upload_finish(ctx, h);
    if (!h->dirty)
        return 0;
    if (h->stage_fd < 0) {
        int fd = fs_stage_open(ctx);
        if (fd < 0)
            return fd;
        h->stage_fd = fd;
        h->loaded = 1;
    }
    struct stat st;
    if (fstat(h->stage_fd, &st) < 0)
        return -errno;
    pthread_mutex_lock(&ctx->lock);
    char *key = h->in->name ? strdup(h->in->key) : NULL; /* follows renames of the open file */
    pthread_mutex_unlock(&ctx->lock);
    if (!key)
        key = strdup(h->key);
    if (!key)
        return -ENOMEM;
    struct oss_error err;
    struct oss_object_meta m = {0};
    uint64_t part = (uint64_t)(ctx->opts.part_size_mb ? ctx->opts.part_size_mb : 8) << 20;
    int rc;
    if ((uint64_t)st.st_size > part) {
        /* More than a part: a multipart upload with parallel parts (upload.c logs failures). */
        rc = fs_upload_from_fd(ctx, h->bucket, key, h->stage_fd, (uint64_t)st.st_size, &m);
    } else {
        rc = oss_put_object_fd(ctx->client, h->bucket, key, h->stage_fd, 0, (uint64_t)st.st_size,
                               NULL, &m, &err);
        if (rc < 0)
            fs_log_oss(ctx, "PutObject", h->bucket, key, &err);
    }
    if (rc < 0) {
        h->upload_err = rc;
    } else {
        h->dirty = 0;
        h->upload_err = 0;
        pthread_mutex_lock(&ctx->lock);
        h->in->size = (uint64_t)st.st_size;
        h->in->mtime = time(NULL);
        h->in->attr_expires = fs_now() + ctx->opts.attr_timeout;
        fs_dir_changed_locked(ctx, h->in->parent);
        pthread_mutex_unlock(&ctx->lock);
    }
    oss_object_meta_cleanup(&m);
    free(key);
    return rc;
}
