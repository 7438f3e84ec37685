/* See benchclient.h. */
#include "benchclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "oss/error.h"

double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct oss_client *bench_client(const char *prog, const char *url)
{
    struct oss_client_config cfg = {
        .url = url, .akid = getenv("OSS_ACCESS_KEY_ID"), .secret = getenv("OSS_ACCESS_KEY_SECRET")};
    struct oss_error err;
    struct oss_client *c = oss_client_new(&cfg, &err);
    if (!c) {
        fprintf(stderr, "%s: %s\n", prog, err.message);
        exit(1);
    }
    return c;
}
