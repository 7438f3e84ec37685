/* Object tagging (Put/Get/DeleteObjectTagging, oss-api.md 6.9). Tags travel as the
 * x-oss-tagging text form "k1=v1&k2=v2" through this interface and as the Tagging XML
 * document on the wire; the tag limits are checked here so a bad set sends nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/codec.h"
#include "oss/xml.h"

/* oss_parse_tagging() in the shape oss_client_send_parse() takes. */
static int parse_tagging(const char *xml, size_t len, void *out)
{
    return oss_parse_tagging(xml, len, out);
}

#define MAX_TAGS      10
#define MAX_TAG_KEY   128
#define MAX_TAG_VALUE 256

static void add_version(struct oss_req *r, const char *version_id)
{
    if (version_id && *version_id)
        oss_req_query(r, "versionId", version_id);
}

static int no_controls(const struct oss_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if ((unsigned char)b->data[i] < 0x20 || b->data[i] == 0x7f)
            return 0;
    return 1;
}

int oss_tagging_xml(const char *text, struct oss_buf *xml)
{
    struct oss_buf keys[MAX_TAGS], val = OSS_BUF_INIT;
    struct oss_xml_writer w;
    size_t n = 0;
    int rc = 0;

    if (!text || !*text)
        return -EINVAL;
    oss_xmlw_init(&w, xml);
    oss_xmlw_start(&w, "Tagging");
    oss_xmlw_start(&w, "TagSet");
    for (const char *p = text; rc == 0 && p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t kl = eq ? (size_t)(eq - p) : len;
        if (n == MAX_TAGS) {
            rc = -EINVAL;
            break;
        }
        oss_buf_init(&keys[n]);
        oss_buf_reset(&val);
        rc = oss_url_decode(p, kl, 0, &keys[n]);
        n++;
        if (rc == 0 && eq)
            rc = oss_url_decode(eq + 1, len - kl - 1, 0, &val);
        if (rc == 0 &&
            (keys[n - 1].len == 0 || keys[n - 1].len > MAX_TAG_KEY || val.len > MAX_TAG_VALUE ||
             !no_controls(&keys[n - 1]) || !no_controls(&val)))
            rc = -EINVAL;
        for (size_t i = 0; rc == 0 && i + 1 < n; i++)
            if (!strcmp(oss_buf_str(&keys[i]), oss_buf_str(&keys[n - 1])))
                rc = -EINVAL;
        if (rc == 0) {
            oss_xmlw_start(&w, "Tag");
            oss_xmlw_elem(&w, "Key", oss_buf_str(&keys[n - 1]));
            oss_xmlw_elem(&w, "Value", oss_buf_str(&val));
            oss_xmlw_end(&w);
        }
        p = amp ? amp + 1 : NULL;
    }
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    if (rc == 0)
        rc = oss_xmlw_finish(&w);
    for (size_t i = 0; i < n; i++)
        oss_buf_cleanup(&keys[i]);
    oss_buf_cleanup(&val);
    return rc;
}

int oss_get_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                           const char *version_id, struct oss_buf *out, struct oss_error *err)
{
    struct oss_req r;

    if (!key || !*key)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "GET", bucket, key);
    oss_req_query(&r, "tagging", NULL);
    add_version(&r, version_id);
    return oss_client_send_parse(c, &r, parse_tagging, out, "malformed GetObjectTagging answer",
                                 err);
}

int oss_put_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                           const char *version_id, const char *tagging, struct oss_error *err)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_req r;
    char md5[25];
    int rc;

    if (!key || !*key)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    rc = oss_tagging_xml(tagging, &xml);
    if (rc < 0) {
        oss_buf_cleanup(&xml);
        return oss_client_fail(err, -rc, rc == -ENOMEM ? "" : "InvalidTag",
                               rc == -ENOMEM ? "out of memory" : "invalid tag set");
    }
    oss_content_md5(xml.data, xml.len, md5);
    oss_req_init(&r, "PUT", bucket, key);
    oss_req_query(&r, "tagging", NULL);
    add_version(&r, version_id);
    oss_req_header(&r, "Content-Type", "application/xml");
    oss_req_header(&r, "Content-MD5", md5);
    r.io.body = xml.data;
    r.io.body_len = xml.len;
    rc = oss_client_send_status(c, &r, err);
    oss_buf_cleanup(&xml);
    return rc;
}

int oss_delete_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                              const char *version_id, struct oss_error *err)
{
    struct oss_req r;
    int rc;

    if (!key || !*key)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "DELETE", bucket, key);
    oss_req_query(&r, "tagging", NULL);
    add_version(&r, version_id);
    rc = oss_client_send_status(c, &r, err);
    return rc;
}
