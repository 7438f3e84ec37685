/* The HTTP front of ossemu on libmicrohttpd: one thread per keep-alive connection, the raw
 * request target (for %2F keys and absolute-form), streaming upload bodies (memory up to
 * 1 MiB, then a spool file under DIR/tmp, or straight into a multipart part's slot; MD5 and
 * CRC64 computed on the fly), then authentication, dispatch, the common OSS response headers
 * and the request log. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "emu/emu.h"
#include "emu/fault.h"
#include "listen.h"
#include "emu/store.h"
#include "http_fault.h"
#include "op_early.h"
#include "op_perm.h"
#include "oss/codec.h"
#include "oss/crc64.h"

#define BODY_MEM_MAX (1024 * 1024)

struct emu_http {
    struct MHD_Daemon *daemon;
    struct emu_server *server;
    const char *region;      /* the region of this port: requests whose Host names none */
    uint32_t rid_prefix;     /* random per process: request ids differ across restarts */
    atomic_uint rid_counter; /* per request */

    int secure; /* HTTPS daemon: its requests get req.secure */
};

/* Everything one request owns, from the URI log callback to the completion callback. */
struct emu_conn {
    struct emu_http *http;
    struct emu_server *server;
    char *raw_target;
    int started;
    struct timespec t0;
    struct emu_req req;
    struct emu_resp resp;
    struct emu_target target;
    struct oss_kv *headers;
    size_t nheaders;
    struct oss_buf body; /* in-memory body */
    uint64_t body_len;   /* bytes received */
    int spool_fd;        /* >= 0 while spooling to spool_path */
    char spool_path[PATH_MAX];
    int body_err; /* -errno of a failed spool write */
    struct oss_md5_ctx *md5;
    uint64_t crc;
    struct emu_fault_plan plan; /* faults injected into this request */
    int drop;                   /* reset the connection without an answer */
    int log_pending;            /* the log line waits for the cut of a reset answer */
    int decided;                /* plan was drawn when the headers arrived */
    int target_rc;              /* 0 or -errno of emu_target_parse */
    struct emu_paced_body paced;
};

/* x-oss-request-id: 24 upper-case hex digits (time, process, counter), unique per server. */
static void new_request_id(struct emu_http *h, char out[25])
{
    unsigned n = atomic_fetch_add(&h->rid_counter, 1);
    snprintf(out, 25, "%08X%08X%08X", (unsigned)time(NULL), h->rid_prefix, n);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* MHD_OPTION_URI_LOG_CALLBACK: called first for every request, with the raw target. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct emu_conn *x = calloc(1, sizeof(*x));
    (void)c;
    if (!x)
        return NULL;
    x->http = cls;
    x->server = x->http->server;
    x->raw_target = strdup(uri ? uri : "/");
    x->spool_fd = -1;
    clock_gettime(CLOCK_MONOTONIC, &x->t0);
    emu_resp_init(&x->resp);
    oss_buf_init(&x->body);
    return x;
}

