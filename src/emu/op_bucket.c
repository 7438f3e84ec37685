/* Bucket lifecycle operations: PutBucket, DeleteBucket, GetBucketInfo, GetBucketLocation
 * (oss-api.md 6.2).
 * PutBucket of a bucket the requester's account already owns answers 200 and applies its
 * x-oss-acl header, if any, as PutBucketAcl would (older official SDKs set a bucket's ACL that
 * way); the rest of the request (storage class) is ignored. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oss/codec.h"
#include "op_perm.h"
#include "op_priv.h"
#include "op_setting.h"

#define MAX_BUCKETS_PER_ACCOUNT 100

/* Reads the optional CreateBucketConfiguration body into b->storage_class. Answers 400
 * MalformedXML / InvalidArgument and returns -1 on a bad body. */
static int parse_config(struct emu_req *req, struct emu_resp *resp, struct emu_bucket *b)
{
    struct oss_xml_doc *doc = NULL;
    char sc[24];
    int rc;

    if (!req->body || req->body_len == 0)
        return 0;
    if (oss_xml_parse(req->body, req->body_len, 64 * 1024, &doc) < 0 ||
        strcmp(oss_xml_name(oss_xml_root(doc)), "CreateBucketConfiguration") != 0) {
        oss_xml_free(doc);
        emu_op_malformed_xml(req, resp);
        return -1;
    }
    rc = oss_xml_get_str(oss_xml_root(doc), "StorageClass", sc, sizeof(sc));
    oss_xml_free(doc);
    if (rc == -ENOENT)
        return 0;
    if (rc < 0 || !emu_op_storage_class_valid(sc)) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "Invalid storage class.", NULL,
                       "ArgumentName", "StorageClass", NULL);
        return -1;
    }
    snprintf(b->storage_class, sizeof(b->storage_class), "%s", sc);
    return 0;
}

/* Whether bucket req->bucket exists and belongs to the requester's account. */
static int owned_by_requester(struct emu_server *s, const struct emu_req *req)
{
    struct emu_bucket old;
    return emu_store_bucket_get(s->store, req->bucket, &old) == 0 &&
           !strcmp(old.owner, req->who.account_id);
}

/* 400 TooManyBuckets (oss-api.md 7.1) for a create refused by the quota of 100 buckets per
 * account. */
static void too_many_buckets(struct emu_req *req, struct emu_resp *resp)
{
    emu_resp_error(resp, req, 400, "TooManyBuckets",
                   "You have attempted to create more buckets than allowed.", NULL, "BucketName",
                   req->bucket, NULL);
}

/* Re-creation of a bucket the requester owns: applies x-oss-acl (acl, may be NULL), which needs
 * oss:PutBucketAcl as well. Returns 0 or a negative errno with resp filled. */
static int recreate_owned(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                          const char *acl)
{
    struct emu_bucket b;
    if (!acl)
        return 0;
    if (emu_authorize(s, req, resp, "oss:PutBucketAcl", NULL, NULL, 1) < 0)
        return -EACCES;
    if (emu_store_bucket_get(s->store, req->bucket, &b) == 0 && !strcmp(b.acl, acl))
        return 0;
    return emu_op_bucket_result(s, req, resp, emu_store_bucket_set_acl(s->store, req->bucket, acl));
}

/* The new bucket req->bucket of the requester's account: acl (private when NULL), access
 * monitor Disabled, the region of the endpoint it was created through, Standard storage, created
 * now. */
static void init_bucket(const struct emu_server *s, const struct emu_req *req, const char *acl,
                        struct emu_bucket *b)
{
    memset(b, 0, sizeof(*b));
    snprintf(b->name, sizeof(b->name), "%s", req->bucket);
    snprintf(b->owner, sizeof(b->owner), "%s", req->who.account_id);
    snprintf(b->acl, sizeof(b->acl), "%s", acl ? acl : "private");
    snprintf(b->access_monitor, sizeof(b->access_monitor), "Disabled");
    snprintf(b->region, sizeof(b->region), "%s",
             req->region ? req->region
             : s->region ? s->region
                         : "cn-hangzhou");
    snprintf(b->storage_class, sizeof(b->storage_class), "Standard");
    b->created = time(NULL);
}

