/* ".versioning": the bucket's versioning state, Enabled or Suspended, empty while versioning
 * was never set. Written as the word, {"Status":"Enabled"} or the VersioningConfiguration XML;
 * one GetBucketVersioning per read, one PutBucketVersioning per change. There is no delete:
 * OSS cannot turn versioning off, only suspend it. */
#include <errno.h>
#include <string.h>

#include "ctl_priv.h"

static const char *const states[] = {"Enabled", "Suspended", NULL};
static const struct ctl_state_spec spec = {".versioning", "VersioningConfiguration", states, NULL};

enum ctl_parse ctl_versioning_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                    size_t whylen)
{
    return ctl_parse_state(&spec, in, len, canon, why, whylen);
}

/* The answer is <VersioningConfiguration> with a Status, or without one (never enabled). */
int ctl_versioning_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                       struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT, status = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    int rc = oss_get_bucket_subresource(c, t->bucket, "versioning", &body, err);

    if (rc == 0)
        rc = ctl_answer_xml(&body, "VersioningConfiguration", &doc, err);
    if (rc == 0) {
        rc = oss_xml_get(oss_xml_root(doc), "Status", &status);
        if (rc == -ENOENT || (rc == 0 && status.len == 0))
            rc = 0; /* never enabled: an empty file */
        else if (rc == 0)
            rc = oss_buf_printf(out, "%s\n", oss_buf_str(&status));
    }
    oss_xml_free(doc);
    oss_buf_cleanup(&status);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_versioning_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                       struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = oss_buf_printf(
        &body, "<VersioningConfiguration><Status>%s</Status></VersioningConfiguration>", canon);

    if (rc == 0)
        rc = oss_put_bucket_subresource(c, t->bucket, "versioning", "application/xml", body.data,
                                        body.len, err);
    oss_buf_cleanup(&body);
    return rc;
}
