/* Access points (oss-api.md 6.10; issue 9): Create/Get/List/DeleteAccessPoint (?accessPoint, the
 * name in x-oss-access-point-name), Put/Get/DeleteAccessPointPolicy (?accessPointPolicy, JSON),
 * Get/Put/DeleteAccessPointPublicAccessBlock (?publicAccessBlock&x-oss-access-point-name=NAME);
 * requests addressed to an access point's alias as if it were a bucket, and the verdict of
 * its policy for the authorizer.
 *
 * Storage: the bucket setting "accessPoints", a JSON object of name -> {alias, network, vpc,
 * created, policy, block}; and an alias index, the setting "accessPoint" of the pseudo-bucket
 * "/alias/<alias>" holding "<bucket>/<name>". Aliases are "<name>-<16 hex>-ossalias", a valid
 * bucket name, so clients address them like a bucket. Decisions (docs/decisions.md): through an
 * alias only the access point policy grants (to anyone but the owner's root key), explicit
 * Denies anywhere refuse; its resources are acs:oss:REGION:ACCOUNT:accesspoint/NAME and
 * .../accesspoint/NAME/object/KEY. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "op_perm.h"
#include "oss/client.h"
#include "op_priv.h"
#include "op_setting.h"

#define AP_SETTING "accessPoints"

/* The access points of bucket as a JSON object (new reference; an empty one when none), or
 * NULL on a store error. */
static json_t *ap_load(const struct emu_server *s, const char *bucket)
{
    char *text = NULL;
    json_t *all = NULL;
    int rc = emu_store_setting_get(s->store, bucket, AP_SETTING, &text);

    if (rc == 0)
        all = json_loads(text, 0, NULL);
    free(text);
    if (rc < 0 && rc != -ENOENT)
        return NULL;
    return json_is_object(all) ? all : (json_decref(all), json_object());
}

static int ap_save(struct emu_server *s, const char *bucket, json_t *all)
{
    char *text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = text ? emu_store_setting_put(s->store, bucket, AP_SETTING, text) : -ENOMEM;

    free(text);
    return rc;
}

/* Saves all as bucket's access points, releases it and answers status (500 when the store
 * failed). */
static void ap_commit(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      const char *bucket, json_t *all, int status)
{
    int rc = ap_save(s, bucket, all);

    json_decref(all);
    if (rc < 0)
        emu_op_internal(resp, req, rc);
    else
        resp->status = status;
}

static const char *ap_str(json_t *ap, const char *member)
{
    const char *v = json_string_value(json_object_get(ap, member));
    return v ? v : "";
}

static void alias_key(const char *alias, char *out, size_t len)
{
    snprintf(out, len, "/alias/%s", alias);
}

static void no_such_ap(struct emu_req *req, struct emu_resp *resp, const char *name)
{
    emu_resp_error(resp, req, 404, "NoSuchAccessPoint",
                   "The specified access point does not exist.", NULL, "AccessPointName",
                   name ? name : "", NULL);
}

/* The named access point of the request (header, or query for the Block Public Access calls)
 * in bucket b: 0 with *all (caller decrefs) and *ap borrowed from it, or -1 with resp. */
static int ap_named(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                    const struct emu_bucket *b, json_t **all, json_t **ap)
{
    const char *name = emu_req_header(req, "x-oss-access-point-name");

    if (!name)
        name = emu_req_query(req, "x-oss-access-point-name");
    *all = ap_load(s, b->name);
    if (!*all) {
        emu_op_internal(resp, req, -EIO);
        return -1;
    }
    *ap = name ? json_object_get(*all, name) : NULL;
    if (!*ap) {
        json_decref(*all);
        no_such_ap(req, resp, name);
        return -1;
    }
    return 0;
}

static void reply_ap_xml(struct emu_req *req, struct emu_resp *resp, struct oss_xml_writer *w,
                         struct oss_buf *xml)
{
    emu_op_reply_doc(req, resp, w, xml);
}

/* ---- CreateAccessPoint, GetAccessPoint, ListAccessPoints, DeleteAccessPoint ---- */

