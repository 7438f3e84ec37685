/* Fuzzes ossemu's request-target and Host addressing (src/emu/addressing.c,
 * emu_target_parse). Input: the raw request target, a newline, the Host header value (absent
 * when there is no second line). Checks what the front relies on afterwards: a bucket is a
 * non-empty string, a key is only set with a bucket, query names are never NULL. */
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int has_host = size && memchr(data, '\n', size) != NULL;
    char *raw = fuzz_field(&data, &size, '\n');
    char *host = fuzz_field(&data, &size, '\n');
    struct emu_target t;
    int rc;

    memset(&t, 0, sizeof(t));
    rc = emu_target_parse(raw, has_host ? host : NULL, "localhost", &t);
    if (rc == 0) {
        if (t.bucket && !*t.bucket)
            abort();
        if (t.key && !t.bucket)
            abort();
        for (size_t i = 0; i < t.nquery; i++)
            if (!t.query[i].name || !t.query[i].value)
                abort();
    }
    emu_target_cleanup(&t);
    /* The same target with the server domain as Host suffix, and with an aliyuncs.com one. */
    memset(&t, 0, sizeof(t));
    (void)emu_target_parse(raw, "b.oss-cn-hangzhou.aliyuncs.com", "localhost", &t);
    emu_target_cleanup(&t);
    free(raw);
    free(host);
    return 0;
}
