/* XML documents written to control files (".access-monitor" and ".versioning" as their
 * configuration, ".cors", ".lifecycle", ...): the complete document goes through the safe parser of
 * include/oss/xml.h; a document that does not parse is fed to a libxml2 push parser to tell
 * a truncated document (more writes may complete it) from a malformed one. DTDs and entity
 * declarations are refused before any parser sees them. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "ctl_priv.h"

struct xml_check {
    const char *root;
    const char *const *names;
    int depth;
    int started; /* the root element began */
    int bad;     /* an element outside the schema was seen */
    int err;     /* libxml2 reported an error */
    char msg[200];
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

static int name_allowed(const char *const *names, const char *name, size_t len, int prefix)
{
    for (size_t i = 0; names[i]; i++) {
        size_t nl = strlen(names[i]);

        if ((nl == len || (prefix && nl > len)) && memcmp(names[i], name, len) == 0)
            return 1;
    }
    return 0;
}

/* Records the first schema violation of a start tag named name. */
static void check_element(struct xml_check *st, const char *name, size_t len, int prefix)
{
    const char *only[] = {st->root, NULL};

    if (st->bad)
        return;
    if (st->started && !st->names)
        return; /* any element below the root */
    if (!name_allowed(st->started ? st->names : only, name, len, prefix)) {
        char q[120];

        ctl_quote(name, len, q, sizeof(q));
        st->bad = 1;
        if (st->started)
            ctl_why(st->msg, sizeof(st->msg), "element <%s> is not allowed in <%s>", q, st->root);
        else
            ctl_why(st->msg, sizeof(st->msg), "the root element must be <%s>, not <%s>", st->root,
                    q);
    }
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    struct xml_check *st = ctx;
    const char *name = (const char *)localname;

    (void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndefaulted, (void)attrs;
    check_element(st, name, strlen(name), 0);
    st->started = 1;
    st->depth++;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    struct xml_check *st = ctx;

    (void)localname, (void)prefix, (void)uri;
    st->depth--;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    struct xml_check *st = ctx;
    char msg[160];
    size_t n;

    /* Namespace errors (an xmlns that is not a URI) leave the document well-formed, and the
     * full parser (oss_xml_parse) accepts it: not a reason to refuse a prefix. */
    if (st->err || !e || e->level < XML_ERR_ERROR || e->domain == XML_FROM_NAMESPACE)
        return;
    st->err = 1;
    snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "parse error");
    /* libxml2 messages end with a newline */
    for (n = strlen(msg); n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '); n--)
        msg[n - 1] = '\0';
    ctl_why(st->msg, sizeof(st->msg), "malformed XML: %s (line %d)", msg, e->line);
}

/* The first comment, processing instruction or CDATA section of p[0..n) that is never closed
 * (markup inside an earlier closed one is skipped), or NULL. Inside one, a '<' starts no tag. */
static const char *unclosed_markup(const char *p, size_t n)
{
    static const char *const marks[][2] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}};
    const char *s = p, *end = p + n;

    while ((s = memchr(s, '<', (size_t)(end - s))) != NULL) {
        size_t k, ol = 0;

        for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
            ol = strlen(marks[k][0]);
            if ((size_t)(end - s) >= ol && memcmp(s, marks[k][0], ol) == 0)
                break;
        }
        if (k == sizeof(marks) / sizeof(marks[0])) {
            s++;
            continue;
        }
        const char *close =
            memmem(s + ol, (size_t)(end - s - ol), marks[k][1], strlen(marks[k][1]));
        if (!close)
            return s;
        s = close + strlen(marks[k][1]);
    }
    return NULL;
}

/* Whether p[0..n) ends inside an unfinished comment, processing instruction or CDATA section. */
static int inside_unfinished(const char *p, size_t n)
{
    return unclosed_markup(p, n) != NULL;
}

/* libxml2's push parser holds back a start tag until its '>' arrives; checks the name of
 * such a tag at the end of the input against the schema (as a prefix). */
static void check_tail_tag(struct xml_check *st, const char *p, size_t n)
{
    const char *lt = NULL, *s;
    size_t i, len = 0;

    if (inside_unfinished(p, n))
        return;
    for (i = n; i > 0; i--) {
        if (p[i - 1] == '>')
            return;
        if (p[i - 1] == '<') {
            lt = p + i - 1;
            break;
        }
    }
    if (!lt)
        return;
    s = lt + 1;
    if (s == p + n || *s == '/' || *s == '?' || *s == '!')
        return;
    while (s + len < p + n && strchr(" \t\r\n/>", s[len]) == NULL)
        len++;
    /* A namespace prefix is not part of the local name. */
    for (i = len; i > 0; i--) {
        if (s[i - 1] == ':') {
            s += i;
            len -= i;
            break;
        }
    }
    check_element(st, s, len, s + len == p + n);
}

/* Whether the input ends in an unfinished comment or processing instruction ("<", "<!-",
 * "<!-- text", "<?pi"), the only things that may follow the root element and are cut. */
