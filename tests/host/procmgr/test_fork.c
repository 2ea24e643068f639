/* Host tests of fork and clone without CLONE_VM (issue 11): the child's memory is a copy
 * (env->as_fork) with its own bookkeeping, the caller is answered at once with the pid (or parked
 * with CLONE_VFORK), registers as the caller's with RAX=0, the tid words, CLONE_SETTLS,
 * CLONE_PARENT, other exit signals, dispositions, mask and pending signals, the limits (EAGAIN),
 * failures that leave nothing behind, and forks of forks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/resource.h>
#include <lx/sched.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "fake_env.h"
#include "pm_internal.h"

/* clone(flags, stack, ptid, ctid, tls) from `parent` that must answer at once: the child's pid. */
static uint64_t do_fork(fake_t *fk, uint64_t parent, uint64_t flags, uint64_t stack, uint64_t ptid,
                        uint64_t ctid, uint64_t tls)
{
    int mark = fk->nev;
    int64_t r = fk_sys(fk, parent, LX_SYS_clone, flags, stack, ptid, ctid, tls, 0);
    assert_true(r > 0);
    assert_int_equal(fk_created_after(fk, mark), (uint64_t)r);
    return (uint64_t)r;
}

static void child_exit(fake_t *fk, uint64_t child, int code)
{
    uint64_t tok = fk_call(fk, child, LX_SYS_exit_group, (uint64_t)code, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
}

static void test_fork_copies_memory_and_answers_at_once(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t word = fk_ubuf_bytes(&u, "before", 7);
    pm_regs_t before = fk_thread_of(fk, 1)->regs;
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0);
    uint64_t child = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);   /* not parked */
    /* a space of its own, made by as_fork of the parent's, before the thread */
    fk_thread_t *c = fk_thread_of(fk, child);
    assert_int_not_equal(c->space, fk_thread_of(fk, 1)->space);
    int af = fk_find_event(fk, mark, FK_EV_AS_FORK, false, 0);
    assert_true(af >= 0);
    assert_int_equal(fk->ev[af].z, (uint64_t)c->space);
    assert_int_equal(fk_count_events(fk, FK_EV_AS_DUP, false, 0), 0);
    assert_true(af < fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0));
    int vc = fk_find_event(fk, mark, FK_EV_VFS_CREATE, true, child);
    assert_true(vc >= 0);
    assert_int_equal(fk->ev[vc].y, 1);   /* the parent's descriptors */
    /* registers: the caller's, RAX=0, its own stack pointer */
    pm_regs_t expect = before;
    expect.rax = 0;
    assert_memory_equal(&c->regs, &expect, sizeof(expect));
    /* isolation both ways */
    char got[8];
    assert_int_equal(fk_mem_read(fk, child, got, word, 7), 0);
    assert_string_equal(got, "before");
    assert_int_equal(fk_mem_write(fk, child, word, "child", 6), 0);
    assert_int_equal(fk_mem_read(fk, 1, got, word, 7), 0);
    assert_string_equal(got, "before");
    assert_int_equal(fk_mem_write(fk, 1, word, "parent", 7), 0);
    assert_int_equal(fk_mem_read(fk, child, got, word, 6), 0);
    assert_string_equal(got, "child");
    assert_int_equal(fk_sys(fk, child, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    child_exit(fk, child, 7);
    int status;
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, &status), (int64_t)child);
    assert_true(LX_WIFEXITED(status));
    assert_int_equal(LX_WEXITSTATUS(status), 7);
    assert_int_equal(fk_held_tokens(fk), 0);
    assert_int_equal(fk_live_spaces(fk), 1);
    fk_free(fk);
}