static void conn_free(struct emu_conn *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nheaders; i++) {
        free((char *)x->headers[i].name);
        free((char *)x->headers[i].value);
    }
    free(x->headers);
    if (x->spool_fd >= 0)
        close(x->spool_fd);
    /* A slot the handler did not commit stays free for the next writer. */
    emu_store_slot_release(x->server->store, x->req.body_slot);
    if (x->req.body_path) { /* a spool file no handler took */
        unlink(x->req.body_path);
        free(x->req.body_path);
    }
    if (x->md5) {
        unsigned char d[OSS_MD5_LEN];
        oss_md5_final(x->md5, d);
    }
    oss_buf_cleanup(&x->body);
    emu_target_cleanup(&x->target);
    emu_resp_cleanup(&x->resp);
    free(x->raw_target);
    free(x);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct emu_conn *x = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (x && x->log_pending) /* the client left before the cut: log what did go out */
        emu_log_request_fault(x->server->log, &x->req, &x->resp, x->plan.label, x->body_len,
                              x->paced.sent, ms_since(&x->t0));
    conn_free(x);
    *con_cls = NULL;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                      const char *value)
{
    struct emu_conn *x = cls;
    (void)kind;
    struct oss_kv *h = realloc(x->headers, (x->nheaders + 1) * sizeof(*h));
    if (!h)
        return MHD_NO;
    x->headers = h;
    h[x->nheaders].name = strdup(name);
    h[x->nheaders].value = strdup(value ? value : "");
    if (!h[x->nheaders].name || !h[x->nheaders].value) {
        free((char *)h[x->nheaders].name);
        free((char *)h[x->nheaders].value);
        return MHD_NO;
    }
    x->nheaders++;
    return MHD_YES;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes n bytes at off of the claimed part slot (never past its room). 0 or -errno. */
static int slot_write(const struct emu_part_slot *slot, uint64_t off, const char *p, size_t n)
{
    if (off + n > slot->room)
        return -EFBIG;
    while (n) {
        ssize_t w = pwrite(slot->fd, p, n, (off_t)(slot->offset + off));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        off += (uint64_t)w;
        n -= (size_t)w;
    }
    return 0;
}

/* Takes one chunk of the upload: hashes it and keeps it in memory, in the spool file or in the
 * part slot claimed for it. */
static void body_chunk(struct emu_conn *x, const char *data, size_t n)
{
    uint64_t off = x->body_len;

    if (!x->md5)
        x->md5 = oss_md5_new();
    if (x->md5)
        oss_md5_update(x->md5, data, n);
    x->crc = oss_crc64(x->crc, data, n);
    x->body_len += n;
    if (x->body_err)
        return;
    if (x->req.body_slot) {
        x->body_err = slot_write(x->req.body_slot, off, data, n);
        return;
    }
    if (x->spool_fd < 0 && x->body.len + n <= BODY_MEM_MAX) {
        if (oss_buf_append(&x->body, data, n))
            x->body_err = -ENOMEM;
        return;
    }
    if (x->spool_fd < 0) {
        int fd = emu_store_tmp_create(x->server->store, x->spool_path, sizeof(x->spool_path));
        if (fd < 0) {
            x->body_err = fd;
            return;
        }
        x->spool_fd = fd;
        /* From now on the front unlinks the file unless a handler takes it (emu.h). */
        x->req.body_path = strdup(x->spool_path);
        if (!x->req.body_path) {
            unlink(x->spool_path);
            x->body_err = -ENOMEM;
            return;
        }
        x->body_err = write_all(fd, x->body.data, x->body.len);
        oss_buf_cleanup(&x->body);
    }
    if (!x->body_err)
        x->body_err = write_all(x->spool_fd, data, n);
}

/* The MD5 of the empty string: the body digest of every body-less request. */
static const unsigned char empty_md5[OSS_MD5_LEN] = {
    0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};

/* Fills x->req from the request line and headers (once, when the headers arrived): method,
 * request id, parsed target. Sets x->target_rc to 0 or -errno of a target that cannot be
 * parsed. */
static void prepare_request(struct emu_conn *x, const char *method)
{
    struct emu_req *r = &x->req;
    r->method = method;
    r->headers = x->headers;
    r->nheaders = x->nheaders;
    new_request_id(x->http, r->request_id);
    r->secure = x->http->secure;
    r->who.anonymous = 1;
    r->who.akid = "";
    r->op = "Unknown";
    memcpy(r->body_md5, empty_md5, sizeof(empty_md5));
    x->target_rc =
        emu_target_parse(x->raw_target, emu_req_header(r, "Host"), x->server->domain, &x->target);
    r->bucket = x->target.bucket;
    r->key = x->target.key;
    r->query = x->target.query;
    r->nquery = x->target.nquery;
    r->region = x->target.region ? x->target.region : x->http->region;
}

/* The client's address into x->req.source_ip (for acs:SourceIp); "" when MHD cannot say. */
static void source_address(struct emu_conn *x, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    char *ip = x->req.source_ip;

    ip[0] = 0;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip,
                  sizeof(x->req.source_ip));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip,
                  sizeof(x->req.source_ip));
}

