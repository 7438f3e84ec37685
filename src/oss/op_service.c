/* Service-level operations: ListBuckets, following NextMarker across pages; the regions it
 * reports route each bucket's later requests (region.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"

int oss_list_buckets(struct oss_client *c, struct oss_bucket_list *out, struct oss_error *err)
{
    char *marker = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    for (;;) {
        struct oss_http_response resp = {0};
        struct oss_req r;
        char *next = NULL;

        oss_req_init(&r, "GET", NULL, NULL);
        oss_req_query(&r, "max-keys", "1000");
        if (marker)
            oss_req_query(&r, "marker", marker);
        rc = oss_client_send(c, &r, &resp, err);
        if (rc == 0) {
            rc = oss_parse_list_buckets(resp.body.data, resp.body.len, out, &next);
            if (rc < 0)
                rc = oss_client_bad_answer(err, &resp, rc == -ENOMEM ? ENOMEM : EIO, "",
                                           "malformed ListBuckets answer");
        }
        oss_http_response_cleanup(&resp);
        oss_req_cleanup(&r);
        free(marker);
        marker = next;
        if (rc < 0 || marker == NULL)
            break;
    }
    free(marker);
    if (rc < 0)
        oss_bucket_list_cleanup(out);
    else
        oss_region_note_buckets(c, out); /* each bucket's requests go to its region */
    return rc;
}
