/* The JSON credential document shared by credential_process and the ECS metadata service, its
 * ISO 8601 expiry time, and the refresh-time rule. A small strict reader for one flat object:
 * the library links no JSON library, and only string members are ever needed. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oss/buf.h"
#include "oss/credentials.h"
#include "cred_priv.h"

struct jr {
    const char *p, *end;
    int depth;
};

static void ws(struct jr *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static int put_utf8(struct oss_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return oss_buf_append(b, u, n);
}

/* Reads a string at j->p (on the opening quote) into out (when not NULL). */
static int jstring(struct jr *j, struct oss_buf *out)
{
    if (j->p >= j->end || *j->p != '"')
        return -EINVAL;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20)
            return -EINVAL;
        if (c != '\\') {
            if (out && oss_buf_append(out, (const char *)&c, 1) < 0)
                return -ENOMEM;
            continue;
        }
        if (j->p >= j->end)
            return -EINVAL;
        char e = *j->p++, r;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            r = e;
            break;
        case 'b':
            r = '\b';
            break;
        case 'f':
            r = '\f';
            break;
        case 'n':
            r = '\n';
            break;
        case 'r':
            r = '\r';
            break;
        case 't':
            r = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
                return -EINVAL;
            j->p += 4;
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
                    hex4(j->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
                    return -EINVAL;
                j->p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                return -EINVAL;
            }
            if (cp == 0)
                return -EINVAL; /* no NUL inside C strings */
            if (out && put_utf8(out, cp) < 0)
                return -ENOMEM;
            continue;
        }
        default:
            return -EINVAL;
        }
        if (out && oss_buf_append(out, &r, 1) < 0)
            return -ENOMEM;
    }
    if (j->p >= j->end)
        return -EINVAL;
    j->p++;
    return 0;
}

static int jvalue_skip(struct jr *j);

/* Skips an array or object (nested values are checked, not kept). */
static int jcompound_skip(struct jr *j)
{
    char close = *j->p == '{' ? '}' : ']';
    int obj = close == '}';
    if (++j->depth > 32)
        return -EINVAL;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        int rc;
        ws(j);
        if (obj) {
            if ((rc = jstring(j, NULL)) < 0)
                return rc;
            ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return -EINVAL;
        }
        if ((rc = jvalue_skip(j)) < 0)
            return rc;
        ws(j);
        if (j->p >= j->end)
            return -EINVAL;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return -EINVAL;
        j->depth--;
        return 0;
    }
}

static int jvalue_skip(struct jr *j)
{
    ws(j);
    if (j->p >= j->end)
        return -EINVAL;
    char c = *j->p;
    if (c == '"')
        return jstring(j, NULL);
    if (c == '{' || c == '[')
        return jcompound_skip(j);
    static const char *const lits[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lits[i], n) == 0) {
            j->p += n;
            return 0;
        }
    }
    const char *s = j->p;
    while (j->p < j->end && strchr("+-0123456789.eE", *j->p))
        j->p++;
    return j->p > s ? 0 : -EINVAL;
}

enum { F_ID, F_SECRET, F_TOKEN, F_EXP, F_CODE, NF };
static const char *const field_names[NF] = {"AccessKeyId", "AccessKeySecret", "SecurityToken",
                                            "Expiration", "Code"};

static void bufs_free(struct oss_buf *v)
{
    for (int i = 0; i < NF; i++) {
        if (v[i].data)
            explicit_bzero(v[i].data, v[i].cap);
        oss_buf_cleanup(&v[i]);
    }
}

