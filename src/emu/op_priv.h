/* Helpers shared by ossemu's operation handlers (op_*.c): loading the addressed bucket or object
 * with OSS's error answers, ACL names, name validation, and the headers and XML pieces several
 * operations emit. Used only by op_*.c. */
#ifndef EMU_OP_PRIV_H
#define EMU_OP_PRIV_H

#include <jansson.h>

#include "emu/emu.h"
#include "emu/store.h"
#include "oss/xml.h"

/* Loads req->bucket into *b. On failure fills resp (404 NoSuchBucket with BucketName, or 500)
 * and returns -1. */
int emu_op_load_bucket(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_bucket *b);
/* Loads req->key of bucket b into *o (caller cleans up). 404 NoSuchKey (or 500) into resp and
 * -1 on failure. With fd non-NULL also opens the data file (emu_store_object_open). */
int emu_op_load_object(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_object *o, int *fd);
/* Answers 500 InternalError for an unexpected store failure rc. */
void emu_op_internal(struct emu_resp *resp, const struct emu_req *req, int rc);

/* versionId: absent or "null" are the only versions that exist (no versioning yet). Answers
 * 404 NoSuchVersion and returns -1 for any other value. */
int emu_op_check_version(struct emu_req *req, struct emu_resp *resp);

int emu_op_bucket_acl_valid(const char *acl); /* private | public-read | public-read-write */
int emu_op_object_acl_valid(const char *acl); /* the same plus default */
/* The ACL governing non-owners for object o in bucket b ("default" resolved). */
const char *emu_op_effective_acl(const struct emu_object *o, const struct emu_bucket *b);
int emu_op_bucket_name_valid(const char *name);
int emu_op_object_key_valid(const char *key);

/* "\"<etag>\"" into out. */
void emu_op_quote_etag(const char *etag, char out[80]);
/* Appends <Owner><ID>id</ID><DisplayName>id</DisplayName></Owner>. */
void emu_op_xml_owner(struct oss_xml_writer *w, const char *id);
/* Appends ExtranetEndpoint, IntranetEndpoint and Location of bucket b. */
void emu_op_xml_endpoints(struct oss_xml_writer *w, const struct emu_bucket *b);
/* Parses the max-keys style parameter name (1..1000, default def). Answers 400
 * InvalidArgument and returns -1 when it is not such a number. */
int emu_op_max_keys(struct emu_req *req, struct emu_resp *resp, const char *name, size_t def,
                    size_t *out);
/* Makes resp a 200 XML answer with the document in xml (xml is emptied). */
void emu_op_reply_xml(struct emu_resp *resp, struct oss_buf *xml);

/* Sets the object headers shared by HeadObject and GetObject: Content-Type, ETag,
 * Last-Modified, x-oss-object-type, x-oss-storage-class, x-oss-hash-crc64ecma, stored
 * x-oss-meta-* and standard headers, Accept-Ranges. Content-Length is the caller's. */
void emu_op_object_headers(struct emu_resp *resp, const struct emu_object *o);
/* The same for GetObject: response-content-type and the other response-* query overrides of
 * an authenticated request replace the stored values. */
void emu_op_object_headers_req(struct emu_resp *resp, const struct emu_object *o,
                               const struct emu_req *req);
/* Evaluates the conditional headers (If-Match, If-None-Match, If-Modified-Since,
 * If-Unmodified-Since; each name after prefix, e.g. "x-oss-copy-source-") against o.
 * Returns 0 to proceed; otherwise resp holds 412 PreconditionFailed or 304 Not Modified and
 * the return is -1. */
int emu_op_conditions(struct emu_req *req, struct emu_resp *resp, const struct emu_object *o,
                      const char *prefix);
/* The stored headers of a request as a JSON object text (x-oss-meta-* lower-cased, and
 * Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires), or NULL
 * on allocation failure. The caller frees it. */
char *emu_op_collect_headers(const struct emu_req *req);

/* Checks Content-MD5 (base64 of the 16-byte digest) against the body's MD5 computed by the
 * front. Answers 400 InvalidDigest and returns -1 when it is malformed, does not match, or is
 * absent while required. */
