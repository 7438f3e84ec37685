/* Extended attributes: user.oss.acl (read-write, the object ACL of a file or the ACL of a bucket
 * root, through the same control entries and audit as the files), the read-only
 * user.oss.etag, user.oss.version-id, user.oss.storage-class, user.oss.type and user.oss.crc64
 * of an object, from one HeadObject, and the read-write user.oss.tagging and
 * user.oss.meta.<name>, handed on to xattr_meta.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "ctlfile.h"
#include "dcache.h"
#include "inode.h"
#include "ops.h"
#include "xattr.h"

#define XA_ACL "user.oss.acl"

static const char *const file_names[] = {
    XA_ACL,          "user.oss.etag", "user.oss.version-id", "user.oss.storage-class",
    "user.oss.type", "user.oss.crc64"};

/* A transient control inode for the ACL of in (object ACL for files, .acl for a bucket root). */
static int acl_stub(struct fs_ctx *ctx, fuse_ino_t ino, struct fs_inode *stub)
{
    memset(stub, 0, sizeof(*stub));
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    int rc = 0;
    if (!in)
        rc = -ENOENT;
    else if (in->kind == FS_K_FILE) {
        stub->kind = FS_K_OBJACL;
        stub->entry = ctl_object_acl_entry();
    } else if (in->kind == FS_K_DIR && in->is_bucket_root) {
        stub->kind = FS_K_CTL;
        stub->entry = ctl_bucket_entry(".acl");
    } else
        rc = -ENODATA;
    if (rc == 0) {
        stub->bucket = strdup(in->bucket);
        stub->key = strdup(in->key);
        stub->version_id = in->version_id ? strdup(in->version_id) : NULL;
        if (!stub->bucket || !stub->key || !stub->entry || (in->version_id && !stub->version_id))
            rc = stub->entry ? -ENOMEM : -ENODATA;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc < 0) {
        free(stub->bucket);
        free(stub->key);
        free(stub->version_id);
    }
    return rc;
}

