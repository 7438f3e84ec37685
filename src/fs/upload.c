/* Streaming writes: a handle opened with O_TRUNC (or created) whose writes come in order from
 * offset 0 fills a part buffer; full parts go to a multipart upload, sent by a few threads at a
 * time, so memory stays at (upload_concurrency + 1) part buffers per handle (sent parts'
 * buffers are reused). flush/fsync send the last part and complete, or PutObject the buffer
 * when no part was sent (small files: one request). Anything else (a write elsewhere, a read,
 * a truncate) moves the handle to its staging file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fs/fs.h"

void *fs_big_alloc(size_t n)
{
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void fs_big_free(void *p, size_t n)
{
    if (p)
        munmap(p, n ? n : 1);
}

#define UP_SPARE 4

/* One part on its way: owned by its thread until done, then reaped by the handle. */
struct part_job {
    struct fs_upload *up;
    int number;
    char *data;
    size_t len;
    pthread_t th;
    int done; /* under up->mu */
    struct part_job *next;
};

struct fs_upload {
    struct fs_ctx *ctx;
    char *bucket, *key;
    size_t part_size;
    int max_inflight;
    char *buf; /* the part being filled, part_size bytes, NULL until needed */
    size_t len;
    uint64_t total;      /* bytes accepted so far: the next write must start here */
    char upload_id[128]; /* "" until the first full part */
    pthread_mutex_t mu;  /* guards the fields below */
    pthread_cond_t cv;   /* a part finished */
    int inflight;
    int err;                /* first failure (negative errno) */
    struct oss_part *parts; /* by number - 1 */
    int nparts;             /* parts submitted */
    int capparts;
    struct part_job *jobs;
    void *spare[UP_SPARE]; /* buffers of sent parts, reused (fresh mappings cost page faults) */
    int nspare;
};

/* Uploads one part; records the result and wakes the writer. Touches nothing after unlock. */
static void *part_thread(void *arg)
{
    struct part_job *j = arg;
    struct fs_upload *up = j->up;
    struct oss_part p;
    struct oss_error err;
    int rc = oss_upload_part(up->ctx->client, up->bucket, up->key, up->upload_id, j->number,
                             j->data, j->len, &p, &err);
    if (rc < 0)
        fs_log_oss(up->ctx, "UploadPart", up->bucket, up->key, &err);
    pthread_mutex_lock(&up->mu);
    if (up->nspare < UP_SPARE)
        up->spare[up->nspare++] = j->data;
    else
        fs_big_free(j->data, up->part_size);
    j->data = NULL;
    if (rc < 0 && up->err == 0)
        up->err = rc;
    if (rc == 0)
        up->parts[j->number - 1] = p;
    up->inflight--;
    j->done = 1;
    pthread_cond_broadcast(&up->cv);
    pthread_mutex_unlock(&up->mu);
    return NULL;
}

/* A buffer for the next part: a spare one, else a new mapping. */
static char *part_buffer(struct fs_upload *up)
{
    pthread_mutex_lock(&up->mu);
    char *b = up->nspare ? up->spare[--up->nspare] : NULL;
    pthread_mutex_unlock(&up->mu);
    return b ? b : fs_big_alloc(up->part_size);
}

/* Joins finished part threads (all of them with all != 0, waiting for each). up->mu held. */
static void reap(struct fs_upload *up, int all)
{
    struct part_job **pp = &up->jobs;
    while (*pp) {
        struct part_job *j = *pp;
        if (!j->done && all) {
            pthread_cond_wait(&up->cv, &up->mu);
            continue;
        }
        if (!j->done) {
            pp = &j->next;
            continue;
        }
        *pp = j->next;
        pthread_mutex_unlock(&up->mu);
        pthread_join(j->th, NULL);
        pthread_mutex_lock(&up->mu);
        free(j);
    }
}

/* The object key of the handle's inode now (it follows renames of the open file). */
static char *current_key(struct fs_ctx *ctx, struct fs_handle *h)
{
    pthread_mutex_lock(&ctx->lock);
    char *key = h->in->name ? strdup(h->in->key) : NULL;
    pthread_mutex_unlock(&ctx->lock);
    return key ? key : strdup(h->key);
}

