/* Which names are special: control files at a bucket root, the reserved .acl.d and .versions
 * in every directory, and the editor temporaries that stay local beside control files.
 *
 * The editor rule (also in man/osspermfs.1): in a bucket root, a new file whose name is
 * "sed" + 6 letters or digits (sed -i), "4913" (vim's probe), or a control file name with a
 * prefix of ".", "#" or ".#" and/or any suffix (".acl~", "..acl.swp", ".acl.swp", ".policy.tmp")
 * is an editor temporary. In a .acl.d directory, where every existing object has an ACL file, a
 * new name that looks like a temporary (sed's and vim's names, a leading "." or "#", a trailing
 * "~", ".swp", ".tmp", ".new", ".bak", ".save") is one; any other new name there is ENOENT, as
 * the object it would describe does not exist. Temporaries live in memory, are never uploaded,
 * and a rename of one onto a control file applies its content. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "ctlfile.h"
#include "inode.h"

const struct ctl_entry *fs_ctl_at(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name)
{
    if (!ctx->opts.noctl && dir->kind == FS_K_ACCOUNT)
        return ctl_account_entry(name);
    if (!ctx->opts.noctl && dir->kind == FS_K_AP)
        return ctl_access_point_entry(name);
    if (ctx->opts.noctl || dir->kind != FS_K_DIR || !dir->is_bucket_root)
        return NULL;
    return ctl_bucket_entry(name);
}

static int is_sed_temp(const char *name)
{
    if (strncmp(name, "sed", 3) != 0 || strlen(name) != 9)
        return 0;
    for (int i = 3; i < 9; i++)
        if (!isalnum((unsigned char)name[i]))
            return 0;
    return 1;
}

/* True when name is a control file name with an editor's prefix and/or suffix around it. */
static int is_ctl_derived(const char *name)
{
    static const char *const prefixes[] = {".#", "#", ".", ""};
    size_t n = 0;
    const struct ctl_entry *e = ctl_bucket_entries(&n);
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(e[i].name);
        for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
            size_t pl = strlen(prefixes[p]);
            if (strncmp(name, prefixes[p], pl) == 0 && strncmp(name + pl, e[i].name, cl) == 0 &&
                strlen(name) > pl + cl)
                return 1;
        }
    }
    return 0;
}

int fs_is_editor_temp(const char *name)
{
    if (ctl_is_reserved_dir_name(name) || ctl_bucket_entry(name))
        return 0;
    return is_sed_temp(name) || strcmp(name, "4913") == 0 || is_ctl_derived(name);
}

int fs_is_reserved_in(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name)
{
    if (ctx->opts.noctl)
        return 0;
    if (ctl_is_reserved_dir_name(name))
        return 1;
    return dir->kind == FS_K_DIR && dir->is_bucket_root &&
           (ctl_bucket_entry(name) || fs_is_editor_temp(name));
}

/* The wider net for .acl.d, where any name may be an object's ACL file: sed's and vim's
 * probes, hidden names, and names ending in "~" or a temporary-file suffix. Only consulted for
 * names that are not the ACL file of an existing object (lookup answered ENOENT). */
static int is_temp_like(const char *name)
{
    static const char *const sfx[] = {"~", ".swp", ".swo", ".swx", ".tmp", ".new", ".bak", ".save"};
    size_t n = strlen(name);
    if (is_sed_temp(name) || strcmp(name, "4913") == 0 || name[0] == '.' || name[0] == '#')
        return 1;
    for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        size_t l = strlen(sfx[i]);
        if (n > l && strcmp(name + n - l, sfx[i]) == 0)
            return 1;
    }
    return 0;
}

int fs_create_is_local(struct fs_ctx *ctx, const struct fs_inode *dir, const char *name)
{
    if (ctx->opts.noctl)
        return 0;
    if (dir->kind == FS_K_ACLD)
        return is_temp_like(name);
    if (dir->kind == FS_K_ACCOUNT || dir->kind == FS_K_AP) /* beside their control files */
        return fs_is_editor_temp(name);
    return dir->kind == FS_K_DIR && dir->is_bucket_root && fs_is_editor_temp(name);
}

int fs_valid_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < 1024 && !strchr(name, '/');
}

int fs_new_name_check(const struct fs_ctx *ctx, const char *name)
{
    if (ctx->opts.ro)
        return -EROFS;
    if (!fs_valid_name(name))
        return strlen(name) > FS_KEY_MAX ? -ENAMETOOLONG : -EINVAL;
    return 0;
}

int fs_reply_if_bad_new_name(fuse_req_t req, const struct fs_ctx *ctx, const char *name)
{
    int rc = fs_new_name_check(ctx, name);
    if (rc == 0)
        return 0;
    fuse_reply_err(req, -rc);
    return 1;
}
