/* osspermfs: startup. Parses options, finds credentials, checks the bucket (or the account)
 * with exactly one request, reports every problem on stderr before daemonizing, then runs the
 * libfuse low-level session on several threads.
 *
 * The mount check: bucket mode sends one ListObjectsV2 (max-keys=1, prefix=PREFIX), which
 * proves the bucket exists and the key may list it; account mode sends one ListBuckets. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "data.h"
#include "dcache.h"
#include "inode.h"
#include "ops.h"
#include "oss/credentials.h"

static void fs_init(void *userdata, struct fuse_conn_info *conn)
{
    (void)userdata;
    if (conn->capable & FUSE_CAP_READDIRPLUS)
        conn->want |= FUSE_CAP_READDIRPLUS;
    conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO; /* always plus: ls -l needs no lookups */
    if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
        conn->want |= FUSE_CAP_ATOMIC_O_TRUNC; /* O_TRUNC reaches open(), not setattr() */
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static const struct fuse_lowlevel_ops ops = {
    .init = fs_init,
    .lookup = fs_op_lookup,
    .forget = fs_op_forget,
    .forget_multi = fs_op_forget_multi,
    .getattr = fs_op_getattr,
    .setattr = fs_op_setattr,
    .statfs = fs_op_statfs,
    .opendir = fs_op_opendir,
    .readdir = fs_op_readdir,
    .readdirplus = fs_op_readdirplus,
    .releasedir = fs_op_releasedir,
    .open = fs_op_open,
    .create = fs_op_create,
    .read = fs_op_read,
    .write = fs_op_write,
    .flush = fs_op_flush,
    .fsync = fs_op_fsync,
    .release = fs_op_release,
    .mknod = fs_op_mknod,
    .mkdir = fs_op_mkdir,
    .rmdir = fs_op_rmdir,
    .unlink = fs_op_unlink,
    .rename = fs_op_rename,
    .symlink = fs_op_symlink,
    .readlink = fs_op_readlink,
    .getxattr = fs_op_getxattr,
    .setxattr = fs_op_setxattr,
    .listxattr = fs_op_listxattr,
    .removexattr = fs_op_removexattr,
};

static void cred_log(void *arg, int prio, const char *msg)
{
    fs_log(arg, prio, "%s", msg);
}

/* Credentials, first found wins (DESIGN 1.4): passwd_file=, the environment,
 * credential_process=, ram_role=, ~/.ossutilconfig; none means anonymous requests. A source
 * that is named but fails stops the mount; error messages never quote a secret. */
static int load_credentials(struct fs_ctx *ctx, struct oss_credentials *cr)
{
    struct fs_opts *o = &ctx->opts;
    char why[320] = "";
    int rc;
    memset(cr, 0, sizeof(*cr));
    ctx->cred_expires = 0;
    if (o->passwd_file) {
        rc = oss_credentials_from_passwd(o->passwd_file, o->bucket, cr, why, sizeof(why));
        if (rc < 0) {
            fprintf(stderr, "osspermfs: passwd_file %s: %s\n", o->passwd_file,
                    why[0] ? why : strerror(-rc));
            return -1;
        }
        return 0;
    }
    if (oss_credentials_from_env(cr) == 0)
        return 0;
    if (o->credential_process || o->ram_role) {
        ctx->cred_src = (struct oss_cred_source){
            .kind = o->credential_process ? OSS_CRED_PROCESS : OSS_CRED_ECS_ROLE,
            .command = o->credential_process,
            .role = o->ram_role,
            .metadata_url = o->ram_role_url,
        };
        rc = oss_cred_fetch(&ctx->cred_src, cr, &ctx->cred_expires, why, sizeof(why));
        if (rc == 0 && ctx->cred_expires && ctx->cred_expires <= time(NULL)) {
            oss_credentials_cleanup(cr);
            rc = -EINVAL;
            snprintf(why, sizeof(why), "%s returned credentials that have already expired",
                     o->credential_process ? "credential_process" : "ram_role");
        }
        if (rc < 0) {
            fprintf(stderr, "osspermfs: %s\n", why[0] ? why : strerror(-rc));
            return -1;
        }
        return 0;
    }
    char *path = oss_cred_ossutil_path();
    char *endpoint = NULL;
    rc = path ? oss_cred_from_ossutil(path, cr, &endpoint, why, sizeof(why)) : -ENOENT;
    free(path);
    if (rc == 0) {
        if (!o->url && endpoint) {
            o->url = endpoint;
            endpoint = NULL;
        }
        free(endpoint);
        return 0;
    }
    if (rc != -ENOENT) {
        fprintf(stderr, "osspermfs: ossutil configuration: %s\n", why[0] ? why : strerror(-rc));
        return -1;
    }
    fprintf(stderr, "osspermfs: no credentials (passwd_file=, OSS_ACCESS_KEY_ID and "
                    "OSS_ACCESS_KEY_SECRET, credential_process=, ram_role= or "
                    "~/.ossutilconfig): sending anonymous requests\n");
    return 0;
}

