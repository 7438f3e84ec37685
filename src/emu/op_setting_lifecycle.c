/* The lifecycle setting (oss-api.md 6.4, 6.10): validating LifecycleConfiguration rules into
 * their canonical form, and the rule tying last-access-time transitions to the access monitor.
 * Decision (OSS's code and status are unverified): a Transition with IsAccessTime true while
 * the bucket's access monitor is not Enabled is 400 InvalidArgument, EC 0014-00000016; with a
 * CreatedBeforeDate it is 400 InvalidArgument, EC 0014-00000047. The reverse direction (access
 * monitor Disabled while such a rule exists) is refused in op_access_monitor.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_priv.h"
#include "op_setting.h"

#define MAX_RULES 1000

/* "YYYY-MM-DDT00:00:00.000Z", the only date form OSS takes in lifecycle rules. */
static int midnight_date_ok(const char *s)
{
    static const char pat[] = "dddd-dd-ddT00:00:00.000Z";
    if (strlen(s) != sizeof(pat) - 1)
        return 0;
    for (size_t i = 0; pat[i]; i++)
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    return 1;
}

/* Days (positive) or a midnight CreatedBeforeDate (or Date, when allow_date) in n: exactly one.
 * Writes it; *by_date says which. 0 or -1. */
static int days_or_date(const struct oss_xml_node *n, const char *what, int allow_date,
                        struct oss_xml_writer *w, int *by_date, struct emu_setting_err *err)
{
    char date[40];
    const char *date_name = "CreatedBeforeDate";
    uint64_t days;
    int rd = oss_xml_get_u64(n, "Days", &days);
    int rc = oss_xml_get_str(n, "CreatedBeforeDate", date, sizeof(date));

    if (rc == -ENOENT && allow_date) {
        rc = oss_xml_get_str(n, "Date", date, sizeof(date));
        date_name = "Date";
    }
    *by_date = rc != -ENOENT;
    if ((rd == -ENOENT) == (rc == -ENOENT))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "%s needs exactly one of Days and CreatedBeforeDate.", what);
    if (rd != -ENOENT) {
        if (rd < 0 || days == 0 || days > 365000)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "%s/Days must be a positive integer.", what);
        oss_xmlw_elemf(w, "Days", "%llu", (unsigned long long)days);
        return 0;
    }
    if (rc < 0 || !midnight_date_ok(date))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "%s/%s must be a date like 2026-01-01T00:00:00.000Z.", what,
                                date_name);
    oss_xmlw_elem(w, date_name, date);
    return 0;
}

static int storage_class(const struct oss_xml_node *n, const char *what, struct oss_xml_writer *w,
                         struct emu_setting_err *err)
{
    static const char *const ok[] = {"IA", "Archive", "ColdArchive", "DeepColdArchive"};
    char sc[32];
    if (oss_xml_get_str(n, "StorageClass", sc, sizeof(sc)) != 0)
        return emu_setting_malformed(err, "a transition needs a StorageClass");
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strcmp(sc, ok[i])) {
            oss_xmlw_elem(w, "StorageClass", sc);
            return 0;
        }
    return emu_setting_fail(err, "InvalidArgument", NULL,
                            "%s/StorageClass must be IA, Archive, ColdArchive or DeepColdArchive.",
                            what);
}

/* Optional boolean; writes it when present. *out gets 0 when absent. */
static int opt_bool(const struct oss_xml_node *n, const char *name, struct oss_xml_writer *w,
                    int *out, struct emu_setting_err *err)
{
    int rc;

    *out = 0;
    rc = emu_setting_copy_bool(n, name, -1, w, err, out);
    if (*out < 0)
        *out = 0;
    return rc;
}

/* Transition or NoncurrentVersionTransition (noncurrent): the time, StorageClass and the
 * last-access-time options, checked against the bucket's access monitor. */
static int transition(const struct emu_setting_ctx *ctx, const struct oss_xml_node *t,
                      const char *name, int noncurrent, struct oss_xml_writer *w,
                      struct emu_setting_err *err)
{
    uint64_t days;
    int by_date = 0, atime, dummy;

    oss_xmlw_start(w, name);
    if (noncurrent) {
        if (oss_xml_get_u64(t, "NoncurrentDays", &days) != 0 || days == 0)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "%s needs a positive NoncurrentDays.", name);
        oss_xmlw_elemf(w, "NoncurrentDays", "%llu", (unsigned long long)days);
    } else if (days_or_date(t, name, 0, w, &by_date, err) < 0) {
        return -1;
    }
    if (storage_class(t, name, w, err) < 0 || opt_bool(t, "IsAccessTime", w, &atime, err) < 0 ||
        opt_bool(t, "ReturnToStdWhenVisit", w, &dummy, err) < 0 ||
        opt_bool(t, "AllowSmallFile", w, &dummy, err) < 0)
        return -1;
    if (atime && by_date)
        return emu_setting_fail(err, "InvalidArgument", "0014-00000047",
                                "A transition based on last access time (IsAccessTime) cannot "
                                "use CreatedBeforeDate.");
    if (atime && strcmp(ctx->b->access_monitor, "Enabled") != 0)
        return emu_setting_fail(err, "InvalidArgument", "0014-00000016",
                                "A lifecycle rule based on last access time (IsAccessTime) needs "
                                "the bucket's access monitor Enabled (PutBucketAccessMonitor).");
    oss_xmlw_end(w);
    return 0;
}

