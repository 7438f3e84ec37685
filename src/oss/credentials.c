/* Credentials from the environment and from an ossfs-style passwd file ("AK:SK" and
 * "bucket:AK:SK" lines). The file is refused unless only its owner can read or write it, and
 * no error message ever quotes its content. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oss/client.h"
#include "cred_priv.h"

#define PASSWD_MAX (64 * 1024)

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void oss_credentials_cleanup(struct oss_credentials *cr)
{
    if (cr == NULL)
        return;
    free(cr->akid);
    wipe_free(cr->secret);
    wipe_free(cr->token);
    memset(cr, 0, sizeof *cr);
}

/* Sets all three fields from copies; on ENOMEM nothing is kept. */
static int creds_set(struct oss_credentials *cr, const char *akid, size_t alen, const char *secret,
                     size_t slen, const char *token)
{
    memset(cr, 0, sizeof *cr);
    cr->akid = strndup(akid, alen);
    cr->secret = strndup(secret, slen);
    if (token && *token)
        cr->token = strdup(token);
    if (cr->akid == NULL || cr->secret == NULL || (token && *token && cr->token == NULL)) {
        oss_credentials_cleanup(cr);
        return -ENOMEM;
    }
    return 0;
}

int oss_credentials_from_env(struct oss_credentials *cr)
{
    const char *id = getenv("OSS_ACCESS_KEY_ID");
    const char *secret = getenv("OSS_ACCESS_KEY_SECRET");

    memset(cr, 0, sizeof *cr);
    if (id == NULL || *id == 0 || secret == NULL || *secret == 0)
        return -ENOENT;
    return creds_set(cr, id, strlen(id), secret, strlen(secret), getenv("OSS_SESSION_TOKEN"));
}

struct field {
    const char *p;
    size_t len;
};

/* Splits a line into ':' fields; returns their number (up to 4 counted). */
static int split(const char *line, size_t len, struct field f[3])
{
    int n = 0;
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ':')
            continue;
        if (n < 3) {
            f[n].p = line + start;
            f[n].len = i - start;
        }
        n++;
        start = i + 1;
        if (n > 3)
            break;
    }
    return n;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Finds the applicable line: "bucket:AK:SK" for bucket wins over the first "AK:SK". */
static int pick(const char *text, size_t len, const char *path, const char *bucket,
                struct oss_credentials *cr, char *why, size_t whylen)
{
    struct field plain[2] = {{0}}, best[2] = {{0}};
    int have_plain = 0, have_best = 0, lineno = 0;
    size_t pos = 0;

    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - line) : len - pos;
        struct field f[3];

        pos += l + 1;
        lineno++;
        while (l && blank(line[l - 1]))
            l--;
        while (l && blank(*line)) {
            line++;
            l--;
        }
        if (l == 0 || *line == '#')
            continue;
        int n = split(line, l, f);
        int bad = n < 2 || n > 3;
        for (int i = 0; !bad && i < n; i++)
            bad = f[i].len == 0 || memchr(f[i].p, ' ', f[i].len) || memchr(f[i].p, '\t', f[i].len);
        if (bad)
            return oss_cred_say(why, whylen, -EINVAL,
                                "passwd file %s, line %d: expected AK:SK or bucket:AK:SK", path,
                                lineno);
        if (n == 2 && !have_plain) {
            plain[0] = f[0];
            plain[1] = f[1];
            have_plain = 1;
        } else if (n == 3 && !have_best && bucket && strlen(bucket) == f[0].len &&
                   memcmp(bucket, f[0].p, f[0].len) == 0) {
            best[0] = f[1];
            best[1] = f[2];
            have_best = 1;
        }
    }
    if (!have_best && !have_plain)
        return oss_cred_say(why, whylen, -ENOENT, "passwd file %s has no credentials%s%s", path,
                            bucket ? " for bucket " : "", bucket ? bucket : "");
    struct field *use = have_best ? best : plain;
    if (creds_set(cr, use[0].p, use[0].len, use[1].p, use[1].len, NULL) < 0)
        return oss_cred_say(why, whylen, -ENOMEM, "out of memory");
    return 0;
}

int oss_credentials_from_passwd(const char *path, const char *bucket, struct oss_credentials *cr,
                                char *why, size_t whylen)
{
    struct oss_buf text = OSS_BUF_INIT;
    int rc;

    memset(cr, 0, sizeof *cr);
    if (why && whylen)
        why[0] = 0;
    if (path == NULL || *path == 0)
        return oss_cred_say(why, whylen, -EINVAL, "no passwd file given");
    rc = oss_cred_read_private(path, "passwd file ", PASSWD_MAX, &text, why, whylen);
    if (rc == 0)
        rc = pick(oss_buf_str(&text), text.len, path, bucket, cr, why, whylen);
    if (text.data)
        explicit_bzero(text.data, text.cap);
    oss_buf_cleanup(&text);
    return rc;
}
