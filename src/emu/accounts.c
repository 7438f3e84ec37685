/* Accounts, access keys and RAM users: loaded once from the accounts file (or made from a
 * single key) and then only read, so lookups need no locking. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emu/emu.h"
#include "oss/codec.h"

struct emu_account {
    char *id;
    char *name;
};

struct emu_accounts {
    struct emu_account *accounts;
    size_t naccounts;
    struct emu_key_info *keys; /* strings owned here; policy is a json_t reference */
    size_t nkeys;
    json_t *root; /* the loaded document (owns the policies); NULL for a single key */
};

void emu_accounts_free(struct emu_accounts *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->naccounts; i++) {
        free(a->accounts[i].id);
        free(a->accounts[i].name);
    }
    for (size_t i = 0; i < a->nkeys; i++) {
        free((char *)a->keys[i].akid);
        free((char *)a->keys[i].secret);
    }
    free(a->accounts);
    free(a->keys);
    json_decref(a->root);
    free(a);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Adds an account; its id/name are copied. The ids of later keys point at this copy, so the
 * array is sized up front by the caller (no realloc after keys were added). */
static int add_account(struct emu_accounts *a, const char *id, const char *name)
{
    struct emu_account *ac = &a->accounts[a->naccounts];
    ac->id = strdup(id);
    ac->name = strdup(name ? name : id);
    if (!ac->id || !ac->name) {
        free(ac->id);
        free(ac->name);
        return -ENOMEM;
    }
    a->naccounts++;
    return 0;
}

static int add_key(struct emu_accounts *a, const char *akid, const char *secret,
                   const char *account_id, const char *user_id, const void *policy,
                   const char *token, time_t expires)
{
    struct emu_key_info *k = realloc(a->keys, (a->nkeys + 1) * sizeof(*k));
    if (!k)
        return -ENOMEM;
    a->keys = k;
    k += a->nkeys;
    k->akid = strdup(akid);
    k->secret = strdup(secret);
    if (!k->akid || !k->secret) {
        free((char *)k->akid);
        free((char *)k->secret);
        return -ENOMEM;
    }
    k->account_id = account_id;
    k->user_id = user_id;
    k->policy = policy;
    k->security_token = token; /* borrowed from the loaded document */
    k->expires = expires;
    a->nkeys++;
    return 0;
}