/* The one request of a mount; prints why it failed. */
static int check_mount(struct fs_ctx *ctx)
{
    struct oss_error err;
    oss_error_clear(&err);
    int rc;
    if (ctx->opts.bucket) {
        struct oss_list_params p = {.prefix = ctx->opts.prefix[0] ? ctx->opts.prefix : NULL,
                                    .max_keys = 1};
        struct oss_list_page pg = {0};
        rc = oss_list_objects_v2(ctx->client, ctx->opts.bucket, &p, &pg, &err);
        oss_list_page_cleanup(&pg);
    } else {
        struct oss_bucket_list bl = {0};
        rc = oss_list_buckets(ctx->client, &bl, &err);
        oss_bucket_list_cleanup(&bl);
    }
    if (rc < 0) {
        char line[512];
        oss_error_format(&err, line, sizeof(line));
        fprintf(stderr, "osspermfs: cannot %s: %s: %s\n",
                ctx->opts.bucket ? "list the bucket" : "list the buckets of the account",
                strerror(-rc), line);
        /* An endpoint without a scheme (url= or ~/.ossutilconfig) is taken as https://; a
         * server that speaks plain HTTP then fails the TLS handshake. Say so. */
        if (err.http_status == 0 && ctx->opts.url && !strncmp(ctx->opts.url, "https://", 8) &&
            strcasestr(err.message, "ssl"))
            fprintf(stderr,
                    "osspermfs: the TLS handshake with %s failed: if that server speaks plain "
                    "HTTP, give its endpoint as http://HOST (url= or the endpoint of "
                    "~/.ossutilconfig); an endpoint without a scheme is taken as https://\n",
                    ctx->opts.url);
    }
    return rc;
}

static int setup(struct fs_ctx *ctx)
{
    struct fs_opts *o = &ctx->opts;
    struct stat st;
    char real[PATH_MAX];
    if (!realpath(o->mountpoint, real) || stat(real, &st) < 0) {
        fprintf(stderr, "osspermfs: mountpoint %s: %s\n", o->mountpoint, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "osspermfs: mountpoint %s: not a directory\n", o->mountpoint);
        return -1;
    }
    free(o->mountpoint);
    o->mountpoint = strdup(real);
    struct oss_credentials cr;
    if (!o->mountpoint || load_credentials(ctx, &cr) < 0)
        return -1;
    struct oss_client_config cfg = {
        .url = o->url,
        .region = o->region,
        .sigv1 = o->sigv1,
        .path_style = o->path_style,
        .insecure = o->insecure,
        .cafile = o->cafile,
        .proxy = o->proxy,
        .akid = cr.akid,
        .secret = cr.secret,
        .token = cr.token,
        .content_md5 = o->content_md5,
        .connect_timeout_ms = (long)(o->connect_timeout * 1000),
        .request_timeout_ms = (long)(o->request_timeout * 1000),
        /* the client reads 0 as its default and <0 as none */
        .retries = o->retries < 0    ? 0
                   : o->retries == 0 ? -1
                                     : o->retries,
    };
    struct oss_error err;
    oss_error_clear(&err);
    ctx->client = oss_client_new(&cfg, &err);
    oss_credentials_cleanup(&cr);
    if (!ctx->client && strcmp(err.code, "TransportOption") == 0) {
        fprintf(stderr, "osspermfs: %s\n", err.message); /* cafile=, proxy=, environment */
        return -1;
    }
    if (!ctx->client) {
        fprintf(stderr, "osspermfs: bad endpoint%s%s: %s\n", o->url ? " " : "",
                o->url ? o->url : "", err.message[0] ? err.message : strerror(-err.err));
        return -1;
    }
    if (o->insecure)
        fprintf(stderr, "osspermfs: warning: TLS peer verification is off (-o insecure)\n");
    ctx->audit = ctl_audit_open(o->audit_log);
    if (!ctx->audit) {
        fprintf(stderr, "osspermfs: audit log %s: %s\n", o->audit_log ? o->audit_log : "syslog",
                strerror(errno));
        return -1;
    }
    if (check_mount(ctx) < 0)
        return -1;
    ctx->mount_abs = realpath(o->mountpoint, NULL); /* before daemonizing changes the cwd */
    int rc = fs_stage_dir_create(ctx);
    if (rc < 0) {
        fprintf(stderr, "osspermfs: staging directory: %s\n", strerror(-rc));
        return -1;
    }
    return 0;
}

