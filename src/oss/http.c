/* HTTP transport on libcurl: a pool of easy handles sharing one connection and DNS cache
 * (CURLSH, locked per data kind), exact request headers, bodies from memory or pread, and
 * retries with exponential backoff and full jitter. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "oss/http.h"

#define ERROR_BODY_MAX (1u << 20)
#define POOL_MAX_IDLE  64
#define BULK_IO_BUFFER (512L * 1024)
#define CA_FILE_MAX    (16u << 20)

struct oss_http {
    struct oss_http_config cfg;
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t pool_lock;
    CURL *idle[POOL_MAX_IDLE];
    size_t nidle;
    struct oss_buf ca; /* PEM trust store when not libcurl's default; empty: default */
    int ca_replaces;   /* ca stands in for the system store (no default CA directory) */
    char *proxy;       /* copy of cfg.proxy */
};

/* State of one attempt, handed to the libcurl callbacks. */
struct xfer {
    const struct oss_http_request *req;
    struct oss_http_response *resp;
    uint64_t sent;    /* upload position */
    int read_errno;   /* pread failure (positive errno) */
    int sink_errno;   /* sink refusal (positive errno) */
    size_t delivered; /* bytes handed to the sink */
    int alloc_failed;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *easy, curl_lock_data data, curl_lock_access access, void *arg)
{
    struct oss_http *h = arg;
    (void)easy;
    (void)access;
    pthread_mutex_lock(&h->locks[data]);
}

static void share_unlock(CURL *easy, curl_lock_data data, void *arg)
{
    struct oss_http *h = arg;
    (void)easy;
    pthread_mutex_unlock(&h->locks[data]);
}

static int fail_why(char *why, size_t whylen, int rc, const char *fmt, const char *what)
{
    if (why && whylen)
        snprintf(why, whylen, fmt, what,
                 rc == -EINVAL ? "no PEM certificate in it" : strerror(-rc));
    return rc;
}

/* Appends the PEM file path to h->ca. 0 or -errno (-EINVAL: no certificate in it). */
static int ca_append(struct oss_http *h, const char *path)
{
    size_t start = h->ca.len;
    int rc = oss_buf_append_file(&h->ca, path, CA_FILE_MAX);
    if (rc == 0 && !strstr(oss_buf_str(&h->ca) + start, "-----BEGIN CERTIFICATE-----"))
        rc = -EINVAL;
    if (rc == 0)
        rc = oss_buf_putc(&h->ca, '\n'); /* a file without a final newline */
    return rc;
}

/* The trust store of the config and the environment (see oss_http_config). */
static int trust_setup(struct oss_http *h, const char *cafile, char *why, size_t whylen)
{
    const char *env = "CURL_CA_BUNDLE", *base = getenv(env);
    char *deflt = NULL;
    int rc;

    if (base == NULL || *base == 0) {
        env = "SSL_CERT_FILE";
        base = getenv(env);
    }
    if (base && *base) {
        if ((rc = ca_append(h, base)) < 0)
            return fail_why(why, whylen, rc, "%s: %s", env);
        h->ca_replaces = 1;
    } else if (cafile) {
        /* The system bundle libcurl would use, then the extra file: added, not replacing. */
        CURL *e = curl_easy_init();
        if (e == NULL)
            return -ENOMEM;
        if (curl_easy_getinfo(e, CURLINFO_CAINFO, &deflt) == CURLE_OK && deflt && *deflt) {
            rc = ca_append(h, deflt);
            if (rc == -ENOMEM) {
                curl_easy_cleanup(e);
                return rc;
            }
            if (rc < 0)
                oss_buf_reset(&h->ca); /* no readable system bundle: the file alone */
        }
        curl_easy_cleanup(e);
    }
    if (cafile && (rc = ca_append(h, cafile)) < 0)
        return fail_why(why, whylen, rc, "cafile %s: %s", cafile);
    return 0;
}

/* Checks a proxy URL: optional http:// scheme, a host, an optional port, nothing else. */
static int proxy_ok(const char *url)
{
    const char *p = strstr(url, "://"), *at, *host, *end;

    if (p) {
        if (p - url != 4 || strncasecmp(url, "http", 4) != 0)
            return 0;
        p += 3;
    } else {
        p = url;
    }
    end = p + strcspn(p, "/?#");
    if (*end && strcmp(end, "/") != 0)
        return 0;
    at = memchr(p, '@', (size_t)(end - p));
    host = at ? at + 1 : p;
    if (host == end || *host == ':')
        return 0;
    for (const char *q = host; q < end; q++)
        if (*q <= ' ' || *q == '@' || *q == '\\')
            return 0;
    return 1;
}

