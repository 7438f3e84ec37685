/* Bucket retention, WORM (oss-api.md 6.10): Initiate (POST ?worm, body
 * InitiateWormConfiguration, the id in x-oss-worm-id), Abort (DELETE ?worm), Complete (POST
 * ?wormId=ID: lock), Extend (POST ?wormExtend&wormId=ID, body ExtendWormConfiguration) and
 * Get (GET ?worm: WormConfiguration), and the guard that keeps retained objects from being
 * overwritten or deleted.
 *
 * Stored as the bucket setting "worm": "<id> <InProgress|Locked> <days> <created>". As in OSS,
 * an InProgress WORM that is not locked within 24 hours lapses. Decisions (docs/decisions.md):
 * retention counts from an object's Last-Modified and applies in both states; a second
 * Initiate while one exists is 409 WORMConfigurationAlreadyExist; Abort of a locked WORM is
 * 403 WORMConfigurationLocked; Extend of an unlocked one, or to fewer days than now, is 400
 * InvalidWORMConfiguration; a retained object's overwrite or delete is 409 FileImmutable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "op_perm.h"
#include "op_priv.h"

#define WORM_MAX_DAYS 25550 /* 70 years */
#define WORM_GRACE    (24 * 3600)

struct worm {
    char id[64];
    char state[16];
    unsigned days;
    long long created;
};

/* The bucket's live WORM into *w: 0, -ENOENT (none, or a lapsed InProgress one), -errno. */
static int worm_load(struct emu_server *s, const char *bucket, struct worm *w)
{
    char *v = NULL;
    int rc = emu_store_setting_get(s->store, bucket, "worm", &v);

    if (rc < 0)
        return rc;
    if (sscanf(v, "%63s %15s %u %lld", w->id, w->state, &w->days, &w->created) != 4)
        rc = -ENOENT;
    else if (!strcmp(w->state, "InProgress") && time(NULL) > w->created + WORM_GRACE)
        rc = -ENOENT;
    free(v);
    return rc;
}

static int worm_save(struct emu_server *s, const char *bucket, const struct worm *w)
{
    char v[160];

    snprintf(v, sizeof(v), "%s %s %u %lld", w->id, w->state, w->days, w->created);
    return emu_store_setting_put(s->store, bucket, "worm", v);
}

static void no_worm(struct emu_req *req, struct emu_resp *resp, const char *bucket)
{
    emu_resp_error(resp, req, 404, "NoSuchWORMConfiguration",
                   "The WORM Configuration does not exist.", NULL, "BucketName", bucket, NULL);
}

static void invalid_worm(struct emu_req *req, struct emu_resp *resp, const char *msg)
{
    emu_resp_error(resp, req, 400, "InvalidWORMConfiguration", msg, NULL, NULL);
}

/* Loads the WORM a request names by ?wormId: 0, or -1 with 404 (none or another id) or 500. */
static int worm_named(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                      const char *bucket, struct worm *w)
{
    const char *id = emu_req_query(req, "wormId");
    int rc = worm_load(s, bucket, w);

    if (rc == -ENOENT || (rc == 0 && (!id || strcmp(id, w->id)))) {
        no_worm(req, resp, bucket);
        return -1;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    return 0;
}

/* RetentionPeriodInDays of a body with root element root: 0 with *days, or -1 with resp. */
static int body_days(struct emu_req *req, struct emu_resp *resp, const char *root, unsigned *days)
{
    struct oss_xml_doc *doc = NULL;
    uint64_t v = 0;
    int rc =
        req->body && req->body_len ? oss_xml_parse(req->body, req->body_len, 4096, &doc) : -EINVAL;

    if (rc == 0 && strcmp(oss_xml_name(oss_xml_root(doc)), root))
        rc = -EINVAL;
    if (rc == 0)
        rc = oss_xml_get_u64(oss_xml_root(doc), "RetentionPeriodInDays", &v);
    oss_xml_free(doc);
    if (rc < 0) {
        emu_op_malformed_xml(req, resp);
        return -1;
    }
    if (v < 1 || v > WORM_MAX_DAYS) {
        invalid_worm(req, resp, "RetentionPeriodInDays must be from 1 to 25550.");
        return -1;
    }
    *days = (unsigned)v;
    return 0;
}

/* Answers status, or 500 when the store call that preceded failed (rc < 0). */
static void answer(struct emu_req *req, struct emu_resp *resp, int rc, int status)
{
    if (rc < 0)
        emu_op_internal(resp, req, rc);
    else
        resp->status = status;
}

void emu_op_initiate_bucket_worm(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct worm w;
    unsigned days;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:InitiateBucketWorm", 1, &b) < 0 ||
        body_days(req, resp, "InitiateWormConfiguration", &days) < 0)
        return;
    rc = worm_load(s, b.name, &w);
    if (rc == 0) {
        emu_resp_error(resp, req, 409, "WORMConfigurationAlreadyExist",
                       "The bucket already has a WORM configuration.", NULL, NULL);
        return;
    }
    if (rc != -ENOENT) {
        emu_op_internal(resp, req, rc);
        return;
    }
    snprintf(w.id, sizeof(w.id), "%s", req->request_id);
    snprintf(w.state, sizeof(w.state), "InProgress");
    w.days = days;
    w.created = (long long)time(NULL);
    answer(req, resp, worm_save(s, b.name, &w), 200);
    if (resp->status == 200)
        emu_resp_header(resp, "x-oss-worm-id", w.id);
}

