/* The OSS client: one function per API operation, over a keep-alive HTTP transport with
 * retries. This is the narrow interface the filesystem calls.
 *
 * Thread safety: an oss_client may be used from many threads at once after oss_client_new()
 * returns; connections are pooled and reused across threads. Result structs belong to the
 * caller and are released with their _cleanup function.
 *
 * Errors: every call returns 0 or a negative errno (DESIGN.md 1.2) and, when err is not NULL,
 * fills it with the OSS code, message, request id and HTTP status. On success err is cleared
 * except request_id, which holds the x-oss-request-id of the answer (for audit logs).
 * Nothing is printed. */
#ifndef OSS_CLIENT_H
#define OSS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "oss/buf.h"
#include "oss/error.h"

struct oss_client;

struct oss_client_config {
    const char *url;         /* "http://127.0.0.1:9000"; NULL: https://oss-<region>.aliyuncs.com */
    const char *region;      /* "cn-hangzhou"; NULL: taken from an oss-<region> endpoint host,
                              * else cn-hangzhou when url is NULL too */
    /* Where buckets of other regions go: a URL with "{region}" in its host, such as
     * "https://oss-{region}.aliyuncs.com". NULL: $OSSPERMFS_ENDPOINT_TEMPLATE, else derived
     * from an oss-<region> url host, else that default when url is NULL; an IP or other url
     * host without a template sends every request to url. See oss_client_set_bucket_region(). */
    const char *endpoint_template;
    int sigv1;               /* sign with V1 even when a region is known (V4 otherwise) */
    int path_style;          /* force /bucket/key; automatic for IP and localhost endpoints */
    int insecure;            /* disable TLS peer verification */
    const char *cafile;      /* PEM bundle trusted besides the system store; NULL: none */
    const char *proxy;       /* HTTP CONNECT proxy URL; "": direct; NULL: the environment */
    const char *akid;        /* credentials, copied; NULL for anonymous requests */
    const char *secret;
    const char *token;       /* STS security token or NULL */
    long connect_timeout_ms; /* 0: 10000 */
    long request_timeout_ms; /* 0: 120000; a stalled transfer (no bytes for 30 s) also fails */
    int retries;             /* extra attempts on 5xx, 429, timeouts, resets; <0: 0; default 3 if 0 */
    long retry_base_ms;      /* first backoff step; 0: 100 (exponential, with full jitter) */
    int content_md5;         /* send Content-MD5 with every upload and check part ETags; the
                              * CRC64 of every upload is checked against x-oss-hash-crc64ecma
                              * either way */
};

/* Returns NULL and fills err on failure: EINVAL for a bad url or proxy, or a cafile (or
 * CURL_CA_BUNDLE / SSL_CERT_FILE) without a certificate, the errno of a trust file that
 * cannot be read; then err->code is "TransportOption" and the message names which
 * (src/oss/http.h has the trust and proxy rules). */
struct oss_client *oss_client_new(const struct oss_client_config *cfg, struct oss_error *err);
void oss_client_free(struct oss_client *c);
/* Replaces the credentials (refresh of expiring keys); thread-safe. Returns 0 or -ENOMEM. */
int oss_client_set_credentials(struct oss_client *c, const char *akid, const char *secret,
                               const char *token);
/* 1 when requests are signed with V4. */
int oss_client_uses_v4(const struct oss_client *c);
/* Buckets live in regions. The client keeps a map of bucket -> region, filled by
 * oss_list_buckets() (every bucket it lists), by this call, and by OSS's refusal of a request
 * sent to another region's endpoint (its <Endpoint> names the right one: the request is then
 * sent again, once, there). With an endpoint template, each bucket's requests go to its
 * region's endpoint and V4 is signed with that region; without one the map is kept but every
 * request goes to the configured endpoint. Thread-safe. 0, -EINVAL (bad region) or -ENOMEM. */
int oss_client_set_bucket_region(struct oss_client *c, const char *bucket, const char *region);
/* The region recorded for bucket into out: 0, or -ENOENT when unknown. */
int oss_client_bucket_region(struct oss_client *c, const char *bucket, char *out, size_t outlen);

