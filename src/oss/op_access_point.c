/* Access point calls (oss-api.md 6.10): CreateAccessPoint, ListAccessPoints, and the calls on
 * one access point of a bucket, which name it in the x-oss-access-point-name header
 * (GetAccessPoint, DeleteAccessPoint, Get/Put/DeleteAccessPointPolicy) or, for its Block Public
 * Access, in the query parameter of the same name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/xml.h"

int oss_access_point_name_valid(const char *n)
{
    size_t len = n ? strlen(n) : 0;

    if (len < 3 || len > 19 || n[0] == '-' || n[len - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '-'))
            return 0;
    return len < 9 || strcmp(n + len - 9, "-ossalias") != 0;
}

int oss_access_point_request(struct oss_client *c, const char *method, const char *bucket,
                             const char *name, const char *sub, const void *body, size_t len,
                             struct oss_buf *out, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_req r;
    char md5[25];
    int rc;

    oss_req_init(&r, method, bucket, NULL);
    oss_req_query(&r, sub, NULL);
    if (!strcmp(sub, "publicAccessBlock"))
        oss_req_query(&r, "x-oss-access-point-name", name);
    else if (name)
        oss_req_header(&r, "x-oss-access-point-name", name);
    if (body) {
        oss_content_md5(body, len, md5);
        oss_req_header(&r, "Content-Type",
                       !strcmp(sub, "accessPointPolicy") ? "application/json" : "application/xml");
        oss_req_header(&r, "Content-MD5", md5);
        r.io.body = body;
        r.io.body_len = len;
    }
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0 && out && oss_buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len))
        rc = oss_client_fail(err, ENOMEM, "", "out of memory");
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}

int oss_create_access_point(struct oss_client *c, const char *bucket, const char *name,
                            struct oss_error *err)
{
    char body[256];
    int n = snprintf(body, sizeof(body),
                     "<CreateAccessPointConfiguration><AccessPointName>%s</AccessPointName>"
                     "<NetworkOrigin>internet</NetworkOrigin></CreateAccessPointConfiguration>",
                     name);

    if (n < 0 || (size_t)n >= sizeof(body) || strpbrk(name, "<>&"))
        return oss_client_fail(err, EINVAL, "InvalidArgument", "invalid access point name");
    return oss_access_point_request(c, "PUT", bucket, NULL, "accessPoint", body, (size_t)n, NULL,
                                    err);
}

void oss_name_list_cleanup(struct oss_name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof(*l));
}

/* Appends the AccessPointName of every AccessPoint of one ListAccessPointsResult page to out;
 * *next gets NextContinuationToken when the page is truncated. */
static int parse_page(const struct oss_buf *body, struct oss_name_list *out, char **next)
{
    struct oss_xml_doc *doc = NULL;
    const struct oss_xml_node *aps, *ap;
    int rc = oss_xml_parse(body->data ? body->data : "", body->len, 0, &doc), trunc = 0;

    if (rc == 0 && strcmp(oss_xml_name(oss_xml_root(doc)), "ListAccessPointsResult"))
        rc = -EIO;
    aps = rc == 0 ? oss_xml_first(oss_xml_root(doc), "AccessPoints") : NULL;
    for (ap = aps ? oss_xml_first(aps, "AccessPoint") : NULL; ap && rc == 0;
         ap = oss_xml_next(ap, "AccessPoint")) {
        char **v = realloc(out->names, (out->n + 1) * sizeof(*v));
        if (!v) {
            rc = -ENOMEM;
            break;
        }
        out->names = v;
        rc = oss_xml_get_dup(ap, "AccessPointName", &out->names[out->n]);
        if (rc == 0)
            out->n++;
    }
    if (rc == 0 && oss_xml_get_bool(oss_xml_root(doc), "IsTruncated", &trunc) == 0 && trunc &&
        oss_xml_get_dup(oss_xml_root(doc), "NextContinuationToken", next) < 0)
        rc = -EIO;
    oss_xml_free(doc);
    return rc;
}

int oss_list_access_points(struct oss_client *c, const char *bucket, struct oss_name_list *out,
                           struct oss_error *err)
{
    char *token = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    do {
        struct oss_http_response resp = {0};
        struct oss_req r;
        char *next = NULL;

        oss_req_init(&r, "GET", bucket, NULL);
        oss_req_query(&r, "accessPoint", NULL);
        if (token)
            oss_req_query(&r, "continuation-token", token);
        rc = oss_client_send(c, &r, &resp, err);
        if (rc == 0 && (rc = parse_page(&resp.body, out, &next)) < 0)
            rc = oss_client_bad_answer(err, &resp, rc == -ENOMEM ? ENOMEM : EIO, "",
                                       "malformed ListAccessPoints answer");
        oss_http_response_cleanup(&resp);
        oss_req_cleanup(&r);
        free(token);
        token = next;
    } while (rc == 0 && token);
    free(token);
    if (rc < 0)
        oss_name_list_cleanup(out);
    return rc;
}
