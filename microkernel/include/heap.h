/* The kernel's names for the shared allocator (libsys/libc/heap.c), fed by the frame allocator
 * through the direct map (kern/mem.c). */
#ifndef KERN_HEAP_H
#define KERN_HEAP_H
#include "../../libsys/libc/include/heap.h"

static inline void *kmalloc(size_t n) { return heap_alloc(n); }
static inline void *kzalloc(size_t n) { return heap_zalloc(n); }
static inline void kfree(void *p) { heap_free(p); }

/* frames the heap holds now (kern/mem.c's page source counts them) */
extern uint64_t heap_frames;

#endif
