/* One OSS request from description to answer: the URL (virtual-hosted or path style,
 * percent-encoded key), the date, token and signature headers (V1 or V4), the transport, and
 * the translation of an error answer (body or HEAD's x-oss-err) into struct oss_error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/codec.h"
#include "oss/sign.h"
#include "oss/xml.h"

int oss_client_fail(struct oss_error *err, int e, const char *code, const char *message)
{
    if (err) {
        oss_error_clear(err);
        err->err = -e;
        snprintf(err->code, sizeof err->code, "%s", code ? code : "");
        snprintf(err->message, sizeof err->message, "%s", message ? message : "");
    }
    return -e;
}

/* Which call err describes: kept across the refilling of err after a request was sent. */
struct call {
    char op[sizeof(((struct oss_error *)0)->op)];
    char bucket[sizeof(((struct oss_error *)0)->bucket)];
    char key[sizeof(((struct oss_error *)0)->key)];
};

static void call_save(const struct oss_error *err, struct call *c)
{
    memcpy(c->op, err->op, sizeof c->op);
    memcpy(c->bucket, err->bucket, sizeof c->bucket);
    memcpy(c->key, err->key, sizeof c->key);
}

static void call_restore(struct oss_error *err, const struct call *c)
{
    memcpy(err->op, c->op, sizeof c->op);
    memcpy(err->bucket, c->bucket, sizeof c->bucket);
    memcpy(err->key, c->key, sizeof c->key);
}

int oss_client_bad_answer(struct oss_error *err, const struct oss_http_response *resp, int e,
                          const char *code, const char *message)
{
    const char *rid = oss_http_header(resp, "x-oss-request-id");
    struct call call;

    if (err)
        call_save(err, &call); /* set by the send that got resp */
    oss_client_fail(err, e, code, message);
    if (err) {
        call_restore(err, &call);
        err->http_status = resp->status;
        snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
    }
    return -e;
}

void oss_req_init(struct oss_req *r, const char *method, const char *bucket, const char *key)
{
    memset(r, 0, sizeof *r);
    r->method = method;
    r->bucket = bucket;
    r->key = key;
    r->io.body_fd = -1;
}

void oss_req_cleanup(struct oss_req *r)
{
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    r->nowned = 0;
}

void oss_req_query(struct oss_req *r, const char *name, const char *value)
{
    if (r->nquery == OSS_REQ_MAX_QUERY) {
        r->overflow = EINVAL;
        return;
    }
    r->query[r->nquery].name = name;
    r->query[r->nquery].value = value;
    r->nquery++;
}

/* Listing parameters are optional: an unset (NULL or empty) one is left out of the query rather
 * than sent bare. */
void oss_req_query_opt(struct oss_req *r, const char *name, const char *value)
{
    if (value && *value)
        oss_req_query(r, name, value);
}

int oss_client_send_status(struct oss_client *c, struct oss_req *r, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = oss_client_send(c, r, &resp, err);

    oss_http_response_cleanup(&resp);
    oss_req_cleanup(r);
    return rc;
}

int oss_client_send_parse(struct oss_client *c, struct oss_req *r, oss_xml_parse_fn parse,
                          void *out, const char *message, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    int rc = oss_client_send(c, r, &resp, err);

    if (rc == 0 && (rc = parse(resp.body.data, resp.body.len, out)) < 0)
        rc = oss_client_bad_answer(err, &resp, rc == -ENOMEM ? ENOMEM : EIO, "", message);
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(r);
    return rc;
}

/* Checks a listing's max-keys (0 means the 1000 default) and writes its decimal form to out.
 * Returns 0, or -EINVAL with err set when it lies outside 1..1000. */
int oss_req_max_keys(int max_keys, char out[16], struct oss_error *err)
{
    if (max_keys < 0 || max_keys > 1000)
        return oss_client_fail(err, EINVAL, "InvalidArgument", "max-keys must be 1..1000");
    snprintf(out, 16, "%d", max_keys ? max_keys : 1000);
    return 0;
}

void oss_req_header(struct oss_req *r, const char *name, const char *value)
{
    if (r->nheaders == OSS_REQ_MAX_HEADERS) {
        r->overflow = EINVAL;
        return;
    }
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = value;
    r->nheaders++;
}

void oss_req_header_own(struct oss_req *r, char *name, char *value)
{
    if (name == NULL || value == NULL) {
        free(name);
        free(value);
        r->overflow = ENOMEM;
        return;
    }
    if (r->nowned + 2 > sizeof r->owned / sizeof r->owned[0]) {
        free(name);
        free(value);
        r->overflow = EINVAL;
        return;
    }
    r->owned[r->nowned++] = name;
    r->owned[r->nowned++] = value;
    oss_req_header(r, name, value);
}

void oss_content_md5_digest(const unsigned char md5[16], char out[25])
{
    struct oss_buf b = OSS_BUF_INIT;

    out[0] = 0;
    if (oss_base64_encode(md5, OSS_MD5_LEN, &b) == 0 && b.len < 25)
        memcpy(out, b.data, b.len + 1);
    oss_buf_cleanup(&b);
}

