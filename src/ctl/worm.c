/* ".worm": the bucket's retention policy (WORM). Reads "<State> <days>" ("InProgress 30",
 * "Locked 30"), empty when there is none. Writes: a number of days starts a WORM, or replaces
 * an unlocked one; "lock" locks it; on a locked WORM a larger number extends it, the same
 * number changes nothing and a smaller one is EINVAL; "InProgress N" and "Locked N" (what a
 * read shows) are accepted, so an editor round trip works. `rm .worm` aborts an unlocked WORM
 * and is EPERM on a locked one.
 *
 * Every OSS call but Get needs the WORM id, which only GetBucketWorm returns: a write is one
 * GET followed by the call(s) it takes (abort and initiate to change an unlocked WORM's days,
 * initiate and complete for "Locked N" from nothing). A read and a delete are one request. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_priv.h"

#define WORM_MAX_DAYS 25550u /* 70 years, OSS's limit */

struct worm_state {
    int present;
    int locked;
    unsigned days;
    char id[OSS_WORM_ID_MAX];
};

/* GetBucketWorm into *w (present 0 when the bucket has none). */
static int worm_fetch(struct oss_client *c, const struct ctl_target *t, struct worm_state *w,
                      struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    char state[32];
    uint64_t days = 0;
    int unset, rc = ctl_get_setting(c, t->bucket, "worm", &body, &unset, err);

    memset(w, 0, sizeof(*w));
    if (rc == 0 && !unset)
        rc = ctl_answer_xml(&body, "WormConfiguration", &doc, err);
    if (rc == 0 && !unset) {
        const struct oss_xml_node *r = oss_xml_root(doc);
        if (oss_xml_get_str(r, "State", state, sizeof(state)) < 0 ||
            oss_xml_get_str(r, "WormId", w->id, sizeof(w->id)) < 0 ||
            oss_xml_get_u64(r, "RetentionPeriodInDays", &days) < 0 || days > WORM_MAX_DAYS ||
            (strcmp(state, "Locked") && strcmp(state, "InProgress"))) {
            rc = -EIO;
            if (err) {
                err->err = -EIO;
                snprintf(err->message, sizeof(err->message), "unexpected GetBucketWorm answer");
            }
        } else {
            w->present = 1;
            w->locked = !strcmp(state, "Locked");
            w->days = (unsigned)days;
        }
    }
    oss_xml_free(doc);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_worm_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                 struct oss_error *err)
{
    struct worm_state w;
    int rc = worm_fetch(c, t, &w, err);

    if (rc == 0 && w.present)
        rc = oss_buf_printf(out, "%s %u\n", w.locked ? "Locked" : "InProgress", w.days);
    return rc;
}

/* Days p[0..n): 1 when valid (into *days), 0 when not a number in range. */
static int parse_days(const char *p, size_t n, unsigned *days)
{
    unsigned long v = 0;

    if (n == 0 || n > 5)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (v < 1 || v > WORM_MAX_DAYS)
        return 0;
    *days = (unsigned)v;
    return 1;
}

static int is_prefix(const char *p, size_t n, const char *word)
{
    return n < strlen(word) && !memcmp(p, word, n);
}

/* <InitiateWormConfiguration> or <ExtendWormConfiguration> with RetentionPeriodInDays. */
static enum ctl_parse worm_xml(const char *in, size_t len, const char *root, struct oss_buf *canon,
                               char *why, size_t whylen)
{
    const char *const names[] = {root, "RetentionPeriodInDays", NULL};
    struct oss_xml_doc *doc = NULL;
    struct oss_buf v = OSS_BUF_INIT;
    enum ctl_parse r = ctl_xml_parse(in, len, root, names, &doc, why, whylen);
    unsigned days;

    if (r == CTL_VALID) {
        const char *p;
        size_t n;

        if (oss_xml_get(oss_xml_root(doc), "RetentionPeriodInDays", &v) < 0) {
            oss_buf_reset(&v);
        }
        p = oss_buf_str(&v);
        n = v.len;
        ctl_trim(&p, &n);
        if (!parse_days(p, n, &days)) {
            ctl_why(why, whylen, ".worm: RetentionPeriodInDays must be 1 to %u", WORM_MAX_DAYS);
            r = CTL_INVALID;
        } else if (oss_buf_printf(canon, "%u", days) != 0) {
            r = CTL_INVALID;
        }
    }
    oss_buf_cleanup(&v);
    oss_xml_free(doc);
    return r;
}

