/* The writable object xattrs besides the ACL: user.oss.tagging (the tag set in the
 * x-oss-tagging form "k1=v1&k2=v2": one GetObjectTagging to read, one PutObjectTagging to
 * write, one DeleteObjectTagging to remove or to write an empty value) and
 * user.oss.meta.<name> (x-oss-meta-<name> from one HeadObject; written or removed by
 * CopyObject onto the object itself with the REPLACE directive and the complete header set,
 * keeping Content-Type and the other standard headers, the ACL and the tags). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>

#include "xattr.h"

#define XA_TAGGING   "user.oss.tagging"
#define XA_META      "user.oss.meta."
#define XA_META_LEN  (sizeof(XA_META) - 1)
#define XA_VALUE_MAX 8192

int fs_xattr_is_meta(const char *name)
{
    return strcmp(name, XA_TAGGING) == 0 || strncmp(name, XA_META, XA_META_LEN) == 0;
}

static int tags_get(struct fs_ctx *ctx, const struct fs_xobj *o, struct oss_buf *out)
{
    struct oss_error err;
    int rc = oss_get_object_tagging(ctx->client, o->bucket, o->key, o->version_id, out, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    else if (out->len == 0)
        rc = -ENODATA;
    return rc;
}

/* The value of x-oss-meta-<mname> in m, or NULL. */
static const char *meta_find(const struct oss_object_meta *m, const char *mname)
{
    for (size_t i = 0; i < m->nmeta; i++)
        if (strcasecmp(m->meta[i].name, mname) == 0)
            return m->meta[i].value;
    return NULL;
}

