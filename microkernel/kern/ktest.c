/* Boot-time self-tests, chosen by the kernel command line: ktest=all, or a comma-separated list
 * of names from the table below. Each prints "KTEST <name>: ok|FAIL (...)"; the summary line is
 * "KTEST: N passed, M failed" and the system halts with status 0 (all passed) or 1.
 * ktest=fault is special: it page-faults on purpose, to show the exception path's register dump
 * (the system then halts with PANIC_STATUS). Entry point: ktest_run. */
#include <string.h>
#include "arch.h"
#include "aspace.h"
#include "heap.h"
#include "kern.h"
#include "kprintf.h"
#include "pmm.h"

static int failures;

#define KCHECK(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            kprintf("    check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                 \
            failures++;                                                                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static void test_pmm(void)
{
    uint64_t before = pmm_free_count(&kernel_pmm);
    uint64_t a = frame_alloc(), b = frame_alloc();
    KCHECK(a && b && a != b);
    KCHECK((a & 0xFFF) == 0 && (b & 0xFFF) == 0);
    KCHECK(pmm_free_count(&kernel_pmm) == before - 2);
    uint64_t *p = phys_to_virt(a);
    for (int i = 0; i < 512; i++)
        KCHECK(p[i] == 0); /* frame_alloc zeroes */
    uint64_t c = pmm_alloc_contig(&kernel_pmm, 8);
    KCHECK(c != 0);
    pmm_free_contig(&kernel_pmm, c, 8);
    frame_free(a);
    frame_free(b);
    KCHECK(pmm_free_count(&kernel_pmm) == before);
}

/* a space with one page written through the checked copy, read back through the MMU */
static int paging_round(void)
{
    const uint64_t va = 0x400000;
    struct aspace *as = aspace_create(PMM_SYSTEM);
    if (!as || aspace_map(as, va, PAGE_SIZE, KPROT_READ | KPROT_WRITE) != 0)
        return 0;
    uint64_t v = 0x1234567890abcdefull, got = 0;
    if (aspace_copy_out(as, va, &v, 8) != 0 || as->pages != 1)
        return 0;
    uint64_t old = arch_current_pml4();
    arch_switch_pml4(as->pml4);
    got = *(volatile uint64_t *)va; /* the mapping is live in that space */
    arch_switch_pml4(old);
    if (got != v || aspace_protect(as, va, PAGE_SIZE, KPROT_READ) != 0 ||
        aspace_copy_out(as, va, &v, 8) != -KE_FAULT || aspace_unmap(as, va, PAGE_SIZE) != 0 ||
        as->pages != 0 || aspace_copy_in(as, &got, va, 8) != -KE_FAULT)
        return 0;
    obj_put(&as->o);
    return 1;
}

static void test_paging(void)
{
    KCHECK(paging_round()); /* the heap may keep a page for the space's records */
    uint64_t before = pmm_free_count(&kernel_pmm);
    KCHECK(paging_round());
    KCHECK(pmm_free_count(&kernel_pmm) == before); /* page tables were freed too */
}

static void test_heap(void)
{
    size_t base = heap_in_use();
    void *ptrs[64];
    for (int i = 0; i < 64; i++) {
        size_t sz = (size_t)(i * 97 % 3000) + 1;
        ptrs[i] = kmalloc(sz);
        KCHECK(ptrs[i] != NULL);
        KCHECK(((uint64_t)ptrs[i] & 15) == 0);
        memset(ptrs[i], i, sz);
    }
    for (int i = 0; i < 64; i++) {
        size_t sz = (size_t)(i * 97 % 3000) + 1;
        unsigned char *c = ptrs[i];
        KCHECK(c[0] == i && c[sz - 1] == i); /* no block overlapped another */
    }
    void *big = kmalloc(100000);
    KCHECK(big != NULL);
    kfree(big);
    for (int i = 0; i < 64; i++)
        kfree(ptrs[i]);
    KCHECK(heap_in_use() == base);
    void *z = kzalloc(500);
    KCHECK(z && ((unsigned char *)z)[499] == 0);
    kfree(z);
}

static void test_timer(void)
{
    uint64_t t0 = kern_ticks, c0 = arch_clock_ns();
    uint64_t spins = 0;
    while (kern_ticks < t0 + 3 && ++spins < 4000000000ull)
        arch_halt();
    uint64_t c1 = arch_clock_ns();
    KCHECK(kern_ticks >= t0 + 3); /* the timer interrupt arrives */
    KCHECK(c1 > c0);              /* the clock moves forward */
}

static void test_fault(void)
{
    kprintf("    touching unmapped address 0xdead0000 on purpose\n");
    volatile uint64_t *p = (volatile uint64_t *)0xdead0000ull;
    (void)*p;
    failures++; /* not reached: the page fault halts the system */
}

static const struct {
    const char *name;
    void (*fn)(void);
    int in_all;
} tests[] = {
    {"pmm", test_pmm, 1},
    {"paging", test_paging, 1},
    {"heap", test_heap, 1},
    {"timer", test_timer, 1},
    {"fault", test_fault, 0},
};

static int selected(const char *which, const char *name, int in_all)
{
    if (strcmp(which, "all") == 0)
        return in_all;
    size_t len = strlen(name);
    for (const char *p = which; *p;) {
        const char *comma = strchr(p, ',');
        size_t wl = comma ? (size_t)(comma - p) : strlen(p);
        if (wl == len && strncmp(p, name, len) == 0)
            return 1;
        p += wl + (comma ? 1 : 0);
    }
    return 0;
}

void ktest_run(const char *which)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (!selected(which, tests[i].name, tests[i].in_all))
            continue;
        kprintf("KTEST %s: running\n", tests[i].name);
        failures = 0;
        tests[i].fn();
        kprintf("KTEST %s: %s\n", tests[i].name, failures ? "FAIL" : "ok");
        failures ? failed++ : passed++;
    }
    kprintf("KTEST: %d passed, %d failed\n", passed, failed);
    arch_halt_system(failed || !passed ? 1 : 0);
}
