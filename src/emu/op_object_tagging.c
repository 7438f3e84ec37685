/* Object tags (oss-api.md 6.9): Put/Get/DeleteObjectTagging and the x-oss-tagging upload
 * header. A tag set lives in the object's stored headers JSON as the member "x-emu-tagging"
 * (an object, so it is never sent back as a header); changing it leaves data, ETag and
 * Last-Modified alone. Limits: at most 10 tags, key 1-128 and value 0-256 bytes of letters,
 * digits, space and + - = . _ : / (bytes >= 0x80 are taken as UTF-8 letters). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oss/codec.h"
#include "op_priv.h"
#include "op_setting.h"

#define MAX_OBJECT_TAGS 10
#define TAGS_MEMBER     "x-emu-tagging"

static int tag_chars_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z') || strchr(" +-=._:/", *p)))
            return 0;
    return 1;
}

/* Adds key=value to the tag set tags (a JSON object) after the limits. 0 or -1 with err. */
static int tag_add(json_t *tags, const char *key, const char *value, struct emu_setting_err *err)
{
    if (!*key || strlen(key) > 128)
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "An object tag key must have 1 to 128 characters.");
    if (strlen(value) > 256)
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "An object tag value is at most 256 characters.");
    if (!tag_chars_ok(key) || !tag_chars_ok(value))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "Object tags may contain letters, digits, space and + - = . _ : "
                                "/ only.");
    if (json_object_get(tags, key))
        return emu_setting_fail(err, "InvalidArgument", NULL, "Tag key %.128s is given twice.",
                                key);
    if (json_object_size(tags) == MAX_OBJECT_TAGS)
        return emu_setting_fail(err, "InvalidArgument", NULL, "An object has at most %d tags.",
                                MAX_OBJECT_TAGS);
    return json_object_set_new(tags, key, json_string(value)) == 0
               ? 0
               : emu_setting_fail(err, "InvalidArgument", NULL, "Tags must be UTF-8.");
}

int emu_object_tags_from_header(const char *value, void **out, struct emu_setting_err *err)
{
    json_t *tags = json_object();
    struct oss_buf k = OSS_BUF_INIT, v = OSS_BUF_INIT;
    int rc = 0;

    *out = NULL;
    for (const char *p = value; *p && rc == 0;) {
        const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        oss_buf_reset(&k);
        oss_buf_reset(&v);
        if (oss_url_decode(p, (size_t)((eq ? eq : end) - p), 1, &k) < 0 ||
            (eq && oss_url_decode(eq + 1, (size_t)(end - eq - 1), 1, &v) < 0))
            rc = emu_setting_fail(err, "InvalidArgument", NULL,
                                  "x-oss-tagging is not URL-encoded key=value pairs.");
        else
            rc = tag_add(tags, oss_buf_str(&k), oss_buf_str(&v), err);
        p = amp ? amp + 1 : end;
    }
    oss_buf_cleanup(&k);
    oss_buf_cleanup(&v);
    if (rc < 0) {
        json_decref(tags);
        return -1;
    }
    *out = tags;
    return 0;
}

size_t emu_object_tag_count(const char *headers_json)
{
    json_t *h = headers_json ? json_loads(headers_json, 0, NULL) : NULL;
    size_t n = json_object_size(json_object_get(h, TAGS_MEMBER));
    json_decref(h);
    return n;
}

/* Replaces the tag set of o (tags NULL: none) in the store. */
static void store_tags(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_object *o, json_t *tags, int status)
{
    json_t *h = json_loads(o->headers, 0, NULL);
    char *text = NULL;
    int rc;

    if (!json_is_object(h)) {
        json_decref(h);
        h = json_object();
    }
    if (tags && json_object_size(tags))
        json_object_set(h, TAGS_MEMBER, tags);
    else
        json_object_del(h, TAGS_MEMBER);
    text = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(h);
    rc = text ? emu_store_version_set_headers(s->store, o->bucket, o->key,
                                              emu_op_version_param(req), text)
              : -ENOMEM;
    free(text);
    if (rc == -ENOENT)
        emu_op_no_such_key(req, resp, req->key);
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    else {
        resp->status = status;
        emu_op_version_header(resp, o);
    }
}

