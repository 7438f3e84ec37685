/* Shared declarations of the libFuzzer harnesses: the two entry points libFuzzer (or the replay
 * main of replay.c) calls, and small helpers that cut a fuzz input into NUL-terminated fields. */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Runs one input; must not keep state that changes the outcome of a later input. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time setup, called before the first input (weak in replay.c). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'ed, NUL-terminated copy of data[0..size); aborts when out of memory (a harness has
 * nothing better to do). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Takes the next field of *data up to sep (or the end) as a malloc'ed string and advances past
 * the separator. */
static inline char *fuzz_field(const uint8_t **data, size_t *size, uint8_t sep)
{
    const uint8_t *end = *size ? memchr(*data, sep, *size) : NULL;
    size_t n = end ? (size_t)(end - *data) : *size;
    char *s = fuzz_str(*data, n);
    *data += n;
    *size -= n;
    if (end) {
        (*data)++;
        (*size)--;
    }
    return s;
}

#endif
