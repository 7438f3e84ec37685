/* Block Public Access (account and bucket), GetBucketPolicyStatus, requester pays and the
 * HTTPS configuration (oss-api.md 6.10), with the checks that make them bite: the authorizer
 * asks whether public grants count and whether a requester-pays bucket accepts the request,
 * and the ACL and policy writers refuse public values while access is blocked.
 *
 * Storage: bucket settings of the store under the sub-resource names; the account's Block
 * Public Access is the setting "publicAccessBlock" of the pseudo-bucket "/account/<id>" (no
 * bucket name holds a '/'). Decisions (docs/decisions.md): unset Block Public Access reads
 * false, unset request payment BucketOwner, unset HTTPS configuration TLS Enable false;
 * setting a public ACL or policy while blocked is 403 AccessDenied. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "op_perm.h"
#include "op_priv.h"

#define DOC_MAX (64 * 1024)

static void account_key(const char *account, char *out, size_t len)
{
    snprintf(out, len, "/account/%s", account ? account : "");
}

/* Whether the stored setting name of scope is the text "true". */
static int setting_true(const struct emu_server *s, const char *scope, const char *name)
{
    char *v = NULL;
    int on = emu_store_setting_get(s->store, scope, name, &v) == 0 && v && !strcmp(v, "true");
    free(v);
    return on;
}

int emu_public_access_blocked(const struct emu_server *s, const char *bucket, const char *owner)
{
    char key[EMU_NAME_MAX + 16];

    if (!s->store)
        return 0;
    if (bucket && setting_true(s, bucket, "publicAccessBlock"))
        return 1;
    account_key(owner, key, sizeof(key));
    return owner && setting_true(s, key, "publicAccessBlock");
}

/* ---- what "public" means for a policy ---- */

/* A string or array of strings none of which holds '*' (and at least one). */
static int fixed_values(json_t *v)
{
    size_t i;
    json_t *e;

    if (json_is_string(v))
        return !strchr(json_string_value(v), '*');
    if (!json_is_array(v) || json_array_size(v) == 0)
        return 0;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e) || strchr(json_string_value(e), '*'))
            return 0;
    }
    return 1;
}

static int principal_public(json_t *p)
{
    size_t i;
    json_t *e;

    if (json_is_string(p))
        return strchr(json_string_value(p), '*') != NULL;
    json_array_foreach(p, i, e)
    {
        if (json_is_string(e) && strchr(json_string_value(e), '*'))
            return 1;
    }
    return 0;
}

/* A Condition that pins the source network or the access key to fixed values. */
static int condition_restricts(json_t *cond)
{
    static const char *const keys[] = {"acs:SourceIp", "acs:SourceVpc", "acs:SourceVpcId",
                                       "acs:AccessId", NULL};
    const char *op, *k;
    json_t *block, *v;

    json_object_foreach(cond, op, block)
    {
        json_object_foreach(block, k, v)
        {
            for (size_t i = 0; keys[i]; i++)
                if (!strcasecmp(k, keys[i]) && fixed_values(v))
                    return 1;
        }
    }
    return 0;
}

int emu_policy_text_public(const char *text, size_t len)
{
    json_t *doc = text ? json_loadb(text, len, 0, NULL) : NULL;
    json_t *stmts = json_object_get(doc, "Statement"), *st;
    int pub = 0;
    size_t i;

    if (json_is_object(stmts))
        stmts = json_pack("[O]", stmts);
    else
        json_incref(stmts);
    json_array_foreach(stmts, i, st)
    {
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        if (effect && !strcmp(effect, "Allow") &&
            principal_public(json_object_get(st, "Principal")) &&
            !condition_restricts(json_object_get(st, "Condition")))
            pub = 1;
    }
    json_decref(stmts);
    json_decref(doc);
    return pub;
}

