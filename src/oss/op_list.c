/* ListObjectsV2, one page at a time. The client always asks for encoding-type=url so keys
 * with control characters survive XML, and hands back decoded keys and prefixes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client_priv.h"

/* oss_parse_list_objects_v2() in the shape oss_client_send_parse() takes. */
static int parse_page(const char *xml, size_t len, void *out)
{
    return oss_parse_list_objects_v2(xml, len, out);
}

int oss_list_objects_v2(struct oss_client *c, const char *bucket, const struct oss_list_params *p,
                        struct oss_list_page *out, struct oss_error *err)
{
    struct oss_req r;
    char maxkeys[16];
    int rc;

    memset(out, 0, sizeof *out);
    rc = oss_req_max_keys(p ? p->max_keys : 0, maxkeys, err);
    if (rc < 0)
        return rc;
    oss_req_init(&r, "GET", bucket, NULL);
    oss_req_query(&r, "list-type", "2");
    if (p) {
        oss_req_query_opt(&r, "prefix", p->prefix);
        oss_req_query_opt(&r, "delimiter", p->delimiter);
        oss_req_query_opt(&r, "start-after", p->start_after);
        oss_req_query_opt(&r, "continuation-token", p->continuation_token);
    }
    oss_req_query(&r, "max-keys", maxkeys);
    oss_req_query(&r, "fetch-owner", "false");
    oss_req_query(&r, "encoding-type", "url");
    return oss_client_send_parse(c, &r, parse_page, out, "malformed ListObjectsV2 answer", err);
}