static void ap_create(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_xml_doc *doc = NULL;
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    char name[64] = "", net[16] = "", vpc[64] = "", alias[64], key[96], idx[160];
    unsigned long h = 5381;
    json_t *all;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:CreateAccessPoint", 1, &b) < 0)
        return;
    rc = req->body && req->body_len ? oss_xml_parse(req->body, req->body_len, 64 * 1024, &doc)
                                    : -EINVAL;
    if (rc < 0 || strcmp(oss_xml_name(oss_xml_root(doc)), "CreateAccessPointConfiguration") ||
        oss_xml_get_str(oss_xml_root(doc), "AccessPointName", name, sizeof(name)) < 0 ||
        oss_xml_get_str(oss_xml_root(doc), "NetworkOrigin", net, sizeof(net)) < 0) {
        oss_xml_free(doc);
        emu_op_malformed_xml(req, resp);
        return;
    }
    oss_xml_get_str(oss_xml_root(doc), "VpcConfiguration/VpcId", vpc, sizeof(vpc));
    oss_xml_free(doc);
    if (!oss_access_point_name_valid(name) || (strcmp(net, "internet") && strcmp(net, "vpc")) ||
        (!strcmp(net, "vpc") && !vpc[0])) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The access point name (3 to 19 lower-case letters, digits or hyphens), "
                       "NetworkOrigin (internet or vpc) or VpcId is not valid.",
                       NULL, "ArgumentName", "AccessPointName", "ArgumentValue", name, NULL);
        return;
    }
    if (!(all = ap_load(s, b.name))) {
        emu_op_internal(resp, req, -EIO);
        return;
    }
    if (json_object_get(all, name)) {
        json_decref(all);
        emu_resp_error(resp, req, 409, "AccessPointAlreadyExists",
                       "The access point already exists.", NULL, "AccessPointName", name, NULL);
        return;
    }
    for (const char *p = b.name; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (const char *p = name; *p; p++)
        h = h * 33 + (unsigned char)*p;
    snprintf(alias, sizeof(alias), "%s-%016lx-ossalias", name, h);
    json_object_set_new(all, name,
                        json_pack("{s:s, s:s, s:s, s:I}", "alias", alias, "network", net, "vpc",
                                  strcmp(net, "vpc") ? "" : vpc, "created",
                                  (json_int_t)time(NULL)));
    alias_key(alias, key, sizeof(key));
    snprintf(idx, sizeof(idx), "%s/%s", b.name, name);
    rc = ap_save(s, b.name, all);
    json_decref(all);
    if (rc == 0)
        rc = emu_store_setting_put(s->store, key, "accessPoint", idx);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_xml_begin(&w, &xml, "CreateAccessPointResult");
    oss_xmlw_elemf(&w, "AccessPointArn", "acs:oss:%s:%s:accesspoint/%s", b.region, b.owner, name);
    oss_xmlw_elem(&w, "Alias", alias);
    oss_xmlw_end(&w);
    reply_ap_xml(req, resp, &w, &xml);
}

/* The elements every description of an access point has. */
static void ap_describe(struct oss_xml_writer *w, const struct emu_bucket *b, const char *name,
                        json_t *ap)
{
    oss_xmlw_elem(w, "Bucket", b->name);
    oss_xmlw_elem(w, "AccessPointName", name);
    oss_xmlw_elem(w, "Alias", ap_str(ap, "alias"));
    oss_xmlw_elem(w, "NetworkOrigin", ap_str(ap, "network"));
    oss_xmlw_start(w, "VpcConfiguration");
    oss_xmlw_elem(w, "VpcId", ap_str(ap, "vpc"));
    oss_xmlw_end(w);
    oss_xmlw_elem(w, "Status", "enable");
}