/* The child's memory bookkeeping is its own: mappings made after the fork do not collide. */
static void test_fork_bookkeeping_is_separate(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t child = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    int64_t a = fk_sys(fk, child, LX_SYS_mmap, 0, 8192, LX_PROT_READ | LX_PROT_WRITE,
                       LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    int64_t b = fk_sys(fk, 1, LX_SYS_mmap, 0, 8192, LX_PROT_READ | LX_PROT_WRITE,
                       LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(a > 0 && b > 0);
    assert_int_equal(a, b);   /* the same free gap in two separate spaces */
    assert_int_equal(fk_sys(fk, child, LX_SYS_munmap, (uint64_t)a, 8192, 0, 0, 0, 0), 0);
    assert_int_equal(fk_page_prot(fk, fk_thread_of(fk, 1)->space, (uint64_t)b) >= 0, 1);
    /* brk moves independently */
    int64_t brk0 = fk_sys(fk, 1, LX_SYS_brk, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_sys(fk, child, LX_SYS_brk, (uint64_t)brk0 + 65536, 0, 0, 0, 0, 0),
                     brk0 + 65536);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_brk, 0, 0, 0, 0, 0, 0), brk0);
    child_exit(fk, child, 0);
    fk_free(fk);
}

static void test_tid_words_and_tls(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t ptid = fk_ubuf_zero(&u, 4), ctid = fk_ubuf_zero(&u, 4);
    uint64_t flags = LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID | LX_CLONE_PARENT_SETTID |
                     LX_CLONE_SETTLS | LX_SIGCHLD;
    uint64_t child = do_fork(fk, 1, flags, 0, ptid, ctid, 0x7000123000ull);
    int32_t v;
    /* CHILD_SETTID: in the child's memory only; PARENT_SETTID: in the parent's only */
    assert_int_equal(fk_mem_read(fk, child, &v, ctid, 4), 0);
    assert_int_equal(v, (int32_t)child);
    assert_int_equal(fk_mem_read(fk, 1, &v, ctid, 4), 0);
    assert_int_equal(v, 0);
    assert_int_equal(fk_mem_read(fk, 1, &v, ptid, 4), 0);
    assert_int_equal(v, (int32_t)child);
    assert_int_equal(fk_mem_read(fk, child, &v, ptid, 4), 0);
    assert_int_equal(v, 0);
    assert_int_equal(fk_thread_of(fk, child)->regs.fs_base, 0x7000123000ull);
    /* CHILD_CLEARTID: the word is cleared when the child's thread ends */
    child_exit(fk, child, 0);
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, NULL), (int64_t)child);
    /* bad tid pointers are ignored, as Linux ignores a failed store there */
    uint64_t c2 = do_fork(fk, 1, LX_CLONE_CHILD_SETTID | LX_CLONE_PARENT_SETTID | LX_SIGCHLD, 0,
                          0x10, 0x20, 0);
    child_exit(fk, c2, 0);
    assert_int_equal(fk_wait(fk, 1, (int32_t)c2, 0, NULL), (int64_t)c2);
    fk_free(fk);
}

/* clone(CLONE_VFORK|SIGCHLD) without CLONE_VM: a copy, and the caller parked until exit/exec. */
static void test_vfork_without_vm_parks_on_a_copy(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_clone, LX_CLONE_VFORK | LX_SIGCHLD, 0, 0, 0, 0, 0);
    uint64_t child = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_true(fk_find_event(fk, mark, FK_EV_AS_FORK, false, 0) >= 0);
    assert_int_not_equal(fk_thread_of(fk, child)->space, fk_thread_of(fk, 1)->space);
    child_exit(fk, child, 3);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    fk_free(fk);
}

/* CLONE_VM without CLONE_VFORK: shared memory, the caller answered at once. */
static void test_clone_vm_without_vfork(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t child = do_fork(fk, 1, LX_CLONE_VM | LX_SIGCHLD, 0x7ffff0001000ull, 0, 0, 0);
    assert_int_equal(fk_thread_of(fk, child)->space, fk_thread_of(fk, 1)->space);
    assert_int_equal(fk_thread_of(fk, child)->regs.rsp, 0x7ffff0001000ull);
    child_exit(fk, child, 0);
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, NULL), (int64_t)child);
    fk_free(fk);
}

