/* RAM policy evaluation and the authorization decision of every operation: RAM user policies
 * (explicit Deny over Allow over implicit deny), then bucket/object ACLs for everyone else
 * (oss-api.md 6.3, 7.4). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "emu/emu.h"
#include "emu/store.h"
#include "condition.h"
#include "op_perm.h"

/* True when v (a string or an array of strings) has an element matching s. */
static int any_match(json_t *v, const char *s, int fold)
{
    size_t i;
    json_t *e;
    if (json_is_string(v))
        return emu_policy_glob(json_string_value(v), s, fold);
    json_array_foreach(v, i, e)
    {
        if (json_is_string(e) && emu_policy_glob(json_string_value(e), s, fold))
            return 1;
    }
    return 0;
}

/* Verdict of one statement: -1 deny, 1 allow, 0 does not apply. A statement with a Condition
 * applies when the condition holds for req (condition.c); without a request (req NULL) it
 * never applies. */
static int statement_verdict(json_t *st, const struct emu_req *req, const char *action,
                             const char *resource)
{
    const char *effect = json_string_value(json_object_get(st, "Effect"));
    json_t *act = json_object_get(st, "Action"), *nact = json_object_get(st, "NotAction");
    json_t *res = json_object_get(st, "Resource"), *nres = json_object_get(st, "NotResource");

    json_t *cond = json_object_get(st, "Condition");

    if (!effect || (cond && !req))
        return 0;
    if (act ? !any_match(act, action, 1) : !nact || any_match(nact, action, 1))
        return 0;
    if (res ? !any_match(res, resource, 0) : !nres || any_match(nres, resource, 0))
        return 0;
    if (cond && !emu_condition_holds(cond, req, time(NULL)))
        return 0;
    if (strcasecmp(effect, "Deny") == 0)
        return -1;
    return strcasecmp(effect, "Allow") == 0 ? 1 : 0;
}

int emu_policy_eval(const void *policy, const struct emu_req *req, const char *action,
                    const char *resource)
{
    json_t *stmts = json_object_get((json_t *)policy, "Statement");
    int verdict = 0;
    size_t i;
    json_t *st;

    if (json_is_object(stmts))
        return statement_verdict(stmts, req, action, resource);
    json_array_foreach(stmts, i, st)
    {
        int v = statement_verdict(st, req, action, resource);
        if (v < 0)
            return -1;
        if (v > 0)
            verdict = 1;
    }
    return verdict;
}

int emu_policy_strings(json_t *v, int nonempty)
{
    size_t i;
    json_t *e;
    if (json_is_string(v))
        return !nonempty || json_string_length(v) > 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return 0;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return 0;
    }
    return 1;
}

int emu_policy_validate(const char *json_text, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads(json_text, 0, &jerr), *stmts, *st;
    const char *why = NULL;
    char cwhy[160];
    size_t i;

    if (!root) {
        snprintf(err, errlen, "not JSON: %s", jerr.text);
        return -EINVAL;
    }
    stmts = json_object_get(root, "Statement");
    if (!json_is_object(root))
        why = "not a JSON object";
    else if (!json_is_array(stmts) && !json_is_object(stmts))
        why = "\"Statement\" must be an array or an object";
    if (!why && json_is_object(stmts))
        stmts = json_pack("[O]", stmts);
    else
        json_incref(stmts);
    json_array_foreach(why ? NULL : stmts, i, st)
    {
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        if (!json_is_object(st))
            why = "a statement is not an object";
        else if (!effect || (strcasecmp(effect, "Allow") && strcasecmp(effect, "Deny")))
            why = "\"Effect\" must be Allow or Deny";
        else if (!emu_policy_strings(json_object_get(st, "Action"), 0) &&
                 !emu_policy_strings(json_object_get(st, "NotAction"), 0))
            why = "\"Action\" must be a string or an array of strings";
        else if (!emu_policy_strings(json_object_get(st, "Resource"), 0) &&
                 !emu_policy_strings(json_object_get(st, "NotResource"), 0))
            why = "\"Resource\" must be a string or an array of strings";
        else if (emu_condition_validate(json_object_get(st, "Condition"), cwhy, sizeof(cwhy)))
            why = cwhy;
        if (why)
            break;
    }
    json_decref(stmts);
    json_decref(root);
    if (why) {
        snprintf(err, errlen, "%s", why);
        return -EINVAL;
    }
    return 0;
}

/* Whether an ACL lets anyone (anonymous or another account) do a read or a write. */
static int acl_allows(const char *acl, int write)
{
    if (!acl)
        return 0;
    if (strcmp(acl, "public-read-write") == 0)
        return 1;
    return !write && strcmp(acl, "public-read") == 0;
}

/* "acs:oss:<region>:<account>:<bucket>[/<key>]", or "...:*" for service requests. The region is
 * the one the request reached, which is the bucket's (a bucket of another region is refused
 * before, region.c). */
static char *resource_arn(const struct emu_server *s, const struct emu_req *req, const char *owner)
{
    char *arn = NULL;
    const char *acct = owner ? owner : (req->who.account_id ? req->who.account_id : "*");
    const char *region = req->region ? req->region : s->region;
    int n;
    if (!req->bucket)
        n = asprintf(&arn, "acs:oss:%s:%s:*", region, acct);
    else if (!req->key)
        n = asprintf(&arn, "acs:oss:%s:%s:%s", region, acct, req->bucket);
    else
        n = asprintf(&arn, "acs:oss:%s:%s:%s/%s", region, acct, req->bucket, req->key);
    return n < 0 ? NULL : arn;
}

