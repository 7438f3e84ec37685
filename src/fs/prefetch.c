/* Reads of objects without local staging: a random read is one ranged GET of at least
 * PF_MIN bytes; once reads are sequential, chunks ahead of the reader are fetched by concurrent
 * ranged GETs (up to PF_INFLIGHT at a time, PF_CHUNK_MAX each) in a window that doubles up to
 * PF_WINDOW_MAX, so memory stays bounded by the window (plus the chunk being read and
 * PF_SPARE buffers kept for reuse). A read elsewhere drops (and cancels)
 * everything fetched ahead. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "data.h"

#define PF_MIN        (128u * 1024)
#define PF_WINDOW_MIN (1u << 20)
#define PF_WINDOW_MAX (64u << 20)
#define PF_CHUNK_MAX  (8u << 20)
#define PF_INFLIGHT   4
#define PF_SPARE      2

/* One ranged GET: [off, off + want), filled into data (fewer bytes at the object's end). */
struct pf_chunk {
    struct fs_prefetch *pf;
    uint64_t off;
    size_t want;
    char *buf; /* cap >= want bytes (fs_big_alloc), len of them filled */
    size_t cap;
    size_t len;
    int threaded; /* th must be joined */
    pthread_t th;
    int done, rc; /* under pf->mu */
    int cancel;   /* atomic: the sink stops the transfer */
    struct pf_chunk *next;
};

struct fs_prefetch {
    struct fs_ctx *ctx;
    char *bucket, *key, *version_id; /* copies, fixed for the prefetcher's life */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pf_chunk *chunks; /* live, ascending offsets, contiguous once sequential */
    struct pf_chunk *dead;   /* cancelled, waiting to be joined */
    uint64_t last_end;       /* where the previous read ended */
    uint64_t sched_end;      /* end of the last chunk fetched ahead */
    size_t window;           /* bytes kept ahead of the reader; 0: not sequential */
    int inflight;
    /* buffers of finished chunks kept for reuse (fresh mappings cost page faults) */
    void *spare[PF_SPARE];
    size_t spare_len[PF_SPARE];
};

static int chunk_sink(const void *data, size_t len, void *arg)
{
    struct pf_chunk *c = arg;
    if (__atomic_load_n(&c->cancel, __ATOMIC_RELAXED))
        return -ECANCELED;
    if (len > c->want - c->len)
        return -EIO; /* more than the range asked for */
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    return 0;
}

/* The GET of one chunk; errors are logged unless cancelled. */
static int fetch(struct fs_prefetch *pf, struct pf_chunk *c)
{
    struct oss_error err;
    if (!c->buf)
        return -ENOMEM;
    int rc = oss_get_object_to(pf->ctx->client, pf->bucket, pf->key, pf->version_id, c->off,
                               c->want, chunk_sink, c, NULL, &err);
    if (rc < 0 && !__atomic_load_n(&c->cancel, __ATOMIC_RELAXED))
        fs_log_oss(pf->ctx, &err);
    return rc;
}

static void *chunk_thread(void *arg)
{
    struct pf_chunk *c = arg;
    struct fs_prefetch *pf = c->pf;
    int rc = fetch(pf, c);
    pthread_mutex_lock(&pf->mu);
    c->rc = rc;
    c->done = 1;
    pf->inflight--;
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
    return NULL;
}

/* A buffer of at least n bytes for a new chunk, its size in *cap: the smallest spare that
 * fits, else a fresh mapping of n bytes. pf->mu held. */
static char *buf_get(struct fs_prefetch *pf, size_t n, size_t *cap)
{
    int best = -1;
    for (int i = 0; i < PF_SPARE; i++)
        if (pf->spare[i] && pf->spare_len[i] >= n &&
            (best < 0 || pf->spare_len[i] < pf->spare_len[best]))
            best = i;
    if (best >= 0) {
        char *b = pf->spare[best];
        *cap = pf->spare_len[best];
        pf->spare[best] = NULL;
        return b;
    }
    *cap = n;
    return fs_big_alloc(n);
}

/* Joins the chunk's thread and keeps its buffer as a spare (in a free slot, else in place of
 * the smallest spare if that is smaller, so the window's ramp-up does not leave small buffers
 * in the slots for good) or unmaps it. At most PF_SPARE spares. pf->mu held. */
