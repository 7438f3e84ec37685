/* Fuzzes the DeleteMultipleObjects body parser of ossemu (parse_delete, static in
 * src/emu/op_delete_multi.c, compiled into this harness). */
#include "../../src/emu/op_delete_multi.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct emu_req req;
    char **keys = NULL, **vids = NULL;
    size_t n = 0;
    int quiet = -1;
    char *body = fuzz_str(data, size);

    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.bucket = "b";
    req.body = body;
    req.body_len = size;
    if (parse_delete(&req, &quiet, &keys, &vids, &n) == 0) {
        if (!n || n > 1000 || (quiet != 0 && quiet != 1))
            abort();
        for (size_t i = 0; i < n; i++)
            if (!keys[i] || !*keys[i] || (vids[i] && !*vids[i]))
                abort();
    }
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
        free(vids[i]);
    }
    free(keys);
    free(vids);
    free(body);
    return 0;
}
