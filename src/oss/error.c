/* The client library's error type (include/oss/error.h): the errno table of DESIGN.md 1.2 and
 * the parsing of OSS error bodies, which never expands entities nor touches the network. */
#include "oss/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

void oss_error_clear(struct oss_error *e)
{
    memset(e, 0, sizeof(*e));
}

static const struct {
    const char *code;
    int err;
} code_errno[] = {
    {"AccessDenied", EACCES},           {"InvalidAccessKeyId", EACCES},
    {"SignatureDoesNotMatch", EACCES},  {"RequestTimeTooSkewed", EACCES},
    {"NoSuchBucket", ENOENT},           {"NoSuchKey", ENOENT},
    {"NoSuchUpload", ENOENT},           {"NoSuchVersion", ENOENT},
    {"InvalidArgument", EINVAL},        {"MalformedXML", EINVAL},
    {"MalformedPolicy", EINVAL},        {"InvalidBucketName", EINVAL},
    {"InvalidObjectName", EINVAL},      {"InvalidDigest", EINVAL},
    {"MethodNotAllowed", EPERM},        {"BucketNotEmpty", ENOTEMPTY},
    {"BucketAlreadyExists", EEXIST},    {"FileAlreadyExists", EEXIST},
    {"EntityTooLarge", EFBIG},          {"TooManyBuckets", EDQUOT},
    {"QuotaExceeded", EDQUOT},          {"FileImmutable", EPERM}, /* retention (WORM) */
    {"WORMConfigurationLocked", EPERM},
};

/* Known codes first, then any NoSuch* (an unset configuration reads as absent), then the
 * status (409 without a known code is EBUSY). Statuses beyond those DESIGN.md names map to their
 * nearest meaning; anything else, including 0 (no answer), is EIO. */
int oss_errno_for(const char *code, int http_status)
{
    if (code && *code) {
        for (size_t i = 0; i < sizeof(code_errno) / sizeof(code_errno[0]); i++)
            if (!strcmp(code, code_errno[i].code))
                return code_errno[i].err;
        if (!strncmp(code, "NoSuch", 6))
            return ENOENT;
    }
    switch (http_status) {
    case 401:
    case 403:
        return EACCES;
    case 404:
        return ENOENT;
    case 405:
        return EPERM;
    case 409:
        /* A conflict with the resource's state that no code above names (the access
         * monitor cannot be disabled while a lifecycle rule uses it, a restore is in
         * progress): the resource is busy, not "already there". */
        return EBUSY;
    case 400:
    case 411:
    case 412:
    case 416:
        return EINVAL;
    case 413:
        return EFBIG;
    default:
        return EIO;
    }
}

/* Copies src (n bytes) into a fixed field, truncating, with control characters turned into
 * spaces so that a message stays one log line. */
static void set_field(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? ' ' : src[i];
    dst[n] = '\0';
}

/* The text directly inside an element. Entity references are skipped, never followed, so a
 * hostile document cannot make us expand anything. */
static void element_text(const xmlNode *el, char *dst, size_t size)
{
    size_t used = 0;
    dst[0] = '\0';
    for (const xmlNode *c = el->children; c && used + 1 < size; c = c->next) {
        if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
            continue;
        size_t n = strlen((const char *)c->content);
        set_field(dst + used, size - used, (const char *)c->content, n);
        used += strlen(dst + used);
    }
}

/* Parses <Error><Code/><Message/><RequestId/><EC/></Error>. Returns 0 if body was such a
 * document. No DTD is loaded, no network used, entities are left unexpanded, and libxml2
 * reports nothing on stderr. */