/* The actions of one rule, in schema order. Returns the number of actions or -1. */
static int rule_actions(const struct emu_setting_ctx *ctx, const struct oss_xml_node *r,
                        struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *x;
    int actions = 0, by_date, edm;
    uint64_t days;

    if ((x = oss_xml_find(r, "Expiration")) != NULL) {
        int has_edm = oss_xml_find(x, "ExpiredObjectDeleteMarker") != NULL;
        int has_time = oss_xml_find(x, "Days") || oss_xml_find(x, "CreatedBeforeDate") ||
                       oss_xml_find(x, "Date");
        oss_xmlw_start(w, "Expiration");
        if (has_edm && has_time)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "ExpiredObjectDeleteMarker cannot be combined with Days or "
                                    "CreatedBeforeDate.");
        if (has_edm) {
            if (oss_xml_get_bool(x, "ExpiredObjectDeleteMarker", &edm) < 0)
                return emu_setting_malformed(err,
                                             "ExpiredObjectDeleteMarker must be true or false");
            oss_xmlw_elem(w, "ExpiredObjectDeleteMarker", edm ? "true" : "false");
        } else if (days_or_date(x, "Expiration", 1, w, &by_date, err) < 0) {
            return -1;
        }
        oss_xmlw_end(w);
        actions++;
    }
    for (x = oss_xml_first(r, "Transition"); x; x = oss_xml_next(x, "Transition"), actions++)
        if (transition(ctx, x, "Transition", 0, w, err) < 0)
            return -1;
    if ((x = oss_xml_find(r, "AbortMultipartUpload")) != NULL) {
        oss_xmlw_start(w, "AbortMultipartUpload");
        if (days_or_date(x, "AbortMultipartUpload", 0, w, &by_date, err) < 0)
            return -1;
        oss_xmlw_end(w);
        actions++;
    }
    if ((x = oss_xml_find(r, "NoncurrentVersionExpiration")) != NULL) {
        if (oss_xml_get_u64(x, "NoncurrentDays", &days) != 0 || days == 0)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "NoncurrentVersionExpiration needs a positive "
                                    "NoncurrentDays.");
        oss_xmlw_start(w, "NoncurrentVersionExpiration");
        oss_xmlw_elemf(w, "NoncurrentDays", "%llu", (unsigned long long)days);
        oss_xmlw_end(w);
        actions++;
    }
    for (x = oss_xml_first(r, "NoncurrentVersionTransition"); x;
         x = oss_xml_next(x, "NoncurrentVersionTransition"), actions++)
        if (transition(ctx, x, "NoncurrentVersionTransition", 1, w, err) < 0)
            return -1;
    return actions;
}

/* Writes <Filter> as given (Not/Prefix/Tag, object size bounds), after a light check. */
static int copy_filter(const struct oss_xml_node *f, struct oss_xml_writer *w,
                       struct emu_setting_err *err)
{
    struct oss_buf t = OSS_BUF_INIT;
    uint64_t v;
    oss_xmlw_start(w, "Filter");
    for (const struct oss_xml_node *n = oss_xml_first(f, "Not"); n; n = oss_xml_next(n, "Not")) {
        oss_xmlw_start(w, "Not");
        if (oss_xml_get(n, "Prefix", &t) == 0)
            oss_xmlw_elem(w, "Prefix", oss_buf_str(&t));
        const struct oss_xml_node *tag = oss_xml_find(n, "Tag");
        if (tag) {
            oss_xmlw_start(w, "Tag");
            oss_xmlw_elem(w, "Key", oss_xml_get(tag, "Key", &t) == 0 ? oss_buf_str(&t) : "");
            oss_xmlw_elem(w, "Value", oss_xml_get(tag, "Value", &t) == 0 ? oss_buf_str(&t) : "");
            oss_xmlw_end(w);
        }
        oss_xmlw_end(w);
    }
    oss_buf_cleanup(&t);
    const char *bounds[] = {"ObjectSizeGreaterThan", "ObjectSizeLessThan"};
    for (int i = 0; i < 2; i++) {
        int rc = oss_xml_get_u64(f, bounds[i], &v);
        if (rc == -EINVAL)
            return emu_setting_malformed(err, "object size bounds must be numbers");
        if (rc == 0)
            oss_xmlw_elemf(w, bounds[i], "%llu", (unsigned long long)v);
    }
    oss_xmlw_end(w);
    return 0;
}

