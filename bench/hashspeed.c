/* Benchmark helper for bench/ossemu-http.sh --profile: how fast one core runs the per-byte work
 * that ossemu's PUT path does on every upload chunk (oss_md5_update, oss_crc64), on the same
 * 128 KiB chunks that libmicrohttpd hands over. Not a test; built ad hoc by the script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oss/codec.h"
#include "oss/crc64.h"

#define CHUNK (128 * 1024)

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Prints MB/s (10^6 bytes/s) for MD5, CRC64 and both over `mib` MiB of pseudo-random bytes. */
int main(int argc, char **argv)
{
    long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 512;
    unsigned char *buf = malloc(CHUNK);
    unsigned char digest[OSS_MD5_LEN];
    unsigned x = 12345;
    volatile uint64_t sink = 0;

    if (!buf || mib <= 0)
        return 2;
    for (size_t i = 0; i < CHUNK; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    size_t n = (size_t)mib * 1024 * 1024 / CHUNK;
    double bytes = (double)n * CHUNK;

    struct oss_md5_ctx *m = oss_md5_new();
    if (!m)
        return 1;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++)
        oss_md5_update(m, buf, CHUNK);
    oss_md5_final(m, digest);
    double t1 = now_s();
    uint64_t crc = 0;
    for (size_t i = 0; i < n; i++)
        crc = oss_crc64(crc, buf, CHUNK);
    double t2 = now_s();
    sink ^= crc ^ digest[0];

    printf("md5   %.0f MB/s\ncrc64 %.0f MB/s\nboth  %.0f MB/s (one core, serial, as in ossemu)\n",
           bytes / (t1 - t0) / 1e6, bytes / (t2 - t1) / 1e6, bytes / (t2 - t0) / 1e6);
    free(buf);
    return 0;
}
