/* A growable byte buffer, used by every module for strings, request bodies and XML.
 * The buffer is always NUL-terminated (data[len] == 0) once anything was appended, so
 * text can be handed to C string functions; binary content may contain NUL bytes.
 * Not thread-safe: one buffer belongs to one thread at a time. */
#ifndef OSS_BUF_H
#define OSS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct oss_buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* the most bytes it may hold; 0: no limit beyond memory */
};

#define OSS_BUF_INIT {NULL, 0, 0, 0}

void oss_buf_init(struct oss_buf *b);
/* An empty buffer that refuses to grow past max bytes (-EFBIG). */
void oss_buf_init_max(struct oss_buf *b, size_t max);
/* Frees the storage and leaves an empty, reusable buffer. */
void oss_buf_cleanup(struct oss_buf *b);
/* Empties the buffer, keeping its storage. */
void oss_buf_reset(struct oss_buf *b);
/* Makes room for at least n more bytes. Returns 0, -ENOMEM, or -EFBIG past the buffer's max. */
int oss_buf_reserve(struct oss_buf *b, size_t n);
/* Sets the length: shorter drops the tail, longer fills the new bytes with fill. 0 or as
 * oss_buf_reserve; on failure nothing changes. */
int oss_buf_setlen(struct oss_buf *b, size_t len, char fill);
/* Writes n bytes at off, filling a gap after the current end with fill; the length becomes at
 * least off + n. 0 or as oss_buf_reserve; on failure nothing changes. */
int oss_buf_write_at(struct oss_buf *b, size_t off, const void *p, size_t n, char fill);
/* Appenders return 0 or -ENOMEM; on failure the buffer is unchanged. */
int oss_buf_append(struct oss_buf *b, const void *p, size_t n);
int oss_buf_puts(struct oss_buf *b, const char *s);
int oss_buf_putc(struct oss_buf *b, char c);
int oss_buf_printf(struct oss_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int oss_buf_vprintf(struct oss_buf *b, const char *fmt, va_list ap);
/* Returns the contents ("" when empty) as a malloc'ed string the caller frees, and
 * leaves the buffer empty. Returns NULL only on allocation failure. */
char *oss_buf_detach(struct oss_buf *b);
/* The contents as a C string; "" when nothing was appended. Borrowed. */
const char *oss_buf_str(const struct oss_buf *b);
/* Appends the whole file at path (certificates, bundles). Returns 0, -errno of open/read,
 * or -EFBIG when it holds more than max bytes; on failure the buffer is unchanged. */
int oss_buf_append_file(struct oss_buf *b, const char *path, size_t max);

/* Grows the array *v of *cap elements of elem bytes to hold at least need (doubling, from 16),
 * the one way arrays grow in this project. 0 or -ENOMEM; on failure *v and *cap are unchanged. */
int oss_array_grow(void **v, size_t *cap, size_t need, size_t elem);

#endif
