/* Access monitor (access tracking): Get/PutBucketAccessMonitor with the
 * AccessMonitorConfiguration document; a bucket never configured reads Disabled (oss-api.md
 * 6.4).
 * Decision (OSS's code is unverified): Disabled while a lifecycle rule uses last access time is
 * refused with 409 InvalidRequest, EC 0036-00000005 (a conflict with existing state, not a bad
 * argument); the check and the update are not atomic with a concurrent PutBucketLifecycle. */
#include <errno.h>
#include <string.h>

#include "op_priv.h"
#include "op_setting.h"

void emu_op_get_bucket_access_monitor(struct emu_server *s, struct emu_req *req,
                                      struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    int rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:GetBucketAccessMonitor", b.owner, NULL, 0) < 0)
        return;
    oss_xmlw_init(&w, &xml);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "AccessMonitorConfiguration");
    oss_xmlw_elem(&w, "Status", b.access_monitor[0] ? b.access_monitor : "Disabled");
    oss_xmlw_end(&w);
    if ((rc = oss_xmlw_finish(&w)) < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
}

static void malformed(struct emu_req *req, struct emu_resp *resp)
{
    emu_resp_error(resp, req, 400, "MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema.",
                   NULL, NULL);
}

void emu_op_put_bucket_access_monitor(struct emu_server *s, struct emu_req *req,
                                      struct emu_resp *resp)
{
    struct oss_xml_doc *doc = NULL;
    struct emu_bucket b;
    char status[32];
    int rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:PutBucketAccessMonitor", b.owner, NULL, 1) < 0)
        return;
    if (!req->body || req->body_len == 0 ||
        oss_xml_parse(req->body, req->body_len, 64 * 1024, &doc) < 0) {
        malformed(req, resp);
        return;
    }
    if (strcmp(oss_xml_name(oss_xml_root(doc)), "AccessMonitorConfiguration") != 0) {
        oss_xml_free(doc);
        malformed(req, resp);
        return;
    }
    rc = oss_xml_get_str(oss_xml_root(doc), "Status", status, sizeof(status));
    oss_xml_free(doc);
    if (rc == -ENOENT) {
        malformed(req, resp);
        return;
    }
    if (rc < 0 || (strcmp(status, "Enabled") != 0 && strcmp(status, "Disabled") != 0)) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The access monitor status must be Enabled or Disabled.", NULL,
                       "ArgumentName", "Status", "ArgumentValue", rc < 0 ? "" : status, NULL);
        return;
    }
    if (!strcmp(status, "Disabled")) {
        rc = emu_setting_lifecycle_uses_atime(s, b.name);
        if (rc < 0) {
            emu_op_internal(resp, req, rc);
            return;
        }
        if (rc > 0) {
            emu_resp_error(resp, req, 409, "InvalidRequest",
                           "The access monitor cannot be disabled while a lifecycle rule uses "
                           "last access time (IsAccessTime); change or delete the lifecycle "
                           "rules first.",
                           "0036-00000005", NULL);
            return;
        }
    }
    rc = emu_store_bucket_set_access_monitor(s->store, b.name, status);
    if (rc == -ENOENT) {
        emu_op_load_bucket(s, req, resp, &b);
        return;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    resp->status = 200;
}
