/* OSS native symlinks: PutSymlink and GetSymlink (oss-api.md 6.9). The target key is sent
 * percent-encoded in x-oss-symlink-target and decoded from GetSymlink's answer, as the SDKs
 * do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "oss/codec.h"

int oss_put_symlink(struct oss_client *c, const char *bucket, const char *key, const char *target,
                    struct oss_error *err)
{
    struct oss_buf enc = OSS_BUF_INIT;
    struct oss_req r;
    int rc;

    if (!key || !*key || !target || !*target || strlen(target) > 1023)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty or too long key");
    if (oss_url_encode(target, strlen(target), 0, &enc) < 0) {
        oss_buf_cleanup(&enc);
        return oss_client_fail(err, ENOMEM, "", "out of memory");
    }
    oss_req_init(&r, "PUT", bucket, key);
    oss_req_query(&r, "symlink", NULL);
    oss_req_header(&r, "x-oss-symlink-target", oss_buf_str(&enc));
    rc = oss_client_send_status(c, &r, err);
    oss_buf_cleanup(&enc);
    return rc;
}

int oss_get_symlink(struct oss_client *c, const char *bucket, const char *key,
                    const char *version_id, char **target, struct oss_error *err)
{
    struct oss_http_response resp = {0};
    struct oss_buf dec = OSS_BUF_INIT;
    struct oss_req r;
    const char *v;
    int rc;

    *target = NULL;
    if (!key || !*key)
        return oss_client_fail(err, EINVAL, "InvalidObjectName", "empty object key");
    oss_req_init(&r, "GET", bucket, key);
    oss_req_query(&r, "symlink", NULL);
    if (version_id && *version_id)
        oss_req_query(&r, "versionId", version_id);
    rc = oss_client_send(c, &r, &resp, err);
    if (rc == 0) {
        v = oss_http_header(&resp, "x-oss-symlink-target");
        if (!v || !*v || oss_url_decode(v, strlen(v), 0, &dec) < 0 || dec.len == 0)
            rc = oss_client_bad_answer(err, &resp, EIO, "", "GetSymlink answer without a target");
        else if (!(*target = oss_buf_detach(&dec)))
            rc = oss_client_bad_answer(err, &resp, ENOMEM, "", "out of memory");
    }
    oss_buf_cleanup(&dec);
    oss_http_response_cleanup(&resp);
    oss_req_cleanup(&r);
    return rc;
}
