/* Access points as directories under BUCKET/.access-points (accesspoints.h). A lookup of an
 * access point costs one GetAccessPoint, a listing one ListAccessPoints per 1000... page, mkdir
 * one CreateAccessPoint and rmdir one DeleteAccessPoint; both go to the audit log like any
 * change made through a control file, and only the mount owner and root may make them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accesspoints.h"
#include "inode.h"
#include "ops.h"

int fs_ap_is_dir(struct fs_ctx *ctx, const struct fs_inode *p, const char *name)
{
    return !ctx->opts.noctl && p->kind == FS_K_DIR && p->is_bucket_root &&
           strcmp(name, CTL_ACCESS_POINTS_DIR) == 0;
}

void fs_ap_lookup(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *p, const char *name)
{
    fuse_ino_t ino = p->ino;
    char *bucket = strdup(p->bucket ? p->bucket : "");
    struct oss_error err;
    int rc = 0;

    if (p->kind == FS_K_AP) {
        const struct ctl_entry *ce = ctl_access_point_entry(name);
        struct fs_inode *in =
            ce ? fs_inode_ref_child_locked(ctx, p, name, FS_K_CTL, p->bucket, p->key) : NULL;
        struct fuse_entry_param e;

        if (in) {
            in->entry = ce;
            fs_make_entry(ctx, in, &e);
        }
        pthread_mutex_unlock(&ctx->lock);
        free(bucket);
        if (in)
            fuse_reply_entry(req, &e);
        else
            fuse_reply_err(req, ce ? ENOMEM : ENOENT);
        return;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (!bucket)
        rc = -ENOMEM;
    else if (!oss_access_point_name_valid(name))
        rc = -ENOENT;
    else if ((rc = oss_access_point_request(ctx->client, "GET", bucket, name, "accessPoint", NULL,
                                            0, NULL, &err)) < 0 &&
             rc != -ENOENT)
        fs_log_oss(ctx, &err);
    free(bucket);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    p = fs_inode_get_locked(ctx, ino);
    if (!p) {
        pthread_mutex_unlock(&ctx->lock);
        fuse_reply_err(req, ENOENT);
        return;
    }
    fs_reply_child_locked(req, ctx, p, name, FS_K_AP, name, 0, 0, 0);
}

int fs_ap_list(struct fs_ctx *ctx, const struct fs_inode *dir, fs_ap_add_fn add, void *arg)
{
    struct oss_name_list l;
    struct oss_error err;
    size_t n = 0;
    int rc;

    if (dir->kind == FS_K_AP) {
        const struct ctl_entry *e = ctl_access_point_entries(&n);
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = add(arg, e[i].name, FS_K_CTL, &e[i]);
        return rc;
    }
    rc = oss_list_access_points(ctx->client, dir->bucket, &l, &err);
    if (rc < 0) {
        fs_log_oss(ctx, &err);
        return rc;
    }
    for (size_t i = 0; i < l.n && rc == 0; i++)
        rc = add(arg, l.names[i], FS_K_AP, NULL);
    oss_name_list_cleanup(&l);
    return rc;
}

/* The bucket of parent when it is an FS_K_APDIR (a copy), else NULL with *is 0. */
static char *apdir_bucket(struct fs_ctx *ctx, fuse_ino_t parent, int *is)
{
    char *bucket = NULL;

    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    *is = p && p->kind == FS_K_APDIR;
    if (*is)
        bucket = strdup(p->bucket);
    pthread_mutex_unlock(&ctx->lock);
    return bucket;
}

/* Writes the audit record of a created (created 1) or deleted access point. */
static void audit(fuse_req_t req, struct fs_ctx *ctx, const char *bucket, const char *name,
                  int created, const struct oss_error *err)
{
    struct fs_who who = fs_who_of(req);
    struct ctl_target t = {bucket, name, NULL};
    struct ctl_audit_record r = {
        .uid = who.uid,
        .pid = who.pid,
        .entry = CTL_ACCESS_POINTS_DIR,
        .target = &t,
        .old_value = created ? NULL : "access point",
        .new_value = created ? "access point" : NULL,
        .err = err,
        .request_id = err && err->err == 0 ? err->request_id : NULL,
    };

    if (ctx->audit)
        ctl_audit_write(ctx->audit, &r);
}

/* The checks shared by mkdir and rmdir: 0, or a negative errno and nothing sent. */
static int may_change(fuse_req_t req, struct fs_ctx *ctx, const char *bucket, const char *name)
{
    if (!bucket)
        return -ENOMEM;
    if (!fs_may_write_ctl(ctx, req))
        return -EACCES;
    return oss_access_point_name_valid(name) ? 0 : -EINVAL;
}

/* mkdir (create 1) or rmdir of name in parent: 0 when parent is not an access points
 * directory; otherwise the request is answered and 1 returned. */
static int change(fuse_req_t req, fuse_ino_t parent, const char *name, int create)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    struct oss_error err;
    int is, rc;
    char *bucket = apdir_bucket(ctx, parent, &is);

    if (!is)
        return 0;
    rc = may_change(req, ctx, bucket, name);
    if (rc == -EINVAL && !create)
        rc = -ENOENT; /* no access point can have that name */
    if (rc == 0) {
        oss_error_clear(&err);
        rc = create ? oss_create_access_point(ctx->client, bucket, name, &err)
                    : oss_access_point_request(ctx->client, "DELETE", bucket, name, "accessPoint",
                                               NULL, 0, NULL, &err);
        if (rc < 0 && !strcmp(err.code, "AccessPointAlreadyExists"))
            rc = -EEXIST; /* a 409 of its own, not a busy resource */
        if (rc < 0)
            fs_log_oss(ctx, &err);
        audit(req, ctx, bucket, name, create, &err);
    }
    free(bucket);
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = fs_inode_get_locked(ctx, parent);
    struct fs_inode *c = rc == 0 && !create ? fs_inode_child_locked(ctx, parent, name) : NULL;
    if (c)
        fs_inode_unlink_locked(ctx, c);
    if (rc == 0 && create && p) {
        fs_reply_child_locked(req, ctx, p, name, FS_K_AP, name, 0, 0, 0); /* unlocks */
        return 1;
    }
    pthread_mutex_unlock(&ctx->lock);
    fuse_reply_err(req, rc == 0 && create ? ENOENT : -rc);
    return 1;
}

int fs_ap_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    return change(req, parent, name, 1);
}

int fs_ap_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    return change(req, parent, name, 0);
}
