/* Fetch-ahead of POSIX metadata (-o posix_meta): listings carry no user metadata, so the
 * files of a listed page get one HeadObject each, METAFETCH_THREADS at a time, before the page
 * reaches readdirplus; `ls -l` then needs no request per file. Self-contained: the caller hands
 * keys and gets results, nothing is cached here. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

#define METAFETCH_THREADS 64

struct metafetch {
    struct fs_ctx *ctx;
    const char *bucket;
    char *const *keys;
    size_t n;
    size_t next; /* the next key to fetch (atomic) */
    struct fs_pmeta *out;
    unsigned char *ok;
};

static void *fetch_thread(void *arg)
{
    struct metafetch *mf = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&mf->next, 1, __ATOMIC_RELAXED);
        if (i >= mf->n)
            return NULL;
        struct oss_object_meta m = {0};
        struct oss_error err;
        int rc = oss_head_object(mf->ctx->client, mf->bucket, mf->keys[i], NULL, &m, &err);
        if (rc == 0 && strcmp(m.type, "Symlink") != 0) {
            fs_pmeta_parse(&m, &mf->out[i]);
            mf->ok[i] = 1;
        } else if (rc < 0 && rc != -ENOENT) {
            fs_log_oss(mf->ctx, &err);
        }
        oss_object_meta_cleanup(&m);
    }
}

int fs_metafetch(struct fs_ctx *ctx, const char *bucket, char *const *keys, size_t n,
                 struct fs_pmeta *out, unsigned char *ok)
{
    struct metafetch mf = {ctx, bucket, keys, n, 0, out, ok};
    pthread_t th[METAFETCH_THREADS];
    size_t nth = 0;
    memset(ok, 0, n);
    while (nth < METAFETCH_THREADS && nth < n &&
           pthread_create(&th[nth], NULL, fetch_thread, &mf) == 0)
        nth++;
    if (nth == 0 && n > 0)
        fetch_thread(&mf); /* no thread to spare: one at a time */
    for (size_t i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    return 0;
}
