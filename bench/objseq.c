/* Benchmark helper for bench/tasks.sh: the raw API of the small-file tasks, N PutObject
 * ("abc\n", what `echo abc > f` writes) or N GetObject of the keys PREFIX1 ... PREFIXN, one
 * after another with this project's C client on its keep-alive connection, as a mount would
 * send them with nothing else around. Prints "<requests> <failures> <seconds>". Credentials from
 * OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET. Not a test; built ad hoc by the script with
 * benchclient.c. Usage: objseq put|get URL BUCKET PREFIX N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchclient.h"
#include "oss/buf.h"
#include "oss/error.h"

int main(int argc, char **argv)
{
    int put = argc == 6 && strcmp(argv[1], "put") == 0;
    if (argc != 6 || (!put && strcmp(argv[1], "get") != 0)) {
        fprintf(stderr, "usage: objseq put|get URL BUCKET PREFIX N\n");
        return 2;
    }
    struct oss_client *c = bench_client("objseq", argv[2]);
    long n = strtol(argv[5], NULL, 10), bad = 0;
    struct oss_error err;
    struct oss_buf body;
    char key[1024];
    oss_buf_init(&body);
    double t0 = bench_now();
    for (long i = 1; i <= n; i++) {
        snprintf(key, sizeof(key), "%s%ld", argv[4], i);
        int rc;
        if (put)
            rc = oss_put_object(c, argv[3], key, "abc\n", 4, NULL, NULL, &err);
        else {
            oss_buf_reset(&body);
            rc = oss_get_object(c, argv[3], key, NULL, 0, 0, &body, NULL, &err);
        }
        if (rc < 0)
            bad++;
    }
    printf("%ld %ld %.3f\n", n, bad, bench_now() - t0);
    oss_buf_cleanup(&body);
    oss_client_free(c);
    return 0;
}
