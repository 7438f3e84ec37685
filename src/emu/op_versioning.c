/* Bucket versioning: Put/GetBucketVersioning (VersioningConfiguration) and ListObjectVersions
 * (ListVersionsResult, oss-api.md 6.5). A bucket whose versioning was never configured answers
 * GetBucketVersioning with an empty <VersioningConfiguration/> (no Status), as S3 does: OSS
 * documents no default body (oss-api.md 12), and an empty document is what SDKs parse as
 * "not enabled". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

static void malformed(struct emu_req *req, struct emu_resp *resp)
{
    emu_resp_error(resp, req, 400, "MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema.",
                   NULL, NULL);
}

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

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:PutBucketVersioning", b.owner, NULL, 1) < 0)
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
        malformed(req, resp);
        return;
    }
    rc = emu_store_versioning_set(s->store, b.name, status);
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

/* GET /?versioning (owner or RAM action oss:GetBucketVersioning): Status Enabled or Suspended,
 * or the empty document for a never-configured bucket. */
void emu_op_get_bucket_versioning(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct emu_bucket b;
    char status[16];
    int rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:GetBucketVersioning", b.owner, NULL, 0) < 0)
        return;
    rc = emu_store_versioning_get(s->store, b.name, status);
    if (rc == -ENOENT) {
        emu_op_load_bucket(s, req, resp, &b);
        return;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
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

/* One Version or DeleteMarker element. */
static void write_version(struct oss_xml_writer *w, int url, const struct emu_object *o,
                          const char *owner)
{
    char date[25], etag[80];
    oss_iso8601_xml(o->mtime, date);
    oss_xmlw_start(w, o->delete_marker ? "DeleteMarker" : "Version");
    emu_op_xml_elem_enc(w, url, "Key", o->key);
    oss_xmlw_elem(w, "VersionId", o->version_id);
    oss_xmlw_elem(w, "IsLatest", o->is_latest ? "true" : "false");
    oss_xmlw_elem(w, "LastModified", date);
    if (!o->delete_marker) {
        emu_op_quote_etag(o->etag, etag);
        oss_xmlw_elem(w, "ETag", etag);
        oss_xmlw_elem(w, "Type", o->type);
        oss_xmlw_elemf(w, "Size", "%llu", (unsigned long long)o->size);
        oss_xmlw_elem(w, "StorageClass", o->storage_class);
    }
    emu_op_xml_owner(w, owner);
    oss_xmlw_end(w);
}

/* GET /?versions with prefix, delimiter, key-marker, version-id-marker, max-keys (default 100,
 * at most 1000) and encoding-type. Versions and delete markers appear in listing order (keys
 * ascending, each key's versions newest first), then the common prefixes. */
void emu_op_list_object_versions(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *prefix = emu_req_query(req, "prefix");
    const char *delim = emu_req_query(req, "delimiter");
    const char *km = emu_req_query(req, "key-marker");
    const char *vm = emu_req_query(req, "version-id-marker");
    struct emu_list_result r = {0};
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    size_t max;
    int url, rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:ListObjectVersions", b.owner, b.acl, 0) < 0)
        return;
    if (emu_op_max_keys(req, resp, "max-keys", 100, &max) < 0 ||
        emu_op_encoding_type(req, resp, &url) < 0)
        return;
    rc = emu_store_list_versions(s->store, b.name, prefix, delim, km, vm, max, &r);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    oss_xmlw_init(&w, &xml);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "ListVersionsResult");
    oss_xmlw_elem(&w, "Name", b.name);
    emu_op_xml_elem_enc(&w, url, "Prefix", prefix ? prefix : "");
    emu_op_xml_elem_enc(&w, url, "KeyMarker", km ? km : "");
    oss_xmlw_elem(&w, "VersionIdMarker", vm ? vm : "");
    if (r.truncated && r.n) {
        const struct emu_list_entry *last = &r.entries[r.n - 1];
        emu_op_xml_elem_enc(&w, url, "NextKeyMarker", last->obj.key);
        oss_xmlw_elem(&w, "NextVersionIdMarker", last->is_prefix ? "" : last->obj.version_id);
    }
    oss_xmlw_elemf(&w, "MaxKeys", "%zu", max);
    emu_op_xml_elem_enc(&w, url, "Delimiter", delim ? delim : "");
    oss_xmlw_elem(&w, "IsTruncated", r.truncated ? "true" : "false");
    if (url)
        oss_xmlw_elem(&w, "EncodingType", "url");
    for (size_t i = 0; i < r.n; i++)
        if (!r.entries[i].is_prefix)
            write_version(&w, url, &r.entries[i].obj, b.owner);
    for (size_t i = 0; i < r.n; i++) {
        if (!r.entries[i].is_prefix)
            continue;
        oss_xmlw_start(&w, "CommonPrefixes");
        emu_op_xml_elem_enc(&w, url, "Prefix", r.entries[i].obj.key);
        oss_xmlw_end(&w);
    }
    oss_xmlw_end(&w);
    emu_list_result_cleanup(&r);
    if ((rc = oss_xmlw_finish(&w)) < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
}
