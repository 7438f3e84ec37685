/* Helpers shared by ossemu's operation handlers (op_*.c): loading the addressed bucket, object
 * or version together with its authorization and OSS's error answers (op_common.c), request
 * parameters and bodies (op_params.c), and the headers and XML pieces of answers (op_reply.c).
 * Used only by op_*.c.
 *
 * Conventions: a helper that may refuse the request takes resp, fills it with the OSS answer
 * and returns -1; 0 means "go on" and resp is untouched. Records loaded into caller storage are
 * the caller's to clean up (emu_object_cleanup, emu_upload_cleanup). */
#ifndef EMU_OP_PRIV_H
#define EMU_OP_PRIV_H

#include <jansson.h>

#include "emu/emu.h"
#include "emu/store.h"
#include "oss/xml.h"

/* ---- common refusals (op_common.c) ---- */

/* 500 InternalError for an unexpected store or allocation failure rc (a negative errno). */
void emu_op_internal(struct emu_resp *resp, const struct emu_req *req, int rc);
/* 400 MalformedXML: a request document that does not parse or has the wrong shape. */
void emu_op_malformed_xml(struct emu_req *req, struct emu_resp *resp);
/* 404 NoSuchKey (EC 0026-00000001) with Key key. */
void emu_op_no_such_key(struct emu_req *req, struct emu_resp *resp, const char *key);
/* 404 NoSuchVersion with Key and VersionId. */
void emu_op_no_such_version(struct emu_req *req, struct emu_resp *resp, const char *key,
                            const char *version);

/* ---- loading what a request addresses, with authorization (op_common.c) ---- */

/* Loads req->bucket into *b. On failure fills resp (404 NoSuchBucket with BucketName, or 500)
 * and returns -1. No authorization: callers that use it alone authorize themselves. */
int emu_op_load_bucket(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_bucket *b);
/* Loads req->bucket into *b and authorizes action on it as bucket administration: the owner and
 * principals a RAM or bucket policy allows; the bucket ACL grants nothing. 0, or -1 with resp
 * holding 404 NoSuchBucket, 403 AccessDenied or 500. write: the action changes state. */
int emu_op_bucket_admin(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                        const char *action, int write, struct emu_bucket *b);
/* The same for data access (listings, object and upload writes): the bucket ACL also governs
 * non-owners. */
int emu_op_bucket_data(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *action, int write, struct emu_bucket *b);
/* The outcome rc of a store call that changes or reads the loaded bucket: 0 when rc >= 0
 * (resp untouched); otherwise -1 with 404 NoSuchBucket (-ENOENT: deleted meanwhile) or 500. */
int emu_op_bucket_result(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int rc);

/* For operations on the latest version only (GetSymlink, object tagging): a versionId other
 * than "null" is 404 NoSuchVersion (-1 with resp filled); absent, empty or "null" pass. */
int emu_op_check_version(struct emu_req *req, struct emu_resp *resp);
/* The ACL governing non-owners for object o in bucket b ("default" resolved). */
const char *emu_op_effective_acl(const struct emu_object *o, const struct emu_bucket *b);
/* Loads the latest record of req->key for an operation on the latest version only: the bucket,
 * the versionId check above, then action authorized with the object's effective ACL governing
 * non-owners. A missing key is 404 NoSuchKey only to requesters who may read the bucket (403
 * to others). 0 with *b and *o (caller cleans o up), or -1 with resp filled. */
int emu_op_load_latest(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const char *action, int write, struct emu_bucket *b, struct emu_object *o);
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

/* ---- request parameters, names and bodies (op_params.c) ---- */

int emu_op_bucket_acl_valid(const char *acl);   /* private | public-read | public-read-write */
int emu_op_object_acl_valid(const char *acl);   /* the same plus default */
int emu_op_storage_class_valid(const char *sc); /* Standard | IA | Archive | ColdArchive | ... */
int emu_op_bucket_name_valid(const char *name);
int emu_op_object_key_valid(const char *key);
/* Parses the max-keys style parameter name (1..1000, default def). Answers 400
 * InvalidArgument and returns -1 when it is not such a number. */
int emu_op_max_keys(struct emu_req *req, struct emu_resp *resp, const char *name, size_t def,
                    size_t *out);
/* Parses encoding-type: 0 with *url set, or -1 with 400 InvalidArgument in resp. */
int emu_op_encoding_type(struct emu_req *req, struct emu_resp *resp, int *url);
/* The versionId query parameter, or NULL when absent or empty. */
const char *emu_op_version_param(const struct emu_req *req);
/* The request body in memory: req->body, or the spool file read into hold (at most max bytes;
 * -EFBIG beyond). 0 or -errno; *data stays valid until hold is cleaned up. */
int emu_op_body_bytes(struct emu_req *req, size_t max, struct oss_buf *hold, const char **data,
                      size_t *len);
/* Makes the request body a file under DIR/tmp: the front's spool file (*owned 0), or a new
 * file holding the in-memory body (*owned 1: the caller unlinks it on failure). */
int emu_op_body_file(struct emu_server *s, struct emu_req *req, char *path, size_t len, int *owned,
                     uint64_t *size);
/* Hands the front's spool file over to the store after it was renamed into place (owned 0):
 * the front must no longer unlink it. */
void emu_op_body_taken(struct emu_req *req);
/* Copies len bytes of in, from in_off, to out at its position: in the kernel where it can
 * (copy_file_range, no copy through user space), with reads and writes where it cannot.
 * 0, -EIO when in ends early, or -errno. */
int emu_op_copy_fd(int in, uint64_t in_off, int out, uint64_t len);

/* ---- answers: XML documents and headers (op_reply.c) ---- */

