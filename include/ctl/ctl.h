/* Control files: the table of virtual files that expose bucket and object settings
 * (DESIGN.md 1 and 1.1). Each entry knows how to fetch its value from OSS, how to validate
 * and canonicalise what a user wrote, and how to apply or delete it. The filesystem
 * (src/fs) owns the file handles, buffering, rename-over and permission checks; this module
 * owns the values. Adding a bucket setting is one row in the table.
 *
 * Thread safety: the table is immutable; every function is thread-safe given a thread-safe
 * oss_client. */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stddef.h>

#include "oss/buf.h"
#include "oss/client.h"
#include "oss/error.h"

enum ctl_scope {
    CTL_BUCKET, /* <bucket>/<name> */
    CTL_OBJECT, /* <dir>/.acl.d/<object> */
    /* <mount root>/<name> in account mode; the target bucket is "" */
    CTL_ACCOUNT,
    /* <bucket>/.access-points/<ap>/<name>; the target key is the access point name */
    CTL_ACCESS_POINT,
};

/* The directory of a bucket root that lists its access points. */
#define CTL_ACCESS_POINTS_DIR ".access-points"

/* What a control file is about. key and version_id are NULL for bucket entries. */
struct ctl_target {
    const char *bucket;
    const char *key;
    const char *version_id;
};

/* Result of ctl_entry.parse on the bytes written so far. */
enum ctl_parse {
    CTL_VALID,      /* a complete, valid value: apply it now */
    CTL_INCOMPLETE, /* a prefix of a valid value: wait for more bytes (EINVAL at close) */
    CTL_INVALID,    /* can never become valid: EINVAL now, nothing sent */
};

struct ctl_entry {
    const char *name;      /* ".acl", ".access-monitor"; for CTL_OBJECT the directory ".acl.d" */
    enum ctl_scope scope;
    int writable;          /* 0: read-only (.info, .stat, .location) */
    size_t max_input;      /* larger input fails with EFBIG */
    /* Fetches the current value, formatted for reading: text ending with '\n', or empty when
     * the setting is unset. Returns 0 or a negative errno. */
    int (*get)(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
               struct oss_error *err);
    /* Validates in[0..len) (surrounding white space and a final newline allowed) and, when
     * valid, appends the canonical value to canon (what put() sends). On CTL_INVALID, why says
     * what is wrong in one line for the log; on CTL_INCOMPLETE it says what is unfinished (the
     * reason to log when the handle closes on it). Sends nothing. */
    enum ctl_parse (*parse)(const char *in, size_t len, struct oss_buf *canon, char *why,
                            size_t whylen);
    /* Applies a canonical value. Returns 0 or a negative errno. */
    int (*put)(struct oss_client *c, const struct ctl_target *t, const char *canon,
               struct oss_error *err);
    /* Deletes the setting; NULL where OSS has no Delete call (the file system answers EPERM). */
    int (*del)(struct oss_client *c, const struct ctl_target *t, struct oss_error *err);
};

/* The bucket-level entry called name (".acl", ...), or NULL. */
const struct ctl_entry *ctl_bucket_entry(const char *name);
/* Every bucket-level entry, for listing a bucket root; *n receives the count. */
const struct ctl_entry *ctl_bucket_entries(size_t *n);
/* The account-level entry called name (".public-access-block"), or NULL; and all of them,
 * for listing the mount root in account mode. */
const struct ctl_entry *ctl_account_entry(const char *name);
const struct ctl_entry *ctl_account_entries(size_t *n);
/* The entry called name in an access point's directory (".policy", ".public-access-block",
 * ".info"), or NULL; and all of them, for listing it. */
const struct ctl_entry *ctl_access_point_entry(const char *name);
const struct ctl_entry *ctl_access_point_entries(size_t *n);
/* The object ACL entry (files under .acl.d). */
const struct ctl_entry *ctl_object_acl_entry(void);
/* True for names that are reserved in every directory (".acl.d", ".versions"). */
int ctl_is_reserved_dir_name(const char *name);

/* ---- audit log (every change made through a control file) ---- */
struct ctl_audit;
/* path NULL: syslog (LOG_AUTHPRIV|LOG_NOTICE); otherwise JSON lines appended to path.
 * Returns NULL with errno set if the file cannot be opened. */
struct ctl_audit *ctl_audit_open(const char *path);
void ctl_audit_close(struct ctl_audit *a);
struct ctl_audit_record {
    unsigned uid;
    int pid;
    const char *entry;     /* ".acl", ".acl.d", ... */
    const struct ctl_target *target;
    const char *old_value; /* NULL when unknown */
    const char *new_value; /* NULL for a delete */
    const struct oss_error *err; /* NULL or cleared on success; request id taken from it */
    const char *request_id;      /* request id of the successful call, if known */
};
/* Writes one record (adds time and the command name of pid from /proc). Thread-safe. */
void ctl_audit_write(struct ctl_audit *a, const struct ctl_audit_record *r);

#endif
