/* The OSS client object: endpoint parsing (scheme, host, port, region), the choice of
 * signature version and addressing style, and the credentials it signs with. Requests are
 * built and sent in request.c; the operations live in op_*.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_priv.h"
static int is_ip_literal(const char *host)
{
    unsigned char tmp[16];
    return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

int oss_region_of_host(const char *host, char *out, size_t outlen)
{
    const char *p = host;

    while (p && *p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l > 4 && strncmp(p, "oss-", 4) == 0) {
            const char *r = p + 4;
            size_t rl = l - 4;
            if (rl > 9 && strncmp(r + rl - 9, "-internal", 9) == 0)
                rl -= 9;
            if (strncmp(r, "accelerate", 10) != 0 && rl > 0 && rl < outlen) {
                snprintf(out, outlen, "%.*s", (int)rl, r);
                return 1;
            }
            return 0;
        }
        p = dot ? dot + 1 : NULL;
    }
    return 0;
}

static int valid_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

/* Splits "scheme://host[:port][/]" into the client's scheme, host and hostport (client_priv.h). */
int oss_client_parse_url(struct oss_client *c, const char *url)
{
    const char *p = strstr(url, "://"), *auth, *end, *h, *hend, *port = NULL;

    if (p) {
        size_t sl = (size_t)(p - url);
        if (sl == 4 && strncasecmp(url, "http", 4) == 0)
            c->scheme = strdup("http");
        else if (sl == 5 && strncasecmp(url, "https", 5) == 0)
            c->scheme = strdup("https");
        else
            return -EINVAL;
        auth = p + 3;
    } else {
        c->scheme = strdup("https");
        auth = url;
    }
    if (c->scheme == NULL)
        return -ENOMEM;
    end = auth + strcspn(auth, "/?#");
    if (*end && strcmp(end, "/") != 0)
        return -EINVAL; /* no path prefix, query or fragment */
    if (memchr(auth, '@', (size_t)(end - auth)))
        return -EINVAL;
    if (*auth == '[') {
        h = auth + 1;
        hend = memchr(h, ']', (size_t)(end - h));
        if (hend == NULL)
            return -EINVAL;
        if (hend + 1 < end) {
            if (hend[1] != ':')
                return -EINVAL;
            port = hend + 2;
        }
    } else {
        h = auth;
        hend = memchr(h, ':', (size_t)(end - h));
        if (hend)
            port = hend + 1;
        else
            hend = end;
        for (const char *q = h; q < hend; q++)
            if (!valid_host_char(*q))
                return -EINVAL;
    }
    if (hend == h)
        return -EINVAL;
    if (port) {
        if (port == end || end - port > 5)
            return -EINVAL;
        long n = 0;
        for (const char *q = port; q < end; q++) {
            if (!isdigit((unsigned char)*q))
                return -EINVAL;
            n = n * 10 + (*q - '0');
        }
        if (n < 1 || n > 65535)
            return -EINVAL;
    }
    c->host = strndup(h, (size_t)(hend - h));
    c->hostport = strndup(auth, (size_t)(end - auth));
    if (c->host == NULL || c->hostport == NULL)
        return -ENOMEM;
    for (char *q = c->host; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    if (*auth == '[' && !is_ip_literal(c->host))
        return -EINVAL;
    return 0;
}

struct oss_client *oss_client_new(const struct oss_client_config *cfg, struct oss_error *err)
{
    struct oss_client *c = calloc(1, sizeof *c);
    char defurl[160];
    const char *url = cfg->url;
    int rc;

    if (c == NULL) {
        oss_client_fail(err, ENOMEM, "", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->cred_lock, NULL);
    pthread_rwlock_init(&c->region_lock, NULL);
    if (cfg->region && *cfg->region) {
        if (strlen(cfg->region) >= sizeof c->region || strchr(cfg->region, '/')) {
            oss_client_fail(err, EINVAL, "", "invalid region");
            goto fail;
        }
        snprintf(c->region, sizeof c->region, "%s", cfg->region);
    }
    if (url == NULL || *url == 0) {
        /* No endpoint: the default region's, from the template (oss.aliyuncs.com is
         * cn-hangzhou's); region.c builds it. */
        if (c->region[0] == 0)
            snprintf(c->region, sizeof c->region, "cn-hangzhou");
        url = NULL;
    }
    rc = url ? oss_client_parse_url(c, url) : 0;
    if (rc == 0) {
        const char *tmpl = cfg->endpoint_template;
        if (tmpl == NULL || *tmpl == 0)
            tmpl = getenv("OSSPERMFS_ENDPOINT_TEMPLATE");
        rc = oss_region_init(c, tmpl && *tmpl ? tmpl : NULL);
        if (rc == 0 && url == NULL) {
            /* the default endpoint: the template filled with the default region */
            if (snprintf(defurl, sizeof defurl, "%s://%s%s%s", c->tmpl_scheme, c->tmpl_pre,
                         c->region, c->tmpl_post) >= (int)sizeof defurl)
                rc = -EINVAL;
            else
                rc = oss_client_parse_url(c, defurl);
        }
    }
    if (rc < 0) {
        oss_client_fail(err, -rc, "",
                        rc == -ENOMEM ? "out of memory"
                        : url         ? "invalid endpoint url or endpoint template"
                                      : "invalid endpoint template");
        goto fail;
    }
    if (c->region[0] == 0)
        oss_region_of_host(c->host, c->region, sizeof c->region);
    c->sigv1 = cfg->sigv1;
    c->force_path = cfg->path_style;
    c->v4 = c->region[0] && !cfg->sigv1;
    c->content_md5 = cfg->content_md5;
    c->path_style = cfg->path_style || is_ip_literal(c->host) || strcmp(c->host, "localhost") == 0;

    struct oss_http_config hc = {
        .connect_timeout_ms = cfg->connect_timeout_ms,
        .request_timeout_ms = cfg->request_timeout_ms,
        .retries = cfg->retries == 0  ? 3
                   : cfg->retries < 0 ? 0
                                      : cfg->retries,
        .retry_base_ms = cfg->retry_base_ms,
        .insecure = cfg->insecure,
        .cafile = cfg->cafile,
        .proxy = cfg->proxy,
    };
    char why[256];
    if ((rc = oss_http_new(&hc, &c->http, why, sizeof why)) < 0 && rc != -ENOMEM) {
        oss_client_fail(err, -rc, "TransportOption", why);
        goto fail;
    }
    if (rc < 0 || oss_client_set_credentials(c, cfg->akid, cfg->secret, cfg->token) < 0) {
        oss_client_fail(err, ENOMEM, "", "out of memory");
        goto fail;
    }
    if (err)
        oss_error_clear(err);
    return c;
fail:
    oss_client_free(c);
    return NULL;
}

void oss_free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void oss_client_free(struct oss_client *c)
{
    if (c == NULL)
        return;
    oss_http_free(c->http);
    oss_region_cleanup(c);
    pthread_rwlock_destroy(&c->region_lock);
    free(c->scheme);
    free(c->host);
    free(c->hostport);
    free(c->akid);
    oss_free_secret(c->secret);
    oss_free_secret(c->token);
    pthread_mutex_destroy(&c->cred_lock);
    free(c);
}

int oss_client_set_credentials(struct oss_client *c, const char *akid, const char *secret,
                               const char *token)
{
    char *a = NULL, *s = NULL, *t = NULL;

    if ((akid && !(a = strdup(akid))) || (secret && !(s = strdup(secret))) ||
        (token && *token && !(t = strdup(token)))) {
        free(a);
        oss_free_secret(s);
        oss_free_secret(t);
        return -ENOMEM;
    }
    pthread_mutex_lock(&c->cred_lock);
    char *oa = c->akid, *os = c->secret, *ot = c->token;
    c->akid = a;
    c->secret = s;
    c->token = t;
    pthread_mutex_unlock(&c->cred_lock);
    free(oa);
    oss_free_secret(os);
    oss_free_secret(ot);
    return 0;
}

int oss_client_uses_v4(const struct oss_client *c)
{
    return c->v4;
}
