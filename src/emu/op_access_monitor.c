/* Access monitor (access tracking): Get/PutBucketAccessMonitor with the
 * AccessMonitorConfiguration document; a bucket never configured reads Disabled (oss-api.md
 * 6.4).
 * Decision (OSS's code is unverified): Disabled while a lifecycle rule uses last access time is
 * refused with 409 InvalidRequest, EC 0036-00000005 (a conflict with existing state, not a bad
 * argument). The check and the update hold the store's configuration lock, as
 * PutBucketLifecycle's check and write do, so neither can slip between the other's. */
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

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketAccessMonitor", 0, &b) < 0)
        return;
    emu_op_xml_begin(&w, &xml, "AccessMonitorConfiguration");
    oss_xmlw_elem(&w, "Status", b.access_monitor[0] ? b.access_monitor : "Disabled");
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}

/* The Status of an AccessMonitorConfiguration body: 0 with Enabled or Disabled in status, or -1
 * with 400 MalformedXML (no such document) or InvalidArgument (another value) in resp. */
static int parse_status(struct emu_req *req, struct emu_resp *resp, char status[32])
{
    struct oss_xml_doc *doc = NULL;
    int rc;

    if (!req->body || req->body_len == 0 ||
        oss_xml_parse(req->body, req->body_len, 64 * 1024, &doc) < 0 ||
        strcmp(oss_xml_name(oss_xml_root(doc)), "AccessMonitorConfiguration") != 0) {
        oss_xml_free(doc);
        emu_op_malformed_xml(req, resp);
        return -1;
    }
    rc = oss_xml_get_str(oss_xml_root(doc), "Status", status, 32);
    oss_xml_free(doc);
    if (rc == -ENOENT) {
        emu_op_malformed_xml(req, resp);
        return -1;
    }
    if (rc < 0 || (strcmp(status, "Enabled") != 0 && strcmp(status, "Disabled") != 0)) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The access monitor status must be Enabled or Disabled.", NULL,
                       "ArgumentName", "Status", "ArgumentValue", rc < 0 ? "" : status, NULL);
        return -1;
    }
    return 0;
}

/* Refuses to disable the monitor while a lifecycle rule of bucket uses last access time:
 * 409 InvalidRequest (or 500) and -1. */
static int check_disable(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         const char *bucket)
{
    int rc = emu_setting_lifecycle_uses_atime(s, bucket);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (rc > 0) {
        emu_resp_error(resp, req, 409, "InvalidRequest",
                       "The access monitor cannot be disabled while a lifecycle rule uses "
                       "last access time (IsAccessTime); change or delete the lifecycle "
                       "rules first.",
                       "0036-00000005", NULL);
        return -1;
    }
    return 0;
}

void emu_op_put_bucket_access_monitor(struct emu_server *s, struct emu_req *req,
                                      struct emu_resp *resp)
{
    struct emu_bucket b;
    char status[32];

    if (emu_op_bucket_admin(s, req, resp, "oss:PutBucketAccessMonitor", 1, &b) < 0 ||
        parse_status(req, resp, status) < 0)
        return;
    emu_store_config_lock(s->store);
    if ((strcmp(status, "Disabled") || check_disable(s, req, resp, b.name) == 0) &&
        emu_op_bucket_result(s, req, resp,
                             emu_store_bucket_set_access_monitor(s->store, b.name, status)) == 0)
        resp->status = 200;
    emu_store_config_unlock(s->store);
}
