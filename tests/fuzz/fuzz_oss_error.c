/* Fuzzes oss_error_from_response and oss_error_format (src/oss/error.c): an error body is
 * whatever the server sent with a 4xx/5xx status. The first two bytes pick the status. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oss/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = {400, 403, 404, 409, 412, 416, 500, 503};
    struct oss_error e;
    char line[512];
    int status = 403;

    if (size > 0) {
        status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
        data++;
        size--;
    }
    memset(&e, 0x5a, sizeof(e)); /* the parser must not rely on a cleared struct */
    oss_error_from_response(&e, status, size & 1 ? "5F0000000000000000000000" : NULL,
                            size ? (const char *)data : NULL, size);
    if (!memchr(e.code, 0, sizeof(e.code)) || !memchr(e.message, 0, sizeof(e.message)) ||
        !memchr(e.request_id, 0, sizeof(e.request_id)) || !memchr(e.ec, 0, sizeof(e.ec)))
        abort();
    if (e.err >= 0)
        abort(); /* an error answer always maps to a negative errno */
    oss_error_format(&e, line, sizeof(line));
    if (!memchr(line, 0, sizeof(line)))
        abort();
    oss_error_format(&e, line, 8); /* a short buffer truncates, never overflows */
    return 0;
}
