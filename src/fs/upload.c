/* Multipart uploads fed in order: bytes fill a part buffer; each full part goes out on its own
 * thread, at most upload_concurrency at a time, so memory stays at (concurrency + 1) part
 * buffers (sent parts' buffers are reused). The end sends the last part and completes, or sends
 * the buffer with one PutObject when no part went out (small files: one request). Used by the
 * open-file state for streamed writes (ofile.c) and for staging files larger than a part. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "data.h"
#include "ofile.h"
#include "posix.h"

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
    size_t capparts;
    struct part_job *jobs;
    void *spare[UP_SPARE]; /* buffers of sent parts, reused (fresh mappings cost page faults) */
    int nspare;
    fs_upload_hdrs_fn hdrs_fn; /* the object's x-oss-meta-* headers, asked for when sent */
    void *hdrs_arg;
};

void fs_upload_set_hdrs(struct fs_upload *up, fs_upload_hdrs_fn fn, void *arg)
{
    up->hdrs_fn = fn;
    up->hdrs_arg = arg;
}

/* The options of the request that creates the object (h is their storage), or NULL. */
static const struct oss_put_opts *upload_opts(struct fs_upload *up, struct fs_meta_hdrs *h)
{
    if (!up->hdrs_fn)
        return NULL;
    up->hdrs_fn(up->hdrs_arg, h);
    return fs_meta_hdrs_opts(h);
}

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
        fs_log_oss(up->ctx, &err);
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

struct fs_upload *fs_upload_new(struct fs_ctx *ctx, const char *bucket, const char *key)
{
    struct fs_upload *up = calloc(1, sizeof(*up));
    if (!up)
        return NULL;
    up->ctx = ctx;
    up->key = strdup(key);
    up->bucket = strdup(bucket);
    up->part_size = (size_t)(ctx->opts.part_size_mb ? ctx->opts.part_size_mb : 8) << 20;
    up->max_inflight = ctx->opts.upload_concurrency ? (int)ctx->opts.upload_concurrency : 4;
    if (!up->bucket || !up->key) {
        free(up->bucket);
        free(up->key);
        free(up);
        return NULL;
    }
    pthread_mutex_init(&up->mu, NULL);
    pthread_cond_init(&up->cv, NULL);
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
        struct fs_meta_hdrs h;
        int rc = oss_initiate_multipart(up->ctx->client, up->bucket, up->key, upload_opts(up, &h),
                                        up->upload_id, &err);
        if (rc < 0) {
            fs_log_oss(up->ctx, &err);
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
    if (rc == 0 && oss_array_grow((void **)&up->parts, &up->capparts, (size_t)up->nparts + 1,
                                  sizeof(*up->parts)) < 0)
        rc = up->err = -ENOMEM;
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

int fs_upload_end(struct fs_upload *up, struct oss_object_meta *m)
{
    struct fs_ctx *ctx = up->ctx;
    struct oss_error err;
    int rc = up->err;
    if (rc == 0 && up->upload_id[0] == 0) {
        struct fs_meta_hdrs h;
        rc = oss_put_object(ctx->client, up->bucket, up->key, up->buf, up->len, upload_opts(up, &h),
                            m, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
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
            fs_log_oss(ctx, &err);
    }
    if (rc < 0 && up->upload_id[0]) {
        if (oss_abort_multipart(ctx->client, up->bucket, up->key, up->upload_id, &err) < 0)
            fs_log_oss(ctx, &err);
    }
    upload_free(up);
    return rc;
}

int fs_upload_fd(struct fs_upload *up, int fd, uint64_t size, struct oss_object_meta *m)
{
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
            rc = submit(up); /* the last part is sent by fs_upload_end */
    }
    return fs_upload_end(up, m);
}

int fs_upload_append(struct fs_upload *up, const char *buf, size_t size)
{
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
        /* A failed append may have buffered part of its bytes: the upload can no longer be
         * completed truthfully, so it stays failed whatever comes next. */
        pthread_mutex_lock(&up->mu);
        if (up->err == 0)
            up->err = rc;
        pthread_mutex_unlock(&up->mu);
    }
    return rc;
}

uint64_t fs_upload_total(const struct fs_upload *up)
{
    return up->total;
}

const char *fs_upload_key(const struct fs_upload *up)
{
    return up->key;
}

int fs_upload_rekey(struct fs_upload *up, const char *key)
{
    char *k = strdup(key);
    if (!k)
        return -ENOMEM;
    free(up->key);
    up->key = k;
    return 0;
}

int fs_upload_started(struct fs_upload *up)
{
    pthread_mutex_lock(&up->mu); /* err is set by part threads */
    int started = up->upload_id[0] != 0 || up->err != 0;
    pthread_mutex_unlock(&up->mu);
    return started;
}

int fs_upload_spill(const struct fs_upload *up, int fd)
{
    size_t done = 0;
    while (done < up->len) {
        ssize_t n = pwrite(fd, up->buf + done, up->len - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        done += (size_t)n;
    }
    return 0;
}

void fs_upload_abort(struct fs_upload *up)
{
    struct fs_ctx *ctx = up->ctx;
    pthread_mutex_lock(&up->mu);
    reap(up, 1);
    pthread_mutex_unlock(&up->mu);
    if (up->upload_id[0]) {
        struct oss_error err;
        if (oss_abort_multipart(ctx->client, up->bucket, up->key, up->upload_id, &err) < 0)
            fs_log_oss(ctx, &err);
    }
    upload_free(up);
}
