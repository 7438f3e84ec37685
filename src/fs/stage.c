/* Staging files of open objects (ofile.c): one private mkdtemp directory (mode 0700) under
 * $TMPDIR per mount holds unlinked temporary files, one per open file that needs its content
 * local. Nothing in it outlives its open file; the directory itself is removed at unmount. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "data.h"

int fs_stage_dir_create(struct fs_ctx *ctx)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(ctx->stage_dir, sizeof(ctx->stage_dir), "%s/osspermfs.XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof(ctx->stage_dir))
        return -ENAMETOOLONG;
    if (!mkdtemp(ctx->stage_dir)) {
        int e = errno;
        ctx->stage_dir[0] = 0;
        return -e;
    }
    return 0;
}

void fs_stage_dir_remove(struct fs_ctx *ctx)
{
    if (ctx->stage_dir[0])
        rmdir(ctx->stage_dir);
}

/* Returns a new, already unlinked, read-write staging file descriptor or -errno. */
int fs_stage_open(struct fs_ctx *ctx)
{
    int fd = open(ctx->stage_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    char path[300];
    snprintf(path, sizeof(path), "%s/stageXXXXXX", ctx->stage_dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    unlink(path);
    return fd;
}