/* Makes resp a 200 XML answer with the document in xml (xml is emptied). */
void emu_op_reply_xml(struct emu_resp *resp, struct oss_buf *xml);
/* Starts a document in xml: the XML declaration and the root element (closed by the caller). */
void emu_op_xml_begin(struct oss_xml_writer *w, struct oss_buf *xml, const char *root);
/* Finishes the document w wrote into xml and makes it the 200 answer, or answers 500 when the
 * writer failed. xml is emptied either way. Returns 0, or -1 after a 500. */
int emu_op_reply_doc(struct emu_req *req, struct emu_resp *resp, struct oss_xml_writer *w,
                     struct oss_buf *xml);
/* Appends <Owner><ID>id</ID><DisplayName>id</DisplayName></Owner>. */
void emu_op_xml_owner(struct oss_xml_writer *w, const char *id);
/* Appends ExtranetEndpoint, IntranetEndpoint and Location of bucket b. */
void emu_op_xml_endpoints(struct oss_xml_writer *w, const struct emu_bucket *b);
/* <name>value</name>, percent-encoded when url is set (encoding-type=url). */
void emu_op_xml_elem_enc(struct oss_xml_writer *w, int url, const char *name, const char *value);
/* One CommonPrefixes element for each prefix entry of a listing page, in page order. */
void emu_op_xml_common_prefixes(struct oss_xml_writer *w, int url, const struct emu_list_result *r);

/* "\"<etag>\"" into out. */
void emu_op_quote_etag(const char *etag, char out[80]);
/* Adds header name with the decimal value v. */
void emu_op_header_u64(struct emu_resp *resp, const char *name, uint64_t v);
/* Adds Content-MD5: the base64 of the 16-byte digest md5. */
void emu_op_header_md5(struct emu_resp *resp, const unsigned char md5[16]);
/* Adds x-oss-version-id when the object has a version id (the bucket is versioned). */
void emu_op_version_header(struct emu_resp *resp, const struct emu_object *o);
/* The headers answering a stored write: ETag, x-oss-hash-crc64ecma and x-oss-version-id. */
void emu_op_written_headers(struct emu_resp *resp, const struct emu_object *o);

/* ---- objects over HTTP (op_object_http.c, op_object_meta.c) ---- */

/* Sets the object headers of HeadObject and GetObject: Content-Type, ETag, Last-Modified,
 * x-oss-object-type, x-oss-storage-class, x-oss-hash-crc64ecma, x-oss-tagging-count,
 * x-oss-version-id, stored x-oss-meta-* and standard headers, Accept-Ranges. With req non-NULL
 * (GetObject), response-content-type and the other response-* query overrides of an
 * authenticated request replace the stored values. Content-Length is the front's. */
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
/* x-oss-meta-* names (letters, digits, '-') and total size (8 KB), and the x-oss-tagging
 * header of an object write (op_object_meta.c). Answers 400 InvalidArgument and returns -1
 * on a violation. Called by emu_op_write_checks. */
int emu_op_check_object_headers(struct emu_req *req, struct emu_resp *resp);

/* ---- object writes (op_object_write.c, op_copy.c, op_symlink.c) ---- */

/* Checks shared by object writes (PutObject, AppendObject, CopyObject, PutSymlink, multipart):
 * key name, x-oss-object-acl, x-oss-forbid-overwrite (*forbid), x-oss-storage-class, user
 * metadata and tags. Answers 400 and returns -1 on a bad value. */
int emu_op_write_checks(struct emu_req *req, struct emu_resp *resp, int *forbid);
/* Fills the attributes of a new object req->key in bucket b from the request: bucket and key
 * (borrowed from b and req), mtime now, type (not set when NULL), Content-Type (default
 * application/octet-stream, borrowed), x-oss-object-acl (default "default") and
 * x-oss-storage-class (default the bucket's). Size, ETag, CRC64 and headers are the caller's. */
void emu_op_object_init(struct emu_object *o, const struct emu_req *req, const struct emu_bucket *b,
                        const char *type);
/* Answers a failed emu_store_object_put: 409 FileAlreadyExists, 404 NoSuchBucket (deleted
 * meanwhile) or 500. */
void emu_op_write_result(struct emu_server *s, struct emu_req *req, struct emu_resp *resp, int rc);

/* The source of CopyObject and UploadPartCopy, open for reading. */
struct emu_op_source {
    char *bucket, *key, *version; /* parsed from x-oss-copy-source, malloc'ed */
    struct emu_object obj;
    int fd;
};
/* Parses x-oss-copy-source ("/bucket/url-encoded-key[?versionId=v]") and opens the source with
 * GetObject's answers and authorization evaluated on it, and the x-oss-copy-source-if-*
 * conditions. 0, or -1 with resp filled (400 InvalidArgument for a bad header). src must be
 * released with emu_op_source_close in either case. */
int emu_op_source_open(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       struct emu_op_source *src);
void emu_op_source_close(struct emu_op_source *src);

/* When o (opened with *fd) is a symlink, makes *fd its target's data (same bucket) and gives o
 * the target's size, ETag, CRC64 and the later Last-Modified; the rest stays the link's
 * (op_symlink.c). Returns 0, or -1 with resp set: 404 SymlinkTargetNotExist for a dangling
 * link, 400 InvalidTargetType when the target is a symlink too; o and *fd are then still the
 * link's, for the caller to release. */
int emu_op_follow_symlink(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                          struct emu_object *o, int *fd);
/* The Size listings report for o: for a Symlink object the length of its target key
 * (oss-api.md 9), else o->size (op_symlink.c). */
uint64_t emu_op_listed_size(const struct emu_object *o);

#endif
