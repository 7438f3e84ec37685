/* UploadPartCopy (oss-api.md 6.8): a part made of a byte range (x-oss-copy-source-range,
 * inclusive) of an existing object, read with the source's GetObject permission and the
 * x-oss-copy-source-if-* conditions; answers CopyPartResult. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "oss/crc64.h"
#include "op_multipart.h"

/* "bytes=a-b" (both required, a <= b < size). Returns 0, or -EINVAL. No header: everything. */
static int parse_range(const char *h, uint64_t size, uint64_t *first, uint64_t *len)
{
    unsigned long long a, b;
    int end = 0;

    *first = 0;
    *len = size;
    if (!h)
        return 0;
    if (sscanf(h, "bytes=%llu-%llu%n", &a, &b, &end) != 2 || h[end] || b < a || b >= size)
        return -EINVAL;
    *first = a;
    *len = b - a + 1;
    return 0;
}

/* Copies len bytes of fd from off into a new DIR/tmp file (path), with its MD5 and CRC64. */
static int copy_range(struct emu_server *s, int fd, uint64_t off, uint64_t len, char *path,
                      size_t plen, unsigned char md5[16], uint64_t *crc)
{
    struct oss_md5_ctx *m = oss_md5_new();
    char buf[65536];
    int out, rc = 0;

    if (!m)
        return -ENOMEM;
    out = emu_store_tmp_create(s->store, path, plen);
    if (out < 0) {
        oss_md5_final(m, md5);
        return out;
    }
    *crc = 0;
    while (len > 0 && rc == 0) {
        ssize_t r = pread(fd, buf, len < sizeof(buf) ? len : sizeof(buf), (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = r < 0 ? -errno : -EIO;
            break;
        }
        oss_md5_update(m, buf, (size_t)r);
        *crc = oss_crc64(*crc, buf, (size_t)r);
        for (ssize_t done = 0; done < r && rc == 0;) {
            ssize_t w = write(out, buf + done, (size_t)(r - done));
            if (w < 0 && errno != EINTR)
                rc = -errno;
            else if (w > 0)
                done += w;
        }
        off += (uint64_t)r;
        len -= (uint64_t)r;
    }
    oss_md5_final(m, md5);
    close(out);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* PUT /K?partNumber=N&uploadId=ID with x-oss-copy-source: authorizes the write (oss:PutObject)
 * and the source read, copies the range into a new part (replacing that number) and answers
 * CopyPartResult with the part's ETag and CRC64. */
void emu_op_upload_part_copy(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    const char *h = emu_req_header(req, "x-oss-copy-source");
    const char *rh = emu_req_header(req, "x-oss-copy-source-range");
    char *sbucket = NULL, *skey = NULL, *version = NULL, path[4096], date[25], etag[80];
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_object src = {0};
    struct emu_upload u = {0};
    struct emu_part p = {0};
    struct emu_bucket b;
    unsigned char md5[16];
    uint64_t first, len;
    int fd = -1, have_upload = 0, rc;

    if (emu_op_load_bucket(s, req, resp, &b) < 0)
        return;
    if (emu_authorize(s, req, resp, "oss:PutObject", b.owner, b.acl, 1) < 0)
        return;
    if (emu_op_part_number(req, resp, &p.part_number) < 0)
        return;
    if (emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    have_upload = 1;
    if (!h || emu_op_copy_source_parse(h, &sbucket, &skey, &version) < 0) {
        emu_resp_error(
            resp, req, 400, "InvalidArgument",
            "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.", NULL,
            "ArgumentName", "x-oss-copy-source", "ArgumentValue", h ? h : "", NULL);
        goto out;
    }
    if (emu_op_copy_source_open(s, req, resp, sbucket, skey, version, &src, &fd) < 0)
        goto out;
    if (parse_range(rh, src.size, &first, &len) < 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "The copy source range is not valid.",
                       NULL, "ArgumentName", "x-oss-copy-source-range", "ArgumentValue", rh, NULL);
        goto out;
    }
    if ((rc = copy_range(s, fd, first, len, path, sizeof(path), md5, &p.crc64)) < 0) {
        emu_op_internal(resp, req, rc);
        goto out;
    }
    p.size = len;
    oss_hex(md5, 16, 1, p.etag);
    p.mtime = time(NULL);
    rc = emu_store_part_put(s->store, u.upload_id, &p, path);
    if (rc < 0) {
        unlink(path);
        if (rc == -ENOENT)
            emu_op_no_such_upload(req, resp, u.upload_id);
        else
            emu_op_internal(resp, req, rc);
        goto out;
    }
    emu_op_quote_etag(p.etag, etag);
    oss_iso8601_xml(p.mtime, date);
    oss_xmlw_init(&w, &xml);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "CopyPartResult");
    oss_xmlw_elem(&w, "LastModified", date);
    oss_xmlw_elem(&w, "ETag", etag);
    oss_xmlw_end(&w);
    if ((rc = oss_xmlw_finish(&w)) < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        goto out;
    }
    emu_op_reply_xml(resp, &xml);
    emu_op_part_reply(resp, &p);
    if (src.version_id[0])
        emu_resp_header(resp, "x-oss-copy-source-version-id", src.version_id);
out:
    if (fd >= 0)
        close(fd);
    emu_object_cleanup(&src);
    if (have_upload)
        emu_upload_cleanup(&u);
    free(sbucket);
    free(skey);
    free(version);
}
