/* CopyObject (oss-api.md 6.7): the copy source as CopyObject and UploadPartCopy read it
 * (x-oss-copy-source, the source's existence and read permission, the copy-source conditions),
 * the metadata directive (COPY/REPLACE) and CopyObjectResult. The bytes are copied into a new
 * data file, never shared. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "oss/codec.h"
#include "op_perm.h"
#include "op_priv.h"
#include "op_setting.h"

#define MAX_CROSS_BUCKET_COPY (1ULL * 1024 * 1024 * 1024)

/* "/bucket/url-encoded-key[?versionId=v]" (leading '/' optional; '+' is a space as Go v1
 * clients encode it). Fills malloc'ed *bucket, *key and *version (NULL when absent); 0,
 * -EINVAL or -ENOMEM. */
static int source_parse(const char *h, char **bucket, char **key, char **version)
{
    struct oss_buf k = OSS_BUF_INIT;
    const char *slash, *q, *end;

    *bucket = *key = *version = NULL;
    if (*h == '/')
        h++;
    slash = strchr(h, '/');
    if (!slash || slash == h)
        return -EINVAL;
    q = strchr(slash + 1, '?');
    end = q ? q : slash + 1 + strlen(slash + 1);
    if (end == slash + 1 || oss_url_decode(slash + 1, (size_t)(end - slash - 1), 1, &k) < 0) {
        oss_buf_cleanup(&k);
        return -EINVAL;
    }
    *key = oss_buf_detach(&k);
    *bucket = strndup(h, (size_t)(slash - h));
    if (q && !strncmp(q, "?versionId=", 11))
        *version = strdup(q + 11);
    if (!*key || !*bucket) {
        free(*key);
        free(*bucket);
        *key = *bucket = NULL;
        return -ENOMEM;
    }
    return 0;
}

/* Copies len bytes from fd to a new file under DIR/tmp whose path goes to path. */
static int copy_data(struct emu_server *s, int fd, uint64_t len, char *path, size_t plen)
{
    int out = emu_store_tmp_create(s->store, path, plen);
    if (out < 0)
        return out;
    int rc = emu_op_copy_fd(fd, 0, out, len);
    close(out);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* Answers the copy: CopyObjectResult with ETag and LastModified, CRC64 header. */
static void reply_copy(struct emu_req *req, struct emu_resp *resp, const struct emu_object *o)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    char etag[80], date[25];

    emu_op_quote_etag(o->etag, etag);
    oss_iso8601_xml(o->mtime, date);
    emu_op_xml_begin(&w, &xml, "CopyObjectResult");
    oss_xmlw_elem(&w, "ETag", etag);
    oss_xmlw_elem(&w, "LastModified", date);
    oss_xmlw_end(&w);
    if (emu_op_reply_doc(req, resp, &w, &xml) == 0)
        emu_op_header_u64(resp, "x-oss-hash-crc64ecma", o->crc64);
}

/* Opens the parsed source src->bucket/key (src->version) for reading: NoSuchBucket /
 * NoSuchVersion / NoSuchKey / AccessDenied as for a GetObject of it (a delete marker as source is
 * 404 NoSuchKey, named or not), evaluated with the source as the request's resource, then the
 * x-oss-copy-source-if-* conditions. 0, or -1 with resp filled and src->obj released. */
