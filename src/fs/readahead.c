/* The mount's kernel read-ahead, -o read_ahead (read_ahead_kb of the mount's backing device
 * in sysfs). It also sizes the kernel's READ requests, 128 KiB unless set, and every request
 * is a round trip through the daemon: 1 MiB requests cost an eighth of the round trips.
 *
 * The kernel lowers the value to what the daemon answered to FUSE_INIT, and offers no more
 * than its default there, so it is set after INIT: once, by the first open of a file (any
 * request after INIT finds the answer applied). Root only; elsewhere the kernel's value stays,
 * as the option is advice. The mountpoint was resolved before mounting: resolving it now
 * would ask this daemon. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ctx.h"

/* Where the mount at path (absolute, no symlinks) is: its "major:minor" from mountinfo, the
 * last osspermfs mount there. 0, or -1 when there is none. */
static int mount_device(const char *path, char *dev, size_t len)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[2 * PATH_MAX], mm[32], mp[PATH_MAX];
    int found = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%*u %*u %31s %*s %4095s", mm, mp) != 2 ||
            !strstr(line, " - fuse.osspermfs "))
            continue;
        /* mountinfo writes space, tab, newline and backslash as \ooo */
        char *o = mp;
        for (const char *i = mp; *i; o++) {
            if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] >= '0' && i[2] <= '7' &&
                i[3] >= '0' && i[3] <= '7') {
                *o = (char)((i[1] - '0') << 6 | (i[2] - '0') << 3 | (i[3] - '0'));
                i += 4;
            } else {
                *o = *i++;
            }
        }
        *o = 0;
        if (strcmp(mp, path) == 0) {
            snprintf(dev, len, "%s", mm);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

void fs_read_ahead_apply(struct fs_ctx *ctx)
{
    char dev[32], sys[96];
    if (__atomic_load_n(&ctx->read_ahead_set, __ATOMIC_RELAXED) ||
        __atomic_exchange_n(&ctx->read_ahead_set, 1, __ATOMIC_RELAXED))
        return;
    if (!ctx->opts.read_ahead_kib || !ctx->mount_abs || geteuid() != 0)
        return;
    if (mount_device(ctx->mount_abs, dev, sizeof(dev)) < 0)
        return;
    snprintf(sys, sizeof(sys), "/sys/class/bdi/%s/read_ahead_kb", dev);
    FILE *f = fopen(sys, "w");
    int ok = f && fprintf(f, "%u\n", ctx->opts.read_ahead_kib) > 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        fs_log(ctx, LOG_INFO, "read_ahead: cannot set %s: %s", sys, strerror(errno));
}
