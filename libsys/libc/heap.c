/* The allocator of the kernel (kmalloc) and of the native servers (malloc): power-of-two size
 * classes (32 B .. 2 KiB) carved from pages, larger blocks as whole pages, over a page source the
 * user supplies. Each block carries a 16-byte header naming its class, so free needs no size.
 * Freed small blocks go back on their class's list (their pages are kept: the object mix is
 * stable); big blocks go straight back to the page source.
 * Entry points: heap_init, heap_alloc, heap_zalloc, heap_free, heap_size, heap_in_use. */
#include <string.h>
#include "heap.h"

#define NCLASSES 7 /* 32, 64, ..., 2048 */
#define MIN_SHIFT 5
#define PAGE 4096
#define BIG_CLASS 0xFF

struct hdr {
    uint32_t cls;    /* class index, or BIG_CLASS */
    uint32_t npages; /* big blocks only */
    uint64_t size;   /* requested size, for heap_in_use */
};
_Static_assert(sizeof(struct hdr) == 16, "header keeps 16-byte alignment");

struct free_block {
    struct free_block *next;
};

static struct heap_pages pages;
static struct free_block *lists[NCLASSES];
static size_t in_use;

void heap_init(const struct heap_pages *src)
{
    pages = *src;
    memset(lists, 0, sizeof lists);
    in_use = 0;
}

static int refill(int cls)
{
    size_t bsize = (size_t)1 << (cls + MIN_SHIFT);
    char *page = pages.alloc(1);
    if (!page)
        return -1;
    for (size_t off = 0; off + bsize <= PAGE; off += bsize) {
        struct free_block *b = (struct free_block *)(page + off);
        b->next = lists[cls];
        lists[cls] = b;
    }
    return 0;
}

void *heap_alloc(size_t size)
{
    size_t need = size + sizeof(struct hdr);
    if (size > (1ull << 40))
        return NULL;
    struct hdr *h;
    if (need > ((size_t)1 << (NCLASSES - 1 + MIN_SHIFT))) {
        size_t np = (need + PAGE - 1) / PAGE;
        h = pages.alloc(np);
        if (!h)
            return NULL;
        h->cls = BIG_CLASS;
        h->npages = (uint32_t)np;
    } else {
        int cls = 0;
        while (((size_t)1 << (cls + MIN_SHIFT)) < need)
            cls++;
        if (!lists[cls] && refill(cls) < 0)
            return NULL;
        h = (struct hdr *)lists[cls];
        lists[cls] = lists[cls]->next;
        h->cls = (uint32_t)cls;
        h->npages = 0;
    }
    h->size = size;
    in_use += size;
    return h + 1;
}

void *heap_zalloc(size_t size)
{
    void *p = heap_alloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void heap_free(void *p)
{
    if (!p)
        return;
    struct hdr *h = (struct hdr *)p - 1;
    in_use -= h->size;
    if (h->cls == BIG_CLASS) {
        pages.free(h, h->npages);
        return;
    }
    uint32_t cls = h->cls; /* read before the free-list link overwrites the header */
    struct free_block *b = (struct free_block *)h;
    b->next = lists[cls];
    lists[cls] = b;
}

size_t heap_in_use(void)
{
    return in_use;
}

size_t heap_size(const void *p)
{
    return ((const struct hdr *)p - 1)->size;
}
