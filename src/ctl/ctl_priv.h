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
/* Input cap of the bucket policy (OSS: 16 KB). */
#define CTL_POLICY_MAX_INPUT (16u * 1024)

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

/* ---- state.c ---- */

/* A state setting: the file name for reasons, the configuration document's root element,
 * the accepted words (NULL-terminated, case-sensitive) and the element that holds the word
 * (NULL: "Status"). */
struct ctl_state_spec {
    const char *what;
    const char *root;
    const char *const *states;
    const char *elem;
};

/* Parses the word, {"Status":"X"} (or {"<root>":{"Status":"X"}}) or <root><Status>X</Status>
 * </root> (Status: the spec's element); the canonical value is the word. Prefixes of any of
 * them are CTL_INCOMPLETE. */
enum ctl_parse ctl_parse_state(const struct ctl_state_spec *sp, const char *in, size_t len,
                               struct oss_buf *canon, char *why, size_t whylen);

/* Reads the word of a state setting: GET ?sub of t's bucket (of the account when the bucket
 * is "" or NULL), the spec's element of the answer plus a newline into out. */
int ctl_state_get(const struct ctl_state_spec *sp, const char *sub, struct oss_client *c,
                  const struct ctl_target *t, struct oss_buf *out, struct oss_error *err);
/* The word of a state setting from a server answer (the spec's element plus a newline). */
int ctl_state_answer(const struct ctl_state_spec *sp, const struct oss_buf *body,
                     struct oss_buf *out, struct oss_error *err);
/* The document that sets a word: <root><elem>word</elem></root>, appended to body. */
int ctl_state_doc(const struct ctl_state_spec *sp, const char *word, struct oss_buf *body);
/* Applies a word: PUT ?sub with <root><elem>word</elem></root>. */
int ctl_state_put(const struct ctl_state_spec *sp, const char *sub, struct oss_client *c,
                  const struct ctl_target *t, const char *word, struct oss_error *err);
/* The bucket argument of a call for t: NULL (the account, the service endpoint) for the
 * account-level files, whose target bucket is "". */
const char *ctl_bucket_arg(const struct ctl_target *t);

/* ---- doc_json.c ---- */

/* Parses in[0..len) as one JSON value (duplicate keys refused). CTL_VALID with *out (caller
 * json_decref()s it); CTL_INCOMPLETE when the only problem is a premature end of input;
 * CTL_INVALID with the parser's message in why otherwise. */
enum ctl_parse ctl_json_parse(const char *in, size_t len, json_t **out, char *why, size_t whylen);

/* ---- doc_xml.c ---- */

/* Parses in[0..len) as an XML document whose root element is root and whose elements are all
 * named in names (NULL-terminated; root included; names NULL: any element below the root, the
 * server validates the schema). DOCTYPE and entity declarations are
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

/* ---- versioning.c ---- */
int ctl_versioning_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                       struct oss_error *err);
enum ctl_parse ctl_versioning_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                    size_t whylen);
int ctl_versioning_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                       struct oss_error *err);

/* ---- document.c ---- */

/* GETs bucket sub-resource sub and appends the answer to out with a final newline. A NoSuch*
 * answer other than NoSuchBucket (an unset setting) is no error: out is left alone, *unset is
 * set and err is cleared except its request id. Returns 0 or a negative errno. */
int ctl_get_setting(struct oss_client *c, const char *bucket, const char *sub, struct oss_buf *out,
                    int *unset, struct oss_error *err);
/* Parses a server answer that must be a root document; -EIO (err says why) when it is not.
 * *doc is freed by the caller with oss_xml_free. */
int ctl_answer_xml(const struct oss_buf *body, const char *root, struct oss_xml_doc **doc,
                   struct oss_error *err);

/* The entries of the XML document settings; _del only where OSS has a Delete call. */
#define CTL_DOC_DECL(id)                                                                           \
    int ctl_##id##_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,      \
                       struct oss_error *err);                                                     \
    enum ctl_parse ctl_##id##_parse(const char *in, size_t len, struct oss_buf *canon, char *why,  \
                                    size_t whylen);                                                \
    int ctl_##id##_put(struct oss_client *c, const struct ctl_target *t, const char *canon,        \
                       struct oss_error *err);
#define CTL_DOC_DEL_DECL(id)                                                                       \
    int ctl_##id##_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);

CTL_DOC_DECL(cors)
CTL_DOC_DEL_DECL(cors)
CTL_DOC_DECL(lifecycle)
CTL_DOC_DEL_DECL(lifecycle)
CTL_DOC_DECL(referer)
CTL_DOC_DECL(logging)
CTL_DOC_DEL_DECL(logging)
CTL_DOC_DECL(website)
CTL_DOC_DEL_DECL(website)
CTL_DOC_DECL(encryption)
CTL_DOC_DEL_DECL(encryption)
CTL_DOC_DECL(tagging)
CTL_DOC_DEL_DECL(tagging)

/* ---- policy.c ---- */
int ctl_policy_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                   struct oss_error *err);
enum ctl_parse ctl_policy_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                size_t whylen);
int ctl_policy_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                   struct oss_error *err);
int ctl_policy_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);

/* ---- perm.c: Block Public Access, policy status, requester pays, HTTPS ---- */
int ctl_pab_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                struct oss_error *err);
enum ctl_parse ctl_pab_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                             size_t whylen);
int ctl_pab_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                struct oss_error *err);
int ctl_pab_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);
int ctl_policy_status_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                          struct oss_error *err);
int ctl_request_payment_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                            struct oss_error *err);
enum ctl_parse ctl_request_payment_parse(const char *in, size_t len, struct oss_buf *canon,
                                         char *why, size_t whylen);
int ctl_request_payment_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                            struct oss_error *err);
int ctl_https_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                  struct oss_error *err);
enum ctl_parse ctl_https_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                               size_t whylen);
int ctl_https_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                  struct oss_error *err);

/* ---- access_point.c: the files of BUCKET/.access-points/NAME (target key: NAME) ---- */
int ctl_ap_policy_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                      struct oss_error *err);
int ctl_ap_policy_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                      struct oss_error *err);
int ctl_ap_policy_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);
int ctl_ap_pab_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                   struct oss_error *err);
int ctl_ap_pab_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                   struct oss_error *err);
int ctl_ap_pab_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);
int ctl_ap_info_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                    struct oss_error *err);

/* ---- worm.c: bucket retention ---- */
int ctl_worm_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err);
enum ctl_parse ctl_worm_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                              size_t whylen);
int ctl_worm_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                 struct oss_error *err);
int ctl_worm_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);

/* ---- bucket_info.c ---- */
int ctl_info_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err);
int ctl_stat_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err);
int ctl_location_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                     struct oss_error *err);
/* What the read-only rows point at: every input is CTL_INVALID, put is -EACCES. */
enum ctl_parse ctl_readonly_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                  size_t whylen);
int ctl_readonly_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                     struct oss_error *err);

#endif
