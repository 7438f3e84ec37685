/* The XML writer of include/oss/xml.h: escaped text and balanced elements appended to an
 * oss_buf, with sticky errors so a whole document is checked once. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oss/xml.h"

int oss_xml_escape(struct oss_buf *out, const char *text, size_t len)
{
    size_t i, last = 0;
    int rc = 0;

    for (i = 0; rc == 0 && i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        const char *rep = NULL;
        char num[8];
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            /* CR too: a parser turns a literal CR (and CR LF) into LF, so a key holding one
             * would come back changed. */
            if (c < 0x20 && c != '\t' && c != '\n') {
                snprintf(num, sizeof num, "&#x%X;", c);
                rep = num;
            }
        }
        if (rep == NULL)
            continue;
        rc = oss_buf_append(out, text + last, i - last);
        if (rc == 0)
            rc = oss_buf_puts(out, rep);
        last = i + 1;
    }
    if (rc == 0)
        rc = oss_buf_append(out, text + last, len - last);
    return rc;
}

void oss_xmlw_init(struct oss_xml_writer *w, struct oss_buf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

static void w_put(struct oss_xml_writer *w, const char *s)
{
    if (w->err == 0)
        w->err = oss_buf_puts(w->out, s);
}

void oss_xmlw_decl(struct oss_xml_writer *w)
{
    w_put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

void oss_xmlw_start(struct oss_xml_writer *w, const char *name)
{
    if (w->err)
        return;
    if (w->depth >= OSS_XMLW_MAX_DEPTH) {
        w->err = -EINVAL;
        return;
    }
    w->open[w->depth++] = name;
    w_put(w, "<");
    w_put(w, name);
    w_put(w, ">");
}

void oss_xmlw_end(struct oss_xml_writer *w)
{
    if (w->err)
        return;
    if (w->depth == 0) {
        w->err = -EINVAL;
        return;
    }
    w_put(w, "</");
    w_put(w, w->open[--w->depth]);
    w_put(w, ">");
}

void oss_xmlw_text(struct oss_xml_writer *w, const char *text)
{
    if (w->err == 0 && text)
        w->err = oss_xml_escape(w->out, text, strlen(text));
}

void oss_xmlw_elem(struct oss_xml_writer *w, const char *name, const char *text)
{
    oss_xmlw_start(w, name);
    oss_xmlw_text(w, text);
    oss_xmlw_end(w);
}

void oss_xmlw_elemf(struct oss_xml_writer *w, const char *name, const char *fmt, ...)
{
    struct oss_buf tmp = OSS_BUF_INIT;
    va_list ap;

    if (w->err)
        return;
    va_start(ap, fmt);
    w->err = oss_buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    if (w->err == 0)
        oss_xmlw_elem(w, name, oss_buf_str(&tmp));
    oss_buf_cleanup(&tmp);
}

int oss_xmlw_finish(struct oss_xml_writer *w)
{
    if (w->err)
        return w->err;
    return w->depth ? -EINVAL : 0;
}