int oss_http_new(const struct oss_http_config *cfg, struct oss_http **out, char *why, size_t whylen)
{
    struct oss_http *h;
    int rc;

    *out = NULL;
    if (why && whylen)
        *why = 0;
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK)
        return -ENOMEM;
    if (cfg->proxy && *cfg->proxy && !proxy_ok(cfg->proxy)) {
        if (why && whylen)
            snprintf(why, whylen, "proxy: expected http://HOST[:PORT]");
        return -EINVAL;
    }
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    h->cfg = *cfg;
    h->cfg.cafile = NULL;
    h->cfg.proxy = NULL;
    if (cfg->proxy && (h->proxy = strdup(cfg->proxy)) == NULL) {
        free(h);
        return -ENOMEM;
    }
    if (h->cfg.connect_timeout_ms <= 0)
        h->cfg.connect_timeout_ms = 10000;
    if (h->cfg.request_timeout_ms <= 0)
        h->cfg.request_timeout_ms = 120000;
    if (h->cfg.stall_timeout_s <= 0)
        h->cfg.stall_timeout_s = 30;
    if (h->cfg.retries < 0)
        h->cfg.retries = 0;
    if (h->cfg.retry_base_ms <= 0)
        h->cfg.retry_base_ms = 100;
    if (h->cfg.retry_max_ms <= 0)
        h->cfg.retry_max_ms = 10000;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&h->locks[i], NULL);
    pthread_mutex_init(&h->pool_lock, NULL);
    h->share = curl_share_init();
    if (h->share == NULL) {
        oss_http_free(h);
        return -ENOMEM;
    }
    curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    if ((rc = trust_setup(h, cfg->cafile, why, whylen)) < 0) {
        oss_http_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

/* Frees the pooled handles before the share they use; no request may be in flight. */
void oss_http_free(struct oss_http *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->nidle; i++)
        curl_easy_cleanup(h->idle[i]);
    if (h->share)
        curl_share_cleanup(h->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&h->locks[i]);
    pthread_mutex_destroy(&h->pool_lock);
    oss_buf_cleanup(&h->ca);
    free(h->proxy);
    free(h);
}

/* An idle handle from the pool, reset to defaults, or a new one; NULL on ENOMEM. */
static CURL *pool_take(struct oss_http *h)
{
    CURL *e = NULL;

    pthread_mutex_lock(&h->pool_lock);
    if (h->nidle)
        e = h->idle[--h->nidle];
    pthread_mutex_unlock(&h->pool_lock);
    if (e) {
        curl_easy_reset(e);
        return e;
    }
    return curl_easy_init();
}

static void pool_put(struct oss_http *h, CURL *e)
{
    pthread_mutex_lock(&h->pool_lock);
    if (h->nidle < POOL_MAX_IDLE) {
        h->idle[h->nidle++] = e;
        e = NULL;
    }
    pthread_mutex_unlock(&h->pool_lock);
    if (e)
        curl_easy_cleanup(e);
}

const char *oss_http_header(const struct oss_http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

static void headers_clear(struct oss_http_response *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->headers[i].name);
        free(resp->headers[i].value);
    }
    resp->nheaders = 0;
}

void oss_http_response_cleanup(struct oss_http_response *resp)
{
    headers_clear(resp);
    free(resp->headers);
    resp->headers = NULL;
    resp->capheaders = 0;
    oss_buf_cleanup(&resp->body);
    resp->status = 0;
}

static int header_add(struct oss_http_response *resp, const char *name, size_t nlen,
                      const char *value, size_t vlen)
{
    if (resp->nheaders == resp->capheaders) {
        size_t cap = resp->capheaders ? 2 * resp->capheaders : 16;
        struct oss_http_header *n = realloc(resp->headers, cap * sizeof *n);
        if (n == NULL)
            return -ENOMEM;
        resp->headers = n;
        resp->capheaders = cap;
    }
    char *nm = strndup(name, nlen), *val = strndup(value, vlen);
    if (nm == NULL || val == NULL) {
        free(nm);
        free(val);
        return -ENOMEM;
    }
    resp->headers[resp->nheaders].name = nm;
    resp->headers[resp->nheaders].value = val;
    resp->nheaders++;
    return 0;
}

