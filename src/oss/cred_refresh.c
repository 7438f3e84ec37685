/* Keeps expiring credentials fresh: one fetch dispatcher over the refreshable sources, and a
 * thread per client that fetches new keys before the old ones expire and swaps them into the
 * client. A failed fetch keeps the old keys and is retried with backoff. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "oss/credentials.h"

int oss_cred_fetch(const struct oss_cred_source *src, struct oss_credentials *cr, time_t *expires,
                   char *why, size_t whylen)
{
    switch (src->kind) {
    case OSS_CRED_PROCESS:
        return oss_cred_from_process(src->command, src->timeout_ms, cr, expires, why, whylen);
    case OSS_CRED_ECS_ROLE:
        return oss_cred_from_ecs(src->metadata_url, src->role, src->timeout_ms, cr, expires, why,
                                 whylen);
    }
    memset(cr, 0, sizeof(*cr));
    if (why && whylen)
        snprintf(why, whylen, "unknown credential source");
    return -EINVAL;
}

struct oss_cred_refresher {
    struct oss_client *client;
    const struct oss_cred_source *src;
    time_t expires;
    oss_cred_log_fn log;
    void *log_arg;
    pthread_t thread;
    int running;
    int stop;
    unsigned count;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static void logf_(struct oss_cred_refresher *r, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void logf_(struct oss_cred_refresher *r, int prio, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (!r->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    r->log(r->log_arg, prio, line);
}

/* Sleeps until the wall-clock time `at` or a stop request; returns 1 when asked to stop. */
static int sleep_until(struct oss_cred_refresher *r, time_t at)
{
    struct timespec ts = {.tv_sec = at, .tv_nsec = 0};
    int stop;
    pthread_mutex_lock(&r->lock);
    while (!r->stop && time(NULL) < at)
        if (pthread_cond_timedwait(&r->cond, &r->lock, &ts) == ETIMEDOUT)
            break;
    stop = r->stop;
    pthread_mutex_unlock(&r->lock);
    return stop;
}

static const char *kind_name(const struct oss_cred_source *s)
{
    return s->kind == OSS_CRED_PROCESS ? "credential_process" : "ram_role";
}

static void *refresh_main(void *arg)
{
    struct oss_cred_refresher *r = arg;
    time_t backoff = 0;
    time_t at = oss_cred_refresh_at(time(NULL), r->expires);

    for (;;) {
        if (sleep_until(r, at))
            break;
        struct oss_credentials cr;
        time_t exp = 0;
        char why[256] = "";
        int rc = oss_cred_fetch(r->src, &cr, &exp, why, sizeof(why));
        time_t now = time(NULL);
        if (rc == 0 && exp != 0 && exp <= now) {
            oss_credentials_cleanup(&cr);
            rc = -EINVAL;
            snprintf(why, sizeof(why), "%s returned credentials that have already expired",
                     kind_name(r->src));
        }
        if (rc == 0)
            rc = oss_client_set_credentials(r->client, cr.akid, cr.secret, cr.token);
        if (rc == 0) {
            char stamp[32] = "never";
            struct tm tm;
            if (exp && gmtime_r(&exp, &tm))
                strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
            logf_(r, LOG_INFO, "credentials refreshed by %s: key %s, expires %s", kind_name(r->src),
                  cr.akid, stamp);
            oss_credentials_cleanup(&cr);
            pthread_mutex_lock(&r->lock);
            r->count++;
            r->expires = exp;
            pthread_mutex_unlock(&r->lock);
            backoff = 0;
            if (exp == 0)
                break; /* keys that do not expire need no more refreshing */
            at = oss_cred_refresh_at(now, exp);
            continue;
        }
        backoff = backoff ? (backoff * 2 > 60 ? 60 : backoff * 2) : 1;
        pthread_mutex_lock(&r->lock);
        time_t old_exp = r->expires;
        pthread_mutex_unlock(&r->lock);
        logf_(r, LOG_WARNING,
              "credential refresh failed (%s); keeping the current keys%s, "
              "retrying in %lds",
              why[0] ? why : strerror(-rc), old_exp <= now ? ", which have expired" : "",
              (long)backoff);
        at = now + backoff;
    }
    return NULL;
}

struct oss_cred_refresher *oss_cred_refresher_start(struct oss_client *client,
                                                    const struct oss_cred_source *src,
                                                    time_t expires, oss_cred_log_fn log,
                                                    void *log_arg)
{
    struct oss_cred_refresher *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->client = client;
    r->src = src;
    r->expires = expires;
    r->log = log;
    r->log_arg = log_arg;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    if (expires == 0)
        return r;
    int err = pthread_create(&r->thread, NULL, refresh_main, r);
    if (err) {
        pthread_cond_destroy(&r->cond);
        pthread_mutex_destroy(&r->lock);
        free(r);
        errno = err;
        return NULL;
    }
    r->running = 1;
    return r;
}

void oss_cred_refresher_stop(struct oss_cred_refresher *r)
{
    if (!r)
        return;
    if (r->running) {
        pthread_mutex_lock(&r->lock);
        r->stop = 1;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

unsigned oss_cred_refresher_count(struct oss_cred_refresher *r)
{
    unsigned n;
    pthread_mutex_lock(&r->lock);
    n = r->count;
    pthread_mutex_unlock(&r->lock);
    return n;
}
