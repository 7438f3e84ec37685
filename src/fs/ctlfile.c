/* Control file handles (DESIGN.md 1.1): a read handle holds the value fetched at open; a write
 * handle collects bytes and applies the value from the write() that completes it, so that
 * `echo bad > .acl` fails in write(). A write handle that was truncated and closed without a
 * byte written deletes the setting. Only the mount owner and root may write; every applied or
 * refused change goes to the audit log with the last value this mount saw as the old value. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ctlfile.h"
#include "dcache.h"
#include "handle.h"
#include "inode.h"

void fs_ctl_target(const struct fs_inode *in, struct ctl_target *t)
{
    int ap = in->entry && in->entry->scope == CTL_ACCESS_POINT; /* key: the access point */
    t->bucket = in->bucket;
    t->key = in->kind == FS_K_OBJACL || ap ? in->key : NULL;
    t->version_id = in->kind == FS_K_OBJACL ? in->version_id : NULL;
}

/* Writes one audit record. For a refusal that never reached OSS, errno_ and why describe it. */
static void audit(struct fs_ctx *ctx, const struct fs_who *who, const struct ctl_entry *e,
                  const struct ctl_target *t, const char *newv, const struct oss_error *oerr,
                  int errno_, const char *why)
{
    struct oss_error local;
    if (!oerr && errno_) {
        oss_error_clear(&local);
        local.err = -errno_;
        snprintf(local.message, sizeof(local.message), "%s", why ? why : strerror(errno_));
        oerr = &local;
    }
    char *old = fs_lastval_get(ctx, e->name, t);
    struct ctl_audit_record r = {
        .uid = who->uid,
        .pid = who->pid,
        .entry = e->name,
        .target = t,
        .old_value = old,
        .new_value = newv,
        .err = oerr,
        .request_id = oerr && oerr->err == 0 ? oerr->request_id : NULL,
    };
    if (ctx->audit)
        ctl_audit_write(ctx->audit, &r);
    free(old);
}

/* The target of a control inode, copied so it can be used without ctx->lock: t points into
 * the three strings, which the copy owns until target_free() or a handle takes them. */
struct target_copy {
    const struct ctl_entry *e;
    char *bucket, *key, *vid;
    struct ctl_target t;
};

static void target_free(struct target_copy *c)
{
    free(c->bucket);
    free(c->key);
    free(c->vid);
}

/* Fills c from in; 0 or -ENOMEM (then c owns nothing). */
static int copy_target(struct fs_ctx *ctx, struct fs_inode *in, struct target_copy *c)
{
    pthread_mutex_lock(&ctx->lock);
    c->e = in->entry;
    c->bucket = in->bucket ? strdup(in->bucket) : NULL;
    int keyed = in->kind == FS_K_OBJACL || (in->entry && in->entry->scope == CTL_ACCESS_POINT);
    c->key = keyed ? strdup(in->key) : NULL;
    c->vid = in->kind == FS_K_OBJACL && in->version_id ? strdup(in->version_id) : NULL;
    int bad = !c->bucket || (keyed && !c->key) || !c->e ||
              (in->kind == FS_K_OBJACL && in->version_id && !c->vid);
    pthread_mutex_unlock(&ctx->lock);
    if (bad) {
        target_free(c);
        return -ENOMEM;
    }
    c->t = (struct ctl_target){c->bucket, c->key, c->vid};
    return 0;
}

/* Checks that the caller may change e at all; audits a refusal. */
static int check_writer(struct fs_ctx *ctx, const struct fs_who *who, const struct ctl_entry *e,
                        const struct ctl_target *t)
{
    if (ctx->opts.ro)
        return -EROFS;
    if (who->uid != 0 && who->uid != ctx->owner) {
        audit(ctx, who, e, t, NULL, NULL, EACCES, "only the mount owner and root may write");
        return -EACCES;
    }
    if (!e->writable) {
        audit(ctx, who, e, t, NULL, NULL, EACCES, "read-only control file");
        return -EACCES;
    }
    return 0;
}

/* Parses and, when valid, applies data; audits either way. *applied receives the canonical
 * value sent (may be NULL). skip_if is a canonical value already applied by this handle. */
