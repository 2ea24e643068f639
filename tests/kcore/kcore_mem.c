/* kcore guest tests of the memory layer (docs/memory.md): regions that commit nothing until
 * touched, page tables freed when empty, windows that refuse a mapped page, copy-on-write fork
 * with shared page tables, memory objects, the reserve, and kernel objects freed with their
 * holders. Each test creates its own spaces with as_create and looks at them through as_read and
 * as_write, the kernel's counters (mem_info) and threads running this program's code in them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kabi/clock.h"
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
    const uint64_t a = 0x70000000, b = a + 4096, sh = a + 0x100000;
    CHECK_EQ(k_as_map(p, a, 2 * 4096, RW), 0);
    CHECK_EQ(k_as_map(p, sh, 4096, RW | KMAP_SHARED), 0);
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
    CHECK_EQ(ask(ep_c, sh, 8, 1), 8); /* shared: each sees the other's stores */
    CHECK_EQ(ask(ep_p, sh, 0, 0), 8);
    CHECK_EQ(ask(ep_p, sh, 9, 1), 9);
    CHECK_EQ(ask(ep_c, sh, 0, 0), 9);
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

/* ---- memory objects -------------------------------------------------------------------- */

static void test_shared_anonymous_memory_survives_fork(void)
{
    uint64_t f0 = free_frames();
    int p = warm_space();
    const uint64_t a = 0x40000000, b = a + 4096;
    CHECK_EQ(k_as_map(p, a, 2 * 4096, RW | KMAP_SHARED), 0);
    CHECK_EQ(poke(p, a, 1), 0); /* touched before the fork */
    int c = (int)k_as_fork(p);
    CHECK_EQ(peek(c, a), 1);
    CHECK_EQ(poke(c, a, 2), 0);
    CHECK_EQ(peek(p, a), 2); /* the same page in both */
    CHECK_EQ(poke(c, b, 3), 0); /* first touched after the fork, in the child */
    CHECK_EQ(peek(p, b), 3);
    CHECK_EQ(poke(p, b, 4), 0);
    CHECK_EQ(peek(c, b), 4);
    int g = (int)k_as_fork(c); /* and a fork of the fork */
    CHECK_EQ(poke(g, a, 5), 0);
    CHECK_EQ(peek(p, a), 5);
    k_cap_delete(p);
    CHECK_EQ(peek(c, a), 5);
    k_cap_delete(c);
    k_cap_delete(g);
    CHECK_EQ(free_frames(), f0);
}

