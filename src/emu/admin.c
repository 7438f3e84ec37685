/* The admin endpoint of ossemu: a second libmicrohttpd daemon, on a loopback address only and
 * without authentication, through which tests read and change fault injection at run time:
 * GET /faults (the configuration as JSON), PUT /faults (a JSON body replacing it), DELETE
 * /faults (no rules). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "emu/fault.h"
#include "listen.h"
#include "oss/buf.h"

#define ADMIN_BODY_MAX (64 * 1024)

struct emu_admin {
    struct MHD_Daemon *daemon;
    struct emu_fault *fault;
};

/* Per request: the PUT body collected so far. */
struct admin_req {
    struct oss_buf body;
    int too_big;
};

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *json)
{
    size_t len = json ? strlen(json) : 0;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(json ? json : ""), MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (len)
        MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    struct oss_buf b = OSS_BUF_INIT;
    oss_buf_puts(&b, "{\"error\":\"");
    for (const char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\')
            oss_buf_putc(&b, '\\');
        if ((unsigned char)*p >= 0x20)
            oss_buf_putc(&b, *p);
    }
    oss_buf_puts(&b, "\"}\n");
    enum MHD_Result ret = answer(c, status, oss_buf_str(&b));
    oss_buf_cleanup(&b);
    return ret;
}

/* The current configuration, answered with status. */
static enum MHD_Result answer_config(struct emu_admin *a, struct MHD_Connection *c, unsigned status)
{
    char *json = emu_fault_to_json(a->fault);
    if (!json)
        return answer_error(c, 500, "out of memory");
    struct oss_buf b = OSS_BUF_INIT;
    oss_buf_printf(&b, "%s\n", json);
    free(json);
    enum MHD_Result ret = answer(c, status, oss_buf_str(&b));
    oss_buf_cleanup(&b);
    return ret;
}

static enum MHD_Result on_admin(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **con_cls)
{
    struct emu_admin *a = cls;
    struct admin_req *ar = *con_cls;
    (void)version;

    if (!ar) {
        ar = calloc(1, sizeof(*ar));
        if (!ar)
            return MHD_NO;
        oss_buf_init(&ar->body);
        *con_cls = ar;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (ar->body.len + *upload_data_size > ADMIN_BODY_MAX)
            ar->too_big = 1;
        else if (oss_buf_append(&ar->body, upload_data, *upload_data_size))
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/faults") != 0)
        return answer_error(c, 404, "no such resource; the admin endpoint serves /faults");
    if (strcmp(method, "GET") == 0)
        return answer_config(a, c, 200);
    if (strcmp(method, "DELETE") == 0) {
        emu_fault_clear(a->fault);
        return answer(c, 204, NULL);
    }
    if (strcmp(method, "PUT") == 0) {
        char err[256] = "";
        if (ar->too_big)
            return answer_error(c, 413, "the body is larger than 64 KiB");
        if (emu_fault_set_json(a->fault, ar->body.data ? ar->body.data : "", ar->body.len, err,
                               sizeof(err)))
            return answer_error(c, 400, err);
        return answer_config(a, c, 200);
    }
    return answer_error(c, 405, "methods: GET, PUT, DELETE");
}

static void on_admin_done(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    struct admin_req *ar = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (ar) {
        oss_buf_cleanup(&ar->body);
        free(ar);
    }
    *con_cls = NULL;
}

int emu_admin_start(struct emu_fault *f, const char *listen, struct emu_admin **out, char *bound,
                    size_t boundlen)
{
    struct sockaddr_in sa;
    int rc = emu_listen_parse(listen, 1, &sa);
    if (rc)
        return rc;
    struct emu_admin *a = calloc(1, sizeof(*a));
    if (!a)
        return -ENOMEM;
    a->fault = f;
    a->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, on_admin, a,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, on_admin_done,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)64, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_END);
    if (!a->daemon) {
        free(a);
        return -EADDRINUSE;
    }
    emu_listen_bound(a->daemon, &sa, bound, boundlen);
    *out = a;
    return 0;
}

void emu_admin_stop(struct emu_admin *a)
{
    if (!a)
        return;
    MHD_stop_daemon(a->daemon);
    free(a);
}
