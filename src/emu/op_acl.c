/* ACL operations: Get/PutBucketAcl (x-oss-acl) and Get/PutObjectACL (x-oss-object-acl), with
 * the AccessControlPolicy document of oss-api.md 6.3. Only the bucket owner (or a RAM user
 * allowed by policy) may read or change them. */
#include <errno.h>
#include <string.h>

#include "op_perm.h"
#include "op_priv.h"

static void reply_acl(struct emu_req *req, struct emu_resp *resp, const char *owner,
                      const char *grant)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;

    emu_op_xml_begin(&w, &xml, "AccessControlPolicy");
    emu_op_xml_owner(&w, owner);
    oss_xmlw_start(&w, "AccessControlList");
    oss_xmlw_elem(&w, "Grant", grant);
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}

static void invalid_acl(struct emu_req *req, struct emu_resp *resp, const char *header,
                        const char *value)
{
    emu_resp_error(resp, req, 400, "InvalidArgument", "no such bucket access control exists", NULL,
                   "ArgumentName", header, "ArgumentValue", value ? value : "", NULL);
}

void emu_op_get_bucket_acl(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketAcl", 0, &b) < 0)
        return;
    reply_acl(req, resp, b.owner, b.acl);
}

void emu_op_put_bucket_acl(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *acl = emu_req_header(req, "x-oss-acl");
    struct emu_bucket b;

    if (emu_op_bucket_admin(s, req, resp, "oss:PutBucketAcl", 1, &b) < 0)
        return;
    if (!emu_op_bucket_acl_valid(acl)) {
        invalid_acl(req, resp, "x-oss-acl", acl);
        return;
    }
    if (emu_public_acl_refused(s, req, resp, b.name, b.owner, acl) < 0)
        return;
    if (emu_op_bucket_result(s, req, resp, emu_store_bucket_set_acl(s->store, b.name, acl)) == 0)
        resp->status = 200;
}

/* GetObjectACL of the current version or the one ?versionId names (RAM action
 * oss:GetObjectVersionAcl then); delete markers answer 404/405 (emu_op_load_version). */
void emu_op_get_object_acl(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct emu_object o;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_op_load_version(s, req, resp, &b, &o, NULL, "oss:GetObjectAcl",
                            "oss:GetObjectVersionAcl", 0, 0) < 0)
        return;
    reply_acl(req, resp, b.owner, o.acl);
    emu_op_version_header(resp, &o);
    emu_object_cleanup(&o);
}

/* PutObjectACL, likewise per version (oss:PutObjectVersionAcl with a versionId). */
void emu_op_put_object_acl(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    struct emu_bucket b;
    struct emu_object o;
    int rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_op_load_version(s, req, resp, &b, &o, NULL, "oss:PutObjectAcl",
                            "oss:PutObjectVersionAcl", 0, 1) < 0)
        return;
    if (!emu_op_object_acl_valid(acl)) {
        invalid_acl(req, resp, "x-oss-object-acl", acl);
        emu_object_cleanup(&o);
        return;
    }
    if (emu_public_acl_refused(s, req, resp, b.name, b.owner, acl) < 0) {
        emu_object_cleanup(&o);
        return;
    }
    rc = emu_store_version_set_acl(s->store, b.name, req->key, emu_op_version_param(req), acl);
    if (rc == -ENOENT) {
        emu_op_no_such_key(req, resp, req->key);
    } else if (rc == -EISDIR) {
        emu_resp_error(resp, req, 405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.",
                       "0017-00000002", NULL);
    } else if (rc < 0) {
        emu_op_internal(resp, req, rc);
    } else {
        resp->status = 200;
        emu_op_version_header(resp, &o);
    }
    emu_object_cleanup(&o);
}
