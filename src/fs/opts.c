/* Command line and -o options of osspermfs (fuse_opt). Our options are consumed here; mount
 * options the kernel or libfuse understand (allow_other, ro, debug, ...) are passed on; the
 * options mount(8) and fstab add for their own use (_netdev, defaults, noauto, nofail, user,
 * rw, x-systemd.*, comment=) are accepted and ignored. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

enum {
    KEY_HELP,
    KEY_VERSION,
    KEY_FOREGROUND,
    KEY_DEBUG,
    KEY_RO,
    KEY_ALLOW_OTHER,
    KEY_UID,
    KEY_GID,
    KEY_UMASK,
    KEY_ATTR_TIMEOUT,
    KEY_CONNECT_TIMEOUT,
    KEY_REQUEST_TIMEOUT,
    KEY_RETRIES,
    KEY_PART_SIZE,
    KEY_UPLOAD_CONCURRENCY,
    KEY_LISTING_TIMEOUT,
    KEY_ACL_PREFETCH,
    KEY_READ_AHEAD,
    KEY_IGNORE,
};

#define OPT(t, field, v)                                                                           \
    {                                                                                              \
        t, offsetof(struct fs_opts, field), v                                                      \
    }

static const struct fuse_opt specs[] = {
    OPT("url=%s", url, 0),
    OPT("region=%s", region, 0),
    OPT("passwd_file=%s", passwd_file, 0),
    OPT("credential_process=%s", credential_process, 0),
    OPT("ram_role=%s", ram_role, 0),
    OPT("ram_role_url=%s", ram_role_url, 0),
    OPT("audit_log=%s", audit_log, 0),
    OPT("cafile=%s", cafile, 0),
    OPT("proxy=%s", proxy, 0),
    OPT("sigv1", sigv1, 1),
    OPT("path_style", path_style, 1),
    OPT("insecure", insecure, 1),
    OPT("noctl", noctl, 1),
    OPT("noxattr", noxattr, 1),
    OPT("content_md5", content_md5, 1),
    OPT("posix_meta", posix_meta, 1),
    FUSE_OPT_KEY("uid=", KEY_UID),
    FUSE_OPT_KEY("gid=", KEY_GID),
    FUSE_OPT_KEY("umask=", KEY_UMASK),
    FUSE_OPT_KEY("attr_timeout=", KEY_ATTR_TIMEOUT),
    FUSE_OPT_KEY("connect_timeout=", KEY_CONNECT_TIMEOUT),
    FUSE_OPT_KEY("request_timeout=", KEY_REQUEST_TIMEOUT),
    FUSE_OPT_KEY("retries=", KEY_RETRIES),
    FUSE_OPT_KEY("part_size=", KEY_PART_SIZE),
    FUSE_OPT_KEY("upload_concurrency=", KEY_UPLOAD_CONCURRENCY),
    FUSE_OPT_KEY("listing_timeout=", KEY_LISTING_TIMEOUT),
    FUSE_OPT_KEY("acl_prefetch=", KEY_ACL_PREFETCH),
    FUSE_OPT_KEY("read_ahead=", KEY_READ_AHEAD),
    FUSE_OPT_KEY("ro", KEY_RO),
    FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
    FUSE_OPT_KEY("-f", KEY_FOREGROUND),
    FUSE_OPT_KEY("-d", KEY_DEBUG),
    FUSE_OPT_KEY("debug", KEY_DEBUG),
    FUSE_OPT_KEY("-h", KEY_HELP),
    FUSE_OPT_KEY("--help", KEY_HELP),
    FUSE_OPT_KEY("-V", KEY_VERSION),
    FUSE_OPT_KEY("--version", KEY_VERSION),
    FUSE_OPT_KEY("_netdev", KEY_IGNORE),
    FUSE_OPT_KEY("defaults", KEY_IGNORE),
    FUSE_OPT_KEY("noauto", KEY_IGNORE),
    FUSE_OPT_KEY("auto", KEY_IGNORE),
    FUSE_OPT_KEY("nofail", KEY_IGNORE),
    FUSE_OPT_KEY("user", KEY_IGNORE),
    FUSE_OPT_KEY("users", KEY_IGNORE),
    FUSE_OPT_KEY("nouser", KEY_IGNORE),
    FUSE_OPT_KEY("rw", KEY_IGNORE),
    FUSE_OPT_KEY("comment=", KEY_IGNORE),
    FUSE_OPT_END,
};

struct parse_state {
    struct fs_opts o; /* first: fuse_opt stores templates at offsets into the data pointer */
    char *pos[2];
    int npos;
    int bad;
};