static void test_memory_object_mappings_and_rights(void)
{
    struct kmem_info m0;
    k_mem_info(&m0);
    int m = (int)k_mem_create(4 * 4096, 0);
    CHECK(m > 0);
    CHECK_EQ(k_cap_info(m), KOBJ_MEM);
    CHECK_EQ(k_mem_create(4097, 0), -KE_INVAL);
    CHECK_EQ(k_mem_create(4096, 1), -KE_INVAL);
    int x = warm_space(), y = warm_space();
    const uint64_t va = 0x40000000, vb = 0x50000000;
    CHECK_EQ(k_as_map_mem(x, va, 4 * 4096, RW | KMAP_SHARED, m, 0), 0);
    CHECK_EQ(k_as_map_mem(y, vb, 2 * 4096, RW | KMAP_SHARED, m, 2 * 4096), 0); /* pages 2, 3 */
    CHECK_EQ(k_as_map_mem(y, vb, 4096, RW, m, 0), -KE_EXIST);
    CHECK_EQ(poke(x, va + 2 * 4096, 11), 0);
    CHECK_EQ(peek(y, vb), 11); /* the object's page in both */
    CHECK_EQ(poke(y, vb + 4096, 12), 0);
    CHECK_EQ(peek(x, va + 3 * 4096), 12);
    /* private: copy-on-write over the object's pages */
    const uint64_t vc = 0x60000000;
    CHECK_EQ(k_as_map_mem(y, vc, 4 * 4096, RW, m, 0), 0);
    CHECK_EQ(peek(y, vc + 2 * 4096), 11);
    CHECK_EQ(poke(y, vc + 2 * 4096, 13), 0);
    CHECK_EQ(peek(x, va + 2 * 4096), 11); /* the object is unchanged */
    CHECK_EQ(peek(y, vc + 2 * 4096), 13);
    CHECK_EQ(poke(y, vc, 14), 0); /* a page the object never had: zeroes, then ours */
    CHECK_EQ(peek(x, va), 0);
    /* rights: read-only capability */
    int ro = (int)k_cap_copy(m, KR_READ, 0);
    int none = (int)k_cap_copy(m, KR_CONTROL, 0);
    const uint64_t vd = 0x70000000;
    CHECK_EQ(k_as_map_mem(y, vd, 4096, RW | KMAP_SHARED, ro, 0), -KE_PERM);
    CHECK_EQ(k_as_map_mem(y, vd, 4096, KPROT_READ, none, 0), -KE_PERM);
    CHECK_EQ(k_as_map_mem(y, vd, 4096, KPROT_READ | KMAP_SHARED, ro, 2 * 4096), 0);
    CHECK_EQ(peek(y, vd), 11);
    CHECK_EQ(k_as_protect(y, vd, 4096, RW), -KE_PERM); /* never writable */
    uint64_t v = 1;
    CHECK_EQ(k_as_write_force(y, vd, &v, 8), -KE_FAULT); /* not even by force */
    CHECK_EQ(k_as_map_mem(y, vd + 4096, 4096, RW, ro, 2 * 4096), 0); /* private: fine */
    CHECK_EQ(poke(y, vd + 4096, 15), 0);
    CHECK_EQ(peek(x, va + 2 * 4096), 11);
    CHECK_EQ(k_mem_resize(ro, 4096), -KE_PERM);
    CHECK_EQ(k_mem_commit(ro, 0, 4096), -KE_PERM);
    k_cap_delete(ro), k_cap_delete(none);
    k_cap_delete(m); /* the mappings keep the object */
    CHECK_EQ(peek(y, vb), 11);
    k_cap_delete(x), k_cap_delete(y);
    check_all_back(&m0);
}

static void test_memory_object_shrink_and_commit(void)
{
    struct kmem_info m0;
    k_mem_info(&m0);
    int ep = (int)k_ep_create();
    int s = clone_space();
    const uint64_t at = 0x50000000; /* where fault_code stores */
    int m = (int)k_mem_create(4 * 4096, 0);
    CHECK_EQ(k_as_map_mem(s, at - 2 * 4096, 4 * 4096, RW | KMAP_SHARED, m, 0), 0);
    int f = (int)k_as_fork(s); /* a second space mapping it, through the fork */
    CHECK_EQ(poke(s, at, 1), 0);
    CHECK_EQ(poke(s, at - 4096, 2), 0);
    CHECK_EQ(peek(f, at), 1);
    CHECK_EQ(k_mem_resize(m, 2 * 4096), 0); /* pages 2, 3 leave the object and both spaces */
    CHECK_EQ(peek(s, at), BAD);
    CHECK_EQ(peek(f, at), BAD);
    CHECK_EQ(peek(f, at - 4096), 2);
    int64_t t = spawn_foreign(s, fault_code, ep, ep, 0xB5, 0); /* stores at `at`: past the end */
    int64_t r = k_recv(ep);
    struct ipc_buf *b = kipc();
    CHECK_EQ(b->label, IPC_LABEL_FAULT);
    CHECK_EQ(b->mr[0], 14);
    CHECK_EQ(b->mr[2], at);
    CHECK_EQ(b->mr[4], KFAULT_RANGE); /* a server raises SIGBUS for this */
    CHECK_EQ(k_mem_resize(m, 4 * 4096), 0); /* grown back: a fresh zero page there */
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep); /* the store went through, then exit(value read back) */
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[1], 0x77);
    CHECK_EQ(peek(f, at), 0x77);
    k_thread_kill(t);
    k_cap_delete(r), k_cap_delete(t);
    /* commit: allocated now, or -KE_NOMEM for more than the machine has */
    uint64_t f1 = free_frames();
    int c = (int)k_mem_create(64 * 4096, 0);
    CHECK_EQ(k_mem_commit(c, 0, 64 * 4096), 0);
    CHECK(f1 - free_frames() >= 64);
    CHECK_EQ(k_mem_commit(c, 4096, 64 * 4096), -KE_INVAL);
    k_cap_delete(c);
    CHECK_EQ(free_frames(), f1);
    k_cap_delete(m), k_cap_delete(s), k_cap_delete(f), k_cap_delete(ep);
    check_all_back(&m0);
}

