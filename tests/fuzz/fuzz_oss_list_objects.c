/* Fuzzes oss_parse_list_objects_v2 (src/oss/parse.c) with arbitrary ListBucketResult bodies, the
 * reply a server (or anyone on the path) controls. Checks the page it fills is well formed. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oss/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_list_page page;

    memset(&page, 0, sizeof(page));
    if (oss_parse_list_objects_v2((const char *)data, size, &page) == 0) {
        for (size_t i = 0; i < page.nobjects; i++) {
            const struct oss_list_entry *e = &page.objects[i];
            if (!e->key || strlen(e->etag) >= sizeof(e->etag) ||
                strlen(e->type) >= sizeof(e->type) ||
                strlen(e->storage_class) >= sizeof(e->storage_class))
                abort();
        }
        for (size_t i = 0; i < page.nprefixes; i++)
            if (!page.prefixes[i])
                abort();
        if (page.truncated && (!page.next_token || !*page.next_token))
            abort();
    } else if (page.objects || page.prefixes || page.next_token) {
        abort(); /* the contract: on failure the page is cleaned up */
    }
    oss_list_page_cleanup(&page);
    return 0;
}
