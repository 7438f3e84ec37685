/* Fault injection rules of ossemu: parsing the rule syntax of include/emu/fault.h, the seeded
 * PRNG and the per-request decision, and the JSON view the admin endpoint serves. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emu/fault.h"
#include "oss/buf.h"

#define MAX_RULES 32
#define MAX_OPS   16

enum kind { K_STATUS, K_RESET, K_LOST, K_LATENCY, K_BANDWIDTH, K_COUNT };
static const char *const kind_names[K_COUNT] = {"status", "reset", "lost", "latency", "bandwidth"};

struct rule {
    enum kind kind;
    uint64_t value; /* status code, latency ms or bytes per second */
    double rate;
    char code[64];
    char ops[MAX_OPS][48];
    int nops;
};

struct emu_fault {
    pthread_mutex_t lock;
    struct rule rules[MAX_RULES];
    int nrules;
    uint64_t seed;
    uint64_t state;    /* splitmix64 state */
    uint64_t requests; /* decisions made since the last seeding */
    uint64_t injected[K_COUNT];
};

/* splitmix64: small, fast, and its whole future is fixed by the seed. */
static uint64_t next_u64(struct emu_fault *f)
{
    uint64_t z = (f->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double next_unit(struct emu_fault *f) /* uniform in [0, 1) */
{
    return (double)(next_u64(f) >> 11) * (1.0 / 9007199254740992.0);
}

static void reseed(struct emu_fault *f, uint64_t seed)
{
    f->seed = seed;
    f->state = seed;
    f->requests = 0;
    memset(f->injected, 0, sizeof(f->injected));
}

int emu_fault_new(uint64_t seed, struct emu_fault **out)
{
    struct emu_fault *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    pthread_mutex_init(&f->lock, NULL);
    reseed(f, seed);
    *out = f;
    return 0;
}

void emu_fault_free(struct emu_fault *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* The OSS code an injected status answers with by default (oss-api.md 5.2 and the OSS
 * documentation of 429 and 503 answers); NULL when the status needs an explicit code=. */
static const char *default_code(uint64_t status)
{
    switch (status) {
    case 500:
        return "InternalError";
    case 503:
        return "ServiceUnavailable";
    case 429:
        return "QpsLimitExceeded";
    default:
        return NULL;
    }
}

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, what);
    return -EINVAL;
}

/* A decimal integer with an optional binary k/m/g suffix (suffixes only when allowed). */
static int parse_number(const char *s, int suffix, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -EINVAL;
    int shift = 0;
    if (suffix && (*end == 'k' || *end == 'K'))
        shift = 10;
    else if (suffix && (*end == 'm' || *end == 'M'))
        shift = 20;
    else if (suffix && (*end == 'g' || *end == 'G'))
        shift = 30;
    if (shift)
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return -EINVAL;
    *out = (uint64_t)v << shift;
    return 0;
}

/* One "name[=value]" item of a rule; the first item of a rule names its kind. */
static int parse_item(struct rule *r, int first, char *item, char *err, size_t errlen)
{
    char *eq = strchr(item, '=');
    const char *val = eq ? eq + 1 : NULL;
    if (eq)
        *eq = '\0';
    if (first) {
        int k;
        for (k = 0; k < K_COUNT && strcmp(item, kind_names[k]) != 0; k++)
            ;
        if (k == K_COUNT)
            return fail(err, errlen,
                        "unknown fault kind '%s' (status, reset, lost, latency, "
                        "bandwidth)",
                        item);
        r->kind = (enum kind)k;
        if ((k == K_RESET || k == K_LOST) && val)
            return fail(err, errlen, "'%s' takes no value", item);
        if (k == K_RESET || k == K_LOST)
            return 0;
        if (!val || parse_number(val, k == K_BANDWIDTH, &r->value))
            return fail(err, errlen, "'%s' needs a number", item);
        if (k == K_STATUS && (r->value < 400 || r->value > 599))
            return fail(err, errlen, "status %s is not a 4xx or 5xx error", val);
        if (k == K_BANDWIDTH && r->value == 0)
            return fail(err, errlen, "%s", "bandwidth must be positive");
        if (k == K_LATENCY && r->value > 600000)
            return fail(err, errlen, "%s", "latency is at most 600000 ms");
        return 0;
    }
    if (!val)
        return fail(err, errlen, "'%s' needs a value", item);
    if (strcmp(item, "rate") == 0) {
        char *end;
        r->rate = strtod(val, &end);
        if (end == val || *end || !(r->rate >= 0.0 && r->rate <= 1.0))
            return fail(err, errlen, "rate '%s' is not a number from 0 to 1", val);
    } else if (strcmp(item, "code") == 0 && r->kind == K_STATUS) {
        if (!*val || strlen(val) >= sizeof(r->code) ||
            strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "abcdefghijklmnopqrstuvwxyz"
                        "0123456789") != strlen(val))
            return fail(err, errlen, "code '%s' is not an OSS error code", val);
        strcpy(r->code, val);
    } else if (strcmp(item, "ops") == 0) {
        char tmp[1024];
        snprintf(tmp, sizeof(tmp), "%s", val);
        for (char *save = NULL, *op = strtok_r(tmp, "|", &save); op;
             op = strtok_r(NULL, "|", &save)) {
            if (r->nops == MAX_OPS || strlen(op) >= sizeof(r->ops[0]))
                return fail(err, errlen, "too many or too long operation names in '%s'", val);
            strcpy(r->ops[r->nops++], op);
        }
        if (r->nops == 0)
            return fail(err, errlen, "%s", "ops needs at least one operation name");
    } else {
        return fail(err, errlen, "unknown fault option '%s' (rate, ops, code for status)", item);
    }
    return 0;
}