int emu_bucket_policy_public(const struct emu_server *s, const char *bucket)
{
    char *text = NULL;
    int pub = 0;

    if (s->store && bucket && emu_store_setting_get(s->store, bucket, "policy", &text) == 0)
        pub = emu_policy_text_public(text, strlen(text));
    free(text);
    return pub;
}

/* ---- refusals ---- */

static int blocked_answer(struct emu_req *req, struct emu_resp *resp, const char *what)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "Put public %s is not allowed while public access is blocked.",
             what);
    emu_resp_error(resp, req, 403, "AccessDenied", msg, NULL, NULL);
    return -1;
}

int emu_public_acl_refused(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                           const char *bucket, const char *owner, const char *acl)
{
    if (!acl || (strcmp(acl, "public-read") && strcmp(acl, "public-read-write")))
        return 0;
    if (!emu_public_access_blocked(s, bucket, owner))
        return 0;
    return blocked_answer(req, resp, req->key ? "object acl" : "bucket acl");
}

int emu_public_policy_refused(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                              const char *bucket, const char *owner, const char *text, size_t len)
{
    if (!emu_policy_text_public(text, len) || !emu_public_access_blocked(s, bucket, owner))
        return 0;
    return blocked_answer(req, resp, "bucket policy");
}

int emu_request_payer_check(const struct emu_server *s, const struct emu_req *req,
                            struct emu_resp *resp, const char *bucket)
{
    const char *h = emu_req_header(req, "x-oss-request-payer");
    const char *q = emu_req_query(req, "x-oss-request-payer");
    int presigned =
        emu_req_has_query(req, "Signature") || emu_req_has_query(req, "x-oss-signature");
    char *v = NULL;
    int requester;

    if (!s->store || !bucket || emu_store_setting_get(s->store, bucket, "requestPayment", &v) != 0)
        return 0;
    requester = !strcmp(v, "Requester");
    free(v);
    if (!requester)
        return 0;
    if (req->who.anonymous) {
        emu_resp_error(resp, req, 403, "AccessDenied",
                       "Anonymous access is forbidden for a requester-pays bucket.",
                       "0003-00000701", NULL);
        return -EACCES;
    }
    if ((h && !strcasecmp(h, "requester")) || (q && !strcasecmp(q, "requester")))
        return 0;
    emu_resp_error(resp, req, 403, "AccessDenied",
                   "The bucket is requester-pays: the request must carry "
                   "x-oss-request-payer: requester.",
                   presigned ? "0003-00000702" : "0003-00000703", NULL);
    return -EACCES;
}

/* ---- request documents ---- */

/* The request body as a document with root element root: 0 with *doc, or -1 with 400
 * MalformedXML (or 500) in resp. */
static int body_doc(struct emu_req *req, struct emu_resp *resp, const char *root,
                    struct oss_xml_doc **doc)
{
    int rc = req->body && req->body_len ? oss_xml_parse(req->body, req->body_len, DOC_MAX, doc)
                                        : -EINVAL;

    if (rc == 0 && strcmp(oss_xml_name(oss_xml_root(*doc)), root) == 0)
        return 0;
    if (rc == 0)
        oss_xml_free(*doc);
    *doc = NULL;
    if (rc == -ENOMEM)
        emu_op_internal(resp, req, rc);
    else
        emu_op_malformed_xml(req, resp);
    return -1;
}

static void invalid_argument(struct emu_req *req, struct emu_resp *resp, const char *name,
                             const char *value, const char *msg)
{
    emu_resp_error(resp, req, 400, "InvalidArgument", msg, NULL, "ArgumentName", name,
                   "ArgumentValue", value ? value : "", NULL);
}

/* Replies <root><elem>value</elem></root>. */
static void reply_word(struct emu_req *req, struct emu_resp *resp, const char *root,
                       const char *elem, const char *value)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;

    emu_op_xml_begin(&w, &xml, root);
    oss_xmlw_elem(&w, elem, value);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}

