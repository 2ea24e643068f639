/* kcore guest tests of the memory layer (docs/memory.md): regions that commit nothing until
 * touched, page tables freed when empty, windows that refuse a mapped page, copy-on-write fork
 * with shared page tables, memory objects, the reserve, and kernel objects freed with their
 * holders. Each test creates its own spaces with as_create and looks at them through as_read and
 * as_write, the kernel's counters (mem_info) and threads running this program's code in them. */
#include <stdint.h>
#include <stdlib.h>
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

/* ---- fork ---------------------------------------------------------------------------------- */

static void test_fork_isolates_both_ways(void)
{
    uint64_t f0 = free_frames();
    int p = warm_space();
    const uint64_t a = 0x40000000, b = a + 4096; /* a: touched before the fork, b: after it */
    CHECK_EQ(k_as_map(p, a, 2 * 4096, RW), 0);
    CHECK_EQ(poke(p, a, 1), 0);
    int c = (int)k_as_fork(p);
    CHECK(c > 0);
    CHECK_EQ(k_cap_info(c), KOBJ_ASPACE);
    CHECK_EQ(peek(c, a), 1);
    CHECK_EQ(peek(c, b), 0);
    CHECK_EQ(poke(p, a, 2), 0); /* the parent's write: not in the child */
    CHECK_EQ(peek(c, a), 1);
    CHECK_EQ(poke(c, a, 3), 0); /* the child's write (as_write into its COW page): not in the parent */
    CHECK_EQ(peek(p, a), 2);
    CHECK_EQ(peek(c, a), 3);
    CHECK_EQ(poke(c, b, 5), 0);
    CHECK_EQ(peek(p, b), 0);
    CHECK_EQ(poke(p, b, 6), 0);
    CHECK_EQ(peek(c, b), 5);
    CHECK_EQ(peek(p, b), 6);
    /* forced writes and space-to-space copies break the share too */
    int g = (int)k_as_fork(c);
    CHECK_EQ(k_as_protect(g, a, 2 * 4096, KPROT_READ), 0);
    uint64_t v = 7;
    CHECK_EQ(k_as_write_force(g, a, &v, 8), 0);
    CHECK_EQ(k_as_copy(p, a, g, b, 8), -KE_FAULT); /* read-only without force */
    CHECK_EQ(k_as_copy_force(p, a, g, b, 8), 0);
    CHECK_EQ(peek(g, a), 7);
    CHECK_EQ(peek(g, b), 2);
    CHECK_EQ(peek(c, a), 3);
    CHECK_EQ(peek(c, b), 5);
    k_cap_delete(g);
    k_cap_delete(c);
    CHECK_EQ(peek(p, a), 2);
    k_cap_delete(p);
    CHECK_EQ(free_frames(), f0); /* every frame of the three spaces came back */
}

/* A thread that loads (and stores, if mr[2]) the word at mr[0] for whoever calls ep, and answers
 * the value it then sees: user-mode faults, not the kernel's checked copies. */
static void poker(uint64_t ep)
{
    int64_t r = k_recv((int)ep);
    for (;;) {
        struct ipc_buf *m = kipc();
        volatile uint64_t *w = (volatile uint64_t *)m->mr[0];
        if (m->mr[2])
            *w = m->mr[1];
        uint64_t v = *w;
        m->label = 0;
        m->len = 1;
        m->ncaps = 0;
        m->mr[0] = v;
        r = k_reply_recv(r, (int)ep);
    }
}

static uint64_t ask(int ep, uint64_t addr, uint64_t val, int write)
{
    struct ipc_buf *m = kipc();
    m->label = 1;
    m->len = 3;
    m->ncaps = 0;
    m->mr[0] = addr;
    m->mr[1] = val;
    m->mr[2] = (uint64_t)write;
    return k_call(ep) < 0 ? BAD : m->mr[0];
}