/* Another exit signal (or none), CLONE_PARENT, and the wait rules that go with them. */
static void test_exit_signals_and_clone_parent(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t mid = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    /* a child with SIGURG as its exit signal (ignored by default, so the parent lives): a
     * "clone child", seen only with __WCLONE */
    uint64_t c1 = do_fork(fk, mid, LX_SIGURG, 0, 0, 0, 0);
    child_exit(fk, c1, 1);
    assert_int_equal(fk_wait(fk, mid, -1, LX_WNOHANG, NULL), -LX_ECHILD);
    assert_int_equal(fk_wait(fk, mid, -1, LX___WCLONE | LX_WNOHANG, NULL), (int64_t)c1);
    /* no exit signal at all: still waitable with __WALL */
    uint64_t c2 = do_fork(fk, mid, 0, 0, 0, 0, 0);
    child_exit(fk, c2, 2);
    assert_int_equal(fk_wait(fk, mid, -1, LX___WALL, NULL), (int64_t)c2);
    /* CLONE_PARENT: a sibling of the caller, its parent's child, with the caller's own exit
     * signal (SIGCHLD), not the one asked for: init reaps it with a plain wait */
    uint64_t sib = do_fork(fk, mid, LX_CLONE_PARENT | LX_SIGWINCH, 0, 0, 0, 0);
    assert_int_equal(fk_sys(fk, sib, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    child_exit(fk, sib, 4);
    assert_int_equal(fk_wait(fk, mid, (int32_t)sib, LX_WNOHANG, NULL), -LX_ECHILD);
    int status;
    assert_int_equal(fk_wait(fk, 1, (int32_t)sib, 0, &status), (int64_t)sib);
    assert_int_equal(LX_WEXITSTATUS(status), 4);
    child_exit(fk, mid, 0);
    assert_int_equal(fk_wait(fk, 1, (int32_t)mid, 0, NULL), (int64_t)mid);
    fk_free(fk);
}

/* Handlers and the mask are copied, pending signals are not; CLONE_CLEAR_SIGHAND is clone3's,
 * checked in the flag table. */
static void test_signals_across_fork(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t par = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);   /* not init: init ignores kill */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, par, 4096);
    struct lx_sigaction act = {.sa_handler = 0x401500, .sa_flags = LX_SA_RESTORER,
                               .sa_restorer = 0x401600};
    uint64_t act_va = fk_ubuf_bytes(&u, &act, sizeof(act));
    uint64_t old_va = fk_ubuf_zero(&u, sizeof(act));
    uint64_t mask = LX_SIGBIT(LX_SIGUSR2);
    uint64_t mask_va = fk_ubuf_bytes(&u, &mask, 8);
    uint64_t pend_va = fk_ubuf_zero(&u, 8);
    assert_int_equal(fk_sys(fk, par, LX_SYS_rt_sigaction, LX_SIGUSR1, act_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, par, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, mask_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, par, LX_SYS_kill, par, LX_SIGUSR2, 0, 0, 0, 0), 0);   /* pending */
    uint64_t child = do_fork(fk, par, LX_SIGCHLD, 0, 0, 0, 0);
    struct lx_sigaction got;
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigaction, LX_SIGUSR1, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, child, &got, old_va, sizeof(got)), 0);
    assert_int_equal(got.sa_handler, act.sa_handler);
    uint64_t v = 0;
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, child, &v, old_va, 8), 0);
    assert_int_equal(v, mask);
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigpending, pend_va, 8, 0, 0, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, child, &v, pend_va, 8), 0);
    assert_int_equal(v, 0);
    assert_int_equal(fk_sys(fk, par, LX_SYS_rt_sigpending, pend_va, 8, 0, 0, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, par, &v, pend_va, 8), 0);
    assert_int_equal(v, LX_SIGBIT(LX_SIGUSR2));
    child_exit(fk, child, 0);
    fk_free(fk);
}

