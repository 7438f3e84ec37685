/* ossemu's entry point: command line, data directory, accounts, store, request log and the
 * HTTP front; runs until SIGINT or SIGTERM and then stops cleanly. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/emu.h"
#include "emu/fault.h"
#include "emu/store.h"

#define DEFAULT_ACCOUNT_ID   "1000000000000001"
#define DEFAULT_ACCOUNT_NAME "ossemu"

#define MAX_FAULT_SPECS 32
#define MAX_REGIONS     16

/* A region served on a port of its own (--region NAME=ADDR:PORT). */
struct region_listen {
    char name[48];
    const char *listen;
};

struct options {
    const char *data, *listen, *accounts, *domain, *region, *request_log, *ready_file;
    const char *faults[MAX_FAULT_SPECS]; /* --fault, in order */
    int nfaults;
    uint64_t fault_seed;
    const char *admin, *admin_ready_file;
    const char *tls_cert, *tls_key, *tls_listen, *tls_ready_file; /* HTTPS beside HTTP */
    struct region_listen regions[MAX_REGIONS]; /* --region NAME=ADDR:PORT, in order */
    int nregions, region_given;
};

/* --region NAME (the region of --listen) or --region NAME=ADDR:PORT (one more region on a
 * port of its own). 0 or -EINVAL (reported). */
static int add_region(struct options *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[48];

    if ((size_t)(eq ? eq - arg : (ptrdiff_t)strlen(arg)) >= sizeof(name)) {
        fprintf(stderr, "ossemu: --region '%s': region name too long\n", arg);
        return -EINVAL;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - arg : (ptrdiff_t)strlen(arg)), arg);
    if (!emu_region_valid(name)) {
        fprintf(stderr, "ossemu: --region '%s': a region is lower-case letters, digits and '-'\n",
                arg);
        return -EINVAL;
    }
    if (!eq) {
        if (o->region_given++) {
            fprintf(stderr, "ossemu: --region NAME (the region of --listen) given twice\n");
            return -EINVAL;
        }
        o->region = arg;
        return 0;
    }
    if (o->nregions == MAX_REGIONS) {
        fprintf(stderr, "ossemu: at most %d --region NAME=ADDR:PORT options\n", MAX_REGIONS);
        return -EINVAL;
    }
    snprintf(o->regions[o->nregions].name, sizeof(o->regions[0].name), "%s", name);
    o->regions[o->nregions++].listen = eq + 1;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ossemu --data DIR [--listen 127.0.0.1:9000] [--accounts FILE]\n"
               "              [--domain NAME] [--region REGION] [--region REGION=ADDR:PORT]...\n"
               "              [--request-log FILE]\n"
               "              [--ready-file FILE] [--fault RULE[;RULE...]]... [--fault-seed N]\n"
               "              [--admin 127.0.0.1:PORT] [--admin-ready-file FILE]\n"
               "              [--tls-cert FILE --tls-key FILE [--tls-listen 127.0.0.1:9443]\n"
               "               [--tls-ready-file FILE]]\n"
               "An OSS-compatible server for tests and demos; see ossemu(1).\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {{"data", required_argument, NULL, 'd'},
                                             {"listen", required_argument, NULL, 'l'},
                                             {"accounts", required_argument, NULL, 'a'},
                                             {"domain", required_argument, NULL, 'D'},
                                             {"region", required_argument, NULL, 'r'},
                                             {"request-log", required_argument, NULL, 'L'},
                                             {"ready-file", required_argument, NULL, 'R'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {"fault", required_argument, NULL, 'f'},
                                             {"fault-seed", required_argument, NULL, 's'},
                                             {"admin", required_argument, NULL, 'A'},
                                             {"admin-ready-file", required_argument, NULL, 'F'},
                                             {"tls-cert", required_argument, NULL, 'c'},
                                             {"tls-key", required_argument, NULL, 'k'},
                                             {"tls-listen", required_argument, NULL, 't'},
                                             {"tls-ready-file", required_argument, NULL, 'T'},
                                             {NULL, 0, NULL, 0}};
    int c;
    char *end;
    *o = (struct options){.listen = "127.0.0.1:9000",
                          .domain = "localhost",
                          .region = "cn-hangzhou",
                          .fault_seed = 1};
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->data = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'a':
            o->accounts = optarg;
            break;
        case 'D':
            o->domain = optarg;
            break;
        case 'r':
            if (add_region(o, optarg))
                return -EINVAL;
            break;
        case 'L':
            o->request_log = optarg;
            break;
        case 'R':
            o->ready_file = optarg;
            break;
        case 'f':
            if (o->nfaults == MAX_FAULT_SPECS) {
                fprintf(stderr, "ossemu: at most %d --fault options\n", MAX_FAULT_SPECS);
                return -EINVAL;
            }
            o->faults[o->nfaults++] = optarg;
            break;
        case 's':
            errno = 0;
            o->fault_seed = strtoull(optarg, &end, 0);
            if (errno || end == optarg || *end || *optarg == '-' || o->fault_seed > INT64_MAX) {
                fprintf(stderr, "ossemu: --fault-seed needs an integer from 0 to 2^63-1\n");
                return -EINVAL;
            }
            break;
        case 'A':
            o->admin = optarg;
            break;
        case 'F':
            o->admin_ready_file = optarg;
            break;
        case 'c':
            o->tls_cert = optarg;
            break;
        case 'k':
            o->tls_key = optarg;
            break;
        case 't':
            o->tls_listen = optarg;
            break;
        case 'T':
            o->tls_ready_file = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf("ossemu %s\n", OSSPERMFS_VERSION);
            exit(0);
        default:
            usage(stderr);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ossemu: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -EINVAL;
    }
    if (o->admin_ready_file && !o->admin) {
        fprintf(stderr, "ossemu: --admin-ready-file needs --admin\n");
        return -EINVAL;
    }
    if (!o->tls_cert != !o->tls_key) {
        fprintf(stderr, "ossemu: --tls-cert and --tls-key go together\n");
        return -EINVAL;
    }
    if ((o->tls_listen || o->tls_ready_file) && !o->tls_cert) {
        fprintf(stderr,
                "ossemu: --tls-listen and --tls-ready-file need --tls-cert and --tls-key\n");
        return -EINVAL;
    }
    if (o->tls_cert && !o->tls_listen)
        o->tls_listen = "127.0.0.1:9443";
    if (!o->data) {
        fprintf(stderr, "ossemu: --data DIR is required\n");
        usage(stderr);
        return -EINVAL;
    }
    return 0;
}

