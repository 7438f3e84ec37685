/* ACL control files: the bucket ACL (".acl": private | public-read | public-read-write) and
 * object ACLs ("<dir>/.acl.d/<name>": those or default), one GetXxxAcl per read and one
 * PutXxxAcl per change. Values are case-sensitive, as OSS takes them. */
#include <errno.h>

#include "ctl_priv.h"

static const char *const bucket_acls[] = {"private", "public-read", "public-read-write", NULL};
static const char *const object_acls[] = {"default", "private", "public-read", "public-read-write",
                                          NULL};

/* Formats a fetched ACL word as the file content. */
static int put_line(struct oss_buf *out, const char *value)
{
    return oss_buf_printf(out, "%s\n", value);
}

int ctl_acl_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                struct oss_error *err)
{
    char acl[24];
    int rc = oss_get_bucket_acl(c, t->bucket, acl, err);

    return rc ? rc : put_line(out, acl);
}

enum ctl_parse ctl_acl_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                             size_t whylen)
{
    return ctl_parse_word(in, len, bucket_acls, ".acl", canon, why, whylen);
}

int ctl_acl_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                struct oss_error *err)
{
    return oss_put_bucket_acl(c, t->bucket, canon, err);
}

int ctl_object_acl_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                       struct oss_error *err)
{
    char acl[24];
    int rc = oss_get_object_acl(c, t->bucket, t->key, t->version_id, acl, err);

    return rc ? rc : put_line(out, acl);
}

enum ctl_parse ctl_object_acl_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                    size_t whylen)
{
    return ctl_parse_word(in, len, object_acls, "an object ACL", canon, why, whylen);
}

int ctl_object_acl_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                       struct oss_error *err)
{
    return oss_put_object_acl(c, t->bucket, t->key, t->version_id, canon, err);
}