/* Canonical values: "N" (days), "lock", "lock N" (lock with N days). */
enum ctl_parse ctl_worm_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                              size_t whylen)
{
    const char *p = in, *word, *rest;
    size_t n = len, wl, rl;
    unsigned days;
    char q[200];

    ctl_trim(&p, &n);
    if (n > 0 && p[0] == '<') {
        const char *root = memmem(p, n, "<E", 2) ? "ExtendWormConfiguration"
                                                 : "InitiateWormConfiguration";
        return worm_xml(in, len, root, canon, why, whylen);
    }
    word = p;
    for (wl = 0; wl < n && p[wl] != ' ' && p[wl] != '\t'; wl++)
        ;
    rest = p + wl;
    rl = n - wl;
    ctl_trim(&rest, &rl);
    if (wl == n && (wl == 0 || is_prefix(word, wl, "lock") || is_prefix(word, wl, "Locked") ||
                    is_prefix(word, wl, "InProgress") || (wl == 4 && !memcmp(word, "Lock", 4)))) {
        ctl_why(why, whylen, ".worm: expected a number of days or \"lock\"");
        return CTL_INCOMPLETE;
    }
    if (wl == n && parse_days(word, wl, &days))
        return oss_buf_printf(canon, "%u", days) ? CTL_INVALID : CTL_VALID;
    if ((wl == 4 && !memcmp(word, "lock", 4)) || (wl == 6 && !memcmp(word, "Locked", 6))) {
        if (rl == 0)
            return oss_buf_puts(canon, "lock") ? CTL_INVALID : CTL_VALID;
        if (parse_days(rest, rl, &days))
            return oss_buf_printf(canon, "lock %u", days) ? CTL_INVALID : CTL_VALID;
    }
    if (wl == 10 && !memcmp(word, "InProgress", 10)) {
        if (rl == 0) {
            ctl_why(why, whylen, ".worm: InProgress needs a number of days");
            return CTL_INCOMPLETE;
        }
        if (parse_days(rest, rl, &days))
            return oss_buf_printf(canon, "%u", days) ? CTL_INVALID : CTL_VALID;
    }
    ctl_quote(p, n, q, sizeof(q));
    ctl_why(why, whylen,
            ".worm: \"%s\" is not a number of days (1 to %u), \"lock\" or \"<State> <days>\"", q,
            WORM_MAX_DAYS);
    return CTL_INVALID;
}

static int refuse(struct oss_error *err, int e, const char *msg)
{
    if (err) {
        err->err = -e;
        snprintf(err->message, sizeof(err->message), "%s", msg);
    }
    return -e;
}

/* Brings the bucket's WORM to want_days (0: keep) and, with want_lock, locks it. */
int ctl_worm_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                 struct oss_error *err)
{
    int want_lock = !strncmp(canon, "lock", 4);
    unsigned want_days = (unsigned)strtoul(want_lock ? canon + 4 : canon, NULL, 10);
    struct worm_state w;
    int rc = worm_fetch(c, t, &w, err);

    if (rc < 0)
        return rc;
    if (want_days && w.present && w.locked) {
        if (want_days < w.days)
            return refuse(err, EINVAL, "a locked retention period can only be extended");
        if (want_days > w.days)
            rc = oss_extend_bucket_worm(c, t->bucket, w.id, want_days, err);
    } else if (want_days && !(w.present && w.days == want_days)) {
        if (w.present)
            rc = oss_delete_bucket_subresource(c, t->bucket, "worm", err);
        if (rc == 0)
            rc = oss_initiate_bucket_worm(c, t->bucket, want_days, w.id, err);
        w.present = rc == 0;
    }
    if (rc == 0 && want_lock && !w.present)
        return refuse(err, ENOENT, "no retention policy to lock: write a number of days first");
    if (rc == 0 && want_lock && !w.locked)
        rc = oss_complete_bucket_worm(c, t->bucket, w.id, err);
    return rc;
}

/* AbortBucketWorm; a locked WORM is refused by OSS (WORMConfigurationLocked: EPERM); none at
 * all is no error. */
int ctl_worm_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)
{
    int rc = oss_delete_bucket_subresource(c, t->bucket, "worm", err);

    if (rc == -ENOENT && err && !strcmp(err->code, "NoSuchWORMConfiguration")) {
        oss_error_clear(err);
        rc = 0;
    }
    return rc;
}