/* mkdir -p for the data directory. */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, 0755) && errno != EEXIST)
        return -errno;
    return 0;
}

static void random_token(char *out, size_t len)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[64];
    if (len > sizeof(r))
        len = sizeof(r);
    if (getrandom(r, len, 0) != (ssize_t)len)
        for (size_t i = 0; i < len; i++)
            r[i] = (unsigned char)rand();
    for (size_t i = 0; i < len; i++)
        out[i] = alnum[r[i] % (sizeof(alnum) - 1)];
    out[len] = '\0';
}

/* Reads OSS_ACCESS_KEY_ID=/OSS_ACCESS_KEY_SECRET= lines of DIR/credentials. 0, -ENOENT, -EINVAL. */
static int read_credentials(const char *path, char *akid, size_t alen, char *secret, size_t slen)
{
    FILE *f = fopen(path, "r");
    char line[512];
    if (!f)
        return -errno;
    akid[0] = secret[0] = '\0';
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "OSS_ACCESS_KEY_ID=", 18) == 0 && strlen(line + 18) < alen)
            memcpy(akid, line + 18, strlen(line + 18) + 1);
        else if (strncmp(line, "OSS_ACCESS_KEY_SECRET=", 22) == 0 && strlen(line + 22) < slen)
            memcpy(secret, line + 22, strlen(line + 22) + 1);
    }
    fclose(f);
    return akid[0] && secret[0] ? 0 : -EINVAL;
}