/* ---- credentials ---- */
struct oss_credentials {
    char *akid;   /* owned */
    char *secret; /* owned; never logged */
    char *token;  /* owned, may be NULL */
};
void oss_credentials_cleanup(struct oss_credentials *cr);
/* From OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN; -ENOENT if unset. */
int oss_credentials_from_env(struct oss_credentials *cr);
/* From a passwd file of "AK:SK" or "bucket:AK:SK" lines ('#' comments and blank lines
 * skipped). A "bucket:" line for the given bucket wins over a plain "AK:SK" line. Refuses a
 * file readable or writable by group or others (-EPERM, why explains); -ENOENT if no line
 * applies; -EINVAL for a malformed line (why names the line number, never its content). */
int oss_credentials_from_passwd(const char *path, const char *bucket, struct oss_credentials *cr,
                                char *why, size_t whylen);

/* ---- results ---- */
struct oss_meta_pair {
    char *name;  /* user metadata name without "x-oss-meta-", lower case; owned */
    char *value; /* owned */
};

struct oss_object_meta {
    uint64_t size;
    time_t mtime;
    char etag[72];          /* without quotes */
    char type[16];          /* Normal | Multipart | Appendable | Symlink */
    char storage_class[24];
    char version_id[72];    /* "" when unversioned */
    char content_type[128];
    uint64_t crc64;
    int has_crc64;
    int delete_marker;
    struct oss_meta_pair *meta; /* x-oss-meta-* (HeadObject, GetObject) */
    size_t nmeta;
};
void oss_object_meta_cleanup(struct oss_object_meta *m);

struct oss_bucket_entry {
    char name[64];
    time_t created;
    char location[64];      /* oss-cn-hangzhou */
    char region[48];        /* cn-hangzhou */
    char storage_class[24];
};

struct oss_bucket_list {
    struct oss_bucket_entry *buckets; /* owned */
    size_t n;
    char owner_id[64];
    char owner_name[128];
};
void oss_bucket_list_cleanup(struct oss_bucket_list *l);

struct oss_list_params {
    const char *prefix;             /* NULL: none */
    const char *delimiter;          /* NULL: none; "/" for directories */
    const char *start_after;
    const char *continuation_token; /* from the previous page */
    int max_keys;                   /* 0: 1000 */
};

struct oss_list_entry {
    char *key; /* decoded (the client always asks for encoding-type=url); owned */
    uint64_t size;
    time_t mtime;
    char etag[72];
    char type[16];
    char storage_class[24];
};

struct oss_list_page {
    struct oss_list_entry *objects; /* owned */
    size_t nobjects;
    char **prefixes;                /* common prefixes, decoded, owned */
    size_t nprefixes;
    int truncated;
    char *next_token;               /* NextContinuationToken when truncated, owned */
};
void oss_list_page_cleanup(struct oss_list_page *p);

struct oss_put_opts {
    const char *content_type;       /* NULL: application/octet-stream */
    const char *object_acl;         /* x-oss-object-acl or NULL */
    int forbid_overwrite;
    const struct oss_meta_pair *meta; /* x-oss-meta-* to set */
    size_t nmeta;
};

/* Receives GetObject body bytes; returns 0 to go on or a negative errno to abort. */
typedef int (*oss_sink_fn)(const void *data, size_t len, void *arg);

/* ---- service and buckets ---- */
/* ListBuckets, following NextMarker until every bucket is listed. */
int oss_list_buckets(struct oss_client *c, struct oss_bucket_list *out, struct oss_error *err);
/* PutBucket; acl may be NULL (private). */
int oss_put_bucket(struct oss_client *c, const char *bucket, const char *acl, struct oss_error *err);
int oss_delete_bucket(struct oss_client *c, const char *bucket, struct oss_error *err);
int oss_get_bucket_acl(struct oss_client *c, const char *bucket, char acl[24], struct oss_error *err);
int oss_put_bucket_acl(struct oss_client *c, const char *bucket, const char *acl, struct oss_error *err);
/* status: "Enabled" or "Disabled". */
int oss_get_bucket_access_monitor(struct oss_client *c, const char *bucket, char status[16],
                                  struct oss_error *err);
