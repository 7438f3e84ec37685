/* Service operations: ListBuckets (GET / without a bucket), the buckets of the requester's
 * account with prefix/marker/max-keys paging (oss-api.md 6.1). */
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

static void write_bucket(struct oss_xml_writer *w, const struct emu_bucket *b)
{
    char date[25];
    oss_iso8601_xml(b->created, date);
    oss_xmlw_start(w, "Bucket");
    oss_xmlw_elem(w, "CreationDate", date);
    emu_op_xml_endpoints(w, b);
    oss_xmlw_elem(w, "Name", b->name);
    oss_xmlw_elem(w, "Region", b->region);
    oss_xmlw_elem(w, "StorageClass", b->storage_class);
    oss_xmlw_end(w);
}

void emu_op_list_buckets(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *prefix = emu_req_query(req, "prefix");
    const char *marker = emu_req_query(req, "marker");
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket *v = NULL;
    size_t n = 0, max;
    int truncated = 0, rc;

    if (emu_authorize(s, req, resp, "oss:ListBuckets", NULL, NULL, 0) < 0)
        return;
    if (!req->who.account_id) {
        emu_resp_error(resp, req, 403, "AccessDenied", "Anonymous access is forbidden.", NULL,
                       NULL);
        return;
    }
    if (emu_op_max_keys(req, resp, "max-keys", 100, &max) < 0)
        return;
    rc = emu_store_bucket_list(s->store, req->who.account_id, prefix, marker, max, &v, &n,
                               &truncated);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_xml_begin(&w, &xml, "ListAllMyBucketsResult");
    if (prefix || marker || emu_req_query(req, "max-keys") || truncated) {
        oss_xmlw_elem(&w, "Prefix", prefix ? prefix : "");
        oss_xmlw_elem(&w, "Marker", marker ? marker : "");
        oss_xmlw_elemf(&w, "MaxKeys", "%zu", max);
        oss_xmlw_elem(&w, "IsTruncated", truncated ? "true" : "false");
        if (truncated && n > 0)
            oss_xmlw_elem(&w, "NextMarker", v[n - 1].name);
    }
    emu_op_xml_owner(&w, req->who.account_id);
    oss_xmlw_start(&w, "Buckets");
    for (size_t i = 0; i < n; i++)
        write_bucket(&w, &v[i]);
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    free(v);
    emu_op_reply_doc(req, resp, &w, &xml);
}
