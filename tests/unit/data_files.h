/* Tests as data: runs one cmocka test per file of a directory under tests/data (OSS_TEST_DATA),
 * after a few fixed tests. Adding a case means adding a file. Include after <cmocka.h>, whose
 * assertions data_file_read uses. */
#ifndef TESTS_UNIT_DATA_FILES_H
#define TESTS_UNIT_DATA_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oss/buf.h"

/* Reads a case file whole (it must exist): a NUL-terminated heap string to free, its length in
 * *len unless len is NULL. */
static char *data_file_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct oss_buf b = OSS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(oss_buf_append(&b, chunk, n), 0);
    fclose(f);
    if (len)
        *len = b.len;
    return oss_buf_detach(&b);
}

static int data_files_by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the fixed tests, then fn once for every file DATA/sub/NAME<suffix> in name order, with
 * the test named NAME<suffix> and its state the file's path (without the suffix when
 * strip_suffix). Fails when fewer than min_files files were found. Returns main's exit code. */
static int data_files_run(const char *group, const struct CMUnitTest *fixed, size_t nfixed,
                          const char *sub, const char *suffix, int strip_suffix,
                          CMUnitTestFunction fn, size_t min_files)
{
    const char *data = getenv("OSS_TEST_DATA");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", data ? data : "tests/data", sub);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open %s (set OSS_TEST_DATA)\n", dir);
        return 1;
    }
    size_t n = 0, cap = 0, sl = strlen(suffix);
    char **paths = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= sl || strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(paths, cap * sizeof(*paths));
            if (!grown)
                break;
            paths = grown;
        }
        int keep = (int)(strip_suffix ? len - sl : len);
        if (asprintf(&paths[n], "%s/%.*s", dir, keep, e->d_name) > 0)
            n++;
    }
    closedir(d);
    if (n)
        qsort(paths, n, sizeof(paths[0]), data_files_by_name);

    struct CMUnitTest *tests = calloc(nfixed + n, sizeof(*tests));
    if (!tests)
        return 1;
    memcpy(tests, fixed, nfixed * sizeof(*tests));
    for (size_t i = 0; i < n; i++)
        tests[nfixed + i] =
            (struct CMUnitTest){strrchr(paths[i], '/') + 1, fn, NULL, NULL, paths[i]};
    if (n < min_files)
        fprintf(stderr, "only %zu %s files under %s\n", n, suffix, dir);
    int failed = _cmocka_run_group_tests(group, tests, nfixed + n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(tests);
    return failed || n < min_files;
}

#endif