/* RLIMIT_NPROC and the system's limit give EAGAIN, and nothing is made. */
static void test_limits_eagain(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk->pm->proc_max = 64;   /* a small machine's limit (the fake's handles run out past 256) */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_rlimit lim = {3, 3};
    uint64_t lim_va = fk_ubuf_bytes(&u, &lim, sizeof(lim));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_setrlimit, LX_RLIMIT_NPROC, lim_va, 0, 0, 0, 0), 0);
    uint64_t a = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    uint64_t b = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    int events = fk->nev;
    assert_int_equal(fk_sys(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0), -LX_EAGAIN);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_vfork, 0, 0, 0, 0, 0, 0), -LX_EAGAIN);
    assert_int_equal(fk_count_events(fk, FK_EV_AS_FORK, false, 0), 2);
    assert_int_equal(fk_find_event(fk, events, FK_EV_THREAD_CREATE, false, 0), -1);
    /* a zombie still counts until it is reaped */
    child_exit(fk, a, 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0), -LX_EAGAIN);
    assert_int_equal(fk_wait(fk, 1, (int32_t)a, 0, NULL), (int64_t)a);
    uint64_t c = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    child_exit(fk, b, 0);
    child_exit(fk, c, 0);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL) > 0, 1);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL) > 0, 1);
    /* the system's limit, whatever the rlimit says */
    lim = (struct lx_rlimit){LX_RLIM_INFINITY, LX_RLIM_INFINITY};
    lim_va = fk_ubuf_bytes(&u, &lim, sizeof(lim));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_setrlimit, LX_RLIMIT_NPROC, lim_va, 0, 0, 0, 0), 0);
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    int made = 0;
    int64_t r;
    uint64_t kids[1024];
    while ((r = fk_sys(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0)) > 0 && made < 1024)
        kids[made++] = (uint64_t)r;
    assert_int_equal(r, -LX_EAGAIN);
    assert_true(made > 10 && made < 1024);
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.live, made + 1);
    /* killing the bomb frees the slots */
    for (int i = 0; i < made; i++)
        child_exit(fk, kids[i], 0);
    for (int i = 0; i < made; i++)
        assert_true(fk_wait(fk, 1, -1, 0, NULL) > 0);
    uint64_t again = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    child_exit(fk, again, 0);
    fk_free(fk);
}

/* as_fork failing (no memory) gives ENOMEM and leaves no process, thread or space behind. */
static void test_as_fork_failure_leaves_nothing(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int spaces = fk_live_spaces(fk), handles = fk_live_handles(fk);
    fk->fail_as_fork = -LX_ENOMEM;
    assert_int_equal(fk_sys(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0), -LX_ENOMEM);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 1);
    assert_int_equal(fk_live_spaces(fk), spaces);
    assert_int_equal(fk_live_handles(fk), handles);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_CREATE, false, 0), 1);   /* init's only */
    /* thread_create failing after the copy: the copy and the vfs record go again */
    fk->fail_thread_create = -LX_ENOMEM;
    assert_int_equal(fk_sys(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0), -LX_ENOMEM);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 1);
    assert_int_equal(fk_live_spaces(fk), spaces);
    assert_int_equal(fk_live_handles(fk), handles);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_EXIT, false, 0), 1);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

/* A fork of a fork; the middle one dies and its child goes to init; posix_spawn inside a
 * forked child. */
