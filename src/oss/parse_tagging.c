/* Parser of the Tagging document of GetObjectTagging into the x-oss-tagging header form
 * ("k1=v1&k2=v2", percent-encoded), the one text form tags have in this project. */
#include <errno.h>
#include <string.h>

#include "oss/codec.h"
#include "oss/parse.h"
#include "oss/xml.h"

int oss_parse_tagging(const char *xml, size_t len, struct oss_buf *out)
{
    struct oss_buf k = OSS_BUF_INIT, v = OSS_BUF_INIT;
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root, *set, *t;
    int rc = oss_xml_parse(xml, len, 0, &doc), first = 1;

    if (rc < 0)
        return rc == -EFBIG ? -EINVAL : rc;
    root = oss_xml_root(doc);
    if (strcmp(oss_xml_name(root), "Tagging") != 0) {
        oss_xml_free(doc);
        return -EINVAL;
    }
    set = oss_xml_find(root, "TagSet");
    for (t = set ? oss_xml_first(set, "Tag") : NULL; rc == 0 && t; t = oss_xml_next(t, "Tag")) {
        rc = oss_xml_get(t, "Key", &k);
        if (rc == 0 && k.len == 0)
            rc = -EINVAL;
        if (rc == 0) {
            rc = oss_xml_get(t, "Value", &v);
            if (rc == -ENOENT) {
                oss_buf_reset(&v);
                rc = 0;
            }
        }
        if (rc == 0 && !first)
            rc = oss_buf_append(out, "&", 1);
        if (rc == 0)
            rc = oss_url_encode(oss_buf_str(&k), k.len, 0, out);
        if (rc == 0)
            rc = oss_buf_append(out, "=", 1);
        if (rc == 0)
            rc = oss_url_encode(oss_buf_str(&v), v.len, 0, out);
        first = 0;
    }
    oss_buf_cleanup(&k);
    oss_buf_cleanup(&v);
    oss_xml_free(doc);
    return rc == -ENOENT ? -EINVAL : rc;
}