int oss_put_bucket_access_monitor(struct oss_client *c, const char *bucket, const char *status,
                                  struct oss_error *err);
/* Generic bucket sub-resource calls (GET/PUT/DELETE /?<name>), for the settings documents:
 * the body is passed and returned verbatim. content_type NULL: application/xml. */
int oss_get_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                               struct oss_buf *body, struct oss_error *err);
int oss_put_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                               const char *content_type, const void *body, size_t len,
                               struct oss_error *err);
int oss_delete_bucket_subresource(struct oss_client *c, const char *bucket, const char *name,
                                  struct oss_error *err);
/* Bucket retention (WORM): InitiateBucketWorm of days (the new WORM id into id),
 * CompleteBucketWorm (lock) and ExtendBucketWorm of the WORM id. GetBucketWorm and
 * AbortBucketWorm are the sub-resource calls above with "worm". */
#define OSS_WORM_ID_MAX 128
int oss_initiate_bucket_worm(struct oss_client *c, const char *bucket, unsigned days,
                             char id[OSS_WORM_ID_MAX], struct oss_error *err);
int oss_complete_bucket_worm(struct oss_client *c, const char *bucket, const char *id,
                             struct oss_error *err);
int oss_extend_bucket_worm(struct oss_client *c, const char *bucket, const char *id,
                           unsigned days, struct oss_error *err);
/* Access points of a bucket. oss_access_point_request sends METHOD /?SUB naming access point
 * name (header x-oss-access-point-name, or the query parameter of that name for SUB
 * "publicAccessBlock"; name NULL: none) with an optional body (Content-Type application/json
 * for "accessPointPolicy", else XML) and appends the answer to out (may be NULL).
 * CreateAccessPoint makes one reachable from the internet; ListAccessPoints follows
 * NextContinuationToken. */
struct oss_name_list {
    char **names; /* owned */
    size_t n;
};
void oss_name_list_cleanup(struct oss_name_list *l);
/* OSS's access point naming rule: 3 to 19 lower-case letters, digits and hyphens, no hyphen at
 * either end, not ending in -ossalias. A pure function (ossemu shares it). */
int oss_access_point_name_valid(const char *name);
int oss_access_point_request(struct oss_client *c, const char *method, const char *bucket,
                             const char *name, const char *sub, const void *body, size_t len,
                             struct oss_buf *out, struct oss_error *err);
int oss_create_access_point(struct oss_client *c, const char *bucket, const char *name,
                            struct oss_error *err);
int oss_list_access_points(struct oss_client *c, const char *bucket, struct oss_name_list *out,
                           struct oss_error *err);

/* ---- objects ---- */
/* version_id NULL or "": the current version. acl: default|private|public-read|public-read-write. */
int oss_get_object_acl(struct oss_client *c, const char *bucket, const char *key,
                       const char *version_id, char acl[24], struct oss_error *err);
int oss_put_object_acl(struct oss_client *c, const char *bucket, const char *key,
                       const char *version_id, const char *acl, struct oss_error *err);
/* One page of ListObjectsV2 (encoding-type=url; keys come back decoded). */
int oss_list_objects_v2(struct oss_client *c, const char *bucket, const struct oss_list_params *p,
                        struct oss_list_page *out, struct oss_error *err);
int oss_head_object(struct oss_client *c, const char *bucket, const char *key,
                    const char *version_id, struct oss_object_meta *out, struct oss_error *err);
/* GetObjectMeta (HEAD ?objectMeta): size, mtime, etag, crc64, version only. */
int oss_get_object_meta(struct oss_client *c, const char *bucket, const char *key,
                        const char *version_id, struct oss_object_meta *out, struct oss_error *err);
/* GetObject of [offset, offset+length); length 0 means to the end. Appends the bytes to out.
 * meta may be NULL. A range past the end returns what exists (possibly nothing). */
int oss_get_object(struct oss_client *c, const char *bucket, const char *key,
                   const char *version_id, uint64_t offset, uint64_t length, struct oss_buf *out,
                   struct oss_object_meta *meta, struct oss_error *err);
/* The same, streaming to sink instead of a buffer. A body cut mid-way is resumed with a ranged
 * GET pinned by If-Match to the first answer's ETag, so the sink sees every byte once, in order;
 * if the object changed meanwhile the call fails with -EIO and code "ObjectChanged". */
