/* Symlinks as OSS native symlinks. symlink(2) is one PutSymlink whose target is the
 * bucket-absolute key the link points at (as ossfs stores them): a relative target is resolved
 * against the link's directory, an absolute one must lie inside this mount's view of the same
 * bucket; a target that leaves the bucket (or names its root) is EINVAL and sends nothing.
 * readlink(2) is one GetSymlink, and the stored key is turned back into a path relative to the
 * link's directory, so links keep working wherever the bucket is mounted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctlfile.h"
#include "inode.h"
#include "ops.h"

/* Appends the components of path to the key being built in out (length *len, capacity cap):
 * "." and empty components are skipped, ".." drops the last component and fails with -EINVAL
 * at the bucket root. */
static int walk(char *out, size_t *len, size_t cap, const char *path)
{
    while (*path) {
        const char *slash = strchr(path, '/');
        size_t cl = slash ? (size_t)(slash - path) : strlen(path);
        if (cl == 2 && path[0] == '.' && path[1] == '.') {
            if (*len == 0)
                return -EINVAL;
            char *last = memrchr(out, '/', *len);
            *len = last ? (size_t)(last - out) : 0;
        } else if (cl && !(cl == 1 && path[0] == '.')) {
            if (*len + 1 + cl >= cap)
                return -ENAMETOOLONG;
            if (*len)
                out[(*len)++] = '/';
            memcpy(out + *len, path, cl);
            *len += cl;
        }
        out[*len] = 0;
        path += cl + (slash ? 1 : 0);
    }
    return 0;
}

/* The bucket key that target names for a link in directory dirkey ("" or "a/b/") of bucket.
 * Malloc'ed into *out; -EINVAL for a target outside the bucket (see the file comment). */
static int target_key(struct fs_ctx *ctx, const char *bucket, const char *dirkey,
                      const char *target, char **out)
{
    char buf[1024];
    size_t len = 0;
    int rc;

    buf[0] = 0;
    if (target[0] == '/') {
        const char *mp = ctx->opts.mountpoint;
        size_t ml = strlen(mp);
        if (strncmp(target, mp, ml) != 0 || (target[ml] != '/' && target[ml] != 0))
            return -EINVAL;
        target += ml;
        if (!ctx->opts.bucket) { /* account mode: the first component is the bucket */
            while (*target == '/')
                target++;
            size_t bl = strlen(bucket);
            if (strncmp(target, bucket, bl) != 0 || (target[bl] != '/' && target[bl] != 0))
                return -EINVAL;
            target += bl;
        } else if ((rc = walk(buf, &len, sizeof(buf), ctx->opts.prefix ? ctx->opts.prefix : "")) <
                   0)
            return rc;
    } else if ((rc = walk(buf, &len, sizeof(buf), dirkey)) < 0) {
        return rc;
    }
    if ((rc = walk(buf, &len, sizeof(buf), target)) < 0)
        return rc;
    if (len == 0)
        return -EINVAL; /* the bucket root is no object */
    *out = strdup(buf);
    return *out ? 0 : -ENOMEM;
}

/* The path from the directory of the link at linkkey to the key target: "../" once per
 * directory level not shared, then the rest of target ("." for the directory itself). */
static char *relative_path(const char *linkkey, const char *target)
{
    const char *ld = strrchr(linkkey, '/');
    size_t dl = ld ? (size_t)(ld - linkkey) + 1 : 0; /* linkkey[0..dl) is the dir, with '/' */
    size_t common = 0;                               /* shared whole components, with '/' */
    for (size_t i = 0; i < dl && target[i] == linkkey[i]; i++)
        if (linkkey[i] == '/')
            common = i + 1;
    /* target equal to a whole directory of the link ("a/b" for a link in "a/b/") */
    size_t tl = strlen(target);
    if (tl > common && tl < dl && linkkey[tl] == '/' && strncmp(target, linkkey, tl) == 0)
        common = tl + 1;
    size_t up = 0;
    for (size_t i = common; i < dl; i++)
        up += linkkey[i] == '/';
    const char *rest = common <= tl ? target + common : "";
    size_t rl = strlen(rest), n = up * 3 + rl + 2;
    char *p = malloc(n), *w = p;
    if (!p)
        return NULL;
    for (size_t i = 0; i < up; i++, w += 3)
        memcpy(w, "../", 3);
    memcpy(w, rest, rl);
    w += rl;
    if (w == p)
        *w++ = '.';
    else if (rl == 0)
        w--; /* "../.." rather than "../../" */
    *w = 0;
    return p;
}