/* Adds the received body to x->req (digests, length, memory or spool file). */
static void attach_body(struct emu_conn *x)
{
    struct emu_req *r = &x->req;
    if (x->md5) {
        oss_md5_final(x->md5, r->body_md5);
        x->md5 = NULL;
    }
    r->body_crc64 = x->crc;
    r->body_len = (size_t)x->body_len;
    if (x->spool_fd >= 0) {
        close(x->spool_fd);
        x->spool_fd = -1;
        r->body = NULL;
    } else if (r->body_slot) {
        r->body = NULL;
    } else {
        r->body = oss_buf_str(&x->body);
    }
}

/* Runs the request: route, authenticate, draw the faults, handle. The response ends up in
 * x->resp; x->drop asks for a reset without an answer. Faults never half-apply an operation:
 * an injected error or a reset of anything but a GET skips the handler entirely. */
static void process(struct emu_conn *x, const char *method)
{
    struct emu_server *s = x->server;
    struct emu_req *r = &x->req;
    int rc = x->target_rc;

    attach_body(x);
    if (rc) {
        emu_resp_error(&x->resp, r, 400, "InvalidURI", "Couldn't parse the specified URI.", NULL,
                       NULL);
        return;
    }
    emu_handler_fn h = emu_route(r);
    if (x->body_err) {
        emu_resp_error(&x->resp, r, 500, "InternalError", "The request body could not be stored.",
                       NULL, NULL);
        return;
    }
    if (emu_region_check(s, r, &x->resp) != 0)
        return;
    int auth = emu_authenticate(s, r, &x->resp);
    if (!x->decided)
        emu_fault_decide(s->fault, r->op, &x->plan);
    if (x->plan.status) {
        emu_fault_answer(&x->resp, &x->req, &x->plan);
        return;
    }
    if (x->plan.reset && strcmp(method, "GET") != 0) {
        x->drop = 1;
        return;
    }
    if (auth != 0 || emu_access_point_resolve(s, r, &x->resp) < 0)
        return;
    if (!h) {
        emu_resp_error(&x->resp, r, 501, "NotImplemented",
                       "ossemu does not implement this operation.", NULL, NULL);
        return;
    }
    h(s, r, &x->resp);
}

/* HEAD answers carry the Content-Length of the body they describe; a reader that is never
 * called gives MHD that length without a body. */
static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    (void)pos;
    (void)buf;
    (void)max;
    return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* Handler headers except those MHD owns, plus the common OSS headers. */
static void add_headers(struct emu_conn *x, struct MHD_Response *r)
{
    struct emu_resp *resp = &x->resp;
    for (size_t i = 0; i < resp->nheaders; i++) {
        const char *n = resp->headers[i].name;
        if (strcasecmp(n, "Content-Length") == 0 || strcasecmp(n, "Connection") == 0 ||
            strcasecmp(n, "Transfer-Encoding") == 0)
            continue;
        MHD_add_response_header(r, n, resp->headers[i].value);
    }
    MHD_add_response_header(r, "x-oss-request-id", x->req.request_id);
    MHD_add_response_header(r, "Server", "AliyunOSS");
    MHD_set_response_options(r, MHD_RF_SEND_KEEP_ALIVE_HEADER, MHD_RO_END);
}

/* Turns x->resp into an MHD response: no body for 204/304, the file (sendfile) when the
 * handler gave one, else the buffered body; handler headers except those MHD owns, plus the
 * common OSS headers. Sets *bytes_out to the body bytes that will be sent. NULL: no memory. */
