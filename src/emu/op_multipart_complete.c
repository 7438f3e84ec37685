/* CompleteMultipartUpload (oss-api.md 4.3, 6.8): the part list (or x-oss-complete-all: yes),
 * its checks (InvalidPartOrder, InvalidPart, EntityTooSmall), the object's data file, the
 * multipart ETag (MD5 of the concatenated upper-case hex part ETags, "-N"), the CRC64 of the
 * whole combined from the parts', and CompleteMultipartUploadResult. The data file is the
 * upload's assembly file, moving no bytes, when parts 1..n were written into their slots
 * (store_multipart_slot.c explains the slots); otherwise the parts are copied into a new one. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "oss/codec.h"
#include "oss/crc64.h"
#include "op_perm.h"
#include "op_multipart.h"

#define MIN_PART_SIZE (100 * 1024)
#define MAX_PARTS     10000

/* One requested part: number and ETag without quotes. */
struct want {
    unsigned number;
    char etag[72];
};

static void error400(struct emu_req *req, struct emu_resp *resp, const char *code, const char *msg,
                     const char *ec)
{
    emu_resp_error(resp, req, 400, code, msg, ec, NULL);
}

/* Parses <CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>...; -EINVAL when malformed. */
static int parse_parts(struct emu_req *req, struct want **out, size_t *n)
{
    struct oss_buf hold = OSS_BUF_INIT, t = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    const struct oss_xml_node *root, *p;
    const char *data;
    size_t len;
    int rc = emu_op_body_bytes(req, 4 * 1024 * 1024, &hold, &data, &len);

    *out = NULL;
    *n = 0;
    if (rc == 0 && (!data || !len || oss_xml_parse(data, len, 4 * 1024 * 1024, &doc) < 0))
        rc = -EINVAL;
    oss_buf_cleanup(&hold);
    if (rc < 0)
        return rc;
    root = oss_xml_root(doc);
    if (strcmp(oss_xml_name(root), "CompleteMultipartUpload") != 0)
        rc = -EINVAL;
    for (p = oss_xml_first(root, "Part"); rc == 0 && p; p = oss_xml_next(p, "Part")) {
        uint64_t num = 0;
        struct want *nw;
        oss_buf_reset(&t);
        if (*n == MAX_PARTS || oss_xml_get_u64(p, "PartNumber", &num) < 0 || num > 100000 ||
            oss_xml_get(p, "ETag", &t) < 0 || !(nw = realloc(*out, (*n + 1) * sizeof(*nw)))) {
            rc = -EINVAL;
            break;
        }
        *out = nw;
        const char *e = oss_buf_str(&t);
        size_t el = strlen(e);
        while (el && (*e == '"' || *e == ' ')) {
            e++;
            el--;
        }
        while (el && (e[el - 1] == '"' || e[el - 1] == ' '))
            el--;
        nw[*n].number = (unsigned)num;
        snprintf(nw[*n].etag, sizeof(nw[*n].etag), "%.*s", (int)(el < 71 ? el : 71), e);
        (*n)++;
    }
    if (rc == 0 && *n == 0)
        rc = -EINVAL;
    oss_buf_cleanup(&t);
    oss_xml_free(doc);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Picks the parts to assemble (in order) from all stored ones: with want, exactly those (order
 * and ETags checked); without, every stored part. Fills resp and returns -1 on a bad list. */
static int select_parts(struct emu_req *req, struct emu_resp *resp, const struct want *want,
                        size_t nwant, struct emu_part *all, size_t nall, struct emu_part **sel,
                        size_t *nsel)
{
    *sel = NULL;
    *nsel = 0;
    if (!want) {
        if (nall == 0) {
            error400(req, resp, "InvalidPart", "The upload has no parts to complete.", NULL);
            return -1;
        }
        *sel = all;
        *nsel = nall;
        return 0;
    }
    struct emu_part *v = calloc(nwant, sizeof(*v));
    size_t j = 0;
    if (!v) {
        emu_op_internal(resp, req, -ENOMEM);
        return -1;
    }
    for (size_t i = 0; i < nwant; i++) {
        if (i > 0 && want[i].number <= want[i - 1].number) {
            free(v);
            error400(req, resp, "InvalidPartOrder",
                     "The list of parts was not in ascending order. Parts must be ordered by "
                     "part number.",
                     "0042-00000209");
            return -1;
        }
        while (j < nall && all[j].part_number < want[i].number)
            j++;
        if (j == nall || all[j].part_number != want[i].number ||
            strcasecmp(all[j].etag, want[i].etag) != 0) {
            free(v);
            error400(req, resp, "InvalidPart",
                     "One or more of the specified parts could not be found or the specified "
                     "entity tag might not have matched the part's entity tag.",
                     NULL);
            return -1;
        }
        v[i] = all[j];
    }
    *sel = v;
    *nsel = nwant;
    return 0;
}

/* The size, CRC64 of the whole (combined from the parts') and multipart ETag of the n parts. */
static int sum_parts(const struct emu_part *p, size_t n, uint64_t *size, uint64_t *crc,
                     char etag[72])
{
    struct oss_buf hexes = OSS_BUF_INIT;
    unsigned char d[16];

    *size = 0;
    *crc = 0;
    for (size_t i = 0; i < n; i++) {
        *crc = oss_crc64_combine(*crc, p[i].crc64, p[i].size);
        *size += p[i].size;
        if (oss_buf_puts(&hexes, p[i].etag) < 0) {
            oss_buf_cleanup(&hexes);
            return -ENOMEM;
        }
    }
    oss_md5(hexes.data ? hexes.data : "", hexes.len, d);
    oss_hex(d, 16, 1, etag);
    snprintf(etag + 32, 40, "-%zu", n);
    oss_buf_cleanup(&hexes);
    return 0;
}

/* Cuts the object's data file, once it was the assembly file, to the object's length. Reads
 * stop at the object's recorded size either way, so a failure only leaves the slots past it
 * taking room. */
static void trim(int fd, uint64_t size)
{
    if (ftruncate(fd, (off_t)size) < 0)
        return;
}

/* The fallback when the parts are not their upload's assembly file already: concatenates them
 * (from their own files or their slots) into a new DIR/tmp file (path). */
static int assemble(struct emu_server *s, const struct emu_part *p, size_t n, char *path,
                    size_t plen)
{
    int out = emu_store_tmp_create(s->store, path, plen), rc = 0;

    if (out < 0)
        return out;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int in = emu_store_part_open(s->store, &p[i]);
        if (in < 0) {
            rc = in;
            break;
        }
        rc = emu_op_copy_fd(in, p[i].offset, out, p[i].size);
        close(in);
    }
    close(out);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* CompleteMultipartUploadResult (Location, Bucket, Key, ETag) and the ETag, CRC64 and version
 * headers of the new object o. */
static void reply(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                  const struct emu_object *o, int url)
{
    struct oss_buf xml = OSS_BUF_INIT, ek = OSS_BUF_INIT;
    struct oss_xml_writer w;
    char etag[80];

    emu_op_quote_etag(o->etag, etag);
    if (oss_url_encode(req->key, strlen(req->key), 1, &ek) < 0) {
        emu_op_internal(resp, req, -ENOMEM);
        return;
    }
    emu_op_xml_begin(&w, &xml, "CompleteMultipartUploadResult");
    if (url)
        oss_xmlw_elem(&w, "EncodingType", "url");
    oss_xmlw_elemf(&w, "Location", "http://%s.oss-%s.aliyuncs.com/%s", o->bucket,
                   req->region ? req->region : s->region, oss_buf_str(&ek));
    oss_xmlw_elem(&w, "Bucket", o->bucket);
    emu_op_xml_elem_enc(&w, url, "Key", o->key);
    oss_xmlw_elem(&w, "ETag", etag);
    oss_xmlw_end(&w);
    oss_buf_cleanup(&ek);
    if (emu_op_reply_doc(req, resp, &w, &xml) == 0)
        emu_op_written_headers(resp, o);
}

/* 400 EntityTooSmall and -1 when a part but the last is under 100 KB. */
static int check_part_sizes(struct emu_req *req, struct emu_resp *resp, const struct emu_part *p,
                            size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i].size < MIN_PART_SIZE) {
            error400(req, resp, "EntityTooSmall",
                     "Your proposed upload is smaller than the minimum allowed size: every part "
                     "but the last must be at least 100 KB.",
                     "0042-00000213");
            return -1;
        }
    }
    return 0;
}

