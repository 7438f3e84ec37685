/* Shared by the bench/ helpers built against this project's C client (aclseq.c, listseq.c):
 * compiled with each of them by bench/lib.sh (build_oss_helper). Not a test. */
#ifndef BENCH_BENCHCLIENT_H
#define BENCH_BENCHCLIENT_H

#include "oss/client.h"

/* Seconds on the monotonic clock. */
double bench_now(void);

/* A client for URL with the credentials of OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET; on failure
 * prints "PROG: message" and exits 1. */
struct oss_client *bench_client(const char *prog, const char *url);

#endif