static int parse_error_xml(struct oss_error *e, const char *body, size_t len)
{
    if (len > 1 << 20)
        return -EINVAL; /* error bodies are small; don't parse anything huge */
    xmlDoc *doc = xmlReadMemory(body, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (!doc)
        return -EINVAL;
    xmlNode *root = xmlDocGetRootElement(doc);
    int rc = -EINVAL;
    if (root && root->type == XML_ELEMENT_NODE && !xmlStrcmp(root->name, BAD_CAST "Error")) {
        char rid[sizeof(e->request_id)];
        rid[0] = '\0';
        for (xmlNode *c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (!xmlStrcmp(c->name, BAD_CAST "Code"))
                element_text(c, e->code, sizeof(e->code));
            else if (!xmlStrcmp(c->name, BAD_CAST "Message"))
                element_text(c, e->message, sizeof(e->message));
            else if (!xmlStrcmp(c->name, BAD_CAST "RequestId"))
                element_text(c, rid, sizeof(rid));
            else if (!xmlStrcmp(c->name, BAD_CAST "EC"))
                element_text(c, e->ec, sizeof(e->ec));
        }
        if (!e->request_id[0])
            snprintf(e->request_id, sizeof(e->request_id), "%s", rid);
        rc = 0;
    }
    xmlFreeDoc(doc);
    return rc;
}

/* The code a bodiless answer stands for, as ali-oss infers it; "" when nothing sensible. */
static const char *code_for_status(int status)
{
    switch (status) {
    case 403:
        return "AccessDenied";
    case 404:
        return "NoSuchKey";
    case 412:
        return "PreconditionFailed";
    case 416:
        return "InvalidRange";
    default:
        return status >= 500 ? "InternalError" : "";
    }
}

/* "HTTP <status>", followed by the start of a non-XML body (a proxy's or gateway's text
 * answer is worth a glance in the log). */
static void status_message(struct oss_error *e, const char *body, size_t body_len)
{
    int n = snprintf(e->message, sizeof(e->message), "HTTP %d", e->http_status);
    if (!body || !body_len || body[0] == '<' || n < 0 || (size_t)n + 3 >= sizeof(e->message))
        return;
    memcpy(e->message + n, ": ", 3);
    set_field(e->message + n + 2, sizeof(e->message) - (size_t)n - 2, body,
              body_len > 120 ? 120 : body_len);
    for (size_t end = strlen(e->message); end > (size_t)n && e->message[end - 1] == ' '; end--)
        e->message[end - 1] = '\0';
}

void oss_error_from_response(struct oss_error *e, int http_status, const char *request_id,
                             const char *body, size_t body_len)
{
    oss_error_clear(e);
    e->http_status = http_status;
    if (request_id)
        set_field(e->request_id, sizeof(e->request_id), request_id, strlen(request_id));
    if (!body || !body_len || parse_error_xml(e, body, body_len) || !e->code[0]) {
        snprintf(e->code, sizeof(e->code), "%s", code_for_status(http_status));
        if (!e->message[0])
            status_message(e, body, body_len);
    }
    e->err = -oss_errno_for(e->code, http_status);
}

void oss_error_format(const struct oss_error *e, char *out, size_t outlen)
{
    int n;
    if (!outlen)
        return;
    if (e->code[0])
        n = snprintf(out, outlen, "%s (%d): %s", e->code, e->http_status, e->message);
    else if (e->http_status)
        n = snprintf(out, outlen, "HTTP %d: %s", e->http_status, e->message);
    else
        n = snprintf(out, outlen, "%s (errno %d)", e->message[0] ? e->message : "error", -e->err);
    if (n >= 0 && (size_t)n < outlen && e->request_id[0])
        n += snprintf(out + n, outlen - (size_t)n, " [request id %s]", e->request_id);
    if (n >= 0 && (size_t)n < outlen && e->ec[0])
        snprintf(out + n, outlen - (size_t)n, " [EC %s]", e->ec);
}

void oss_error_format_call(const struct oss_error *e, char *out, size_t outlen)
{
    int n = 0;
    if (!outlen)
        return;
    if (e->op[0])
        n = snprintf(out, outlen, "%s %s%s%s failed: ", e->op, e->bucket, e->key[0] ? "/" : "",
                     e->key);
    if (n < 0 || (size_t)n >= outlen)
        return;
    oss_error_format(e, out + n, outlen - (size_t)n);
}