/* Parses spec into rules[] (at most room); returns the count or -EINVAL. */
static int parse_spec(const char *spec, struct rule *rules, int room, char *err, size_t errlen)
{
    char *copy = strdup(spec), *save_rule = NULL;
    int n = 0, rc = 0;
    if (!copy)
        return fail(err, errlen, "%s", "out of memory");
    for (char *text = strtok_r(copy, ";", &save_rule); text && !rc;
         text = strtok_r(NULL, ";", &save_rule)) {
        if (n == room) {
            rc = fail(err, errlen, "more than %s fault rules", "32");
            break;
        }
        struct rule *r = &rules[n];
        memset(r, 0, sizeof(*r));
        r->rate = 1.0;
        char *save = NULL;
        int first = 1;
        for (char *item = strtok_r(text, ",", &save); item && !rc;
             item = strtok_r(NULL, ",", &save), first = 0)
            rc = parse_item(r, first, item, err, errlen);
        if (first && !rc)
            rc = fail(err, errlen, "%s", "empty fault rule");
        if (!rc && r->kind == K_STATUS && !r->code[0]) {
            const char *c = default_code(r->value);
            if (!c)
                rc = fail(err, errlen, "status %s needs code=", "other than 429, 500, 503");
            else
                strcpy(r->code, c);
        }
        n++;
    }
    free(copy);
    return rc ? rc : n;
}

int emu_fault_add_spec(struct emu_fault *f, const char *spec, char *err, size_t errlen)
{
    struct rule tmp[MAX_RULES];
    pthread_mutex_lock(&f->lock);
    int n = parse_spec(spec, tmp, MAX_RULES - f->nrules, err, errlen);
    if (n > 0) {
        memcpy(&f->rules[f->nrules], tmp, (size_t)n * sizeof(tmp[0]));
        f->nrules += n;
    }
    pthread_mutex_unlock(&f->lock);
    return n < 0 ? n : 0;
}

int emu_fault_set_json(struct emu_fault *f, const char *json, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(json, len, 0, &je);
    struct rule tmp[MAX_RULES];
    int n = 0, rc = 0, has_seed = 0;
    uint64_t seed = 0;

    if (!doc || !json_is_object(doc)) {
        json_decref(doc);
        return fail(err, errlen, "%s", "the body is not a JSON object");
    }
    const char *name;
    json_t *v;
    json_object_foreach(doc, name, v)
    {
        if (strcmp(name, "seed") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                rc = fail(err, errlen, "%s", "seed must be a non-negative integer");
                break;
            }
            seed = (uint64_t)json_integer_value(v);
            has_seed = 1;
        } else if (strcmp(name, "faults") == 0) {
            if (json_is_string(v) && json_string_length(v)) {
                rc = parse_spec(json_string_value(v), tmp, MAX_RULES, err, errlen);
                n = rc > 0 ? rc : 0;
                rc = rc < 0 ? rc : 0;
            } else if (json_is_array(v) || json_is_string(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                    int m =
                        json_is_string(e)
                            ? parse_spec(json_string_value(e), tmp + n, MAX_RULES - n, err, errlen)
                            : fail(err, errlen, "%s", "faults[] holds rule strings");
                    if (m < 0) {
                        rc = m;
                        break;
                    }
                    n += m;
                }
            } else {
                rc = fail(err, errlen, "%s", "faults must be a string or an array of strings");
            }
        } else {
            rc = fail(err, errlen, "unknown member '%s' (faults, seed)", name);
        }
        if (rc)
            break;
    }
    json_decref(doc);
    if (rc)
        return rc;
    pthread_mutex_lock(&f->lock);
    memcpy(f->rules, tmp, (size_t)n * sizeof(tmp[0]));
    f->nrules = n;
    if (has_seed)
        reseed(f, seed);
    pthread_mutex_unlock(&f->lock);
    return 0;
}

