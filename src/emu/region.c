/* Regions: the region a request reached (the oss-<region> label of its Host, else the region of
 * the port it arrived on, see http.c) and real OSS's refusal of a bucket reached through another
 * region's endpoint. A bucket belongs to the region it was created through (op_bucket.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emu/emu.h"
#include "emu/store.h"

int emu_region_valid(const char *region)
{
    size_t n = region ? strlen(region) : 0;
    if (n == 0 || n >= EMU_NAME_MAX || n > 47)
        return 0;
    for (const char *p = region; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return 0;
    return 1;
}

int emu_region_check(const struct emu_server *s, const struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    char endpoint[EMU_NAME_MAX + 24];

    if (!req->bucket || !req->region || emu_store_bucket_get(s->store, req->bucket, &b) != 0)
        return 0; /* no bucket, or none of that name: the operation answers */
    if (strcmp(b.region, req->region) == 0)
        return 0;
    /* The Endpoint element names the bucket's public endpoint the way OSS does (aliyuncs.com),
     * whatever --domain says: a client takes the region from it. */
    snprintf(endpoint, sizeof(endpoint), "oss-%s.aliyuncs.com", b.region);
    emu_resp_error(resp, req, 403, "AccessDenied",
                   "The bucket you are attempting to access must be addressed using the specified "
                   "endpoint. Please send all future requests to this endpoint.",
                   "0003-00001403", "Bucket", b.name, "Endpoint", endpoint, NULL);
    return -EACCES;
}
