/* Shared cmocka fixture for the ossemu store unit tests: a store opened on a fresh temp data
 * directory, removed again on teardown, plus a helper that creates a bucket with the defaults
 * the emulator gives one. Header-only so each test program stays one source file; include it
 * after <cmocka.h>, whose assertions fixture_tmp_with uses. */
#ifndef TESTS_UNIT_EMU_FIXTURE_H
#define TESTS_UNIT_EMU_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/store.h"

struct fixture {
    char dir[PATH_MAX];
    struct emu_store *st;
};

/* Creates bucket name owned by owner (private, Standard, cn-hangzhou, monitor Disabled) with
 * the given creation time; returns emu_store_bucket_create's result. */
static inline int fixture_bucket(struct emu_store *st, const char *name, const char *owner,
                                 time_t created)
{
    struct emu_bucket b = {0};
    snprintf(b.name, sizeof(b.name), "%s", name);
    snprintf(b.owner, sizeof(b.owner), "%s", owner);
    strcpy(b.acl, "private");
    strcpy(b.access_monitor, "Disabled");
    strcpy(b.region, "cn-hangzhou");
    strcpy(b.storage_class, "Standard");
    b.created = created;
    return emu_store_bucket_create(st, &b);
}

/* Fills path (of len bytes) with the name of a new store temp file holding data, as an upload
 * would leave it; fails the test when that cannot be done. */
static inline void fixture_tmp_with(struct emu_store *st, const char *data, char *path, size_t len)
{
    int fd = emu_store_tmp_create(st, path, len);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
}

/* How many entries (dot files aside) the store directory dir/sub holds; -1 when it cannot be
 * opened. The store keeps data files under objects/, parts/ and tmp/. */
static inline int fixture_count_files(const char *dir, const char *sub)
{
    char path[PATH_MAX];
    struct dirent *e;
    int n = 0;
    if (snprintf(path, sizeof(path), "%s/%s", dir, sub) >= (int)sizeof(path))
        return -1;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* cmocka setup body: opens a store on a new directory $TMPDIR/<name>.XXXXXX and hands the
 * fixture to *state (freed by fixture_teardown). Returns 0, or -1 on any failure. */
static inline int fixture_setup(void **state, const char *name)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "%s/%s.XXXXXX", tmp ? tmp : "/tmp", name);
    if (!mkdtemp(f->dir) || emu_store_open(f->dir, &f->st) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* cmocka teardown: closes the store, removes its directory and frees the fixture; -1 when the
 * directory could not be removed. */
static inline int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[PATH_MAX + 16];
    emu_store_close(f->st);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

#endif
