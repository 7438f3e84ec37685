/* A small, safe XML layer on libxml2, shared by the client (parsing OSS replies) and ossemu
 * (parsing request bodies, writing replies). Parsing never touches the network, never loads or
 * expands DTDs or entities (a document with a DOCTYPE is refused), and caps the input size.
 *
 * Thread safety: every function is thread-safe on distinct documents and buffers; a parsed
 * document may be read from several threads at once. */
#ifndef OSS_XML_H
#define OSS_XML_H

#include <stddef.h>
#include <stdint.h>

#include "oss/buf.h"

/* Default cap on a parsed document (a ListObjectsV2 page of 1000 long, url-encoded keys fits). */
#define OSS_XML_MAX_DEFAULT (16u * 1024 * 1024)

struct oss_xml_doc;  /* a parsed document; owns every node */
struct oss_xml_node; /* an element, borrowed from its document */

/* ---- reading ---- */

/* Parses len bytes of UTF-8 XML. max caps len (0: OSS_XML_MAX_DEFAULT). Numeric character
 * references to control characters XML 1.0 forbids (&#x1; ... &#x1F; as Go clients send in
 * keys) are accepted and come back as those bytes from the text getters; &#0; is refused.
 * Returns 0 and *out (free with oss_xml_free), or -EINVAL (malformed, empty, DOCTYPE/entities,
 * not UTF-8), -EFBIG (len > max), -ENOMEM. */
int oss_xml_parse(const void *data, size_t len, size_t max, struct oss_xml_doc **out);
void oss_xml_free(struct oss_xml_doc *d);

/* The root element; never NULL for a parsed document. */
const struct oss_xml_node *oss_xml_root(const struct oss_xml_doc *d);
/* Local name of an element (namespace prefix ignored). */
const char *oss_xml_name(const struct oss_xml_node *n);

/* The element reached from n by a '/'-separated path of child names, taking the first match
 * at each step ("AccessControlList/Grant"). NULL or "" path: n itself. NULL if absent. */
const struct oss_xml_node *oss_xml_find(const struct oss_xml_node *n, const char *path);
/* Iteration over child elements: first child of parent named name (NULL: any element), then
 * next sibling after n with that name. NULL at the end.
 *   for (c = oss_xml_first(p, "Contents"); c; c = oss_xml_next(c, "Contents")) ... */
const struct oss_xml_node *oss_xml_first(const struct oss_xml_node *parent, const char *name);
const struct oss_xml_node *oss_xml_next(const struct oss_xml_node *n, const char *name);

/* Appends the text content of n (all descendant text, references decoded) to out. 0/-ENOMEM. */
int oss_xml_text(const struct oss_xml_node *n, struct oss_buf *out);
/* Text of the element at path under n, replacing out's content. -ENOENT if absent. */
int oss_xml_get(const struct oss_xml_node *n, const char *path, struct oss_buf *out);
/* The same into a fixed array (NUL-terminated); -EOVERFLOW if it does not fit (dst is then
 * ""), -ENOENT if absent. */
int oss_xml_get_str(const struct oss_xml_node *n, const char *path, char *dst, size_t dstlen);
/* The same as a malloc'ed string the caller frees; *out is NULL on error. */
int oss_xml_get_dup(const struct oss_xml_node *n, const char *path, char **out);
/* Unsigned decimal (surrounding white space allowed); -EINVAL if not a number, -ENOENT. */
int oss_xml_get_u64(const struct oss_xml_node *n, const char *path, uint64_t *out);
/* "true"/"false" (case-insensitive) into 1/0; -EINVAL otherwise, -ENOENT if absent. */
int oss_xml_get_bool(const struct oss_xml_node *n, const char *path, int *out);

/* ---- writing ---- */

/* Appends text to out with &, <, >, ", ' escaped and control characters (other than tab and
 * newline) written as &#xN; (CR too, which a parser would otherwise turn into LF). 0 or
 * -ENOMEM. */
int oss_xml_escape(struct oss_buf *out, const char *text, size_t len);

#define OSS_XMLW_MAX_DEPTH 16

/* A writer appending to a buffer. Errors are sticky: write the whole document, then check
 * oss_xmlw_finish() once. Element names are borrowed (string literals in practice) and are
 * written verbatim; they must be valid XML names. */
struct oss_xml_writer {
    struct oss_buf *out; /* borrowed */
    int err;             /* first error: -ENOMEM, or -EINVAL for unbalanced start/end */
    int depth;
    const char *open[OSS_XMLW_MAX_DEPTH];
};

void oss_xmlw_init(struct oss_xml_writer *w, struct oss_buf *out);
/* <?xml version="1.0" encoding="UTF-8"?> and a newline. */
void oss_xmlw_decl(struct oss_xml_writer *w);
/* <name> ... </name> */
void oss_xmlw_start(struct oss_xml_writer *w, const char *name);
void oss_xmlw_end(struct oss_xml_writer *w);
/* Escaped character data inside the current element. */
void oss_xmlw_text(struct oss_xml_writer *w, const char *text);
/* <name>escaped text</name>; text NULL writes <name></name>. */
void oss_xmlw_elem(struct oss_xml_writer *w, const char *name, const char *text);
void oss_xmlw_elemf(struct oss_xml_writer *w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Returns the first error, or -EINVAL if elements are still open, else 0. */
int oss_xmlw_finish(struct oss_xml_writer *w);

#endif