/* The single default account: the environment's key, else DIR/credentials, else a new key
 * written there (mode 0600) and printed once for the user. */
static int default_accounts(const char *dir, struct emu_accounts **out)
{
    const char *env_id = getenv("OSS_ACCESS_KEY_ID"), *env_secret = getenv("OSS_ACCESS_KEY_SECRET");
    char path[PATH_MAX], akid[128], secret[256];

    if (env_id && *env_id && env_secret && *env_secret)
        return emu_accounts_single(DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_NAME, env_id, env_secret,
                                   out);
    snprintf(path, sizeof(path), "%s/credentials", dir);
    int rc = read_credentials(path, akid, sizeof(akid), secret, sizeof(secret));
    if (rc == -EINVAL) {
        fprintf(stderr, "ossemu: %s lacks OSS_ACCESS_KEY_ID= or OSS_ACCESS_KEY_SECRET=\n", path);
        return rc;
    }
    if (rc == 0) {
        printf("ossemu: access key %s (secret in %s)\n", akid, path);
    } else {
        strcpy(akid, "LTAI");
        random_token(akid + 4, 20);
        random_token(secret, 30);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            fprintf(stderr, "ossemu: cannot create %s: %s\n", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -EIO;
        }
        fprintf(f, "OSS_ACCESS_KEY_ID=%s\nOSS_ACCESS_KEY_SECRET=%s\n", akid, secret);
        if (fclose(f)) {
            fprintf(stderr, "ossemu: cannot write %s\n", path);
            return -EIO;
        }
        printf("ossemu: generated credentials, saved in %s:\nOSS_ACCESS_KEY_ID=%s\n"
               "OSS_ACCESS_KEY_SECRET=%s\n",
               path, akid, secret);
    }
    return emu_accounts_single(DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_NAME, akid, secret, out);
}

/* Writes "ADDR\n" (and more lines, see start()) to path atomically (temporary file and
 * rename), so a waiting test never reads a partial line. */
static int write_ready_file(const char *path, const char *bound)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -errno;
    fprintf(f, "%s%s", bound, bound[0] && bound[strlen(bound) - 1] == '\n' ? "" : "\n");
    if (fclose(f) || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return -e;
    }
    return 0;
}

/* The fault injector of --fault and --fault-seed (also created, empty, for --admin). 0, 1 when
 * it cannot be created, 2 for a bad rule (reported). */
static int setup_faults(const struct options *o, struct emu_server *s)
{
    char err[256] = "";

    if ((o->nfaults || o->admin) && emu_fault_new(o->fault_seed, &s->fault))
        return 1;
    for (int i = 0; i < o->nfaults; i++) {
        if (emu_fault_add_spec(s->fault, o->faults[i], err, sizeof(err))) {
            fprintf(stderr, "ossemu: --fault '%s': %s\n", o->faults[i], err);
            return 2;
        }
    }
    return 0;
}

/* Creates DIR and DIR/tmp and loads the accounts (--accounts, else the default account).
 * 0 or -1 (reported). */
static int setup_data(const struct options *o, struct emu_server *s)
{
    char err[256] = "", tmpdir[PATH_MAX];
    int rc;

    snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", o->data);
    if ((rc = make_dirs(o->data)) || (rc = make_dirs(tmpdir))) {
        fprintf(stderr, "ossemu: cannot create %s: %s\n", o->data, strerror(-rc));
        return -1;
    }
    if (o->accounts)
        rc = emu_accounts_load(o->accounts, &s->accounts, err, sizeof(err));
    else
        rc = default_accounts(o->data, &s->accounts);
    if (rc) {
        if (err[0])
            fprintf(stderr, "ossemu: accounts: %s\n", err);
        else if (o->accounts)
            fprintf(stderr, "ossemu: accounts: %s\n", strerror(-rc));
        return -1;
    }
    return 0;
}

