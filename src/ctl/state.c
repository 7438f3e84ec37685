/* The parser of one-word state settings that OSS takes as a small configuration document
 * (".access-monitor", ".versioning"): the word itself, {"Status":"..."} (also wrapped in the
 * root name, as ossutil writes it) or the XML document <Root><Status>...</Status></Root>. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"

const char *ctl_bucket_arg(const struct ctl_target *t)
{
    return t->bucket && *t->bucket ? t->bucket : NULL;
}

int ctl_state_get(const struct ctl_state_spec *sp, const char *sub, struct oss_client *c,
                  const struct ctl_target *t, struct oss_buf *out, struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = oss_get_bucket_subresource(c, ctl_bucket_arg(t), sub, &body, err);

    if (rc == 0)
        rc = ctl_state_answer(sp, &body, out, err);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_state_answer(const struct ctl_state_spec *sp, const struct oss_buf *body,
                     struct oss_buf *out, struct oss_error *err)
{
    const char *elem = sp->elem ? sp->elem : "Status";
    struct oss_buf word = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    int rc = ctl_answer_xml(body, sp->root, &doc, err);

    if (rc == 0 && oss_xml_get(oss_xml_root(doc), elem, &word) < 0) {
        rc = -EIO;
        if (err) {
            err->err = -EIO;
            snprintf(err->message, sizeof(err->message), "unexpected answer: no <%s>", elem);
        }
    }
    if (rc == 0) {
        const char *p = oss_buf_str(&word);
        size_t n = word.len;

        ctl_trim(&p, &n);
        rc = oss_buf_printf(out, "%.*s\n", (int)n, p);
    }
    oss_xml_free(doc);
    oss_buf_cleanup(&word);
    return rc;
}

int ctl_state_put(const struct ctl_state_spec *sp, const char *sub, struct oss_client *c,
                  const struct ctl_target *t, const char *word, struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = ctl_state_doc(sp, word, &body);

    if (rc == 0)
        rc = oss_put_bucket_subresource(c, ctl_bucket_arg(t), sub, "application/xml",
                                        oss_buf_str(&body), body.len, err);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_state_doc(const struct ctl_state_spec *sp, const char *word, struct oss_buf *body)
{
    const char *elem = sp->elem ? sp->elem : "Status";

    return oss_buf_printf(body, "<%s><%s>%s</%s></%s>", sp->root, elem, word, elem, sp->root);
}

/* Checks a state found inside a document and appends it to canon. */
static enum ctl_parse state_value(const struct ctl_state_spec *sp, const char *s, size_t len,
                                  struct oss_buf *canon, char *why, size_t whylen)
{
    const char *p = s;
    size_t n = len;
    char q[200], list[64];

    ctl_trim(&p, &n);
    for (size_t i = 0; sp->states[i]; i++) {
        if (strlen(sp->states[i]) == n && memcmp(sp->states[i], p, n) == 0) {
            if (oss_buf_puts(canon, sp->states[i]) != 0) {
                ctl_why(why, whylen, "out of memory");
                return CTL_INVALID;
            }
            return CTL_VALID;
        }
    }
    ctl_quote(p, n, q, sizeof(q));
    ctl_word_list(sp->states, list, sizeof(list));
    ctl_why(why, whylen, "invalid Status \"%s\" for %s: expected %s", q, sp->what, list);
    return CTL_INVALID;
}

/* {"Status":"X"}, also wrapped as {"<root>":{"Status":"X"}}. */
static enum ctl_parse parse_json(const struct ctl_state_spec *sp, const char *in, size_t len,
                                 struct oss_buf *canon, char *why, size_t whylen)
{
    const char *elem = sp->elem ? sp->elem : "Status";
    json_t *doc, *obj, *st;
    enum ctl_parse r = ctl_json_parse(in, len, &doc, why, whylen);
    char list[64];

    if (r != CTL_VALID)
        return r;
    obj = doc;
    if (json_is_object(obj) && json_object_size(obj) == 1 && json_object_get(obj, sp->root))
        obj = json_object_get(obj, sp->root);
    st = json_is_object(obj) ? json_object_get(obj, elem) : NULL;
    if (!st || json_object_size(obj) != 1 || !json_is_string(st)) {
        ctl_word_list(sp->states, list, sizeof(list));
        ctl_why(why, whylen, "%s JSON must be {\"%s\":\"...\"} with %s", sp->what, elem, list);
        r = CTL_INVALID;
    } else {
        r = state_value(sp, json_string_value(st), json_string_length(st), canon, why, whylen);
    }
    json_decref(doc);
    return r;
}

/* <Root><Status>X</Status></Root> */
static enum ctl_parse parse_xml(const struct ctl_state_spec *sp, const char *in, size_t len,
                                struct oss_buf *canon, char *why, size_t whylen)
{
    const char *elem = sp->elem ? sp->elem : "Status";
    const char *const names[] = {sp->root, elem, NULL};
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root, *st;
    struct oss_buf text = OSS_BUF_INIT;
    enum ctl_parse r = ctl_xml_parse(in, len, sp->root, names, &doc, why, whylen);
    char list[64];

    if (r != CTL_VALID)
        return r;
    root = oss_xml_root(doc);
    st = oss_xml_first(root, elem);
    if (!st || oss_xml_next(st, elem) || oss_xml_first(st, NULL)) {
        ctl_word_list(sp->states, list, sizeof(list));
        ctl_why(why, whylen, "%s must hold exactly one <%s> with %s", sp->root, elem, list);
        r = CTL_INVALID;
    } else if (oss_xml_text(st, &text) != 0) {
        ctl_why(why, whylen, "out of memory");
        r = CTL_INVALID;
    } else {
        r = state_value(sp, oss_buf_str(&text), text.len, canon, why, whylen);
    }
    oss_buf_cleanup(&text);
    oss_xml_free(doc);
    return r;
}

enum ctl_parse ctl_parse_state(const struct ctl_state_spec *sp, const char *in, size_t len,
                               struct oss_buf *canon, char *why, size_t whylen)
{
    const char *p = in;
    size_t n = len;

    ctl_trim(&p, &n);
    if (n > 0 && p[0] == '{')
        return parse_json(sp, in, len, canon, why, whylen);
    if (n > 0 && p[0] == '<')
        return parse_xml(sp, in, len, canon, why, whylen);
    return ctl_parse_word(in, len, sp->states, sp->what, canon, why, whylen);
}