static void ap_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    json_t *all, *ap;
    char when[40];
    time_t t;
    struct tm tm;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetAccessPoint", 0, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    t = (time_t)json_integer_value(json_object_get(ap, "created"));
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    emu_op_xml_begin(&w, &xml, "GetAccessPointResult");
    ap_describe(&w, &b, emu_req_header(req, "x-oss-access-point-name"), ap);
    oss_xmlw_elem(&w, "AccountId", b.owner);
    oss_xmlw_elemf(&w, "AccessPointArn", "acs:oss:%s:%s:accesspoint/%s", b.region, b.owner,
                   emu_req_header(req, "x-oss-access-point-name"));
    oss_xmlw_elem(&w, "CreationDate", when);
    oss_xmlw_start(&w, "Endpoints");
    oss_xmlw_elemf(&w, "PublicEndpoint", "%s.oss-%s.oss-accesspoint.aliyuncs.com",
                   ap_str(ap, "alias"), b.region);
    oss_xmlw_elemf(&w, "InternalEndpoint", "%s.oss-%s-internal.oss-accesspoint.aliyuncs.com",
                   ap_str(ap, "alias"), b.region);
    oss_xmlw_end(&w);
    oss_xmlw_start(&w, "PublicAccessBlockConfiguration");
    oss_xmlw_elem(&w, "BlockPublicAccess",
                  json_is_true(json_object_get(ap, "block")) ? "true" : "false");
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    json_decref(all);
    reply_ap_xml(req, resp, &w, &xml);
}

static void ap_list(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    const char *name;
    json_t *all, *ap;

    if (emu_op_bucket_admin(s, req, resp, "oss:ListAccessPoints", 0, &b) < 0)
        return;
    if (!(all = ap_load(s, b.name))) {
        emu_op_internal(resp, req, -EIO);
        return;
    }
    emu_op_xml_begin(&w, &xml, "ListAccessPointsResult");
    oss_xmlw_elem(&w, "IsTruncated", "false");
    oss_xmlw_elem(&w, "AccountId", b.owner);
    oss_xmlw_start(&w, "AccessPoints");
    json_object_foreach(all, name, ap) /* stored with sorted keys */
    {
        oss_xmlw_start(&w, "AccessPoint");
        ap_describe(&w, &b, name, ap);
        oss_xmlw_end(&w);
    }
    oss_xmlw_end(&w);
    oss_xmlw_end(&w);
    json_decref(all);
    reply_ap_xml(req, resp, &w, &xml);
}

static void ap_delete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    json_t *all, *ap;
    char key[96];
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:DeleteAccessPoint", 1, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    alias_key(ap_str(ap, "alias"), key, sizeof(key));
    rc = emu_store_setting_delete(s->store, key, "accessPoint");
    json_object_del(all, emu_req_header(req, "x-oss-access-point-name"));
    if (rc < 0) {
        json_decref(all);
        emu_op_internal(resp, req, rc);
        return;
    }
    ap_commit(s, req, resp, b.name, all, 204);
}

/* ---- access point policy and Block Public Access ---- */

/* Whether public grants through access point ap of bucket b count for nobody outside its
 * account: its own Block Public Access, the bucket's or the account's. */
static int ap_blocked(const struct emu_server *s, const char *bucket, const char *owner, json_t *ap)
{
    return json_is_true(json_object_get(ap, "block")) ||
           emu_public_access_blocked(s, bucket, owner);
}

static void ap_policy_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    json_t *all, *ap;
    const char *text;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetAccessPointPolicy", 0, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    text = json_string_value(json_object_get(ap, "policy"));
    if (!text)
        emu_resp_error(resp, req, 404, "NoSuchAccessPointPolicy",
                       "The access point policy does not exist.", NULL, NULL);
    else if (oss_buf_puts(&resp->body, text) == 0) {
        resp->status = 200;
        emu_resp_set_header(resp, "Content-Type", "application/json");
    }
    json_decref(all);
}