static struct MHD_Response *make_response(struct emu_conn *x, int is_head, int status,
                                          uint64_t *bytes_out)
{
    struct emu_resp *resp = &x->resp;
    struct MHD_Response *r = NULL;
    const char *cl = NULL;

    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->headers[i].name, "Content-Length") == 0)
            cl = resp->headers[i].value;
    *bytes_out = 0;
    if (status == 204 || status == 304) {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (resp->file_fd >= 0) {
        r = MHD_create_response_from_fd_at_offset64(resp->file_len, resp->file_fd,
                                                    (uint64_t)resp->file_off);
        if (r) {
            resp->file_fd = -1; /* MHD closes it */
            *bytes_out = is_head ? 0 : resp->file_len;
        }
    } else if (is_head && cl && resp->body.len == 0) {
        r = MHD_create_response_from_callback(strtoull(cl, NULL, 10), 4096, no_body, NULL, NULL);
    } else {
        size_t len = resp->body.len;
        void *data = len ? oss_buf_detach(&resp->body) : NULL;
        r = MHD_create_response_from_buffer(len, data ? data : (void *)"",
                                            data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!r)
            free(data);
        *bytes_out = is_head ? 0 : len;
    }
    if (r)
        add_headers(x, r);
    return r;
}

/* The log line of a paced or cut answer, written at the cut (before the client can see the
 * connection end) or with the last block, with the body bytes that went out. */
static void on_body_done(void *arg, uint64_t sent)
{
    struct emu_conn *x = arg;
    if (!x->log_pending)
        return;
    x->log_pending = 0;
    emu_log_request_fault(x->server->log, &x->req, &x->resp, x->plan.label, x->body_len, sent,
                          ms_since(&x->t0));
}

/* Like make_response for a GET answer with a body that a fault paces or cuts: served by a
 * content reader from the buffered body or the handler's file. NULL: no memory. */
static struct MHD_Response *make_faulted_response(struct emu_conn *x, struct MHD_Connection *c)
{
    struct emu_resp *resp = &x->resp;
    struct emu_paced_body *b = &x->paced;
    memset(b, 0, sizeof(*b));
    b->conn = c;
    b->fd = resp->file_fd;
    b->off = resp->file_off;
    b->total = resp->file_fd >= 0 ? resp->file_len : resp->body.len;
    b->mem = resp->file_fd >= 0 ? NULL : resp->body.data;
    b->cut = x->plan.reset ? (uint64_t)(x->plan.reset_frac * (double)b->total) : UINT64_MAX;
    if (b->cut != UINT64_MAX && b->cut >= b->total)
        b->cut = b->total - 1;
    b->bandwidth = x->plan.bandwidth;
    b->on_done = on_body_done;
    b->arg = x;
    struct MHD_Response *r = emu_paced_response(b);
    if (r)
        add_headers(x, r);
    return r;
}

/* When the headers of a request with a body arrived: routes and authenticates it and runs the
 * header-only checks of its operation (op_early.h), so that a refusal goes out before the body
 * is read (no 100 Continue), and claims the slot an UploadPart's body is written into. Draws the
 * fault plan now; a plan that answers, resets or loses the request leaves everything to process(),
 * as for body-less requests. 1 when x->resp holds the refusal to send now; 0 to read the body
 * (x->resp untouched). */
static int refuse_early(struct emu_conn *x, struct MHD_Connection *c)
{
    struct emu_server *s = x->server;
    struct emu_req *r = &x->req;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    uint64_t len = cl ? strtoull(cl, NULL, 10) : 0;

    if ((len == 0 && !te) || x->target_rc || !emu_route(r))
        return 0;
    emu_fault_decide(s->fault, r->op, &x->plan);
    x->decided = 1;
    if (x->plan.status || x->plan.reset || x->plan.lost)
        return 0;
    if (emu_region_check(s, r, &x->resp) != 0 || emu_authenticate(s, r, &x->resp) != 0 ||
        emu_access_point_resolve(s, r, &x->resp) < 0 || emu_op_early_refusal(s, r, &x->resp, len))
        return 1;
    emu_resp_cleanup(&x->resp);
    emu_resp_init(&x->resp);
    if (cl && !te) /* the body's size is known: an UploadPart may go to its part's slot */
        r->body_slot = emu_op_early_slot(s, r, len);
    return 0;
}