/* Makes the parts the object u describes (x-oss-object-acl of this request wins) and
 * completes the upload in the store. 0 with *o filled (its strings borrowed from u and req), or
 * -1 with resp filled. */
static int complete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                    const struct emu_bucket *b, const struct emu_upload *u,
                    const struct emu_part *sel, size_t nsel, int forbid, struct emu_object *o)
{
    const char *acl = emu_req_header(req, "x-oss-object-acl");
    char path[4096];
    int in_place, fd = -1, rc;

    o->bucket = (char *)b->name;
    o->key = (char *)req->key;
    o->mtime = time(NULL);
    snprintf(o->type, sizeof(o->type), "Multipart");
    o->content_type = u->content_type;
    o->headers = u->headers;
    snprintf(o->acl, sizeof(o->acl), "%s", acl ? acl : u->acl);
    snprintf(o->storage_class, sizeof(o->storage_class), "%s", u->storage_class);
    rc = sum_parts(sel, nsel, &o->size, &o->crc64, o->etag);
    if (rc == 0)
        rc = emu_store_upload_assembled(s->store, u->upload_id, sel, nsel, path, sizeof(path));
    in_place = rc > 0;
    if (in_place) {
        /* Cut to length once it is the object's: a refused completion leaves every slot. */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        rc = fd < 0 ? -errno : 0;
    } else if (rc == 0) {
        rc = assemble(s, sel, nsel, path, sizeof(path));
    }
    if (rc < 0 && rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    if (rc == 0 && (rc = emu_store_upload_complete(s->store, u->upload_id, o, path, forbid)) < 0 &&
        !in_place)
        unlink(path);
    if (rc == 0 && in_place)
        trim(fd, o->size);
    if (fd >= 0)
        close(fd);
    if (rc == -EEXIST)
        emu_resp_error(resp, req, 409, "FileAlreadyExists",
                       "The object you specified already exists and can not be overwritten.",
                       "0042-00000214", NULL);
    else if (rc == -ENOENT) /* aborted (or completed) meanwhile: the parts are gone */
        emu_op_no_such_upload(req, resp, u->upload_id);
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    return rc < 0 ? -1 : 0;
}

/* POST /K?uploadId=ID with the part list, or x-oss-complete-all: yes and no body. */
void emu_op_complete_multipart_upload(struct emu_server *s, struct emu_req *req,
                                      struct emu_resp *resp)
{
    const char *all_h = emu_req_header(req, "x-oss-complete-all");
    struct emu_part *all = NULL, *sel = NULL;
    struct want *want = NULL;
    struct emu_object o = {0};
    struct emu_upload u = {0};
    struct emu_bucket b;
    size_t nwant = 0, nall = 0, nsel = 0;
    int forbid, url, truncated, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0 ||
        emu_op_write_checks(req, resp, &forbid) < 0 || emu_op_encoding_type(req, resp, &url) < 0 ||
        emu_worm_guard(s, req, resp, b.name, req->key, NULL) < 0 ||
        emu_op_load_upload(s, req, resp, &b, &u) < 0)
        return;
    if (!(all_h && !strcasecmp(all_h, "yes")) && parse_parts(req, &want, &nwant) < 0) {
        emu_op_malformed_xml(req, resp);
        goto out;
    }
    /* The parts are listed, read and consumed under the upload's lock (store.h). */
    emu_store_upload_lock(s->store, u.upload_id);
    struct emu_upload again;
    rc = emu_store_upload_get(s->store, b.name, u.upload_id, &again);
    if (rc == 0) {
        emu_upload_cleanup(&again);
        rc = emu_store_part_list(s->store, u.upload_id, 0, MAX_PARTS, &all, &nall, &truncated);
    }
    if (rc == -ENOENT)
        emu_op_no_such_upload(req, resp, u.upload_id); /* aborted or completed since loaded */
    else if (rc < 0)
        emu_op_internal(resp, req, rc);
    else if (select_parts(req, resp, want, nwant, all, nall, &sel, &nsel) == 0 &&
             check_part_sizes(req, resp, sel, nsel) == 0 &&
             complete(s, req, resp, &b, &u, sel, nsel, forbid, &o) == 0)
        reply(s, req, resp, &o, url);
    emu_store_upload_unlock(s->store, u.upload_id);
out:
    if (sel != all)
        free(sel);
    free(all);
    free(want);
    emu_upload_cleanup(&u);
}
