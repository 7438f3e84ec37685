/* Fuzzes the CompleteMultipartUpload body parser of ossemu (parse_parts, static in
 * src/emu/op_multipart_complete.c, compiled into this harness). */
#include "../../src/emu/op_multipart_complete.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct emu_req req;
    struct want *parts = NULL;
    size_t n = 0;
    char *body = fuzz_str(data, size);

    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.bucket = "b";
    req.key = "k";
    req.body = body;
    req.body_len = size;
    if (parse_parts(&req, &parts, &n) == 0) {
        if (!n || !parts)
            abort();
        for (size_t i = 0; i < n; i++)
            if (parts[i].number > 100000 || !memchr(parts[i].etag, 0, sizeof(parts[i].etag)))
                abort();
    } else if (parts || n) {
        abort();
    }
    free(parts);
    free(body);
    return 0;
}
