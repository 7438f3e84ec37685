/* Helpers shared by the multipart upload handlers (op_multipart.c, op_multipart_complete.c,
 * op_multipart_copy.c, op_multipart_list.c). Used only by those files. */
#ifndef EMU_OP_MULTIPART_H
#define EMU_OP_MULTIPART_H

#include "op_priv.h"

/* 404 NoSuchUpload for upload id (may be NULL). */
void emu_op_no_such_upload(struct emu_req *req, struct emu_resp *resp, const char *id);
/* Loads the upload ?uploadId names in bucket b for req->key (a different key is NoSuchUpload).
 * 0 with *u (caller cleans up), or -1 with resp filled. */
int emu_op_load_upload(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const struct emu_bucket *b, struct emu_upload *u);
/* ?partNumber: 1..10000, else 400 InvalidArgument (ArgumentName PartNumber) and -1. */
int emu_op_part_number(struct emu_req *req, struct emu_resp *resp, unsigned *out);
/* Stores part p of upload u from the file at path (renamed into place). 0, or -1 with 404
 * NoSuchUpload (aborted meanwhile) or 500 in resp; path is then still the caller's. */
int emu_op_part_put(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                    const struct emu_upload *u, struct emu_part *p, const char *path);
/* Commits part p of upload u, written into slot, and releases the slot (freed). 0, or -1 with
 * 404 NoSuchUpload (aborted meanwhile) or 500 in resp. */
int emu_op_slot_commit(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                       const struct emu_upload *u, struct emu_part_slot *slot, struct emu_part *p);
/* ETag (quoted) and x-oss-hash-crc64ecma of a stored part. */
void emu_op_part_reply(struct emu_resp *resp, const struct emu_part *p);

#endif
