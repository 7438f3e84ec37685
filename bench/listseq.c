/* Benchmark helper for bench/listing-ceiling.sh: the raw listing of a directory, every
 * ListObjectsV2 page of PREFIX (delimiter "/", 1000 keys a page) one after another with this
 * project's C client, as the mount sends them. Prints "<pages> <entries> <seconds>".
 * Credentials from OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET. Not a test; built ad hoc by the
 * script with benchclient.c. Usage: listseq URL BUCKET PREFIX */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchclient.h"
#include "oss/error.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: listseq URL BUCKET PREFIX\n");
        return 2;
    }
    struct oss_client *c = bench_client("listseq", argv[1]);
    struct oss_error err;
    char *token = NULL;
    size_t pages = 0, entries = 0;
    double t0 = bench_now();
    for (;;) {
        struct oss_list_params p = {
            .prefix = argv[3], .delimiter = "/", .continuation_token = token, .max_keys = 1000};
        struct oss_list_page pg = {0};
        if (oss_list_objects_v2(c, argv[2], &p, &pg, &err) < 0) {
            char line[512];
            oss_error_format_call(&err, line, sizeof(line));
            fprintf(stderr, "listseq: %s\n", line);
            return 1;
        }
        pages++;
        entries += pg.nobjects + pg.nprefixes;
        free(token);
        token = pg.truncated && pg.next_token ? strdup(pg.next_token) : NULL;
        oss_list_page_cleanup(&pg);
        if (!token)
            break;
    }
    printf("%zu %zu %.3f\n", pages, entries, bench_now() - t0);
    oss_client_free(c);
    return 0;
}
