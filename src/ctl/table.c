/* The table of control files: one row per bucket setting and the object ACL entry, looked up
 * by name. The rows are immutable, so lookups need no locking. */
#include <string.h>

#include "ctl_priv.h"

/* An XML document setting of document.c. */
#define DOC_ROW(file, id, delete_fn)                                                               \
    {                                                                                              \
        .name = file, .scope = CTL_BUCKET, .writable = 1, .max_input = CTL_MAX_INPUT,              \
        .get = ctl_##id##_get, .parse = ctl_##id##_parse, .put = ctl_##id##_put, .del = delete_fn, \
    }

/* A setting with entry functions ctl_<id>_get/_parse/_put; delete_fn NULL where OSS has no
 * Delete call (rm is EPERM). */
#define SETTING_ROW(file, id, delete_fn)                                                           \
    {                                                                                              \
        .name = file, .scope = CTL_BUCKET, .writable = 1, .max_input = CTL_MAX_INPUT,              \
        .get = ctl_##id##_get, .parse = ctl_##id##_parse, .put = ctl_##id##_put, .del = delete_fn, \
    }

/* A read-only file: writes, truncation and rm are refused with EACCES by the file system. */
#define READONLY_ROW(file, get_fn)                                                                 \
    {                                                                                              \
        .name = file, .scope = CTL_BUCKET, .writable = 0, .max_input = CTL_MAX_INPUT,              \
        .get = get_fn, .parse = ctl_readonly_parse, .put = ctl_readonly_put, .del = NULL,          \
    }

static const struct ctl_entry bucket_entries[] = {
    {
        .name = ".acl",
        .scope = CTL_BUCKET,
        .writable = 1,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_acl_get,
        .parse = ctl_acl_parse,
        .put = ctl_acl_put,
        .del = NULL, /* OSS has no DeleteBucketAcl */
    },
    {
        .name = ".access-monitor",
        .scope = CTL_BUCKET,
        .writable = 1,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_access_monitor_get,
        .parse = ctl_access_monitor_parse,
        .put = ctl_access_monitor_put,
        .del = NULL, /* no DeleteBucketAccessMonitor; write Disabled instead */
    },
    {
        .name = ".versioning",
        .scope = CTL_BUCKET,
        .writable = 1,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_versioning_get,
        .parse = ctl_versioning_parse,
        .put = ctl_versioning_put,
        .del = NULL, /* OSS cannot turn versioning off; write Suspended instead */
    },
    {
        .name = ".policy",
        .scope = CTL_BUCKET,
        .writable = 1,
        .max_input = CTL_POLICY_MAX_INPUT,
        .get = ctl_policy_get,
        .parse = ctl_policy_parse,
        .put = ctl_policy_put,
        .del = ctl_policy_del,
    },
    DOC_ROW(".cors", cors, ctl_cors_del),
    DOC_ROW(".lifecycle", lifecycle, ctl_lifecycle_del),
    DOC_ROW(".referer", referer, NULL), /* no DeleteBucketReferer */
    DOC_ROW(".logging", logging, ctl_logging_del),
    DOC_ROW(".website", website, ctl_website_del),
    DOC_ROW(".encryption", encryption, ctl_encryption_del),
    DOC_ROW(".tagging", tagging, ctl_tagging_del),
    SETTING_ROW(".public-access-block", pab, ctl_pab_del),
    READONLY_ROW(".policy-status", ctl_policy_status_get),
    SETTING_ROW(".request-payment", request_payment, NULL), /* no DeleteBucketRequestPayment; write BucketOwner instead */
    SETTING_ROW(".worm", worm, ctl_worm_del), /* AbortBucketWorm; EPERM once locked */
    SETTING_ROW(".https-config", https, NULL), /* no DeleteBucketHttpsConfig: write the XML, Enable false */
    READONLY_ROW(".info", ctl_info_get),
    READONLY_ROW(".location", ctl_location_get),
    READONLY_ROW(".stat", ctl_stat_get),
};

static const struct ctl_entry object_acl_entry = {
    .name = ".acl.d",
    .scope = CTL_OBJECT,
    .writable = 1,
    .max_input = CTL_MAX_INPUT,
    .get = ctl_object_acl_get,
    .parse = ctl_object_acl_parse,
    .put = ctl_object_acl_put,
    .del = NULL, /* "rm .acl.d/x" is refused; write "default" to drop an object ACL */
};

/* The files at the mount root in account mode (target bucket ""). */
static const struct ctl_entry account_entries[] = {
    {
        .name = ".public-access-block",
        .scope = CTL_ACCOUNT,
        .writable = 1,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_pab_get,
        .parse = ctl_pab_parse,
        .put = ctl_pab_put,
        .del = ctl_pab_del,
    },
};

#define N_ACCOUNT_ENTRIES (sizeof(account_entries) / sizeof(account_entries[0]))

const struct ctl_entry *ctl_account_entry(const char *name)
{
    for (size_t i = 0; name && i < N_ACCOUNT_ENTRIES; i++)
        if (strcmp(account_entries[i].name, name) == 0)
            return &account_entries[i];
    return NULL;
}

const struct ctl_entry *ctl_account_entries(size_t *n)
{
    *n = N_ACCOUNT_ENTRIES;
    return account_entries;
}

/* The files of an access point, BUCKET/.access-points/NAME/ (target key: NAME). */
static const struct ctl_entry access_point_entries[] = {
    {
        .name = ".policy",
        .scope = CTL_ACCESS_POINT,
        .writable = 1,
        .max_input = CTL_POLICY_MAX_INPUT,
        .get = ctl_ap_policy_get,
        .parse = ctl_policy_parse,
        .put = ctl_ap_policy_put,
        .del = ctl_ap_policy_del,
    },
    {
        .name = ".public-access-block",
        .scope = CTL_ACCESS_POINT,
        .writable = 1,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_ap_pab_get,
        .parse = ctl_pab_parse,
        .put = ctl_ap_pab_put,
        .del = ctl_ap_pab_del,
    },
    {
        .name = ".info",
        .scope = CTL_ACCESS_POINT,
        .writable = 0,
        .max_input = CTL_MAX_INPUT,
        .get = ctl_ap_info_get,
        .parse = ctl_readonly_parse,
        .put = ctl_readonly_put,
        .del = NULL,
    },
};

#define N_AP_ENTRIES (sizeof(access_point_entries) / sizeof(access_point_entries[0]))

const struct ctl_entry *ctl_access_point_entry(const char *name)
{
    for (size_t i = 0; name && i < N_AP_ENTRIES; i++)
        if (strcmp(access_point_entries[i].name, name) == 0)
            return &access_point_entries[i];
    return NULL;
}

const struct ctl_entry *ctl_access_point_entries(size_t *n)
{
    *n = N_AP_ENTRIES;
    return access_point_entries;
}

#define N_BUCKET_ENTRIES (sizeof(bucket_entries) / sizeof(bucket_entries[0]))

const struct ctl_entry *ctl_bucket_entry(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_BUCKET_ENTRIES; i++) {
        if (strcmp(bucket_entries[i].name, name) == 0)
            return &bucket_entries[i];
    }
    return NULL;
}

const struct ctl_entry *ctl_bucket_entries(size_t *n)
{
    *n = N_BUCKET_ENTRIES;
    return bucket_entries;
}

const struct ctl_entry *ctl_object_acl_entry(void)
{
    return &object_acl_entry;
}

int ctl_is_reserved_dir_name(const char *name)
{
    return name && (strcmp(name, ".acl.d") == 0 || strcmp(name, ".versions") == 0);
}
