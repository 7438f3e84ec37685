/* ".access-monitor": the bucket's access tracking state, Enabled or Disabled. Written as the
 * word, as JSON ({"Status":"Enabled"}) or as the AccessMonitorConfiguration XML, as ossutil
 * accepts; read back as the word. */
#include <string.h>

#include "ctl_priv.h"

static const char *const states[] = {"Enabled", "Disabled", NULL};
static const char *const xml_names[] = {"AccessMonitorConfiguration", "Status", NULL};

/* Checks a state found inside a document and appends it to canon. */
static enum ctl_parse state_value(const char *s, size_t len, const char *where,
                                  struct oss_buf *canon, char *why, size_t whylen)
{
    const char *p = s;
    size_t n = len;
    char q[200], list[64];

    ctl_trim(&p, &n);
    for (size_t i = 0; states[i]; i++) {
        if (strlen(states[i]) == n && memcmp(states[i], p, n) == 0) {
            if (oss_buf_puts(canon, states[i]) != 0) {
                ctl_why(why, whylen, "out of memory");
                return CTL_INVALID;
            }
            return CTL_VALID;
        }
    }
    ctl_quote(p, n, q, sizeof(q));
    ctl_word_list(states, list, sizeof(list));
    ctl_why(why, whylen, "invalid %s \"%s\" for .access-monitor: expected %s", where, q, list);
    return CTL_INVALID;
}

/* {"Status":"Enabled"}, also wrapped as {"AccessMonitorConfiguration":{"Status":...}}. */
static enum ctl_parse parse_json(const char *in, size_t len, struct oss_buf *canon, char *why,
                                 size_t whylen)
{
    json_t *doc, *obj, *st;
    enum ctl_parse r = ctl_json_parse(in, len, &doc, why, whylen);

    if (r != CTL_VALID)
        return r;
    obj = doc;
    if (json_is_object(obj) && json_object_size(obj) == 1 &&
        json_object_get(obj, "AccessMonitorConfiguration"))
        obj = json_object_get(obj, "AccessMonitorConfiguration");
    st = json_is_object(obj) ? json_object_get(obj, "Status") : NULL;
    if (!st || json_object_size(obj) != 1 || !json_is_string(st)) {
        ctl_why(why, whylen,
                ".access-monitor JSON must be {\"Status\":\"Enabled\"} or "
                "{\"Status\":\"Disabled\"}");
        r = CTL_INVALID;
    } else {
        r = state_value(json_string_value(st), json_string_length(st), "Status", canon, why,
                        whylen);
    }
    json_decref(doc);
    return r;
}

/* <AccessMonitorConfiguration><Status>Enabled</Status></AccessMonitorConfiguration> */
static enum ctl_parse parse_xml(const char *in, size_t len, struct oss_buf *canon, char *why,
                                size_t whylen)
{
    struct oss_xml_doc *doc;
    const struct oss_xml_node *root, *st;
    struct oss_buf text = OSS_BUF_INIT;
    enum ctl_parse r =
        ctl_xml_parse(in, len, "AccessMonitorConfiguration", xml_names, &doc, why, whylen);

    if (r != CTL_VALID)
        return r;
    root = oss_xml_root(doc);
    st = oss_xml_first(root, "Status");
    if (!st || oss_xml_next(st, "Status") || oss_xml_first(st, NULL)) {
        ctl_why(why, whylen,
                "AccessMonitorConfiguration must hold exactly one <Status> with "
                "Enabled or Disabled");
        r = CTL_INVALID;
    } else if (oss_xml_text(st, &text) != 0) {
        ctl_why(why, whylen, "out of memory");
        r = CTL_INVALID;
    } else {
        r = state_value(oss_buf_str(&text), text.len, "Status", canon, why, whylen);
    }
    oss_buf_cleanup(&text);
    oss_xml_free(doc);
    return r;
}

enum ctl_parse ctl_access_monitor_parse(const char *in, size_t len, struct oss_buf *canon,
                                        char *why, size_t whylen)
{
    const char *p = in;
    size_t n = len;

    ctl_trim(&p, &n);
    if (n > 0 && p[0] == '{')
        return parse_json(in, len, canon, why, whylen);
    if (n > 0 && p[0] == '<')
        return parse_xml(in, len, canon, why, whylen);
    return ctl_parse_word(in, len, states, ".access-monitor", canon, why, whylen);
}

int ctl_access_monitor_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                           struct oss_error *err)
{
    char status[16];
    int rc = oss_get_bucket_access_monitor(c, t->bucket, status, err);

    return rc ? rc : oss_buf_printf(out, "%s\n", status);
}

int ctl_access_monitor_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                           struct oss_error *err)
{
    return oss_put_bucket_access_monitor(c, t->bucket, canon, err);
}