void emu_op_put_bucket(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *acl = emu_req_header(req, "x-oss-acl");
    struct emu_bucket b;
    int rc;

    if (!emu_op_bucket_name_valid(req->bucket)) {
        emu_resp_error(resp, req, 400, "InvalidBucketName", "The specified bucket is not valid.",
                       NULL, "BucketName", req->bucket ? req->bucket : "", NULL);
        return;
    }
    if (emu_authorize(s, req, resp, "oss:PutBucket", NULL, NULL, 1) < 0)
        return;
    if (!req->who.account_id) {
        emu_resp_error(resp, req, 403, "AccessDenied", "Anonymous access is forbidden.", NULL,
                       NULL);
        return;
    }
    if (acl && !emu_op_bucket_acl_valid(acl)) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "no such bucket access control exists",
                       NULL, "ArgumentName", "x-oss-acl", "ArgumentValue", acl, NULL);
        return;
    }
    if (emu_public_acl_refused(s, req, resp, NULL, req->who.account_id, acl) < 0)
        return;
    init_bucket(s, req, acl, &b);
    if (parse_config(req, resp, &b) < 0)
        return;
    /* The quota is checked in the same transaction as the insert, so concurrent creates cannot
     * pass it; re-creating an owned bucket is not refused by it. */
    rc = emu_store_bucket_create_within(s->store, &b, MAX_BUCKETS_PER_ACCOUNT);
    if ((rc == -EEXIST || rc == -EDQUOT) && owned_by_requester(s, req)) {
        if (recreate_owned(s, req, resp, acl) < 0)
            return;
        rc = 0;
    }
    if (rc == -EDQUOT) {
        too_many_buckets(req, resp);
        return;
    }
    if (rc == -EEXIST) {
        emu_resp_error(resp, req, 409, "BucketAlreadyExists",
                       "The requested bucket name is not available. The bucket namespace is "
                       "shared by all users of the system. Please select a different name and "
                       "try again.",
                       "0015-00000104", "BucketName", req->bucket, NULL);
        return;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    char loc[80];
    snprintf(loc, sizeof(loc), "/%s", req->bucket);
    resp->status = 200;
    emu_resp_header(resp, "Location", loc);
}

void emu_op_delete_bucket(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:DeleteBucket", 1, &b) < 0)
        return;
    rc = emu_store_bucket_delete(s->store, b.name);
    if (rc == -ENOTEMPTY) {
        emu_resp_error(resp, req, 409, "BucketNotEmpty",
                       "The bucket you tried to delete is not empty.", "0015-00000301",
                       "BucketName", b.name, NULL);
        return;
    }
    if (emu_op_bucket_result(s, req, resp, rc) == 0)
        resp->status = 204;
}

void emu_op_get_bucket_info(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    char date[25], *versioning = NULL;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketInfo", 0, &b) < 0)
        return;
    emu_store_setting_get(s->store, b.name, "versioning", &versioning);
    oss_iso8601_xml(b.created, date);
    emu_op_xml_begin(&w, &xml, "BucketInfo");
    oss_xmlw_start(&w, "Bucket");
    oss_xmlw_elem(&w, "AccessMonitor", b.access_monitor);
    oss_xmlw_elem(&w, "CreationDate", date);
    emu_op_xml_endpoints(&w, &b);
    oss_xmlw_elem(&w, "Name", b.name);
    oss_xmlw_elem(&w, "Region", b.region);
    oss_xmlw_elem(&w, "StorageClass", b.storage_class);
    oss_xmlw_elem(&w, "DataRedundancyType", "LRS");
    oss_xmlw_elem(&w, "TransferAcceleration", "Disabled");
    oss_xmlw_elem(&w, "CrossRegionReplication", "Disabled");
    oss_xmlw_elem(&w, "ResourceGroupId", "rg-default");
    emu_op_xml_owner(&w, b.owner);
    oss_xmlw_start(&w, "AccessControlList");
    oss_xmlw_elem(&w, "Grant", b.acl);
    oss_xmlw_end(&w);
    emu_setting_info_xml(s, b.name, &w); /* encryption and logging settings */
    if (versioning)
        oss_xmlw_elem(&w, "Versioning", versioning);
    oss_xmlw_elem(&w, "Comment", "");
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    free(versioning);
    emu_op_reply_doc(req, resp, &w, &xml);
}

void emu_op_get_bucket_location(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketLocation", 0, &b) < 0)
        return;
    oss_xmlw_init(&w, &xml);
    oss_xmlw_decl(&w);
    oss_xmlw_elemf(&w, "LocationConstraint", "oss-%s", b.region);
    emu_op_reply_doc(req, resp, &w, &xml);
}