static void chunk_free(struct fs_prefetch *pf, struct pf_chunk *c)
{
    if (c->threaded)
        pthread_join(c->th, NULL); /* done already: returns at once */
    if (c->buf) {
        int slot = -1;
        for (int i = 0; i < PF_SPARE; i++) {
            if (!pf->spare[i]) {
                slot = i;
                break;
            }
            if (slot < 0 || pf->spare_len[i] < pf->spare_len[slot])
                slot = i;
        }
        if (slot >= 0 && (!pf->spare[slot] || pf->spare_len[slot] < c->cap)) {
            fs_big_free(pf->spare[slot], pf->spare_len[slot]);
            pf->spare[slot] = c->buf;
            pf->spare_len[slot] = c->cap;
            c->buf = NULL;
        }
    }
    fs_big_free(c->buf, c->cap);
    free(c);
}

/* Moves every live chunk to the dead list, cancelling transfers. pf->mu held. */
static void drop_all(struct fs_prefetch *pf)
{
    while (pf->chunks) {
        struct pf_chunk *c = pf->chunks;
        pf->chunks = c->next;
        __atomic_store_n(&c->cancel, 1, __ATOMIC_RELAXED);
        c->next = pf->dead;
        pf->dead = c;
    }
    pf->window = 0;
    pf->sched_end = 0;
}

/* Joins and frees dead chunks whose threads finished. pf->mu held (dropped while joining). */
static void reap_dead(struct fs_prefetch *pf, int all)
{
    struct pf_chunk **pp = &pf->dead;
    while (*pp) {
        struct pf_chunk *c = *pp;
        if (!c->done && all) {
            pthread_cond_wait(&pf->cv, &pf->mu);
            continue;
        }
        if (!c->done) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        chunk_free(pf, c);
    }
}

static void append_chunk(struct fs_prefetch *pf, struct pf_chunk *c)
{
    struct pf_chunk **pp = &pf->chunks;
    while (*pp)
        pp = &(*pp)->next;
    c->next = NULL;
    *pp = c;
}

/* Starts GETs ahead of pos until the window is covered, size reached or PF_INFLIGHT busy. */
static void schedule(struct fs_prefetch *pf, uint64_t pos, uint64_t size)
{
    while (pf->sched_end < pos + pf->window && pf->sched_end < size && pf->inflight < PF_INFLIGHT) {
        size_t want = pf->window < PF_CHUNK_MAX ? pf->window : PF_CHUNK_MAX;
        if (pf->sched_end + want > size)
            want = (size_t)(size - pf->sched_end);
        struct pf_chunk *c = calloc(1, sizeof(*c));
        if (!c)
            return;
        c->pf = pf;
        c->off = pf->sched_end;
        c->want = want;
        c->threaded = 1;
        c->buf = buf_get(pf, want, &c->cap);
        if (!c->buf || pthread_create(&c->th, NULL, chunk_thread, c) != 0) {
            fs_big_free(c->buf, c->cap);
            free(c);
            return;
        }
        pf->inflight++;
        append_chunk(pf, c);
        pf->sched_end += want;
    }
}

struct fs_prefetch *fs_prefetch_new(struct fs_ctx *ctx, const char *bucket, const char *key,
                                    const char *version_id)
{
    struct fs_prefetch *pf = calloc(1, sizeof(*pf));
    if (!pf)
        return NULL;
    pf->ctx = ctx;
    pf->bucket = strdup(bucket);
    pf->key = strdup(key);
    pf->version_id = version_id ? strdup(version_id) : NULL;
    if (!pf->bucket || !pf->key || (version_id && !pf->version_id)) {
        free(pf->bucket);
        free(pf->key);
        free(pf->version_id);
        free(pf);
        return NULL;
    }
    pthread_mutex_init(&pf->mu, NULL);
    pthread_cond_init(&pf->cv, NULL);
    return pf;
}

void fs_prefetch_free(struct fs_prefetch *pf)
{
    if (!pf)
        return;
    pthread_mutex_lock(&pf->mu);
    drop_all(pf);
    reap_dead(pf, 1);
    for (int i = 0; i < PF_SPARE; i++)
        fs_big_free(pf->spare[i], pf->spare_len[i]);
    pthread_mutex_unlock(&pf->mu);
    pthread_mutex_destroy(&pf->mu);
    pthread_cond_destroy(&pf->cv);
    free(pf->bucket);
    free(pf->key);
    free(pf->version_id);
    free(pf);
}

static struct pf_chunk *find(struct fs_prefetch *pf, uint64_t pos)
{
    for (struct pf_chunk *c = pf->chunks; c; c = c->next)
        if (pos >= c->off && pos < c->off + c->want)
            return c;
    return NULL;
}

/* Frees chunks entirely behind pos (done ones; a running one behind pos is cancelled). */
static void drop_behind(struct fs_prefetch *pf, uint64_t pos)
{
    struct pf_chunk **pp = &pf->chunks;
    while (*pp) {
        struct pf_chunk *c = *pp;
        if (c->off + c->want > pos) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        __atomic_store_n(&c->cancel, 1, __ATOMIC_RELAXED);
        c->next = pf->dead;
        pf->dead = c;
    }
}

