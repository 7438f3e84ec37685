/* The version tree: <dir>/.versions/<name>/<version-id> is a past version of <dir>/<name>
 * (read-only) and <dir>/.versions/<name>/.acl.d/<version-id> its ACL. Names resolve with one
 * HeadObject carrying the versionId; .versions/<name> and its .acl.d list the versions with
 * ListObjectVersions (dir.c calls fs_list_versions), and .versions itself lists every name
 * with versions, deleted ones included (fs_list_version_names). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "inode.h"
#include "ops.h"

/* Resolves names in the version tree: .versions/NAME (no request), .versions/NAME/.acl.d, and
 * .versions/NAME/VID or .versions/NAME/.acl.d/VID (one HeadObject with versionId). Takes
 * ctx->lock held; releases it. */
void fs_lookup_version(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    if (p->kind == FS_K_VERSIONS || (p->kind == FS_K_VERDIR && strcmp(name, ".acl.d") == 0)) {
        char *key = p->kind == FS_K_VERSIONS ? fs_child_key(p->key, name, 0) : strdup(p->key);
        if (!key) {
            pthread_mutex_unlock(&ctx->lock);
            fuse_reply_err(req, ENOMEM);
            return;
        }
        fs_reply_child_locked(req, ctx, p, name,
                              p->kind == FS_K_VERSIONS ? FS_K_VERDIR : FS_K_VERACLD, key, 0, 0, 0);
        free(key);
        return;
    }
    char *bucket = strdup(p->bucket), *key = strdup(p->key);
    fuse_ino_t pino = p->ino;
    enum fs_kind kind = p->kind == FS_K_VERDIR ? FS_K_FILE : FS_K_OBJACL;
    pthread_mutex_unlock(&ctx->lock);
    struct oss_object_meta m = {0};
    struct oss_error err;
    int rc = bucket && key ? oss_head_object(ctx->client, bucket, key, name, &m, &err) : -ENOMEM;
    if (rc < 0 && rc != -ENOENT && rc != -ENOMEM)
        fs_log_oss(ctx, &err);
    free(bucket);
    if (rc < 0) {
        free(key);
        oss_object_meta_cleanup(&m);
        if (rc == -ENOENT)
            fs_reply_negative(req, ctx);
        else
            fuse_reply_err(req, -rc);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, pino);
    struct fs_inode *in = p ? fs_inode_ref_child_locked(ctx, p, name, kind, p->bucket, key) : NULL;
    free(key);
    if (in && !in->version_id)
        in->version_id = strdup(name);
    if (!in || !in->version_id) {
        pthread_mutex_unlock(&ctx->lock);
        oss_object_meta_cleanup(&m);
        fuse_reply_err(req, in ? ENOMEM : ENOENT);
        return;
    }
    if (kind == FS_K_OBJACL)
        in->entry = ctl_object_acl_entry();
    in->size = m.size;
    in->mtime = m.mtime;
    in->attr_expires = fs_now() + ctx->opts.attr_timeout;
    oss_object_meta_cleanup(&m);
    struct fuse_entry_param e;
    fs_make_entry(ctx, in, &e);
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_entry(req, &e);
}

/* Appends an entry to a listing being built (cap: its allocated size). */
static int listing_push(struct fs_listing *l, size_t *cap, const char *name, uint64_t size,
                        time_t mtime)
{
    if (l->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct fs_dirent *e = realloc(l->ents, ncap * sizeof(*e));
        if (!e)
            return -ENOMEM;
        l->ents = e;
        *cap = ncap;
    }
    char *n = strdup(name);
    if (!n)
        return -ENOMEM;
    memset(&l->ents[l->n], 0, sizeof(l->ents[l->n]));
    l->ents[l->n].name = n;
    l->ents[l->n].size = size;
    l->ents[l->n].mtime = mtime;
    l->n++;
    return 0;
}

/* Calls fn for every entry of ListObjectVersions(prefix, delimiter) pages, 1000 a page, until
 * the last page or until fn sets *stop; fn returns 0 or a negative errno that ends the walk. */
static int each_version(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                        const char *delimiter,
                        int (*fn)(void *arg, const struct oss_version_entry *v, int *stop),
                        void *arg)
{
    char *km = NULL, *vm = NULL;
    int rc = 0, done = 0;
    while (rc == 0 && !done) {
        struct oss_version_params p = {.prefix = prefix && *prefix ? prefix : NULL,
                                       .delimiter = delimiter,
                                       .key_marker = km,
                                       .version_id_marker = vm,
                                       .max_keys = 1000};
        struct oss_version_page pg = {0};
        struct oss_error err;
        rc = oss_list_object_versions(ctx->client, bucket, &p, &pg, &err);
        if (rc < 0) {
            fs_log_oss(ctx, &err);
            break;
        }
        done = !pg.truncated;
        for (size_t i = 0; rc == 0 && i < pg.n; i++)
            rc = fn(arg, &pg.versions[i], &done);
        free(km);
        free(vm);
        km = vm = NULL;
        if (rc == 0 && !done) {
            km = strdup(pg.next_key_marker ? pg.next_key_marker : "");
            vm = strdup(pg.next_version_id_marker ? pg.next_version_id_marker : "");
            if (!km || !vm || !km[0])
                rc = km && vm ? -EIO : -ENOMEM;
        }
        oss_version_page_cleanup(&pg);
    }
    free(km);
    free(vm);
    return rc;
}

struct version_walk {
    struct fs_listing *l;
    size_t cap;
    const char *key; /* the object (fs_list_versions) or the directory prefix */
};

static int add_version(void *arg, const struct oss_version_entry *v, int *stop)
{
    struct version_walk *w = arg;
    int c = strcmp(v->key, w->key);
    if (c > 0)
        *stop = 1;
    if (c != 0 || v->delete_marker)
        return 0;
    return listing_push(w->l, &w->cap, v->version_id, v->size, v->mtime);
}

static int add_name(void *arg, const struct oss_version_entry *v, int *stop)
{
    (void)stop;
    struct version_walk *w = arg;
    size_t pl = strlen(w->key);
    const char *name = v->key + pl;
    if (strncmp(v->key, w->key, pl) != 0 || !*name || strchr(name, '/'))
        return 0;
    if (w->l->n && strcmp(w->l->ents[w->l->n - 1].name, name) == 0)
        return 0; /* an older version of the same name (newest come first) */
    return listing_push(w->l, &w->cap, name, 0, v->mtime);
}

static int walk_versions(struct fs_ctx *ctx, const char *bucket, const char *key, int names,
                         struct fs_listing **out)
{
    struct version_walk w = {calloc(1, sizeof(struct fs_listing)), 0, key};
    if (!w.l)
        return -ENOMEM;
    int rc = each_version(ctx, bucket, key, names ? "/" : NULL, names ? add_name : add_version, &w);
    if (rc < 0) {
        fs_listing_free(w.l);
        return rc;
    }
    *out = w.l;
    return 0;
}

/* Lists the versions of key: one ListObjectVersions page (prefix=key) after another until
 * the listing passes key. Delete markers are left out (they have no bytes and no ACL).
 * Entries come newest first, named by version id; *out is malloc'ed (fs_listing_free), and
 * not sorted by name, so it is never kept for lookups. */
int fs_list_versions(struct fs_ctx *ctx, const char *bucket, const char *key,
                     struct fs_listing **out)
{
    return walk_versions(ctx, bucket, key, 0, out);
}

int fs_list_version_names(struct fs_ctx *ctx, const char *bucket, const char *prefix,
                          struct fs_listing **out)
{
    return walk_versions(ctx, bucket, prefix, 1, out);
}