/* Whether a bucket-policy Principal ("*", an id or an array of them) names who. */
static int principal_matches(json_t *p, const struct emu_principal *who)
{
    size_t i;
    json_t *e;
    const char *id;
    if (json_is_string(p)) {
        id = json_string_value(p);
        return strcmp(id, "*") == 0 ||
               (who->account_id && !who->user_id && !strcmp(id, who->account_id)) ||
               (who->user_id && strcmp(id, who->user_id) == 0);
    }
    json_array_foreach(p, i, e)
    {
        if (principal_matches(e, who))
            return 1;
    }
    return 0;
}

/* Verdict (-1, 0, 1 as emu_policy_eval) of the bucket's policy, the stored bucket setting
 * "policy" (a JSON document whose statements carry a Principal), for the request's principal.
 * No policy, or one that does not parse: 0. */
static int bucket_policy_verdict(const struct emu_server *s, const struct emu_req *req,
                                 const char *action, const char *arn)
{
    char *text = NULL;
    int verdict = 0;
    size_t i;
    json_t *st;

    if (!req->bucket || !s->store ||
        emu_store_setting_get(s->store, req->bucket, "policy", &text) != 0)
        return 0;
    json_t *doc = json_loads(text, 0, NULL), *stmts = json_object_get(doc, "Statement");
    free(text);
    if (json_is_object(stmts))
        stmts = json_pack("[O]", stmts);
    else
        json_incref(stmts);
    json_array_foreach(stmts, i, st)
    {
        if (!principal_matches(json_object_get(st, "Principal"), &req->who))
            continue;
        int v = statement_verdict(st, req, action, arn);
        if (v < 0) {
            verdict = -1;
            break;
        }
        if (v > 0)
            verdict = 1;
    }
    json_decref(stmts);
    json_decref(doc);
    return verdict;
}

static int deny(const struct emu_req *req, struct emu_resp *resp, const char *action,
                const char *by)
{
    char m[192];
    snprintf(m, sizeof(m), "You are denied by %s to perform %s.", by, action);
    emu_resp_error(resp, req, 403, "AccessDenied", m, NULL, "AuthAction", action, NULL);
    return -EACCES;
}

/* Order of evaluation (oss-api.md 6.3, 7.4; DESIGN.md 2): an explicit Deny in the RAM user's
 * policy or in the bucket policy refuses; the owner account's own key is allowed; an Allow of
 * the RAM policy (same account) or of the bucket policy allows; else the ACL decides for
 * reads (public-read, public-read-write) and writes (public-read-write); bucket
 * administration (acl NULL) is never granted by an ACL. The owner's root key is exempt from
 * bucket-policy Deny, so an account cannot lock itself out. */
int emu_authorize(const struct emu_server *s, const struct emu_req *req, struct emu_resp *resp,
                  const char *action, const char *owner, const char *acl, int write)
{
    const struct emu_principal *who = &req->who;
    int same_account =
        !who->anonymous && who->account_id && (!owner || strcmp(owner, who->account_id) == 0);
    int ram = 0, bucket;
    const char *msg;
    char *arn = resource_arn(s, req, owner);

    if (!arn) {
        emu_resp_error(resp, req, 500, "InternalError", "Out of memory.", NULL, NULL);
        return -ENOMEM;
    }
    /* op_perm.c: requester pays, and Block Public Access voiding public grants to outsiders */
    int blocked = !same_account && owner && emu_public_access_blocked(s, req->bucket, owner);
    if (!same_account && owner && emu_request_payer_check(s, req, resp, req->bucket) < 0) {
        free(arn);
        return -EACCES;
    }
    if (!who->anonymous && who->policy)
        ram = emu_policy_eval(who->policy, req, action, arn);
    bucket = bucket_policy_verdict(s, req, action, arn);
    free(arn);
    /* through an access point's alias only its policy grants (op_access_point.c) */
    int ap = req->access_point && owner ? emu_access_point_verdict(s, req, action, owner) : 0;
    if (ram < 0)
        return deny(req, resp, action, "RAM policy");
    if (ap < 0)
        return deny(req, resp, action, "access point policy");
    if (same_account && !who->policy)
        return 0; /* the account's own (root) key */
    if (bucket < 0)
        return deny(req, resp, action, "bucket policy");
    int voided = blocked && emu_bucket_policy_public(s, req->bucket);
    if (req->access_point ? ap > 0 : (ram > 0 && same_account) || (bucket > 0 && !voided))
        return 0;
    if (acl && !blocked && !req->access_point && acl_allows(acl, write))
        return 0;

    if (req->access_point)
        msg = "You have no right to access this resource through the access point.";
    else if (!req->bucket)
        msg = "Anonymous access is forbidden for this operation.";
    else if (blocked)
        msg = "Public access to this bucket is blocked (Block Public Access).";
    else if (!acl)
        msg = same_account ? "You have no right to access this bucket (RAM policy)."
                           : "The bucket you access does not belong to you.";
    else if (same_account)
        msg = "You have no right to access this resource (RAM policy).";
    else
        msg = req->key ? "You have no right to access this object because of bucket acl."
                       : "You have no right to access this bucket because of bucket acl.";
    emu_resp_error(resp, req, 403, "AccessDenied", msg, NULL, "AuthAction", action, NULL);
    return -EACCES;
}
