/* kcore guest tests of the memory layer (docs/memory.md): regions that commit nothing until
 * touched, page tables freed when empty, windows that refuse a mapped page, copy-on-write fork
 * with shared page tables, memory objects, the reserve, and kernel objects freed with their
 * holders. Each test creates its own spaces with as_create and looks at them through as_read and
 * as_write, the kernel's counters (mem_info) and threads running this program's code in them. */
#include <stdint.h>
#include <string.h>
#include "kcore.h"

#define RW (KPROT_READ | KPROT_WRITE)
#define GIB (1ull << 30)
#define BAD 0xBADBADBADBADull

static uint64_t free_frames(void)
{
    struct kmem_info mi;
    k_mem_info(&mi);
    return mi.free_frames;
}

static int64_t poke(int as, uint64_t va, uint64_t v)
{
    return k_as_write(as, va, &v, 8);
}

static uint64_t peek(int as, uint64_t va)
{
    uint64_t v;
    return k_as_read(as, va, &v, 8) < 0 ? BAD : v;
}

/* A fresh user space whose region array already exists (so that frame counts compare exactly). */
static int warm_space(void)
{
    int as = (int)k_as_create();
    k_as_map(as, 0x10000, 4096, RW);
    k_as_unmap(as, 0x10000, 4096);
    return as;
}

static void test_huge_map_commits_nothing(void)
{
    int as = warm_space();
    uint64_t f0 = free_frames();
    const uint64_t len = 0x7ff000000000ull; /* mmap(NULL, 0x7ff000000000, ..., MAP_NORESERVE) */
    CHECK_EQ(k_as_map(as, 0x1000, len, RW), 0);
    CHECK_EQ(free_frames(), f0); /* a region only: no page, no table */
    CHECK_EQ(peek(as, 0x400000000000ull), 0);
    CHECK_EQ(poke(as, 0x1000, 7), 0);
    CHECK_EQ(poke(as, 0x1000 + len - 8, 9), 0);
    CHECK(free_frames() < f0);
    CHECK_EQ(peek(as, 0x1000 + len - 8), 9);
    CHECK_EQ(k_as_map(as, 0x200000000000ull, 4096, RW), -KE_EXIST);
    CHECK_EQ(k_as_unmap(as, 0x1000, len), 0);
    CHECK_EQ(free_frames(), f0); /* pages and every emptied table went back */
    CHECK_EQ(peek(as, 0x1000), BAD);
    k_cap_delete(as);
}

static void test_map_unmap_64g_100_times(void)
{
    int as = warm_space();
    uint64_t f0 = free_frames(), base = 0x100000000ull, len = 64 * GIB;
    int bad = 0;
    for (int i = 0; i < 100; i++) {
        bad += k_as_map(as, base, len, RW) != 0;
        bad += poke(as, base, (uint64_t)i) != 0;           /* a few pages touched, far apart */
        bad += poke(as, base + len / 2 + 4096 * (uint64_t)i, 1) != 0;
        bad += poke(as, base + len - 8, 2) != 0;
        bad += k_as_unmap(as, base, len) != 0;
        bad += free_frames() != f0;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(free_frames(), f0);
    k_cap_delete(as);
}

static void test_unmap_and_protect_keep_the_rest(void)
{
    int as = warm_space();
    const uint64_t va = 0x40000000;
    CHECK_EQ(k_as_map(as, va, 4 * 4096, RW), 0);
    for (uint64_t i = 0; i < 4; i++)
        poke(as, va + i * 4096, 100 + i);
    CHECK_EQ(k_as_unmap(as, va + 4096, 4096), 0); /* a hole in the middle of the region */
    CHECK_EQ(peek(as, va), 100);
    CHECK_EQ(peek(as, va + 4096), BAD);
    CHECK_EQ(peek(as, va + 2 * 4096), 102);
    CHECK_EQ(peek(as, va + 3 * 4096), 103);
    CHECK_EQ(k_as_protect(as, va, 4 * 4096, KPROT_READ), -KE_FAULT); /* over the hole */
    CHECK_EQ(k_as_protect(as, va + 2 * 4096, 2 * 4096, KPROT_READ), 0);
    CHECK_EQ(poke(as, va + 2 * 4096, 1), -KE_FAULT);
    uint64_t v = 55;
    CHECK_EQ(k_as_write_force(as, va + 3 * 4096, &v, 8), 0);
    CHECK_EQ(peek(as, va + 3 * 4096), 55);
    CHECK_EQ(peek(as, va + 2 * 4096), 102);
    CHECK_EQ(k_as_map(as, va + 2 * 4096, 4096, RW), -KE_EXIST);
    CHECK_EQ(k_as_map(as, va + 4096, 4096, RW), 0); /* the hole again: fresh zeroes */
    CHECK_EQ(peek(as, va + 4096), 0);
    CHECK_EQ(k_as_protect(as, va, 4 * 4096, RW), 0);
    CHECK_EQ(poke(as, va + 2 * 4096, 3), 0);
    CHECK_EQ(peek(as, va + 2 * 4096), 3);
    k_cap_delete(as);
}

static void test_ipc_buf_on_a_mapped_page(void)
{
    int as = clone_space();
    const uint64_t va = 0x50000000;
    CHECK_EQ(k_as_map(as, va, 4096, RW), 0);
    CHECK_EQ(poke(as, va, 0x1234), 0);
    struct kmem_info a, b;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FPU_INIT | KTHREAD_SUSPENDED;
    cfg.fault_ep = -1;
    cfg.regs.rip = (uint64_t)park;
    for (int round = 0; round < 2; round++) { /* the second round sees a warm heap */
        k_mem_info(&a);
        cfg.ipc_buf = va;
        CHECK_EQ(k_thread_create(as, &cfg), -KE_EXIST);
        k_mem_info(&b);
    }
    CHECK_EQ(b.threads, a.threads);
    CHECK_EQ(b.free_frames, a.free_frames); /* nothing leaked: no frame, no thread */
    CHECK_EQ(peek(as, va), 0x1234);         /* and the page was not replaced */
    cfg.ipc_buf = va + 4096;                /* a free page is fine */
    int64_t t = k_thread_create(as, &cfg);
    CHECK(t > 0);
    CHECK_EQ(k_as_map(as, va + 4096, 4096, RW), -KE_EXIST); /* the buffer is mapped now */
    k_thread_kill(t);
    k_cap_delete(t);
    k_cap_delete(as);
}

const struct kcore_test kcore_mem_tests[] = {
    {"huge_map_commits_nothing", test_huge_map_commits_nothing},
    {"map_unmap_64g_100_times", test_map_unmap_64g_100_times},
    {"unmap_and_protect_keep_the_rest", test_unmap_and_protect_keep_the_rest},
    {"ipc_buf_on_a_mapped_page", test_ipc_buf_on_a_mapped_page},
    {NULL, NULL},
};
