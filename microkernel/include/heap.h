/* Kernel heap: power-of-two size classes (32 B .. 2 KiB) carved from pages, larger blocks as
 * contiguous pages. Each block carries a 16-byte header naming its class, so kfree needs no size.
 * Pure logic over a page source, host-testable.
 * Entry points: heap_init, kmalloc, kzalloc, kfree, heap_in_use. */
#ifndef KERN_HEAP_H
#define KERN_HEAP_H
#include <stddef.h>
#include <stdint.h>

struct heap_pages {
    void *(*alloc)(size_t npages); /* contiguous, page-aligned; NULL if none */
    void (*free)(void *p, size_t npages);
};

void heap_init(const struct heap_pages *src);
void *kmalloc(size_t size);   /* 16-byte aligned, or NULL */
void *kzalloc(size_t size);   /* zeroed */
void kfree(void *p);          /* NULL is fine */
size_t heap_in_use(void);     /* bytes handed out and not yet freed (for leak checks) */

#endif