static struct fs_upload *upload_new(struct fs_ctx *ctx, const char *bucket, char *key)
{
    struct fs_upload *up = calloc(1, sizeof(*up));
    if (!up) {
        free(key);
        return NULL;
    }
    up->ctx = ctx;
    up->key = key;
    up->bucket = strdup(bucket);
    up->part_size = (size_t)(ctx->opts.part_size_mb ? ctx->opts.part_size_mb : 8) << 20;
    up->max_inflight = ctx->opts.upload_concurrency ? (int)ctx->opts.upload_concurrency : 4;
    pthread_mutex_init(&up->mu, NULL);
    pthread_cond_init(&up->cv, NULL);
    if (!up->bucket || !up->key) {
        free(up->bucket);
        free(up->key);
        free(up);
        return NULL;
    }
    return up;
}

/* Waits for every part thread and frees the upload (the multipart upload itself is left as
 * it is: complete or abort it before). */
static void upload_free(struct fs_upload *up)
{
    if (!up)
        return;
    pthread_mutex_lock(&up->mu);
    reap(up, 1);
    pthread_mutex_unlock(&up->mu);
    pthread_mutex_destroy(&up->mu);
    pthread_cond_destroy(&up->cv);
    fs_big_free(up->buf, up->part_size);
    for (int i = 0; i < up->nspare; i++)
        fs_big_free(up->spare[i], up->part_size);
    free(up->parts);
    free(up->bucket);
    free(up->key);
    free(up);
}

/* Hands the full buffer to a new part thread, starting the multipart upload with the first
 * part and waiting while max_inflight parts are on their way. Returns 0 or the first failure. */
static int submit(struct fs_upload *up)
{
    if (up->upload_id[0] == 0) {
        struct oss_error err;
        int rc =
            oss_initiate_multipart(up->ctx->client, up->bucket, up->key, NULL, up->upload_id, &err);
        if (rc < 0) {
            fs_log_oss(up->ctx, "InitiateMultipartUpload", up->bucket, up->key, &err);
            up->err = rc;
            return rc;
        }
    }
    pthread_mutex_lock(&up->mu);
    reap(up, 0);
    while (up->inflight >= up->max_inflight && up->err == 0)
        pthread_cond_wait(&up->cv, &up->mu);
    int rc = up->err;
    if (rc == 0 && up->nparts >= 10000)
        rc = up->err = -EFBIG; /* OSS allows 10,000 parts: a larger part_size is needed */
    if (rc == 0 && up->nparts == up->capparts) {
        int cap = up->capparts ? up->capparts * 2 : 64;
        struct oss_part *np = realloc(up->parts, (size_t)cap * sizeof(*np));
        if (!np)
            rc = up->err = -ENOMEM;
        else {
            up->parts = np;
            up->capparts = cap;
        }
    }
    struct part_job *j = rc == 0 ? calloc(1, sizeof(*j)) : NULL;
    if (rc == 0 && !j)
        rc = up->err = -ENOMEM;
    if (rc == 0) {
        j->up = up;
        j->number = ++up->nparts;
        j->data = up->buf;
        j->len = up->len;
        memset(&up->parts[j->number - 1], 0, sizeof(up->parts[0]));
        up->inflight++;
        if (pthread_create(&j->th, NULL, part_thread, j) != 0) {
            up->inflight--;
            up->nparts--;
            free(j);
            rc = up->err = -EAGAIN;
        } else {
            j->next = up->jobs;
            up->jobs = j;
            up->buf = NULL;
            up->len = 0;
        }
    }
    pthread_mutex_unlock(&up->mu);
    return rc;
}

/* Sends what is buffered and completes (or PutObject when no part went out). On failure an
 * started multipart upload is aborted. Returns 0 or -errno; the upload is freed either way. */
