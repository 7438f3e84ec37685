/* Logging of the daemon (stderr in the foreground, syslog otherwise), the once-only notes about
 * shadowed objects, and the per-mount memory of control file values used as audit old values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ctx.h"

struct fs_lastval {
    char *id; /* "entry\nbucket\nkey\nversion" */
    char *value;
    struct fs_lastval *next;
};

void fs_log(struct fs_ctx *ctx, int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ctx->opts.foreground) {
        flockfile(stderr);
        fputs("osspermfs: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        funlockfile(stderr);
    } else {
        vsyslog(prio, fmt, ap);
    }
    va_end(ap);
}

void fs_log_oss(struct fs_ctx *ctx, const struct oss_error *err)
{
    char line[1600];
    oss_error_format_call(err, line, sizeof(line));
    fs_log(ctx, LOG_WARNING, "%s%s", err->op[0] ? "" : "request not sent: ", line);
}

static char *make_id(const char *entry, const struct ctl_target *t)
{
    char *id = NULL;
    if (asprintf(&id, "%s\n%s\n%s\n%s", entry, t->bucket ? t->bucket : "", t->key ? t->key : "",
                 t->version_id ? t->version_id : "") < 0)
        return NULL;
    return id;
}

static struct fs_lastval *find(struct fs_lastval *l, const char *id)
{
    for (; l; l = l->next)
        if (strcmp(l->id, id) == 0)
            return l;
    return NULL;
}

/* Returns a malloc'ed copy of the last known value, or NULL when this mount never saw it. */
char *fs_lastval_get(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t)
{
    char *id = make_id(entry, t), *v = NULL;
    if (!id)
        return NULL;
    pthread_mutex_lock(&ctx->lock);
    struct fs_lastval *lv = find(ctx->lastvals, id);
    if (lv)
        v = strdup(lv->value);
    pthread_mutex_unlock(&ctx->lock);
    free(id);
    return v;
}

/* Remembers value as the last known one. A value read from the server ends with the newline
 * that reads add, a written one does not: final newlines are dropped so the audit log's old and
 * new fields compare equal for the same setting. */
void fs_lastval_set(struct fs_ctx *ctx, const char *entry, const struct ctl_target *t,
                    const char *value)
{
    char *id = make_id(entry, t), *v = strdup(value ? value : "");
    if (!id || !v) {
        free(id);
        free(v);
        return;
    }
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
        v[--n] = 0;
    pthread_mutex_lock(&ctx->lock);
    struct fs_lastval *lv = find(ctx->lastvals, id);
    if (lv) {
        free(lv->value);
        lv->value = v;
        free(id);
    } else if ((lv = calloc(1, sizeof(*lv)))) {
        lv->id = id;
        lv->value = v;
        lv->next = ctx->lastvals;
        ctx->lastvals = lv;
    } else {
        free(id);
        free(v);
    }
    pthread_mutex_unlock(&ctx->lock);
}

void fs_log_shadowed(struct fs_ctx *ctx, const char *bucket, const char *key)
{
    struct ctl_target t = {bucket, key, NULL};
    char *id = make_id("shadow", &t);
    if (!id)
        return;
    int first = 0;
    pthread_mutex_lock(&ctx->lock);
    if (!find(ctx->shadowed, id)) {
        struct fs_lastval *lv = calloc(1, sizeof(*lv));
        if (lv) {
            lv->id = id;
            lv->value = NULL;
            lv->next = ctx->shadowed;
            ctx->shadowed = lv;
            id = NULL;
            first = 1;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    free(id);
    if (first)
        fs_log(ctx, LOG_NOTICE,
               "object %s/%s is shadowed by a control file name; mount with -o noctl to reach it",
               bucket, key);
}

void fs_lastval_free_all(struct fs_lastval **list)
{
    struct fs_lastval *l = *list;
    while (l) {
        struct fs_lastval *next = l->next;
        free(l->id);
        free(l->value);
        free(l);
        l = next;
    }
    *list = NULL;
}