int oss_get_object_to(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, uint64_t offset, uint64_t length, oss_sink_fn sink,
                      void *arg, struct oss_object_meta *meta, struct oss_error *err);
/* PutObject of len bytes; sends Content-MD5 and checks the returned CRC64. out may be NULL. */
int oss_put_object(struct oss_client *c, const char *bucket, const char *key, const void *data,
                   size_t len, const struct oss_put_opts *opts, struct oss_object_meta *out,
                   struct oss_error *err);
/* PutObject of len bytes read from fd at offset off (pread; fd is not moved). */
int oss_put_object_fd(struct oss_client *c, const char *bucket, const char *key, int fd, off_t off,
                      uint64_t len, const struct oss_put_opts *opts, struct oss_object_meta *out,
                      struct oss_error *err);
/* CopyObject within one bucket, metadata copied. */
int oss_copy_object(struct oss_client *c, const char *bucket, const char *src_key,
                    const char *dst_key, struct oss_error *err);
/* DeleteObject; succeeds for a missing key (OSS answers 204). */
int oss_delete_object(struct oss_client *c, const char *bucket, const char *key,
                      const char *version_id, struct oss_error *err);

/* ---- multipart upload (oss-api.md 6.8) ---- */
/* One uploaded part, as UploadPart reported it and CompleteMultipartUpload lists it. */
struct oss_part {
    int number;     /* 1..10000 */
    char etag[72];  /* without quotes */
    uint64_t crc64; /* CRC-64/XZ of the part's bytes (computed here, checked against OSS) */
    uint64_t size;
};
/* InitiateMultipartUpload; opts (may be NULL; content type, x-oss-meta-*, forbid_overwrite,
 * no ACL: -EINVAL) become the final object's attributes. Fills
 * upload_id (NUL-terminated). -EIO when the answer has no usable UploadId. */
int oss_initiate_multipart(struct oss_client *c, const char *bucket, const char *key,
                           const struct oss_put_opts *opts, char upload_id[128],
                           struct oss_error *err);
/* UploadPart of len bytes from memory, with Content-MD5; the answer's ETag must be the MD5 and
 * its x-oss-hash-crc64ecma our CRC64 (else -EIO). out (required) receives number, ETag, CRC64
 * and size. number must be 1..10000 (-EINVAL). Retried like any request (parts are idempotent). */
int oss_upload_part(struct oss_client *c, const char *bucket, const char *key,
                    const char *upload_id, int number, const void *data, size_t len,
                    struct oss_part *out, struct oss_error *err);
/* CompleteMultipartUpload with the n parts (ascending numbers, -EINVAL otherwise). The object's
 * x-oss-hash-crc64ecma must equal the parts' CRC64s combined (else -EIO). out may be NULL; it
 * gets the ETag, version, CRC64 and the summed size. */
int oss_complete_multipart(struct oss_client *c, const char *bucket, const char *key,
                           const char *upload_id, const struct oss_part *parts, size_t n,
                           struct oss_object_meta *out, struct oss_error *err);
/* AbortMultipartUpload; a missing upload (404 NoSuchUpload) is reported as -ENOENT. */
int oss_abort_multipart(struct oss_client *c, const char *bucket, const char *key,
                        const char *upload_id, struct oss_error *err);

/* ---- versions, tagging, symlinks, metadata rewrites (op_versions.c, op_tagging.c,
 * op_symlink.c, op_meta.c) ---- */
struct oss_version_params {
    const char *prefix;            /* NULL: none */
    const char *delimiter;         /* NULL: none */
    const char *key_marker;        /* from the previous page */
    const char *version_id_marker; /* from the previous page */
    int max_keys;                  /* 0: 1000 */
};

/* One Version or DeleteMarker of a ListObjectVersions page, in the answer's order. */
struct oss_version_entry {
    char *key; /* decoded; owned */
    char version_id[72];
    int is_latest;
    int delete_marker; /* a DeleteMarker: no size, etag, type */
    uint64_t size;
    time_t mtime;
    char etag[72]; /* without quotes */
    char type[16];
    char storage_class[24];
};

