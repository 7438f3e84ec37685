/* Multipart upload (oss-api.md 6.8): Initiate, UploadPart from memory, Complete and Abort, with
 * the reply parsers and the Complete body writer. Every part's CRC64 is compared with the answer
 * (and, with the client's content_md5, Content-MD5 is sent and the ETag compared), and the
 * completed object's CRC64 with the parts' combined CRC64. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_priv.h"
#include "oss/codec.h"
#include "oss/crc64.h"
#include "oss/xml.h"

#define MAX_PART_NUMBER 10000

/* The text at path under a root element named root, into dst; -EINVAL when the document is
 * malformed, has another root, or the element is missing, empty or too long. */
static int doc_text(const char *xml, size_t len, const char *root, const char *path, char *dst,
                    size_t dstlen)
{
    struct oss_xml_doc *doc = NULL;
    int rc;

    if (dstlen)
        dst[0] = 0;
    if (xml == NULL || len == 0)
        return -EINVAL;
    rc = oss_xml_parse(xml, len, 0, &doc);
    if (rc < 0)
        return rc == -ENOMEM ? rc : -EINVAL;
    const struct oss_xml_node *r = oss_xml_root(doc);
    if (strcmp(oss_xml_name(r), root) != 0)
        rc = -EINVAL;
    else
        rc = oss_xml_get_str(r, path, dst, dstlen);
    oss_xml_free(doc);
    if (rc == 0 && dst[0] == 0)
        rc = -EINVAL;
    if (rc < 0 && dstlen)
        dst[0] = 0;
    return rc == -ENOENT || rc == -EOVERFLOW ? -EINVAL : rc;
}

/* Removes surrounding double quotes in place. */
static void unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
}

int oss_parse_initiate_multipart(const char *xml, size_t len, char *id, size_t idlen)
{
    return doc_text(xml, len, "InitiateMultipartUploadResult", "UploadId", id, idlen);
}

int oss_parse_complete_multipart(const char *xml, size_t len, char *etag, size_t etaglen)
{
    int rc = doc_text(xml, len, "CompleteMultipartUploadResult", "ETag", etag, etaglen);
    if (rc == 0)
        unquote(etag);
    if (rc == 0 && etag[0] == 0)
        rc = -EINVAL;
    return rc;
}

int oss_multipart_complete_body(const struct oss_part *parts, size_t n, struct oss_buf *out)
{
    struct oss_xml_writer w;
    int prev = 0;

    for (size_t i = 0; i < n; i++) {
        if (parts[i].number <= prev || parts[i].number > MAX_PART_NUMBER)
            return -EINVAL;
        prev = parts[i].number;
    }
    oss_xmlw_init(&w, out);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "CompleteMultipartUpload");
    for (size_t i = 0; i < n; i++) {
        oss_xmlw_start(&w, "Part");
        oss_xmlw_elemf(&w, "PartNumber", "%d", parts[i].number);
        oss_xmlw_elemf(&w, "ETag", "\"%s\"", parts[i].etag);
        oss_xmlw_end(&w);
    }
    oss_xmlw_end(&w);
    return oss_xmlw_finish(&w);
}

static int key_ok(const char *key)
{
    return key && *key;
}

int oss_initiate_multipart(struct oss_client *c, const char *bucket, const char *key,
                           const struct oss_put_opts *opts, char upload_id[128],
                           struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    int rc;

    upload_id[0] = 0;
    if (!key_ok(key))
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    if (opts && opts->object_acl)
        return oss_client_fail(err, EINVAL, "InvalidArgument",
                               "multipart uploads take no ACL at initiation");
    oss_req_init(&r, "POST", bucket, key);
    oss_req_query(&r, "uploads", NULL);
    rc = oss_put_add_opts(&r, opts);
    if (rc < 0)
        rc = oss_client_fail(err, EINVAL, "InvalidArgument", "invalid upload option");
    else
        rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0 && oss_parse_initiate_multipart(resp.body.data, resp.body.len, upload_id, 128) < 0)
        rc = oss_client_bad_answer(err, &resp, EIO, "", "malformed InitiateMultipartUpload answer");
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

