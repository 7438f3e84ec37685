/* Field readers shared by the listing parsers: the conventions (optional fields, quoted ETags,
 * encoding-type=url keys) are the same in every OSS listing answer. */
#include <errno.h>
#include <string.h>

#include "oss/buf.h"
#include "oss/codec.h"
#include "parse_priv.h"

int oss_parse_opt_str(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen)
{
    int rc = oss_xml_get_str(n, path, dst, dstlen);
    if (rc == -ENOENT)
        return 0;
    return rc == -EOVERFLOW ? -EINVAL : rc;
}

int oss_parse_etag(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen)
{
    int rc = oss_parse_opt_str(n, path, dst, dstlen);
    size_t l = strlen(dst);
    if (rc == 0 && l >= 2 && dst[0] == '"' && dst[l - 1] == '"') {
        memmove(dst, dst + 1, l - 2);
        dst[l - 2] = 0;
    }
    return rc;
}

int oss_parse_etag_type_class(const struct oss_xml_node *n, char (*etag)[72], char (*type)[16],
                              char (*storage_class)[24])
{
    int rc = oss_parse_etag(n, "ETag", *etag, sizeof *etag);

    if (rc == 0)
        rc = oss_parse_opt_str(n, "Type", *type, sizeof *type);
    if (rc == 0)
        rc = oss_parse_opt_str(n, "StorageClass", *storage_class, sizeof *storage_class);
    return rc;
}

int oss_parse_decoded(const struct oss_xml_node *n, const char *path, int encoded, char **out)
{
    struct oss_buf raw = OSS_BUF_INIT, dec = OSS_BUF_INIT;
    int rc = oss_xml_get(n, path, &raw);

    *out = NULL;
    if (rc == 0 && encoded) {
        rc = oss_url_decode(oss_buf_str(&raw), raw.len, 0, &dec);
        if (rc == 0)
            *out = oss_buf_detach(&dec);
    } else if (rc == 0) {
        *out = oss_buf_detach(&raw);
    }
    if (rc == 0 && *out == NULL)
        rc = -ENOMEM;
    oss_buf_cleanup(&raw);
    oss_buf_cleanup(&dec);
    return rc;
}
