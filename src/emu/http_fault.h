/* Private to ossemu's HTTP front (http.c, http_fault.c): answer bodies that fault injection
 * paces (bandwidth cap) or cuts (connection reset mid-body), and the reset itself. */
#ifndef EMU_HTTP_FAULT_H
#define EMU_HTTP_FAULT_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <microhttpd.h>

#include "emu/emu.h"
#include "emu/fault.h"

/* The body of one answer as the content reader serves it. Lives in the request's state, which
 * outlives every reader call (MHD calls readers only while the request is active). */
struct emu_paced_body {
    struct MHD_Connection *conn;
    const char *mem; /* body in memory, or NULL to read fd */
    int fd;          /* borrowed; read with pread at off + position */
    off_t off;
    uint64_t total;     /* Content-Length */
    uint64_t cut;       /* reset the connection once this many body bytes went out;
                           UINT64_MAX: never */
    uint64_t bandwidth; /* bytes per second; 0: unpaced */
    struct timespec t0; /* when the first body byte was asked for */
    int started;
    uint64_t sent; /* body bytes handed to MHD so far */
    int done;      /* on_done was called */
    /* Called once, with the body bytes that went out, before the client can see the end:
     * at the cut (before the reset), or when the last block is handed out. The request log
     * line is written there. */
    void (*on_done)(void *arg, uint64_t sent);
    void *arg;
};

/* An MHD response of b->total bytes served by b. NULL when out of memory. */
struct MHD_Response *emu_paced_response(struct emu_paced_body *b);

/* Makes the close of c a TCP reset: waits (up to a second) until the bytes already written
 * left the send queue, then sets SO_LINGER to zero. The caller then has MHD close it. */
void emu_conn_reset(struct MHD_Connection *c);

/* Replaces resp with the injected error answer of plan (status, OSS code, a message like the
 * one OSS sends). */
void emu_fault_answer(struct emu_resp *resp, const struct emu_req *req,
                      const struct emu_fault_plan *plan);

/* Turns the "lost" item of plan's label into "lost:STATUS", the status the operation
 * produced but nobody received. */
void emu_fault_label_lost(struct emu_fault_plan *plan, int status);

/* Sleeps ms milliseconds (the injected latency), resuming after signals. */
void emu_sleep_ms(unsigned ms);

#endif