void emu_op_abort_bucket_worm(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct worm w;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:AbortBucketWorm", 1, &b) < 0)
        return;
    rc = worm_load(s, b.name, &w);
    if (rc == -ENOENT) {
        no_worm(req, resp, b.name);
        return;
    }
    if (rc == 0 && !strcmp(w.state, "Locked")) {
        emu_resp_error(resp, req, 403, "WORMConfigurationLocked",
                       "The WORM configuration is locked and cannot be deleted.", NULL, NULL);
        return;
    }
    if (rc == 0)
        rc = emu_store_setting_delete(s->store, b.name, "worm");
    answer(req, resp, rc, 204);
}

void emu_op_complete_bucket_worm(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct worm w;

    if (emu_op_bucket_admin(s, req, resp, "oss:CompleteBucketWorm", 1, &b) < 0 ||
        worm_named(s, req, resp, b.name, &w) < 0)
        return;
    snprintf(w.state, sizeof(w.state), "Locked");
    answer(req, resp, worm_save(s, b.name, &w), 200);
}

void emu_op_extend_bucket_worm(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct emu_bucket b;
    struct worm w;
    unsigned days;

    if (emu_op_bucket_admin(s, req, resp, "oss:ExtendBucketWorm", 1, &b) < 0 ||
        worm_named(s, req, resp, b.name, &w) < 0 ||
        body_days(req, resp, "ExtendWormConfiguration", &days) < 0)
        return;
    if (strcmp(w.state, "Locked")) {
        invalid_worm(req, resp, "Only a locked WORM configuration can be extended.");
        return;
    }
    if (days <= w.days) {
        invalid_worm(req, resp, "The retention period can only be extended.");
        return;
    }
    w.days = days;
    answer(req, resp, worm_save(s, b.name, &w), 200);
}

void emu_op_get_bucket_worm(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket b;
    struct worm m;
    char days[16], when[40];
    time_t t;
    struct tm tm;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketWorm", 0, &b) < 0)
        return;
    rc = worm_load(s, b.name, &m);
    if (rc == -ENOENT) {
        no_worm(req, resp, b.name);
        return;
    }
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    t = (time_t)m.created;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    snprintf(days, sizeof(days), "%u", m.days);
    emu_op_xml_begin(&w, &xml, "WormConfiguration");
    oss_xmlw_elem(&w, "WormId", m.id);
    oss_xmlw_elem(&w, "State", m.state);
    oss_xmlw_elem(&w, "RetentionPeriodInDays", days);
    oss_xmlw_elem(&w, "CreationDate", when);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}

int emu_worm_guard(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                   const char *bucket, const char *key, const char *vid)
{
    struct emu_object o = {0};
    struct worm w;
    int rc = worm_load(s, bucket, &w), retained;

    if (rc == -ENOENT)
        return 0;
    if (rc == 0)
        rc = emu_store_version_open(s->store, bucket, key, vid, &o, NULL);
    if (rc == -ENOENT)
        return 0;
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return -1;
    }
    retained = !o.delete_marker && time(NULL) < o.mtime + (time_t)w.days * 86400;
    emu_object_cleanup(&o);
    if (!retained)
        return 0;
    emu_resp_error(resp, req, 409, "FileImmutable",
                   "The object is protected by the bucket's retention policy (WORM) and cannot "
                   "be overwritten or deleted before its retention period ends.",
                   "0026-00000005", "Key", key, NULL);
    return -1;
}
