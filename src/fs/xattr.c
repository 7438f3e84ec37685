/* Extended attributes: user.oss.acl (read-write, the object ACL of a file or the ACL of a bucket
 * root, through the same control entries and audit as the files), and the read-only
 * user.oss.etag, user.oss.version-id, user.oss.storage-class, user.oss.type and user.oss.crc64
 * of an object, from one HeadObject. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "fs/fs.h"

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
        rc = stub.entry->get(ctx->client, &t, out, &err);
        if (rc < 0)
            fs_log_oss(ctx, "GetACL", stub.bucket, t.key, &err);
        while (rc == 0 && out->len && (out->data[out->len - 1] == '\n'))
            out->data[--out->len] = 0;
    } else if (stub.kind != FS_K_OBJACL) {
        rc = -ENODATA;
    } else {
        struct oss_object_meta m = {0};
        rc = oss_head_object(ctx->client, stub.bucket, stub.key, stub.version_id, &m, &err);
        if (rc < 0)
            fs_log_oss(ctx, "HeadObject", stub.bucket, stub.key, &err);
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

static int is_known(const char *name)
{
    for (size_t i = 0; i < sizeof(file_names) / sizeof(file_names[0]); i++)
        if (strcmp(name, file_names[i]) == 0)
            return 1;
    return 0;
}

void fs_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (!is_known(name)) { /* security.*, system.posix_acl_*: answered without a request */
        fuse_reply_err(req, ENODATA);
        return;
    }
    struct oss_buf v = OSS_BUF_INIT;
    int rc = get_value(ctx, ino, name, &v);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else if (size == 0)
        fuse_reply_xattr(req, v.len);
    else if (size < v.len)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, v.data, v.len);
    oss_buf_cleanup(&v);
}

void fs_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                    size_t size, int flags)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
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
    struct oss_buf v = OSS_BUF_INIT;
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *in = fs_inode_get_locked(ctx, ino);
    size_t n = !in                     ? 0
               : in->kind == FS_K_FILE ? sizeof(file_names) / sizeof(file_names[0])
               : in->kind == FS_K_DIR && in->is_bucket_root ? 1
                                                            : 0;
    pthread_mutex_unlock(&ctx->lock);
    for (size_t i = 0; i < n; i++)
        oss_buf_append(&v, file_names[i], strlen(file_names[i]) + 1);
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
    (void)ino;
    fuse_reply_err(req, is_known(name) ? EPERM : ENODATA);
}
