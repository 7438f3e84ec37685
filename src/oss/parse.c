/* Parsers of the XML bodies OSS answers with (ListBuckets, ListObjectsV2, ACLs, access
 * monitor), into the result structs of client.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/codec.h"
#include "oss/parse.h"
#include "oss/xml.h"
#include "parse_priv.h"

/* Parses and checks the root element's name. */
static int parse_root(const char *xml, size_t len, const char *root, struct oss_xml_doc **doc,
                      const struct oss_xml_node **node)
{
    int rc = oss_xml_parse(xml, len, 0, doc);
    if (rc < 0)
        return rc == -EFBIG ? -EINVAL : rc;
    *node = oss_xml_root(*doc);
    if (strcmp(oss_xml_name(*node), root) != 0) {
        oss_xml_free(*doc);
        *doc = NULL;
        return -EINVAL;
    }
    return 0;
}

static int opt_time(const struct oss_xml_node *n, const char *path, time_t *out)
{
    char tmp[64];
    int rc = oss_xml_get_str(n, path, tmp, sizeof tmp);
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        return -EINVAL;
    return oss_parse_iso8601(tmp, out) < 0 ? -EINVAL : 0;
}

static int is_true(const struct oss_xml_node *n, const char *path, int *out)
{
    int rc = oss_xml_get_bool(n, path, out);
    if (rc == -ENOENT) {
        *out = 0;
        return 0;
    }
    return rc;
}

static int parse_bucket(const struct oss_xml_node *b, struct oss_bucket_entry *e)
{
    int rc = oss_parse_opt_str(b, "Name", e->name, sizeof e->name);
    if (rc == 0 && e->name[0] == 0)
        rc = -EINVAL;
    if (rc == 0)
        rc = opt_time(b, "CreationDate", &e->created);
    if (rc == 0)
        rc = oss_parse_opt_str(b, "Location", e->location, sizeof e->location);
    if (rc == 0)
        rc = oss_parse_opt_str(b, "Region", e->region, sizeof e->region);
    if (rc == 0)
        rc = oss_parse_opt_str(b, "StorageClass", e->storage_class, sizeof e->storage_class);
    if (rc == 0 && e->region[0] == 0 && strncmp(e->location, "oss-", 4) == 0)
        snprintf(e->region, sizeof e->region, "%s", e->location + 4);
    return rc;
}

int oss_parse_list_buckets(const char *xml, size_t len, struct oss_bucket_list *out,
                           char **next_marker)
{
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root, *bs, *b;
    int rc, truncated = 0;
    size_t count = 0;

    *next_marker = NULL;
    rc = parse_root(xml, len, "ListAllMyBucketsResult", &doc, &root);
    if (rc < 0)
        return rc;
    if (out->owner_id[0] == 0) {
        rc = oss_parse_opt_str(root, "Owner/ID", out->owner_id, sizeof out->owner_id);
        if (rc == 0)
            rc = oss_parse_opt_str(root, "Owner/DisplayName", out->owner_name,
                                   sizeof out->owner_name);
    }
    bs = oss_xml_find(root, "Buckets");
    for (b = oss_xml_first(bs, "Bucket"); b; b = oss_xml_next(b, "Bucket"))
        count++;
    if (rc == 0 && count) {
        struct oss_bucket_entry *n = realloc(out->buckets, (out->n + count) * sizeof *n);
        if (n == NULL)
            rc = -ENOMEM;
        else
            out->buckets = n;
    }
    for (b = oss_xml_first(bs, "Bucket"); rc == 0 && b; b = oss_xml_next(b, "Bucket")) {
        struct oss_bucket_entry *e = &out->buckets[out->n];
        memset(e, 0, sizeof *e);
        rc = parse_bucket(b, e);
        if (rc == 0)
            out->n++;
    }
    if (rc == 0)
        rc = is_true(root, "IsTruncated", &truncated);
    if (rc == 0 && truncated) {
        rc = oss_xml_get_dup(root, "NextMarker", next_marker);
        if (rc == -ENOENT || (rc == 0 && **next_marker == 0))
            rc = -EINVAL;
        if (rc < 0) {
            free(*next_marker);
            *next_marker = NULL;
        }
    }
    oss_xml_free(doc);
    return rc;
}

