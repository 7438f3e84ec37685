/* Fuzzes the small reply parsers of src/oss (parse.c, parse_tagging.c) on the same input:
 * GetBucketAcl/GetObjectAcl, GetBucketAccessMonitor, InitiateMultipartUpload,
 * CompleteMultipartUpload and GetObjectTagging bodies. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oss/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    struct oss_buf tags = OSS_BUF_INIT;
    char acl[24], status[16], id[128], etag[72];

    if (oss_parse_acl(xml, size, acl) == 0 && !memchr(acl, 0, sizeof(acl)))
        abort();
    if (oss_parse_access_monitor(xml, size, status) == 0 && strcmp(status, "Enabled") != 0 &&
        strcmp(status, "Disabled") != 0)
        abort();
    if (oss_parse_initiate_multipart(xml, size, id, sizeof(id)) == 0 && !id[0])
        abort();
    if (oss_parse_complete_multipart(xml, size, etag, sizeof(etag)) == 0 &&
        !memchr(etag, 0, sizeof(etag)))
        abort();
    if (oss_parse_tagging(xml, size, &tags) == 0 && strlen(oss_buf_str(&tags)) != tags.len)
        abort();
    oss_buf_cleanup(&tags);
    return 0;
}
