/* ossemu's shared types: the server context, a parsed request, a response under construction,
 * and the entry points between the HTTP front (http.c, router.c, auth.c, policy.c, log.c) and
 * the operations (op_*.c over store.c). The front parses and authenticates; an operation
 * handler authorizes against the resource it touches and fills the response.
 *
 * Threads: libmicrohttpd runs handlers on a thread pool. emu_server is read-only after start
 * except through the store, which serializes its own SQLite access. */
#ifndef EMU_EMU_H
#define EMU_EMU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "oss/buf.h"
#include "oss/sign.h"

struct emu_store;    /* store.c: SQLite metadata + object files under DIR/objects */
struct emu_accounts; /* accounts.c: accounts, keys, RAM users and their policies */
struct emu_log;      /* log.c: the JSON-lines request log */
struct emu_fault;    /* fault.c: fault injection rules and their PRNG (emu/fault.h) */

struct emu_server {
    const char *data_dir;
    const char *domain; /* "localhost" */
    const char *region; /* "cn-hangzhou": the region of --listen (more in src/emu/region.c) */
    struct emu_store *store;
    struct emu_accounts *accounts;
    struct emu_log *log;     /* NULL: no request log */
    struct emu_fault *fault; /* fault.h; NULL: no fault injection */
};

/* Who sent the request, as established by signature verification. */
struct emu_principal {
    int anonymous;          /* no signature at all */
    const char *account_id; /* owning account of the key (root or RAM user); NULL if anonymous */
    const char *user_id;    /* RAM user id, NULL for the account's own key */
    const char *akid;       /* the access key id used, "" if anonymous */
    const void *policy;     /* the RAM user's policy (json_t *), NULL for root keys */
};

struct emu_req {
    const char *method;   /* "GET", "PUT", "POST", "DELETE", "HEAD" */
    int secure;           /* 1: it came over HTTPS (--tls-listen); for acs:SecureTransport */
    const char *bucket;   /* NULL for service requests */
    const char *key;      /* decoded; NULL for bucket requests */
    struct oss_kv *query; /* decoded names/values; value "" for bare parameters */
    size_t nquery;
    struct oss_kv *headers; /* as received */
    size_t nheaders;
    /* The request body. Small bodies (<= 1 MiB) are in memory (NUL-terminated); larger ones
     * are spooled to body_path (malloc'ed; body is then NULL), a file under DIR/tmp that a
     * handler may rename() into place (then it frees body_path and sets it to NULL so the
     * front does not unlink it). MD5 and CRC64 are
     * computed while the body arrives. */
    const char *body;
    size_t body_len;
    char *body_path;
    /* Set instead (body and body_path NULL) when the front wrote the body straight into the
     * slot of a multipart part that emu_op_early_slot claimed (store.h, emu_part_slot). The
     * handler commits it and may release it early (then sets it to NULL); whatever happens,
     * the front releases it when the request ends. */
    struct emu_part_slot *body_slot;
    unsigned char body_md5[16];
    uint64_t body_crc64;
    struct emu_principal who;
    char request_id[25]; /* 24 upper-case hex characters */
    const char *op;      /* operation name for the log, set by the router */
    char source_ip[46];  /* the client's address (acs:SourceIp), "" when unknown */
    const char *region;  /* region of the endpoint the request reached (region.c); NULL: none */
    /* Set when the request addressed an access point's alias (op_access_point.c): bucket then
     * points at ap_bucket, the real bucket, and access_point at ap_name. */
    const char *access_point;
    char ap_bucket[64];
    char ap_name[32];
};

struct emu_resp {
    int status;
    struct oss_kv *headers; /* owned (names and values strdup'ed) */
    size_t nheaders;
    struct oss_buf body;
    int file_fd; /* >= 0: send file_len bytes of this fd from file_off (fd owned) */
    off_t file_off;
    uint64_t file_len;
    char code[64]; /* OSS error code of an error answer, for the log */
};

/* Request accessors: the value of a query parameter / header (case-insensitive for
 * headers), or NULL when absent. */
const char *emu_req_query(const struct emu_req *r, const char *name);
int emu_req_has_query(const struct emu_req *r, const char *name);
const char *emu_req_header(const struct emu_req *r, const char *name);

/* Adds a response header (copied). Returns 0 or -ENOMEM. */
int emu_resp_header(struct emu_resp *resp, const char *name, const char *value);
/* Makes resp an OSS error answer: status, the error XML (Code, Message, RequestId, HostId,
 * extra elements name/value pairs, NULL-terminated, and EC), Content-Type and x-oss-ec; for
 * HEAD requests no body but x-oss-err (base64 of the XML). ec NULL: the EC OSS is known to
 * send with code, else EMU_EC_UNKNOWN, so every error answer carries one. */
