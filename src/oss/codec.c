/* Encodings the OSS protocol needs (include/oss/codec.h): digests and HMACs on OpenSSL EVP,
 * base64, hex, RFC 3986 percent-encoding and the HTTP / ISO 8601 date forms, all without
 * depending on the process locale. */
#include "oss/codec.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Digests cannot fail with the built-in providers short of memory exhaustion; on such a
 * failure the output is zeroed, so a caller compares against a wrong digest rather than
 * reading uninitialised memory. */
static void digest(const EVP_MD *md, const void *data, size_t len, unsigned char *out, size_t n)
{
    unsigned int outlen = 0;
    if (!EVP_Digest(data, len, out, &outlen, md, NULL))
        memset(out, 0, n);
}

void oss_md5(const void *data, size_t len, unsigned char out[OSS_MD5_LEN])
{
    digest(EVP_md5(), data, len, out, OSS_MD5_LEN);
}

void oss_sha256(const void *data, size_t len, unsigned char out[OSS_SHA256_LEN])
{
    digest(EVP_sha256(), data, len, out, OSS_SHA256_LEN);
}

static void hmac(const EVP_MD *md, const void *key, size_t klen, const void *msg, size_t mlen,
                 unsigned char *out, size_t n)
{
    unsigned int outlen = 0;
    if (!HMAC(md, key, (int)klen, msg, mlen, out, &outlen))
        memset(out, 0, n);
}

void oss_hmac_sha1(const void *key, size_t klen, const void *msg, size_t mlen,
                   unsigned char out[20])
{
    hmac(EVP_sha1(), key, klen, msg, mlen, out, 20);
}

void oss_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                     unsigned char out[32])
{
    hmac(EVP_sha256(), key, klen, msg, mlen, out, 32);
}

struct oss_md5_ctx {
    EVP_MD_CTX *md;
};

/* Returns NULL on allocation failure. */
struct oss_md5_ctx *oss_md5_new(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return NULL;
    if (!EVP_DigestInit_ex(md, EVP_md5(), NULL)) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    struct oss_md5_ctx *c = OPENSSL_malloc(sizeof(*c));
    if (!c) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    c->md = md;
    return c;
}

void oss_md5_update(struct oss_md5_ctx *c, const void *data, size_t len)
{
    if (c && len)
        EVP_DigestUpdate(c->md, data, len);
}

void oss_md5_final(struct oss_md5_ctx *c, unsigned char out[OSS_MD5_LEN])
{
    unsigned int outlen = 0;
    if (!c) {
        memset(out, 0, OSS_MD5_LEN);
        return;
    }
    if (!EVP_DigestFinal_ex(c->md, out, &outlen))
        memset(out, 0, OSS_MD5_LEN);
    EVP_MD_CTX_free(c->md);
    OPENSSL_free(c);
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int oss_base64_encode(const void *data, size_t len, struct oss_buf *out)
{
    const unsigned char *p = data;
    int rc = oss_buf_reserve(out, (len + 2) / 3 * 4);
    if (rc)
        return rc;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        size_t left = len - i;
        if (left > 1)
            v |= (unsigned)p[i + 1] << 8;
        if (left > 2)
            v |= p[i + 2];
        char q[4] = {b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
                     left > 1 ? b64_alphabet[(v >> 6) & 63] : '=',
                     left > 2 ? b64_alphabet[v & 63] : '='};
        oss_buf_append(out, q, 4); /* cannot fail: reserved above */
    }
    if (len == 0)
        oss_buf_append(out, "", 0); /* make out a valid (empty) C string */
    return 0;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict decoder: the length must be a multiple of 4 and '=' may only pad the last quantum.
 * On -EINVAL or -ENOMEM out is left as it was. */
int oss_base64_decode(const char *text, size_t len, struct oss_buf *out)
{
    if (len % 4)
        return -EINVAL;
    size_t start = out->len;
    int rc = oss_buf_reserve(out, len / 4 * 3);
    if (rc)
        return rc;
    for (size_t i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int pad = 0;
        unsigned v = 0;
        for (int j = 0; j < 4; j++) {
            char c = text[i + j];
            int d;
            if (c == '=' && last && j >= 2) {
                pad++;
                d = 0;
            } else if (pad || (d = b64_value(c)) < 0) {
                goto invalid;
            }
            v = v << 6 | (unsigned)d;
        }
        unsigned char bytes[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
                                  (unsigned char)v};
        /* Non-canonical encodings (bits set in the padding) are rejected. */
        if ((pad == 1 && bytes[2]) || (pad == 2 && (bytes[1] || bytes[2])))
            goto invalid;
        oss_buf_append(out, bytes, 3 - (size_t)pad);
    }
    oss_buf_append(out, "", 0);
    return 0;
invalid:
    oss_buf_setlen(out, start, 0);
    return -EINVAL;
}

void oss_hex(const unsigned char *data, size_t len, int upper, char *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int oss_url_encode(const char *s, size_t len, int keep_slash, struct oss_buf *out)
{
    size_t start = out->len;
    int rc = oss_buf_reserve(out, len);
    if (rc)
        return rc;
    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            rc = oss_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
            rc = oss_buf_append(out, esc, 3);
        }
    }
    if (rc == 0)
        rc = oss_buf_append(out, "", 0);
    if (rc) {
        oss_buf_setlen(out, start, 0);
    }
    return rc;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* On -EINVAL (a '%' not followed by two hex digits) or -ENOMEM, out is left as it was. */
int oss_url_decode(const char *s, size_t len, int plus_is_space, struct oss_buf *out)
{
    size_t start = out->len;
    int rc = oss_buf_reserve(out, len);
    if (rc)
        return rc;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3)
                goto invalid;
            int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
            if (h < 0 || l < 0)
                goto invalid;
            c = (char)(h << 4 | l);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        oss_buf_putc(out, c); /* cannot fail: reserved above */
    }
    oss_buf_append(out, "", 0);
    return 0;
