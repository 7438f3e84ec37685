/* The version tree: <dir>/.versions/<name>/<version-id> is a past version of <dir>/<name>
 * (read-only) and <dir>/.versions/<name>/.acl.d/<version-id> its ACL. Names resolve with one
 * HeadObject carrying the versionId; .versions/<name> and its .acl.d list the versions with
 * ListObjectVersions (dir.c calls fs_list_versions). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fs.h"

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
        fs_log_oss(ctx, "HeadObject", bucket, key, &err);
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

/* Lists the versions of key: one ListObjectVersions page (prefix=key) after another until
 * the listing passes key. Delete markers are left out (they have no bytes and no ACL).
 * Entries come newest first, named by version id; *out is malloc'ed (fs_listing_free), and
 * not sorted by name, so it is never kept for lookups. */
int fs_list_versions(struct fs_ctx *ctx, const char *bucket, const char *key,
                     struct fs_listing **out)
{
    struct fs_listing *l = calloc(1, sizeof(*l));
    char *km = NULL, *vm = NULL;
    size_t cap = 0;
    int rc = l ? 0 : -ENOMEM, done = 0;

    while (rc == 0 && !done) {
        struct oss_version_params p = {
            .prefix = key, .key_marker = km, .version_id_marker = vm, .max_keys = 1000};
        struct oss_version_page pg = {0};
        struct oss_error err;
        rc = oss_list_object_versions(ctx->client, bucket, &p, &pg, &err);
        if (rc < 0) {
            fs_log_oss(ctx, "ListObjectVersions", bucket, key, &err);
            break;
        }
        done = !pg.truncated;
        for (size_t i = 0; rc == 0 && i < pg.n; i++) {
            const struct oss_version_entry *v = &pg.versions[i];
            int c = strcmp(v->key, key);
            if (c > 0)
                done = 1;
            if (c != 0 || v->delete_marker)
                continue;
            if (l->n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct fs_dirent *e = realloc(l->ents, ncap * sizeof(*e));
                if (!e) {
                    rc = -ENOMEM;
                    break;
                }
                l->ents = e;
                cap = ncap;
            }
            char *name = strdup(v->version_id);
            if (!name) {
                rc = -ENOMEM;
                break;
            }
            memset(&l->ents[l->n], 0, sizeof(l->ents[l->n]));
            l->ents[l->n].name = name;
            l->ents[l->n].size = v->size;
            l->ents[l->n].mtime = v->mtime;
            l->n++;
        }
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
    if (rc < 0) {
        fs_listing_free(l);
        return rc;
    }
    *out = l;
    return 0;
}
