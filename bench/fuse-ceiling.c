/* Benchmark helper: the FUSE ceiling of this machine. A libfuse3 low-level filesystem that
 * answers from memory, set up like osspermfs (multi-threaded loop, readdirplus, the same entry
 * and attribute timeouts), with one directory of N empty files and one file of S MiB, so that
 * `ls -l`, `find` and `dd` through it measure what the kernel and libfuse cost with no network
 * and no object store behind them. bench/fs-throughput.sh and the listing benchmarks compare
 * osspermfs with it in the same run. Not a test; built ad hoc by the scripts:
 *
 *   cc -O2 -o fuse-ceiling bench/fuse-ceiling.c $(pkg-config --cflags --libs fuse3)
 *   ./fuse-ceiling MOUNTPOINT --entries N --file-mib S [--attr-timeout SEC] [--no-xattr]
 *   (foreground; --no-xattr answers ENOSYS, as osspermfs -o noxattr does)
 *
 * The tree: MOUNTPOINT/big (S MiB of a fixed byte pattern), MOUNTPOINT/dir/f0000000 ... */
#define FUSE_USE_VERSION 35

#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define INO_BIG     2
#define INO_DIR     3
#define INO_FIRST   4 /* entry i of dir is INO_FIRST + i */
#define PATTERN_LEN (1u << 20)

static unsigned long nentries;
static uint64_t file_size;
static double attr_timeout = 1.0;
static char *pattern; /* PATTERN_LEN bytes + one read's worth, so any window is contiguous */
static time_t start_time;

static int entry_index(const char *name, unsigned long *i)
{
    char *end;
    if (name[0] != 'f' || !name[1])
        return 0;
    unsigned long v = strtoul(name + 1, &end, 10);
    if (*end || v >= nentries)
        return 0;
    *i = v;
    return 1;
}

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = ino;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_mtime = st->st_ctime = st->st_atime = start_time;
    st->st_blksize = 4096;
    if (ino == FUSE_ROOT_ID || ino == INO_DIR) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        st->st_size = 4096;
    } else {
        st->st_mode = S_IFREG | 0644;
        st->st_nlink = 1;
        st->st_size = ino == INO_BIG ? (off_t)file_size : 0;
    }
    st->st_blocks = (st->st_size + 511) / 512;
}

static void make_entry(fuse_ino_t ino, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof(*e));
    e->ino = ino;
    e->generation = 1;
    e->attr_timeout = e->entry_timeout = attr_timeout;
    fill_stat(ino, &e->attr);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
    (void)userdata;
    if (conn->capable & FUSE_CAP_READDIRPLUS)
        conn->want |= FUSE_CAP_READDIRPLUS;
    conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    unsigned long i;
    if (parent == FUSE_ROOT_ID && strcmp(name, "big") == 0)
        make_entry(INO_BIG, &e);
    else if (parent == FUSE_ROOT_ID && strcmp(name, "dir") == 0)
        make_entry(INO_DIR, &e);
    else if (parent == INO_DIR && entry_index(name, &i))
        make_entry(INO_FIRST + i, &e);
    else {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fuse_reply_entry(req, &e);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    struct stat st;
    fill_stat(ino, &st);
    fuse_reply_attr(req, &st, attr_timeout);
}

/* Directory offsets: 0 ".", 1 "..", then the entries (2 + i). */
static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, int plus)
{
    char *buf = malloc(size);
    size_t used = 0;
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    unsigned long n = ino == FUSE_ROOT_ID ? 2 : nentries;
    for (unsigned long pos = (unsigned long)off; pos < n + 2; pos++) {
        char name[32];
        fuse_ino_t child;
        if (pos < 2) {
            snprintf(name, sizeof(name), "%s", pos ? ".." : ".");
            child = ino;
        } else if (ino == FUSE_ROOT_ID) {
            snprintf(name, sizeof(name), "%s", pos == 2 ? "big" : "dir");
            child = pos == 2 ? INO_BIG : INO_DIR;
        } else {
            snprintf(name, sizeof(name), "f%07lu", pos - 2);
            child = INO_FIRST + (pos - 2);
        }
        size_t need;
        if (plus) {
            struct fuse_entry_param e;
            make_entry(child, &e);
            if (pos < 2)
                e.ino = 0; /* the kernel does not take a reference on the dots */
            need = fuse_add_direntry_plus(req, buf + used, size - used, name, &e, (off_t)pos + 1);
        } else {
            struct stat st;
            fill_stat(child, &st);
            need = fuse_add_direntry(req, buf + used, size - used, name, &st, (off_t)pos + 1);
        }
        if (used + need > size)
            break;
        used += need;
    }
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    (void)fi;
    do_readdir(req, ino, size, off, 0);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                           struct fuse_file_info *fi)
{
    (void)fi;
    do_readdir(req, ino, size, off, 1);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)fi;
    if (ino != INO_BIG || (uint64_t)off >= file_size) {
        fuse_reply_buf(req, NULL, 0);
        return;
    }
    if ((uint64_t)off + size > file_size)
        size = (size_t)(file_size - (uint64_t)off);
    if (size > PATTERN_LEN)
        size = PATTERN_LEN;
    fuse_reply_buf(req, pattern + (size_t)((uint64_t)off % PATTERN_LEN), size);
}

/* A filesystem with extended attributes, as osspermfs is: the kernel then asks for
 * security.selinux and system.posix_acl_* of every file `ls -l` shows (answering ENOSYS would
 * turn xattrs off for the whole mount, which osspermfs cannot do), so the ceiling pays the same
 * round trips, answered at once. */
static int no_xattr; /* --no-xattr: ENOSYS, and the kernel asks no more */

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    (void)ino;
    (void)name;
    (void)size;
    fuse_reply_err(req, no_xattr ? ENOSYS : ENODATA);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    (void)ino;
    if (no_xattr)
        fuse_reply_err(req, ENOSYS);
    else if (size == 0)
        fuse_reply_xattr(req, 0);
    else
        fuse_reply_buf(req, NULL, 0);
}

static const struct fuse_lowlevel_ops ops = {
    .init = op_init,
    .lookup = op_lookup,
    .getattr = op_getattr,
    .readdir = op_readdir,
    .readdirplus = op_readdirplus,
    .read = op_read,
    .getxattr = op_getxattr,
    .listxattr = op_listxattr,
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(
            stderr,
            "usage: %s MOUNTPOINT [--entries N] [--file-mib S] [--attr-timeout SEC] [--no-xattr]\n",
            argv[0]);
        return 2;
    }
    const char *mnt = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--no-xattr") == 0) {
            no_xattr = 1;
            continue;
        }
        if (i + 1 == argc) {
            fprintf(stderr, "%s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--entries") == 0)
            nentries = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--file-mib") == 0)
            file_size = strtoull(argv[i + 1], NULL, 10) << 20;
        else if (strcmp(argv[i], "--attr-timeout") == 0)
            attr_timeout = strtod(argv[i + 1], NULL);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    start_time = time(NULL);
    pattern = malloc(2 * PATTERN_LEN);
    if (!pattern)
        return 1;
    for (size_t i = 0; i < 2 * PATTERN_LEN; i++)
        pattern[i] = (char)(i * 131 + 7);
    char *fargv[] = {argv[0], "-o", "fsname=fuse-ceiling,subtype=ceiling", NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
    if (!se)
        return 1;
    int ret = 1;
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, mnt) == 0) {
            struct fuse_loop_config lc = {.clone_fd = 0, .max_idle_threads = 16};
            ret = fuse_session_loop_mt(se, &lc) ? 1 : 0;
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
    free(pattern);
    return ret;
}
