/* Bucket settings (oss-api.md 6.10): the table of sub-resources stored as one canonical document
 * each in the store's bucket_settings, the validators that turn a request body into that
 * document, and the hooks other handlers need (routing, the lifecycle/access-monitor rule).
 * Used only by op_*.c and router.c. */
#ifndef EMU_OP_SETTING_H
#define EMU_OP_SETTING_H

#include "emu/emu.h"
#include "emu/store.h"
#include "oss/buf.h"
#include "oss/xml.h"

/* Why a document was refused: the OSS answer to give. msg is free text for the Message. */
struct emu_setting_err {
    int status;       /* 400 */
    const char *code; /* "MalformedXML", "InvalidArgument", ... */
    const char *ec;   /* EC or NULL */
    char msg[256];
};

/* What a validator may consult besides the document. */
struct emu_setting_ctx {
    struct emu_server *s;
    const struct emu_bucket *b; /* the bucket being configured */
};

/* Validates an XML setting whose root element has already been checked and writes the
 * canonical document (known elements only, in schema order) to w, after the XML declaration.
 * Returns 0, or -1 with err filled. Element names written are borrowed from the parsed
 * document or are literals, so the caller frees the document only after oss_xmlw_finish. */
typedef int (*emu_setting_xml_fn)(const struct emu_setting_ctx *ctx,
                                  const struct oss_xml_node *root, struct oss_xml_writer *w,
                                  struct emu_setting_err *err);

/* One validator per XML setting: op_setting_validate.c (cors, referer, logging, encryption,
 * tagging), op_setting_website.c, op_setting_lifecycle.c. */
int emu_setting_check_cors(const struct emu_setting_ctx *, const struct oss_xml_node *,
                           struct oss_xml_writer *, struct emu_setting_err *);
int emu_setting_check_referer(const struct emu_setting_ctx *, const struct oss_xml_node *,
                              struct oss_xml_writer *, struct emu_setting_err *);
int emu_setting_check_logging(const struct emu_setting_ctx *, const struct oss_xml_node *,
                              struct oss_xml_writer *, struct emu_setting_err *);
int emu_setting_check_website(const struct emu_setting_ctx *, const struct oss_xml_node *,
                              struct oss_xml_writer *, struct emu_setting_err *);
int emu_setting_check_encryption(const struct emu_setting_ctx *, const struct oss_xml_node *,
                                 struct oss_xml_writer *, struct emu_setting_err *);
int emu_setting_check_tagging(const struct emu_setting_ctx *, const struct oss_xml_node *,
                              struct oss_xml_writer *, struct emu_setting_err *);
/* op_setting_lifecycle.c */
int emu_setting_check_lifecycle(const struct emu_setting_ctx *, const struct oss_xml_node *,
                                struct oss_xml_writer *, struct emu_setting_err *);

/* Checks a bucket policy (op_setting_policy.c; JSON text of len bytes): Version "1", a Statement
 * array of objects with Effect Allow|Deny, Action and Resource (string or array of strings),
 * optional Principal. 0, or -1 with err (400 MalformedPolicy). */
int emu_setting_check_policy(const char *text, size_t len, struct emu_setting_err *err);

/* Sets err to a 400 answer with a formatted message. Always returns -1. */
int emu_setting_fail(struct emu_setting_err *err, const char *code, const char *ec, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
/* Sets err to 400 MalformedXML saying what is wrong. Always returns -1. */
int emu_setting_malformed(struct emu_setting_err *err, const char *what);
/* Helpers of the validators (op_setting_validate.c). child_text: the text of the child element
 * name of n into dst; 0, -ENOENT when absent, -1 (err: InvalidArgument) when too long.
 * copy_bool: an optional boolean child, written to w as given or as def when absent (nothing
 * when def < 0); *out (may be NULL) gets the value or def. 0, or -1 with err (MalformedXML). */
int emu_setting_child_text(const struct oss_xml_node *n, const char *name, char *dst, size_t len,
                           struct emu_setting_err *err);
int emu_setting_copy_bool(const struct oss_xml_node *n, const char *name, int def,
                          struct oss_xml_writer *w, struct emu_setting_err *err, int *out);

/* Whether the stored lifecycle document of bucket uses last-access time (a Transition or
 * NoncurrentVersionTransition with IsAccessTime true). 1, 0, or a negative errno. */
int emu_setting_lifecycle_uses_atime(struct emu_server *s, const char *bucket);

/* Routing hook for bucket requests: when sub names a setting of the table, sets req->op to the
 * OSS name of the method's operation and returns the generic handler (a method the setting
 * lacks, such as DELETE ?referer, gets op "Unknown" and 405 MethodNotAllowed); else NULL. */
emu_handler_fn emu_setting_route(struct emu_req *req, const char *sub);

/* GetBucketInfo's parts that come from settings: ServerSideEncryptionRule{SSEAlgorithm
 * ("None" when unset), KMSMasterKeyID, KMSDataEncryption} and BucketPolicy{LogBucket,
 * LogPrefix} (from the logging setting). */
void emu_setting_info_xml(struct emu_server *s, const char *bucket, struct oss_xml_writer *w);

/* Object tags (op_object_tagging.c): the tag set stored with an object lives in its headers
 * JSON under the member "x-emu-tagging" (an object of key -> value; not a string, so it is
 * never sent as a response header). Parses "k1=v1&k2=v2" (URL-encoded, the x-oss-tagging
 * header) into a JSON object; 0, or -1 with err. *out is a new reference. */
int emu_object_tags_from_header(const char *value, void **out, struct emu_setting_err *err);
/* Number of tags in a stored headers JSON text (0 when none or unparsable). */
size_t emu_object_tag_count(const char *headers_json);

#endif