int oss_upload_part(struct oss_client *c, const char *bucket, const char *key,
                    const char *upload_id, int number, const void *data, size_t len,
                    struct oss_part *out, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    unsigned char md5[OSS_MD5_LEN];
    char cmd5[25], hex[2 * OSS_MD5_LEN + 1], num[16];
    struct oss_req r;
    int rc;

    memset(out, 0, sizeof *out);
    if (!key_ok(key) || upload_id == NULL || *upload_id == 0)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "empty object key or upload id");
    if (number < 1 || number > MAX_PART_NUMBER)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "part number out of 1..10000");
    if (data == NULL)
        data = "";
    if (c->content_md5) {
        oss_md5(data, len, md5);
        oss_hex(md5, OSS_MD5_LEN, 1, hex);
        oss_content_md5_digest(md5, cmd5);
    }
    uint64_t crc = oss_crc64(0, data, len);
    snprintf(num, sizeof num, "%d", number);

    oss_req_init(&r, "PUT", bucket, key);
    oss_req_query(&r, "partNumber", num);
    oss_req_query(&r, "uploadId", upload_id);
    if (c->content_md5)
        oss_req_header(&r, "Content-MD5", cmd5);
    oss_req_header(&r, "Content-Type", "application/octet-stream");
    r.io.body = data;
    r.io.body_len = len;
    r.io.bulk = len >= OSS_HTTP_BULK_MIN;
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0) {
        const char *v = oss_http_header(&resp, "x-oss-hash-crc64ecma");
        const char *etag = oss_http_header(&resp, "ETag");
        char tag[72] = "";
        if (etag)
            snprintf(tag, sizeof tag, "%s", etag);
        unquote(tag);
        if (v && strtoull(v, NULL, 10) != crc)
            rc = oss_client_bad_answer(err, &resp, EIO, "CRC64Mismatch",
                                       "uploaded part does not match x-oss-hash-crc64ecma");
        else if (tag[0] == 0 || (c->content_md5 && strcasecmp(tag, hex) != 0))
            rc = oss_client_bad_answer(err, &resp, EIO, "InvalidDigest",
                                       "the part's ETag is not the MD5 of the bytes sent");
        else {
            out->number = number;
            snprintf(out->etag, sizeof out->etag, "%s", tag);
            out->crc64 = crc;
            out->size = len;
        }
    }
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

int oss_complete_multipart(struct oss_client *c, const char *bucket, const char *key,
                           const char *upload_id, const struct oss_part *parts, size_t n,
                           struct oss_object_meta *out, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_buf body = OSS_BUF_INIT;
    char etag[72];
    uint64_t crc = 0, size = 0;
    struct oss_req r;
    int rc;

    if (out)
        memset(out, 0, sizeof *out);
    if (!key_ok(key) || upload_id == NULL || *upload_id == 0)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "empty object key or upload id");
    if (n == 0)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "no parts to complete");
    rc = oss_multipart_complete_body(parts, n, &body);
    if (rc < 0) {
        oss_buf_cleanup(&body);
        return oss_client_fail(err, -rc, "InvalidArgument",
                               rc == -EINVAL ? "part numbers not ascending in 1..10000"
                                             : "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        crc = oss_crc64_combine(crc, parts[i].crc64, parts[i].size);
        size += parts[i].size;
    }
    oss_req_init(&r, "POST", bucket, key);
    oss_req_query(&r, "uploadId", upload_id);
    oss_req_header(&r, "Content-Type", "application/xml");
    r.io.body = body.data;
    r.io.body_len = body.len;
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0) {
        const char *v = oss_http_header(&resp, "x-oss-hash-crc64ecma");
        if (oss_parse_complete_multipart(resp.body.data, resp.body.len, etag, sizeof etag) < 0)
            rc = oss_client_bad_answer(err, &resp, EIO, "",
                                       "malformed CompleteMultipartUpload answer");
        else if (v && strtoull(v, NULL, 10) != crc)
            rc = oss_client_bad_answer(err, &resp, EIO, "CRC64Mismatch",
                                       "completed object does not match the parts' CRC64");
    }
    if (rc == 0 && out) {
        if (oss_meta_from_headers(&resp, 0, out) < 0)
            rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
        else {
            snprintf(out->etag, sizeof out->etag, "%s", etag);
            out->size = size;
            out->crc64 = crc;
            out->has_crc64 = 1;
            snprintf(out->type, sizeof out->type, "Multipart");
        }
    }
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    oss_buf_cleanup(&body);
    return rc;
}

int oss_abort_multipart(struct oss_client *c, const char *bucket, const char *key,
                        const char *upload_id, struct oss_error *err)
{
    struct oss_req r;
    int rc;

    if (!key_ok(key) || upload_id == NULL || *upload_id == 0)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "empty object key or upload id");
    oss_req_init(&r, "DELETE", bucket, key);
    oss_req_query(&r, "uploadId", upload_id);
    rc = oss_client_send_status(c, &r, err);
    return rc;
}
