/* The header-only refusals of upload operations (op_early.c), for the HTTP front. */
#ifndef EMU_OP_EARLY_H
#define EMU_OP_EARLY_H

#include <stdint.h>

#include "emu/emu.h"

/* For a routed and authenticated req whose body has not been read: runs the checks its handler
 * would run first that need no body (bucket, permission, header validation, upload id, and a
 * Content-Length over 5 GiB: 400 EntityTooLarge). 1 with the refusal in resp, 0 when the
 * request may go on (resp untouched). Operations other than PutObject, AppendObject and
 * UploadPart always go on. */
int emu_op_early_refusal(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                         uint64_t content_length);

#endif