static int parse_uint(const char *s, int base, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (errno || end == s || *end || v > UINT_MAX)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
    (void)outargs;
    struct parse_state *ps = data;
    struct fs_opts *o = &ps->o;
    const char *val = strchr(arg, '=');
    val = val ? val + 1 : "";
    switch (key) {
    case FUSE_OPT_KEY_NONOPT:
        if (ps->npos == 2) {
            fprintf(stderr, "osspermfs: unexpected argument '%s'\n", arg);
            ps->bad = 1;
            return 0;
        }
        ps->pos[ps->npos++] = strdup(arg);
        return 0;
    case FUSE_OPT_KEY_OPT:
        if (strcmp(arg, "-") == 0) /* "-" as SOURCE: the whole account */
            return proc(data, arg, FUSE_OPT_KEY_NONOPT, outargs);
        if (strncmp(arg, "x-", 2) == 0)
            return 0;
        return 1; /* for libfuse, which refuses what nobody knows */
    case KEY_HELP:
        o->show_help = 1;
        return 0;
    case KEY_VERSION:
        o->show_version = 1;
        return 0;
    case KEY_FOREGROUND:
        o->foreground = 1;
        return 0;
    case KEY_DEBUG:
        o->debug = o->foreground = 1;
        return 1;
    case KEY_RO:
        o->ro = 1;
        return 1;
    case KEY_ALLOW_OTHER:
        o->allow_other = 1;
        return 1;
    case KEY_UID:
    case KEY_GID:
        if (parse_uint(val, 10, key == KEY_UID ? &o->uid : &o->gid) < 0) {
            fprintf(stderr, "osspermfs: bad value in -o %s\n", arg);
            ps->bad = 1;
        }
        return 0;
    case KEY_UMASK:
        if (parse_uint(val, 8, &o->umask) < 0 || o->umask > 0777) {
            fprintf(stderr, "osspermfs: bad value in -o %s (an octal mask like 022)\n", arg);
            ps->bad = 1;
        }
        return 0;
    case KEY_ATTR_TIMEOUT:
    case KEY_LISTING_TIMEOUT:
    case KEY_CONNECT_TIMEOUT:
    case KEY_REQUEST_TIMEOUT: {
        char *end;
        double v = strtod(val, &end);
        if (end == val || *end || v < 0 || v > 86400) {
            fprintf(stderr, "osspermfs: bad value in -o %s (seconds)\n", arg);
            ps->bad = 1;
            return 0;
        }
        *(key == KEY_ATTR_TIMEOUT      ? &o->attr_timeout
          : key == KEY_LISTING_TIMEOUT ? &o->listing_timeout
          : key == KEY_CONNECT_TIMEOUT ? &o->connect_timeout
                                       : &o->request_timeout) = v;
        return 0;
    }
    case KEY_RETRIES: {
        unsigned n;
        if (parse_uint(val, 10, &n) < 0 || n > 100) {
            fprintf(stderr, "osspermfs: bad value in -o %s (0 to 100)\n", arg);
            ps->bad = 1;
            return 0;
        }
        o->retries = (int)n;
        return 0;
    }
    case KEY_PART_SIZE:
    case KEY_UPLOAD_CONCURRENCY: {
        unsigned n, max = key == KEY_PART_SIZE ? 5120 : 64;
        if (parse_uint(val, 10, &n) < 0 || n < 1 || n > max) {
            fprintf(stderr, "osspermfs: bad value in -o %s (1 to %u)\n", arg, max);
            ps->bad = 1;
            return 0;
        }
        *(key == KEY_PART_SIZE ? &o->part_size_mb : &o->upload_concurrency) = n;
        return 0;
    }
    case KEY_ACL_PREFETCH:
    case KEY_READ_AHEAD: {
        unsigned n, max = key == KEY_ACL_PREFETCH ? 256 : 65536;
        if (parse_uint(val, 10, &n) < 0 || n > max) {
            fprintf(stderr, "osspermfs: bad value in -o %s (0 to %u)\n", arg, max);
            ps->bad = 1;
            return 0;
        }
        *(key == KEY_ACL_PREFETCH ? &o->acl_prefetch : &o->read_ahead_kib) = n;
        return 0;
    }
    case KEY_IGNORE:
    default:
        return 0;
    }
}