invalid:
    oss_buf_setlen(out, start, 0);
    return -EINVAL;
}

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* gmtime_r fails only for years beyond int; such times print as the epoch. */
static void utc(time_t t, struct tm *tm)
{
    if (!gmtime_r(&t, tm)) {
        time_t zero = 0;
        gmtime_r(&zero, tm);
    }
}

/* Writes v as exactly n decimal digits (v is in range for every field gmtime produces,
 * except years past 9999, which wrap). Returns the position after them. */
static char *put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

void oss_http_date(time_t t, char out[30])
{
    struct tm tm;
    utc(t, &tm);
    char *p = put_str(out, wdays[tm.tm_wday % 7]);
    p = put_str(p, ", ");
    p = put_digits(p, (unsigned)tm.tm_mday, 2);
    *p++ = ' ';
    p = put_str(p, months[tm.tm_mon % 12]);
    *p++ = ' ';
    p = put_digits(p, (unsigned)(tm.tm_year + 1900), 4);
    *p++ = ' ';
    p = put_digits(p, (unsigned)tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)tm.tm_sec, 2);
    put_str(p, " GMT");
    out[29] = '\0';
}

/* Date and time fields with the given separators (NUL for none) between them. */
static char *put_datetime(char *p, const struct tm *tm, char dsep, char tsep)
{
    p = put_digits(p, (unsigned)(tm->tm_year + 1900), 4);
    if (dsep)
        *p++ = dsep;
    p = put_digits(p, (unsigned)(tm->tm_mon + 1), 2);
    if (dsep)
        *p++ = dsep;
    p = put_digits(p, (unsigned)tm->tm_mday, 2);
    *p++ = 'T';
    p = put_digits(p, (unsigned)tm->tm_hour, 2);
    if (tsep)
        *p++ = tsep;
    p = put_digits(p, (unsigned)tm->tm_min, 2);
    if (tsep)
        *p++ = tsep;
    return put_digits(p, (unsigned)tm->tm_sec, 2);
}

void oss_iso8601_basic(time_t t, char out[17])
{
    struct tm tm;
    utc(t, &tm);
    char *p = put_datetime(out, &tm, 0, 0);
    p[0] = 'Z';
    p[1] = '\0';
}

void oss_iso8601_xml(time_t t, char out[25])
{
    struct tm tm;
    utc(t, &tm);
    char *p = put_datetime(out, &tm, '-', ':');
    memcpy(p, ".000Z", 6);
}

/* Reads exactly n decimal digits at *p and advances it. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int expect(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n))
        return -1;
    *p += n;
    return 0;
}

/* Range-checks the fields and converts them with timegm. */
static int to_time(int year, int mon, int day, int h, int m, int s, time_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || h > 23 || m > 59 || s > 60)
        return -EINVAL;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mon == 2 && day == 29 && !leap)
        return -EINVAL;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = h,
                    .tm_min = m,
                    .tm_sec = s};
    *out = timegm(&tm);
    return 0;
}

/* Strict RFC 1123 form with a two-digit day and "GMT", as OSS sends and PY1 requires.
 * The weekday name must be one of the seven but is not checked against the date. */
int oss_parse_http_date(const char *s, time_t *out)
{
    const char *p = s;
    int wd = -1, mon = -1, day, year, h, m, sec;
    for (int i = 0; i < 7; i++)
        if (!strncmp(p, wdays[i], 3))
            wd = i;
    if (wd < 0)
        return -EINVAL;
    p += 3;
    if (expect(&p, ", ") || digits(&p, 2, &day) || expect(&p, " "))
        return -EINVAL;
    for (int i = 0; i < 12; i++)
        if (!strncmp(p, months[i], 3))
            mon = i + 1;
    if (mon < 0)
        return -EINVAL;
    p += 3;
    if (expect(&p, " ") || digits(&p, 4, &year) || expect(&p, " ") || digits(&p, 2, &h) ||
        expect(&p, ":") || digits(&p, 2, &m) || expect(&p, ":") || digits(&p, 2, &sec) ||
        expect(&p, " GMT") || *p)
        return -EINVAL;
    return to_time(year, mon, day, h, m, sec, out);
}

/* Accepts "20231216T162057Z" and "2012-02-24T08:43:07[.fff]Z"; fractions are dropped. */
int oss_parse_iso8601(const char *s, time_t *out)
{
    const char *p = s;
    int year, mon, day, h, m, sec;
    int extended = strlen(s) > 4 && s[4] == '-';
    if (digits(&p, 4, &year) || (extended && expect(&p, "-")) || digits(&p, 2, &mon) ||
        (extended && expect(&p, "-")) || digits(&p, 2, &day) || expect(&p, "T") ||
        digits(&p, 2, &h) || (extended && expect(&p, ":")) || digits(&p, 2, &m) ||
        (extended && expect(&p, ":")) || digits(&p, 2, &sec))
        return -EINVAL;
    if (extended && *p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -EINVAL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (expect(&p, "Z") || *p)
        return -EINVAL;
    return to_time(year, mon, day, h, m, sec, out);
}
