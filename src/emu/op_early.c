/* Decisions that need no request body (oss-api.md 5, 6): the checks that PutObject, AppendObject
 * and UploadPart run before they look at the bytes, run by the HTTP front as soon as the
 * headers arrived, so that a refused upload is answered without 100 Continue and unread; and,
 * for an UploadPart that goes on, the claim of the part's slot that its body is written into
 * (store_multipart_slot.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_early.h"
#include "op_multipart.h"

#define MAX_UPLOAD_SIZE (5ULL * 1024 * 1024 * 1024)

static void too_large(struct emu_req *req, struct emu_resp *resp, int part)
{
    emu_resp_error(resp, req, 400, "EntityTooLarge",
                   part ? "Your proposed upload exceeds the maximum allowed part size."
                        : "Your proposed upload exceeds the maximum allowed object size.",
                   NULL, NULL);
}

/* The handlers' own prefix of checks, in their order, stopping where they need the body. */
int emu_op_early_refusal(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         uint64_t content_length)
{
    struct emu_bucket b;
    int forbid;
    const char *op = req->op ? req->op : "";
    int put = strcmp(op, "PutObject") == 0, append = strcmp(op, "AppendObject") == 0,
        part = strcmp(op, "UploadPart") == 0;

    if (!put && !append && !part)
        return 0;
    if (emu_op_bucket_data(s, req, resp, "oss:PutObject", 1, &b) < 0)
        return 1;
    if (part) {
        struct emu_upload u;
        unsigned n;
        if (emu_op_part_number(req, resp, &n) < 0 || emu_op_load_upload(s, req, resp, &b, &u) < 0)
            return 1;
        emu_upload_cleanup(&u);
    } else if (emu_op_write_checks(req, resp, &forbid) < 0) {
        return 1;
    }
    if (content_length > MAX_UPLOAD_SIZE) {
        too_large(req, resp, part);
        return 1;
    }
    return 0;
}

struct emu_part_slot *emu_op_early_slot(struct emu_server *s, struct emu_req *req,
                                        uint64_t content_length)
{
    struct emu_part_slot *slot = NULL;
    const char *id = emu_req_query(req, "uploadId");
    const char *pn = emu_req_query(req, "partNumber");
    char *end;
    unsigned long n;

    if (!req->op || strcmp(req->op, "UploadPart") != 0 || !id || !pn || content_length == 0)
        return NULL;
    n = strtoul(pn, &end, 10);
    if (*end || n < 1 || n > 10000)
        return NULL;
    if (emu_store_slot_claim(s->store, id, (unsigned)n, content_length, &slot) < 0)
        return NULL;
    return slot;
}
