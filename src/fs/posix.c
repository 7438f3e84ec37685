/* POSIX metadata per object in ossfs 1.x headers (posix.h): parsing and formatting, the
 * headers of uploads, chmod/chown/utimensat as one CopyObject, and mknod of FIFOs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inode.h"
#include "ofile.h"
#include "posix.h"

static const char *const pm_names[FS_PM_NHDR] = {"mode", "uid", "gid", "mtime", "ctime", "atime"};

static int is_pm_name(const char *n)
{
    for (int i = 0; i < FS_PM_NHDR; i++)
        if (strcasecmp(n, pm_names[i]) == 0)
            return 1;
    return 0;
}

/* "sec" or "sec.fraction" (the fraction read as a decimal fraction: "1.5" is 1.5 s, and the
 * nine digits ossfs writes are nanoseconds). 0, or -1 when v is not a number. */
static int parse_time(const char *v, struct timespec *ts)
{
    char *end;
    errno = 0;
    long long s = strtoll(v, &end, 10);
    if (end == v || errno)
        return -1;
    long ns = 0;
    if (*end == '.') {
        long scale = 100000000;
        for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
            ns += scale * (*end - '0');
    }
    if (*end)
        return -1;
    ts->tv_sec = (time_t)s;
    ts->tv_nsec = ns;
    return 0;
}

static int parse_num(const char *v, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 0);
    if (end == v || *end || errno)
        return -1;
    *out = n;
    return 0;
}

void fs_pmeta_parse(const struct oss_object_meta *m, struct fs_pmeta *pm)
{
    memset(pm, 0, sizeof(*pm));
    for (size_t i = 0; i < m->nmeta; i++) {
        const char *n = m->meta[i].name, *v = m->meta[i].value;
        unsigned long u;
        if (strcasecmp(n, "mode") == 0 && parse_num(v, &u) == 0) {
            pm->mode = (mode_t)u;
            pm->have |= FS_PM_MODE;
        } else if (strcasecmp(n, "uid") == 0 && parse_num(v, &u) == 0) {
            pm->uid = (uid_t)u;
            pm->have |= FS_PM_UID;
        } else if (strcasecmp(n, "gid") == 0 && parse_num(v, &u) == 0) {
            pm->gid = (gid_t)u;
            pm->have |= FS_PM_GID;
        } else if (strcasecmp(n, "mtime") == 0 && parse_time(v, &pm->mtime) == 0) {
            pm->have |= FS_PM_MTIME;
        } else if (strcasecmp(n, "ctime") == 0 && parse_time(v, &pm->ctime) == 0) {
            pm->have |= FS_PM_CTIME;
        } else if (strcasecmp(n, "atime") == 0 && parse_time(v, &pm->atime) == 0) {
            pm->have |= FS_PM_ATIME;
        }
    }
}

int fs_pmeta_store_locked(struct fs_inode *in, const struct fs_pmeta *pm)
{
    if (!in->pmeta && !(in->pmeta = malloc(sizeof(*in->pmeta))))
        return -ENOMEM;
    *in->pmeta = *pm;
    if (pm->have & FS_PM_MTIME)
        in->mtime = pm->mtime.tv_sec; /* writes move it on (ofile.c); then it wins */
    return 0;
}

void fs_pmeta_apply(const struct fs_ctx *ctx, const struct fs_inode *in, struct stat *st)
{
    const struct fs_pmeta *pm = in->pmeta;
    int dir = in->kind == FS_K_DIR;
    if (!ctx->opts.posix_meta || !pm || (in->kind != FS_K_FILE && !dir) || in->is_link)
        return;
    if (pm->have & FS_PM_MODE) {
        mode_t type = dir ? S_IFDIR : (pm->mode & S_IFMT) == S_IFIFO ? S_IFIFO : S_IFREG;
        st->st_mode = type | (pm->mode & 07777);
        if (in->version_id)
            st->st_mode &= ~0222;
    }
    if (pm->have & FS_PM_UID)
        st->st_uid = pm->uid;
    if (pm->have & FS_PM_GID)
        st->st_gid = pm->gid;
    if ((pm->have & FS_PM_MTIME) && (in->writers == 0 || in->mtime == pm->mtime.tv_sec))
        st->st_mtim = pm->mtime;
    if (pm->have & FS_PM_CTIME)
        st->st_ctim = pm->ctime;
    if (pm->have & FS_PM_ATIME)
        st->st_atim = pm->atime;
}