/* One header line; a status line starts a new answer (after 100 Continue), so headers of
 * an earlier interim answer are dropped. */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n, end = len;
    const char *colon;

    while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == '\n'))
        end--;
    if (end >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        const char *sp = memchr(line, ' ', end);
        headers_clear(x->resp);
        x->resp->status = sp ? atoi(sp + 1) : 0;
        return len;
    }
    colon = memchr(line, ':', end);
    if (colon == NULL)
        return len;
    size_t nlen = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vlen = end - nlen - 1;
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
    if (header_add(x->resp, line, nlen, v, vlen) < 0) {
        x->alloc_failed = 1;
        return 0;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n;
    int st = x->resp->status;

    if (st >= 200 && st < 300 && x->req->sink) {
        int rc = x->req->sink(st, data, len, x->req->sink_arg);
        if (rc < 0) {
            x->sink_errno = -rc;
            return 0;
        }
        x->delivered += len;
        return len;
    }
    if ((st < 200 || st >= 300) && x->resp->body.len + len > ERROR_BODY_MAX)
        return len; /* keep the start of an oversized error body */
    if (oss_buf_append(&x->resp->body, data, len) < 0) {
        x->alloc_failed = 1;
        return 0;
    }
    return len;
}

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    const struct oss_http_request *r = x->req;
    uint64_t total = r->body_fd >= 0 ? r->body_fd_len : r->body_len;
    size_t want = size * n;

    if (x->sent >= total)
        return 0;
    if (want > total - x->sent)
        want = (size_t)(total - x->sent);
    if (r->body_fd < 0) {
        memcpy(dst, (const char *)r->body + x->sent, want);
    } else {
        ssize_t got;
        do
            got = pread(r->body_fd, dst, want, r->body_off + (off_t)x->sent);
        while (got < 0 && errno == EINTR);
        if (got <= 0) {
            x->read_errno = got < 0 ? errno : EIO; /* a file shorter than promised */
            return CURL_READFUNC_ABORT;
        }
        want = (size_t)got;
    }
    x->sent += want;
    return want;
}

/* libcurl rewinds the body when it resends on a reused connection that turned out dead. */
static int on_seek(void *arg, curl_off_t offset, int origin)
{
    struct xfer *x = arg;
    if (origin != SEEK_SET || offset < 0)
        return CURL_SEEKFUNC_CANTSEEK;
    x->sent = (uint64_t)offset;
    return CURL_SEEKFUNC_OK;
}

/* The header list: the caller's headers verbatim, plus removals of what libcurl would add on
 * its own (Expect: 100-continue, a form Content-Type on POST, Accept). */
static struct curl_slist *build_headers(const struct oss_http_request *r, int *enomem)
{
    struct curl_slist *l = NULL, *t;
    int has_ct = 0;
    char line[8192];

    *enomem = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *v = r->headers[i].value ? r->headers[i].value : "";
        if (strcasecmp(r->headers[i].name, "Content-Type") == 0)
            has_ct = 1;
        if (*v)
            snprintf(line, sizeof line, "%s: %s", r->headers[i].name, v);
        else
            snprintf(line, sizeof line, "%s;", r->headers[i].name); /* empty value */
        t = curl_slist_append(l, line);
        if (t == NULL)
            goto fail;
        l = t;
    }
    const char *removals[] = {"Expect:", "Accept:", has_ct ? NULL : "Content-Type:"};
    for (size_t i = 0; i < sizeof removals / sizeof removals[0]; i++) {
        if (removals[i] == NULL)
            continue;
        t = curl_slist_append(l, removals[i]);
        if (t == NULL)
            goto fail;
        l = t;
    }
    return l;
fail:
    curl_slist_free_all(l);
    *enomem = 1;
    return NULL;
}

static void setup(struct oss_http *h, CURL *e, const struct oss_http_request *r,
                  struct curl_slist *hdrs, struct xfer *x, char *errbuf)
{
    uint64_t blen = r->body_fd >= 0 ? r->body_fd_len : r->body_len;

    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_SHARE, h->share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    /* The shared cache is capped by the handle's limit (default 5): room for every thread. */
    curl_easy_setopt(e, CURLOPT_MAXCONNECTS, (long)POOL_MAX_IDLE);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->cfg.connect_timeout_ms);
    if (!r->bulk) {
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->cfg.request_timeout_ms);
    } else {
        /* Large transfers move in large steps: one recv or send per BULK_IO_BUFFER rather
         * than per 16 or 64 KiB (libcurl's defaults), a fraction of the system calls and of
         * the read callback's calls for every byte of a part or a read-ahead chunk. */
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)BULK_IO_BUFFER);
        curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)BULK_IO_BUFFER);
    }
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->cfg.stall_timeout_s);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->cfg.insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->cfg.insecure ? 0L : 2L);
    if (h->ca.len) {
        struct curl_blob blob = {h->ca.data, h->ca.len, CURL_BLOB_NOCOPY};
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        if (h->ca_replaces)
            curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
    }
    if (h->proxy) {
        curl_easy_setopt(e, CURLOPT_PROXY, h->proxy);
        curl_easy_setopt(e, CURLOPT_NOPROXY, ""); /* the option wins over no_proxy */
    }
    /* Through a proxy, always a CONNECT tunnel: the proxy sees host:port and never the
     * request line, query or headers, not even for http:// endpoints. */
    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "osspermfs/" OSSPERMFS_VERSION);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);

    if (strcmp(r->method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(r->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(e, CURLOPT_READDATA, x);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
        if (r->method[1] == 'U') {
            curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)blen);
        } else {
            curl_easy_setopt(e, CURLOPT_POST, 1L);
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
        }
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
    }
}