static int source_load(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_op_source *src)
{
    struct emu_req sreq = *req;
    struct emu_bucket sb;
    const char *vid = src->version && *src->version ? src->version : NULL;
    const char *action = vid ? "oss:GetObjectVersion" : "oss:GetObject";
    struct emu_object *o = &src->obj;
    int rc;

    sreq.bucket = src->bucket;
    sreq.key = src->key;
    if (emu_op_load_bucket(s, &sreq, resp, &sb) < 0)
        return -1;
    rc = emu_store_version_open(s->store, src->bucket, src->key, vid, o, &src->fd);
    if (rc == 0 && o->delete_marker) {
        emu_object_cleanup(o);
        rc = -ENOENT;
    }
    if (rc == -ENOENT) {
        if (emu_authorize(s, &sreq, resp, action, sb.owner, sb.acl, 0) == 0) {
            if (vid)
                emu_op_no_such_version(req, resp, src->key, vid);
            else
                emu_op_no_such_key(req, resp, src->key);
        }
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (emu_authorize(s, &sreq, resp, action, sb.owner, emu_op_effective_acl(o, &sb), 0) < 0 ||
        emu_op_conditions(req, resp, o, "x-oss-copy-source-") < 0) {
        close(src->fd);
        src->fd = -1;
        emu_object_cleanup(o);
        return -1;
    }
    return 0;
}

int emu_op_source_open(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_op_source *src)
{
    const char *h = emu_req_header(req, "x-oss-copy-source");

    memset(src, 0, sizeof(*src));
    src->fd = -1;
    if (!h || source_parse(h, &src->bucket, &src->key, &src->version) < 0) {
        emu_resp_error(
            resp, req, 400, "InvalidArgument",
            "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.", NULL,
            "ArgumentName", "x-oss-copy-source", "ArgumentValue", h ? h : "", NULL);
        return -1;
    }
    return source_load(s, req, resp, src);
}

void emu_op_source_close(struct emu_op_source *src)
{
    if (src->fd >= 0)
        close(src->fd);
    src->fd = -1;
    emu_object_cleanup(&src->obj);
    free(src->bucket);
    free(src->key);
    free(src->version);
    src->bucket = src->key = src->version = NULL;
}

/* The tags of the copy follow x-oss-tagging-directive alone, whatever the metadata directive:
 * Copy (the default) keeps the source's tag set, Replace takes the request's x-oss-tagging (none
 * when absent). Rewrites the stored headers JSON *headers (op_object_tagging.c keeps the tag
 * set in its member "x-emu-tagging"); on failure *headers is freed and NULL. */
static void copy_tags(char **headers, const struct emu_req *req, const char *src_headers,
                      int replace_tags)
{
    json_t *h = *headers ? json_loads(*headers, 0, NULL) : NULL;
    free(*headers);
    *headers = NULL;
    if (!json_is_object(h)) {
        json_decref(h);
        return;
    }
    json_object_del(h, "x-emu-tagging");
    if (replace_tags) {
        const char *tagging = emu_req_header(req, "x-oss-tagging");
        void *tags = NULL;
        struct emu_setting_err terr;
        if (tagging && emu_object_tags_from_header(tagging, &tags, &terr) == 0 &&
            json_object_size(tags))
            json_object_set(h, "x-emu-tagging", tags);
        json_decref(tags);
    } else {
        json_t *sh = src_headers ? json_loads(src_headers, 0, NULL) : NULL;
        json_t *st = sh ? json_object_get(sh, "x-emu-tagging") : NULL;
        if (st)
            json_object_set(h, "x-emu-tagging", st);
        json_decref(sh);
    }
    *headers = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(h);
}

/* The new object's attributes: the request's ACL; the source's data, type (Appendable becomes
 * Normal) and, unless the request names them, storage class; with REPLACE the request's
 * Content-Type and headers, else the source's; tags as copy_tags says. o->headers is malloc'ed
 * (NULL: no memory). */
static void copy_attributes(struct emu_object *o, const struct emu_req *req,
                            const struct emu_bucket *b, const struct emu_object *src, int replace)
{
    emu_op_object_init(o, req, b, strcmp(src->type, "Appendable") ? src->type : "Normal");
    o->size = src->size;
    memcpy(o->etag, src->etag, sizeof(o->etag));
    o->crc64 = src->crc64;
    if (!emu_req_header(req, "x-oss-storage-class"))
        snprintf(o->storage_class, sizeof(o->storage_class), "%s", src->storage_class);
    if (replace) {
        o->headers = emu_op_collect_headers(req);
    } else {
        o->content_type = src->content_type;
        o->headers = strdup(src->headers);
    }
    const char *td = emu_req_header(req, "x-oss-tagging-directive");
    copy_tags(&o->headers, req, src->headers, td && strcasecmp(td, "Replace") == 0);
}

/* x-oss-metadata-directive: 0 with *replace, or -1 with 400 InvalidArgument. */
static int directive(struct emu_req *req, struct emu_resp *resp, int *replace)
{
    const char *dir = emu_req_header(req, "x-oss-metadata-directive");
    if (dir && strcasecmp(dir, "COPY") != 0 && strcasecmp(dir, "REPLACE") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "Invalid metadata directive.", NULL,
                       "ArgumentName", "x-oss-metadata-directive", "ArgumentValue", dir, NULL);
        return -1;
    }
    *replace = dir && !strcasecmp(dir, "REPLACE");
    const char *td = emu_req_header(req, "x-oss-tagging-directive");
    if (td && strcasecmp(td, "Copy") != 0 && strcasecmp(td, "Replace") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "Invalid tagging directive.", NULL,
                       "ArgumentName", "x-oss-tagging-directive", "ArgumentValue", td, NULL);
        return -1;
    }
    return 0;
}

void emu_op_copy_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_op_source src;
    struct emu_object o = {0};
    struct emu_bucket b;
    char path[4096];
    int forbid, replace, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_write_checks(req, resp, &forbid) < 0 || directive(req, resp, &replace) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, NULL) < 0)
        return;
    if (emu_op_source_open(s, req, resp, &src) < 0)
        goto out;
    if (strcmp(src.bucket, b.name) != 0 && src.obj.size > MAX_CROSS_BUCKET_COPY) {
        emu_resp_error(resp, req, 400, "EntityTooLarge",
                       "Copying more than 1 GB between buckets needs UploadPartCopy.", NULL, NULL);
        goto out;
    }
    if ((rc = copy_data(s, src.fd, src.obj.size, path, sizeof(path))) < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    copy_attributes(&o, req, &b, &src.obj, replace);
    rc = o.headers ? emu_store_object_put(s->store, &o, path, forbid) : -ENOMEM;
    free(o.headers);
    if (rc < 0) {
        unlink(path);
        emu_op_write_result(s, req, resp, rc);
        goto out;
    }
    reply_copy(req, resp, &o);
    emu_op_version_header(resp, &o);
    if (src.obj.version_id[0])
        emu_resp_header(resp, "x-oss-copy-source-version-id", src.obj.version_id);
out:
    emu_op_source_close(&src);
}
