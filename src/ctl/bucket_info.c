/* The read-only bucket files: ".info" (GetBucketInfo) and ".stat" (GetBucketStat) print the
 * XML document as the server returns it, ".location" (GetBucketLocation) the location word,
 * such as oss-cn-hangzhou. Each read is one GET. The file system refuses writes, truncation
 * and rm of them with EACCES, as for any file without write permission (mode 0444); the
 * parse and put functions below only back that refusal up. */
#include <errno.h>

#include "ctl_priv.h"

int ctl_info_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err)
{
    int unset;

    return ctl_get_setting(c, t->bucket, "bucketInfo", out, &unset, err);
}

int ctl_stat_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err)
{
    int unset;

    return ctl_get_setting(c, t->bucket, "stat", out, &unset, err);
}

/* <LocationConstraint>oss-cn-hangzhou</LocationConstraint> */
int ctl_location_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                     struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT, loc = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    int rc = oss_get_bucket_subresource(c, t->bucket, "location", &body, err);

    if (rc == 0)
        rc = ctl_answer_xml(&body, "LocationConstraint", &doc, err);
    if (rc == 0)
        rc = oss_xml_text(oss_xml_root(doc), &loc);
    if (rc == 0) {
        const char *p = oss_buf_str(&loc);
        size_t n = loc.len;

        ctl_trim(&p, &n);
        rc = oss_buf_printf(out, "%.*s\n", (int)n, p);
    }
    oss_xml_free(doc);
    oss_buf_cleanup(&loc);
    oss_buf_cleanup(&body);
    return rc;
}

enum ctl_parse ctl_readonly_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                  size_t whylen)
{
    (void)in, (void)len, (void)canon;
    ctl_why(why, whylen, "read-only control file");
    return CTL_INVALID;
}

int ctl_readonly_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                     struct oss_error *err)
{
    (void)c, (void)t, (void)canon, (void)err;
    return -EACCES;
}