static void store_result(struct emu_req *req, struct emu_resp *resp, int rc, int status)
{
    if (rc < 0)
        emu_op_internal(resp, req, rc);
    else
        resp->status = status;
}

/* ---- Block Public Access ---- */

/* The scope of a Block Public Access request: the bucket (authorized as its administration)
 * or the requester's account. 0 with scope filled, or -1 with resp filled. */
static int pab_scope(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                     const char *verb, int write, char *scope, size_t len)
{
    char action[64];
    struct emu_bucket b;

    if (req->bucket) {
        snprintf(action, sizeof(action), "oss:%sBucketPublicAccessBlock", verb);
        if (emu_op_bucket_admin(s, req, resp, action, write, &b) < 0)
            return -1;
        snprintf(scope, len, "%s", b.name);
        return 0;
    }
    snprintf(action, sizeof(action), "oss:%sPublicAccessBlock", verb);
    if (emu_authorize(s, req, resp, action, NULL, NULL, write) < 0)
        return -1;
    account_key(req->who.account_id, scope, len);
    return 0;
}

static void pab_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    char scope[EMU_NAME_MAX + 16];

    if (pab_scope(s, req, resp, "Get", 0, scope, sizeof(scope)) < 0)
        return;
    reply_word(req, resp, "PublicAccessBlockConfiguration", "BlockPublicAccess",
               setting_true(s, scope, "publicAccessBlock") ? "true" : "false");
}

static void pab_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    char scope[EMU_NAME_MAX + 16], v[16];
    struct oss_xml_doc *doc = NULL;
    int rc;

    if (pab_scope(s, req, resp, "Put", 1, scope, sizeof(scope)) < 0 ||
        body_doc(req, resp, "PublicAccessBlockConfiguration", &doc) < 0)
        return;
    rc = oss_xml_get_str(oss_xml_root(doc), "BlockPublicAccess", v, sizeof(v));
    oss_xml_free(doc);
    if (rc == -ENOENT)
        snprintf(v, sizeof(v), "false"); /* optional, false by default */
    else if (rc < 0 || (strcmp(v, "true") && strcmp(v, "false"))) {
        invalid_argument(req, resp, "BlockPublicAccess", rc < 0 ? "" : v,
                         "BlockPublicAccess must be true or false.");
        return;
    }
    store_result(req, resp, emu_store_setting_put(s->store, scope, "publicAccessBlock", v), 200);
}

static void pab_delete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    char scope[EMU_NAME_MAX + 16];

    if (pab_scope(s, req, resp, "Delete", 1, scope, sizeof(scope)) < 0)
        return;
    store_result(req, resp, emu_store_setting_delete(s->store, scope, "publicAccessBlock"), 204);
}

/* ---- policy status ---- */

static void policy_status_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketPolicyStatus", 0, &b) < 0)
        return;
    reply_word(req, resp, "PolicyStatus", "IsPublic",
               emu_bucket_policy_public(s, b.name) ? "true" : "false");
}

/* ---- requester pays ---- */

static void payment_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    char *v = NULL;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketRequestPayment", 0, &b) < 0)
        return;
    if (emu_store_setting_get(s->store, b.name, "requestPayment", &v) < 0)
        v = NULL;
    reply_word(req, resp, "RequestPaymentConfiguration", "Payer", v ? v : "BucketOwner");
    free(v);
}

static void payment_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_xml_doc *doc = NULL;
    struct emu_bucket b;
    char v[32];
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:PutBucketRequestPayment", 1, &b) < 0 ||
        body_doc(req, resp, "RequestPaymentConfiguration", &doc) < 0)
        return;
    rc = oss_xml_get_str(oss_xml_root(doc), "Payer", v, sizeof(v));
    oss_xml_free(doc);
    if (rc == -ENOENT) {
        emu_op_malformed_xml(req, resp);
        return;
    }
    if (rc < 0 || (strcmp(v, "BucketOwner") && strcmp(v, "Requester"))) {
        invalid_argument(req, resp, "Payer", rc < 0 ? "" : v,
                         "Payer must be BucketOwner or Requester.");
        return;
    }
    store_result(req, resp, emu_store_setting_put(s->store, b.name, "requestPayment", v), 200);
}

