/* Fuzzes oss_parse_list_versions (src/oss/parse_versions.c) with arbitrary ListVersionsResult
 * bodies and checks the page it fills. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oss/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_version_page page;

    memset(&page, 0, sizeof(page));
    if (oss_parse_list_versions((const char *)data, size, &page) == 0) {
        for (size_t i = 0; i < page.n; i++) {
            const struct oss_version_entry *v = &page.versions[i];
            if (!v->key || strlen(v->version_id) >= sizeof(v->version_id) ||
                strlen(v->etag) >= sizeof(v->etag))
                abort();
        }
        for (size_t i = 0; i < page.nprefixes; i++)
            if (!page.prefixes[i])
                abort();
        if (page.truncated && !page.next_key_marker)
            abort();
    } else if (page.versions || page.prefixes || page.next_key_marker ||
               page.next_version_id_marker) {
        abort(); /* the contract: on failure the page is cleaned up */
    }
    oss_version_page_cleanup(&page);
    return 0;
}
