/* ".access-monitor": the bucket's access tracking state, Enabled or Disabled. Written as the
 * word, as JSON ({"Status":"Enabled"}) or as the AccessMonitorConfiguration XML, as ossutil
 * accepts; read back as the word. */
#include <errno.h>

#include "ctl_priv.h"

static const char *const states[] = {"Enabled", "Disabled", NULL};
static const struct ctl_state_spec spec = {".access-monitor", "AccessMonitorConfiguration", states,
                                           NULL};

enum ctl_parse ctl_access_monitor_parse(const char *in, size_t len, struct oss_buf *canon,
                                        char *why, size_t whylen)
{
    return ctl_parse_state(&spec, in, len, canon, why, whylen);
}

int ctl_access_monitor_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                           struct oss_error *err)
{
    char status[16];
    int rc = oss_get_bucket_access_monitor(c, t->bucket, status, err);

    return rc ? rc : oss_buf_printf(out, "%s\n", status);
}

/* Applies Enabled or Disabled. Disabling while a lifecycle rule uses last-access time is
 * refused by OSS with 409 (EC 0036-00000005), which the client reports as EBUSY. */
int ctl_access_monitor_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                           struct oss_error *err)
{
    return oss_put_bucket_access_monitor(c, t->bucket, canon, err);
}