int fs_xattr_meta_get(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name,
                      struct oss_buf *out)
{
    if (strcmp(name, XA_TAGGING) == 0)
        return tags_get(ctx, o, out);
    const char *mname = name + XA_META_LEN;
    if (!oss_meta_name_valid(mname))
        return -ENODATA; /* no object can carry it */
    struct oss_object_meta m = {0};
    struct oss_error err;
    int rc = oss_head_object(ctx->client, o->bucket, o->key, o->version_id, &m, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    const char *v = rc == 0 ? meta_find(&m, mname) : NULL;
    if (rc == 0)
        rc = v ? oss_buf_puts(out, v) : -ENODATA;
    oss_object_meta_cleanup(&m);
    return rc;
}

int fs_xattr_meta_list(struct fs_ctx *ctx, const struct fs_xobj *o, struct oss_buf *names)
{
    struct oss_object_meta m = {0};
    struct oss_object_headers h = {0};
    struct oss_error err;
    int rc;
    if (o->version_id) /* HeadObject with versionId; the tag count is not needed there */
        rc = oss_head_object(ctx->client, o->bucket, o->key, o->version_id, &m, &err);
    else
        rc = oss_head_object_headers(ctx->client, o->bucket, o->key, &m, &h, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    if (rc == 0 && m.version_id[0])
        rc = oss_buf_append(names, "user.oss.version-id", sizeof("user.oss.version-id"));
    if (rc == 0 && m.has_crc64)
        rc = oss_buf_append(names, "user.oss.crc64", sizeof("user.oss.crc64"));
    if (rc == 0 && h.tagging_count)
        rc = oss_buf_append(names, XA_TAGGING, sizeof(XA_TAGGING));
    for (size_t i = 0; rc == 0 && i < m.nmeta; i++)
        if (oss_meta_name_valid(m.meta[i].name))
            rc = oss_buf_printf(names, "%s%s%c", XA_META, m.meta[i].name, 0);
    oss_object_meta_cleanup(&m);
    oss_object_headers_cleanup(&h);
    return rc;
}

/* A value as a C string: at most XA_VALUE_MAX bytes, no NUL inside. */
static int value_str(const char *value, size_t size, char **out)
{
    if (size > XA_VALUE_MAX || (size && memchr(value, 0, size)))
        return -EINVAL;
    *out = strndup(value ? value : "", size);
    return *out ? 0 : -ENOMEM;
}

/* Tag set writes: an empty value removes every tag. XATTR_CREATE / XATTR_REPLACE cost one
 * GetObjectTagging first. */
static int tags_set(struct fs_ctx *ctx, const struct fs_xobj *o, const char *v, int flags,
                    int remove)
{
    struct oss_error err;
    int rc = 0;
    if (flags & (XATTR_CREATE | XATTR_REPLACE)) {
        struct oss_buf cur = OSS_BUF_INIT;
        rc = tags_get(ctx, o, &cur);
        oss_buf_cleanup(&cur);
        if (rc == 0 && (flags & XATTR_CREATE))
            return -EEXIST;
        if (rc < 0 && rc != -ENODATA)
            return rc;
        if (rc == -ENODATA && (flags & XATTR_REPLACE))
            return -ENODATA;
    }
    if (remove || !*v) {
        rc = oss_delete_object_tagging(ctx->client, o->bucket, o->key, o->version_id, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    } else {
        rc = oss_put_object_tagging(ctx->client, o->bucket, o->key, o->version_id, v, &err);
        if (rc < 0 && err.http_status)
            fs_log_oss(ctx, &err);
    }
    return rc;
}

static int printable(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f)
            return 0;
    return 1;
}

/* Metadata writes: HeadObject, GetObjectACL, GetObjectTagging when the object has tags, then
 * one CopyObject (REPLACE) with the new complete set. v NULL removes mname. */
static int meta_set(struct fs_ctx *ctx, const struct fs_xobj *o, const char *mname, const char *v,
                    int flags)
{
    struct oss_object_meta m = {0};
    struct oss_object_headers h = {0};
    struct oss_buf tags = OSS_BUF_INIT;
    struct oss_meta_pair *pairs = NULL;
    struct oss_error err;
    char acl[24] = "";
    size_t n = 0;

    if (o->version_id)
        return -EPERM; /* past versions are read-only */
    if (!oss_meta_name_valid(mname))
        return v ? -EINVAL : -ENODATA;
    if (v && !printable(v))
        return -EINVAL;
    int rc = oss_head_object_headers(ctx->client, o->bucket, o->key, &m, &h, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    const char *cur = rc == 0 ? meta_find(&m, mname) : NULL;
    if (rc == 0 && cur && (flags & XATTR_CREATE))
        rc = -EEXIST;
    else if (rc == 0 && !cur && (!v || (flags & XATTR_REPLACE)))
        rc = -ENODATA;
    if (rc == 0 && strcmp(m.type, "Symlink") == 0)
        rc = -EPERM; /* a copy would turn the link into a copy of its target */
    if (rc == 0 && !(pairs = calloc(m.nmeta + 1, sizeof(*pairs))))
        rc = -ENOMEM;
    for (size_t i = 0; rc == 0 && i < m.nmeta; i++)
        if (strcasecmp(m.meta[i].name, mname) != 0)
            pairs[n++] = m.meta[i];
    if (rc == 0 && v)
        pairs[n++] = (struct oss_meta_pair){(char *)mname, (char *)v};
    if (rc == 0) {
        rc = oss_get_object_acl(ctx->client, o->bucket, o->key, NULL, acl, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc == 0 && h.tagging_count) {
        rc = oss_get_object_tagging(ctx->client, o->bucket, o->key, NULL, &tags, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc == 0) {
        struct oss_meta_rewrite rw = {.std = &h,
                                      .object_acl = acl,
                                      .tagging = tags.len ? oss_buf_str(&tags) : NULL,
                                      .meta = pairs,
                                      .nmeta = n};
        rc = oss_set_object_meta(ctx->client, o->bucket, o->key, &rw, &err);
        if (rc < 0 && err.http_status)
            fs_log_oss(ctx, &err);
    }
    free(pairs);
    oss_buf_cleanup(&tags);
    oss_object_meta_cleanup(&m);
    oss_object_headers_cleanup(&h);
    return rc;
}

int fs_xattr_meta_set(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name,
                      const char *value, size_t size, int flags)
{
    char *v = NULL;
    int rc = value_str(value, size, &v);
    if (rc < 0)
        return rc;
    if (strcmp(name, XA_TAGGING) == 0)
        rc = tags_set(ctx, o, v, flags, 0);
    else
        rc = meta_set(ctx, o, name + XA_META_LEN, v, flags);
    free(v);
    return rc;
}

int fs_xattr_meta_remove(struct fs_ctx *ctx, const struct fs_xobj *o, const char *name)
{
    if (strcmp(name, XA_TAGGING) == 0)
        return tags_set(ctx, o, "", XATTR_REPLACE, 1);
    return meta_set(ctx, o, name + XA_META_LEN, NULL, 0);
}