static void fmt_time(char *buf, size_t len, const struct timespec *ts)
{
    if (ts->tv_nsec)
        snprintf(buf, len, "%lld.%09ld", (long long)ts->tv_sec, ts->tv_nsec);
    else
        snprintf(buf, len, "%lld", (long long)ts->tv_sec);
}

/* The mode a file (or, for a key ending in '/', a directory) shows without stored metadata. */
static mode_t default_mode(const struct fs_ctx *ctx, const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n && key[n - 1] == '/')
        return S_IFDIR | (0777 & ~ctx->opts.umask);
    return S_IFREG | (0666 & ~ctx->opts.umask);
}

/* Fills h from pm (every field present); posix_meta decides how many headers. */
static void hdrs_fill(const struct fs_ctx *ctx, const struct fs_pmeta *pm, struct fs_meta_hdrs *h)
{
    memset(h, 0, sizeof(*h));
    snprintf(h->val[0], sizeof(h->val[0]), "%u", (unsigned)pm->mode);
    fmt_time(h->val[3], sizeof(h->val[3]), &pm->mtime);
    if (ctx->opts.posix_meta) {
        snprintf(h->val[1], sizeof(h->val[1]), "%u", (unsigned)pm->uid);
        snprintf(h->val[2], sizeof(h->val[2]), "%u", (unsigned)pm->gid);
        fmt_time(h->val[4], sizeof(h->val[4]), &pm->ctime);
        fmt_time(h->val[5], sizeof(h->val[5]), &pm->atime);
    }
    h->n = ctx->opts.posix_meta ? FS_PM_NHDR : 0;
}

const struct oss_put_opts *fs_meta_hdrs_opts(struct fs_meta_hdrs *h)
{
    size_t n = 0;
    for (int i = 0; i < FS_PM_NHDR; i++) {
        if (h->n == 0 && i != 0 && i != 3)
            continue; /* without posix_meta: mode and mtime */
        h->pairs[n++] = (struct oss_meta_pair){(char *)pm_names[i], h->val[i]};
    }
    memset(&h->opts, 0, sizeof(h->opts));
    h->opts.meta = h->pairs;
    h->opts.nmeta = n;
    return &h->opts;
}

/* The complete metadata of in for an upload now: what is stored, else the mount-wide
 * attributes; mtime and ctime now unless a time was set while the content waited. */
static void upload_pmeta_locked(struct fs_ctx *ctx, struct fs_inode *in, struct fs_pmeta *pm)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct fs_pmeta cur = {0};
    if (ctx->opts.posix_meta && in->pmeta)
        cur = *in->pmeta;
    pm->mode = (cur.have & FS_PM_MODE) ? cur.mode : default_mode(ctx, NULL);
    pm->uid = (cur.have & FS_PM_UID) ? cur.uid : ctx->opts.uid;
    pm->gid = (cur.have & FS_PM_GID) ? cur.gid : ctx->opts.gid;
    int held = (cur.have & FS_PM_HELD) != 0;
    pm->mtime = held && (cur.have & FS_PM_MTIME) ? cur.mtime : now;
    pm->atime = held && (cur.have & FS_PM_ATIME) ? cur.atime : now;
    pm->ctime = now;
    pm->have = FS_PM_MODE | FS_PM_UID | FS_PM_GID | FS_PM_MTIME | FS_PM_CTIME | FS_PM_ATIME;
}

void fs_meta_hdrs_for(struct fs_ctx *ctx, struct fs_inode *in, struct fs_meta_hdrs *h)
{
    struct fs_pmeta pm;
    pthread_mutex_lock(&ctx->lock);
    upload_pmeta_locked(ctx, in, &pm);
    if (ctx->opts.posix_meta)
        fs_pmeta_store_locked(in, &pm); /* stat shows what the object carries */
    pthread_mutex_unlock(&ctx->lock);
    hdrs_fill(ctx, &pm, h);
}