static int one_rule(const struct emu_setting_ctx *ctx, const struct oss_xml_node *r, size_t idx,
                    char ids[][256], struct oss_xml_writer *w, struct emu_setting_err *err)
{
    char id[256], prefix[1024], status[16];
    struct oss_buf t = OSS_BUF_INIT;
    const struct oss_xml_node *f;
    int rc;

    rc = oss_xml_get_str(r, "ID", id, sizeof(id));
    if (rc == -EOVERFLOW)
        return emu_setting_fail(err, "InvalidArgument", NULL, "A rule ID is at most 255 bytes.");
    if (rc < 0 || !id[0])
        snprintf(id, sizeof(id), "rule-%zu", idx + 1);
    for (size_t i = 0; i < idx; i++)
        if (!strcmp(ids[i], id))
            return emu_setting_fail(err, "InvalidArgument", NULL, "Rule ID %s is used twice.", id);
    memcpy(ids[idx], id, sizeof(id));
    if (oss_xml_get_str(r, "Prefix", prefix, sizeof(prefix)) < 0)
        prefix[0] = 0;
    if (oss_xml_get_str(r, "Status", status, sizeof(status)) != 0)
        return emu_setting_malformed(err, "a Rule needs a Status");
    if (strcmp(status, "Enabled") && strcmp(status, "Disabled"))
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "Rule Status must be Enabled or Disabled.");
    oss_xmlw_start(w, "Rule");
    oss_xmlw_elem(w, "ID", id);
    oss_xmlw_elem(w, "Prefix", prefix);
    oss_xmlw_elem(w, "Status", status);
    if ((f = oss_xml_find(r, "Filter")) != NULL && copy_filter(f, w, err) < 0)
        return -1;
    for (const struct oss_xml_node *tag = oss_xml_first(r, "Tag"); tag;
         tag = oss_xml_next(tag, "Tag")) {
        oss_xmlw_start(w, "Tag");
        oss_xmlw_elem(w, "Key", oss_xml_get(tag, "Key", &t) == 0 ? oss_buf_str(&t) : "");
        oss_xmlw_elem(w, "Value", oss_xml_get(tag, "Value", &t) == 0 ? oss_buf_str(&t) : "");
        oss_xmlw_end(w);
    }
    oss_buf_cleanup(&t);
    rc = rule_actions(ctx, r, w, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return emu_setting_fail(err, "InvalidArgument", NULL,
                                "Rule %s has no action (Expiration, Transition, "
                                "AbortMultipartUpload, NoncurrentVersion...).",
                                id);
    char atime_base[32];
    if (oss_xml_get_str(r, "AtimeBase", atime_base, sizeof(atime_base)) == 0)
        oss_xmlw_elem(w, "AtimeBase", atime_base);
    oss_xmlw_end(w);
    return 0;
}

int emu_setting_check_lifecycle(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                                struct oss_xml_writer *w, struct emu_setting_err *err)
{
    char(*ids)[256] = calloc(MAX_RULES, 256);
    size_t n = 0;
    int rc = 0;

    if (!ids) {
        emu_setting_fail(err, "InternalError", NULL, "Out of memory.");
        err->status = 500;
        return -1;
    }
    oss_xmlw_start(w, "LifecycleConfiguration");
    for (const struct oss_xml_node *r = oss_xml_first(root, "Rule"); r && rc == 0;
         r = oss_xml_next(r, "Rule"), n++) {
        if (n == MAX_RULES)
            rc = emu_setting_fail(err, "InvalidArgument", NULL,
                                  "A bucket has at most %d lifecycle rules.", MAX_RULES);
        else
            rc = one_rule(ctx, r, n, ids, w, err);
    }
    free(ids);
    if (rc == 0 && n == 0)
        rc = emu_setting_malformed(err, "LifecycleConfiguration needs at least one Rule");
    oss_xmlw_end(w);
    return rc;
}

int emu_setting_lifecycle_uses_atime(struct emu_server *s, const char *bucket)
{
    static const char *const kinds[] = {"Transition", "NoncurrentVersionTransition"};
    struct oss_xml_doc *doc = NULL;
    char *text = NULL;
    int rc, found = 0, v;

    rc = emu_store_setting_get(s->store, bucket, "lifecycle", &text);
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        return rc;
    rc = oss_xml_parse(text, strlen(text), 0, &doc);
    free(text);
    if (rc < 0)
        return rc;
    for (const struct oss_xml_node *r = oss_xml_first(oss_xml_root(doc), "Rule"); r && !found;
         r = oss_xml_next(r, "Rule"))
        for (int k = 0; k < 2 && !found; k++)
            for (const struct oss_xml_node *t = oss_xml_first(r, kinds[k]); t && !found;
                 t = oss_xml_next(t, kinds[k]))
                found = oss_xml_get_bool(t, "IsAccessTime", &v) == 0 && v;
    oss_xml_free(doc);
    return found;
}