static int parse_contents(const struct oss_xml_node *c, int encoded, struct oss_list_entry *e)
{
    int rc = oss_parse_decoded(c, "Key", encoded, &e->key);
    if (rc == 0 && e->key[0] == 0)
        rc = -EINVAL;
    if (rc == 0) {
        rc = oss_xml_get_u64(c, "Size", &e->size);
        if (rc == -ENOENT)
            rc = 0;
    }
    if (rc == 0)
        rc = opt_time(c, "LastModified", &e->mtime);
    if (rc == 0)
        rc = oss_parse_etag_type_class(c, &e->etag, &e->type, &e->storage_class);
    return rc == -ENOENT ? -EINVAL : rc;
}

static int parse_page(const struct oss_xml_node *root, struct oss_list_page *out)
{
    const struct oss_xml_node *c;
    char enc[16] = "";
    int rc, encoded;
    size_t n = 0, np = 0;

    rc = oss_parse_opt_str(root, "EncodingType", enc, sizeof enc);
    if (rc < 0)
        return rc;
    encoded = strcmp(enc, "url") == 0;
    for (c = oss_xml_first(root, "Contents"); c; c = oss_xml_next(c, "Contents"))
        n++;
    for (c = oss_xml_first(root, "CommonPrefixes"); c; c = oss_xml_next(c, "CommonPrefixes"))
        np++;
    out->objects = calloc(n ? n : 1, sizeof *out->objects);
    out->prefixes = calloc(np ? np : 1, sizeof *out->prefixes);
    if (out->objects == NULL || out->prefixes == NULL)
        return -ENOMEM;
    for (c = oss_xml_first(root, "Contents"); rc == 0 && c; c = oss_xml_next(c, "Contents")) {
        rc = parse_contents(c, encoded, &out->objects[out->nobjects]);
        out->nobjects++; /* counted even on failure so cleanup frees a partial key */
    }
    for (c = oss_xml_first(root, "CommonPrefixes"); rc == 0 && c;
         c = oss_xml_next(c, "CommonPrefixes")) {
        rc = oss_parse_decoded(c, "Prefix", encoded, &out->prefixes[out->nprefixes]);
        if (rc == -ENOENT)
            rc = -EINVAL;
        if (rc == 0)
            out->nprefixes++;
    }
    if (rc == 0)
        rc = is_true(root, "IsTruncated", &out->truncated);
    if (rc == 0 && out->truncated) {
        rc = oss_parse_decoded(root, "NextContinuationToken", encoded, &out->next_token);
        if (rc == -ENOENT || (rc == 0 && out->next_token[0] == 0))
            rc = -EINVAL;
    }
    return rc;
}

int oss_parse_list_objects_v2(const char *xml, size_t len, struct oss_list_page *out)
{
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root;
    int rc = parse_root(xml, len, "ListBucketResult", &doc, &root);

    if (rc < 0)
        return rc;
    rc = parse_page(root, out);
    oss_xml_free(doc);
    if (rc < 0)
        oss_list_page_cleanup(out);
    return rc;
}

/* The text at path of a document with the given root, into a fixed field; -EINVAL if the
 * element is missing, empty or too long. */
static int root_text(const char *xml, size_t len, const char *root, const char *path, char *dst,
                     size_t dstlen)
{
    struct oss_xml_doc *doc;
    const struct oss_xml_node *r;
    int rc = parse_root(xml, len, root, &doc, &r);

    if (rc < 0)
        return rc;
    rc = oss_xml_get_str(r, path, dst, dstlen);
    oss_xml_free(doc);
    if (rc == 0 && dst[0] == 0)
        rc = -EINVAL;
    return rc == -ENOENT || rc == -EOVERFLOW ? -EINVAL : rc;
}

int oss_parse_acl(const char *xml, size_t len, char acl[24])
{
    return root_text(xml, len, "AccessControlPolicy", "AccessControlList/Grant", acl, 24);
}

int oss_parse_access_monitor(const char *xml, size_t len, char status[16])
{
    int rc = root_text(xml, len, "AccessMonitorConfiguration", "Status", status, 16);
    if (rc == 0 && strcmp(status, "Enabled") != 0 && strcmp(status, "Disabled") != 0)
        rc = -EINVAL;
    return rc;
}
