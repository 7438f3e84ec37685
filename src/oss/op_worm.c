/* Bucket retention (WORM) calls that are not plain sub-resource GET/PUT/DELETE: Initiate
 * (POST ?worm, the new id in the x-oss-worm-id header), Complete (POST ?wormId=ID) and Extend
 * (POST ?wormExtend&wormId=ID). GetBucketWorm and AbortBucketWorm are the generic
 * oss_get_bucket_subresource / oss_delete_bucket_subresource with "worm". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client_priv.h"

/* POSTs a bucket request with query sub and wormId=id (when id is non-NULL; sub "wormId" is
 * that parameter alone) and an optional XML body; resp receives the answer. */
static int worm_post(struct oss_client *c, const char *bucket, const char *sub, const char *id,
                     const char *body, struct oss_http_response *resp, struct oss_error *err)
{
    struct oss_req r;
    char md5[25];
    int rc;

    oss_req_init(&r, "POST", bucket, NULL);
    if (strcmp(sub, "wormId") != 0)
        oss_req_query(&r, sub, NULL);
    if (id)
        oss_req_query(&r, "wormId", id);
    if (body) {
        oss_content_md5(body, strlen(body), md5);
        oss_req_header(&r, "Content-Type", "application/xml");
        oss_req_header(&r, "Content-MD5", md5);
        r.io.body = body;
        r.io.body_len = strlen(body);
    }
    rc = oss_client_send(c, &r, resp, err);
    oss_req_cleanup(&r);
    return rc;
}

/* POSTs <root><RetentionPeriodInDays>days</RetentionPeriodInDays></root>. */
static int worm_post_days(struct oss_client *c, const char *bucket, const char *sub, const char *id,
                          const char *root, unsigned days, struct oss_http_response *resp,
                          struct oss_error *err)
{
    char body[160];

    snprintf(body, sizeof(body), "<%s><RetentionPeriodInDays>%u</RetentionPeriodInDays></%s>", root,
             days, root);
    return worm_post(c, bucket, sub, id, body, resp, err);
}

int oss_initiate_bucket_worm(struct oss_client *c, const char *bucket, unsigned days,
                             char id[OSS_WORM_ID_MAX], struct oss_error *err)
{
    struct oss_http_response resp = {0};
    const char *h;
    int rc = worm_post_days(c, bucket, "worm", NULL, "InitiateWormConfiguration", days, &resp, err);

    id[0] = 0;
    if (rc == 0) {
        h = oss_http_header(&resp, "x-oss-worm-id");
        if (!h || !*h || strlen(h) >= OSS_WORM_ID_MAX)
            rc = oss_client_bad_answer(err, &resp, EIO, "",
                                       "InitiateBucketWorm answer without x-oss-worm-id");
        else
            snprintf(id, OSS_WORM_ID_MAX, "%s", h);
    }
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_complete_bucket_worm(struct oss_client *c, const char *bucket, const char *id,
                             struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = worm_post(c, bucket, "wormId", id, NULL, &resp, err);

    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_extend_bucket_worm(struct oss_client *c, const char *bucket, const char *id, unsigned days,
                           struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc =
        worm_post_days(c, bucket, "wormExtend", id, "ExtendWormConfiguration", days, &resp, err);

    oss_http_response_cleanup(&resp);
    return rc;
}
