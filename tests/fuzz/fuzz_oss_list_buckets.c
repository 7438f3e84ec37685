/* Fuzzes oss_parse_list_buckets (src/oss/parse.c) with arbitrary ListAllMyBucketsResult bodies. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oss/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_bucket_list list;
    char *next = NULL;

    memset(&list, 0, sizeof(list));
    if (oss_parse_list_buckets((const char *)data, size, &list, &next) == 0) {
        for (size_t i = 0; i < list.n; i++) {
            const struct oss_bucket_entry *b = &list.buckets[i];
            if (strlen(b->name) >= sizeof(b->name) || strlen(b->location) >= sizeof(b->location) ||
                strlen(b->region) >= sizeof(b->region) ||
                strlen(b->storage_class) >= sizeof(b->storage_class))
                abort();
        }
        if (strlen(list.owner_id) >= sizeof(list.owner_id) ||
            strlen(list.owner_name) >= sizeof(list.owner_name))
            abort();
    }
    free(next);
    oss_bucket_list_cleanup(&list);
    return 0;
}