int oss_cred_parse_json(const char *text, size_t len, struct oss_credentials *cr, time_t *expires,
                        char *why, size_t whylen)
{
    struct jr j = {text, text + len, 0};
    struct oss_buf v[NF];
    int seen[NF] = {0}, rc = 0;

    memset(cr, 0, sizeof(*cr));
    *expires = 0;
    for (int i = 0; i < NF; i++)
        oss_buf_init(&v[i]);
    ws(&j);
    if (j.p >= j.end || *j.p != '{') {
        rc = oss_cred_say(why, whylen, -EINVAL, "credentials are not a JSON object");
        goto out;
    }
    j.p++;
    ws(&j);
    if (j.p < j.end && *j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            struct oss_buf name = OSS_BUF_INIT;
            ws(&j);
            rc = jstring(&j, &name);
            int f = -1;
            for (int i = 0; rc == 0 && i < NF; i++)
                if (strcmp(oss_buf_str(&name), field_names[i]) == 0)
                    f = i;
            oss_buf_cleanup(&name);
            ws(&j);
            if (rc == 0 && (j.p >= j.end || *j.p++ != ':'))
                rc = -EINVAL;
            if (rc < 0)
                break;
            ws(&j);
            if (f >= 0 && j.p < j.end && *j.p == '"') {
                v[f].len = 0;
                rc = jstring(&j, &v[f]);
                seen[f] = 1;
            } else if (f >= 0 && j.p < j.end && j.end - j.p >= 4 && !memcmp(j.p, "null", 4)) {
                j.p += 4; /* like absent */
            } else if (f >= 0) {
                rc = oss_cred_say(why, whylen, -EINVAL, "credentials: %s is not a string",
                                  field_names[f]);
                goto out;
            } else {
                rc = jvalue_skip(&j);
            }
            ws(&j);
            if (rc == 0 && j.p < j.end && *j.p == ',') {
                j.p++;
                continue;
            }
            if (rc == 0 && (j.p >= j.end || *j.p++ != '}'))
                rc = -EINVAL;
            break;
        }
    }
    ws(&j);
    if (rc == 0 && j.p != j.end)
        rc = -EINVAL;
    if (rc == -ENOMEM) {
        oss_cred_say(why, whylen, rc, "out of memory");
        goto out;
    }
    if (rc < 0) {
        rc = oss_cred_say(why, whylen, -EINVAL, "credentials are not valid JSON (at byte %zu)",
                          (size_t)(j.p - text));
        goto out;
    }
    if (seen[F_CODE] && strcmp(oss_buf_str(&v[F_CODE]), "Success") != 0) {
        rc =
            oss_cred_say(why, whylen, -EINVAL, "credentials answer has Code \"%.64s\", not Success",
                         oss_buf_str(&v[F_CODE]));
        goto out;
    }
    if (!seen[F_ID] || v[F_ID].len == 0 || !seen[F_SECRET] || v[F_SECRET].len == 0) {
        rc = oss_cred_say(why, whylen, -EINVAL, "credentials lack %s",
                          !seen[F_ID] || v[F_ID].len == 0 ? "AccessKeyId" : "AccessKeySecret");
        goto out;
    }
    if (seen[F_EXP] && v[F_EXP].len && oss_cred_parse_time(oss_buf_str(&v[F_EXP]), expires) < 0) {
        rc = oss_cred_say(why, whylen, -EINVAL,
                          "credentials: Expiration \"%.40s\" is not an ISO 8601 time",
                          oss_buf_str(&v[F_EXP]));
        goto out;
    }
    cr->akid = strdup(oss_buf_str(&v[F_ID]));
    cr->secret = strdup(oss_buf_str(&v[F_SECRET]));
    if (seen[F_TOKEN] && v[F_TOKEN].len)
        cr->token = strdup(oss_buf_str(&v[F_TOKEN]));
    if (!cr->akid || !cr->secret || (seen[F_TOKEN] && v[F_TOKEN].len && !cr->token)) {
        oss_credentials_cleanup(cr);
        rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
    }
out:
    bufs_free(v);
    if (rc < 0)
        *expires = 0;
    return rc;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int oss_cred_parse_time(const char *s, time_t *out)
{
    struct tm tm;
    int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0, sign = 0;
    const char *p = s;

    if (s == NULL)
        return -EINVAL;
    if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        digits(&p, 2, &d) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
        return -EINVAL;
    p++;
    if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
        return -EINVAL;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec) < 0)
            return -EINVAL;
        if (*p == '.' || *p == ',') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -EINVAL;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (digits(&p, 2, &zh) < 0)
            return -EINVAL;
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, &zm) < 0)
            return -EINVAL;
    } else {
        return -EINVAL; /* a time without a zone is ambiguous */
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || zh > 14 ||
        zm > 59)
        return -EINVAL;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -EINVAL;
    *out = t - sign * (zh * 3600 + zm * 60);
    return 0;
}

time_t oss_cred_refresh_at(time_t now, time_t expires)
{
    if (expires == 0)
        return 0;
    time_t life = expires - now;
    if (life <= 2)
        return now + 1;
    time_t at = now + life * 8 / 10;
    if (expires - 300 < at)
        at = expires - 300;
    if (at < now + life / 2)
        at = now + life / 2;
    if (at < now + 1)
        at = now + 1;
    return at;
}
