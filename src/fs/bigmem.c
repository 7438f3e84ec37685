/* Large buffers (upload parts, read-ahead chunks) straight from mmap, so that memory given
 * back returns to the system at once; malloc arenas would keep it resident. Buffers of whole
 * huge pages ask for them: a first fill of an 8 MiB buffer then takes 4 page faults, not 2,048. */
#include <sys/mman.h>

#include "data.h"

#define HUGE_PAGE (2u << 20)

void *fs_big_alloc(size_t n)
{
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (n >= HUGE_PAGE && n % HUGE_PAGE == 0)
        madvise(p, n, MADV_HUGEPAGE); /* advice only: without it the pages are small */
    return p;
}

void fs_big_free(void *p, size_t n)
{
    if (p)
        munmap(p, n ? n : 1);
}