/* Opens the store and the request log into s. 0 or -1 (reported). */
static int open_state(const struct options *o, struct emu_server *s)
{
    int rc;

    if ((rc = emu_store_open(o->data, &s->store))) {
        fprintf(stderr, "ossemu: cannot open the store in %s: %s\n", o->data, strerror(-rc));
        return -1;
    }
    if (o->request_log && (rc = emu_log_open(o->request_log, &s->log))) {
        fprintf(stderr, "ossemu: cannot open %s: %s\n", o->request_log, strerror(-rc));
        return -1;
    }
    return 0;
}

/* Reads --tls-cert and --tls-key (PEM) into cert and key. 0 or -1 (reported). */
static int load_tls(const struct options *o, struct oss_buf *cert, struct oss_buf *key)
{
    const char *files[2] = {o->tls_cert, o->tls_key}, *what[2] = {"CERTIFICATE", "PRIVATE KEY"};
    struct oss_buf *bufs[2] = {cert, key};

    for (int i = 0; i < 2; i++) {
        int rc = oss_buf_append_file(bufs[i], files[i], 1 << 20);
        if (rc) {
            fprintf(stderr, "ossemu: cannot read %s: %s\n", files[i], strerror(-rc));
            return -1;
        }
        if (!strstr(oss_buf_str(bufs[i]), "-----BEGIN ") ||
            !strstr(oss_buf_str(bufs[i]), what[i])) {
            fprintf(stderr, "ossemu: %s holds no PEM %s\n", files[i], what[i]);
            return -1;
        }
    }
    return 0;
}

/* Starts the HTTPS front of --tls-cert/--tls-key on --tls-listen into *https and announces it.
 * 0 or -1 (reported). */
static int start_tls(const struct options *o, struct emu_server *s, const struct oss_buf *cert,
                     const struct oss_buf *key, struct emu_http **https)
{
    char bound[64];
    int rc = emu_http_start_tls(s, o->tls_listen, oss_buf_str(cert), oss_buf_str(key), https, bound,
                                sizeof(bound));
    if (rc) {
        fprintf(stderr, "ossemu: cannot serve HTTPS on %s: %s\n", o->tls_listen,
                rc == -EINVAL    ? "expected ADDRESS:PORT"
                : rc == -ENOTSUP ? "libmicrohttpd was built without TLS"
                                 : "address in use, or the certificate and key were refused "
                                   "(PEM chain, unencrypted key that matches it)");
        return -1;
    }
    printf("ossemu listening on %s (https)\n", bound);
    fflush(stdout);
    if (o->tls_ready_file && (rc = write_ready_file(o->tls_ready_file, bound))) {
        fprintf(stderr, "ossemu: cannot write %s: %s\n", o->tls_ready_file, strerror(-rc));
        return -1;
    }
    return 0;
}

/* Starts the HTTP front of each --region NAME=ADDR:PORT into regions[] and appends
 * "NAME ADDR\n" per region to ready. 0 or -1 (reported). */
static int start_regions(const struct options *o, struct emu_server *s, struct emu_http **regions,
                         char *ready, size_t readylen)
{
    char bound[64];
    int rc;

    for (int i = 0; i < o->nregions; i++) {
        const struct region_listen *r = &o->regions[i];
        if ((rc = emu_http_start(s, r->listen, r->name, &regions[i], bound, sizeof(bound)))) {
            fprintf(stderr, "ossemu: cannot listen on %s for region %s: %s\n", r->listen, r->name,
                    rc == -EINVAL ? "expected ADDRESS:PORT" : strerror(-rc));
            return -1;
        }
        printf("ossemu region %s listening on %s\n", r->name, bound);
        size_t used = strlen(ready);
        snprintf(ready + used, readylen - used, "%s %s\n", r->name, bound);
    }
    return 0;
}

/* Starts the HTTP fronts (*http, regions[]) and the admin endpoint (*admin), then announces them
 * on stdout and in the ready files: the ready file's first line is the --listen address, then
 * one "REGION ADDR" line per --region NAME=ADDR:PORT. The admin endpoint is up before the ready
 * file appears, so tests can use both. 0 or -1 (reported; what started is in *http, regions[]
 * and *admin for the caller to stop). */
