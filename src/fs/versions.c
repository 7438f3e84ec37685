/* The version tree: <dir>/.versions/<name>/<version-id> is a past version of <dir>/<name>
 * (read-only) and <dir>/.versions/<name>/.acl.d/<version-id> its ACL. It is reached by name;
 * listing it needs ListObjectVersions, which the client does not offer yet, so its directories
 * list empty. */
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
