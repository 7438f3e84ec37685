/* ListObjectVersions (GET /?versions, ListVersionsResult, oss-api.md 6.5): every version and
 * delete marker of the bucket's keys in listing order, with the bucket's listing permission. */
#include <stdio.h>

#include "oss/codec.h"
#include "op_priv.h"

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

    if (emu_op_bucket_data(s, req, resp, "oss:ListObjectVersions", 0, &b) < 0)
        return;
    if (emu_op_max_keys(req, resp, "max-keys", 100, &max) < 0 ||
        emu_op_encoding_type(req, resp, &url) < 0)
        return;
    rc = emu_store_list_versions(s->store, b.name, prefix, delim, km, vm, max, &r);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_xml_begin(&w, &xml, "ListVersionsResult");
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
    emu_op_xml_common_prefixes(&w, url, &r);
    oss_xmlw_end(&w);
    emu_list_result_cleanup(&r);
    emu_op_reply_doc(req, resp, &w, &xml);
}
