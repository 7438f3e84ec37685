/* What handlers read from a request besides its address: the name and value rules of oss-api.md
 * 7 (bucket names, keys, ACLs, storage classes), the paging and encoding parameters listings
 * share, and the request body in memory or as a file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "op_priv.h"

int emu_op_bucket_acl_valid(const char *acl)
{
    return acl && (!strcmp(acl, "private") || !strcmp(acl, "public-read") ||
                   !strcmp(acl, "public-read-write"));
}

int emu_op_object_acl_valid(const char *acl)
{
    return emu_op_bucket_acl_valid(acl) || (acl && !strcmp(acl, "default"));
}

int emu_op_storage_class_valid(const char *sc)
{
    static const char *const v[] = {"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"};
    for (size_t i = 0; sc && i < sizeof(v) / sizeof(v[0]); i++)
        if (!strcmp(sc, v[i]))
            return 1;
    return 0;
}

/* 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit. */
int emu_op_bucket_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 3 || n > 63 || name[0] == '-' || name[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

/* 1-1023 bytes, not starting with '/' or '\'. */
int emu_op_object_key_valid(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return n >= 1 && n <= 1023 && key[0] != '/' && key[0] != '\\';
}

int emu_op_max_keys(struct emu_req *req, struct emu_resp *resp, const char *name, size_t def,
                    size_t *out)
{
    const char *v = emu_req_query(req, name);
    char *end;
    unsigned long n;

    *out = def;
    if (!v)
        return 0;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (!*v || *end || errno || n < 1 || n > 1000 || v[0] == '-' || v[0] == '+') {
        emu_resp_error(resp, req, 400, "InvalidArgument",
                       "The value must be an integer between 1 and 1000.", NULL, "ArgumentName",
                       name, "ArgumentValue", v, NULL);
        return -1;
    }
    *out = n;
    return 0;
}

int emu_op_encoding_type(struct emu_req *req, struct emu_resp *resp, int *url)
{
    const char *enc = emu_req_query(req, "encoding-type");
    *url = 0;
    if (enc && *enc && strcasecmp(enc, "url") != 0) {
        emu_resp_error(resp, req, 400, "InvalidArgument", "The encoding type must be url.", NULL,
                       "ArgumentName", "encoding-type", "ArgumentValue", enc, NULL);
        return -1;
    }
    *url = enc && *enc;
    return 0;
}

const char *emu_op_version_param(const struct emu_req *req)
{
    const char *v = emu_req_query(req, "versionId");
    return v && *v ? v : NULL;
}

int emu_op_body_bytes(struct emu_req *req, size_t max, struct oss_buf *hold, const char **data,
                      size_t *len)
{
    char chunk[65536];
    FILE *f;
    size_t n;

    *data = req->body;
    *len = req->body_len;
    if (req->body || !req->body_path)
        return 0;
    if (req->body_len > max)
        return -EFBIG;
    if (!(f = fopen(req->body_path, "rb")))
        return -errno;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (hold->len + n > max || oss_buf_append(hold, chunk, n) < 0) {
            fclose(f);
            return hold->len + n > max ? -EFBIG : -ENOMEM;
        }
    }
    fclose(f);
    *data = oss_buf_str(hold);
    *len = hold->len;
    return 0;
}

/* Writes the in-memory body to a new file under DIR/tmp (path); removes it on failure. */
static int body_to_file(struct emu_server *s, const struct emu_req *req, char *path, size_t len)
{
    int fd = emu_store_tmp_create(s->store, path, len);
    if (fd < 0)
        return fd;
    for (size_t off = 0; off < req->body_len;) {
        ssize_t n = write(fd, req->body + off, req->body_len - off);
        if (n < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            close(fd);
            unlink(path);
            return -e;
        }
        off += (size_t)n;
    }
    close(fd);
    return 0;
}

int emu_op_body_file(struct emu_server *s, struct emu_req *req, char *path, size_t len, int *owned,
                     uint64_t *size)
{
    struct stat sb;
    int rc;

    *owned = 0;
    if (req->body_path) {
        if (stat(req->body_path, &sb) < 0)
            return -errno;
        snprintf(path, len, "%s", req->body_path);
        *size = (uint64_t)sb.st_size;
        return 0;
    }
    if ((rc = body_to_file(s, req, path, len)) < 0)
        return rc;
    *owned = 1;
    *size = req->body_len;
    return 0;
}

void emu_op_body_taken(struct emu_req *req)
{
    free(req->body_path);
    req->body_path = NULL;
}
