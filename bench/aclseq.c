/* Benchmark helper for bench/audit.sh: the baseline of an ACL audit, one GetObjectACL after
 * another with this project's C client, for the keys read from stdin (one per line). Prints
 * "<requests> <failures> <seconds>". Credentials from OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET.
 * Not a test; built ad hoc by the script. Usage: aclseq URL BUCKET < keys */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oss/client.h"
#include "oss/error.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: aclseq URL BUCKET < keys\n");
        return 2;
    }
    struct oss_client_config cfg = {.url = argv[1],
                                    .akid = getenv("OSS_ACCESS_KEY_ID"),
                                    .secret = getenv("OSS_ACCESS_KEY_SECRET")};
    struct oss_error err;
    struct oss_client *c = oss_client_new(&cfg, &err);
    if (!c) {
        fprintf(stderr, "aclseq: %s\n", err.message);
        return 1;
    }
    char line[2048], acl[24];
    long n = 0, bad = 0;
    double t0 = now_s();
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        n++;
        if (oss_get_object_acl(c, argv[2], line, NULL, acl, &err) < 0)
            bad++;
    }
    printf("%ld %ld %.3f\n", n, bad, now_s() - t0);
    oss_client_free(c);
    return 0;
}
