/* The header-only decisions of upload operations (op_early.c), for the HTTP front. */
#ifndef EMU_OP_EARLY_H
#define EMU_OP_EARLY_H

#include <stdint.h>

#include "emu/emu.h"

struct emu_part_slot;

/* For a routed and authenticated req whose body has not been read: runs the checks its handler
 * would run first that need no body (bucket, permission, header validation, upload id, and a
 * Content-Length over 5 GiB: 400 EntityTooLarge). 1 with the refusal in resp, 0 when the
 * request may go on (resp untouched). Operations other than PutObject, AppendObject and
 * UploadPart always go on. */
int emu_op_early_refusal(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         uint64_t content_length);
/* For an UploadPart of content_length bytes (not chunked) that emu_op_early_refusal let go on:
 * the claimed slot of its part in the upload's assembly file, for the front to write the body
 * into (emu_req.body_slot), or NULL when the body is to be spooled as usual (another
 * operation, or emu_store_slot_claim refused). */
struct emu_part_slot *emu_op_early_slot(struct emu_server *s, struct emu_req *req,
                                        uint64_t content_length);

#endif
