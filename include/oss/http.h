/* The HTTP transport of the client library (internal to src/oss): pooled libcurl handles over
 * one shared connection and DNS cache, the exact headers the caller signed and nothing else
 * that could break a signature, and retries with exponential backoff and full jitter.
 *
 * Thread safety: oss_http_perform() may be called from many threads on one oss_http. */
#ifndef OSS_HTTP_H
#define OSS_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oss/buf.h"
#include "oss/error.h"
#include "oss/sign.h"

/* A transfer of this many bytes or more is bulk (oss_http_request.bulk). */
#define OSS_HTTP_BULK_MIN (1u << 20)

struct oss_http;

struct oss_http_config {
    long connect_timeout_ms; /* 0: 10000 */
    long request_timeout_ms; /* 0: 120000 (not applied to bulk requests) */
    long stall_timeout_s;    /* 0: 30: a transfer without a byte for this long fails */
    int retries;             /* extra attempts; <0: none */
    long retry_base_ms;      /* 0: 100 */
    long retry_max_ms;       /* cap of one backoff step; 0: 10000 */
    int insecure;            /* no TLS peer/host verification */
    /* Trust: CURL_CA_BUNDLE, else SSL_CERT_FILE, else the system store; cafile (a PEM bundle)
     * is trusted besides it. NULL: none. */
    const char *cafile;
    /* HTTP proxy, always used with CONNECT: "http://[user:pass@]host[:port]" (scheme
     * optional); "" goes direct; NULL: the environment (https_proxy, http_proxy, all_proxy,
     * no_proxy, also upper case except HTTP_PROXY). */
    const char *proxy;
};

/* Receives response body bytes of a 2xx answer with its status (200 or 206 matters for
 * ranges); returns 0 or a negative errno to abort. */
typedef int (*oss_http_sink_fn)(int status, const void *data, size_t len, void *arg);

struct oss_http_request {
    const char *method;           /* GET, HEAD, PUT, POST, DELETE */
    const char *url;              /* complete, already percent-encoded */
    const struct oss_kv *headers; /* sent exactly as given (the signed set) */
    size_t nheaders;
    /* Body: memory (body, body_len) or, when body_fd >= 0, body_len bytes read with pread
     * from body_fd at body_off, so a retry can send it again. */
    const void *body;
    size_t body_len;
    int body_fd;
    off_t body_off;
    uint64_t body_fd_len;
    /* Body of a 2xx answer: to sink when set (then retried here only before the first byte;
     * a caller can resume after a cut, see cut_status), else appended to the response's body.
     * Error bodies always go to the response. */
    oss_http_sink_fn sink;
    void *sink_arg;
    int bulk; /* OSS_HTTP_BULK_MIN bytes or more: no total timeout, only stall detection, and
               * moved in large steps */
};

struct oss_http_header {
    char *name;  /* as received; owned */
    char *value; /* trimmed; owned */
};

struct oss_http_response {
    int status; /* 0 when no answer arrived */
    struct oss_http_header *headers;
    size_t nheaders;
    size_t capheaders;
    struct oss_buf body;
    int attempts; /* how many were made, attempts_before included */
    /* In: attempts already spent on the same operation by earlier requests (a GetObject
     * resumed after a cut); they count against the retry budget and lengthen the backoff.
     * 0 for an ordinary request. Never changed by oss_http_perform. */
    int attempts_before;
    /* Out: when the last attempt's 2xx answer broke off after body bytes went to the sink,
     * on a failure a new request could cure (reset, timeout, short body), its status (200 or
     * 206); its headers are kept in headers (status is 0, as for any transport failure).
     * Else 0. */
    int cut_status;
};

/* Returns 0, -ENOMEM, or for a trust file or proxy that cannot be used -errno (-EINVAL: no
 * PEM certificate in it, or a bad proxy URL) with why (may be NULL) saying which and why. */
int oss_http_new(const struct oss_http_config *cfg, struct oss_http **out, char *why,
                 size_t whylen);
void oss_http_free(struct oss_http *h);

/* Performs the request with retries on 5xx, 429, timeouts and connection failures (never on
 * other 4xx, never once body bytes went to a sink). resp must be zeroed (or cleaned up) by the
 * caller, with attempts_before set when continuing an operation, and holds the last attempt's
 * answer. Returns 0 when an HTTP answer arrived, whatever its status; otherwise a negative
 * errno (-EIO transport failure, -ETIMEDOUT is reported as -EIO too, the sink's errno, or the
 * pread errno) with err filled (http_status 0, message from libcurl naming the endpoint's
 * scheme://host:port; never the path or query). */
int oss_http_perform(struct oss_http *h, const struct oss_http_request *req,
                     struct oss_http_response *resp, struct oss_error *err);
/* The retry budget: extra attempts allowed per operation (config retries, >= 0). */
int oss_http_retries(const struct oss_http *h);
/* Sleeps the backoff that follows failed attempt number attempt (0-based): uniformly random
 * in [0, min(retry_max, retry_base * 2^attempt)] ms, as between oss_http_perform's attempts.
 * For a caller that resumes a cut transfer with a new request. */
void oss_http_backoff(const struct oss_http *h, int attempt);
/* Case-insensitive header lookup; NULL if absent. Borrowed from resp. */
const char *oss_http_header(const struct oss_http_response *resp, const char *name);
void oss_http_response_cleanup(struct oss_http_response *resp);

#endif