static int parse_and_put(struct fs_ctx *ctx, const struct fs_who *who, const struct ctl_entry *e,
                         const struct ctl_target *t, const char *data, size_t len, int final,
                         const struct oss_buf *skip_if, struct oss_buf *applied,
                         enum ctl_parse *state)
{
    struct oss_buf canon = OSS_BUF_INIT;
    char why[256] = "";
    enum ctl_parse p = e->parse(data, len, &canon, why, sizeof(why));
    *state = p;
    int rc = 0;
    if (p == CTL_INVALID || (p == CTL_INCOMPLETE && final)) {
        if (!why[0])
            snprintf(why, sizeof(why), "incomplete value");
        fs_log(ctx, LOG_NOTICE, "%s/%s%s: refused: %s", t->bucket, t->key ? t->key : "",
               t->key ? " (.acl.d)" : e->name, why);
        audit(ctx, who, e, t, oss_buf_str(&canon), NULL, EINVAL, why);
        rc = -EINVAL;
    } else if (p == CTL_VALID) {
        const char *v = oss_buf_str(&canon);
        if (skip_if && skip_if->len && strcmp(oss_buf_str(skip_if), v) == 0) {
            oss_buf_cleanup(&canon);
            return 0;
        }
        struct oss_error err;
        oss_error_clear(&err);
        rc = e->put(ctx->client, t, v, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        if (e == ctl_object_acl_entry() && t->key)
            fs_acl_forget(ctx, t->bucket, t->key); /* the next read asks the server */
        audit(ctx, who, e, t, v, &err, 0, NULL);
        if (rc == 0) {
            fs_lastval_set(ctx, e->name, t, v);
            if (applied) {
                oss_buf_reset(applied);
                rc = oss_buf_puts(applied, v);
            }
        }
    }
    oss_buf_cleanup(&canon);
    return rc;
}

static int ctl_delete(const struct fs_who *who, struct fs_ctx *ctx, struct fs_inode *in);

static void ctlh_free(struct fs_ctlh *h)
{
    free(h->bucket);
    free(h->key);
    free(h->version_id);
    oss_buf_cleanup(&h->content);
    oss_buf_cleanup(&h->input);
    oss_buf_cleanup(&h->applied);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

int fs_ctl_open(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, struct fuse_file_info *fi,
                struct fs_ctlh **out)
{
    int acc = fi->flags & O_ACCMODE;
    struct target_copy c;
    int rc = copy_target(ctx, in, &c);
    if (rc < 0)
        return rc;
    const struct ctl_entry *e = c.e;
    const struct ctl_target t = c.t;
    struct fs_who who = fs_who_of(req);
    if (acc != O_RDONLY)
        rc = check_writer(ctx, &who, e, &t);
    struct fs_ctlh *h = rc == 0 ? calloc(1, sizeof(*h)) : NULL;
    if (rc == 0 && !h)
        rc = -ENOMEM;
    if (h) {
        h->fh = (struct fs_fh){FS_H_CTL, in, acc};
        pthread_mutex_init(&h->lock, NULL);
        h->bucket = c.bucket;
        h->key = c.key;
        h->version_id = c.vid;
        h->state = CTL_INCOMPLETE;
    }
    if (rc == 0 && acc != O_WRONLY) {
        struct oss_error err;
        oss_error_clear(&err);
        /* object ACLs come through the fetch-ahead store (aclcache.c) */
        rc = e == ctl_object_acl_entry() ? fs_acl_get(ctx, &t, &h->content, &err)
                                         : e->get(ctx->client, &t, &h->content, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        else
            fs_lastval_set(ctx, e->name, &t, oss_buf_str(&h->content));
    }
    if (rc < 0) {
        if (h) {
            ctlh_free(h);
        } else {
            target_free(&c);
        }
        return rc;
    }
    h->truncated = (fi->flags & O_TRUNC) ? 1 : 0;
    h->who = who;
    fi->direct_io = 1;
    *out = h;
    return 0;
}

void fs_ctl_read(fuse_req_t req, struct fs_ctlh *h, size_t size, off_t off)
{
    pthread_mutex_lock(&h->lock);
    const struct oss_buf *b = &h->content;
    const char *data = NULL;
    size_t len = 0;
    if ((size_t)off < b->len) {
        data = b->data + off;
        len = b->len - (size_t)off < size ? b->len - (size_t)off : size;
    }
    fuse_reply_buf(req, data, len);
    pthread_mutex_unlock(&h->lock);
}

void fs_ctl_truncate(struct fs_ctlh *h)
{
    pthread_mutex_lock(&h->lock);
    if (!h->wrote)
        h->truncated = 2;
    pthread_mutex_unlock(&h->lock);
}

int fs_ctl_fsync(struct fs_ctlh *h)
{
    pthread_mutex_lock(&h->lock);
    int rc = h->wrote && h->state == CTL_INVALID ? -EINVAL : 0;
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* h->lock held */
static int ctl_write_locked(struct fs_ctx *ctx, struct fs_ctlh *h, const char *buf, size_t size,
                            off_t off)
{
    const struct fs_who *who = &h->who;
    const struct ctl_entry *e = h->fh.in->entry;
    struct ctl_target t = {h->bucket, h->key, h->version_id};
    if ((uint64_t)off + size > e->max_input) {
        audit(ctx, who, e, &t, "", NULL, EFBIG, "input larger than the largest valid value");
        h->state = CTL_INVALID;
        h->wrote = 1; /* a refused write is a write: closing must not delete the setting */
        h->err = -EFBIG;
        return -EFBIG;
    }
    struct oss_buf *b = &h->input;
    if (oss_buf_write_at(b, (size_t)off, buf, size, ' ') < 0) /* a gap reads as blanks */
        return -ENOMEM;
    h->wrote = 1;
    int rc =
        parse_and_put(ctx, who, e, &t, b->data, b->len, 0, &h->applied, &h->applied, &h->state);
    h->err = rc;
    return rc;
}

int fs_ctl_write(struct fs_ctx *ctx, struct fs_ctlh *h, const char *buf, size_t size, off_t off)
{
    pthread_mutex_lock(&h->lock);
    int rc = ctl_write_locked(ctx, h, buf, size, off);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* h->lock held */
static int ctl_flush_locked(struct fs_ctx *ctx, struct fs_ctlh *h)
{
    const struct fs_who *who = &h->who;
    if (h->fh.accmode == O_RDONLY)
        return 0;
    if (!h->wrote) {
        /* Only ftruncate(0) deletes at flush (truncate -s 0 sees the error). O_TRUNC alone waits
         * for release: bash's `> f` closes a duplicate descriptor before echo writes. */
        if (h->truncated != 2 || h->finished)
            return h->err;
        h->finished = 1;
        h->err = ctl_delete(who, ctx, h->fh.in);
        return h->err;
    }
    if (h->state == CTL_INCOMPLETE && !h->finished) {
        const struct ctl_entry *e = h->fh.in->entry;
        struct ctl_target t = {h->bucket, h->key, h->version_id};
        h->finished = 1;
        h->err = parse_and_put(ctx, who, e, &t, h->input.data, h->input.len, 1, &h->applied,
                               &h->applied, &h->state);
    }
    return h->err;
}

int fs_ctl_flush(struct fs_ctx *ctx, struct fs_ctlh *h)
{
    pthread_mutex_lock(&h->lock);
    int rc = ctl_flush_locked(ctx, h);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

void fs_ctl_release(struct fs_ctx *ctx, struct fs_ctlh *h)
{
    if (h->fh.accmode != O_RDONLY && !h->wrote && h->truncated && !h->finished) {
        h->finished = 1;
        ctl_delete(&h->who, ctx, h->fh.in); /* logged and audited; nobody to tell */
    }
    ctlh_free(h);
}

static int ctl_delete(const struct fs_who *who, struct fs_ctx *ctx, struct fs_inode *in)
{
    struct target_copy c;
    int rc = copy_target(ctx, in, &c);
    if (rc < 0)
        return rc;
    const struct ctl_entry *e = c.e;
    const struct ctl_target t = c.t;
    rc = check_writer(ctx, who, e, &t);
    if (rc == 0 && !e->del) {
        audit(ctx, who, e, &t, NULL, NULL, EPERM, "OSS has no delete call for this setting");
        rc = -EPERM;
    } else if (rc == 0) {
        struct oss_error err;
        oss_error_clear(&err);
        rc = e->del(ctx->client, &t, &err);
        if (rc < 0)
            fs_log_oss(ctx, &err);
        if (e == ctl_object_acl_entry() && c.key)
            fs_acl_forget(ctx, c.bucket, c.key);
        audit(ctx, who, e, &t, NULL, &err, 0, NULL);
        if (rc == 0)
            fs_lastval_set(ctx, e->name, &t, "");
    }
    target_free(&c);
    return rc;
}

struct fs_who fs_who_of(fuse_req_t req)
{
    const struct fuse_ctx *fc = fuse_req_ctx(req);
    struct fs_who w = {fc->uid, fc->pid};
    return w;
}

int fs_ctl_delete(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in)
{
    struct fs_who w = fs_who_of(req);
    return ctl_delete(&w, ctx, in);
}

int fs_ctl_apply(fuse_req_t req, struct fs_ctx *ctx, struct fs_inode *in, const char *data,
                 size_t len)
{
    struct fs_who w = fs_who_of(req);
    const struct fs_who *who = &w;
    struct target_copy c;
    int rc = copy_target(ctx, in, &c);
    if (rc < 0)
        return rc;
    const struct ctl_entry *e = c.e;
    const struct ctl_target t = c.t;
    rc = check_writer(ctx, who, e, &t);
    if (rc == 0 && len > e->max_input) {
        audit(ctx, who, e, &t, "", NULL, EFBIG, "input larger than the largest valid value");
        rc = -EFBIG;
    }
    enum ctl_parse st;
    if (rc == 0)
        rc = parse_and_put(ctx, who, e, &t, data ? data : "", len, 1, NULL, NULL, &st);
    target_free(&c);
    return rc;
}