static int get_value(struct fs_ctx *ctx, fuse_ino_t ino, const char *name, struct oss_buf *out)
{
    struct fs_inode stub;
    struct oss_error err;
    oss_error_clear(&err);
    int rc = acl_stub(ctx, ino, &stub);
    if (rc < 0)
        return rc;
    struct ctl_target t;
    fs_ctl_target(&stub, &t);
    if (strcmp(name, XA_ACL) == 0) {
        rc = stub.kind == FS_K_OBJACL ? fs_acl_get(ctx, &t, out, &err) /* fetch-ahead store */
                                      : stub.entry->get(ctx->client, &t, out, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        while (rc == 0 && out->len && (out->data[out->len - 1] == '\n'))
            out->data[--out->len] = 0;
    } else if (stub.kind != FS_K_OBJACL) {
        rc = -ENODATA;
    } else {
        struct oss_object_meta m = {0};
        rc = oss_head_object(ctx->client, stub.bucket, stub.key, stub.version_id, &m, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        else if (strcmp(name, "user.oss.etag") == 0)
            rc = oss_buf_puts(out, m.etag);
        else if (strcmp(name, "user.oss.version-id") == 0)
            rc = m.version_id[0] ? oss_buf_puts(out, m.version_id) : -ENODATA;
        else if (strcmp(name, "user.oss.storage-class") == 0)
            rc = oss_buf_puts(out, m.storage_class);
        else if (strcmp(name, "user.oss.type") == 0)
            rc = oss_buf_puts(out, m.type);
        else if (strcmp(name, "user.oss.crc64") == 0)
            rc = m.has_crc64 ? oss_buf_printf(out, "%" PRIu64, m.crc64) : -ENODATA;
        else
            rc = -ENODATA;
        oss_object_meta_cleanup(&m);
    }
    free(stub.bucket);
    free(stub.key);
    free(stub.version_id);
    return rc;
}

/* The object behind a file inode for xattr_meta.c: -ENODATA for anything else (directories,
 * control files, symlinks, whose HeadObject would describe the target). */
static int xobj_of(struct fs_ctx *ctx, fuse_ino_t ino, struct fs_xobj *o)
{
    memset(o, 0, sizeof(*o));
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    int rc = 0;
    if (!in)
        rc = -ENOENT;
    else if (in->kind != FS_K_FILE || in->is_link)
        rc = -ENODATA;
    else if (!(o->bucket = strdup(in->bucket)) || !(o->key = strdup(in->key)) ||
             (in->version_id && !(o->version_id = strdup(in->version_id))))
        rc = -ENOMEM;
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

static void xobj_cleanup(struct fs_xobj *o)
{
    free(o->bucket);
    free(o->key);
    free(o->version_id);
}

/* Writes of user.oss.tagging and user.oss.meta.*: the mount owner and root only, as for
 * control files; a metadata rewrite changes the ETag and mtime, so the cached attributes of
 * the object expire. */
static int meta_write(fuse_req_t req, struct fs_ctx *ctx, fuse_ino_t ino, const char *name,
                      const char *value, size_t size, int flags, int remove)
{
    struct fs_xobj o;
    if (ctx->opts.ro)
        return -EROFS;
    if (!fs_may_write_ctl(ctx, req))
        return -EACCES;
    int rc = xobj_of(ctx, ino, &o);
    if (rc == -ENODATA)
        rc = -ENOTSUP; /* not an object: nothing of the kind can be set */
    else if (rc == 0)
        rc = remove ? fs_xattr_meta_remove(ctx, &o, name)
                    : fs_xattr_meta_set(ctx, &o, name, value, size, flags);
    xobj_cleanup(&o);
    if (rc == 0 && strcmp(name, "user.oss.tagging") != 0) {
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *in = fs_inode_get_locked(ctx, ino);
        if (in && in->writers == 0)
            in->attr_expires = 0;
        pthread_mutex_unlock(&ctx->lock);
    }
    return rc;
}

/* getxattr is asked twice by most tools: with size 0 for the length, then for the bytes. The
 * value fetched for the first call is kept for the second (same inode and name, within
 * PROBE_TTL seconds, used once), so one getfattr costs one request. Writes drop it. */
#define PROBE_TTL 2.0

/* Moves the kept value of (ino, name) into out; 1 when there was one. */
static int probe_take(struct fs_ctx *ctx, fuse_ino_t ino, const char *name, struct oss_buf *out)
{
    struct fs_xattr_probe *probe = &ctx->xprobe;
    int hit = 0;
    pthread_mutex_lock(&probe->lock);
    if (probe->valid && probe->ino == ino && strcmp(probe->name, name) == 0 &&
        fs_now() - probe->at < PROBE_TTL) {
        *out = probe->v;
        probe->v = (struct oss_buf)OSS_BUF_INIT;
        hit = 1;
    }
    probe->valid = 0;
    pthread_mutex_unlock(&probe->lock);
    return hit;
}

/* Keeps a copy of v for the next call (ino, name); NULL v just drops what is kept. */
static void probe_keep(struct fs_ctx *ctx, fuse_ino_t ino, const char *name,
                       const struct oss_buf *v)
{
    struct fs_xattr_probe *probe = &ctx->xprobe;
    pthread_mutex_lock(&probe->lock);
    oss_buf_reset(&probe->v);
    probe->valid = v && strlen(name) < sizeof(probe->name) &&
                   oss_buf_append(&probe->v, v->data ? v->data : "", v->len) == 0;
    if (probe->valid) {
        probe->ino = ino;
        snprintf(probe->name, sizeof(probe->name), "%s", name);
        probe->at = fs_now();
    }
    pthread_mutex_unlock(&probe->lock);
}

static int is_known(const char *name)
{
    for (size_t i = 0; i < sizeof(file_names) / sizeof(file_names[0]); i++)
        if (strcmp(name, file_names[i]) == 0)
            return 1;
    return 0;
}

/* -o noxattr: ENOSYS, which the kernel remembers for the whole mount, so it stops sending
 * xattr requests at all (ls -l asks two of every file otherwise). 1 when answered. */
static int xattrs_off(fuse_req_t req, const struct fs_ctx *ctx)
{
    if (!ctx->opts.noxattr)
        return 0;
    fuse_reply_err(req, ENOSYS);
    return 1;
}

void fs_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (xattrs_off(req, ctx))
        return;
    int meta = fs_xattr_is_meta(name);
    if (!is_known(name) && !meta) { /* security.*, system.posix_acl_*: no request */
        fuse_reply_err(req, ENODATA);
        return;
    }
    struct oss_buf v = OSS_BUF_INIT;
    int rc;
    if (size > 0 && probe_take(ctx, ino, name, &v))
        rc = 0;
    else if (meta) {
        struct fs_xobj o;
        rc = xobj_of(ctx, ino, &o);
        if (rc == 0)
            rc = fs_xattr_meta_get(ctx, &o, name, &v);
        xobj_cleanup(&o);
    } else
        rc = get_value(ctx, ino, name, &v);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else if (size == 0) {
        probe_keep(ctx, ino, name, &v);
        fuse_reply_xattr(req, v.len);
    } else if (size < v.len)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, v.data, v.len);
    oss_buf_cleanup(&v);
}

void fs_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                    size_t size, int flags)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (xattrs_off(req, ctx))
        return;
    probe_keep(ctx, ino, name, NULL);
    if (fs_xattr_is_meta(name)) {
        fuse_reply_err(req, -meta_write(req, ctx, ino, name, value, size, flags, 0));
        return;
    }
    if (strcmp(name, XA_ACL) != 0) {
        fuse_reply_err(req, is_known(name) ? EPERM : ENOTSUP);
        return;
    }
    if (flags & XATTR_CREATE) { /* the ACL always exists */
        fuse_reply_err(req, EEXIST);
        return;
    }
    struct fs_inode stub;
    int rc = acl_stub(ctx, ino, &stub);
    if (rc == 0) {
        rc = fs_ctl_apply(req, ctx, &stub, value, size);
        free(stub.bucket);
        free(stub.key);
        free(stub.version_id);
    }
    fuse_reply_err(req, rc == -ENODATA ? ENOTSUP : -rc);
}