static int retryable_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

/* Sleeps a uniformly random time in [0, min(max, base * 2^attempt)] ("full jitter"). */
static void backoff(const struct oss_http_config *cfg, int attempt, unsigned *seed)
{
    long cap = cfg->retry_base_ms;
    for (int i = 0; i < attempt && cap < cfg->retry_max_ms; i++)
        cap *= 2;
    if (cap > cfg->retry_max_ms)
        cap = cfg->retry_max_ms;
    long ms = (long)(rand_r(seed) % (unsigned)(cap + 1));
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int oss_http_retries(const struct oss_http *h)
{
    return h->cfg.retries;
}

void oss_http_backoff(const struct oss_http *h, int attempt)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    unsigned seed = (unsigned)(now.tv_nsec ^ now.tv_sec ^ (uintptr_t)&now);
    backoff(&h->cfg, attempt, &seed);
}

static void transport_error(struct oss_error *err, int e, const char *what, const char *detail)
{
    if (err == NULL)
        return;
    oss_error_clear(err);
    err->err = -e;
    snprintf(err->message, sizeof err->message, "%s%s%s", what, detail && *detail ? ": " : "",
             detail ? detail : "");
}

/* Appends " (endpoint scheme://host:port)" of url to err's message: never the path or query. */
static void endpoint_note(struct oss_error *err, const char *url)
{
    const char *p = strstr(url, "://");
    size_t used;

    if (err == NULL)
        return;
    p = p ? p + 3 : url;
    used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, " (endpoint %.*s)",
             (int)((size_t)(p - url) + strcspn(p, "/?#")), url);
}

int oss_http_perform(struct oss_http *h, const struct oss_http_request *req,
                     struct oss_http_response *resp, struct oss_error *err)
{
    struct timespec now;
    int enomem, rc = 0;
    struct curl_slist *hdrs = build_headers(req, &enomem);

    if (enomem) {
        transport_error(err, ENOMEM, "out of memory", NULL);
        return -ENOMEM;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    unsigned seed = (unsigned)(now.tv_nsec ^ now.tv_sec ^ (uintptr_t)&now);

    for (int attempt = resp->attempts_before > 0 ? resp->attempts_before : 0;; attempt++) {
        char errbuf[CURL_ERROR_SIZE] = "";
        struct xfer x = {.req = req, .resp = resp};
        CURL *e = pool_take(h);
        if (e == NULL) {
            transport_error(err, ENOMEM, "out of memory", NULL);
            rc = -ENOMEM;
            break;
        }
        headers_clear(resp);
        oss_buf_reset(&resp->body);
        resp->status = 0;
        resp->cut_status = 0;
        resp->attempts = attempt + 1;
        setup(h, e, req, hdrs, &x, errbuf);
        CURLcode cc = curl_easy_perform(e);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
        if (cc == CURLE_OK) {
            long code = 0;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
            resp->status = (int)code;
        }
        pool_put(h, e);

        int more = attempt < h->cfg.retries;
        if (x.alloc_failed) {
            transport_error(err, ENOMEM, "out of memory", NULL);
            rc = -ENOMEM;
            break;
        }
        if (x.sink_errno) {
            transport_error(err, x.sink_errno, "transfer aborted by the receiver", NULL);
            rc = -x.sink_errno;
            break;
        }
        if (x.read_errno) {
            transport_error(err, x.read_errno, "reading the upload source failed", NULL);
            rc = -x.read_errno;
            break;
        }
        if (cc != CURLE_OK) {
            if (more && retryable_curl(cc) && x.delivered == 0) {
                backoff(&h->cfg, attempt, &seed);
                continue;
            }
            transport_error(err, EIO, errbuf[0] ? errbuf : curl_easy_strerror(cc), NULL);
            endpoint_note(err, req->url);
            if (retryable_curl(cc) && x.delivered > 0 && resp->status >= 200 && resp->status < 300)
                resp->cut_status = resp->status; /* the caller may resume from here */
            resp->status = 0;
            rc = -EIO;
            break;
        }
        if (more && (resp->status >= 500 || resp->status == 429) && x.delivered == 0) {
            backoff(&h->cfg, attempt, &seed);
            continue;
        }
        rc = 0;
        break;
    }
    curl_slist_free_all(hdrs);
    return rc;
}
