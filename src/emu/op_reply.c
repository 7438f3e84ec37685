/* The pieces of answers several operations share: finishing an XML document into the response,
 * the Owner and endpoint fragments, url-encoded elements, and the ETag, CRC64, MD5 and version
 * headers of stored data (oss-api.md 4.3, 4.4, 6). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oss/codec.h"
#include "op_priv.h"

void emu_op_reply_xml(struct emu_resp *resp, struct oss_buf *xml)
{
    emu_resp_xml(resp, xml);
    oss_buf_cleanup(xml);
}

void emu_op_xml_begin(struct oss_xml_writer *w, struct oss_buf *xml, const char *root)
{
    oss_xmlw_init(w, xml);
    oss_xmlw_decl(w);
    oss_xmlw_start(w, root);
}

int emu_op_reply_doc(struct emu_req *req, struct emu_resp *resp, struct oss_xml_writer *w,
                     struct oss_buf *xml)
{
    int rc = oss_xmlw_finish(w);
    if (rc < 0) {
        oss_buf_cleanup(xml);
        emu_op_internal(resp, req, rc);
        return -1;
    }
    emu_op_reply_xml(resp, xml);
    return 0;
}

void emu_op_xml_owner(struct oss_xml_writer *w, const char *id)
{
    oss_xmlw_start(w, "Owner");
    oss_xmlw_elem(w, "ID", id);
    oss_xmlw_elem(w, "DisplayName", id);
    oss_xmlw_end(w);
}

void emu_op_xml_endpoints(struct oss_xml_writer *w, const struct emu_bucket *b)
{
    oss_xmlw_elemf(w, "ExtranetEndpoint", "oss-%s.aliyuncs.com", b->region);
    oss_xmlw_elemf(w, "IntranetEndpoint", "oss-%s-internal.aliyuncs.com", b->region);
    oss_xmlw_elemf(w, "Location", "oss-%s", b->region);
}

void emu_op_xml_elem_enc(struct oss_xml_writer *w, int url, const char *name, const char *value)
{
    struct oss_buf b = OSS_BUF_INIT;
    if (!url || !value) {
        oss_xmlw_elem(w, name, value ? value : "");
        return;
    }
    if (oss_url_encode(value, strlen(value), 0, &b) < 0)
        w->err = -ENOMEM;
    oss_xmlw_elem(w, name, oss_buf_str(&b));
    oss_buf_cleanup(&b);
}

void emu_op_xml_common_prefixes(struct oss_xml_writer *w, int url, const struct emu_list_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!r->entries[i].is_prefix)
            continue;
        oss_xmlw_start(w, "CommonPrefixes");
        emu_op_xml_elem_enc(w, url, "Prefix", r->entries[i].obj.key);
        oss_xmlw_end(w);
    }
}

void emu_op_quote_etag(const char *etag, char out[80])
{
    snprintf(out, 80, "\"%.72s\"", etag);
}

void emu_op_header_u64(struct emu_resp *resp, const char *name, uint64_t v)
{
    char text[24];
    snprintf(text, sizeof(text), "%" PRIu64, v);
    emu_resp_header(resp, name, text);
}

void emu_op_header_md5(struct emu_resp *resp, const unsigned char md5[16])
{
    struct oss_buf b64 = OSS_BUF_INIT;
    if (oss_base64_encode(md5, 16, &b64) == 0)
        emu_resp_header(resp, "Content-MD5", oss_buf_str(&b64));
    oss_buf_cleanup(&b64);
}

void emu_op_version_header(struct emu_resp *resp, const struct emu_object *o)
{
    if (o->version_id[0])
        emu_resp_set_header(resp, "x-oss-version-id", o->version_id);
}

void emu_op_written_headers(struct emu_resp *resp, const struct emu_object *o)
{
    char etag[80];
    emu_op_quote_etag(o->etag, etag);
    emu_resp_header(resp, "ETag", etag);
    emu_op_header_u64(resp, "x-oss-hash-crc64ecma", o->crc64);
    emu_op_version_header(resp, o);
}
