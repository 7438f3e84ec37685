/* The safe XML reader of include/oss/xml.h, on libxml2. Documents with a DOCTYPE are refused
 * before libxml2 sees them, so no entity can be declared, expanded or fetched; the parser is
 * also told never to use the network. The writer is in xml_write.c. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "oss/xml.h"

/* Forbidden control characters referenced as &#xN; are parsed as U+10FF00+N (private use,
 * plane 16) and mapped back by the text getters of a document where that happened. */
#define CTRL_BASE 0x10FF00u

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

static int is_forbidden_ctrl(unsigned long v)
{
    return (v >= 1 && v <= 8) || v == 0xB || v == 0xC || (v >= 0xE && v <= 0x1F);
}

/* Scans a numeric character reference starting at s[i] == '&' (s[i+1] == '#'). Returns its
 * length (through ';') and the value, or 0 if it is not a well-formed reference. */
static size_t scan_charref(const char *s, size_t len, size_t i, unsigned long *val)
{
    size_t j = i + 2;
    int hex = 0, digits = 0;
    unsigned long v = 0;

    if (j < len && s[j] == 'x') {
        hex = 1;
        j++;
    }
    for (; j < len && s[j] != ';'; j++) {
        int d;
        char c = s[j];
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        if (v > 0x10FFFFu)
            return 0;
        v = v * (hex ? 16 : 10) + (unsigned long)d;
        digits++;
    }
    if (j >= len || digits == 0)
        return 0;
    *val = v;
    return j + 1 - i;
}

/* Copies the document into out with references to forbidden control characters rewritten
 * (see CTRL_BASE). Sets *changed when anything was rewritten. -EINVAL for &#0;. */
static int remap_ctrl_refs(const char *s, size_t len, struct oss_buf *out, int *changed)
{
    size_t i = 0, last = 0;
    int rc = 0;

    *changed = 0;
    while (rc == 0 && i + 1 < len) {
        unsigned long v;
        size_t n;
        if (s[i] != '&' || s[i + 1] != '#') {
            i++;
            continue;
        }
        n = scan_charref(s, len, i, &v);
        if (n == 0) {
            i++;
            continue;
        }
        if (v == 0)
            return -EINVAL;
        if (is_forbidden_ctrl(v)) {
            rc = oss_buf_append(out, s + last, i - last);
            if (rc == 0)
                rc = oss_buf_printf(out, "&#x%lX;", CTRL_BASE + v);
            last = i + n;
            *changed = 1;
        }
        i += n;
    }
    if (rc == 0)
        rc = oss_buf_append(out, s + last, len - last);
    return rc;
}

int oss_xml_parse(const void *data, size_t len, size_t max, struct oss_xml_doc **out)
{
    struct oss_buf tmp = OSS_BUF_INIT;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    const char *src = data;
    int changed = 0, rc;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

    *out = NULL;
    if (max == 0)
        max = OSS_XML_MAX_DEFAULT;
    if (len > max || len > (size_t)INT32_MAX - 64)
        return -EFBIG;
    if (data == NULL || len == 0)
        return -EINVAL;
    /* Encoding is forced to UTF-8 below, so a DOCTYPE can only appear as these bytes. */
    if (memmem(src, len, "<!DOCTYPE", 9) || memmem(src, len, "<!ENTITY", 8))
        return -EINVAL;
    if (memmem(src, len, "&#", 2)) {
        rc = remap_ctrl_refs(src, len, &tmp, &changed);
        if (rc < 0) {
            oss_buf_cleanup(&tmp);
            return rc;
        }
        if (changed) {
            src = tmp.data;
            len = tmp.len;
        }
    }

    pthread_once(&xml_once, xml_init_once);
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        oss_buf_cleanup(&tmp);
        return -ENOMEM;
    }
    doc = xmlCtxtReadMemory(ctxt, src, (int)len, NULL, "UTF-8", opts);
    rc = 0;
    if (doc == NULL || !ctxt->wellFormed)
        rc = -EINVAL;
    else if (doc->intSubset || doc->extSubset || xmlDocGetRootElement(doc) == NULL)
        rc = -EINVAL;
    xmlFreeParserCtxt(ctxt);
    oss_buf_cleanup(&tmp);
    if (rc < 0) {
        if (doc)
            xmlFreeDoc(doc);
        return rc;
    }
    doc->_private = changed ? (void *)1 : NULL;
    *out = (struct oss_xml_doc *)doc;
    return 0;
}

void oss_xml_free(struct oss_xml_doc *d)
{
    if (d)
        xmlFreeDoc((xmlDocPtr)d);
}

const struct oss_xml_node *oss_xml_root(const struct oss_xml_doc *d)
{
    return (const struct oss_xml_node *)xmlDocGetRootElement((const xmlDoc *)d);
}

const char *oss_xml_name(const struct oss_xml_node *n)
{
    return (const char *)((const xmlNode *)n)->name;
}

