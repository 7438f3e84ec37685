/* Internal interface of the control-file module: the shared value helpers (value.c), the
 * document parsers (doc_json.c, doc_xml.c) and the per-family entry functions the table
 * (table.c) points at. Nothing here is used outside src/ctl and tests/unit/test_ctl.c. */
#ifndef CTL_PRIV_H
#define CTL_PRIV_H

#include <stddef.h>

#include <jansson.h>

#include "ctl/ctl.h"
#include "oss/xml.h"

/* Input cap of the settings other than the policy (OSS accepts documents up to 64 KB). */
#define CTL_MAX_INPUT (64u * 1024)

/* ---- value.c ---- */

/* Narrows [*p, *p + *len) to drop leading and trailing white space (space, tab, CR, LF, VT,
 * FF). */
void ctl_trim(const char **p, size_t *len);

/* Checks that in[0..len) holds no NUL byte and is valid UTF-8 (no overlong forms,
 * surrogates or code points past U+10FFFF). Returns 0 when it is, 1 when it is except for an
 * unfinished multi-byte sequence at the very end (more bytes may complete it), -1 otherwise
 * with a one-line reason in why. */
int ctl_check_text(const char *in, size_t len, char *why, size_t whylen);

/* Writes a printf-style one-line reason into why (may be NULL or whylen 0). */
void ctl_why(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Renders at most 40 bytes of user input for a reason line: printable ASCII as is, other
 * bytes as \xNN, "..." when cut. out is always NUL-terminated. */
void ctl_quote(const char *in, size_t len, char *out, size_t outlen);

/* Every parser also fills why when it answers CTL_INCOMPLETE, so that the error of a handle
 * closed on an unfinished value can say what was missing. */

/* The parser of every one-word setting: values is a NULL-terminated list of the accepted
 * words (exact, case-sensitive), what names the file for the reason (".acl"). A strict prefix
 * of an accepted word (after leading white space, with nothing after it) is CTL_INCOMPLETE;
 * a complete word followed only by white space is CTL_VALID and appended to canon. */
enum ctl_parse ctl_parse_word(const char *in, size_t len, const char *const *values,
                              const char *what, struct oss_buf *canon, char *why, size_t whylen);

/* Formats a word list as "a, b or c" into out. */
void ctl_word_list(const char *const *values, char *out, size_t outlen);

/* ---- doc_json.c ---- */

/* Parses in[0..len) as one JSON value (duplicate keys refused). CTL_VALID with *out (caller
 * json_decref()s it); CTL_INCOMPLETE when the only problem is a premature end of input;
 * CTL_INVALID with the parser's message in why otherwise. */
enum ctl_parse ctl_json_parse(const char *in, size_t len, json_t **out, char *why, size_t whylen);

/* ---- doc_xml.c ---- */

/* Parses in[0..len) as an XML document whose root element is root and whose elements are all
 * named in names (NULL-terminated; root included). DOCTYPE and entity declarations are
 * refused outright, nothing is ever expanded or loaded. CTL_VALID with *out (free with
 * oss_xml_free); CTL_INCOMPLETE when the input is a prefix of such a document (a premature end,
 * the elements seen so far allowed); CTL_INVALID with a reason otherwise. */
enum ctl_parse ctl_xml_parse(const char *in, size_t len, const char *root, const char *const *names,
                             struct oss_xml_doc **out, char *why, size_t whylen);

/* ---- acl.c ---- */
int ctl_acl_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                struct oss_error *err);
enum ctl_parse ctl_acl_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                             size_t whylen);
int ctl_acl_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                struct oss_error *err);
int ctl_object_acl_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                       struct oss_error *err);
enum ctl_parse ctl_object_acl_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                    size_t whylen);
int ctl_object_acl_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                       struct oss_error *err);

/* ---- access_monitor.c ---- */
int ctl_access_monitor_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                           struct oss_error *err);
enum ctl_parse ctl_access_monitor_parse(const char *in, size_t len, struct oss_buf *canon,
                                        char *why, size_t whylen);
int ctl_access_monitor_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                           struct oss_error *err);

#endif