int emu_op_check_md5(struct emu_req *req, struct emu_resp *resp, int required);
/* Checks shared by object writes (PutObject, CopyObject): key name, x-oss-object-acl,
 * x-oss-forbid-overwrite (*forbid), x-oss-storage-class. Answers 400 and returns -1 on a bad
 * value. */
int emu_op_write_checks(struct emu_req *req, struct emu_resp *resp, int *forbid);
/* Answers a failed emu_store_object_put: 409 FileAlreadyExists, 404 NoSuchBucket (deleted
 * meanwhile) or 500. */
void emu_op_write_result(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int rc);

/* ---- versions, multipart (op_version_common.c, op_object_write.c, op_copy.c) ---- */

/* The versionId query parameter, or NULL when absent or empty. */
const char *emu_op_version_param(const struct emu_req *req);
/* Loads the version of req->key in bucket b that ?versionId names (the latest when absent),
 * for an object operation whose RAM action is action_plain, or action_version when a versionId
 * is given. With acl_governed the object's effective ACL governs non-owners (reads and writes
 * of data); otherwise only the owner and RAM users with the action may act (the ACL calls),
 * checked before anything is looked up. Answers: 404 NoSuchKey or NoSuchVersion; when the
 * latest version is a delete marker 404 NoSuchKey, when versionId names one 405
 * MethodNotAllowed, both with x-oss-delete-marker and x-oss-version-id. Returns 0 with *o (and
 * *fd when fd is non-NULL), or -1 with resp filled. */
int emu_op_load_version(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                        const struct emu_bucket *b, struct emu_object *o, int *fd,
                        const char *action_plain, const char *action_version, int acl_governed,
                        int write);
/* Adds x-oss-version-id when the object has a version id (the bucket is versioned). */
void emu_op_version_header(struct emu_resp *resp, const struct emu_object *o);
/* The request body in memory: req->body, or the spool file read into hold (at most max bytes;
 * -EFBIG beyond). */
int emu_op_body_bytes(struct emu_req *req, size_t max, struct oss_buf *hold, const char **data,
                      size_t *len);
/* Makes the request body a file under DIR/tmp: the front's spool file (*owned 0), or a new
 * file holding the in-memory body (*owned 1: the caller unlinks it on failure). */
int emu_op_body_file(struct emu_server *s, struct emu_req *req, char *path, size_t len, int *owned,
                     uint64_t *size);
/* x-oss-copy-source "/bucket/url-encoded-key[?versionId=v]": malloc'ed parts, or -EINVAL. */
int emu_op_copy_source_parse(const char *h, char **bucket, char **key, char **version);
/* Opens the copy source for reading with GetObject's answers and authorization evaluated on
 * the source, and the x-oss-copy-source-if-* conditions. 0 with *src and *fd, or -1. */
int emu_op_copy_source_open(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                            const char *sbucket, const char *skey, const char *version,
                            struct emu_object *src, int *fd);
/* <name>value</name>, percent-encoded when url is set (encoding-type=url). */
void emu_op_xml_elem_enc(struct oss_xml_writer *w, int url, const char *name, const char *value);
/* Parses encoding-type: 0 with *url set, or -1 with 400 InvalidArgument in resp. */
int emu_op_encoding_type(struct emu_req *req, struct emu_resp *resp, int *url);

/* x-oss-meta-* names (letters, digits, '-') and total size (8 KB), and the x-oss-tagging
 * header of an object write (op_object_meta.c). Answers 400 InvalidArgument and returns -1
 * on a violation. Called by emu_op_write_checks. */
int emu_op_check_object_headers(struct emu_req *req, struct emu_resp *resp);
/* When o (opened with *fd) is a symlink, makes *fd its target's data (same bucket) and gives o
 * the target's size, ETag, CRC64 and the later Last-Modified; the rest stays the link's
 * (op_symlink.c). Returns 0, or -1 with resp set: 404 SymlinkTargetNotExist for a dangling
 * link, 400 InvalidTargetType when the target is a symlink too; o and *fd are then still the
 * link's, for the caller to release. */
int emu_op_follow_symlink(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                          struct emu_object *o, int *fd);

#endif
