/* The files of an access point, BUCKET/.access-points/NAME/: ".policy" (the access point
 * policy, JSON, as .policy of a bucket: Get/Put/DeleteAccessPointPolicy), ".public-access-block"
 * (true | false: Get/Put/DeleteAccessPointPublicAccessBlock) and the read-only ".info" (the
 * GetAccessPoint document: alias, network origin, status, endpoints). The target's key is the
 * access point's name. One request per read or write. */
#include <errno.h>
#include <string.h>

#include "ctl_priv.h"

static const char *const bools[] = {"true", "false", NULL};
static const struct ctl_state_spec ap_pab_spec = {
    ".public-access-block", "PublicAccessBlockConfiguration", bools, "BlockPublicAccess"};

/* Appends a read answer with a final newline. */
static int append_line(struct oss_buf *out, const struct oss_buf *body)
{
    int rc = oss_buf_append(out, body->data ? body->data : "", body->len);

    if (rc == 0 && body->len > 0 && body->data[body->len - 1] != '\n')
        rc = oss_buf_putc(out, '\n');
    return rc;
}

int ctl_ap_policy_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                      struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = oss_access_point_request(c, "GET", t->bucket, t->key, "accessPointPolicy", NULL, 0,
                                      &body, err);

    if (rc == -ENOENT && err && !strcmp(err->code, "NoSuchAccessPointPolicy")) {
        oss_error_clear(err); /* no policy: an empty file */
        rc = 0;
    } else if (rc == 0) {
        rc = append_line(out, &body);
    }
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_ap_policy_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                      struct oss_error *err)
{
    return oss_access_point_request(c, "PUT", t->bucket, t->key, "accessPointPolicy", canon,
                                    strlen(canon), NULL, err);
}

int ctl_ap_policy_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)
{
    return oss_access_point_request(c, "DELETE", t->bucket, t->key, "accessPointPolicy", NULL, 0,
                                    NULL, err);
}

int ctl_ap_pab_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                   struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = oss_access_point_request(c, "GET", t->bucket, t->key, "publicAccessBlock", NULL, 0,
                                      &body, err);

    if (rc == 0)
        rc = ctl_state_answer(&ap_pab_spec, &body, out, err);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_ap_pab_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                   struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = ctl_state_doc(&ap_pab_spec, canon, &body);

    if (rc == 0)
        rc = oss_access_point_request(c, "PUT", t->bucket, t->key, "publicAccessBlock",
                                      oss_buf_str(&body), body.len, NULL, err);
    oss_buf_cleanup(&body);
    return rc;
}

int ctl_ap_pab_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)
{
    return oss_access_point_request(c, "DELETE", t->bucket, t->key, "publicAccessBlock", NULL, 0,
                                    NULL, err);
}

int ctl_ap_info_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                    struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc =
        oss_access_point_request(c, "GET", t->bucket, t->key, "accessPoint", NULL, 0, &body, err);

    if (rc == 0)
        rc = append_line(out, &body);
    oss_buf_cleanup(&body);
    return rc;
}