/* Splits "BUCKET[:/PREFIX]" into bucket and a prefix that is "" or ends in '/'. */
static int split_source(const char *src, struct fs_opts *o)
{
    const char *colon = strchr(src, ':');
    size_t bl = colon ? (size_t)(colon - src) : strlen(src);
    if (bl < 3 || bl > 63) {
        fprintf(stderr, "osspermfs: '%s' is not a bucket name (3 to 63 characters)\n", src);
        return -1;
    }
    for (size_t i = 0; i < bl; i++) {
        char c = src[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            fprintf(stderr, "osspermfs: '%.*s' is not a bucket name (a-z, 0-9 and '-')\n", (int)bl,
                    src);
            return -1;
        }
    }
    o->bucket = strndup(src, bl);
    const char *p = colon ? colon + 1 : "";
    while (*p == '/')
        p++;
    size_t pl = strlen(p);
    while (pl > 0 && p[pl - 1] == '/')
        pl--;
    o->prefix = malloc(pl + 2);
    if (!o->bucket || !o->prefix)
        return -1;
    memcpy(o->prefix, p, pl);
    if (pl)
        o->prefix[pl++] = '/';
    o->prefix[pl] = 0;
    return 0;
}

int fs_opts_parse(int argc, char **argv, struct fs_opts *o, struct fuse_args *args)
{
    struct parse_state ps;
    memset(&ps, 0, sizeof(ps));
    ps.o.uid = getuid();
    ps.o.gid = getgid();
    ps.o.umask = 022;
    ps.o.attr_timeout = 1.0;
    ps.o.retries = -1;
    ps.o.part_size_mb = 8;
    ps.o.upload_concurrency = 4;
    ps.o.listing_timeout = -1;
    ps.o.acl_prefetch = 32;
    ps.o.read_ahead_kib = 1024;
    *args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
    int prc = fuse_opt_parse(args, &ps, specs, proc);
    *o = ps.o;
    /* Listings answer lookups for 10 s (or attr_timeout when longer); attr_timeout=0 alone
     * turns that off too (docs/decisions.md). */
    if (o->listing_timeout < 0)
        o->listing_timeout = o->attr_timeout <= 0 ? 0 : o->attr_timeout > 10 ? o->attr_timeout : 10;
    if (prc < 0) {
        free(ps.pos[0]);
        free(ps.pos[1]);
        return -1;
    }
    int rc = ps.bad ? -1 : 0;
    if (rc == 0 && !o->show_help && !o->show_version) {
        if (ps.npos == 0) {
            fprintf(stderr, "osspermfs: missing MOUNTPOINT (try --help)\n");
            rc = -1;
        } else if (ps.npos == 1) {
            o->mountpoint = ps.pos[0];
            ps.pos[0] = NULL;
        } else {
            o->mountpoint = ps.pos[1];
            ps.pos[1] = NULL;
            if (strcmp(ps.pos[0], "-") != 0 && split_source(ps.pos[0], o) < 0)
                rc = -1;
        }
    }
    free(ps.pos[0]);
    free(ps.pos[1]);
    return rc;
}