/* ---- exhaustion: the reserve --------------------------------------------------------------- */

/* The clock page: a read-only object every root server holds; its parameters give the kernel's
 * own clock to the nanosecond, without a kernel call. */
static void test_clock_page(void)
{
    CHECK_EQ(k_cap_info(ROOT_H_CLOCK), KOBJ_MEM);
    const uint64_t va = 0x48000000;
    CHECK_EQ(k_as_map_mem(ROOT_H_SELF_AS, va, 4096, RW | KMAP_SHARED, ROOT_H_CLOCK, 0), -KE_PERM);
    CHECK_EQ(k_mem_resize(ROOT_H_CLOCK, 8192), -KE_PERM);
    CHECK_EQ(k_as_map_mem(ROOT_H_SELF_AS, va, 4096, KPROT_READ | KMAP_SHARED, ROOT_H_CLOCK, 0), 0);
    const struct kclock_page *cp = (const struct kclock_page *)va;
    CHECK_EQ(cp->version, KCLOCK_VERSION);
    CHECK_EQ(cp->seq & 1, 0);
    CHECK_EQ(cp->tsc_hz, rt_boot->tsc_hz);
    CHECK_EQ(cp->realtime_ns, rt_boot->boot_epoch_ns);
    CHECK_EQ(cp->realtime_sec * 1000000000ull + cp->realtime_nsec, cp->realtime_ns);
    CHECK(cp->realtime_nsec < 1000000000ull);
    CHECK(cp->flags & KCLOCK_TSC_USER);
    uint64_t hz, boot, real;
    kclock_read(cp, &hz, &boot, &real);
    for (int i = 0; i < 100; i++) { /* page, kernel, page: never backwards */
        uint64_t t0 = kclock_tsc_to_ns(k_rdtsc() - boot, hz);
        uint64_t k = k_clock_ns();
        uint64_t t1 = kclock_tsc_to_ns(k_rdtsc() - boot, hz);
        CHECK(t0 <= k && k <= t1);
    }
    CHECK_EQ(k_as_unmap(ROOT_H_SELF_AS, va, 4096), 0);
}

