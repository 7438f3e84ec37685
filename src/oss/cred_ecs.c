/* ram_role=: credentials of an ECS instance's RAM role from the instance metadata service.
 * Asks for a metadata session token first (hardened mode) and falls back to plain requests;
 * never goes through a proxy; the answer is the JSON document of oss_cred_parse_json(). */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/buf.h"
#include "oss/credentials.h"
#include "cred_priv.h"

#define ECS_MAX       (64 * 1024)
#define ECS_CRED_PATH "/latest/meta-data/ram/security-credentials/"

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct oss_buf *b = arg;
    size_t len = size * n;
    if (b->len + len > ECS_MAX || oss_buf_append(b, data, len) < 0)
        return 0; /* aborts the transfer */
    return len;
}

/* One request to the metadata service. Returns the HTTP status (body in out) or a negative
 * errno for a transport failure (-ETIMEDOUT, -EIO). */
static int ecs_request(const char *method, const char *url, const char *header, long timeout_ms,
                       struct oss_buf *out)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hl = NULL;
    long status = 0;
    int rc;

    if (!h)
        return -ENOMEM;
    if (header && !(hl = curl_slist_append(NULL, header))) {
        curl_easy_cleanup(h);
        return -ENOMEM;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "PUT") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        rc = (int)status;
    } else {
        rc = cc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
    }
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
    return rc;
}

static int role_name_ok(const char *r)
{
    if (!*r || strlen(r) > 128)
        return 0;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') || (*r >= '0' && *r <= '9') ||
              *r == '-' || *r == '_' || *r == '.' || *r == '@'))
            return 0;
    return 1;
}

/* Why a request failed, without anything the service sent. */
static int http_fail(char *why, size_t whylen, int rc, const char *url)
{
    if (rc == -ETIMEDOUT)
        return oss_cred_say(why, whylen, -ETIMEDOUT, "ram_role: %s timed out", url);
    if (rc < 0)
        return oss_cred_say(why, whylen, rc == -ENOMEM ? -ENOMEM : -EIO,
                            "ram_role: cannot reach the metadata service at %s", url);
    if (rc == 404)
        return oss_cred_say(why, whylen, -ENOENT, "ram_role: %s: HTTP 404 (no such role?)", url);
    return oss_cred_say(why, whylen, -EIO, "ram_role: %s: HTTP %d", url, rc);
}

int oss_cred_from_ecs(const char *base_url, const char *role, long timeout_ms,
                      struct oss_credentials *cr, time_t *expires, char *why, size_t whylen)
{
    struct oss_buf url = OSS_BUF_INIT, body = OSS_BUF_INIT, tokhdr = OSS_BUF_INIT;
    char *picked = NULL;
    int rc;

    memset(cr, 0, sizeof(*cr));
    *expires = 0;
    if (timeout_ms <= 0)
        timeout_ms = 30000;
    if (!base_url || !*base_url)
        base_url = OSS_ECS_METADATA_URL;
    size_t bl = strlen(base_url);
    while (bl > 0 && base_url[bl - 1] == '/')
        bl--;
    if (!role)
        role = "";

    /* hardened mode: a session token, when the service grants one */
    if (oss_buf_printf(&url, "%.*s/latest/api/token", (int)bl, base_url) < 0) {
        rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
        goto out;
    }
    rc = ecs_request("PUT", oss_buf_str(&url), "X-aliyun-ecs-metadata-token-ttl-seconds: 21600",
                     timeout_ms, &body);
    if (rc == 200 && body.len > 0 && body.len < 1024 && !memchr(body.data, '\n', body.len) &&
        !memchr(body.data, '\r', body.len))
        rc = oss_buf_printf(&tokhdr, "X-aliyun-ecs-metadata-token: %s", oss_buf_str(&body));
    else if (rc == -ETIMEDOUT || (rc < 0 && rc != -ENOMEM)) {
        rc = http_fail(why, whylen, rc, oss_buf_str(&url));
        goto out;
    } else
        rc = rc == -ENOMEM ? -ENOMEM : 0;
    if (body.data)
        explicit_bzero(body.data, body.cap);
    oss_buf_reset(&body);
    if (rc < 0) {
        rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
        goto out;
    }
    const char *hdr = tokhdr.len ? oss_buf_str(&tokhdr) : NULL;

    if (!*role || strcmp(role, "auto") == 0) {
        oss_buf_reset(&url);
        oss_buf_printf(&url, "%.*s" ECS_CRED_PATH, (int)bl, base_url);
        rc = ecs_request("GET", oss_buf_str(&url), hdr, timeout_ms, &body);
        if (rc != 200) {
            rc = http_fail(why, whylen, rc, oss_buf_str(&url));
            goto out;
        }
        size_t n = strcspn(oss_buf_str(&body), "\r\n");
        picked = strndup(oss_buf_str(&body), n);
        oss_buf_reset(&body);
        if (!picked) {
            rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
            goto out;
        }
        if (!*picked) {
            rc = oss_cred_say(why, whylen, -ENOENT, "ram_role: the instance has no RAM role");
            goto out;
        }
        role = picked;
    }
    if (!role_name_ok(role)) {
        rc = oss_cred_say(why, whylen, -EINVAL, "ram_role: '%.64s' is not a role name", role);
        goto out;
    }
    oss_buf_reset(&url);
    if (oss_buf_printf(&url, "%.*s" ECS_CRED_PATH "%s", (int)bl, base_url, role) < 0) {
        rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
        goto out;
    }
    rc = ecs_request("GET", oss_buf_str(&url), hdr, timeout_ms, &body);
    if (rc != 200) {
        rc = http_fail(why, whylen, rc, oss_buf_str(&url));
        goto out;
    }
    char inner[200] = "";
    rc = oss_cred_parse_json(body.data ? body.data : "", body.len, cr, expires, inner,
                             sizeof(inner));
    if (rc < 0)
        oss_cred_say(why, whylen, rc, "ram_role %s: %s", role, inner);
out:
    if (body.data)
        explicit_bzero(body.data, body.cap);
    if (tokhdr.data)
        explicit_bzero(tokhdr.data, tokhdr.cap);
    oss_buf_cleanup(&body);
    oss_buf_cleanup(&tokhdr);
    oss_buf_cleanup(&url);
    free(picked);
    return rc;
}
