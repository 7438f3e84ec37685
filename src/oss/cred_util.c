/* What every credential source shares: its error reason text and the careful read of a
 * credential file that only its owner may access (passwd file, ossutil configuration). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred_priv.h"

int oss_cred_say(char *why, size_t whylen, int rc, const char *fmt, ...)
{
    va_list ap;
    if (why && whylen) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

int oss_cred_read_private(const char *path, const char *label, size_t max, struct oss_buf *out,
                          char *why, size_t whylen)
{
    struct stat st;
    char chunk[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int rc = 0;

    if (fd < 0)
        return oss_cred_say(why, whylen, -errno, "cannot open %s%s: %s", label, path,
                            strerror(errno));
    if (fstat(fd, &st) < 0)
        rc =
            oss_cred_say(why, whylen, -errno, "cannot stat %s%s: %s", label, path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = oss_cred_say(why, whylen, -EINVAL, "%s%s is not a regular file", label, path);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = oss_cred_say(why, whylen, -EPERM,
                          "%s%s has mode %04o: it must not be accessible by group or others "
                          "(chmod 600 %s)",
                          label, path, (unsigned)(st.st_mode & 07777), path);
    while (rc == 0) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = oss_cred_say(why, whylen, -errno, "cannot read %s%s: %s", label, path,
                              strerror(errno));
        else if (n == 0)
            break;
        else if (out->len + (size_t)n > max)
            rc = oss_cred_say(why, whylen, -EFBIG, "%s%s is larger than %zu bytes", label, path,
                              max);
        else if (oss_buf_append(out, chunk, (size_t)n) < 0)
            rc = oss_cred_say(why, whylen, -ENOMEM, "out of memory");
    }
    explicit_bzero(chunk, sizeof chunk);
    close(fd);
    return rc;
}
