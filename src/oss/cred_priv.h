/* Helpers shared by the credential sources (credentials.c, cred_*.c): the "why" message every
 * source fills in and the reader of owner-only credential files. Internal to the OSS client. */
#ifndef OSS_CRED_PRIV_H
#define OSS_CRED_PRIV_H

#include <stddef.h>

#include "oss/buf.h"

/* Formats a reason into why (when why is non-NULL and whylen non-zero) and returns rc, so a
 * source can write `return oss_cred_say(why, whylen, -EINVAL, "...")`. */
int oss_cred_say(char *why, size_t whylen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends the content of the file at path to out after checking that it is a regular file no
 * larger than max bytes that group and others cannot touch. label prefixes the path in every
 * message ("passwd file " or ""); no message quotes the content. Returns 0 or -errno (-EPERM
 * for a loose mode, -EFBIG when too large, -EINVAL when not a regular file) with why set. The
 * caller wipes out, which may hold part of the file on failure. */
int oss_cred_read_private(const char *path, const char *label, size_t max, struct oss_buf *out,
                          char *why, size_t whylen);

#endif
