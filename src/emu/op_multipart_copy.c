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

/* Copies len bytes of fd from off to out at out_off, with their MD5 and CRC64. */
static int copy_range(int fd, uint64_t off, uint64_t len, int out, uint64_t out_off,
                      unsigned char md5[16], uint64_t *crc)
{
    struct oss_md5_ctx *m = oss_md5_new();
    char buf[65536];
    int rc = 0;

    if (!m)
        return -ENOMEM;
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
            ssize_t w = pwrite(out, buf + done, (size_t)(r - done), (off_t)out_off);
            if (w < 0 && errno != EINTR)
                rc = -errno;
            else if (w > 0) {
                done += w;
                out_off += (uint64_t)w;
            }
        }
        off += (uint64_t)r;
        len -= (uint64_t)r;
    }
    oss_md5_final(m, md5);
    return rc;
}

/* Copies the range into the slot of part p when one can be claimed (as the front does for
 * UploadPart bodies), else into a new part file. 0, or -1 with resp filled. */
static int store_range(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const struct emu_upload *u, int fd, uint64_t first, struct emu_part *p)
{
    struct emu_part_slot *slot = NULL;
    unsigned char md5[16];
    char path[4096];
    int out, rc;

    if (emu_store_slot_claim(s->store, u->upload_id, p->part_number, p->size, &slot) == 0) {
        rc = copy_range(fd, first, p->size, slot->fd, slot->offset, md5, &p->crc64);
        if (rc < 0) {
            emu_store_slot_release(s->store, slot);
            emu_op_internal(resp, req, rc);
            return -1;
        }
        oss_hex(md5, 16, 1, p->etag);
        p->mtime = time(NULL);
        return emu_op_slot_commit(s, req, resp, u, slot, p);
    }
    if ((out = emu_store_tmp_create(s->store, path, sizeof(path))) < 0) {
        emu_op_internal(resp, req, out);
        return -1;
    }
    rc = copy_range(fd, first, p->size, out, 0, md5, &p->crc64);
    close(out);
    if (rc < 0) {
        unlink(path);
        emu_op_internal(resp, req, rc);
        return -1;
    }
    oss_hex(md5, 16, 1, p->etag);
    p->mtime = time(NULL);
    if (emu_op_part_put(s, req, resp, u, p, path) < 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

/* Answers CopyPartResult with the stored part's LastModified and ETag, its ETag and CRC64
 * headers, and x-oss-copy-source-version-id when the source is versioned. */
static void reply_part(struct emu_req *req, struct emu_resp *resp, const struct emu_part *p,
                       const struct emu_op_source *src)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    char date[25], etag[80];

    emu_op_quote_etag(p->etag, etag);
    oss_iso8601_xml(p->mtime, date);
    emu_op_xml_begin(&w, &xml, "CopyPartResult");
    oss_xmlw_elem(&w, "LastModified", date);
    oss_xmlw_elem(&w, "ETag", etag);
    oss_xmlw_end(&w);
    if (emu_op_reply_doc(req, resp, &w, &xml) < 0)
        return;
    emu_op_part_reply(resp, p);
    if (src->obj.version_id[0])
        emu_resp_header(resp, "x-oss-copy-source-version-id", src->obj.version_id);
}

/* Copies the x-oss-copy-source-range of the open source into part p of upload u. 0, or -1
 * with resp filled. */
static int copy_part(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                     const struct emu_op_source *src, const struct emu_upload *u,
                     struct emu_part *p)
{
    const char *rh = emu_req_header(req, "x-oss-copy-source-range");
    uint64_t first;

    if (parse_range(rh, src->obj.size, &first, &p->size) < 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "The copy source range is not valid.",
                       NULL, "ArgumentName", "x-oss-copy-source-range", "ArgumentValue", rh, NULL);
        return -1;
    }
    return store_range(s, req, resp, u, src->fd, first, p);
}

/* PUT /K?partNumber=N&uploadId=ID with x-oss-copy-source: authorizes the write (oss:PutObject)
 * and the source read, copies the range into a new part (replacing that number) and answers
 * CopyPartResult with the part's ETag and CRC64. */
void emu_op_upload_part_copy(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_op_source src;
    struct emu_upload u = {0};
    struct emu_part p = {0};
    struct emu_bucket b;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_part_number(req, resp, &p.part_number) < 0 ||
        emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    if (emu_op_source_open(s, req, resp, &src) == 0 && copy_part(s, req, resp, &src, &u, &p) == 0)
        reply_part(req, resp, &p, &src);
    emu_op_source_close(&src);
    emu_upload_cleanup(&u);
}
