/* Helpers shared by every control file's parser: trimming, the NUL and UTF-8 checks, reason
 * lines that quote user input safely, and the parser of one-word settings (ACLs, states). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl_priv.h"

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void ctl_trim(const char **p, size_t *len)
{
    const char *s = *p;
    size_t n = *len;

    while (n > 0 && is_space((unsigned char)s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space((unsigned char)s[n - 1]))
        n--;
    *p = s;
    *len = n;
}

void ctl_why(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    if (!why || whylen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    /* One line, whatever a message from a parser contained. */
    for (char *s = why; *s; s++) {
        if (*s == '\n' || *s == '\r')
            *s = ' ';
    }
}

void ctl_quote(const char *in, size_t len, char *out, size_t outlen)
{
    size_t o = 0, i;

    if (outlen == 0)
        return;
    for (i = 0; i < len && i < 40; i++) {
        unsigned char c = (unsigned char)in[i];
        char tmp[5];
        size_t n;

        if (c >= 0x20 && c < 0x7f) {
            tmp[0] = (char)c;
            n = 1;
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", c);
            n = 4;
        }
        if (o + n + 4 > outlen)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    if (i < len && o + 4 <= outlen) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/* Length of the UTF-8 sequence led by c, 0 for a byte that cannot lead one. */
static size_t utf8_seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return 2;
    if (c >= 0xe0 && c <= 0xef)
        return 3;
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    return 0;
}

/* Whether the continuation byte at position k (1..3) of a sequence led by lead is allowed;
 * the second byte carries the overlong, surrogate and U+10FFFF limits. */
static int utf8_cont_ok(unsigned char lead, size_t k, unsigned char c)
{
    if ((c & 0xc0) != 0x80)
        return 0;
    if (k != 1)
        return 1;
    if (lead == 0xe0)
        return c >= 0xa0;
    if (lead == 0xed)
        return c <= 0x9f;
    if (lead == 0xf0)
        return c >= 0x90;
    if (lead == 0xf4)
        return c <= 0x8f;
    return 1;
}

int ctl_check_text(const char *in, size_t len, char *why, size_t whylen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_seq_len(s[i]), k;

        if (s[i] == 0) {
            ctl_why(why, whylen, "NUL byte at offset %zu", i);
            return -1;
        }
        if (n == 0) {
            ctl_why(why, whylen, "invalid UTF-8 byte 0x%02x at offset %zu", s[i], i);
            return -1;
        }
        for (k = 1; k < n; k++) {
            if (i + k >= len)
                return 1; /* unfinished at the end: more bytes may complete it */
            if (!utf8_cont_ok(s[i], k, s[i + k])) {
                ctl_why(why, whylen, "invalid UTF-8 sequence at offset %zu", i);
                return -1;
            }
        }
        i += n;
    }
    return 0;
}

void ctl_word_list(const char *const *values, char *out, size_t outlen)
{
    size_t n = 0, i, o = 0;

    if (outlen == 0)
        return;
    out[0] = '\0';
    while (values[n])
        n++;
    for (i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == n ? " or " : ", ");
        int w = snprintf(out + o, outlen - o, "%s%s", sep, values[i]);

        if (w < 0 || (size_t)w >= outlen - o)
            return;
        o += (size_t)w;
    }
}

/* Reason for a word that is not accepted, with a hint when only the case is wrong. */
static void bad_word(const char *word, size_t wlen, const char *const *values, const char *what,
                     char *why, size_t whylen)
{
    char q[200], list[200];
    const char *hint = "";

    ctl_quote(word, wlen, q, sizeof(q));
    ctl_word_list(values, list, sizeof(list));
    for (size_t i = 0; values[i]; i++) {
        if (strlen(values[i]) == wlen && strncasecmp(values[i], word, wlen) == 0)
            hint = " (values are case-sensitive)";
    }
    ctl_why(why, whylen, "invalid value \"%s\" for %s: expected %s%s", q, what, list, hint);
}

enum ctl_parse ctl_parse_word(const char *in, size_t len, const char *const *values,
                              const char *what, struct oss_buf *canon, char *why, size_t whylen)
{
    const char *p = in;
    size_t n = len, w = 0, i;
    int partial = 0;

    if (len > CTL_MAX_INPUT) {
        ctl_why(why, whylen, "%s: input of %zu bytes is too large", what, len);
        return CTL_INVALID;
    }
    switch (ctl_check_text(in, len, why, whylen)) {
    case 0:
        break;
    case 1: /* no accepted word has a multi-byte character */
        ctl_why(why, whylen, "%s: invalid UTF-8 at the end of the input", what);
        return CTL_INVALID;
    default:
        return CTL_INVALID;
    }
    while (n > 0 && is_space((unsigned char)*p)) {
        p++;
        n--;
    }
    if (n == 0) {
        ctl_why(why, whylen, "%s: no value", what);
        return CTL_INCOMPLETE; /* nothing but white space yet */
    }
    while (w < n && !is_space((unsigned char)p[w]))
        w++;
    for (i = w; i < n; i++) {
        if (!is_space((unsigned char)p[i])) {
            char q[200];

            size_t m = n;

            while (m > 0 && is_space((unsigned char)p[m - 1]))
                m--;
            ctl_quote(p, m, q, sizeof(q));
            ctl_why(why, whylen, "%s takes one value, got \"%s\"", what, q);
            return CTL_INVALID;
        }
    }
    for (i = 0; values[i]; i++) {
        size_t vl = strlen(values[i]);

        if (vl == w && memcmp(values[i], p, w) == 0) {
            if (oss_buf_append(canon, values[i], vl) != 0) {
                ctl_why(why, whylen, "out of memory");
                return CTL_INVALID;
            }
            return CTL_VALID;
        }
        if (vl > w && memcmp(values[i], p, w) == 0)
            partial = 1;
    }
    if (partial && w == n) {
        /* "public-" may still become "public-read" */
        char q[200], list[200];

        ctl_quote(p, w, q, sizeof(q));
        ctl_word_list(values, list, sizeof(list));
        ctl_why(why, whylen, "incomplete value \"%s\" for %s: expected %s", q, what, list);
        return CTL_INCOMPLETE;
    }
    bad_word(p, w, values, what, why, whylen);
    return CTL_INVALID;
}