static void test_reserve_is_kept_for_the_system(void)
{
    struct kmem_info m0, mi;
    k_mem_info(&m0);
    struct kas_info ai;
    CHECK_EQ(k_as_info(ROOT_H_SELF_AS, &ai), 0);
    CHECK_EQ(ai.system, 1); /* a root server's space */
    int forked = (int)k_as_fork(ROOT_H_SELF_AS);
    CHECK_EQ(k_as_info(forked, &ai), 0);
    CHECK_EQ(ai.system, 0); /* never a system space through a call */
    k_cap_delete(forked);
    CHECK(m0.reserve_frames >= 512);                      /* at least 2 MiB */
    /* about 1/64 of the RAM free at boot: the boot modules (the initrd most of all) are not */
    uint64_t initrd_frames = rt_boot->initrd_size / 4096;
    CHECK(m0.reserve_frames >= (m0.total_frames - initrd_frames) / 64 - 64);

    int ep = (int)k_ep_create();
    int p = clone_space();
    const uint64_t at = 0x50000000; /* where fault_code stores */
    CHECK_EQ(k_as_map(p, at, 4096, RW), 0);
    CHECK_EQ(poke(p, at, 1), 0);
    int c = (int)k_as_fork(p); /* the page is copy-on-write in c */

    /* a user allocation takes every frame but the reserve */
    int hog = (int)k_mem_create(4 * GIB, 0);
    CHECK_EQ(k_mem_commit(hog, 0, 4 * GIB), -KE_NOMEM);
    k_mem_info(&mi);
    CHECK_EQ(mi.free_frames, mi.reserve_frames);
    CHECK_EQ(poke(p, at, 2), -KE_FAULT); /* p's write needs a table and a page of its own */
    /* a copy-on-write fault in user space finds no frame: the fault message says so */
    int64_t t = spawn_foreign(c, fault_code, ep, ep, 0xC0, 0);
    int64_t r = k_recv(ep);
    struct ipc_buf *b = kipc();
    CHECK_EQ(b->label, IPC_LABEL_FAULT);
    CHECK_EQ(b->mr[2], at);
    CHECK_EQ(b->mr[4], KFAULT_NOMEM);
    CHECK_EQ(b->mr[1] & 3, 2); /* a write, reported not present (procmgr's OOM kill) */
    /* the system still gets frames: this server's own new memory */
    const uint64_t mine = 0x7000000000ull;
    CHECK_EQ(k_as_map(ROOT_H_SELF_AS, mine, 16 * 4096, RW), 0);
    int bad = 0;
    for (int i = 0; i < 16; i++)
        bad += poke(ROOT_H_SELF_AS, mine + 4096 * (uint64_t)i, 1) != 0;
    CHECK_EQ(bad, 0);
    CHECK_EQ(k_as_unmap(ROOT_H_SELF_AS, mine, 16 * 4096), 0);
    k_cap_delete(hog); /* memory back: the faulting thread goes on */
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[1], 0x77);
    CHECK_EQ(peek(p, at), 1);
    CHECK_EQ(peek(c, at), 0x77);
    k_thread_kill(t);
    k_cap_delete(r), k_cap_delete(t), k_cap_delete(p), k_cap_delete(c), k_cap_delete(ep);
    check_all_back(&m0);
}

/* ---- kernel objects freed with their holders ------------------------------------------------ */

static void drop_received_caps(void)
{
    struct ipc_buf *m = kipc();
    for (uint32_t i = 0; i < m->ncaps && i < IPC_CAPS_MAX; i++)
        k_cap_delete(m->caps[i]);
    m->ncaps = 0;
}

static void receiver(uint64_t ep) /* receives for ever, dropping what it is given */
{
    for (;;) {
        int64_t r = k_recv((int)ep);
        drop_received_caps();
        if (r > 0)
            k_cap_delete(r);
    }
}

static void caller(uint64_t ep)
{
    msg(1, 0);
    k_call((int)ep);
    drop_received_caps();
    k_recv((int)ep); /* blocks until killed (park() would make an endpoint of its own) */
}

/* a message carrying two capabilities (copies of a and b) in the IPC buffer */
static void msg_caps(int a, int b, uint32_t move)
{
    struct ipc_buf *m = kipc();
    m->label = 2;
    m->len = 0;
    m->ncaps = 2;
    m->caps[0] = a;
    m->caps[1] = b;
    m->cap_move = move;
}

/* One server made of a space, two endpoints and two threads, killed with messages in flight:
 * a send whose receiver dies before it runs, and a reply whose caller dies before it runs (each
 * carries capabilities nobody will read), then every handle deleted. */
static void leak_round(void)
{
    int ep = (int)k_ep_create(), ep2 = (int)k_ep_create();
    int as = clone_space();
    int64_t srv = spawn_native(as, receiver, (uint64_t)ep);
    int64_t cli = spawn_native(as, caller, (uint64_t)ep2);
    k_yield(); /* both block: srv in recv on ep, cli in call on ep2 */
    msg_caps(ep2, as, 0);
    k_send(ep);         /* delivered to srv, which has not run since */
    k_thread_kill(srv); /* ... and never will */
    int64_t r = k_recv(ep2);
    int e3 = (int)k_ep_create();
    msg_caps(e3, ep, 1); /* e3 moved: only the message names it now */
    k_reply(r);
    k_thread_kill(cli);
    kipc()->ncaps = 0;
    kipc()->cap_move = 0;
    k_cap_delete(srv), k_cap_delete(cli), k_cap_delete(as);
    k_cap_delete(ep), k_cap_delete(ep2);
}