static int start(const struct options *o, struct emu_server *s, struct emu_http **http,
                 struct emu_http **regions, struct emu_admin **admin)
{
    char bound[64], admin_bound[64], ready[64 * (MAX_REGIONS + 1) + 128];
    int rc;

    if ((rc = emu_http_start(s, o->listen, NULL, http, bound, sizeof(bound)))) {
        fprintf(stderr, "ossemu: cannot listen on %s: %s\n", o->listen,
                rc == -EINVAL ? "expected ADDRESS:PORT" : strerror(-rc));
        return -1;
    }
    snprintf(ready, sizeof(ready), "%s\n", bound);
    if (start_regions(o, s, regions, ready, sizeof(ready)) < 0)
        return -1;
    if (o->admin &&
        (rc = emu_admin_start(s->fault, o->admin, admin, admin_bound, sizeof(admin_bound)))) {
        fprintf(stderr, "ossemu: cannot listen on %s for --admin: %s\n", o->admin,
                rc == -EINVAL ? "expected a loopback ADDRESS:PORT" : strerror(-rc));
        return -1;
    }
    if (*admin && o->admin_ready_file &&
        (rc = write_ready_file(o->admin_ready_file, admin_bound))) {
        fprintf(stderr, "ossemu: cannot write %s: %s\n", o->admin_ready_file, strerror(-rc));
        return -1;
    }
    printf("ossemu listening on %s\n", bound);
    if (*admin)
        printf("ossemu admin endpoint on %s\n", admin_bound);
    fflush(stdout);
    if (o->ready_file && (rc = write_ready_file(o->ready_file, ready))) {
        fprintf(stderr, "ossemu: cannot write %s: %s\n", o->ready_file, strerror(-rc));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    struct emu_server s = {0};
    struct emu_http *http = NULL, *https = NULL, *regions[MAX_REGIONS] = {NULL};
    struct emu_admin *admin = NULL;
    struct oss_buf cert = OSS_BUF_INIT, key = OSS_BUF_INIT;
    sigset_t stop;
    int rc, sig = 0, status = 1;

    if (parse_args(argc, argv, &o))
        return 2;
    s.data_dir = o.data;
    s.domain = o.domain;
    s.region = o.region;
    if ((rc = setup_faults(&o, &s))) {
        emu_fault_free(s.fault);
        return rc;
    }
    if (setup_data(&o, &s) < 0)
        return 1;
    if (open_state(&o, &s) < 0)
        goto out;
    if (o.ready_file)
        unlink(o.ready_file);
    if (o.admin_ready_file)
        unlink(o.admin_ready_file);
    if (o.tls_ready_file)
        unlink(o.tls_ready_file);
    if (o.tls_cert && load_tls(&o, &cert, &key) < 0)
        goto out;

    /* Every thread inherits this mask; the main thread alone takes the stop signals. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* HTTPS first: the plain ready file, which tests wait for, then means both are up. */
    if (o.tls_cert && start_tls(&o, &s, &cert, &key, &https) < 0)
        goto out;
    if (start(&o, &s, &http, regions, &admin) < 0)
        goto out;
    sigwait(&stop, &sig);
    status = 0;

out:
    emu_admin_stop(admin);
    if (o.admin_ready_file && admin)
        unlink(o.admin_ready_file);
    for (int i = 0; i < o.nregions; i++)
        emu_http_stop(regions[i]);
    emu_http_stop(http);
    if (o.ready_file && http)
        unlink(o.ready_file);
    emu_http_stop(https);
    if (o.tls_ready_file && https)
        unlink(o.tls_ready_file);
    oss_buf_cleanup(&cert);
    oss_buf_cleanup(&key);
    if (s.store)
        emu_store_close(s.store);
    emu_log_close(s.log);
    emu_accounts_free(s.accounts);
    emu_fault_free(s.fault);
    return status;
}