#define EMU_EC_UNKNOWN "0000-00000000"
void emu_resp_error(struct emu_resp *resp, const struct emu_req *req, int status, const char *code,
                    const char *message, const char *ec, ...) __attribute__((sentinel));
/* Sets a 200 answer with an XML body (already including the XML declaration). */
void emu_resp_xml(struct emu_resp *resp, struct oss_buf *xml);

/* Authorization of an operation on a resource, after authentication (auth.c, policy.c).
 * action: RAM action, e.g. "oss:PutBucketAcl". owner: account id owning the bucket (NULL for
 * service requests). acl: the ACL that governs access for non-owners: the object's ACL with
 * "default" resolved to the bucket's, or the bucket ACL for bucket reads; NULL for bucket
 * administration (only the owner may). write: the action modifies data.
 * Returns 0 if allowed; otherwise fills resp with 403 AccessDenied and returns -EACCES. */
int emu_authorize(const struct emu_server *s, const struct emu_req *req, struct emu_resp *resp,
                  const char *action, const char *owner, const char *acl, int write);

/* An operation handler: fills resp (status 200 by default). */
typedef void (*emu_handler_fn)(struct emu_server *s, struct emu_req *req, struct emu_resp *resp);

/* Routing (router.c): picks the handler and sets req->op; NULL when the operation is not
 * implemented (the front answers 501 NotImplemented). */
emu_handler_fn emu_route(struct emu_req *req);