/* as_page_id names shared memory by its object and offset, the same from every space that maps
 * it (procmgr's key for a futex on MAP_SHARED memory), and private memory by the address. */
static void test_page_id_names_shared_memory(void)
{
    int p = warm_space();
    const uint64_t a = 0x40000000, priv = 0x50000000;
    CHECK_EQ(k_as_map(p, a, 2 * 4096, RW | KMAP_SHARED), 0);
    CHECK_EQ(k_as_map(p, priv, 4096, RW), 0);
    int c = (int)k_as_fork(p);
    struct kpage_id x, y, z, w;
    CHECK_EQ(k_as_page_id(p, a + 4096 + 12, &x), 0);
    CHECK_EQ(k_as_page_id(c, a + 4096 + 12, &y), 0);
    CHECK(x.object != 0);
    CHECK_EQ(x.object, y.object);
    CHECK_EQ(x.offset, 4096 + 12);
    CHECK_EQ(y.offset, 4096 + 12);
    CHECK_EQ(k_as_page_id(p, priv + 8, &z), 0);
    CHECK_EQ(z.object, 0);
    CHECK_EQ(z.offset, priv + 8);
    /* another shared mapping is another object */
    CHECK_EQ(k_as_map(p, a + 0x100000, 4096, RW | KMAP_SHARED), 0);
    CHECK_EQ(k_as_page_id(p, a + 0x100000, &w), 0);
    CHECK(w.object != x.object);
    CHECK_EQ(k_as_page_id(p, 0x60000000, &z), -KE_FAULT);
    CHECK_EQ(k_as_page_id(p, a, (struct kpage_id *)8), -KE_FAULT);
    k_cap_delete(p);
    k_cap_delete(c);
}

static void test_killed_servers_leave_nothing(void)
{
    leak_round(); /* warm-up: first-use allocations */
    struct kmem_info a;
    k_mem_info(&a);
    for (int i = 0; i < 300; i++)
        leak_round();
    check_all_back(&a);
}

/* ---- long calls: bounded work per kernel entry ------------------------------------------------ */

#define LONG_BYTES (256ull << 20)
static volatile int64_t long_result = 1;
static uint8_t long_src[1 << 20]; /* the copy's source: 1 MiB, copied 64 times over */

/* A thread below the runner's priority making long calls: a 256 MiB commit, then 64 MiB of
 * checked copies into a space of its own (as_copy, as_write) */
static void long_caller(uint64_t mem)
{
    int64_t r = k_mem_commit((int)mem, 0, LONG_BYTES);
    int s = (int)k_as_create();
    const uint64_t at = 0x40000000;
    if (r == 0)
        r = k_as_map(s, at, 64 << 20, RW);
    for (int i = 0; r == 0 && i < 64; i++)
        r = k_as_write(s, at + ((uint64_t)i << 20), long_src, sizeof long_src);
    if (r == 0)
        r = k_as_copy(s, at, s, at + (32 << 20), 32 << 20);
    k_cap_delete(s);
    long_result = r;
    for (;;) /* until killed (park() would make an endpoint of its own) */
        k_yield();
}

/* Kernel calls run with interrupts off: one whose size the caller chooses (a commit, a checked
 * copy) does a bounded part per entry and is made again from its SYSCALL instruction, so a timer
 * of a higher-priority thread fires on time meanwhile. Reported, not asserted (wall time under
 * TCG varies); before the bound the runner waited for the whole commit (seconds). */