static int upload_end(struct fs_ctx *ctx, struct fs_upload *up, struct oss_object_meta *m)
{
    struct oss_error err;
    int rc = up->err;
    if (rc == 0 && up->upload_id[0] == 0) {
        rc = oss_put_object(ctx->client, up->bucket, up->key, up->buf, up->len, NULL, m, &err);
        if (rc < 0)
            fs_log_oss(ctx, "PutObject", up->bucket, up->key, &err);
        upload_free(up);
        return rc;
    }
    if (rc == 0 && up->len > 0)
        rc = submit(up);
    pthread_mutex_lock(&up->mu);
    reap(up, 1);
    if (rc == 0)
        rc = up->err;
    pthread_mutex_unlock(&up->mu);
    if (rc == 0) {
        rc = oss_complete_multipart(ctx->client, up->bucket, up->key, up->upload_id, up->parts,
                                    (size_t)up->nparts, m, &err);
        if (rc < 0)
            fs_log_oss(ctx, "CompleteMultipartUpload", up->bucket, up->key, &err);
    }
    if (rc < 0 && up->upload_id[0]) {
        if (oss_abort_multipart(ctx->client, up->bucket, up->key, up->upload_id, &err) < 0)
            fs_log_oss(ctx, "AbortMultipartUpload", up->bucket, up->key, &err);
    }
    upload_free(up);
    return rc;
}

int fs_upload_write(struct fs_ctx *ctx, struct fs_handle *h, const char *buf, size_t size,
                    off_t off)
{
    struct fs_upload *up = h->up;
    if (!up) {
        /* Only a handle that starts empty (O_TRUNC or new) and is written from 0 streams. */
        if (h->no_stream || !h->loaded || h->wrote || off != 0 || h->stage_fd < 0)
            return 0;
        up = h->up = upload_new(ctx, h->bucket, current_key(ctx, h));
        if (!up)
            return -ENOMEM;
    }
    if ((uint64_t)off != up->total) {
        int rc = fs_upload_to_staging(ctx, h);
        return rc < 0 ? rc : 0;
    }
    pthread_mutex_lock(&up->mu);
    int rc = up->err;
    pthread_mutex_unlock(&up->mu);
    while (rc == 0 && size > 0) {
        if (!up->buf && !(up->buf = part_buffer(up))) {
            rc = -ENOMEM;
            break;
        }
        size_t n = up->part_size - up->len < size ? up->part_size - up->len : size;
        memcpy(up->buf + up->len, buf, n);
        up->len += n;
        up->total += n;
        buf += n;
        size -= n;
        if (up->len == up->part_size)
            rc = submit(up);
    }
    if (rc < 0) {
        /* A failed write may have buffered part of its bytes: the upload can no longer be
         * completed truthfully, so it fails at flush (and is aborted) whatever comes next. */
        pthread_mutex_lock(&up->mu);
        if (up->err == 0)
            up->err = rc;
        pthread_mutex_unlock(&up->mu);
        h->upload_err = rc;
        return rc;
    }
    return 1;
}

/* Marks the handle failed for good: its data is not stored and every flush says so. */
static void broken(struct fs_handle *h, int rc)
{
    h->upload_err = rc;
    h->upload_broken = 1;
    h->no_stream = 1;
}

/* A multipart upload is bound to the key it started with: when the file was renamed while
 * parts were on their way, the completed object moves to the current name (CopyObject and
 * DeleteObject), as rename(2) promised. */
static int follow_rename(struct fs_ctx *ctx, struct fs_handle *h, const char *sent_to)
{
    char *now = current_key(ctx, h);
    struct oss_error err;
    int rc = now ? 0 : -ENOMEM;
    if (rc == 0 && strcmp(now, sent_to) != 0) {
        rc = oss_copy_object(ctx->client, h->bucket, sent_to, now, &err);
        if (rc < 0)
            fs_log_oss(ctx, "CopyObject", h->bucket, sent_to, &err);
        else if ((rc = oss_delete_object(ctx->client, h->bucket, sent_to, NULL, &err)) < 0)
            fs_log_oss(ctx, "DeleteObject", h->bucket, sent_to, &err);
    }
    free(now);
    return rc;
}

static void fs_upload_discard_up(struct fs_ctx *ctx, struct fs_upload *up);

