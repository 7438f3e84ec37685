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
/* The optional ETag, Type and StorageClass of a listed object or version, read in that order
 * into the fields of its entry (the array types keep the sizes of struct oss_list_entry and
 * struct oss_version_entry); stops at the first failure, as oss_parse_opt_str() fails. */
int oss_parse_etag_type_class(const struct oss_xml_node *n, char (*etag)[72], char (*type)[16],
                              char (*storage_class)[24]);
/* Text at path, percent-decoded when encoded is set, malloc'ed into *out (caller frees; NULL
 * on failure). -ENOENT when the element is missing, -EINVAL when badly encoded, -ENOMEM. */
int oss_parse_decoded(const struct oss_xml_node *n, const char *path, int encoded, char **out);

#endif