static void test_long_calls_take_interrupts(void)
{
    struct kmem_info m0;
    k_mem_info(&m0);
    int ep = (int)k_ep_create();
    int mem = (int)k_mem_create(LONG_BYTES, 0);
    uint64_t f0 = free_frames();
    int sp = clone_space(); /* its stack and pages go with the space */
    const uint64_t res = (uint64_t)&long_result; /* 1 in the copy until the calls are done */
    uint64_t ipc;
    uint64_t top = new_stack(sp, &ipc);
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FPU_INIT;
    cfg.priority = 1; /* below the runner: it runs whenever the runner waits */
    cfg.fault_ep = -1;
    cfg.ipc_buf = ipc;
    cfg.regs.rip = (uint64_t)long_caller;
    cfg.regs.rsp = top - 8;
    cfg.regs.rdi = (uint64_t)mem;
    int64_t t = k_thread_create(sp, &cfg);
    CHECK(t > 0);
    uint64_t worst = 0, naps = 0, t0 = k_clock_ns();
    while (peek(sp, res) == 1 && k_clock_ns() - t0 < 60000000000ull) {
        uint64_t due = k_clock_ns() + 2000000;
        k_timer_set(ep, 1, due);
        k_recv(ep);
        uint64_t late = k_clock_ns() - due;
        worst = late > worst ? late : worst;
        naps++;
    }
    CHECK_EQ(peek(sp, res), 0);
    printf("    note: 256 MiB committed and 96 MiB copied in %lu ms; the runner's longest wait past "
           "its 2 ms timer meanwhile: %lu us (%lu naps)\n",
           (unsigned long)((k_clock_ns() - t0) / 1000000), (unsigned long)(worst / 1000),
           (unsigned long)naps);
    CHECK(f0 - free_frames() >= LONG_BYTES / 4096); /* every page allocated */
    k_thread_kill(t);
    k_cap_delete(sp);
    k_cap_delete(t), k_cap_delete(mem), k_cap_delete(ep);
    check_all_back(&m0);
}

/* Space-to-space copies whose two sides sit differently in their pages (three chunks a page),
 * over five pages: between two spaces, out of a fork's shared pages into pages not touched yet,
 * and within one space (each side's page is looked up as the copy enters it, the destination's
 * first). */
static uint8_t copy_src[5 * 4096], copy_dst[5 * 4096];
static void test_copy_across_pages(void)
{
    int p = warm_space(), q = warm_space();
    const uint64_t a = 0x40000000;
    const uint64_t len = 4 * 4096 + 1000;
    CHECK_EQ(k_as_map(p, a, 12 * 4096, RW), 0);
    CHECK_EQ(k_as_map(q, a, 6 * 4096, RW), 0);
    for (size_t i = 0; i < sizeof copy_src; i++)
        copy_src[i] = (uint8_t)(i * 7 + 3);
    CHECK_EQ(k_as_write(p, a + 100, copy_src, len), 0);
    int c = (int)k_as_fork(p);   /* p's pages now shared with c */
    CHECK(c > 0);
    /* between spaces, from c's shared pages into q's untouched ones */
    CHECK_EQ(k_as_copy(c, a + 100, q, a + 3000, len), 0);
    memset(copy_dst, 0, sizeof copy_dst);
    CHECK_EQ(k_as_read(q, a + 3000, copy_dst, len), 0);
    CHECK_EQ(memcmp(copy_dst, copy_src, len), 0);
    /* within p, from its shared pages into its own untouched ones further up */
    CHECK_EQ(k_as_copy(p, a + 100, p, a + 6 * 4096 + 2500, len), 0);
    memset(copy_dst, 0, sizeof copy_dst);
    CHECK_EQ(k_as_read(p, a + 6 * 4096 + 2500, copy_dst, len), 0);
    CHECK_EQ(memcmp(copy_dst, copy_src, len), 0);
    /* and back into the shared pages (copy-on-write broken in p only) */
    CHECK_EQ(k_as_copy(q, a + 3000 + 8, p, a + 100, len - 8), 0);
    CHECK_EQ(k_as_read(p, a + 100, copy_dst, len - 8), 0);
    CHECK_EQ(memcmp(copy_dst, copy_src + 8, len - 8), 0);
    CHECK_EQ(k_as_read(c, a + 100, copy_dst, len), 0);
    CHECK_EQ(memcmp(copy_dst, copy_src, len), 0);   /* c still has what p had at the fork */
    /* a copy running past the mapping fails */
    CHECK_EQ(k_as_copy(p, a + 11 * 4096, q, a, 2 * 4096), -KE_FAULT);
    k_cap_delete(c), k_cap_delete(q), k_cap_delete(p);
}