int emu_accounts_single(const char *account_id, const char *name, const char *akid,
                        const char *secret, struct emu_accounts **out)
{
    struct emu_accounts *a = calloc(1, sizeof(*a));
    if (!a || !(a->accounts = calloc(1, sizeof(*a->accounts)))) {
        free(a);
        return -ENOMEM;
    }
    int rc = add_account(a, account_id, name);
    if (rc == 0)
        rc = add_key(a, akid, secret, a->accounts[0].id, NULL, NULL, NULL, 0);
    if (rc) {
        emu_accounts_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* Adds every {"id","secret"} of a "keys" array; where says whose keys they are, for errors. */
static int load_keys(struct emu_accounts *a, json_t *keys, const char *account_id,
                     const char *user_id, const void *policy, const char *where, char *err,
                     size_t errlen)
{
    size_t i;
    json_t *k;
    if (keys && !json_is_array(keys)) {
        set_err(err, errlen, "%s: \"keys\" must be an array", where);
        return -EINVAL;
    }
    json_array_foreach(keys, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "id"));
        const char *secret = json_string_value(json_object_get(k, "secret"));
        if (!id || !secret || !*id || !*secret) {
            set_err(err, errlen, "%s: key %zu needs string \"id\" and \"secret\"", where, i);
            return -EINVAL;
        }
        struct emu_key_info dup;
        if (emu_accounts_find_key(a, id, &dup) == 0) {
            set_err(err, errlen, "%s: access key %s appears twice", where, id);
            return -EINVAL;
        }
        /* STS keys: "security_token" and optional "expiration" (2026-11-25T14:00:00Z). */
        json_t *tok = json_object_get(k, "security_token");
        const char *exp = json_string_value(json_object_get(k, "expiration"));
        time_t expires = 0;
        if ((tok && (!json_is_string(tok) || !*json_string_value(tok))) ||
            (json_object_get(k, "expiration") && (!exp || oss_parse_iso8601(exp, &expires)))) {
            set_err(err, errlen,
                    "%s: key %s: \"security_token\" must be a string and \"expiration\" an "
                    "ISO 8601 time",
                    where, id);
            return -EINVAL;
        }
        int rc =
            add_key(a, id, secret, account_id, user_id, policy, json_string_value(tok), expires);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_users(struct emu_accounts *a, json_t *users, const char *account_id, char *err,
                      size_t errlen)
{
    size_t i;
    json_t *u;
    if (users && !json_is_array(users)) {
        set_err(err, errlen, "account %s: \"users\" must be an array", account_id);
        return -EINVAL;
    }
    json_array_foreach(users, i, u)
    {
        const char *uid = json_string_value(json_object_get(u, "id"));
        json_t *policy = json_object_get(u, "policy");
        char where[160];
        if (!uid || !*uid) {
            set_err(err, errlen, "account %s: user %zu needs a string \"id\"", account_id, i);
            return -EINVAL;
        }
        snprintf(where, sizeof(where), "user %s", uid);
        if (policy) {
            char *text = json_dumps(policy, JSON_COMPACT);
            char perr[128] = "";
            int rc = text ? emu_policy_validate(text, perr, sizeof(perr)) : -ENOMEM;
            free(text);
            if (rc) {
                set_err(err, errlen, "%s: bad policy: %s", where, perr);
                return rc;
            }
        } else {
            policy = json_object(); /* no policy: nothing allowed */
            if (!policy || json_object_set_new(u, "policy", policy))
                return -ENOMEM;
        }
        /* The user id string lives in the JSON document, which outlives the keys. */
        int rc =
            load_keys(a, json_object_get(u, "keys"), account_id, uid, policy, where, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

int emu_accounts_load(const char *path, struct emu_accounts **out, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        set_err(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -EINVAL;
    }
    json_t *list = json_object_get(root, "accounts");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        set_err(err, errlen, "%s: needs a non-empty \"accounts\" array", path);
        json_decref(root);
        return -EINVAL;
    }
    struct emu_accounts *a = calloc(1, sizeof(*a));
    if (!a || !(a->accounts = calloc(json_array_size(list), sizeof(*a->accounts)))) {
        free(a);
        json_decref(root);
        return -ENOMEM;
    }
    a->root = root;

    size_t i;
    json_t *ac;
    int rc = 0;
    json_array_foreach(list, i, ac)
    {
        const char *id = json_string_value(json_object_get(ac, "id"));
        const char *name = json_string_value(json_object_get(ac, "name"));
        char where[96];
        if (!id || !*id) {
            set_err(err, errlen, "%s: account %zu needs a string \"id\"", path, i);
            rc = -EINVAL;
            break;
        }
        snprintf(where, sizeof(where), "account %s", id);
        if ((rc = add_account(a, id, name)) != 0)
            break;
        const char *aid = a->accounts[a->naccounts - 1].id;
        rc = load_keys(a, json_object_get(ac, "keys"), aid, NULL, NULL, where, err, errlen);
        if (rc == 0)
            rc = load_users(a, json_object_get(ac, "users"), aid, err, errlen);
        if (rc)
            break;
    }
    if (rc) {
        emu_accounts_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

int emu_accounts_find_key(const struct emu_accounts *a, const char *akid, struct emu_key_info *out)
{
    for (size_t i = 0; a && i < a->nkeys; i++) {
        if (strcmp(a->keys[i].akid, akid) == 0) {
            *out = a->keys[i];
            return 0;
        }
    }
    return -ENOENT;
}