/* ---- HTTPS configuration ---- */

static const char *const tls_versions[] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL};
static const char *const suite_elems[] = {"Enable", "StrongCipherSuite", "CustomCipherSuite",
                                          "TLS13CustomCipherSuite", NULL};

static int tls_index(const char *v)
{
    for (int i = 0; tls_versions[i]; i++)
        if (!strcmp(tls_versions[i], v))
            return i;
    return -1;
}

/* Writes the canonical HttpsConfiguration of root into w: TLS{Enable, TLSVersion* in version
 * order}, then CipherSuite's elements as given. 0, or -1 with resp filled. */
static int https_canonical(struct emu_req *req, struct emu_resp *resp,
                           const struct oss_xml_node *root, struct oss_xml_writer *w)
{
    const struct oss_xml_node *tls = oss_xml_first(root, "TLS"), *cs, *x;
    struct oss_buf v = OSS_BUF_INIT;
    int enable = 0, seen[4] = {0}, any = 0, rc;

    if (!tls || (rc = oss_xml_get_bool(tls, "Enable", &enable)) < 0) {
        emu_op_malformed_xml(req, resp);
        return -1;
    }
    for (x = oss_xml_first(tls, "TLSVersion"); x; x = oss_xml_next(x, "TLSVersion")) {
        int k;
        oss_buf_reset(&v);
        if (oss_xml_text(x, &v) < 0 || (k = tls_index(oss_buf_str(&v))) < 0) {
            invalid_argument(req, resp, "TLSVersion", oss_buf_str(&v),
                             "TLSVersion must be TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3.");
            oss_buf_cleanup(&v);
            return -1;
        }
        seen[k] = any = 1;
    }
    if (enable && !any) {
        invalid_argument(req, resp, "TLSVersion", "",
                         "At least one TLSVersion is required when TLS is enabled.");
        oss_buf_cleanup(&v);
        return -1;
    }
    oss_xmlw_start(w, "HttpsConfiguration");
    oss_xmlw_start(w, "TLS");
    oss_xmlw_elem(w, "Enable", enable ? "true" : "false");
    for (int k = 0; enable && k < 4; k++)
        if (seen[k])
            oss_xmlw_elem(w, "TLSVersion", tls_versions[k]);
    oss_xmlw_end(w);
    if ((cs = oss_xml_first(root, "CipherSuite")) != NULL) {
        oss_xmlw_start(w, "CipherSuite");
        for (size_t i = 0; suite_elems[i]; i++)
            for (x = oss_xml_first(cs, suite_elems[i]); x; x = oss_xml_next(x, suite_elems[i])) {
                oss_buf_reset(&v);
                if (oss_xml_text(x, &v) == 0)
                    oss_xmlw_elem(w, suite_elems[i], oss_buf_str(&v));
            }
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
    oss_buf_cleanup(&v);
    return 0;
}

static void https_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct emu_bucket b;
    char *v = NULL;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketHttpsConfig", 0, &b) < 0)
        return;
    rc = emu_store_setting_get(s->store, b.name, "httpsConfig", &v);
    if (rc < 0 && rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return;
    }
    rc = oss_buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (rc == 0)
        rc = oss_buf_puts(&xml, v ? v
                                  : "<HttpsConfiguration><TLS><Enable>false</Enable></TLS>"
                                    "</HttpsConfiguration>");
    free(v);
    if (rc < 0) {
        oss_buf_cleanup(&xml);
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_reply_xml(resp, &xml);
}

static void https_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf canon = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    struct oss_xml_writer w;
    struct emu_bucket b;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:PutBucketHttpsConfig", 1, &b) < 0 ||
        body_doc(req, resp, "HttpsConfiguration", &doc) < 0)
        return;
    oss_xmlw_init(&w, &canon);
    rc = https_canonical(req, resp, oss_xml_root(doc), &w);
    if (rc == 0 && oss_xmlw_finish(&w) < 0) {
        emu_op_internal(resp, req, -ENOMEM);
        rc = -1;
    }
    oss_xml_free(doc);
    if (rc == 0)
        store_result(req, resp,
                     emu_store_setting_put(s->store, b.name, "httpsConfig", oss_buf_str(&canon)),
                     200);
    oss_buf_cleanup(&canon);
}