struct oss_version_page {
    struct oss_version_entry *versions; /* owned */
    size_t n;
    char **prefixes; /* common prefixes, decoded, owned */
    size_t nprefixes;
    int truncated;
    char *next_key_marker;        /* when truncated, owned */
    char *next_version_id_marker; /* when truncated, owned (may be "") */
};
void oss_version_page_cleanup(struct oss_version_page *p);

/* One page of ListObjectVersions (GET /?versions, encoding-type=url; keys come back decoded). */
int oss_list_object_versions(struct oss_client *c, const char *bucket,
                             const struct oss_version_params *p, struct oss_version_page *out,
                             struct oss_error *err);

/* Object tags in the x-oss-tagging form: "k1=v1&k2=v2", keys and values percent-encoded
 * (every byte outside A-Za-z0-9-_.~; a '+' is a plus, never a space). Get appends that form
 * of the tag set to out (nothing when there are no tags); put replaces the tag set (an empty
 * string is refused: use delete). OSS limits are checked before sending: at most 10 tags,
 * key 1..128 and value 0..256 bytes, no duplicate keys; -EINVAL otherwise. */
int oss_get_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                           const char *version_id, struct oss_buf *out, struct oss_error *err);
int oss_put_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                           const char *version_id, const char *tagging, struct oss_error *err);
int oss_delete_object_tagging(struct oss_client *c, const char *bucket, const char *key,
                              const char *version_id, struct oss_error *err);

/* PutSymlink: key becomes a Symlink object naming target (a bucket key, sent
 * percent-encoded). GetSymlink: *target (malloc'ed, decoded) of the link; -EINVAL when the
 * object is not a symlink (OSS answers InvalidArgument). */
int oss_put_symlink(struct oss_client *c, const char *bucket, const char *key, const char *target,
                    struct oss_error *err);
int oss_get_symlink(struct oss_client *c, const char *bucket, const char *key,
                    const char *version_id, char **target, struct oss_error *err);

/* The standard headers an object keeps (HeadObject), needed to rewrite its metadata without
 * losing them. Strings owned, NULL when absent. */
struct oss_object_headers {
    char *content_type;
    char *cache_control;
    char *content_disposition;
    char *content_encoding;
    char *expires;
    char *storage_class;  /* x-oss-storage-class */
    char *sse;            /* x-oss-server-side-encryption (AES256, KMS, SM4) */
    char *sse_key_id;     /* x-oss-server-side-encryption-key-id */
    char *sse_data;       /* x-oss-server-side-data-encryption */
    unsigned tagging_count; /* x-oss-tagging-count */
};
void oss_object_headers_cleanup(struct oss_object_headers *h);
/* HeadObject returning the metadata (user metadata included) and the standard headers. */
int oss_head_object_headers(struct oss_client *c, const char *bucket, const char *key,
                            struct oss_object_meta *meta, struct oss_object_headers *hdrs,
                            struct oss_error *err);

/* The complete new header set of an object whose metadata is rewritten. */
struct oss_meta_rewrite {
    const struct oss_object_headers *std; /* kept standard headers (Content-Type...) or NULL */
    const char *object_acl;               /* x-oss-object-acl to keep, NULL: default */
    const char *tagging;                  /* tags to keep (x-oss-tagging form) or NULL: none */
    int keep_tags;                        /* tagging directive Copy: the object keeps its tags
                                           * (tagging is then ignored) */
    const struct oss_meta_pair *meta;     /* the complete user metadata */
    size_t nmeta;
};
/* CopyObject of key onto itself with x-oss-metadata-directive REPLACE (and the tagging
 * directive Replace, or Copy with keep_tags) carrying o's complete header set; the storage
 * class and server-side encryption of std are sent as they are. Names must be letters, digits and
 * '-', values printable ASCII, total at most 8 KB: -EINVAL otherwise, nothing sent. */
int oss_set_object_meta(struct oss_client *c, const char *bucket, const char *key,
                        const struct oss_meta_rewrite *o, struct oss_error *err);
/* Whether name is a valid user metadata name for OSS (letters, digits, '-'). */
int oss_meta_name_valid(const char *name);

#endif