static void add_mount_args(struct fs_ctx *ctx, struct fuse_args *args)
{
    char buf[512];
    const struct fs_opts *o = &ctx->opts;
    snprintf(buf, sizeof(buf), "-ofsname=%s%s%s", o->bucket ? o->bucket : "osspermfs",
             o->prefix && o->prefix[0] ? ":/" : "", o->prefix ? o->prefix : "");
    for (char *p = buf; *p; p++) /* fuse_opt would split the option at a comma */
        if (*p == ',')
            *p = '_';
    fuse_opt_add_arg(args, buf);
    fuse_opt_add_arg(args, "-osubtype=osspermfs");
    fuse_opt_add_arg(args, "-odefault_permissions");
}

static int run(struct fs_ctx *ctx, struct fuse_args *args)
{
    struct fuse_session *se = fuse_session_new(args, &ops, sizeof(ops), ctx);
    if (!se)
        return 1;
    int ret = 1;
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, ctx->opts.mountpoint) == 0) {
            if (!ctx->opts.foreground)
                openlog("osspermfs", LOG_PID, LOG_DAEMON);
            fuse_daemonize(ctx->opts.foreground);
            if (ctx->cred_expires) {
                ctx->cred_refresher = oss_cred_refresher_start(ctx->client, &ctx->cred_src,
                                                               ctx->cred_expires, cred_log, ctx);
                if (!ctx->cred_refresher)
                    fs_log(ctx, LOG_ERR, "cannot start the credential refresher: %s",
                           strerror(errno));
            }
            struct fuse_loop_config lc = {.clone_fd = 0, .max_idle_threads = 16};
            ret = fuse_session_loop_mt(se, &lc) ? 1 : 0;
            oss_cred_refresher_stop(ctx->cred_refresher);
            ctx->cred_refresher = NULL;
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
    return ret;
}

int main(int argc, char **argv)
{
    struct fs_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    struct fuse_args args;
    if (fs_opts_parse(argc, argv, &ctx.opts, &args) < 0) {
        fuse_opt_free_args(&args);
        fs_opts_cleanup(&ctx.opts);
        return 2;
    }
    if (ctx.opts.show_help || ctx.opts.show_version) {
        if (ctx.opts.show_help)
            fs_opts_usage(argv[0]);
        else
            printf("osspermfs %s (libfuse %s)\n", OSSPERMFS_VERSION, fuse_pkgversion());
        fuse_opt_free_args(&args);
        fs_opts_cleanup(&ctx.opts);
        return 0;
    }
    pthread_mutex_init(&ctx.lock, NULL);
    pthread_mutex_init(&ctx.xprobe.lock, NULL);
    ctx.owner = getuid();
    ctx.mount_time = time(NULL);
    int ret = 1;
    ctx.table = fs_table_new();
    if (ctx.table && fs_inode_root_new(&ctx) && setup(&ctx) == 0) {
        add_mount_args(&ctx, &args);
        ret = run(&ctx, &args);
    }
    fs_acl_stop(&ctx);
    fs_dcache_free(&ctx);
    fs_stage_dir_remove(&ctx);
    fs_table_free(ctx.table);
    free(ctx.mount_abs);
    if (ctx.audit)
        ctl_audit_close(ctx.audit);
    oss_client_free(ctx.client);
    fs_lastval_free_all(&ctx.lastvals);
    fs_lastval_free_all(&ctx.shadowed);
    for (size_t i = 0; i < ctx.nbuckets; i++)
        free(ctx.buckets[i]);
    free(ctx.buckets);
    fuse_opt_free_args(&args);
    fs_opts_cleanup(&ctx.opts);
    oss_buf_cleanup(&ctx.xprobe.v);
    pthread_mutex_destroy(&ctx.xprobe.lock);
    pthread_mutex_destroy(&ctx.lock);
    return ret;
}
