/* The listen addresses of ossemu's HTTP daemons: parsing --listen / --admin-listen and reporting
 * the bound address (for --ready-file and the admin endpoint's announcement). IPv4 only. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "listen.h"

int emu_listen_parse(const char *listen, int loopback_only, struct sockaddr_in *sa)
{
    const char *colon = strrchr(listen, ':');
    char host[64], *end;
    long port;

    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host))
        return -EINVAL;
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return -EINVAL;
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return -EINVAL;
    if (loopback_only && (ntohl(sa->sin_addr.s_addr) >> 24) != 127)
        return -EINVAL;
    return 0;
}

void emu_listen_bound(struct MHD_Daemon *d, const struct sockaddr_in *sa, char *bound, size_t len)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char ip[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
    snprintf(bound, len, "%s:%u", ip, info ? (unsigned)info->port : ntohs(sa->sin_port));
}
