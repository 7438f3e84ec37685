/* What the operation files of the client share: the client's internals and one request
 * description that client.c turns into a signed HTTP request. Private to src/oss. */
#ifndef OSS_CLIENT_PRIV_H
#define OSS_CLIENT_PRIV_H

#include <pthread.h>

#include "oss/client.h"
#include "oss/http.h"
#include "oss/parse.h"
#include "oss/sign.h"

#define OSS_REQ_MAX_QUERY   16
#define OSS_REQ_MAX_HEADERS 48

struct oss_bucket_region; /* region.c */

struct oss_client {
    char *scheme;   /* "http" or "https" */
    char *host;     /* endpoint host, without brackets for IPv6 */
    char *hostport; /* as written in URLs: host, [v6] and :port */
    char region[64];
    int v4;
    int path_style;
    int content_md5; /* uploads carry Content-MD5 (oss_client_config) */
    int sigv1;       /* V1 asked for: buckets routed to other regions are signed V1 too */
    int force_path;  /* path_style asked for (routed endpoints are never IP literals) */
    /* Regions (region.c): the endpoint template "scheme://<pre>{region}<post>" that buckets of
     * other regions go to, NULL when every request goes to the one endpoint; and the map of
     * bucket -> region the client has learnt, sorted by name, guarded by region_lock. */
    char *tmpl_scheme, *tmpl_pre, *tmpl_post;
    pthread_rwlock_t region_lock;
    struct oss_bucket_region *regions;
    size_t nregions, cap_regions;
    struct oss_http *http;
    pthread_mutex_t cred_lock; /* guards the three below */
    char *akid;
    char *secret;
    char *token;
};

/* One OSS request before signing. Names and values are decoded; strings are borrowed unless
 * added with oss_req_header_own(), which hands them to the request. */
struct oss_req {
    const char *method;
    const char *bucket; /* NULL: service request */
    const char *key;    /* NULL or "": bucket request */
    struct oss_kv query[OSS_REQ_MAX_QUERY];
    size_t nquery;
    struct oss_kv headers[OSS_REQ_MAX_HEADERS];
    size_t nheaders;
    char *owned[OSS_REQ_MAX_HEADERS * 2];
    size_t nowned;
    int overflow; /* too many parameters: the request fails with -EINVAL */
    /* The body, sink and bulk flag of the HTTP request; its method, URL and headers are
     * filled in when the request is signed and sent. */
    struct oss_http_request io;
};

/* Where one request goes (region.c): scheme, host[:port], addressing and signature. */
struct oss_endpoint {
    const char *scheme;
    const char *hostport;
    int path_style;
    int v4;
    const char *region; /* signing region ("" for none) */
    char hostport_buf[256];
    char region_buf[64];
};
/* The region of the first "oss-<region>[-internal]" label of host (not oss-accelerate), written
 * to out; out is left untouched when there is none. Returns 1 when found, 0 otherwise. */
int oss_region_of_host(const char *host, char *out, size_t outlen);
/* Sets up the endpoint template from cfg (region.c); c->scheme, host and region are set.
 * 0, -EINVAL (bad template) or -ENOMEM. */
int oss_region_init(struct oss_client *c, const char *tmpl);
void oss_region_cleanup(struct oss_client *c);
/* The endpoint of a request to bucket (NULL: service request) into ep. */
void oss_region_endpoint(struct oss_client *c, const char *bucket, struct oss_endpoint *ep);
/* Records the region of every bucket of l (ListBuckets says where each lives). */
void oss_region_note_buckets(struct oss_client *c, const struct oss_bucket_list *l);
/* After an endpoint refusal naming endpoint (the <Endpoint> of OSS's AccessDenied): records
 * bucket's region and returns 1 when a retry would go elsewhere than ep, 0 otherwise. */
int oss_region_redirect(struct oss_client *c, const char *bucket, const struct oss_endpoint *ep,
                        const char *endpoint);

/* Splits "scheme://host[:port][/]" into c->scheme, c->host and c->hostport (client.c).
 * 0, -EINVAL or -ENOMEM. */
int oss_client_parse_url(struct oss_client *c, const char *url);

/* Wipes and frees a secret string (NULL is fine). */
void oss_free_secret(char *s);

void oss_req_init(struct oss_req *r, const char *method, const char *bucket, const char *key);
void oss_req_cleanup(struct oss_req *r);
/* value NULL or "": a bare parameter (?acl). */
void oss_req_query(struct oss_req *r, const char *name, const char *value);
/* Adds name=value only when value is set (non-NULL, non-empty); nothing otherwise. */
void oss_req_query_opt(struct oss_req *r, const char *name, const char *value);
/* Validates a listing page size (0: default 1000; else 1..1000) into its decimal text.
 * Returns 0, or -EINVAL with err set. */
int oss_req_max_keys(int max_keys, char out[16], struct oss_error *err);
void oss_req_header(struct oss_req *r, const char *name, const char *value);
/* Takes ownership of the malloc'ed name and value (either may be NULL on ENOMEM: the request
 * then fails with -ENOMEM). */
void oss_req_header_own(struct oss_req *r, char *name, char *value);

/* base64 of the MD5 of data, the Content-MD5 header value. */
void oss_content_md5(const void *data, size_t len, char out[25]);
/* op_put.c: adds the headers of opts (Content-Type, ACL, x-oss-forbid-overwrite, x-oss-meta-*)
 * to r. Returns 0 or -EINVAL for a bad option. */
int oss_put_add_opts(struct oss_req *r, const struct oss_put_opts *o);
/* The same from an MD5 digest. */
void oss_content_md5_digest(const unsigned char md5[16], char out[25]);

/* Signs and sends r (once: a request is not reusable), retrying as configured. On a 2xx answer
 * returns 0 with err cleared but for request_id; otherwise returns the negative errno with err
 * filled (code, message, request id, status; a HEAD answer's x-oss-err is decoded). resp belongs to
 * the caller, zeroed before and cleaned up after with oss_http_response_cleanup(). */
int oss_client_send(struct oss_client *c, struct oss_req *r, struct oss_http_response *resp,
                    struct oss_error *err);

/* The OSS operation name of r (opname.c), e.g. "PutObjectACL"; always NUL-terminated. */
void oss_req_op_name(const struct oss_req *r, char *out, size_t len);

/* Sets err to a client-side failure (no HTTP answer involved). Returns -e. */
int oss_client_fail(struct oss_error *err, int e, const char *code, const char *message);
/* Sets err for an answer the client cannot use (malformed body, CRC mismatch), keeping the
 * answer's status and request id. Returns -e. */
int oss_client_bad_answer(struct oss_error *err, const struct oss_http_response *resp, int e,
                          const char *code, const char *message);

/* Sends r as oss_client_send() does for an operation whose answer carries nothing but its
 * status: drops the answer and cleans up r. Returns 0 or the negative errno with err filled. */
int oss_client_send_status(struct oss_client *c, struct oss_req *r, struct oss_error *err);

/* Parses an answer's XML body into out: 0, -ENOMEM, or another negative errno when malformed. */
typedef int (*oss_xml_parse_fn)(const char *xml, size_t len, void *out);
/* Sends r as oss_client_send() does and parses a 2xx answer's body with parse into out; a body
 * that does not parse fails as a bad answer (EIO, or ENOMEM when memory ran out) carrying
 * message. Cleans up r. Returns 0 or the negative errno with err filled. */
int oss_client_send_parse(struct oss_client *c, struct oss_req *r, oss_xml_parse_fn parse,
                          void *out, const char *message, struct oss_error *err);

#endif