/* The bucket and the addressed version (?versionId, else the current one) of a tagging call,
 * authorized with action, or its Version form when a version is named, against the object's
 * ACL. 0 with *b and *o (caller cleans up o), or -1 with resp filled. */
static int load_tagged(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *action, const char *version_action, int write,
                       struct emu_bucket *b, struct emu_object *o)
{
    if (emu_op_load_bucket(s, req, resp, b) < 0)
        return -1;
    return emu_op_load_version(s, req, resp, b, o, NULL, action, version_action, 1, write);
}

/* The tag set of a Tagging document into the JSON object tags. 0, -1 with err (a limit), or
 * -2 when the document is malformed. */
static int tags_from_xml(const struct emu_req *req, json_t *tags, struct emu_setting_err *err)
{
    struct oss_xml_doc *doc = NULL;
    const struct oss_xml_node *set;
    struct oss_buf k = OSS_BUF_INIT, v = OSS_BUF_INIT;
    int rc = 0;

    if (!req->body || oss_xml_parse(req->body, req->body_len, 64 * 1024, &doc) < 0 ||
        strcmp(oss_xml_name(oss_xml_root(doc)), "Tagging") != 0 ||
        !(set = oss_xml_find(oss_xml_root(doc), "TagSet"))) {
        oss_xml_free(doc);
        return -2;
    }
    for (const struct oss_xml_node *t = oss_xml_first(set, "Tag"); t && rc == 0;
         t = oss_xml_next(t, "Tag")) {
        if (oss_xml_get(t, "Key", &k) < 0)
            oss_buf_reset(&k);
        if (oss_xml_get(t, "Value", &v) < 0)
            oss_buf_reset(&v);
        rc = tag_add(tags, oss_buf_str(&k), oss_buf_str(&v), err);
    }
    oss_buf_cleanup(&k);
    oss_buf_cleanup(&v);
    oss_xml_free(doc);
    return rc;
}

void emu_op_put_object_tagging(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_setting_err err = {0};
    struct emu_bucket b;
    struct emu_object o;
    json_t *tags;
    int rc;

    if (load_tagged(s, req, resp, "oss:PutObjectTagging", "oss:PutObjectVersionTagging", 1, &b,
                    &o) < 0)
        return;
    tags = json_object();
    rc = tags_from_xml(req, tags, &err);
    if (rc == -2)
        emu_op_malformed_xml(req, resp);
    else if (rc < 0)
        emu_resp_error(resp, req, err.status, err.code, err.msg, err.ec, NULL);
    else
        store_tags(s, req, resp, &o, tags, 200);
    json_decref(tags);
    emu_object_cleanup(&o);
}

void emu_op_get_object_tagging(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    struct emu_object o;
    const char *key;
    json_t *h, *tags, *val;

    if (load_tagged(s, req, resp, "oss:GetObjectTagging", "oss:GetObjectVersionTagging", 0, &b,
                    &o) < 0)
        return;
    h = json_loads(o.headers, 0, NULL);
    tags = json_object_get(h, TAGS_MEMBER);
    emu_op_xml_begin(&w, &xml, "Tagging");
    oss_xmlw_start(&w, "TagSet");
    json_object_foreach(tags, key, val)
    {
        oss_xmlw_start(&w, "Tag");
        oss_xmlw_elem(&w, "Key", key);
        oss_xmlw_elem(&w, "Value", json_string_value(val));
        oss_xmlw_end(&w);
    }
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
    emu_op_version_header(resp, &o);
    json_decref(h);
    emu_object_cleanup(&o);
}

void emu_op_delete_object_tagging(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct emu_object o;

    if (load_tagged(s, req, resp, "oss:DeleteObjectTagging", "oss:DeleteObjectVersionTagging", 1,
                    &b, &o) < 0)
        return;
    store_tags(s, req, resp, &o, NULL, 204);
    emu_object_cleanup(&o);
}
