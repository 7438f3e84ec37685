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

#endif