int fs_prefetch_read(struct fs_prefetch *pf, uint64_t osize, size_t size, off_t off,
                     struct iovec *iov, int *niov)
{
    uint64_t pos = (uint64_t)off;
    *niov = 0;
    if (pos >= osize || size == 0)
        return 0; /* past the end (the size is authoritative while the file is open) */

    pthread_mutex_lock(&pf->mu);
    reap_dead(pf, 0);
    int sequential = find(pf, pos) != NULL || (pos == pf->last_end && pos > 0);
    /* A read a little behind the last one (FUSE threads answer the kernel's concurrent
     * read-ahead in any order) is served by a one-off GET that leaves the window alone:
     * dropping everything ahead would refetch (and remap) the whole window. */
    int straggler =
        !sequential && pf->window && pos < pf->last_end && pf->last_end - pos <= PF_CHUNK_MAX;
    if (!sequential && !straggler) {
        drop_all(pf);
    } else if (pf->window == 0) {
        pf->window = PF_WINDOW_MIN;
    }
    /* Pieces of chunks, in order; the chunks stay until this handle's next read (only reads,
     * under the caller's serialisation, free them). */
    struct iovec piece[FS_PREFETCH_IOV];
    int npiece = 0, rc = 0;
    size_t got = 0;
    while (got < size && pos + got < osize) {
        uint64_t p = pos + got;
        struct pf_chunk *c = find(pf, p);
        if (!c) {
            /* Not fetched ahead: one GET for this read (at least PF_MIN), kept as a chunk. */
            c = calloc(1, sizeof(*c));
            if (!c) {
                rc = -ENOMEM;
                break;
            }
            c->pf = pf;
            c->off = p;
            c->want = size - got > PF_MIN ? size - got : PF_MIN;
            if (p + c->want > osize)
                c->want = (size_t)(osize - p);
            c->buf = buf_get(pf, c->want, &c->cap);
            if (!c->buf) {
                free(c);
                rc = -ENOMEM;
                break;
            }
            if (!straggler) {
                drop_all(pf); /* what was ahead does not follow this chunk (pieces taken
                               * stay valid: dead chunks are freed after the reply) */
                if (sequential)
                    pf->window = PF_WINDOW_MIN;
            }
            pthread_mutex_unlock(&pf->mu);
            c->rc = fetch(pf, c);
            pthread_mutex_lock(&pf->mu);
            c->done = 1;
            if (straggler) {
                c->next = pf->dead; /* freed after the reply, by fs_prefetch_done */
                pf->dead = c;
            } else {
                append_chunk(pf, c);
                pf->sched_end = c->off + c->want;
            }
        }
        if (pf->window && !straggler)
            schedule(pf, p, osize);
        while (!c->done)
            pthread_cond_wait(&pf->cv, &pf->mu);
        if (c->rc < 0) {
            rc = c->rc;
            drop_all(pf);
            break;
        }
        uint64_t have_end = c->off + c->len;
        if (p >= have_end)
            break; /* the object is shorter than we thought: end of file */
        size_t n = (size_t)(have_end - p) < size - got ? (size_t)(have_end - p) : size - got;
        if (npiece == FS_PREFETCH_IOV) {
            rc = -EOVERFLOW; /* cannot happen with chunks of at least PF_MIN; never a short read */
            break;
        }
        piece[npiece].iov_base = c->buf + (p - c->off);
        piece[npiece].iov_len = n;
        npiece++;
        got += n;
        if (c->len < c->want)
            break; /* short chunk: the object ends here */
    }
    if (rc == 0 && !straggler) {
        pf->last_end = pos + got;
        if (pf->window) {
            /* Each read served while sequential widens the window, up to the maximum. */
            if (pf->window < PF_WINDOW_MAX)
                pf->window *= 2;
            schedule(pf, pos + got, osize);
        }
    }
    pthread_mutex_unlock(&pf->mu);
    if (rc < 0)
        return rc;
    memcpy(iov, piece, (size_t)npiece * sizeof(*iov));
    *niov = npiece;
    return 0;
}

/* Called after the reply: chunks wholly behind the last read go (their buffers to spares). */
void fs_prefetch_done(struct fs_prefetch *pf, off_t off)
{
    if (!pf)
        return;
    pthread_mutex_lock(&pf->mu);
    drop_behind(pf, (uint64_t)off);
    reap_dead(pf, 0);
    pthread_mutex_unlock(&pf->mu);
}
