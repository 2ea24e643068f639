/* The kernel log ring (see include/klog.h): every byte kprintf writes is also kept here, the
 * oldest overwritten first. Positions count bytes since boot, so a reader that remembers where it
 * stopped can ask for what is new, and can tell when the ring has overwritten part of it. */
#include "kabi/kcalls.h"
#include "klog.h"

static char ring[KLOG_RING_SIZE];
static uint64_t end;

void klog_putc(char c)
{
    ring[end % KLOG_RING_SIZE] = c;
    end++;
}

uint64_t klog_end(void)
{
    return end;
}

size_t klog_copy(char *dst, size_t len, uint64_t pos, uint64_t *from)
{
    uint64_t oldest = end > KLOG_RING_SIZE ? end - KLOG_RING_SIZE : 0;
    if (pos < oldest)
        pos = oldest;
    if (pos > end)
        pos = end;
    *from = pos;
    size_t n = end - pos < len ? (size_t)(end - pos) : len;
    for (size_t i = 0; i < n; i++)
        dst[i] = ring[(pos + i) % KLOG_RING_SIZE];
    return n;
}