static int unfinished_misc_tail(const char *p, size_t n)
{
    const char *lt = NULL;
    size_t rest;

    if (inside_unfinished(p, n))
        return 1;
    for (size_t i = n; i > 0 && !lt; i--) {
        if (p[i - 1] == '<')
            lt = p + i - 1;
    }
    rest = lt ? (size_t)(p + n - lt) : 0;
    return lt && rest < 4 && memcmp(lt, "<!--", rest) == 0;
}

/* Decides between CTL_INCOMPLETE and CTL_INVALID for a document the full parser refused. */
static enum ctl_parse classify_prefix(const char *p, size_t n, struct xml_check *st, char *why,
                                      size_t whylen)
{
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctxt;

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.serror = on_error;
    ctxt = xmlCreatePushParserCtxt(&sax, st, NULL, 0, NULL);
    if (!ctxt) {
        ctl_why(why, whylen, "out of memory");
        return CTL_INVALID;
    }
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlParseChunk(ctxt, p, (int)n, 0);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    xmlFreeParserCtxt(ctxt);
    if (!st->err && !st->bad && st->started && st->depth == 0) {
        /* The root element closed without an error here, yet the full parse failed: only an
         * unfinished comment or processing instruction after it may still become valid. */
        if (unfinished_misc_tail(p, n)) {
            ctl_why(why, whylen, "incomplete XML document: unfinished comment after the root");
            return CTL_INCOMPLETE;
        }
        ctl_why(why, whylen, "malformed XML");
        return CTL_INVALID;
    }
    if (!st->err && !st->bad)
        check_tail_tag(st, p, n);
    if (st->err || st->bad) {
        ctl_why(why, whylen, "%s", st->msg);
        return CTL_INVALID;
    }
    ctl_why(why, whylen, "incomplete XML document: premature end of input");
    return CTL_INCOMPLETE;
}

/* Checks every element of a parsed document against the allowed names. */
static int tree_allowed(const struct oss_xml_node *n, const char *const *names, char *why,
                        size_t whylen, const char *root)
{
    const char *name = oss_xml_name(n);

    if (!name_allowed(names, name, strlen(name), 0)) {
        ctl_why(why, whylen, "element <%.80s> is not allowed in <%s>", name, root);
        return 0;
    }
    for (const struct oss_xml_node *c = oss_xml_first(n, NULL); c; c = oss_xml_next(c, NULL)) {
        if (!tree_allowed(c, names, why, whylen, root))
            return 0;
    }
    return 1;
}

enum ctl_parse ctl_xml_parse(const char *in, size_t len, const char *root, const char *const *names,
                             struct oss_xml_doc **out, char *why, size_t whylen)
{
    struct xml_check st = {.root = root, .names = names};
    const char *p = in;
    size_t n = len;
    int t, rc;

    *out = NULL;
    pthread_once(&xml_once, xml_init_once);
    if (len > CTL_MAX_INPUT) {
        ctl_why(why, whylen, "document of %zu bytes is too large", len);
        return CTL_INVALID;
    }
    t = ctl_check_text(in, len, why, whylen);
    if (t < 0)
        return CTL_INVALID;
    ctl_trim(&p, &n);
    if (n == 0) {
        ctl_why(why, whylen, "empty XML document");
        return CTL_INCOMPLETE;
    }
    if (memmem(p, n, "<!DOCTYPE", 9) || memmem(p, n, "<!ENTITY", 8)) {
        ctl_why(why, whylen, "DTDs and entity declarations are refused");
        return CTL_INVALID;
    }
    if (t == 0) {
        rc = oss_xml_parse(p, n, CTL_MAX_INPUT, out);
        if (rc == 0) {
            const struct oss_xml_node *r = oss_xml_root(*out);

            if (strcmp(oss_xml_name(r), root) != 0) {
                ctl_why(why, whylen, "the root element must be <%s>, not <%.80s>", root,
                        oss_xml_name(r));
            } else if (!names || tree_allowed(r, names, why, whylen, root)) {
                return CTL_VALID;
            }
            oss_xml_free(*out);
            *out = NULL;
            return CTL_INVALID;
        }
        if (rc == -ENOMEM) {
            ctl_why(why, whylen, "out of memory");
            return CTL_INVALID;
        }
    }
    /* libxml2's push parser may report errors inside a comment or processing instruction that
     * is merely cut (e.g. "<!-->a"): the input before such an unclosed one decides. */
    const char *u = unclosed_markup(p, n);
    if (u) {
        struct oss_xml_doc *before = NULL;
        enum ctl_parse r = ctl_xml_parse(p, (size_t)(u - p), root, names, &before, why, whylen);

        oss_xml_free(before);
        if (r == CTL_INVALID)
            return r;
        ctl_why(why, whylen, "incomplete XML document: unfinished comment or instruction");
        return CTL_INCOMPLETE;
    }
    return classify_prefix(p, n, &st, why, whylen);
}