int fs_upload_to_staging(struct fs_ctx *ctx, struct fs_handle *h)
{
    struct fs_upload *up = h->up;
    if (!up)
        return 0;
    h->no_stream = 1;
    if (up->upload_id[0] == 0 && up->err == 0) {
        /* Nothing sent yet: the buffer becomes the staging file's content. */
        size_t done = 0;
        while (done < up->len) {
            ssize_t n = pwrite(h->stage_fd, up->buf + done, up->len - done, (off_t)done);
            if (n < 0) {
                int rc = -errno;
                return rc; /* still streaming; the caller reports the error */
            }
            done += (size_t)n;
        }
        h->up = NULL;
        upload_free(up);
        return 0;
    }
    /* Parts are gone from memory: store what was written so far, then stage from OSS. */
    h->up = NULL;
    char *sent_to = strdup(up->key);
    int rc = sent_to ? upload_end(ctx, up, NULL) : -ENOMEM;
    if (!sent_to)
        fs_upload_discard_up(ctx, up);
    if (rc == 0)
        rc = follow_rename(ctx, h, sent_to);
    free(sent_to);
    if (rc < 0) {
        broken(h, rc);
        return rc;
    }
    close(h->stage_fd);
    h->stage_fd = -1;
    h->loaded = 0;
    rc = fs_obj_ensure_loaded(ctx, h);
    if (rc < 0)
        broken(h, rc);
    return rc;
}

int fs_upload_finish(struct fs_ctx *ctx, struct fs_handle *h)
{
    struct fs_upload *up = h->up;
    struct oss_object_meta m = {0};
    if (!up)
        return 0;
    h->up = NULL;
    uint64_t total = up->total;
    if (up->upload_id[0] == 0) {
        /* Nothing sent yet: the PutObject goes to the file's name now, renames included. */
        char *key = current_key(ctx, h);
        if (key) {
            free(up->key);
            up->key = key;
        }
    }
    char *sent_to = strdup(up->key);
    int rc = sent_to ? upload_end(ctx, up, &m) : -ENOMEM;
    if (!sent_to)
        fs_upload_discard_up(ctx, up);
    oss_object_meta_cleanup(&m);
    if (rc == 0)
        rc = follow_rename(ctx, h, sent_to);
    free(sent_to);
    if (rc < 0) {
        broken(h, rc);
        return rc;
    }
    /* The object holds every byte: later writes on this handle start from a download. */
    h->dirty = 0;
    h->upload_err = 0;
    h->no_stream = 1;
    if (h->stage_fd >= 0)
        close(h->stage_fd);
    h->stage_fd = -1;
    h->loaded = 0;
    pthread_mutex_lock(&ctx->lock);
    h->in->size = total;
    h->in->mtime = time(NULL);
    h->in->attr_expires = fs_now() + ctx->opts.attr_timeout;
    fs_dir_changed_locked(ctx, h->in->parent);
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

void fs_upload_discard(struct fs_ctx *ctx, struct fs_handle *h)
{
    struct fs_upload *up = h->up;
    if (!up)
        return;
    h->up = NULL;
    fs_upload_discard_up(ctx, up);
}

/* Waits for the parts, aborts the multipart upload if one was started, frees everything. */
static void fs_upload_discard_up(struct fs_ctx *ctx, struct fs_upload *up)
{
    pthread_mutex_lock(&up->mu);
    reap(up, 1);
    pthread_mutex_unlock(&up->mu);
    if (up->upload_id[0]) {
        struct oss_error err;
        if (oss_abort_multipart(ctx->client, up->bucket, up->key, up->upload_id, &err) < 0)
            fs_log_oss(ctx, "AbortMultipartUpload", up->bucket, up->key, &err);
    }
    upload_free(up);
}

int fs_upload_from_fd(struct fs_ctx *ctx, const char *bucket, const char *key, int fd,
                      uint64_t size, struct oss_object_meta *m)
{
    char *k = strdup(key);
    struct fs_upload *up = k ? upload_new(ctx, bucket, k) : NULL;
    if (!up)
        return -ENOMEM;
    uint64_t off = 0;
    int rc = 0;
    while (rc == 0 && off < size) {
        size_t want = size - off < up->part_size ? (size_t)(size - off) : up->part_size;
        if (!(up->buf = part_buffer(up))) {
            rc = up->err = -ENOMEM;
            break;
        }
        up->len = 0;
        while (rc == 0 && up->len < want) {
            ssize_t n = pread(fd, up->buf + up->len, want - up->len, (off_t)(off + up->len));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                rc = up->err = n < 0 ? -errno : -EIO; /* shorter than fstat said */
            else
                up->len += (size_t)n;
        }
        off += up->len;
        up->total = off;
        if (rc == 0 && off < size)
            rc = submit(up); /* the last part is sent by upload_end */
    }
    return upload_end(ctx, up, m);
}