/* Applies the changes setattr asked for to pm; ctime becomes now. */
static void pm_change(struct fs_pmeta *pm, const struct stat *attr, int to_set)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (to_set & FUSE_SET_ATTR_MODE) {
        mode_t type = (pm->mode & S_IFMT) ? (pm->mode & S_IFMT) : S_IFREG;
        pm->mode = type | (attr->st_mode & 07777);
    }
    if (to_set & FUSE_SET_ATTR_UID)
        pm->uid = attr->st_uid;
    if (to_set & FUSE_SET_ATTR_GID)
        pm->gid = attr->st_gid;
    if (to_set & FUSE_SET_ATTR_ATIME)
        pm->atime = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? now : attr->st_atim;
    if (to_set & FUSE_SET_ATTR_MTIME)
        pm->mtime = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? now : attr->st_mtim;
    pm->ctime = now;
}

/* Fills the fields of pm the object at key did not carry: the mount-wide ones, Last-Modified. */
static void pm_complete(const struct fs_ctx *ctx, const char *key, struct fs_pmeta *pm,
                        time_t last_modified)
{
    struct timespec lm = {last_modified, 0};
    if (!(pm->have & FS_PM_MODE))
        pm->mode = default_mode(ctx, key);
    if (!(pm->have & FS_PM_UID))
        pm->uid = ctx->opts.uid;
    if (!(pm->have & FS_PM_GID))
        pm->gid = ctx->opts.gid;
    if (!(pm->have & FS_PM_MTIME))
        pm->mtime = lm;
    if (!(pm->have & FS_PM_CTIME))
        pm->ctime = lm;
    if (!(pm->have & FS_PM_ATIME))
        pm->atime = lm;
    pm->have = FS_PM_MODE | FS_PM_UID | FS_PM_GID | FS_PM_MTIME | FS_PM_CTIME | FS_PM_ATIME;
}

/* Stores new POSIX metadata on the object: HeadObject (the complete header set), GetObjectACL,
 * then CopyObject onto itself with REPLACE, the ACL read, the tags copied (tagging directive
 * Copy), the other user metadata, the standard headers, storage class and encryption as they
 * were. change (NULL: none) is applied to what the object carries, or pm is stored as it is
 * when change is NULL. On success pm holds what was stored. */
static int rewrite(struct fs_ctx *ctx, const char *bucket, const char *key, const struct stat *attr,
                   int to_set, struct fs_pmeta *pm)
{
    struct oss_object_meta m = {0};
    struct oss_object_headers h = {0};
    struct oss_meta_pair *pairs = NULL;
    struct fs_meta_hdrs mh;
    struct oss_error err;
    char acl[24] = "";
    size_t n = 0;
    int rc = oss_head_object_headers(ctx->client, bucket, key, &m, &h, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    if (rc == 0 && strcmp(m.type, "Symlink") == 0)
        rc = 1; /* a copy would turn the link into a copy of its target: nothing stored */
    if (rc == 0 && attr) {
        fs_pmeta_parse(&m, pm);
        pm_complete(ctx, key, pm, m.mtime);
        pm_change(pm, attr, to_set);
    }
    if (rc == 0 && !(pairs = calloc(m.nmeta + FS_PM_NHDR, sizeof(*pairs))))
        rc = -ENOMEM;
    for (size_t i = 0; rc == 0 && i < m.nmeta; i++)
        if (!is_pm_name(m.meta[i].name))
            pairs[n++] = m.meta[i];
    if (rc == 0) {
        hdrs_fill(ctx, pm, &mh);
        const struct oss_put_opts *po = fs_meta_hdrs_opts(&mh);
        for (size_t i = 0; i < po->nmeta; i++)
            pairs[n++] = po->meta[i];
        rc = oss_get_object_acl(ctx->client, bucket, key, NULL, acl, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    if (rc == 0) {
        struct oss_meta_rewrite rw = {
            .std = &h, .object_acl = acl, .keep_tags = 1, .meta = pairs, .nmeta = n};
        rc = oss_set_object_meta(ctx->client, bucket, key, &rw, &err);
        if (rc < 0 && err.http_status)
            fs_log_oss(ctx, &err);
    }
    free(pairs);
    oss_object_meta_cleanup(&m);
    oss_object_headers_cleanup(&h);
    return rc < 0 ? rc : 0;
}

/* Whether the content of in waits for an upload (the change then travels with it); when
 * so, the change is applied to the inode's metadata under of->lock, so the upload cannot
 * slip between. 1 pending (applied), 0 not. */
static int apply_if_pending(struct fs_ctx *ctx, struct fs_inode *in, const struct stat *attr,
                            int to_set)
{
    pthread_mutex_lock(&ctx->lock);
    struct fs_ofile *of = in->of ? fs_ofile_get_locked(ctx, in, 0) : NULL;
    pthread_mutex_unlock(&ctx->lock);
    if (!of)
        return 0;
    pthread_mutex_lock(&of->lock);
    int pending = of->state != FS_W_FAILED && (of->dirty || of->state == FS_W_STREAMING);
    if (pending) {
        pthread_mutex_lock(&ctx->lock);
        struct fs_pmeta pm;
        upload_pmeta_locked(ctx, in, &pm);
        if (in->pmeta && (in->pmeta->have & FS_PM_HELD)) {
            pm.mtime = in->pmeta->mtime;
            pm.atime = in->pmeta->atime;
        }
        pm_change(&pm, attr, to_set);
        if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME) ||
            (in->pmeta && (in->pmeta->have & FS_PM_HELD)))
            pm.have |= FS_PM_HELD;
        fs_pmeta_store_locked(in, &pm);
        pthread_mutex_unlock(&ctx->lock);
        if (of->state == FS_W_STREAMING && fs_upload_started(of->up))
            of->pm_late = 1; /* a started multipart upload already sent its headers */
    }
    pthread_mutex_unlock(&of->lock);
    fs_ofile_put(of, 0);
    return pending;
}

/* Stores the metadata of a directory that exists only as a prefix: its "dir/" marker, made now
 * (as mkdir makes it) with the mount-wide attributes changed as setattr asked. */
static int dir_marker_put(struct fs_ctx *ctx, const char *bucket, const char *key,
                          const struct stat *attr, int to_set, struct fs_pmeta *pm)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    memset(pm, 0, sizeof(*pm));
    pm_complete(ctx, key, pm, now.tv_sec);
    pm_change(pm, attr, to_set);
    struct fs_meta_hdrs h;
    hdrs_fill(ctx, pm, &h);
    struct oss_error err;
    int rc = oss_put_object(ctx->client, bucket, key, "", 0, fs_meta_hdrs_opts(&h), NULL, &err);
    if (rc < 0)
        fs_log_oss(ctx, &err);
    return rc;
}

