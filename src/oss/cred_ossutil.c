/* The last credential source: ossutil's configuration file (~/.ossutilconfig), an INI file whose
 * [Credentials] section holds accessKeyID, accessKeySecret, stsToken and endpoint. Like the
 * passwd file it is refused unless only its owner can read or write it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oss/buf.h"
#include "oss/credentials.h"
#include "cred_priv.h"

#define INI_MAX (64 * 1024)

char *oss_cred_ossutil_path(void)
{
    const char *home = getenv("HOME");
    char *p = NULL;
    if (!home || !*home)
        return NULL;
    if (asprintf(&p, "%s/.ossutilconfig", home) < 0)
        return NULL;
    return p;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

enum { K_ID, K_SECRET, K_TOKEN, K_ENDPOINT, NK };

/* Which field a key names; -1 for others (language, outputDir, ...). */
static int key_of(const char *k)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {
        {"accessKeyID", K_ID},           {"access_key_id", K_ID}, {"accessKeySecret", K_SECRET},
        {"access_key_secret", K_SECRET}, {"stsToken", K_TOKEN},   {"sts_token", K_TOKEN},
        {"endpoint", K_ENDPOINT},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(k, names[i].name) == 0)
            return names[i].key;
    return -1;
}

int oss_cred_from_ossutil(const char *path, struct oss_credentials *cr, char **endpoint, char *why,
                          size_t whylen)
{
    struct oss_buf text = OSS_BUF_INIT;
    const char *val[NK] = {0};
    int rc, in_cred = 0, lineno = 0;

    memset(cr, 0, sizeof(*cr));
    if (endpoint)
        *endpoint = NULL;
    if (why && whylen)
        why[0] = 0;
    if (!path || !*path)
        return oss_cred_say(why, whylen, -ENOENT,
                            "no ossutil configuration file (HOME is not set)");
    rc = oss_cred_read_private(path, "", INI_MAX, &text, why, whylen);
    char *p = rc == 0 && text.data ? text.data : NULL;
    while (rc == 0 && p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        char *line = trim(p);
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (!*line || *line == '#' || *line == ';')
            continue;
        if (*line == '[') {
            char *end = strchr(line, ']');
            if (!end || *trim(end + 1)) {
                rc = oss_cred_say(why, whylen, -EINVAL, "%s, line %d: malformed section header",
                                  path, lineno);
                break;
            }
            *end = 0;
            in_cred = strcasecmp(trim(line + 1), "Credentials") == 0;
            continue;
        }
        char *eq = strpbrk(line, "=:");
        if (!eq) {
            rc = oss_cred_say(why, whylen, -EINVAL, "%s, line %d: expected name = value", path,
                              lineno);
            break;
        }
        *eq = 0;
        int k = key_of(trim(line));
        if (in_cred && k >= 0)
            val[k] = trim(eq + 1);
    }
    if (rc == 0 && (!val[K_ID] || !*val[K_ID] || !val[K_SECRET] || !*val[K_SECRET]))
        rc = oss_cred_say(why, whylen, -ENOENT,
                          "%s has no accessKeyID and accessKeySecret in [Credentials]", path);
    if (rc == 0) {
        cr->akid = strdup(val[K_ID]);
        cr->secret = strdup(val[K_SECRET]);
        if (val[K_TOKEN] && *val[K_TOKEN])
            cr->token = strdup(val[K_TOKEN]);
        if (endpoint && val[K_ENDPOINT] && *val[K_ENDPOINT]) {
            const char *e = val[K_ENDPOINT];
            if (strstr(e, "://"))
                *endpoint = strdup(e);
            else if (asprintf(endpoint, "https://%s", e) < 0)
                *endpoint = NULL;
        }
        if (!cr->akid || !cr->secret || (val[K_TOKEN] && *val[K_TOKEN] && !cr->token) ||
            (endpoint && val[K_ENDPOINT] && *val[K_ENDPOINT] && !*endpoint)) {
            oss_credentials_cleanup(cr);
            if (endpoint) {
                free(*endpoint);
                *endpoint = NULL;
            }
            rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
        }
    }
    if (text.data)
        explicit_bzero(text.data, text.cap);
    oss_buf_cleanup(&text);
    return rc;
}
