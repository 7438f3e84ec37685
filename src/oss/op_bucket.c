/* Bucket operations: create and delete, ACL, access monitor, and the generic GET/PUT/DELETE
 * of a bucket sub-resource used for the settings documents. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client_priv.h"

static int valid_bucket_acl(const char *acl)
{
    return acl && (strcmp(acl, "private") == 0 || strcmp(acl, "public-read") == 0 ||
                   strcmp(acl, "public-read-write") == 0);
}

/* Sends a bodiless bucket request with an optional sub-resource and header. */
static int simple(struct oss_client *c, const char *method, const char *bucket, const char *subres,
                  const char *hname, const char *hvalue, struct oss_http_response *resp,
                  struct oss_error *err)
{
    struct oss_req r;
    int rc;

    oss_req_init(&r, method, bucket, NULL);
    if (subres)
        oss_req_query(&r, subres, NULL);
    if (hname)
        oss_req_header(&r, hname, hvalue);
    rc = oss_client_send(c, &r, resp, err);
    oss_req_cleanup(&r);
    return rc;
}

/* Sends a bucket request with a body; Content-Type and Content-MD5 are always set. */
static int with_body(struct oss_client *c, const char *method, const char *bucket,
                     const char *subres, const char *ctype, const void *body, size_t len,
                     struct oss_error *err)
{
    struct oss_req r;
    char md5[25];
    int rc;

    oss_content_md5(body, len, md5);
    oss_req_init(&r, method, bucket, NULL);
    oss_req_query(&r, subres, NULL);
    oss_req_header(&r, "Content-Type", ctype ? ctype : "application/xml");
    oss_req_header(&r, "Content-MD5", md5);
    r.io.body = body;
    r.io.body_len = len;
    rc = oss_client_send_status(c, &r, err);
    return rc;
}

int oss_put_bucket(struct oss_client *c, const char *bucket, const char *acl, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc;

    if (acl && !valid_bucket_acl(acl))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid bucket ACL");
    rc = simple(c, "PUT", bucket, NULL, acl ? "x-oss-acl" : NULL, acl, &resp, err);
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_delete_bucket(struct oss_client *c, const char *bucket, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = simple(c, "DELETE", bucket, NULL, NULL, NULL, &resp, err);
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_get_bucket_acl(struct oss_client *c, const char *bucket, char acl[24],
                       struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = simple(c, "GET", bucket, "acl", NULL, NULL, &resp, err);

    acl[0] = 0;
    if (rc == 0 && oss_parse_acl(resp.body.data, resp.body.len, acl) < 0)
        rc = oss_client_bad_answer(err, &resp, EIO, "", "malformed GetBucketAcl answer");
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_put_bucket_acl(struct oss_client *c, const char *bucket, const char *acl,
                       struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc;

    if (!valid_bucket_acl(acl))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid bucket ACL");
    rc = simple(c, "PUT", bucket, "acl", "x-oss-acl", acl, &resp, err);
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_get_bucket_access_monitor(struct oss_client *c, const char *bucket, char status[16],
                                  struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = simple(c, "GET", bucket, "accessmonitor", NULL, NULL, &resp, err);

    status[0] = 0;
    if (rc == 0 && oss_parse_access_monitor(resp.body.data, resp.body.len, status) < 0)
        rc = oss_client_bad_answer(err, &resp, EIO, "", "malformed GetBucketAccessMonitor answer");
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_put_bucket_access_monitor(struct oss_client *c, const char *bucket, const char *status,
                                  struct oss_error *err)
{
    char body[128];

    if (status == NULL || (strcmp(status, "Enabled") != 0 && strcmp(status, "Disabled") != 0))
        return oss_client_fail(err, EINVAL, "InvalidArgument",
                               "status must be Enabled or Disabled");
    int n = snprintf(body, sizeof body,
                     "<AccessMonitorConfiguration><Status>%s</Status></AccessMonitorConfiguration>",
                     status);
    return with_body(c, "PUT", bucket, "accessmonitor", "application/xml", body, (size_t)n, err);
}

/* Sub-resource names become a bare query parameter; keep them to plain words. */
static int valid_subres(const char *name)
{
    if (name == NULL || *name == 0 || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-'))
            return 0;
    return 1;
}

int oss_get_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                               struct oss_buf *body, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc;

    if (!valid_subres(name))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid sub-resource name");
    rc = simple(c, "GET", bucket, name, NULL, NULL, &resp, err);
    if (rc == 0 && oss_buf_append(body, resp.body.data ? resp.body.data : "", resp.body.len) < 0)
        rc = oss_client_fail(err, ENOMEM, "", "out of memory");
    oss_http_response_cleanup(&resp);
    return rc;
}

int oss_put_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                               const char *content_type, const void *body, size_t len,
                               struct oss_error *err)
{
    if (!valid_subres(name))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid sub-resource name");
    return with_body(c, "PUT", bucket, name, content_type, body ? body : "", len, err);
}

int oss_delete_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                                  struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc;

    if (!valid_subres(name))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid sub-resource name");
    rc = simple(c, "DELETE", bucket, name, NULL, NULL, &resp, err);
    oss_http_response_cleanup(&resp);
    return rc;
}
