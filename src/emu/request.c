/* Request accessors and response builders shared by the front and the operation handlers,
 * including the OSS error answer (XML body, x-oss-ec, x-oss-err for HEAD). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "emu/emu.h"
#include "oss/codec.h"
#include "oss/xml.h"

const char *emu_req_query(const struct emu_req *r, const char *name)
{
    for (size_t i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].name, name) == 0)
            return r->query[i].value ? r->query[i].value : "";
    return NULL;
}

int emu_req_has_query(const struct emu_req *r, const char *name)
{
    return emu_req_query(r, name) != NULL;
}

const char *emu_req_header(const struct emu_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value ? r->headers[i].value : "";
    return NULL;
}

void emu_resp_init(struct emu_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    oss_buf_init(&resp->body);
    resp->file_fd = -1;
}

void emu_resp_cleanup(struct emu_resp *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free((char *)resp->headers[i].name);
        free((char *)resp->headers[i].value);
    }
    free(resp->headers);
    resp->headers = NULL;
    resp->nheaders = 0;
    oss_buf_cleanup(&resp->body);
    if (resp->file_fd >= 0)
        close(resp->file_fd);
    resp->file_fd = -1;
}

int emu_resp_header(struct emu_resp *resp, const char *name, const char *value)
{
    struct oss_kv *h = realloc(resp->headers, (resp->nheaders + 1) * sizeof(*h));
    if (!h)
        return -ENOMEM;
    resp->headers = h;
    char *n = strdup(name), *v = strdup(value ? value : "");
    if (!n || !v) {
        free(n);
        free(v);
        return -ENOMEM;
    }
    h[resp->nheaders].name = n;
    h[resp->nheaders].value = v;
    resp->nheaders++;
    return 0;
}

int emu_resp_set_header(struct emu_resp *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, name) != 0)
            continue;
        char *v = strdup(value ? value : "");
        if (!v)
            return -ENOMEM;
        free((char *)resp->headers[i].value);
        resp->headers[i].value = v;
        return 0;
    }
    return emu_resp_header(resp, name, value);
}

void emu_resp_xml(struct emu_resp *resp, struct oss_buf *xml)
{
    resp->status = 200;
    oss_buf_cleanup(&resp->body);
    resp->body = *xml;
    oss_buf_init(xml);
    emu_resp_set_header(resp, "Content-Type", "application/xml");
}

/* The EC that real OSS attaches to a code, used when a caller gives none. Sources: oss-api.md
 * 5.2 and the OSS SDKs' captured error answers (MalformedXML, MethodNotAllowed, AccessDenied,
 * UserDisable); docs/decisions.md lists them. */
static const char *default_ec(const char *code)
{
    static const struct {
        const char *code, *ec;
    } table[] = {
        {"NoSuchBucket", "0015-00000101"},        {"BucketAlreadyExists", "0015-00000104"},
        {"BucketNotEmpty", "0015-00000301"},      {"NoSuchKey", "0026-00000001"},
        {"FileAlreadyExists", "0026-00000002"},   {"SignatureDoesNotMatch", "0002-00000040"},
        {"InvalidDigest", "0017-00000503"},       {"PositionNotEqualToLength", "0026-00000016"},
        {"ObjectNotAppendable", "0026-00000017"}, {"OperationNotSupported", "0016-00000702"},
        {"MalformedXML", "0031-00000001"},        {"MethodNotAllowed", "0017-00000001"},
        {"AccessDenied", "0003-00000001"},        {"UserDisable", "0003-00000801"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].ec;
    return EMU_EC_UNKNOWN;
}

/* Appends "  <name>escaped value</name>\n". */
static void xml_line(struct oss_buf *b, const char *name, const char *value)
{
    oss_buf_printf(b, "  <%s>", name);
    oss_xml_escape(b, value ? value : "", value ? strlen(value) : 0);
    oss_buf_printf(b, "</%s>\n", name);
}

void emu_resp_error(struct emu_resp *resp, const struct emu_req *req, int status, const char *code,
                    const char *message, const char *ec, ...)
{
    struct oss_buf xml = OSS_BUF_INIT;
    const char *host = emu_req_header(req, "Host");
    va_list ap;

    if (!ec)
        ec = default_ec(code);
    resp->status = status;
    snprintf(resp->code, sizeof(resp->code), "%s", code);
    if (resp->file_fd >= 0)
        close(resp->file_fd);
    resp->file_fd = -1;
    resp->file_len = 0;
    resp->file_off = 0;

    oss_buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n");
    xml_line(&xml, "Code", code);
    xml_line(&xml, "Message", message);
    xml_line(&xml, "RequestId", req->request_id);
    xml_line(&xml, "HostId", host ? host : "");
    va_start(ap, ec);
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name)
            break;
        const char *value = va_arg(ap, const char *);
        xml_line(&xml, name, value);
    }
    va_end(ap);
    xml_line(&xml, "EC", ec);
    oss_buf_puts(&xml, "</Error>\n");

    oss_buf_reset(&resp->body);
    emu_resp_set_header(resp, "Content-Type", "application/xml");
    emu_resp_set_header(resp, "x-oss-ec", ec);
    if (req->method && strcmp(req->method, "HEAD") == 0) {
        struct oss_buf b64 = OSS_BUF_INIT;
        if (oss_base64_encode(xml.data, xml.len, &b64) == 0)
            emu_resp_set_header(resp, "x-oss-err", oss_buf_str(&b64));
        oss_buf_cleanup(&b64);
    } else {
        oss_buf_append(&resp->body, xml.data, xml.len);
    }
    oss_buf_cleanup(&xml);
}