void fs_posix_mkdir_hdrs(fuse_req_t req, struct fs_ctx *ctx, mode_t mode, struct fs_pmeta *pm,
                         struct fs_meta_hdrs *h)
{
    const struct fuse_ctx *c = fuse_req_ctx(req);
    memset(pm, 0, sizeof(*pm));
    clock_gettime(CLOCK_REALTIME, &pm->mtime);
    pm->ctime = pm->atime = pm->mtime;
    pm->mode = S_IFDIR | (mode & 07777);
    pm->uid = ctx->opts.posix_meta ? c->uid : ctx->opts.uid;
    pm->gid = ctx->opts.posix_meta ? c->gid : ctx->opts.gid;
    pm->have = FS_PM_MODE | FS_PM_UID | FS_PM_GID | FS_PM_MTIME | FS_PM_CTIME | FS_PM_ATIME;
    hdrs_fill(ctx, pm, h);
}

int fs_posix_setattr(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in,
                     const struct stat *attr, int to_set)
{
    (void)req;
    const int mask = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID |
                     FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME;
    pthread_mutex_lock(&ctx->lock);
    int dir = in->kind == FS_K_DIR && in->key[0] && in->name; /* not a bucket or mount root */
    int file = (in->kind == FS_K_FILE && !in->is_link && in->name) || dir;
    int past = in->version_id != NULL;
    char *bucket = file ? strdup(in->bucket) : NULL, *key = file ? strdup(in->key) : NULL;
    pthread_mutex_unlock(&ctx->lock);
    int rc = 0;
    if (!ctx->opts.posix_meta || !(to_set & mask) || !file)
        goto out; /* roots and links keep the mount-wide attributes */
    if (ctx->opts.ro || past) {
        rc = ctx->opts.ro ? -EROFS : -EACCES;
        goto out;
    }
    if (!bucket || !key) {
        rc = -ENOMEM;
        goto out;
    }
    if (!dir && apply_if_pending(ctx, in, attr, to_set))
        goto out;
    struct fs_pmeta pm = {0};
    rc = rewrite(ctx, bucket, key, attr, to_set, &pm);
    if (rc == -ENOENT && dir)
        rc = dir_marker_put(ctx, bucket, key, attr, to_set, &pm); /* a prefix without marker */
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        fs_pmeta_store_locked(in, &pm);
        in->attr_expires = fs_now() + ctx->opts.attr_timeout;
        pthread_mutex_unlock(&ctx->lock);
    }