void emu_fault_clear(struct emu_fault *f)
{
    pthread_mutex_lock(&f->lock);
    f->nrules = 0;
    pthread_mutex_unlock(&f->lock);
}

/* The canonical text of a rule, as --fault accepts it. */
static void rule_text(const struct rule *r, struct oss_buf *b)
{
    oss_buf_puts(b, kind_names[r->kind]);
    if (r->kind != K_RESET && r->kind != K_LOST)
        oss_buf_printf(b, "=%" PRIu64, r->value);
    if (r->rate < 1.0)
        oss_buf_printf(b, ",rate=%g", r->rate);
    if (r->kind == K_STATUS)
        oss_buf_printf(b, ",code=%s", r->code);
    for (int i = 0; i < r->nops; i++)
        oss_buf_printf(b, "%s%s", i ? "|" : ",ops=", r->ops[i]);
}

char *emu_fault_to_json(struct emu_fault *f)
{
    json_t *doc = json_object(), *rules = json_array(), *inj = json_object();
    char *out = NULL;
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->nrules; i++) {
        struct oss_buf b = OSS_BUF_INIT;
        rule_text(&f->rules[i], &b);
        json_array_append_new(rules, json_string(oss_buf_str(&b)));
        oss_buf_cleanup(&b);
    }
    for (int k = 0; k < K_COUNT; k++)
        json_object_set_new(inj, kind_names[k], json_integer((json_int_t)f->injected[k]));
    json_object_set_new(doc, "seed", json_integer((json_int_t)f->seed));
    json_object_set_new(doc, "requests", json_integer((json_int_t)f->requests));
    pthread_mutex_unlock(&f->lock);
    json_object_set_new(doc, "faults", rules);
    json_object_set_new(doc, "injected", inj);
    out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return out;
}

static int op_matches(const struct rule *r, const char *op)
{
    if (r->nops == 0)
        return 1;
    for (int i = 0; i < r->nops; i++)
        if (strcmp(r->ops[i], op) == 0)
            return 1;
    return 0;
}

static void label_add(struct emu_fault_plan *p, const char *fmt, uint64_t v)
{
    size_t n = strlen(p->label);
    if (n && n + 1 < sizeof(p->label))
        p->label[n++] = ',';
    snprintf(p->label + n, sizeof(p->label) - n, fmt, v);
}

void emu_fault_decide(struct emu_fault *f, const char *op, struct emu_fault_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->requests++;
    for (int i = 0; i < f->nrules; i++) {
        const struct rule *r = &f->rules[i];
        if (!op_matches(r, op ? op : ""))
            continue;
        if (next_unit(f) >= r->rate)
            continue;
        int terminal = plan->status || plan->reset || plan->lost;
        switch (r->kind) {
        case K_STATUS:
            if (terminal)
                continue;
            plan->status = (int)r->value;
            snprintf(plan->code, sizeof(plan->code), "%s", r->code);
            label_add(plan, "status:%" PRIu64, r->value);
            break;
        case K_RESET:
            if (terminal)
                continue;
            plan->reset = 1;
            plan->reset_frac = next_unit(f);
            label_add(plan, "reset", 0);
            break;
        case K_LOST:
            if (terminal)
                continue;
            plan->lost = 1;
            label_add(plan, "lost", 0);
            break;
        case K_LATENCY:
            plan->latency_ms += (unsigned)r->value;
            label_add(plan, "latency:%" PRIu64, r->value);
            break;
        case K_BANDWIDTH:
            if (!plan->bandwidth || r->value < plan->bandwidth)
                plan->bandwidth = r->value;
            label_add(plan, "bandwidth:%" PRIu64, r->value);
            break;
        case K_COUNT:
            break;
        }
        f->injected[r->kind]++;
    }
    pthread_mutex_unlock(&f->lock);
}
