/* Private to ossemu's two HTTP daemons (http.c, admin.c): the listen address they parse and the
 * address they report once bound. */
#ifndef EMU_LISTEN_H
#define EMU_LISTEN_H

#include <netinet/in.h>
#include <stddef.h>

#include <microhttpd.h>

/* Parses "A.B.C.D:PORT" or "localhost:PORT" (port 0: any free one) into sa. With loopback_only
 * an address outside 127.0.0.0/8 is refused. 0 or -EINVAL. */
int emu_listen_parse(const char *listen, int loopback_only, struct sockaddr_in *sa);
/* Writes "A.B.C.D:PORT" of daemon d, started on sa, to bound (the port the kernel picked when
 * sa asked for 0). */
void emu_listen_bound(struct MHD_Daemon *d, const struct sockaddr_in *sa, char *bound, size_t len);

#endif