static const xmlNode *next_element(const xmlNode *x, const char *name, size_t namelen)
{
    for (; x; x = x->next) {
        if (x->type != XML_ELEMENT_NODE)
            continue;
        if (name == NULL)
            return x;
        if (strlen((const char *)x->name) == namelen && memcmp(x->name, name, namelen) == 0)
            return x;
    }
    return NULL;
}

const struct oss_xml_node *oss_xml_first(const struct oss_xml_node *parent, const char *name)
{
    const xmlNode *p = (const xmlNode *)parent;
    if (p == NULL)
        return NULL;
    return (const struct oss_xml_node *)next_element(p->children, name, name ? strlen(name) : 0);
}

const struct oss_xml_node *oss_xml_next(const struct oss_xml_node *n, const char *name)
{
    const xmlNode *x = (const xmlNode *)n;
    if (x == NULL)
        return NULL;
    return (const struct oss_xml_node *)next_element(x->next, name, name ? strlen(name) : 0);
}

const struct oss_xml_node *oss_xml_find(const struct oss_xml_node *n, const char *path)
{
    const xmlNode *x = (const xmlNode *)n;

    while (x && path && *path) {
        const char *slash = strchr(path, '/');
        size_t seg = slash ? (size_t)(slash - path) : strlen(path);
        x = next_element(x->children, path, seg);
        path = slash ? slash + 1 : NULL;
    }
    return (const struct oss_xml_node *)x;
}

/* Appends s to out, turning U+10FF00+N (UTF-8 F4 8F BC 80+N) back into byte N. */
static int append_unmapped(struct oss_buf *out, const char *s)
{
    const char *p = s;
    int rc = 0;

    while (rc == 0 && *p) {
        const unsigned char *u = (const unsigned char *)p;
        if (u[0] == 0xF4 && u[1] == 0x8F && u[2] == 0xBC && u[3] >= 0x80 && u[3] <= 0x9F) {
            rc = oss_buf_putc(out, (char)(u[3] - 0x80));
            p += 4;
            continue;
        }
        const char *q = strchr(p, '\xF4');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0)
            n = 1;
        rc = oss_buf_append(out, p, n);
        p += n;
    }
    return rc;
}

int oss_xml_text(const struct oss_xml_node *n, struct oss_buf *out)
{
    const xmlNode *x = (const xmlNode *)n;
    xmlChar *t = xmlNodeGetContent(x);
    int rc;

    if (t == NULL)
        return -ENOMEM;
    if (x->doc && x->doc->_private)
        rc = append_unmapped(out, (const char *)t);
    else
        rc = oss_buf_puts(out, (const char *)t);
    xmlFree(t);
    return rc;
}

int oss_xml_get(const struct oss_xml_node *n, const char *path, struct oss_buf *out)
{
    const struct oss_xml_node *e = oss_xml_find(n, path);

    oss_buf_reset(out);
    if (e == NULL)
        return -ENOENT;
    return oss_xml_text(e, out);
}

int oss_xml_get_str(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen)
{
    struct oss_buf b = OSS_BUF_INIT;
    int rc = oss_xml_get(n, path, &b);

    if (dstlen)
        dst[0] = 0;
    if (rc == 0 && b.len >= dstlen)
        rc = -EOVERFLOW;
    if (rc == 0)
        memcpy(dst, oss_buf_str(&b), b.len + 1);
    oss_buf_cleanup(&b);
    return rc;
}

int oss_xml_get_dup(const struct oss_xml_node *n, const char *path, char **out)
{
    struct oss_buf b = OSS_BUF_INIT;
    int rc = oss_xml_get(n, path, &b);

    *out = NULL;
    if (rc == 0) {
        *out = oss_buf_detach(&b);
        if (*out == NULL)
            rc = -ENOMEM;
    }
    oss_buf_cleanup(&b);
    return rc;
}

int oss_xml_get_u64(const struct oss_xml_node *n, const char *path, uint64_t *out)
{
    char tmp[32], *end;
    const char *p = tmp;
    int rc = oss_xml_get_str(n, path, tmp, sizeof tmp);

    if (rc == -EOVERFLOW)
        return -EINVAL;
    if (rc < 0)
        return rc;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno)
        return -EINVAL;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end)
        return -EINVAL;
    *out = v;
    return 0;
}

int oss_xml_get_bool(const struct oss_xml_node *n, const char *path, int *out)
{
    char tmp[8];
    int rc = oss_xml_get_str(n, path, tmp, sizeof tmp);

    if (rc == -EOVERFLOW)
        return -EINVAL;
    if (rc < 0)
        return rc;
    if (strcasecmp(tmp, "true") == 0)
        *out = 1;
    else if (strcasecmp(tmp, "false") == 0)
        *out = 0;
    else
        return -EINVAL;
    return 0;
}