/* ---- routing ---- */

static void method_not_allowed(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    (void)s;
    emu_resp_error(resp, req, 405, "MethodNotAllowed",
                   "The specified method is not allowed against this resource.", NULL, "Method",
                   req->method, "ResourceType", "Bucket", NULL);
}

struct perm_route {
    const char *sub, *method, *op;
    emu_handler_fn fn;
};

/* clang-format off */
static const struct perm_route bucket_routes[] = {
    {"publicAccessBlock", "GET", "GetBucketPublicAccessBlock", pab_get},
    {"publicAccessBlock", "PUT", "PutBucketPublicAccessBlock", pab_put},
    {"publicAccessBlock", "DELETE", "DeleteBucketPublicAccessBlock", pab_delete},
    {"policyStatus", "GET", "GetBucketPolicyStatus", policy_status_get},
    {"requestPayment", "GET", "GetBucketRequestPayment", payment_get},
    {"requestPayment", "PUT", "PutBucketRequestPayment", payment_put},
    {"httpsConfig", "GET", "GetBucketHttpsConfig", https_get},
    {"httpsConfig", "PUT", "PutBucketHttpsConfig", https_put},
    {"worm", "POST", "InitiateBucketWorm", emu_op_initiate_bucket_worm},
    {"worm", "DELETE", "AbortBucketWorm", emu_op_abort_bucket_worm},
    {"worm", "GET", "GetBucketWorm", emu_op_get_bucket_worm},
    {"wormId", "POST", "CompleteBucketWorm", emu_op_complete_bucket_worm},
    {"wormExtend", "POST", "ExtendBucketWorm", emu_op_extend_bucket_worm},
};
static const struct perm_route service_routes[] = {
    {"publicAccessBlock", "GET", "GetPublicAccessBlock", pab_get},
    {"publicAccessBlock", "PUT", "PutPublicAccessBlock", pab_put},
    {"publicAccessBlock", "DELETE", "DeletePublicAccessBlock", pab_delete},
};
/* clang-format on */

static emu_handler_fn route(struct emu_req *req, const char *sub, const struct perm_route *t,
                            size_t n)
{
    int known = 0;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].sub, sub))
            continue;
        known = 1;
        if (!strcmp(t[i].method, req->method)) {
            req->op = t[i].op;
            return t[i].fn;
        }
    }
    if (!known)
        return NULL;
    req->op = "Unknown";
    return method_not_allowed;
}

emu_handler_fn emu_perm_route_bucket(struct emu_req *req, const char *sub)
{
    emu_handler_fn ap = emu_access_point_route(req, sub);

    if (ap)
        return ap;
    if (emu_req_has_query(req, "wormExtend"))
        sub = "wormExtend"; /* ?wormExtend&wormId=ID */
    return route(req, sub, bucket_routes, sizeof(bucket_routes) / sizeof(bucket_routes[0]));
}

emu_handler_fn emu_perm_route_service(struct emu_req *req)
{
    if (!emu_req_has_query(req, "publicAccessBlock"))
        return NULL;
    return route(req, "publicAccessBlock", service_routes,
                 sizeof(service_routes) / sizeof(service_routes[0]));
}