/* GetSymlink of the link at key and its target relative to the link. */
static int read_link(struct fs_ctx *ctx, const char *bucket, const char *key, const char *vid,
                     char **rel)
{
    struct oss_error err;
    char *target = NULL;
    int rc = oss_get_symlink(ctx->client, bucket, key, vid, &target, &err);
    if (rc < 0) {
        fs_log_oss(ctx, &err);
        return rc;
    }
    *rel = relative_path(key, target);
    free(target);
    return *rel ? 0 : -ENOMEM;
}

int fs_link_probe(struct fs_ctx *ctx, const char *bucket, const char *key, uint64_t *size)
{
    char *rel = NULL;
    int rc = read_link(ctx, bucket, key, NULL, &rel);
    if (rc < 0)
        return rc;
    *size = strlen(rel);
    free(rel);
    return 2;
}

void fs_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    char *bucket = NULL, *key = NULL, *tkey = NULL, *rel = NULL;
    struct oss_error err;
    int rc = 0;

    if (fs_reply_if_bad_new_name(req, ctx, name))
        return;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    if (!p)
        rc = -ENOENT;
    else if (p->kind != FS_K_DIR)
        rc = -EPERM; /* the account root, control and version directories */
    else if (fs_key_too_long(p, name, 0))
        rc = -ENAMETOOLONG;
    else if (fs_ctl_at(ctx, p, name) || (!ctx->opts.noctl && ctl_is_reserved_dir_name(name)) ||
             fs_is_reserved_in(ctx, p, name))
        rc = -EEXIST;
    else {
        bucket = strdup(p->bucket);
        key = fs_child_key(p->key, name, 0);
        if (!bucket || !key)
            rc = -ENOMEM;
        else
            rc = target_key(ctx, bucket, p->key, link, &tkey);
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && strlen(tkey) > FS_KEY_MAX)
        rc = -ENAMETOOLONG; /* the target must be a key too */
    if (rc == 0 && !(rel = relative_path(key, tkey)))
        rc = -ENOMEM;
    if (rc == 0) {
        rc = oss_put_symlink(ctx->client, bucket, key, tkey, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    struct fuse_entry_param e;
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *in =
            fs_inode_new_file_locked(ctx, parent, name, bucket, key, time(NULL), &rc);
        if (in) {
            in->is_link = 1;
            in->size = strlen(rel);
            fs_make_entry(ctx, in, &e);
        }
        pthread_mutex_unlock(&ctx->lock);
    }
    free(bucket);
    free(key);
    free(tkey);
    free(rel);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_entry(req, &e);
}

void fs_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    char *bucket = NULL, *key = NULL, *vid = NULL, *rel = NULL;
    int rc = 0;

    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    if (!in)
        rc = -ENOENT;
    else if (in->kind != FS_K_FILE || !in->is_link)
        rc = -EINVAL;
    else if (!(bucket = strdup(in->bucket)) || !(key = strdup(in->key)) ||
             (in->version_id && !(vid = strdup(in->version_id))))
        rc = -ENOMEM;
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0)
        rc = read_link(ctx, bucket, key, vid, &rel);
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        in = fs_inode_get_locked(ctx, ino);
        if (in && in->is_link)
            in->size = strlen(rel); /* st_size of a link: the length readlink returns */
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_readlink(req, rel);
    } else
        fuse_reply_err(req, -rc);
    free(bucket);
    free(key);
    free(vid);
    free(rel);
}