static void ap_policy_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_setting_err err = {0};
    struct emu_bucket b;
    json_t *all, *ap;

    if (emu_op_bucket_admin(s, req, resp, "oss:PutAccessPointPolicy", 1, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    if (req->body_path || req->body_len > 16 * 1024 ||
        emu_setting_check_policy(req->body, req->body_len, &err) < 0) {
        if (req->body_path || req->body_len > 16 * 1024)
            emu_resp_error(resp, req, 400, "EntityTooLarge", "The policy exceeds the 16 KB limit.",
                           NULL, NULL);
        else
            emu_resp_error(resp, req, err.status, err.code, err.msg, err.ec, NULL);
        json_decref(all);
        return;
    }
    if (emu_policy_text_public(req->body, req->body_len) && ap_blocked(s, b.name, b.owner, ap)) {
        json_decref(all);
        emu_resp_error(resp, req, 403, "AccessDenied",
                       "Put public access point policy is not allowed while public access is "
                       "blocked.",
                       NULL, NULL);
        return;
    }
    json_object_set_new(ap, "policy", json_stringn(req->body, req->body_len));
    ap_commit(s, req, resp, b.name, all, 200);
}

static void ap_policy_delete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    json_t *all, *ap;

    if (emu_op_bucket_admin(s, req, resp, "oss:DeleteAccessPointPolicy", 1, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    json_object_del(ap, "policy");
    ap_commit(s, req, resp, b.name, all, 204);
}

static void ap_pab_get(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    json_t *all, *ap;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetAccessPointPublicAccessBlock", 0, &b) < 0 ||
        ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    emu_op_xml_begin(&w, &xml, "PublicAccessBlockConfiguration");
    oss_xmlw_elem(&w, "BlockPublicAccess",
                  json_is_true(json_object_get(ap, "block")) ? "true" : "false");
    oss_xmlw_end(&w);
    json_decref(all);
    reply_ap_xml(req, resp, &w, &xml);
}

/* Put (value "true"/"false" from the body) and Delete (value NULL) of an access point's Block
 * Public Access. */
static void ap_pab_set(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int put)
{
    struct oss_xml_doc *doc = NULL;
    struct emu_bucket b;
    json_t *all, *ap;
    char v[16] = "false";
    int rc;

    if (emu_op_bucket_admin(s, req, resp,
                            put ? "oss:PutAccessPointPublicAccessBlock"
                                : "oss:DeleteAccessPointPublicAccessBlock",
                            1, &b) < 0)
        return;
    if (put) {
        rc = req->body && req->body_len ? oss_xml_parse(req->body, req->body_len, 4096, &doc)
                                        : -EINVAL;
        if (rc == 0 && strcmp(oss_xml_name(oss_xml_root(doc)), "PublicAccessBlockConfiguration"))
            rc = -EINVAL;
        if (rc == 0) {
            int g = oss_xml_get_str(oss_xml_root(doc), "BlockPublicAccess", v, sizeof(v));
            if (g < 0 && g != -ENOENT)
                rc = -EINVAL; /* absent: false, as for buckets */
        }
        oss_xml_free(doc);
        if (rc < 0 || (strcmp(v, "true") && strcmp(v, "false"))) {
            emu_op_malformed_xml(req, resp);
            return;
        }
    }
    if (ap_named(s, req, resp, &b, &all, &ap) < 0)
        return;
    json_object_set_new(ap, "block", json_boolean(!strcmp(v, "true")));
    ap_commit(s, req, resp, b.name, all, put ? 200 : 204);
}

static void ap_pab_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    ap_pab_set(s, req, resp, 1);
}

static void ap_pab_delete(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    ap_pab_set(s, req, resp, 0);
}

/* ---- routing ---- */

emu_handler_fn emu_access_point_route(struct emu_req *req, const char *sub)
{
    const char *m = req->method;
    int named = emu_req_header(req, "x-oss-access-point-name") != NULL;

    if (!strcmp(sub, "publicAccessBlock") && emu_req_has_query(req, "x-oss-access-point-name")) {
        if (!strcmp(m, "GET"))
            return req->op = "GetAccessPointPublicAccessBlock", ap_pab_get;
        if (!strcmp(m, "PUT"))
            return req->op = "PutAccessPointPublicAccessBlock", ap_pab_put;
        if (!strcmp(m, "DELETE"))
            return req->op = "DeleteAccessPointPublicAccessBlock", ap_pab_delete;
    } else if (!strcmp(sub, "accessPoint")) {
        if (!strcmp(m, "PUT"))
            return req->op = "CreateAccessPoint", ap_create;
        if (!strcmp(m, "GET"))
            return named ? (req->op = "GetAccessPoint", ap_get)
                         : (req->op = "ListAccessPoints", ap_list);
        if (!strcmp(m, "DELETE"))
            return req->op = "DeleteAccessPoint", ap_delete;
    } else if (!strcmp(sub, "accessPointPolicy")) {
        if (!strcmp(m, "GET"))
            return req->op = "GetAccessPointPolicy", ap_policy_get;
        if (!strcmp(m, "PUT"))
            return req->op = "PutAccessPointPolicy", ap_policy_put;
        if (!strcmp(m, "DELETE"))
            return req->op = "DeleteAccessPointPolicy", ap_policy_delete;
    }
    return NULL;
}

/* ---- requests through an alias ---- */

int emu_access_point_resolve(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    size_t n = req->bucket ? strlen(req->bucket) : 0;
    char key[96], *v = NULL, *slash;
    int rc;

    if (n < 10 || n >= 64 || strcmp(req->bucket + n - 9, "-ossalias") != 0)
        return 0;
    alias_key(req->bucket, key, sizeof(key));
    rc = emu_store_setting_get(s->store, key, "accessPoint", &v);
    if (rc == -ENOENT)
        return 0; /* an ordinary bucket name */
    if (rc < 0 || !(slash = strchr(v, '/'))) {
        free(v);
        emu_op_internal(resp, req, rc < 0 ? rc : -EIO);
        return -1;
    }
    *slash = 0;
    snprintf(req->ap_bucket, sizeof(req->ap_bucket), "%s", v);
    snprintf(req->ap_name, sizeof(req->ap_name), "%s", slash + 1);
    free(v);
    req->bucket = req->ap_bucket;
    req->access_point = req->ap_name;
    return 0;
}

/* The requester matches a Principal ("*", an account id or a RAM user id, or an array). */
static int principal_is(json_t *p, const struct emu_principal *who)
{
    size_t i;
    json_t *e;
    const char *id = json_string_value(p);

    if (id)
        return !strcmp(id, "*") ||
               (who->account_id && !who->user_id && !strcmp(id, who->account_id)) ||
               (who->user_id && !strcmp(id, who->user_id));
    json_array_foreach(p, i, e)
    {
        if (principal_is(e, who))
            return 1;
    }
    return 0;
}

int emu_access_point_verdict(const struct emu_server *s, const struct emu_req *req,
                             const char *action, const char *owner)
{
    json_t *all = ap_load(s, req->bucket), *ap = json_object_get(all, req->access_point);
    json_t *doc = NULL, *mine = NULL, *st;
    const char *text = json_string_value(json_object_get(ap, "policy"));
    int outsider = req->who.anonymous || !req->who.account_id || strcmp(req->who.account_id, owner);
    int verdict = 0;
    char *arn = NULL;
    size_t i;

    if (text)
        doc = json_loads(text, 0, NULL);
    if (doc && outsider && emu_policy_text_public(text, strlen(text)) &&
        ap_blocked(s, req->bucket, owner, ap)) {
        json_decref(doc); /* a public policy grants outsiders nothing while blocked */
        doc = NULL;
    }
    mine = json_pack("{s:s, s:[]}", "Version", "1", "Statement");
    json_array_foreach(json_object_get(doc, "Statement"), i, st)
    {
        if (principal_is(json_object_get(st, "Principal"), &req->who))
            json_array_append(json_object_get(mine, "Statement"), st);
    }
    if (req->key && asprintf(&arn, "acs:oss:%s:%s:accesspoint/%s/object/%s", s->region, owner,
                             req->access_point, req->key) < 0)
        arn = NULL;
    else if (!req->key && asprintf(&arn, "acs:oss:%s:%s:accesspoint/%s", s->region, owner,
                                   req->access_point) < 0)
        arn = NULL;
    if (arn && json_array_size(json_object_get(mine, "Statement")))
        verdict = emu_policy_eval(mine, req, action, arn);
    free(arn);
    json_decref(mine);
    json_decref(doc);
    json_decref(all);
    return verdict;
}
