/* Large buffers (upload parts, read-ahead chunks) straight from mmap, so that memory given
 * back returns to the system at once; malloc arenas would keep it resident. */
#include <sys/mman.h>

#include "data.h"

void *fs_big_alloc(size_t n)
{
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void fs_big_free(void *p, size_t n)
{
    if (p)
        munmap(p, n ? n : 1);
}