void fs_opts_cleanup(struct fs_opts *o)
{
    free(o->bucket);
    free(o->prefix);
    free(o->mountpoint);
    free(o->url);
    free(o->region);
    free(o->passwd_file);
    free(o->credential_process);
    free(o->ram_role);
    free(o->ram_role_url);
    free(o->audit_log);
    free(o->cafile);
    free(o->proxy);
}

void fs_opts_usage(const char *prog)
{
    printf("usage: %s [BUCKET[:/PREFIX]] MOUNTPOINT [-f] [-d] [-o OPTION[,OPTION...]]\n"
           "\n"
           "Mounts one OSS bucket (or, without BUCKET or with '-', every bucket of the\n"
           "account) with bucket and object settings as control files. See osspermfs(1).\n"
           "\n"
           "options:\n"
           "  -o url=URL            endpoint (default https://oss-REGION.aliyuncs.com)\n"
           "  -o region=REGION      region for signature V4 (e.g. cn-hangzhou)\n"
           "  -o sigv1              sign with signature V1\n"
           "  -o path_style         /bucket/key requests (automatic for IP and localhost)\n"
           "  -o passwd_file=FILE   AK:SK or bucket:AK:SK lines, mode 0600 or stricter\n"
           "                        (else the OSS_ACCESS_KEY_ID/_SECRET environment)\n"
           "  -o credential_process=CMD  run CMD (no shell) for JSON STS credentials\n"
           "  -o ram_role=ROLE|auto  credentials of the ECS instance's RAM role\n"
           "  -o ram_role_url=URL   metadata service (default http://100.100.100.200)\n"
           "                        last: [Credentials] of ~/.ossutilconfig; expiring\n"
           "                        credentials are refreshed while mounted\n"
           "  -o uid=N,gid=N        owner of every file (default: the mounting user)\n"
           "  -o umask=MMM          octal mask for the modes 0777/0666 (default 022)\n"
           "  -o attr_timeout=SEC   attribute and listing cache time (default 1)\n"
           "  -o listing_timeout=SEC  names and attributes of a listing answer lookups for\n"
           "                        SEC after its last page (default 10, 0 when attr_timeout=0)\n"
           "  -o acl_prefetch=N     ACL fetch-ahead requests at once (default 32, 0: off)\n"
           "  -o read_ahead=KIB     the kernel's read-ahead for this mount, which sizes its\n"
           "                        read requests (default 1024; root only; 0: the kernel's)\n"
           "  -o connect_timeout=SEC, request_timeout=SEC, retries=N\n"
           "                        transport limits (defaults 10 s, 120 s, 3 retries)\n"
           "  -o part_size=MIB      multipart part size of streamed writes (default 8)\n"
           "  -o upload_concurrency=N  parts uploaded at once per file (default 4)\n"
           "  -o content_md5        send Content-MD5 with every upload (CRC64 is always\n"
           "                        checked)\n"
           "  -o posix_meta         modes, owners and times per object, in the headers of\n"
           "                        ossfs 1.x (x-oss-meta-mode...); one HeadObject per file\n"
           "  -o ro                 read-only mount\n"
           "  -o allow_other        let other users in (control files stay owner-only)\n"
           "  -o noctl              no control files: a plain data mount\n"
           "  -o noxattr            no extended attributes (user.oss.*): ls -l then costs\n"
           "                        the kernel no xattr round trips per file\n"
           "  -o audit_log=FILE     audit log as JSON lines (default syslog)\n"
           "  -o insecure           do not verify TLS peers\n"
           "  -o cafile=FILE        PEM CA bundle trusted besides the system store\n"
           "                        (SSL_CERT_FILE / CURL_CA_BUNDLE replace that store)\n"
           "  -o proxy=URL          HTTP CONNECT proxy http://HOST:PORT (default: the\n"
           "                        https_proxy/no_proxy environment; proxy= goes direct)\n"
           "  -f                    stay in the foreground, log to stderr\n"
           "  -d                    FUSE debug output (implies -f)\n"
           "  -h, --help            this help\n"
           "  -V, --version         the version\n",
           prog);
}
