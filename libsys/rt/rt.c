/* Runtime of native servers and native test programs: start-up, malloc over anonymous memory from
 * the kernel, printf to the kernel log, exit.
 * Entry points: rt_start (from crt0), malloc, calloc, realloc, free, printf, rt_exit, rt_panic. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"
#include "rt.h"
#include "sys/kcall.h"

const struct kboot_info *rt_boot;
static uint64_t heap_next = KBOOT_HEAP_VA;

/* Pages for the allocator. Freed ranges are unmapped (their frames go back to the kernel) and
 * their addresses reused first-fit, so a server that allocates and frees big buffers forever
 * (exec's argument copies, say) keeps a bounded address range and so a bounded set of page
 * tables. The free list is a fixed array: it must not allocate. */
#define MAX_HOLES 256
static struct { uint64_t va, pages; } holes[MAX_HOLES];
static int nholes;

/* A freed range stays mapped for the next allocation of the same size: a spawn allocates and
 * frees the same big blocks every time (a process record, exec's argument buffer), and
 * unmapping and mapping them again cost kernel calls, page faults and, in a heap fragmented by
 * many processes once alive, walks of the hole list and of the space's regions. Two ranges
 * of a small size (SPARE_SMALL pages or fewer: a spawn holds two one-page blocks at once, a
 * process record and a passing buffer), one of a larger one, so what a server keeps after a
 * warm-up does not depend on how many big blocks of a size happened to be free at once (the
 * guest tests account for every frame after one), and at most SPARE_PAGES in all. */
#define SPARE_SLOTS 16
#define SPARE_SMALL 4
#define SPARE_PAGES 128
static struct { uint64_t va, pages; } spare[SPARE_SLOTS];
static int nspare;
static uint64_t spare_pages;

static void *pages_alloc(size_t n)
{
    for (int i = 0; i < nspare; i++)
        if (spare[i].pages == n) {
            uint64_t hit = spare[i].va;
            spare_pages -= n;
            spare[i] = spare[--nspare];
            return (void *)hit;
        }
    uint64_t va = 0;
    for (int i = 0; i < nholes && !va; i++)
        if (holes[i].pages >= n) {
            va = holes[i].va;
            holes[i].va += n * 4096;
            holes[i].pages -= n;
            if (!holes[i].pages)
                holes[i] = holes[--nholes];
        }
    int fresh = !va;
    if (fresh)
        va = heap_next;
    if (k_as_map(ROOT_H_SELF_AS, va, n * 4096, KPROT_READ | KPROT_WRITE) < 0) {
        if (!fresh && nholes < MAX_HOLES) /* give the range back */
            holes[nholes].va = va, holes[nholes].pages = n, nholes++;
        return NULL;
    }
    if (fresh)
        heap_next += n * 4096;
    return (void *)va;
}

static void pages_free(void *p, size_t n)
{
    uint64_t va = (uint64_t)p;
    int have = 0;
    for (int i = 0; i < nspare; i++)
        have += spare[i].pages == n;
    if (have < (n <= SPARE_SMALL ? 2 : 1) && nspare < SPARE_SLOTS &&
        spare_pages + n <= SPARE_PAGES) {
        spare[nspare].va = va, spare[nspare].pages = n, nspare++;
        spare_pages += n;
        return;
    }
    k_as_unmap(ROOT_H_SELF_AS, va, n * 4096);
    for (int i = 0; i < nholes; i++) { /* coalesce with a neighbour */
        if (holes[i].va + holes[i].pages * 4096 == va) {
            holes[i].pages += n;
            return;
        }
        if (va + n * 4096 == holes[i].va) {
            holes[i].va = va;
            holes[i].pages += n;
            return;
        }
    }
    if (va + n * 4096 == heap_next)
        heap_next = va; /* the top of the heap shrinks */
    else if (nholes < MAX_HOLES)
        holes[nholes].va = va, holes[nholes].pages = n, nholes++;
    /* else: the range is lost to reuse (still unmapped): bounded by MAX_HOLES */
}

void *malloc(size_t n) { return heap_alloc(n); }
void free(void *p) { heap_free(p); }

void *calloc(size_t a, size_t b)
{
    if (b && a > (size_t)-1 / b)
        return NULL;
    return heap_zalloc(a * b);
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    size_t old = heap_size(p);
    if (n <= old && n > old / 2)
        return p;
    void *q = malloc(n);
    if (q) {
        memcpy(q, p, old < n ? old : n);
        free(p);
    }
    return q;
}

struct outbuf {
    char buf[256];
    size_t n;
};

static void out_put(char c, void *ctx)
{
    struct outbuf *o = ctx;
    o->buf[o->n++] = c;
    if (o->n == sizeof o->buf) {
        k_debug_write(o->buf, o->n);
        o->n = 0;
    }
}

int vprintf(const char *fmt, va_list ap)
{
    struct outbuf o;
    o.n = 0;
    int r = fmt_vformat(out_put, &o, fmt, ap);
    if (o.n)
        k_debug_write(o.buf, o.n);
    return r;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vprintf(fmt, ap);
    va_end(ap);
    return r;
}

void rt_exit(void)
{
    k_thread_kill(ROOT_H_SELF_THREAD);
    for (;;)
        ;
}

void rt_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("\n*** %s: fatal: ", rt_boot ? rt_boot->names[rt_boot->root_index] : "?");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    k_poweroff(ROOT_H_CONTROL, 3);
    for (;;)
        ;
}

int main(const struct kboot_info *bi);

void rt_start(const struct kboot_info *bi)
{
    rt_boot = bi;
    static const struct heap_pages src = {pages_alloc, pages_free};
    heap_init(&src);
    main(bi);
    rt_exit();
}
