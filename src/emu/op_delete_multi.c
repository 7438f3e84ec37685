/* DeleteMultipleObjects: the Delete document (up to 1000 keys, each with an optional VersionId;
 * Content-MD5 required), quiet mode and the DeleteResult with optional url encoding of keys,
 * and on versioned buckets VersionId, DeleteMarker and DeleteMarkerVersionId (oss-api.md 6.7). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oss/codec.h"
#include "op_perm.h"
#include "op_priv.h"

/* Parses the Delete document into keys and their version ids (parallel malloc'ed arrays of
 * malloc'ed strings; a version is NULL when absent). */
static int parse_delete(struct emu_req *req, int *quiet, char ***keys, char ***vids, size_t *n)
{
    struct oss_xml_doc *doc = NULL;
    const struct oss_xml_node *root, *obj;
    struct oss_buf hold = OSS_BUF_INIT;
    const char *data;
    size_t len;
    int rc = -EINVAL;

    *quiet = 0;
    *keys = NULL;
    *vids = NULL;
    *n = 0;
    rc = emu_op_body_bytes(req, 4 * 1024 * 1024, &hold, &data, &len);
    if (rc == 0 && (!data || !len || oss_xml_parse(data, len, 4 * 1024 * 1024, &doc) < 0))
        rc = -EINVAL;
    oss_buf_cleanup(&hold);
    if (rc < 0)
        return rc;
    rc = -EINVAL;
    root = oss_xml_root(doc);
    if (strcmp(oss_xml_name(root), "Delete") != 0)
        goto out;
    if (oss_xml_get_bool(root, "Quiet", quiet) == -EINVAL)
        goto out;
    for (obj = oss_xml_first(root, "Object"); obj; obj = oss_xml_next(obj, "Object")) {
        char *k = NULL, *v = NULL;
        char **nk, **nv;
        if (*n == 1000 || oss_xml_get_dup(obj, "Key", &k) < 0 || !*k ||
            (oss_xml_find(obj, "VersionId") && oss_xml_get_dup(obj, "VersionId", &v) < 0)) {
            free(k);
            goto out;
        }
        nk = realloc(*keys, (*n + 1) * sizeof(*nk));
        if (nk)
            *keys = nk;
        nv = nk ? realloc(*vids, (*n + 1) * sizeof(*nv)) : NULL;
        if (!nv) {
            free(k);
            free(v);
            goto out;
        }
        *vids = nv;
        if (v && !*v) {
            free(v);
            v = NULL;
        }
        (*keys)[*n] = k;
        (*vids)[(*n)++] = v;
    }
    rc = *n ? 0 : -EINVAL;
out:
    oss_xml_free(doc);
    return rc;
}

/* One Deleted element: the key as requested, and what the store did (rc 0: info). */
static void write_deleted(struct oss_xml_writer *w, int url, const char *key, const char *vid,
                          int rc, const struct emu_delete_info *info)
{
    oss_xmlw_start(w, "Deleted");
    emu_op_xml_elem_enc(w, url, "Key", key);
    if (rc == 0 && vid)
        oss_xmlw_elem(w, "VersionId", vid);
    if (rc == 0 && info->delete_marker) {
        oss_xmlw_elem(w, "DeleteMarker", "true");
        oss_xmlw_elem(w, "DeleteMarkerVersionId", info->version_id);
    }
    oss_xmlw_end(w);
}

static void free_keys(char **keys, char **vids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
        free(vids[i]);
    }
    free(keys);
    free(vids);
}

/* Deletes each key (and version) in order and answers DeleteResult, listing every key unless
 * quiet. A missing key counts as deleted; another store failure stops with 500. */
void emu_op_delete_multiple_objects(struct emu_server *s, struct emu_req *req,
                                    struct emu_resp *resp)
{
    const char *enc = emu_req_query(req, "encoding-type");
    int url = enc && !strcasecmp(enc, "url");
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    char **keys = NULL, **vids = NULL;
    struct emu_delete_info info;
    size_t n = 0;
    int quiet, rc;

    if (emu_op_bucket_data(s, req, resp, "oss:DeleteObject", 1, &b) < 0 ||
        emu_op_check_md5(req, resp, 1) < 0)
        return;
    if (parse_delete(req, &quiet, &keys, &vids, &n) < 0) {
        emu_op_malformed_xml(req, resp);
        goto out;
    }
    for (size_t i = 0; i < n; i++) /* a retained object refuses the whole request */
        if (emu_worm_guard(s, req, resp, b.name, keys[i], vids[i]) < 0)
            goto out;
    emu_op_xml_begin(&w, &xml, "DeleteResult");
    if (url)
        oss_xmlw_elem(&w, "EncodingType", "url");
    for (size_t i = 0; i < n; i++) {
        rc = emu_store_object_delete_version(s->store, b.name, keys[i], vids[i], &info);
        if (rc < 0 && rc != -ENOENT) {
            emu_op_internal(resp, req, rc);
            goto out;
        }
        if (!quiet)
            write_deleted(&w, url, keys[i], vids[i], rc, &info);
    }
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
out:
    oss_buf_cleanup(&xml);
    free_keys(keys, vids, n);
}