out:
    free(bucket);
    free(key);
    return rc;
}

int fs_posix_after_upload(struct fs_ctx *ctx, struct fs_inode *in, const char *bucket,
                          const char *key)
{
    struct fs_pmeta pm;
    pthread_mutex_lock(&ctx->lock);
    int have = in->pmeta != NULL;
    if (have) {
        pm = *in->pmeta;
        in->pmeta->have &= ~FS_PM_HELD;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (!have || !ctx->opts.posix_meta)
        return 0;
    pm.have &= ~FS_PM_HELD;
    return rewrite(ctx, bucket, key, NULL, 0, &pm);
}

void fs_posix_created_locked(fuse_req_t req, struct fs_inode *in, mode_t mode)
{
    const struct fuse_ctx *c = fuse_req_ctx(req);
    struct fs_pmeta pm = {0};
    clock_gettime(CLOCK_REALTIME, &pm.mtime);
    pm.ctime = pm.atime = pm.mtime;
    pm.mode = (S_ISFIFO(mode) ? S_IFIFO : S_IFREG) | (mode & 07777);
    pm.uid = c->uid;
    pm.gid = c->gid;
    pm.have = FS_PM_MODE | FS_PM_UID | FS_PM_GID | FS_PM_MTIME | FS_PM_CTIME | FS_PM_ATIME;
    fs_pmeta_store_locked(in, &pm);
}

void fs_posix_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    struct fs_ctx *ctx = fuse_req_userdata(req);
    if (!ctx->opts.posix_meta || !(S_ISFIFO(mode) || S_ISREG(mode))) {
        fuse_reply_err(req, EPERM); /* OSS has no sockets or devices; ossfs stores FIFOs */
        return;
    }
    int rc = fs_new_name_check(ctx, name);
    pthread_mutex_lock(&ctx->lock);
    struct fs_inode *p = rc == 0 ? fs_inode_get_locked(ctx, parent) : NULL;
    if (rc == 0 && !p)
        rc = -ENOENT;
    else if (rc == 0 && (p->kind != FS_K_DIR || fs_key_too_long(p, name, 0)))
        rc = p->kind != FS_K_DIR ? -EPERM : -ENAMETOOLONG;
    else if (rc == 0 && (fs_ctl_at(ctx, p, name) || fs_inode_child_locked(ctx, parent, name) ||
                         (!ctx->opts.noctl && ctl_is_reserved_dir_name(name))))
        rc = -EEXIST;
    char *key = rc == 0 ? fs_child_key(p->key, name, 0) : NULL;
    char *bucket = rc == 0 ? strdup(p->bucket) : NULL;
    if (rc == 0 && (!key || !bucket))
        rc = -ENOMEM;
    pthread_mutex_unlock(&ctx->lock);
    struct fs_inode tmp = {.kind = FS_K_FILE};
    struct fs_meta_hdrs h;
    if (rc == 0) {
        fs_posix_created_locked(req, &tmp, mode);
        hdrs_fill(ctx, tmp.pmeta, &h);
        struct oss_put_opts po = *fs_meta_hdrs_opts(&h);
        po.forbid_overwrite = 1; /* mknod(2) of an existing name is EEXIST */
        struct oss_error err;
        rc = oss_put_object(ctx->client, bucket, key, "", 0, &po, NULL, &err);
        if (rc == -EEXIST || (rc < 0 && strcmp(err.code, "FileAlreadyExists") == 0))
            rc = -EEXIST;
        else if (rc < 0)
            fs_log_oss(ctx, &err);
    }
    struct fuse_entry_param e;
    if (rc == 0) {
        pthread_mutex_lock(&ctx->lock);
        struct fs_inode *in =
            fs_inode_new_file_locked(ctx, parent, name, bucket, key, tmp.pmeta->mtime.tv_sec, &rc);
        if (in) {
            in->size = 0;
            fs_pmeta_store_locked(in, tmp.pmeta);
            fs_make_entry(ctx, in, &e);
        }
        pthread_mutex_unlock(&ctx->lock);
    }
    free(tmp.pmeta);
    free(key);
    free(bucket);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_entry(req, &e);
}
