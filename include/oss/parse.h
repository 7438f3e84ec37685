/* Parsers of OSS replies (XML bodies and response headers) into the result structs of
 * client.h. Internal to the client library; exposed so unit tests can run them on files.
 * Pure functions, thread-safe. On error the output holds nothing new to free beyond what the
 * matching _cleanup releases. */
#ifndef OSS_PARSE_H
#define OSS_PARSE_H

#include <stddef.h>

#include "oss/client.h"
#include "oss/http.h"

/* ListAllMyBucketsResult: appends the buckets to out (owner taken from the first page).
 * *next_marker (malloc'ed, caller frees) is set when IsTruncated is true; NULL otherwise.
 * -EINVAL for a malformed document or a truncated page without NextMarker. */
int oss_parse_list_buckets(const char *xml, size_t len, struct oss_bucket_list *out,
                           char **next_marker);

/* ListBucketResult of ListObjectsV2. With url_encoded (EncodingType url, as the client always
 * asks), Key, Prefix and NextContinuationToken are percent-decoded ('+' stays '+'). Fills a
 * zeroed page; on failure the page is cleaned up. -EINVAL for malformed documents. */
int oss_parse_list_objects_v2(const char *xml, size_t len, struct oss_list_page *out);

/* AccessControlPolicy/AccessControlList/Grant into acl. -EINVAL if absent or too long. */
int oss_parse_acl(const char *xml, size_t len, char acl[24]);

/* AccessMonitorConfiguration/Status (Enabled|Disabled) into status. -EINVAL otherwise. */
int oss_parse_access_monitor(const char *xml, size_t len, char status[16]);

/* Fills a zeroed m from an answer's headers: Content-Length, ETag (quotes stripped),
 * Last-Modified, x-oss-object-type, x-oss-storage-class, x-oss-version-id,
 * x-oss-hash-crc64ecma, Content-Type, x-oss-delete-marker and, with want_user_meta,
 * x-oss-meta-* (names lower-cased, prefix removed). Content-Range's total, when present,
 * is the size. 0 or -ENOMEM. */
int oss_meta_from_headers(const struct oss_http_response *resp, int want_user_meta,
                          struct oss_object_meta *m);

/* InitiateMultipartUploadResult/UploadId into id (idlen bytes). -EINVAL if absent or empty. */
int oss_parse_initiate_multipart(const char *xml, size_t len, char *id, size_t idlen);

/* CompleteMultipartUploadResult/ETag (quotes stripped) into etag. -EINVAL if absent. */
int oss_parse_complete_multipart(const char *xml, size_t len, char *etag, size_t etaglen);

/* The body of CompleteMultipartUpload for n parts, appended to out. -EINVAL when the part
 * numbers are not strictly ascending within 1..10000, -ENOMEM. */
int oss_multipart_complete_body(const struct oss_part *parts, size_t n, struct oss_buf *out);

/* ListVersionsResult of ListObjectVersions (parse_versions.c): Version and DeleteMarker
 * elements in document order, CommonPrefixes, and with IsTruncated the NextKeyMarker
 * (required) and NextVersionIdMarker. Keys and markers are percent-decoded when EncodingType
 * is url. Fills a zeroed page; on failure the page is cleaned up. -EINVAL when malformed. */
int oss_parse_list_versions(const char *xml, size_t len, struct oss_version_page *out);

/* Tagging/TagSet/Tag* (GetObjectTagging) into the x-oss-tagging form "k1=v1&k2=v2",
 * percent-encoded, appended to out (parse_tagging.c). -EINVAL when malformed or a Tag has
 * no Key. */
int oss_parse_tagging(const char *xml, size_t len, struct oss_buf *out);

/* The reverse, for PutObjectTagging (op_tagging.c): the text form into a Tagging document
 * appended to xml, checking the OSS limits first. -EINVAL for a bad tag set (empty, malformed
 * escapes, more than 10 tags, a key empty or over 128 bytes, a value over 256, control
 * characters, duplicate keys); xml then holds nothing to send. */
int oss_tagging_xml(const char *text, struct oss_buf *xml);

#endif