static void test_fork_user_faults_copy_on_write(void)
{
    uint64_t f0 = free_frames();
    int ep_p = (int)k_ep_create(), ep_c = (int)k_ep_create();
    int p = clone_space();
    const uint64_t a = 0x70000000, b = a + 4096;
    CHECK_EQ(k_as_map(p, a, 2 * 4096, RW), 0);
    int64_t tp = spawn_native(p, poker, (uint64_t)ep_p);
    CHECK_EQ(ask(ep_p, a, 1, 1), 1); /* touched in the parent before the fork */
    int c = (int)k_as_fork(p);
    CHECK(c > 0);
    int64_t tc = spawn_native(c, poker, (uint64_t)ep_c); /* runs the child's copy of the code */
    CHECK(tc > 0);
    CHECK_EQ(ask(ep_c, a, 0, 0), 1);
    CHECK_EQ(ask(ep_p, a, 2, 1), 2);
    CHECK_EQ(ask(ep_c, a, 0, 0), 1);
    CHECK_EQ(ask(ep_c, a, 3, 1), 3);
    CHECK_EQ(ask(ep_p, a, 0, 0), 2);
    CHECK_EQ(ask(ep_c, b, 5, 1), 5); /* first touched after the fork */
    CHECK_EQ(ask(ep_p, b, 0, 0), 0);
    CHECK_EQ(ask(ep_p, b, 6, 1), 6);
    CHECK_EQ(ask(ep_c, b, 0, 0), 5);
    CHECK_EQ(peek(p, a), 2);
    CHECK_EQ(peek(c, a), 3);
    k_thread_kill(tp), k_thread_kill(tc);
    k_cap_delete(tp), k_cap_delete(tc), k_cap_delete(p), k_cap_delete(c);
    k_cap_delete(ep_p), k_cap_delete(ep_c);
    CHECK_EQ(free_frames(), f0);
}

static void test_fork_shares_page_tables(void)
{
    uint64_t f0 = free_frames();
    const uint64_t base = 0x40000000, len = 256ull << 20, chunk = 1 << 20;
    uint8_t *buf = malloc(chunk);
    memset(buf, 0x5A, chunk);
    int p = warm_space();
    CHECK_EQ(k_as_map(p, base, len, RW), 0);
    for (uint64_t off = 0; off < len; off += chunk) /* every page touched */
        k_as_write(p, base + off, buf, chunk);
    struct kas_info pi, ci;
    struct kmem_info m0, m1, m2;
    CHECK_EQ(k_as_info(p, &pi), 0);
    CHECK_EQ(pi.resident, len / 4096);
    CHECK_EQ(pi.system, 0);
    k_mem_info(&m0);
    int c = (int)k_as_fork(p);
    k_mem_info(&m1);
    CHECK_EQ(m1.pt_shared - m0.pt_shared, len >> 21); /* one leaf table per 2 MiB: 128 */
    CHECK(m0.free_frames - m1.free_frames < 8);       /* the child's top tables, not 65536 PTEs */
    CHECK_EQ(k_as_info(c, &ci), 0);
    CHECK_EQ(ci.resident, len / 4096);
    CHECK_EQ(ci.ptables, pi.ptables);
    CHECK_EQ(ci.regions, pi.regions);
    CHECK_EQ(poke(c, base + 4096 * 3, 1), 0); /* one table unshared, one page copied */
    k_mem_info(&m2);
    CHECK_EQ(m2.pt_unshared - m1.pt_unshared, 1);
    CHECK_EQ(m2.cow_copied - m1.cow_copied, 1);
    CHECK_EQ(peek(p, base + 4096 * 3), 0x5A5A5A5A5A5A5A5Aull);
    CHECK_EQ(poke(p, base + 4096 * 3, 2), 0); /* the parent's copy is its own again: no copy */
    k_mem_info(&m1);
    CHECK_EQ(m1.cow_copied, m2.cow_copied);
    CHECK_EQ(m1.cow_reused - m2.cow_reused, 1);
    CHECK_EQ(peek(c, base + 4096 * 3), 1);
    k_cap_delete(p); /* the child alone holds the tables now */
    CHECK_EQ(peek(c, base + len - 8), 0x5A5A5A5A5A5A5A5Aull);
    CHECK_EQ(poke(c, base + len - 8, 3), 0);
    k_cap_delete(c);
    free(buf);
    CHECK_EQ(free_frames(), f0);
}

const struct kcore_test kcore_mem_tests[] = {
    {"huge_map_commits_nothing", test_huge_map_commits_nothing},
    {"map_unmap_64g_100_times", test_map_unmap_64g_100_times},
    {"unmap_and_protect_keep_the_rest", test_unmap_and_protect_keep_the_rest},
    {"ipc_buf_on_a_mapped_page", test_ipc_buf_on_a_mapped_page},
    {"fork_isolates_both_ways", test_fork_isolates_both_ways},
    {"fork_user_faults_copy_on_write", test_fork_user_faults_copy_on_write},
    {"fork_shares_page_tables", test_fork_shares_page_tables},
    {NULL, NULL},
};
