/* Checks on the object headers a write stores (oss-api.md 7.3, 6.9): x-oss-meta-* names use
 * letters, digits and '-' only and all names and values together stay within 8 KB; the
 * x-oss-tagging header must be a valid tag set. Decision: both are 400 InvalidArgument. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "op_priv.h"
#include "op_setting.h"

#define MAX_USER_META 8192

int emu_op_check_object_headers(struct emu_req *req, struct emu_resp *resp)
{
    struct emu_setting_err err = {0};
    const char *tagging = emu_req_header(req, "x-oss-tagging");
    size_t total = 0;
    void *tags = NULL;

    for (size_t i = 0; i < req->nheaders; i++) {
        const char *n = req->headers[i].name, *v = req->headers[i].value;
        if (strncasecmp(n, "x-oss-meta-", 11) != 0)
            continue;
        int ok = n[11] != 0;
        for (const char *p = n + 11; *p && ok; p++)
            ok = isalnum((unsigned char)*p) || *p == '-';
        if (!ok) {
            emu_resp_error(resp, req, 400, "InvalidArgument",
                           "A user metadata name (x-oss-meta-*) may contain only letters, digits "
                           "and '-'.",
                           NULL, "ArgumentName", n, NULL);
            return -1;
        }
        total += strlen(n) - 11 + strlen(v ? v : "");
    }
    if (total > MAX_USER_META) {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The user metadata (x-oss-meta-*) exceeds 8 KB in total.", NULL,
                       "ArgumentName", "x-oss-meta-*", NULL);
        return -1;
    }
    if (tagging) {
        if (emu_object_tags_from_header(tagging, &tags, &err) < 0) {
            emu_resp_error(resp, req, err.status, err.code, err.msg, err.ec, "ArgumentName",
                           "x-oss-tagging", NULL);
            return -1;
        }
        json_decref(tags);
    }
    return 0;
}
