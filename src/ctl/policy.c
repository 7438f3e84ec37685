/* ".policy": the bucket policy, a JSON document of at most 16 KB. Reads print the policy as
 * the server stores it (OSS keeps the text as written, so what was written is what is read,
 * and a `sed -i` or editor round trip keeps the author's layout) with a final newline, empty
 * when no policy is set. Writes are checked locally (one JSON object with a Statement array
 * of objects, duplicate keys refused) and sent as written; the server checks the rest
 * (MalformedPolicy: EINVAL). An empty write or rm deletes the policy. */
#include <string.h>

#include "ctl_priv.h"

int ctl_policy_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,
                   struct oss_error *err)
{
    int unset;

    return ctl_get_setting(c, t->bucket, "policy", out, &unset, err);
}

enum ctl_parse ctl_policy_parse(const char *in, size_t len, struct oss_buf *canon, char *why,
                                size_t whylen)
{
    const char *p = in;
    size_t n = len, i;
    json_t *doc, *st, *s;
    enum ctl_parse r;

    if (len > CTL_POLICY_MAX_INPUT) {
        ctl_why(why, whylen, ".policy: document of %zu bytes is larger than 16 KB", len);
        return CTL_INVALID;
    }
    ctl_trim(&p, &n);
    if (n > 0 && p[0] != '{') {
        char q[200];

        ctl_quote(p, n, q, sizeof(q));
        ctl_why(why, whylen, ".policy must be a JSON object, got \"%s\"", q);
        return CTL_INVALID;
    }
    r = ctl_json_parse(in, len, &doc, why, whylen);
    if (r != CTL_VALID)
        return r;
    st = json_object_get(doc, "Statement");
    if (!json_is_object(doc) || !json_is_array(st) || json_array_size(st) == 0) {
        ctl_why(why, whylen, ".policy must be a JSON object with a non-empty Statement array");
        r = CTL_INVALID;
    }
    json_array_foreach(st, i, s)
    {
        if (r == CTL_VALID && !json_is_object(s)) {
            ctl_why(why, whylen, ".policy: Statement %zu is not a JSON object", i + 1);
            r = CTL_INVALID;
        }
    }
    json_decref(doc);
    if (r == CTL_VALID && oss_buf_append(canon, p, n) != 0) {
        ctl_why(why, whylen, "out of memory");
        r = CTL_INVALID;
    }
    return r;
}

int ctl_policy_put(struct oss_client *c, const struct ctl_target *t, const char *canon,
                   struct oss_error *err)
{
    return oss_put_bucket_subresource(c, t->bucket, "policy", "application/json", canon,
                                      strlen(canon), err);
}

int ctl_policy_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)
{
    return oss_delete_bucket_subresource(c, t->bucket, "policy", err);
}
