/* Fuzzes the parse function of every control-file table entry (src/ctl): the bytes a user
 * writes to .acl, .policy, .cors, ... and .acl.d/<object>. Input: the entry name (".acl",
 * ".acl.d" for object ACLs), a newline, the bytes written; names not in the table are skipped.
 * Checks the contract of ctl.h and tests/data/ctl/README: VALID appends a canonical value and a
 * canonical value parses to itself; every strict prefix of a VALID input is INCOMPLETE or VALID
 * (the file system parses partial writes); INVALID and INCOMPLETE always say why. */
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "fuzz.h"

/* Prefix checks cost one parse per byte: only for inputs up to this size. */
#define PREFIX_CHECK_MAX 512

static enum ctl_parse parse(const struct ctl_entry *e, const char *in, size_t len,
                            struct oss_buf *canon)
{
    char why[256];
    enum ctl_parse r;

    memset(why, 0, sizeof(why));
    oss_buf_reset(canon);
    r = e->parse(in, len, canon, why, sizeof(why));
    if (r != CTL_VALID && r != CTL_INCOMPLETE && r != CTL_INVALID)
        abort();
    if (!memchr(why, 0, sizeof(why)))
        abort();
    if (r != CTL_VALID && !why[0])
        abort(); /* a refusal or an unfinished value always has a reason for the log */
    if (r == CTL_VALID && (canon->len == 0 || strlen(oss_buf_str(canon)) != canon->len))
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_buf canon = OSS_BUF_INIT, again = OSS_BUF_INIT;
    const struct ctl_entry *e;
    char *name = fuzz_field(&data, &size, '\n');
    char *in;
    enum ctl_parse r;

    e = strcmp(name, ".acl.d") == 0 ? ctl_object_acl_entry() : ctl_bucket_entry(name);
    free(name);
    if (!e || size > e->max_input)
        return 0;              /* the file system refuses larger input with EFBIG before parsing */
    in = fuzz_str(data, size); /* exactly size bytes plus a NUL the parser must not need */
    r = parse(e, in, size, &canon);
    if (r == CTL_VALID) {
        char *c = fuzz_str((const uint8_t *)oss_buf_str(&canon), canon.len);
        size_t clen = canon.len;
        if (parse(e, c, clen, &again) != CTL_VALID || again.len != clen ||
            memcmp(oss_buf_str(&again), c, clen) != 0)
            abort(); /* the canonical value is a fixed point */
        free(c);
        if (size <= PREFIX_CHECK_MAX) {
            for (size_t i = 0; i < size; i++) {
                char *p = fuzz_str(data, i);
                if (parse(e, p, i, &again) == CTL_INVALID)
                    abort(); /* a prefix of a valid value can become valid */
                free(p);
            }
        }
    }
    free(in);
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&again);
    return 0;
}
