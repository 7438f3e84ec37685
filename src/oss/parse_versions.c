/* Parser of the ListVersionsResult that ListObjectVersions answers with: versions and delete
 * markers in document order, common prefixes and the next markers of a truncated page. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "oss/parse.h"
#include "oss/xml.h"
#include "parse_priv.h"

static int parse_entry(const struct oss_xml_node *v, int encoded, int marker,
                       struct oss_version_entry *e)
{
    char tmp[64] = "";
    int rc = oss_parse_decoded(v, "Key", encoded, &e->key);

    e->delete_marker = marker;
    if (rc == 0 && e->key[0] == 0)
        rc = -EINVAL;
    if (rc == 0)
        rc = oss_parse_opt_str(v, "VersionId", e->version_id, sizeof e->version_id);
    if (rc == 0 && e->version_id[0] == 0)
        rc = -EINVAL;
    if (rc == 0) {
        rc = oss_xml_get_bool(v, "IsLatest", &e->is_latest);
        if (rc == -ENOENT)
            rc = 0;
    }
    if (rc == 0)
        rc = oss_parse_opt_str(v, "LastModified", tmp, sizeof tmp);
    if (rc == 0 && tmp[0] && oss_parse_iso8601(tmp, &e->mtime) < 0)
        rc = -EINVAL;
    if (rc == 0 && !marker) {
        rc = oss_xml_get_u64(v, "Size", &e->size);
        if (rc == -ENOENT)
            rc = 0;
        if (rc == 0)
            rc = oss_parse_etag_type_class(v, &e->etag, &e->type, &e->storage_class);
    }
    return rc == -ENOENT ? -EINVAL : rc;
}

static int parse_page(const struct oss_xml_node *root, struct oss_version_page *out)
{
    const struct oss_xml_node *c;
    char enc[16] = "";
    size_t n = 0, np = 0;
    int rc = oss_parse_opt_str(root, "EncodingType", enc, sizeof enc), encoded;

    if (rc < 0)
        return rc;
    encoded = strcmp(enc, "url") == 0;
    for (c = oss_xml_first(root, NULL); c; c = oss_xml_next(c, NULL)) {
        const char *name = oss_xml_name(c);
        if (!strcmp(name, "Version") || !strcmp(name, "DeleteMarker"))
            n++;
        else if (!strcmp(name, "CommonPrefixes"))
            np++;
    }
    out->versions = calloc(n ? n : 1, sizeof *out->versions);
    out->prefixes = calloc(np ? np : 1, sizeof *out->prefixes);
    if (!out->versions || !out->prefixes)
        return -ENOMEM;
    for (c = oss_xml_first(root, NULL); rc == 0 && c; c = oss_xml_next(c, NULL)) {
        const char *name = oss_xml_name(c);
        int marker = !strcmp(name, "DeleteMarker");
        if (marker || !strcmp(name, "Version")) {
            rc = parse_entry(c, encoded, marker, &out->versions[out->n]);
            out->n++; /* counted even on failure so cleanup frees a partial key */
        } else if (!strcmp(name, "CommonPrefixes")) {
            rc = oss_parse_decoded(c, "Prefix", encoded, &out->prefixes[out->nprefixes]);
            if (rc == -ENOENT)
                rc = -EINVAL;
            if (rc == 0)
                out->nprefixes++;
        }
    }
    if (rc == 0) {
        rc = oss_xml_get_bool(root, "IsTruncated", &out->truncated);
        if (rc == -ENOENT) {
            out->truncated = 0;
            rc = 0;
        }
    }
    if (rc == 0 && out->truncated) {
        rc = oss_parse_decoded(root, "NextKeyMarker", encoded, &out->next_key_marker);
        if (rc == -ENOENT || (rc == 0 && out->next_key_marker[0] == 0))
            rc = -EINVAL;
        if (rc == 0) {
            rc = oss_xml_get_dup(root, "NextVersionIdMarker", &out->next_version_id_marker);
            if (rc == -ENOENT)
                rc = (out->next_version_id_marker = strdup("")) ? 0 : -ENOMEM;
        }
    }
    return rc;
}

int oss_parse_list_versions(const char *xml, size_t len, struct oss_version_page *out)
{
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root;
    int rc = oss_xml_parse(xml, len, 0, &doc);

    if (rc < 0)
        return rc == -EFBIG ? -EINVAL : rc;
    root = oss_xml_root(doc);
    rc = strcmp(oss_xml_name(root), "ListVersionsResult") ? -EINVAL : parse_page(root, out);
    oss_xml_free(doc);
    if (rc < 0)
        oss_version_page_cleanup(out);
    return rc;
}

void oss_version_page_cleanup(struct oss_version_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->versions && i < p->n; i++)
        free(p->versions[i].key);
    for (size_t i = 0; p->prefixes && i < p->nprefixes; i++)
        free(p->prefixes[i]);
    free(p->versions);
    free(p->prefixes);
    free(p->next_key_marker);
    free(p->next_version_id_marker);
    memset(p, 0, sizeof *p);
}