const struct kcore_test kcore_mem_tests[] = {
    {"huge_map_commits_nothing", test_huge_map_commits_nothing},
    {"map_unmap_64g_100_times", test_map_unmap_64g_100_times},
    {"unmap_and_protect_keep_the_rest", test_unmap_and_protect_keep_the_rest},
    {"ipc_buf_on_a_mapped_page", test_ipc_buf_on_a_mapped_page},
    {"fork_isolates_both_ways", test_fork_isolates_both_ways},
    {"fork_user_faults_copy_on_write", test_fork_user_faults_copy_on_write},
    {"fork_shares_page_tables", test_fork_shares_page_tables},
    {"shared_anonymous_memory_survives_fork", test_shared_anonymous_memory_survives_fork},
    {"memory_object_mappings_and_rights", test_memory_object_mappings_and_rights},
    {"memory_object_shrink_and_commit", test_memory_object_shrink_and_commit},
    {"clock_page", test_clock_page},
    {"reserve_is_kept_for_the_system", test_reserve_is_kept_for_the_system},
    {"page_id_names_shared_memory", test_page_id_names_shared_memory},
    {"killed_servers_leave_nothing", test_killed_servers_leave_nothing},
    {"long_calls_take_interrupts", test_long_calls_take_interrupts},
    {"copy_across_pages", test_copy_across_pages},
    {NULL, NULL},
};

/* ---- kbench: the memory layer's costs, in instructions (-icount) -------------------------------- */

static uint64_t median7(uint64_t *v)
{
    for (int i = 0; i < 7; i++)
        for (int j = i + 1; j < 7; j++)
            if (v[j] < v[i]) {
                uint64_t x = v[i];
                v[i] = v[j];
                v[j] = x;
            }
    return v[3];
}

void kcore_mem_bench(void)
{
    const uint64_t va = 0x7100000000ull, pages = 1024;
    uint64_t t[7];
    /* first touch of a page (a user-mode fault resolved in the kernel) */
    for (int b = 0; b < 7; b++) {
        k_as_map(ROOT_H_SELF_AS, va, pages * 4096, RW);
        uint64_t t0 = k_rdtsc();
        for (uint64_t i = 0; i < pages; i++)
            *(volatile uint64_t *)(va + i * 4096) = i;
        t[b] = k_rdtsc() - t0;
        k_as_unmap(ROOT_H_SELF_AS, va, pages * 4096);
    }
    printf("BENCH kernel_first_touch %lu instr\n", median7(t) / pages);
    /* map, touch and unmap one page of one's own space */
    for (int b = 0; b < 7; b++) {
        uint64_t t0 = k_rdtsc();
        for (int i = 0; i < 256; i++) {
            k_as_map(ROOT_H_SELF_AS, va, 4096, RW);
            *(volatile uint64_t *)va = 1;
            k_as_unmap(ROOT_H_SELF_AS, va, 4096);
        }
        t[b] = k_rdtsc() - t0;
    }
    printf("BENCH kernel_map_touch_unmap %lu instr\n", median7(t) / 256);
    /* fork of a space with 256 MiB written, and its destruction */
    int p = (int)k_as_create();
    const uint64_t len = 256ull << 20, chunk = 1 << 20;
    uint8_t *buf = malloc(chunk);
    memset(buf, 1, chunk);
    k_as_map(p, 0x40000000, len, RW);
    for (uint64_t off = 0; off < len; off += chunk)
        k_as_write(p, 0x40000000 + off, buf, chunk);
    free(buf);
    uint64_t d[7];
    for (int b = 0; b < 7; b++) {
        uint64_t t0 = k_rdtsc();
        int c = (int)k_as_fork(p);
        t[b] = k_rdtsc() - t0;
        t0 = k_rdtsc();
        k_cap_delete(c);
        d[b] = k_rdtsc() - t0;
    }
    printf("BENCH kernel_as_fork_256m %lu instr\n", median7(t));
    printf("BENCH kernel_as_fork_256m_destroy %lu instr\n", median7(d));
    k_cap_delete(p);
}
