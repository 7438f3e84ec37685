/* JSON documents written to control files (".access-monitor" as {"Status":"Enabled"},
 * ".policy"): parsing with jansson and telling a truncated document from a malformed one. */
#include <string.h>

#include "ctl_priv.h"

/* jansson reports a literal, number or string escape cut by the end of the input ("tru",
 * "-12.", "1e+", "\u00e") as an invalid token or escape, not as a premature end; a write
 * boundary may fall there (a 16 KB policy piped through a 4 KB stdio buffer), so such an error
 * at the very end means "more bytes may complete it". */
static int cut_token(const json_error_t *e, size_t n)
{
    return json_error_code(e) == json_error_invalid_syntax && e->position >= 0 &&
           (size_t)e->position == n &&
           (strncmp(e->text, "invalid token", 13) == 0 ||
            strncmp(e->text, "invalid escape", 14) == 0);
}

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
    if (json_error_code(&e) == json_error_premature_end_of_input || cut_token(&e, n)) {
        ctl_why(why, whylen, "incomplete JSON document: %s", e.text);
        return CTL_INCOMPLETE;
    }
    ctl_why(why, whylen, "malformed JSON: %s (line %d, column %d)", e.text, e.line, e.column);
    return CTL_INVALID;
}