void oss_content_md5(const void *data, size_t len, char out[25])
{
    unsigned char md5[OSS_MD5_LEN];

    oss_md5(data, len, md5);
    oss_content_md5_digest(md5, out);
}

/* Bucket names go into a host name or a path segment unescaped, so only the characters OSS
 * allows (and a few it does not, for the server to refuse) are let through. */
static int bucket_ok(const char *b)
{
    if (b == NULL || *b == 0 || strlen(b) > 255)
        return 0;
    for (; *b; b++)
        if (!isalnum((unsigned char)*b) && *b != '-' && *b != '_' && *b != '.')
            return 0;
    return 1;
}

static int build_url(const struct oss_endpoint *ep, const struct oss_req *r, struct oss_buf *u)
{
    int rc = oss_buf_printf(u, "%s://", ep->scheme);
    int has_key = r->key && *r->key;

    if (rc == 0 && r->bucket && !ep->path_style)
        rc = oss_buf_printf(u, "%s.", r->bucket);
    if (rc == 0)
        rc = oss_buf_printf(u, "%s/", ep->hostport);
    if (rc == 0 && r->bucket && ep->path_style)
        rc = oss_buf_printf(u, "%s/", r->bucket);
    if (rc == 0 && has_key)
        rc = oss_url_encode(r->key, strlen(r->key), 1, u);
    for (size_t i = 0; rc == 0 && i < r->nquery; i++) {
        const char *v = r->query[i].value;
        rc = oss_buf_putc(u, i == 0 ? '?' : '&');
        if (rc == 0)
            rc = oss_url_encode(r->query[i].name, strlen(r->query[i].name), 0, u);
        if (rc == 0 && v && *v) {
            rc = oss_buf_putc(u, '=');
            if (rc == 0)
                rc = oss_url_encode(v, strlen(v), 0, u);
        }
    }
    return rc;
}

struct creds {
    char *akid, *secret, *token;
};

static int creds_copy(struct oss_client *c, struct creds *cr)
{
    int rc = 0;
    memset(cr, 0, sizeof *cr);
    pthread_mutex_lock(&c->cred_lock);
    if ((c->akid && !(cr->akid = strdup(c->akid))) ||
        (c->secret && !(cr->secret = strdup(c->secret))) ||
        (c->token && !(cr->token = strdup(c->token))))
        rc = -ENOMEM;
    pthread_mutex_unlock(&c->cred_lock);
    return rc;
}

static void creds_free(struct creds *cr)
{
    free(cr->akid);
    oss_free_secret(cr->secret);
    oss_free_secret(cr->token);
}

/* Adds the date, token and V4 payload headers, then the Authorization header. */
static int sign_request(const struct oss_endpoint *ep, struct oss_req *r, const struct creds *cr,
                        char *date, char *xdate, struct oss_buf *auth)
{
    time_t now = time(NULL);

    oss_http_date(now, date);
    oss_req_header(r, "Date", date);
    if (ep->v4) {
        oss_iso8601_basic(now, xdate);
        oss_req_header(r, "x-oss-date", xdate);
        oss_req_header(r, "x-oss-content-sha256", "UNSIGNED-PAYLOAD");
    } else {
        oss_req_header(r, "x-oss-date", date);
    }
    if (cr->token)
        oss_req_header(r, "x-oss-security-token", cr->token);
    if (r->overflow)
        return -r->overflow;
    if (cr->akid == NULL || cr->secret == NULL)
        return 0; /* anonymous */

    struct oss_sign_req sr = {
        .method = r->method,
        .bucket = r->bucket,
        .key = r->key && *r->key ? r->key : NULL,
        .query = r->query,
        .nquery = r->nquery,
        .headers = r->headers,
        .nheaders = r->nheaders,
    };
    int rc = ep->v4
                 ? oss_sign_v4_header(&sr, cr->akid, cr->secret, ep->region, "oss", NULL, 0, auth)
                 : oss_sign_v1_header(&sr, cr->akid, cr->secret, auth);
    if (rc == 0)
        oss_req_header(r, "Authorization", oss_buf_str(auth));
    return rc < 0 ? rc : r->overflow ? -r->overflow : 0;
}

/* The <Endpoint> of an error body (OSS's refusal of a request sent to another region's
 * endpoint names the bucket's endpoint) into out; "" when there is none. */
static void error_endpoint(const char *body, size_t len, char *out, size_t outlen)
{
    struct oss_xml_doc *d = NULL;

    out[0] = 0;
    if (body && len && oss_xml_parse(body, len, 64 * 1024, &d) == 0) {
        const struct oss_xml_node *root = oss_xml_root(d);
        if (root && strcmp(oss_xml_name(root), "Error") == 0)
            oss_xml_get_str(root, "Endpoint", out, outlen);
    }
    oss_xml_free(d);
}

/* err from a non-2xx answer: the body, or for bodiless answers the base64 x-oss-err. The
 * <Endpoint> of the answer, if any, goes to endpoint. */
