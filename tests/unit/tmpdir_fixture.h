/* Shared cmocka fixture for the unit tests that write files: setup creates a fresh temp
 * directory `dir` (/tmp/oss-TMPDIR_FIXTURE_NAME-XXXXXX), teardown removes it with everything in
 * it, and tmp_file writes a file of it with a mode. Header-only so each test program stays one
 * source file; define TMPDIR_FIXTURE_NAME (a string literal) and include it after <cmocka.h>,
 * whose assertions tmp_file uses. */
#ifndef TESTS_UNIT_TMPDIR_FIXTURE_H
#define TESTS_UNIT_TMPDIR_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef TMPDIR_FIXTURE_NAME
#error "define TMPDIR_FIXTURE_NAME before including tmpdir_fixture.h"
#endif

static char dir[] = "/tmp/oss-" TMPDIR_FIXTURE_NAME "-XXXXXX";

static inline int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static inline int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes the printf-formatted content to dir/NAME, then gives it the mode; returns its path
 * (static, overwritten by the next call). */
static inline const char *tmp_file(const char *name, mode_t mode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline const char *tmp_file(const char *name, mode_t mode, const char *fmt, ...)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

#endif
