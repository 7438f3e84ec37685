/* Multipart listings (oss-api.md 6.8): ListMultipartUploads (GET /?uploads with prefix,
 * delimiter, key-marker, upload-id-marker, max-uploads, encoding-type) and ListParts
 * (GET /K?uploadId= with part-number-marker, max-parts, encoding-type). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "op_multipart.h"

/* An upload or a common prefix (upload NULL) of a ListMultipartUploads page. */
struct entry {
    const struct emu_upload *upload;
    char *prefix;
};

/* Collapses the uploads (already after the markers) by delimiter into at most max entries;
 * *truncated when entries remain. Prefix strings are malloc'ed. */
static int collapse(const struct emu_upload *u, size_t n, const char *prefix, const char *delim,
                    const char *key_marker, size_t max, struct entry **out, size_t *nout,
                    int *truncated)
{
    size_t plen = prefix ? strlen(prefix) : 0, dlen = delim ? strlen(delim) : 0, cnt = 0;
    struct entry *e = calloc(n ? n : 1, sizeof(*e));

    *out = e;
    *nout = 0;
    *truncated = 0;
    if (!e)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *d = dlen ? strstr(u[i].key + plen, delim) : NULL;
        char *cp = NULL;
        if (d) {
            if (!(cp = strndup(u[i].key, (size_t)(d - u[i].key) + dlen)))
                return -ENOMEM;
            if ((cnt && e[cnt - 1].prefix && !strcmp(e[cnt - 1].prefix, cp)) ||
                (key_marker && strcmp(cp, key_marker) <= 0)) {
                free(cp);
                continue;
            }
        }
        if (cnt == max) {
            free(cp);
            *truncated = 1;
            break;
        }
        e[cnt].upload = cp ? NULL : &u[i];
        e[cnt++].prefix = cp;
    }
    *nout = cnt;
    return 0;
}

