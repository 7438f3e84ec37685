/* JSON documents written to control files (".access-monitor" as {"Status":"Enabled"},
 * ".policy"): parsing with jansson and telling a truncated document from a malformed one. */
#include "ctl_priv.h"

enum ctl_parse ctl_json_parse(const char *in, size_t len, json_t **out, char *why, size_t whylen)
{
    json_error_t e;
    const char *p = in;
    size_t n = len;
    int t;

    *out = NULL;
    t = ctl_check_text(in, len, why, whylen);
    if (t < 0)
        return CTL_INVALID;
    ctl_trim(&p, &n);
    if (n == 0 || t > 0) {
        /* nothing yet, or a character cut in two */
        ctl_why(why, whylen, "incomplete JSON document");
        return CTL_INCOMPLETE;
    }
    *out = json_loadb(p, n, JSON_REJECT_DUPLICATES, &e);
    if (*out)
        return CTL_VALID;
    if (json_error_code(&e) == json_error_premature_end_of_input) {
        ctl_why(why, whylen, "incomplete JSON document: %s", e.text);
        return CTL_INCOMPLETE;
    }
    ctl_why(why, whylen, "malformed JSON: %s (line %d, column %d)", e.text, e.line, e.column);
    return CTL_INVALID;
}
