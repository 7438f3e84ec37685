/* Policy Condition evaluation (RAM and bucket policies): the String, IpAddress, Bool, Date and
 * Numeric operators on the keys acs:SourceIp, acs:SecureTransport, acs:CurrentTime,
 * acs:UserAgent, acs:Referer, oss:Prefix, oss:Delimiter and oss:MaxKeys. See condition.h for
 * the rules of missing keys and docs/decisions.md for what OSS leaves unsaid. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "condition.h"

/* Policy glob match with '*' (any run) and '?' (one character); fold selects case-insensitivity. */
int emu_policy_glob(const char *pat, const char *s, int fold)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat == '?' || (fold ? tolower((unsigned char)*pat) == tolower((unsigned char)*s)
                                        : *pat == *s)) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* How an operator compares the request's value with one of the policy's values. */
enum cond_kind { K_STRING, K_STRING_CI, K_LIKE, K_IP, K_BOOL, K_DATE, K_NUMERIC };
enum cond_cmp { C_EQ, C_LT, C_LE, C_GT, C_GE };

struct cond_op {
    const char *name;
    enum cond_kind kind;
    enum cond_cmp cmp;
    int negated; /* holds when no value matches */
};

/* clang-format off */
static const struct cond_op ops[] = {
    {"StringEquals",              K_STRING,    C_EQ, 0},
    {"StringNotEquals",           K_STRING,    C_EQ, 1},
    {"StringEqualsIgnoreCase",    K_STRING_CI, C_EQ, 0},
    {"StringNotEqualsIgnoreCase", K_STRING_CI, C_EQ, 1},
    {"StringLike",                K_LIKE,      C_EQ, 0},
    {"StringNotLike",             K_LIKE,      C_EQ, 1},
    {"IpAddress",                 K_IP,        C_EQ, 0},
    {"NotIpAddress",              K_IP,        C_EQ, 1},
    {"Bool",                      K_BOOL,      C_EQ, 0},
    {"DateEquals",                K_DATE,      C_EQ, 0},
    {"DateNotEquals",             K_DATE,      C_EQ, 1},
    {"DateLessThan",              K_DATE,      C_LT, 0},
    {"DateLessThanEquals",        K_DATE,      C_LE, 0},
    {"DateGreaterThan",           K_DATE,      C_GT, 0},
    {"DateGreaterThanEquals",     K_DATE,      C_GE, 0},
    {"NumericEquals",             K_NUMERIC,   C_EQ, 0},
    {"NumericNotEquals",          K_NUMERIC,   C_EQ, 1},
    {"NumericLessThan",           K_NUMERIC,   C_LT, 0},
    {"NumericLessThanEquals",     K_NUMERIC,   C_LE, 0},
    {"NumericGreaterThan",        K_NUMERIC,   C_GT, 0},
    {"NumericGreaterThanEquals",  K_NUMERIC,   C_GE, 0},
};
/* clang-format on */

/* The operator named name (with its "IfExists" suffix noted in *if_exists), or NULL. */
static const struct cond_op *find_op(const char *name, int *if_exists)
{
    size_t n = strlen(name), sfx = strlen("IfExists");
    *if_exists = n > sfx && strcmp(name + n - sfx, "IfExists") == 0;
    if (*if_exists)
        n -= sfx;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strlen(ops[i].name) == n && strncmp(ops[i].name, name, n) == 0)
            return &ops[i];
    return NULL;
}

/* A policy value as text (strings as they are, booleans and numbers spelled out) into buf. */
static const char *value_text(json_t *v, char *buf, size_t len)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v))
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, len, "%.17g", json_real_value(v));
    else
        return NULL;
    return buf;
}

static int value_ok(json_t *v)
{
    return json_is_string(v) || json_is_boolean(v) || json_is_number(v);
}

int emu_condition_validate(json_t *cond, char *err, size_t errlen)
{
    const char *opname, *key;
    json_t *keys, *v, *e;
    int if_exists;
    size_t i;

    if (!cond)
        return 0;
    if (!json_is_object(cond)) {
        snprintf(err, errlen, "\"Condition\" must be an object");
        return -EINVAL;
    }
    json_object_foreach(cond, opname, keys)
    {
        if (!find_op(opname, &if_exists)) {
            snprintf(err, errlen, "unknown condition operator \"%.64s\"", opname);
            return -EINVAL;
        }
        if (!json_is_object(keys) || json_object_size(keys) == 0) {
            snprintf(err, errlen, "condition operator \"%.64s\" needs keys", opname);
            return -EINVAL;
        }
        json_object_foreach(keys, key, v)
        {
            int ok = value_ok(v) || (json_is_array(v) && json_array_size(v) > 0);
            json_array_foreach(json_is_array(v) ? v : NULL, i, e) ok = ok && value_ok(e);
            if (!ok) {
                snprintf(err, errlen, "condition key \"%.64s\" needs a value or a list of values",
                         key);
                return -EINVAL;
            }
        }
    }
    return 0;
}