/* Operation handlers (op_*.c). */
void emu_op_list_buckets(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_bucket(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_delete_bucket(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_info(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_location(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_acl(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_bucket_acl(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_access_monitor(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_bucket_access_monitor(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_list_objects(struct emu_server *, struct emu_req *, struct emu_resp *); /* v1 */
void emu_op_list_objects_v2(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_object_acl(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_object_acl(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_head_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_object_meta(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_copy_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_delete_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_delete_multiple_objects(struct emu_server *, struct emu_req *, struct emu_resp *);
/* Bucket statistics, append, symlinks and object tags (op_bucket_stat.c, op_append.c,
 * op_symlink.c, op_object_tagging.c). The bucket settings (policy, cors, lifecycle, ...) are
 * routed through src/emu/op_setting.h. */
void emu_op_get_bucket_stat(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_append_object(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_symlink(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_symlink(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_put_object_tagging(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_object_tagging(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_delete_object_tagging(struct emu_server *, struct emu_req *, struct emu_resp *);
/* Versioning and multipart upload (op_versioning.c, op_list_versions.c, op_multipart.c,
 * op_multipart_copy.c, op_multipart_complete.c, op_multipart_list.c). */
void emu_op_put_bucket_versioning(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_versioning(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_list_object_versions(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_initiate_multipart_upload(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_upload_part(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_upload_part_copy(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_complete_multipart_upload(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_abort_multipart_upload(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_list_multipart_uploads(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_list_parts(struct emu_server *, struct emu_req *, struct emu_resp *);

/* ---- The front's internal interfaces (main.c, http.c, addressing.c, auth.c, policy.c,
 * accounts.c, log.c, request.c). Handlers need none of these except emu_resp_set_header. ---- */

/* Like emu_resp_header, but replaces an existing header of that name (case-insensitive). */
int emu_resp_set_header(struct emu_resp *resp, const char *name, const char *value);
/* Response life cycle: init gives status 0 (200 when sent), no fd; cleanup frees everything
 * and closes file_fd. */
void emu_resp_init(struct emu_resp *resp);
void emu_resp_cleanup(struct emu_resp *resp);

/* Accounts (accounts.c). Immutable after loading, so lookups are thread-safe. */
struct emu_key_info {
    const char *akid;
    const char *secret;
    const char *account_id;
    const char *user_id;        /* NULL for an account's own key */
    const void *policy;         /* json_t * of a RAM user, NULL for root keys */
    const char *security_token; /* STS key: the token requests must carry; NULL otherwise */
    time_t expires;             /* STS key: end of validity (0: none) */
};
/* Loads the accounts file (brief's JSON format). On failure returns -EINVAL/-ENOENT/-ENOMEM
 * and writes a reason (never a secret) to err. */
int emu_accounts_load(const char *path, struct emu_accounts **out, char *err, size_t errlen);
/* One account with one root key. */
int emu_accounts_single(const char *account_id, const char *name, const char *akid,
                        const char *secret, struct emu_accounts **out);
void emu_accounts_free(struct emu_accounts *a);
/* Finds an access key; fills *out with pointers borrowed from a. 0 or -ENOENT. */
int emu_accounts_find_key(const struct emu_accounts *a, const char *akid, struct emu_key_info *out);

/* RAM policies (policy.c): the verdict of one policy document (json_t *) for an action
 * ("oss:GetObject") on a resource ("acs:oss:cn-hangzhou:1000000000000001:bucket/key") by req,
 * whose source address, transport and parameters the statements' Conditions are evaluated
 * against (req NULL: statements with a Condition do not apply): -1 explicit Deny, 1 Allow, 0
 * no statement applies. */
int emu_policy_eval(const void *policy, const struct emu_req *req, const char *action,
                    const char *resource);
/* Checks that a JSON text is a policy document this evaluator understands. 0 or -EINVAL with a
 * reason in err. */
int emu_policy_validate(const char *json_text, char *err, size_t errlen);

/* Authentication (auth.c): verifies the V1/V4 header or presigned signature of req and fills
 * req->who (anonymous when unsigned). On failure fills resp with the OSS error and returns
 * -EACCES (403) or -EINVAL (400). */
int emu_authenticate(const struct emu_server *s, struct emu_req *req, struct emu_resp *resp);

/* Addressing (addressing.c): the parsed request target. */
struct emu_target {
    char *host;           /* host the request addressed (absolute-form or Host header), no port */
    char *bucket;         /* NULL for service requests */
    char *key;            /* decoded; NULL for bucket requests */
    char *region;         /* region named by an oss-<region> host label, NULL when none */
    struct oss_kv *query; /* decoded; names and values malloc'ed, value "" when bare */
    size_t nquery;
};
/* Parses a raw request target (origin-form "/p?q" or absolute-form "http://h/p?q") with the
 * Host header and the server domain. Returns 0, -EINVAL (malformed escapes) or -ENOMEM;
 * the target must be cleaned up in every case. */
int emu_target_parse(const char *raw, const char *host_header, const char *domain,
                     struct emu_target *t);
void emu_target_cleanup(struct emu_target *t);

/* Request log (log.c): one JSON line per request, one write(2) each; thread-safe. */
int emu_log_open(const char *path, struct emu_log **out);
void emu_log_close(struct emu_log *l);
/* Logs one request: its operation, bucket, key, region reached, status, OSS error code, bytes,
 * latency, access key id and request id, and the faults injected into it ("" or NULL: none; fault.h
 * labels). resp->status is logged as it is: 0 means no answer was sent (the connection was reset).
 */
void emu_log_request_fault(struct emu_log *l, const struct emu_req *req,
                           const struct emu_resp *resp, const char *fault, uint64_t bytes_in,
                           uint64_t bytes_out, double latency_ms);

/* HTTP front (http.c). */
struct emu_http;
/* Starts serving s on listen ("127.0.0.1:PORT", port 0 picks a free one) as the endpoint of
 * region (NULL: s->region) for requests whose Host names none; writes the bound
 * "127.0.0.1:PORT" to bound. Returns 0 or -errno. */
int emu_http_start(struct emu_server *s, const char *listen, const char *region,
                   struct emu_http **out, char *bound, size_t boundlen);
/* Stops accepting, waits for running requests, frees h. */
void emu_http_stop(struct emu_http *h);
/* emu_http_start over HTTPS (GnuTLS in libmicrohttpd), with a PEM certificate chain and its
 * PEM key held in memory by the caller until emu_http_stop; requests it serves have
 * req->secure set. -ENOTSUP when libmicrohttpd lacks TLS; -EADDRINUSE also when the certificate or
 * key is not accepted (libmicrohttpd does not tell them apart). */
int emu_http_start_tls(struct emu_server *s, const char *listen, const char *cert_pem,
                       const char *key_pem, struct emu_http **out, char *bound, size_t boundlen);

/* Regions (region.c). A valid region name: 1..47 of [a-z0-9-]. */
int emu_region_valid(const char *region);
/* The endpoint refusal of real OSS when req reaches an existing bucket through another region's
 * endpoint: 403 AccessDenied with Bucket, Endpoint and EC 0003-00001403. 0 when the request
 * may go on, -EACCES with resp filled otherwise. */
int emu_region_check(const struct emu_server *s, const struct emu_req *req, struct emu_resp *resp);

#endif