void fs_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (xattrs_off(req, ctx))
        return;
    struct oss_buf v = OSS_BUF_INIT;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    /* symlinks have no attributes of their own (a HeadObject would describe the target) */
    size_t n = !in                                     ? 0
               : in->kind == FS_K_FILE && !in->is_link ? sizeof(file_names) / sizeof(file_names[0])
               : in->kind == FS_K_DIR && in->is_bucket_root ? 1
                                                            : 0;
    pthread_mutex_unlock(&ctx->lock);
    /* user.oss.version-id and user.oss.crc64 are listed by fs_xattr_meta_list only when the
     * object has them, so getfattr -d does not stumble on ENODATA */
    for (size_t i = 0; i < n; i++)
        if (strcmp(file_names[i], "user.oss.version-id") != 0 &&
            strcmp(file_names[i], "user.oss.crc64") != 0)
            oss_buf_append(&v, file_names[i], strlen(file_names[i]) + 1);
    struct fs_xobj o;
    int rc = n > 1 ? xobj_of(ctx, ino, &o) : -ENODATA;
    if (rc == 0) /* tags and user metadata: one HeadObject */
        rc = fs_xattr_meta_list(ctx, &o, &v);
    if (rc != -ENODATA)
        xobj_cleanup(&o);
    if (rc < 0 && rc != -ENODATA) {
        oss_buf_cleanup(&v);
        fuse_reply_err(req, -rc);
        return;
    }
    if (size == 0)
        fuse_reply_xattr(req, v.len);
    else if (size < v.len)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, v.data, v.len);
    oss_buf_cleanup(&v);
}

void fs_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (xattrs_off(req, ctx))
        return;
    probe_keep(ctx, ino, name, NULL);
    if (fs_xattr_is_meta(name))
        fuse_reply_err(req, -meta_write(req, ctx, ino, name, NULL, 0, 0, 1));
    else
        fuse_reply_err(req, is_known(name) ? EPERM : ENODATA);
}
