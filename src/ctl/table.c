/* The table of control files: one row per bucket setting and the object ACL entry, looked up
 * by name. The rows are immutable, so lookups need no locking. */
#include <string.h>

#include "ctl_priv.h"

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