static int answer_error(const struct oss_http_response *resp, struct oss_error *err, char *endpoint,
                        size_t endpointlen)
{
    struct oss_error local = {0};
    struct oss_buf xml = OSS_BUF_INIT;
    const char *body = resp->body.data;
    size_t len = resp->body.len;
    const char *rid = oss_http_header(resp, "x-oss-request-id");
    const char *xerr = oss_http_header(resp, "x-oss-err");
    const char *ec = oss_http_header(resp, "x-oss-ec");

    if (err == NULL)
        err = &local;
    if (len == 0 && xerr && oss_base64_decode(xerr, strlen(xerr), &xml) == 0) {
        body = xml.data;
        len = xml.len;
    }
    oss_error_from_response(err, resp->status, rid, body, len);
    error_endpoint(body, len, endpoint, endpointlen);
    oss_buf_cleanup(&xml);
    if (err->ec[0] == 0 && ec)
        snprintf(err->ec, sizeof err->ec, "%s", ec);
    if (err->request_id[0] == 0 && rid)
        snprintf(err->request_id, sizeof err->request_id, "%s", rid);
    if (err->err >= 0)
        err->err = -oss_errno_for(err->code, resp->status);
    if (err->err >= 0)
        err->err = -EIO;
    return err->err;
}

/* Signs and sends r once to the endpoint of its bucket; *endpoint gets the <Endpoint> of an
 * error answer. */
static int send_once(struct oss_client *c, struct oss_req *r, struct oss_endpoint *ep,
                     struct oss_http_response *resp, struct oss_error *err, char *endpoint,
                     size_t endpointlen)
{
    struct oss_buf url = OSS_BUF_INIT, auth = OSS_BUF_INIT;
    struct creds cr;
    char date[30], xdate[17];
    size_t nheaders = r->nheaders;
    int rc;

    endpoint[0] = 0;
    oss_region_endpoint(c, r->bucket, ep);
    rc = creds_copy(c, &cr);
    if (rc == 0)
        rc = build_url(ep, r, &url);
    if (rc == 0)
        rc = sign_request(ep, r, &cr, date, xdate, &auth);
    if (rc < 0) {
        creds_free(&cr);
        oss_buf_cleanup(&url);
        oss_buf_cleanup(&auth);
        return oss_client_fail(err, -rc, "",
                               rc == -ENOMEM ? "out of memory" : "request could not be built");
    }
    struct oss_http_request hr = r->io;
    hr.method = r->method;
    hr.url = oss_buf_str(&url);
    hr.headers = r->headers;
    hr.nheaders = r->nheaders;
    rc = oss_http_perform(c->http, &hr, resp, err);
    /* The signing headers point into cr, date, xdate and auth: they are dropped again, so the
     * request can be signed anew for another endpoint. */
    creds_free(&cr);
    oss_buf_cleanup(&url);
    oss_buf_cleanup(&auth);
    r->nheaders = nheaders;
    if (rc < 0)
        return rc;
    if (resp->status < 200 || resp->status >= 300)
        return answer_error(resp, err, endpoint, endpointlen);
    if (err) {
        const char *rid = oss_http_header(resp, "x-oss-request-id");
        oss_error_clear(err);
        err->http_status = resp->status;
        snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
    }
    return 0;
}

/* Sends r to its bucket's region, following OSS's wrong-region refusal once. */
static int send_request(struct oss_client *c, struct oss_req *r, struct oss_http_response *resp,
                        struct oss_error *err)
{
    struct oss_endpoint ep;
    char endpoint[128];
    int rc;

    if (r->bucket && !bucket_ok(r->bucket))
        return oss_client_fail(err, EINVAL, "InvalidBucketName", "invalid bucket name");
    rc = send_once(c, r, &ep, resp, err, endpoint, sizeof endpoint);
    /* Sent to another region's endpoint: OSS names the bucket's own; learn it and go there,
     * once (region.c decides whether that is somewhere else). */
    if (rc < 0 && resp->status == 403 && endpoint[0] &&
        oss_region_redirect(c, r->bucket, &ep, endpoint)) {
        oss_http_response_cleanup(resp);
        memset(resp, 0, sizeof *resp);
        rc = send_once(c, r, &ep, resp, err, endpoint, sizeof endpoint);
    }
    if (rc < 0 && err && endpoint[0]) { /* say where the bucket lives */
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, " (endpoint %s)", endpoint);
    }
    return rc;
}

int oss_client_send(struct oss_client *c, struct oss_req *r, struct oss_http_response *resp,
                    struct oss_error *err)
{
    struct call call;
    oss_req_op_name(r, call.op, sizeof call.op);
    snprintf(call.bucket, sizeof call.bucket, "%s", r->bucket ? r->bucket : "");
    snprintf(call.key, sizeof call.key, "%s", r->key ? r->key : "");
    int rc = send_request(c, r, resp, err);
    if (err)
        call_restore(err, &call);
    return rc;
}