static void test_nested_forks_and_reparenting(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t mid = do_fork(fk, 1, LX_SIGCHLD, 0, 0, 0, 0);
    uint64_t grand = do_fork(fk, mid, LX_SIGCHLD, 0, 0, 0, 0);
    assert_int_equal(fk_sys(fk, grand, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), (int64_t)mid);
    assert_int_not_equal(fk_thread_of(fk, grand)->space, fk_thread_of(fk, mid)->space);
    child_exit(fk, mid, 0);
    assert_int_equal(fk_sys(fk, grand, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    /* the grandchild spawns (clone 0x4111) from its own copy */
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, grand, LX_SYS_clone, 0x4111, 0x7ffff0001230ull, 0, 0, 0, 0);
    uint64_t spawned = fk_created_after(fk, mark);
    assert_int_equal(fk_thread_of(fk, spawned)->space, fk_thread_of(fk, grand)->space);
    child_exit(fk, spawned, 127);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)spawned);
    assert_int_equal(fk_wait(fk, grand, (int32_t)spawned, 0, NULL), (int64_t)spawned);
    child_exit(fk, grand, 0);
    assert_int_equal(fk_wait(fk, 1, (int32_t)mid, 0, NULL), (int64_t)mid);
    assert_int_equal(fk_wait(fk, 1, (int32_t)grand, 0, NULL), (int64_t)grand);
    assert_int_equal(fk_live_spaces(fk), 1);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

/* MAP_SHARED anonymous memory is asked of the kernel as shared (it must stay one memory across
 * as_fork); MAP_PRIVATE is not; madvise(DONTNEED) leaves shared memory alone. */
static void test_map_shared_is_shared(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int64_t s = fk_sys(fk, 1, LX_SYS_mmap, 0, 8192, LX_PROT_READ | LX_PROT_WRITE,
                       LX_MAP_SHARED | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(s > 0);
    assert_int_equal(fk->last_map_prot, LX_PROT_READ | LX_PROT_WRITE | PM_AS_SHARED);
    int64_t p = fk_sys(fk, 1, LX_SYS_mmap, 0, 8192, LX_PROT_READ | LX_PROT_WRITE,
                       LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(p > 0);
    assert_int_equal(fk->last_map_prot, LX_PROT_READ | LX_PROT_WRITE);
    assert_int_equal(fk_mem_write(fk, 1, (uint64_t)s, "keep", 5), 0);
    int maps = fk_count_events(fk, FK_EV_AS_MAP, false, 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_madvise, (uint64_t)s, 8192, LX_MADV_DONTNEED, 0, 0, 0),
                     0);
    assert_int_equal(fk_count_events(fk, FK_EV_AS_MAP, false, 0), maps);
    char got[5];
    assert_int_equal(fk_mem_read(fk, 1, got, (uint64_t)s, 5), 0);
    assert_string_equal(got, "keep");
    /* a shared and a private mapping side by side stay two entries (no merge) */
    int64_t s2 = fk_sys(fk, 1, LX_SYS_mmap, (uint64_t)p + 8192, 4096, LX_PROT_READ | LX_PROT_WRITE,
                        LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED, (uint64_t)-1, 0);
    assert_int_equal(s2, p + 8192);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_madvise, (uint64_t)p, 12288, LX_MADV_DONTNEED, 0, 0, 0),
                     0);
    /* only the private part was remapped */
    int last = fk_find_event(fk, 0, FK_EV_AS_MAP, false, 0), i;
    while ((i = fk_find_event(fk, last + 1, FK_EV_AS_MAP, false, 0)) >= 0)
        last = i;
    assert_int_equal(fk->ev[last].y, (uint64_t)p);
    assert_int_equal(fk->ev[last].z, 8192);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_copies_memory_and_answers_at_once),
        cmocka_unit_test(test_fork_bookkeeping_is_separate),
        cmocka_unit_test(test_tid_words_and_tls),
        cmocka_unit_test(test_vfork_without_vm_parks_on_a_copy),
        cmocka_unit_test(test_clone_vm_without_vfork),
        cmocka_unit_test(test_exit_signals_and_clone_parent),
        cmocka_unit_test(test_signals_across_fork),
        cmocka_unit_test(test_limits_eagain),
        cmocka_unit_test(test_as_fork_failure_leaves_nothing),
        cmocka_unit_test(test_nested_forks_and_reparenting),
        cmocka_unit_test(test_map_shared_is_shared),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