/* Sends (or, for a fault, withholds) the answer x->resp holds and writes its log line. */
static enum MHD_Result answer(struct emu_conn *x, struct MHD_Connection *c, const char *method)
{
    emu_sleep_ms(x->plan.latency_ms);
    int status = x->resp.status ? x->resp.status : 200;
    int is_head = strcmp(method, "HEAD") == 0;
    uint64_t body_len = x->resp.file_fd >= 0 ? x->resp.file_len : x->resp.body.len;
    int has_body = !is_head && status != 204 && status != 304 && body_len > 0;

    if (x->drop || x->plan.lost || (x->plan.reset && !has_body)) {
        /* No answer at all. A lost answer's operation ran: its status goes to the label. */
        if (x->plan.lost)
            emu_fault_label_lost(&x->plan, status);
        x->resp.status = 0;
        x->resp.code[0] = '\0';
        emu_log_request_fault(x->server->log, &x->req, &x->resp, x->plan.label, x->body_len, 0,
                              ms_since(&x->t0));
        emu_conn_reset(c);
        return MHD_NO;
    }
    uint64_t bytes_out = body_len;
    struct MHD_Response *r;
    if (has_body && (x->plan.reset || x->plan.bandwidth))
        r = make_faulted_response(x, c);
    else
        r = make_response(x, is_head, status, &bytes_out);
    if (!r)
        return MHD_NO;
    x->resp.status = status;
    if (has_body && (x->plan.reset || x->plan.bandwidth))
        x->log_pending = 1; /* logged by on_body_done, with the bytes that went out */
    else
        emu_log_request_fault(x->server->log, &x->req, &x->resp, x->plan.label, x->body_len,
                              bytes_out, ms_since(&x->t0));
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct emu_conn *x = *con_cls;
    (void)cls;
    (void)url;
    (void)version;

    if (!x)
        return MHD_NO; /* out of memory in on_uri */
    if (!x->started) {
        x->started = 1;
        if (MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, x) < 0)
            return MHD_NO;
        prepare_request(x, method);
        source_address(x, c);
        if (refuse_early(x, c)) /* MHD answers without reading the body, then closes */
            return answer(x, c, method);
        return MHD_YES; /* MHD answers Expect: 100-continue and streams the body */
    }
    if (*upload_data_size) {
        body_chunk(x, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    process(x, method);
    return answer(x, c, method);
}

/* Starts the daemon of emu_http_start / emu_http_start_tls; cert and key NULL for HTTP. */
static int http_start(struct emu_server *s, const char *listen, const char *region,
                      const char *cert, const char *key, struct emu_http **out, char *bound,
                      size_t boundlen)
{
    struct sockaddr_in sa;
    unsigned int flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    int rc = emu_listen_parse(listen, 0, &sa);
    if (rc)
        return rc;
    if (cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return -ENOTSUP;
    struct emu_http *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->server = s;
    h->secure = cert != NULL;
    h->region = region ? region : s->region;
    if (getrandom(&h->rid_prefix, sizeof(h->rid_prefix), 0) != sizeof(h->rid_prefix))
        h->rid_prefix = (uint32_t)getpid() * 2654435761u;
    atomic_init(&h->rid_counter, 0);
    /* The certificate options go last: MHD_OPTION_END ends the list early for plain HTTP. */
    h->daemon = MHD_start_daemon(
        flags | (cert ? MHD_USE_TLS : 0), 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(256 * 1024), MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
        cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
        MHD_OPTION_END);
    if (!h->daemon) {
        free(h);
        return -EADDRINUSE;
    }
    emu_listen_bound(h->daemon, &sa, bound, boundlen);
    *out = h;
    return 0;
}

int emu_http_start(struct emu_server *s, const char *listen, const char *region,
                   struct emu_http **out, char *bound, size_t boundlen)
{
    return http_start(s, listen, region, NULL, NULL, out, bound, boundlen);
}

int emu_http_start_tls(struct emu_server *s, const char *listen, const char *cert_pem,
                       const char *key_pem, struct emu_http **out, char *bound, size_t boundlen)
{
    return http_start(s, listen, NULL, cert_pem, key_pem, out, bound, boundlen);
}

void emu_http_stop(struct emu_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    free(h);
}
