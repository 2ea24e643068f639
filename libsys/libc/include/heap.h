/* The page-backed allocator shared by the kernel and the servers (see libc/heap.c). */
#ifndef LIBSYS_HEAP_H
#define LIBSYS_HEAP_H
#include <stddef.h>
#include <stdint.h>

struct heap_pages {
    void *(*alloc)(size_t npages); /* contiguous, page-aligned; NULL if none */
    void (*free)(void *p, size_t npages);
};

void heap_init(const struct heap_pages *src);
void *heap_alloc(size_t size);  /* 16-byte aligned, or NULL */
void *heap_zalloc(size_t size); /* zeroed */
void heap_free(void *p);        /* NULL is fine */
size_t heap_size(const void *p); /* the size asked for when p was allocated */
size_t heap_in_use(void);       /* bytes handed out and not yet freed (for leak checks) */

#endif