/* The request's value of key into buf (NULL when the request has none). */
static const char *key_value(const char *key, const struct emu_req *req, time_t now, char *buf,
                             size_t len)
{
    if (!strcasecmp(key, "acs:SourceIp"))
        return req->source_ip[0] ? req->source_ip : NULL;
    if (!strcasecmp(key, "acs:SecureTransport"))
        return req->secure ? "true" : "false";
    if (!strcasecmp(key, "acs:CurrentTime")) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
    }
    if (!strcasecmp(key, "acs:UserAgent"))
        return emu_req_header(req, "User-Agent");
    if (!strcasecmp(key, "acs:Referer"))
        return emu_req_header(req, "Referer");
    if (!strcasecmp(key, "oss:Prefix"))
        return req->key ? NULL : emu_req_query(req, "prefix");
    if (!strcasecmp(key, "oss:Delimiter"))
        return req->key ? NULL : emu_req_query(req, "delimiter");
    if (!strcasecmp(key, "oss:MaxKeys"))
        return req->key ? NULL : emu_req_query(req, "max-keys");
    return NULL; /* a key ossemu does not know has no value */
}

/* Whether address text a lies in the CIDR block (or equals the address) cidr. */
static int ip_in(const char *a, const char *cidr)
{
    unsigned char ab[16], nb[16];
    char net[64];
    const char *slash = strchr(cidr, '/');
    int fam = strchr(a, ':') ? AF_INET6 : AF_INET, bits = fam == AF_INET6 ? 128 : 32;

    snprintf(net, sizeof(net), "%.*s", slash ? (int)(slash - cidr) : (int)strlen(cidr), cidr);
    if (inet_pton(fam, a, ab) != 1 || inet_pton(fam, net, nb) != 1)
        return 0;
    if (slash) {
        char *end;
        long n = strtol(slash + 1, &end, 10);
        if (*end || n < 0 || n > bits)
            return 0;
        bits = (int)n;
    }
    for (int i = 0; i < bits; i++) {
        unsigned char m = (unsigned char)(0x80u >> (i % 8));
        if ((ab[i / 8] & m) != (nb[i / 8] & m))
            return 0;
    }
    return 1;
}

/* A date as seconds since the epoch: ISO 8601 (2026-01-02T03:04:05Z, with or without the
 * time) or a number of seconds. 0, or -1 when it is neither. */
static int parse_date(const char *s, double *out)
{
    struct tm tm = {0};
    const char *end;
    char *nend;

    if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) != NULL ||
        (end = strptime(s, "%Y-%m-%d", &tm)) != NULL) {
        if (*end == '.')
            end += strspn(end + 1, "0123456789") + 1;
        if (*end && strcmp(end, "Z") != 0)
            return -1;
        *out = (double)timegm(&tm);
        return 0;
    }
    *out = strtod(s, &nend);
    return nend != s && !*nend ? 0 : -1;
}

static int compare(enum cond_cmp cmp, double a, double b)
{
    switch (cmp) {
    case C_EQ:
        return a == b;
    case C_LT:
        return a < b;
    case C_LE:
        return a <= b;
    case C_GT:
        return a > b;
    default:
        return a >= b;
    }
}

/* Whether the request's value have matches the policy's value want under op. */
static int matches(const struct cond_op *op, const char *have, const char *want)
{
    double a, b;
    char *end;

    switch (op->kind) {
    case K_STRING:
        return strcmp(have, want) == 0;
    case K_STRING_CI:
        return strcasecmp(have, want) == 0;
    case K_LIKE:
        return emu_policy_glob(want, have, 0);
    case K_IP:
        return ip_in(have, want);
    case K_BOOL:
        return strcasecmp(have, want) == 0;
    case K_DATE:
        return parse_date(have, &a) == 0 && parse_date(want, &b) == 0 && compare(op->cmp, a, b);
    default:
        a = strtod(have, &end);
        if (end == have || *end)
            return 0;
        b = strtod(want, &end);
        return end != want && !*end && compare(op->cmp, a, b);
    }
}

/* One operator/key pair: whether the request's value matches any of the values. */
static int pair_holds(const struct cond_op *op, int if_exists, const char *key, json_t *values,
                      const struct emu_req *req, time_t now)
{
    char kbuf[64], vbuf[64];
    const char *have = key_value(key, req, now, kbuf, sizeof(kbuf)), *want;
    int any = 0;
    size_t i;
    json_t *e;

    if (!have)
        return if_exists || op->negated;
    if (!json_is_array(values)) {
        want = value_text(values, vbuf, sizeof(vbuf));
        any = want && matches(op, have, want);
    }
    json_array_foreach(values, i, e)
    {
        want = value_text(e, vbuf, sizeof(vbuf));
        if (want && matches(op, have, want)) {
            any = 1;
            break;
        }
    }
    return op->negated ? !any : any;
}

int emu_condition_holds(json_t *cond, const struct emu_req *req, time_t now)
{
    const char *opname, *key;
    json_t *keys, *values;
    int if_exists;

    if (!cond)
        return 1;
    if (!json_is_object(cond))
        return 0;
    json_object_foreach(cond, opname, keys)
    {
        const struct cond_op *op = find_op(opname, &if_exists);
        if (!op || !json_is_object(keys))
            return 0;
        json_object_foreach(keys, key, values)
        {
            if (!pair_holds(op, if_exists, key, values, req, now))
                return 0;
        }
    }
    return 1;
}
