/* CopyObject: x-oss-copy-source parsing, the source's existence and read permission, the
 * copy-source conditions, the metadata directive (COPY/REPLACE) and CopyObjectResult
 * (oss-api.md 6.7). The bytes are copied into a new data file, never shared. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "op_priv.h"

#define MAX_CROSS_BUCKET_COPY (1ULL * 1024 * 1024 * 1024)

/* "/bucket/url-encoded-key[?versionId=v]" (leading '/' optional; '+' is a space as Go v1
 * clients encode it). Fills malloc'ed *bucket and *key and borrowed-then-copied *version. */
int emu_op_copy_source_parse(const char *h, char **bucket, char **key, char **version)
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
    char buf[65536];
    int out = emu_store_tmp_create(s->store, path, plen);
    off_t in_off = 0;

    if (out < 0)
        return out;
    while ((uint64_t)in_off < len) {
        ssize_t n = copy_file_range(fd, &in_off, out, NULL, len - (uint64_t)in_off, 0);
        if (n > 0)
            continue;
        if (n == 0)
            break;
        if (errno == EINTR)
            continue;
        /* Not supported here: plain reads and writes. */
        ssize_t r = pread(fd, buf, sizeof(buf), in_off);
        if (r <= 0 || write(out, buf, (size_t)r) != r) {
            int e = r < 0 ? errno : EIO;
            close(out);
            unlink(path);
            return -e;
        }
        in_off += r;
    }
    close(out);
    return 0;
}

/* Answers the copy: CopyObjectResult with ETag and LastModified, CRC64 header. */
static void reply_copy(struct emu_req *req, struct emu_resp *resp, const struct emu_object *o)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    char etag[80], date[25], crc[24];
    int rc;

    emu_op_quote_etag(o->etag, etag);
    oss_iso8601_xml(o->mtime, date);
    oss_xmlw_init(&w, &xml);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "CopyObjectResult");
    oss_xmlw_elem(&w, "ETag", etag);
    oss_xmlw_elem(&w, "LastModified", date);
    oss_xmlw_end(&w);
    if ((rc = oss_xmlw_finish(&w)) < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
    snprintf(crc, sizeof(crc), "%" PRIu64, o->crc64);
    emu_resp_header(resp, "x-oss-hash-crc64ecma", crc);
}

/* Loads and authorizes the source: NoSuchBucket / NoSuchVersion / NoSuchKey / AccessDenied as
 * for a GetObject of it (a delete marker as source is 404 NoSuchKey, named or not), evaluated
 * with the source as the request's resource. */
int emu_op_copy_source_open(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                            const char *sbucket, const char *skey, const char *version,
                            struct emu_object *src, int *fd)
{
    struct emu_req sreq = *req;
    struct emu_bucket sb;
    const char *vid = version && *version ? version : NULL;
    const char *action = vid ? "oss:GetObjectVersion" : "oss:GetObject";
    int rc;

    sreq.bucket = sbucket;
    sreq.key = skey;
    *fd = -1;
    if (emu_op_load_bucket(s, &sreq, resp, &sb) < 0)
        return -1;
    rc = emu_store_version_open(s->store, sbucket, skey, vid, src, fd);
    if (rc == 0 && src->delete_marker) {
        emu_object_cleanup(src);
        rc = -ENOENT;
    }
    if (rc == -ENOENT) {
        if (emu_authorize(s, &sreq, resp, action, sb.owner, sb.acl, 0) == 0) {
            if (vid)
                emu_resp_error(resp, req, 404, "NoSuchVersion",
                               "The specified version does not exist.", NULL, "Key", skey,
                               "VersionId", vid, NULL);
            else
                emu_resp_error(resp, req, 404, "NoSuchKey", "The specified key does not exist.",
                               "0026-00000001", "Key", skey, NULL);
        }
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (emu_authorize(s, &sreq, resp, action, sb.owner, emu_op_effective_acl(src, &sb), 0) < 0 ||
        emu_op_conditions(req, resp, src, "x-oss-copy-source-") < 0) {
        close(*fd);
        *fd = -1;
        emu_object_cleanup(src);
        return -1;
    }
    return 0;
}

void emu_op_copy_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *h = emu_req_header(req, "x-oss-copy-source");
    const char *dir = emu_req_header(req, "x-oss-metadata-directive");
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    const char *sc = emu_req_header(req, "x-oss-storage-class");
    char *sbucket = NULL, *skey = NULL, *version = NULL, path[4096];
    struct emu_object src = {0}, o = {0};
    struct emu_bucket b;
    int forbid, replace, fd = -1, rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:PutObject", b.owner, b.acl, 1) < 0)
        return;
    if (emu_op_write_checks(req, resp, &forbid) < 0)
        return;
    if (dir && strcasecmp(dir, "COPY") != 0 && strcasecmp(dir, "REPLACE") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "Invalid metadata directive.", NULL,
                       "ArgumentName", "x-oss-metadata-directive", "ArgumentValue", dir, NULL);
        return;
    }
    replace = dir && !strcasecmp(dir, "REPLACE");
    if (!h || emu_op_copy_source_parse(h, &sbucket, &skey, &version) < 0) {
        emu_resp_error(
            resp, req, 400, "InvalidArgument",
            "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.", NULL,
            "ArgumentName", "x-oss-copy-source", "ArgumentValue", h ? h : "", NULL);
        goto out;
    }
    if (emu_op_copy_source_open(s, req, resp, sbucket, skey, version, &src, &fd) < 0)
        goto out;
    if (strcmp(sbucket, b.name) != 0 && src.size > MAX_CROSS_BUCKET_COPY) {
        emu_resp_error(resp, req, 400, "EntityTooLarge",
                       "Copying more than 1 GB between buckets needs UploadPartCopy.", NULL, NULL);
        goto out;
    }
    if ((rc = copy_data(s, fd, src.size, path, sizeof(path))) < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    o.bucket = b.name;
    o.key = (char *)req->key;
    o.size = src.size;
    memcpy(o.etag, src.etag, sizeof(o.etag));
    o.crc64 = src.crc64;
    o.mtime = time(NULL);
    snprintf(o.type, sizeof(o.type), "%s", strcmp(src.type, "Appendable") ? src.type : "Normal");
    snprintf(o.acl, sizeof(o.acl), "%s", acl ? acl : "default");
    snprintf(o.storage_class, sizeof(o.storage_class), "%s", sc ? sc : src.storage_class);
    if (replace) {
        const char *ct = emu_req_header(req, "Content-Type");
        o.content_type = (char *)(ct && *ct ? ct : "application/octet-stream");
        o.headers = emu_op_collect_headers(req);
    } else {
        o.content_type = src.content_type;
        o.headers = strdup(src.headers);
    }
    rc = o.headers ? emu_store_object_put(s->store, &o, path, forbid) : -ENOMEM;
    free(o.headers);
    if (rc < 0) {
        unlink(path);
        emu_op_write_result(s, req, resp, rc);
        goto out;
    }
    reply_copy(req, resp, &o);
    emu_op_version_header(resp, &o);
    if (src.version_id[0])
        emu_resp_header(resp, "x-oss-copy-source-version-id", src.version_id);
out:
    if (fd >= 0)
        close(fd);
    emu_object_cleanup(&src);
    free(sbucket);
    free(skey);
    free(version);
}
