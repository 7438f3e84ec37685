/* Field readers shared by the listing parsers (parse.c, parse_versions.c): optional fixed-size
 * text, unquoted ETags and keys that may be percent-encoded. Internal to the OSS client. */
#ifndef OSS_PARSE_PRIV_H
#define OSS_PARSE_PRIV_H

#include <stddef.h>

#include "oss/xml.h"

/* Optional text at path copied into dst (dst becomes "" when absent); -EINVAL when too long,
 * -ENOMEM on allocation failure. */
int oss_parse_opt_str(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen);
/* As oss_parse_opt_str, with one pair of surrounding double quotes removed (ETag values). */
int oss_parse_etag(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen);
/* Text at path, percent-decoded when encoded is set, malloc'ed into *out (caller frees; NULL
 * on failure). -ENOENT when the element is missing, -EINVAL when badly encoded, -ENOMEM. */
int oss_parse_decoded(const struct oss_xml_node *n, const char *path, int encoded, char **out);

#endif
