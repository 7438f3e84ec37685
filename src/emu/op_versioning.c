/* Bucket versioning: Put/GetBucketVersioning (VersioningConfiguration, oss-api.md 6.5). A bucket
 * whose versioning was never configured answers GetBucketVersioning with an empty
 * <VersioningConfiguration/> (no Status), as S3 does: OSS documents no default body (oss-api.md
 * 12), and an empty document is what SDKs parse as "not enabled". ListObjectVersions is in
 * op_list_versions.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

/* <VersioningConfiguration><Status>Enabled|Suspended</Status></VersioningConfiguration>. */
void emu_op_put_bucket_versioning(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf hold = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    struct emu_bucket b;
    char status[16] = "";
    const char *data;
    size_t len;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:PutBucketVersioning", 1, &b) < 0)
        return;
    rc = emu_op_body_bytes(req, 64 * 1024, &hold, &data, &len);
    if (rc == 0 && (!data || !len || oss_xml_parse(data, len, 64 * 1024, &doc) < 0))
        rc = -EINVAL;
    if (rc == 0 && (strcmp(oss_xml_name(oss_xml_root(doc)), "VersioningConfiguration") != 0 ||
                    oss_xml_get_str(oss_xml_root(doc), "Status", status, sizeof(status)) < 0 ||
                    (strcmp(status, "Enabled") != 0 && strcmp(status, "Suspended") != 0)))
        rc = -EINVAL;
    oss_xml_free(doc);
    oss_buf_cleanup(&hold);
    if (rc < 0) {
        emu_op_malformed_xml(req, resp);
        return;
    }
    if (emu_op_bucket_result(s, req, resp, emu_store_versioning_set(s->store, b.name, status)) == 0)
        resp->status = 200;
}

/* GET /?versioning (owner or RAM action oss:GetBucketVersioning): Status Enabled or Suspended,
 * or the empty document for a never-configured bucket. */
void emu_op_get_bucket_versioning(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct emu_bucket b;
    char status[16];
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketVersioning", 0, &b) < 0 ||
        emu_op_bucket_result(s, req, resp, emu_store_versioning_get(s->store, b.name, status)) < 0)
        return;
    if (status[0])
        rc = oss_buf_printf(&xml,
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VersioningConfiguration>"
                            "<Status>%s</Status></VersioningConfiguration>",
                            status);
    else
        rc = oss_buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<VersioningConfiguration/>");
    if (rc < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
}
