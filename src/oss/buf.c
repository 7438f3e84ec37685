/* The growable byte buffer every module uses for strings and bodies (include/oss/buf.h).
 * Growth doubles the capacity; data[len] is kept NUL so contents are always a C string. */
#include "oss/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void oss_buf_init(struct oss_buf *b)
{
    oss_buf_init_max(b, 0);
}

void oss_buf_init_max(struct oss_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void oss_buf_cleanup(struct oss_buf *b)
{
    free(b->data);
    oss_buf_init_max(b, b->max);
}

void oss_buf_reset(struct oss_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Ensures cap >= len + n + 1 (room for the terminating NUL). On failure nothing changes. */
int oss_buf_reserve(struct oss_buf *b, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        return -ENOMEM;
    if (b->max && n > b->max - (b->len < b->max ? b->len : b->max))
        return -EFBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

/* p may point into b's own storage: it is re-derived after a reallocation. */
int oss_buf_append(struct oss_buf *b, const void *p, size_t n)
{
    uintptr_t src = (uintptr_t)p, base = (uintptr_t)b->data;
    int inside = b->data && src >= base && src < base + b->cap;
    size_t off = inside ? (size_t)(src - base) : 0;
    int rc = oss_buf_reserve(b, n);
    if (rc)
        return rc;
    if (inside)
        p = b->data + off;
    if (n)
        memmove(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int oss_buf_puts(struct oss_buf *b, const char *s)
{
    return oss_buf_append(b, s, strlen(s));
}

int oss_buf_putc(struct oss_buf *b, char c)
{
    return oss_buf_append(b, &c, 1);
}

int oss_buf_printf(struct oss_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = oss_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

/* Formats straight into the spare capacity, growing once if the first attempt is short.
 * Returns -EINVAL if the format itself fails. */
int oss_buf_vprintf(struct oss_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    size_t avail = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(avail ? b->data + b->len : NULL, avail, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (b->data)
            b->data[b->len] = '\0';
        return -EINVAL;
    }
    if ((size_t)n >= avail) {
        int rc = oss_buf_reserve(b, (size_t)n);
        if (rc) {
            if (b->data)
                b->data[b->len] = '\0';
            return rc;
        }
        va_copy(ap2, ap);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        va_end(ap2);
    }
    b->len += (size_t)n;
    return 0;
}

char *oss_buf_detach(struct oss_buf *b)
{
    char *s = b->data;
    if (!s)
        return strdup("");
    oss_buf_init(b);
    return s;
}

const char *oss_buf_str(const struct oss_buf *b)
{
    return b->data ? b->data : "";
}

int oss_buf_setlen(struct oss_buf *b, size_t len, char fill)
{
    if (len > b->len) {
        int rc = oss_buf_reserve(b, len - b->len);
        if (rc)
            return rc;
        memset(b->data + b->len, fill, len - b->len);
    }
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
    return 0;
}

int oss_buf_write_at(struct oss_buf *b, size_t off, const void *p, size_t n, char fill)
{
    if (off > SIZE_MAX - n)
        return -ENOMEM;
    if (off + n > b->len) {
        int rc = oss_buf_setlen(b, off + n, fill);
        if (rc)
            return rc;
    }
    if (n)
        memmove(b->data + off, p, n);
    return 0;
}

int oss_array_grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -ENOMEM;
        ncap *= 2;
    }
    void *nv = realloc(*v, ncap * elem);
    if (!nv)
        return -ENOMEM;
    *v = nv;
    *cap = ncap;
    return 0;
}

int oss_buf_append_file(struct oss_buf *b, const char *path, size_t max)
{
    size_t start = b->len;
    char chunk[16384];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return -errno;
    for (;;) {
        n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : 0;
            break;
        }
        if (b->len - start + (size_t)n > max) {
            rc = -EFBIG;
            break;
        }
        if ((rc = oss_buf_append(b, chunk, (size_t)n)) < 0)
            break;
    }
    close(fd);
    if (rc < 0)
        oss_buf_setlen(b, start, 0);
    return rc;
}
