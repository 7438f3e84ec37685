/* Benchmark helper for bench/audit.sh: the baseline of an ACL audit, one GetObjectACL after
 * another with this project's C client, for the keys read from stdin (one per line). Prints
 * "<requests> <failures> <seconds>". Credentials from OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET.
 * Not a test; built ad hoc by the script with benchclient.c. Usage: aclseq URL BUCKET < keys */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchclient.h"
#include "oss/error.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: aclseq URL BUCKET < keys\n");
        return 2;
    }
    struct oss_client *c = bench_client("aclseq", argv[1]);
    struct oss_error err;
    char line[2048], acl[24];
    long n = 0, bad = 0;
    double t0 = bench_now();
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        n++;
        if (oss_get_object_acl(c, argv[2], line, NULL, acl, &err) < 0)
            bad++;
    }
    printf("%ld %ld %.3f\n", n, bad, bench_now() - t0);
    oss_client_free(c);
    return 0;
}