static void write_uploads(struct oss_xml_writer *w, struct emu_req *req, const char *bucket,
                          const struct entry *e, size_t n, size_t max, int truncated, int url)
{
    const char *km = emu_req_query(req, "key-marker"), *um = emu_req_query(req, "upload-id-marker");
    const char *prefix = emu_req_query(req, "prefix"), *delim = emu_req_query(req, "delimiter");
    const struct entry *last = n ? &e[n - 1] : NULL;
    char date[25];

    oss_xmlw_decl(w);
    oss_xmlw_start(w, "ListMultipartUploadsResult");
    oss_xmlw_elem(w, "Bucket", bucket);
    emu_op_xml_elem_enc(w, url, "KeyMarker", km ? km : "");
    oss_xmlw_elem(w, "UploadIdMarker", um ? um : "");
    emu_op_xml_elem_enc(w, url, "NextKeyMarker",
                        !last          ? ""
                        : last->upload ? last->upload->key
                                       : last->prefix);
    oss_xmlw_elem(w, "NextUploadIdMarker", last && last->upload ? last->upload->upload_id : "");
    emu_op_xml_elem_enc(w, url, "Delimiter", delim ? delim : "");
    emu_op_xml_elem_enc(w, url, "Prefix", prefix ? prefix : "");
    oss_xmlw_elemf(w, "MaxUploads", "%zu", max);
    oss_xmlw_elem(w, "IsTruncated", truncated ? "true" : "false");
    if (url)
        oss_xmlw_elem(w, "EncodingType", "url");
    for (size_t i = 0; i < n; i++) {
        if (!e[i].upload)
            continue;
        oss_iso8601_xml(e[i].upload->initiated, date);
        oss_xmlw_start(w, "Upload");
        emu_op_xml_elem_enc(w, url, "Key", e[i].upload->key);
        oss_xmlw_elem(w, "UploadId", e[i].upload->upload_id);
        oss_xmlw_elem(w, "Initiated", date);
        oss_xmlw_end(w);
    }
    for (size_t i = 0; i < n; i++) {
        if (e[i].upload)
            continue;
        oss_xmlw_start(w, "CommonPrefixes");
        emu_op_xml_elem_enc(w, url, "Prefix", e[i].prefix);
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
}

/* GET /?uploads: the bucket's pending uploads (oss:ListMultipartUploads, governed by the bucket
 * ACL), keys ascending, then upload ids; max-uploads counts uploads and common prefixes. */
void emu_op_list_multipart_uploads(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *prefix = emu_req_query(req, "prefix"), *delim = emu_req_query(req, "delimiter");
    const char *km = emu_req_query(req, "key-marker");
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_upload *u = NULL;
    struct entry *e = NULL;
    struct emu_bucket b;
    size_t max, n = 0, ne = 0;
    int url, truncated, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:ListMultipartUploads", 0, &b) < 0)
        return;
    if (emu_op_max_keys(req, resp, "max-uploads", 1000, &max) < 0 ||
        emu_op_encoding_type(req, resp, &url) < 0)
        return;
    /* Pending uploads are few: fetch them all after the markers, collapse here. */
    rc = emu_store_upload_list(s->store, b.name, prefix, km, emu_req_query(req, "upload-id-marker"),
                               (size_t)-1, &u, &n, &truncated);
    if (rc == 0)
        rc = collapse(u, n, prefix, delim, km, max, &e, &ne, &truncated);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    oss_xmlw_init(&w, &xml);
    write_uploads(&w, req, b.name, e, ne, max, truncated, url);
    emu_op_reply_doc(req, resp, &w, &xml);
out:
    for (size_t i = 0; e && i < n; i++)
        free(e[i].prefix);
    free(e);
    for (size_t i = 0; i < n; i++)
        emu_upload_cleanup(&u[i]);
    free(u);
}

/* part-number-marker: a number 0..10000 (absent: 0). */
static int part_marker(struct emu_req *req, struct emu_resp *resp, unsigned *out)
{
    const char *v = emu_req_query(req, "part-number-marker");
    char *end;
    unsigned long n;

    *out = 0;
    if (!v || !*v)
        return 0;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (*end || errno || n > 10000 || v[0] < '0' || v[0] > '9') {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "part-number-marker must be an integer between 0 and 10000.", NULL,
                       "ArgumentName", "part-number-marker", "ArgumentValue", v, NULL);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* One Part element of ListPartsResult. */
static void write_part(struct oss_xml_writer *w, const struct emu_part *p)
{
    char date[25], etag[80];
    oss_iso8601_xml(p->mtime, date);
    emu_op_quote_etag(p->etag, etag);
    oss_xmlw_start(w, "Part");
    oss_xmlw_elemf(w, "PartNumber", "%u", p->part_number);
    oss_xmlw_elem(w, "LastModified", date);
    oss_xmlw_elem(w, "ETag", etag);
    oss_xmlw_elemf(w, "HashCrc64ecma", "%" PRIu64, p->crc64);
    oss_xmlw_elemf(w, "Size", "%" PRIu64, p->size);
    oss_xmlw_end(w);
}

/* GET /K?uploadId=ID: one page of the upload's parts (oss:ListParts), numbers ascending after
 * part-number-marker; NextPartNumberMarker is the last number listed. */
void emu_op_list_parts(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_part *p = NULL;
    struct emu_upload u;
    struct emu_bucket b;
    size_t max, n = 0;
    unsigned marker;
    int url, truncated, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:ListParts", 0, &b) < 0)
        return;
    if (emu_op_max_keys(req, resp, "max-parts", 1000, &max) < 0 ||
        emu_op_encoding_type(req, resp, &url) < 0 || part_marker(req, resp, &marker) < 0)
        return;
    if (emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    rc = emu_store_part_list(s->store, u.upload_id, marker, max, &p, &n, &truncated);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    emu_op_xml_begin(&w, &xml, "ListPartsResult");
    oss_xmlw_elem(&w, "Bucket", b.name);
    emu_op_xml_elem_enc(&w, url, "Key", u.key);
    oss_xmlw_elem(&w, "UploadId", u.upload_id);
    oss_xmlw_elemf(&w, "PartNumberMarker", "%u", marker);
    oss_xmlw_elemf(&w, "NextPartNumberMarker", "%u", n ? p[n - 1].part_number : marker);
    oss_xmlw_elemf(&w, "MaxParts", "%zu", max);
    oss_xmlw_elem(&w, "IsTruncated", truncated ? "true" : "false");
    oss_xmlw_elem(&w, "StorageClass", u.storage_class);
    if (url)
        oss_xmlw_elem(&w, "EncodingType", "url");
    for (size_t i = 0; i < n; i++)
        write_part(&w, &p[i]);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
out:
    free(p);
    emu_upload_cleanup(&u);
}
