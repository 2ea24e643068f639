/* Host tests of threads in procmgr (issue 15): what CLONE_THREAD makes (a kernel thread in the
 * process's space, tid from the pid space, the tid words, TLS), exit of one thread against
 * exit_group and death (every thread ended wherever it is blocked: futex, sleep, vfs, vfork
 * park; tokens dropped exactly once), CLONE_CHILD_CLEARTID cleared and woken only after the
 * kernel thread is gone, the main thread ending first, execve's de-thread (the others ended, the
 * exec'ing thread takes the pid, keeps its badge, dispositions unshared), signals for threads
 * (tgkill pending on one thread, a process signal taken by a thread that does not block it,
 * rt_sigpending per thread), rt_sigtimedwait (at once, later, timeout, EINTR), and vfork from a
 * threaded parent parking only the calling thread. */
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
#include <lx/futex.h>
#include <lx/sched.h>
#include <lx/signal.h>
#include <lx/ptrace.h>
#include <lx/syscalls.h>
#include <lx/time.h>
#include <lx/wait.h>
#include "fake_env.h"
#include "pm_internal.h"

#define SYS FK_SYS
#define STACK_SIZE (64 * 1024)

/* A fresh stack in badge's process: its top. */
static uint64_t stack_top(fake_t *fk, uint64_t badge)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, STACK_SIZE);
    return u.base + STACK_SIZE - 64;
}

#define word_at fk_word_new
#define word_of fk_word_get

static uint64_t new_thread(fake_t *fk, uint64_t badge, uint64_t ctid)
{
    return fk_thread_new(fk, badge, stack_top(fk, badge), ctid);
}

static void sigaction_of(fake_t *fk, uint64_t badge, int sig, uint64_t handler)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    struct lx_sigaction a = {.sa_handler = handler, .sa_flags = LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    uint64_t ua = fk_ubuf_bytes(&u, &a, sizeof a);
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigaction, (uint64_t)sig, ua, 0, 8), 0);
}

static void block(fake_t *fk, uint64_t badge, int how, int sig)
{
    uint64_t set = LX_SIGBIT(sig);
    uint64_t u = word_at(fk, badge, 0);
    assert_int_equal(fk_mem_write(fk, badge, u, &set, 8), 0);
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigprocmask, (uint64_t)how, u, 0, 8), 0);
}

static uint64_t pending_of(fake_t *fk, uint64_t badge)
{
    uint64_t u = word_at(fk, badge, 0), set = 0;
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigpending, u, 8), 0);
    assert_int_equal(fk_mem_read(fk, badge, &set, u, 8), 0);
    return set;
}

static bool futex_queues_empty(fake_t *fk)
{
    for (int b = 0; b < PM_FUTEX_BUCKETS; b++)
        if (fk->pm->futex_head[b] || fk->pm->futex_tail[b])
            return false;
    return true;
}

static int status_threads(fake_t *fk, int32_t pid)
{
    char buf[4096];
    int64_t n = pm_procfs_format(fk->pm, pid, PM_PROCFS_STATUS, 0, buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = 0;
    const char *p = strstr(buf, "\nThreads:\t");
    assert_non_null(p);
    return atoi(p + 10);
}

static void test_thread_create(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t stack = stack_top(fk, c), ptid = word_at(fk, c, 0), ctid = word_at(fk, c, 0);
    int mark = fk->nev;
    /* musl's pthread_create: VM FS FILES SIGHAND THREAD SYSVSEM SETTLS PARENT_SETTID
     * CHILD_CLEARTID DETACHED */
    int64_t tid = SYS(fk, c, LX_SYS_clone, 0x7d0f00, stack, ptid, ctid, 0x7000001000ull);
    assert_true(tid > (int64_t)c);
    int i = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    assert_true(i >= 0);
    assert_int_equal(fk->ev[i].y, (uint64_t)tid);                  /* the badge is the tid */
    assert_int_equal(fk->ev[i].z, (uint64_t)fk_thread_of(fk, c)->space);   /* the same space */
    fk_thread_t *th = fk_thread_of(fk, (uint64_t)tid);
    assert_int_equal(th->regs.rax, 0);
    assert_int_equal(th->regs.rsp, stack);
    assert_int_equal(th->regs.fs_base, 0x7000001000ull);
    assert_int_equal(word_of(fk, c, ptid), (uint32_t)tid);   /* CLONE_PARENT_SETTID */
    /* no new process, no vfs call, no new space */
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_CREATE, true, (uint64_t)tid), 0);
    assert_int_equal(fk_find_event(fk, mark, FK_EV_AS_DUP, false, 0), -1);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 2);
    /* ids seen from it */
    assert_int_equal(SYS(fk, (uint64_t)tid, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(SYS(fk, (uint64_t)tid, LX_SYS_gettid), tid);
    assert_int_equal(SYS(fk, (uint64_t)tid, LX_SYS_getppid), 1);
    assert_int_equal(status_threads(fk, (int32_t)c), 2);
    /* CLONE_CHILD_SETTID writes the tid in the (shared) memory */
    uint64_t w = word_at(fk, c, 0);
    int64_t t2 = SYS(fk, c, LX_SYS_clone,
                     LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND |
                         LX_CLONE_THREAD | LX_CLONE_CHILD_SETTID,
                     stack_top(fk, c), 0, w, 0);
    assert_true(t2 > tid);
    assert_int_equal(word_of(fk, c, w), (uint32_t)t2);
    assert_int_equal(status_threads(fk, (int32_t)c), 3);
    /* a thread of a thread is the process's thread */
    uint64_t t3 = new_thread(fk, (uint64_t)t2, 0);
    assert_int_equal(SYS(fk, t3, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(status_threads(fk, (int32_t)c), 4);
    fk_free(fk);
}

/* exit ends one thread; its CLONE_CHILD_CLEARTID word is cleared and one waiter woken, after the
 * kernel thread is destroyed (the joiner may free the stack at once). */
static void test_exit_one_thread_clear_tid(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t ctid = word_at(fk, c, 0);
    uint64_t t = new_thread(fk, c, ctid);
    assert_int_equal(fk_mem_write(fk, c, ctid, &(uint32_t){(uint32_t)t}, 4), 0);
    /* the joiner waits on the tid word (non-private, as musl's __tl_sync) */
    uint64_t join = FK_CALL(fk, c, LX_SYS_futex, ctid, LX_FUTEX_WAIT, t, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, join), FK_TOK_HELD);
    int h = fk_thread_handle_of(fk, t);
    int mark = fk->nev;
    uint64_t tok = FK_CALL(fk, t, LX_SYS_exit, 5);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    int destroyed = fk_find_event(fk, mark, FK_EV_THREAD_DESTROY, true, (uint64_t)h);
    int woken = fk_find_event(fk, mark, FK_EV_REPLY, true, join);
    assert_true(destroyed >= 0 && woken > destroyed);
    assert_int_equal(fk_tok_value(fk, join), 0);
    assert_int_equal(word_of(fk, c, ctid), 0);
    /* the process lives on */
    assert_int_equal(SYS(fk, c, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(status_threads(fk, (int32_t)c), 1);
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, LX_WNOHANG, NULL), 0);
    /* the last thread's exit is the process's */
    int st = 0;
    (void)FK_CALL(fk, c, LX_SYS_exit, 6);
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_int_equal(st, 6 << 8);
    assert_true(futex_queues_empty(fk));
    fk_free(fk);
}

/* The main thread goes first; the process reports its last thread's code. */
static void test_main_thread_exits_first(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t t = new_thread(fk, c, 0);
    (void)FK_CALL(fk, c, LX_SYS_exit, 3);
    assert_null(fk_thread_of(fk, c));
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, LX_WNOHANG, NULL), 0);   /* alive */
    assert_int_equal(SYS(fk, t, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, 0), 0);
    /* the pid stays the process's: no new thread or process gets it */
    uint64_t t2 = new_thread(fk, t, 0);
    assert_true(t2 != c);
    (void)FK_CALL(fk, t2, LX_SYS_exit, 1);
    int st = 0;
    (void)FK_CALL(fk, t, LX_SYS_exit, 9);
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_int_equal(st, 9 << 8);
    fk_free(fk);
}

/* exit_group ends every thread wherever it waits: a futex, a sleep, vfs, a vfork park. */
static void test_exit_group_ends_blocked_threads(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t tf = new_thread(fk, c, 0), ts = new_thread(fk, c, 0), tv = new_thread(fk, c, 0),
             tk = new_thread(fk, c, 0);
    uint64_t w = word_at(fk, c, 0);
    uint64_t futex = FK_CALL(fk, tf, LX_SYS_futex, w, (LX_FUTEX_WAIT | LX_FUTEX_PRIVATE_FLAG), 0, 0, 0, 0);
    uint64_t tsp = word_at(fk, c, 0);
    struct lx_timespec ten = {10, 0};
    assert_int_equal(fk_mem_write(fk, c, tsp, &ten, sizeof ten), 0);
    uint64_t sleep = FK_CALL(fk, ts, LX_SYS_nanosleep, tsp, 0);
    uint64_t read = fk_call_blocked_in_vfs(fk, tv, LX_SYS_read, (uint64_t[6]){0, w, 1});
    int mark = fk->nev;
    uint64_t vfork = FK_CALL(fk, tk, LX_SYS_clone, 0x4111, stack_top(fk, c));
    uint64_t g = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, futex), FK_TOK_HELD);
    assert_int_equal(fk_tok_state(fk, sleep), FK_TOK_HELD);
    assert_int_equal(fk_tok_state(fk, vfork), FK_TOK_HELD);
    mark = fk->nev;
    uint64_t eg = FK_CALL(fk, c, LX_SYS_exit_group, 42);
    assert_int_equal(fk_tok_state(fk, eg), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, futex), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, sleep), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, vfork), FK_TOK_DROPPED);
    (void)read;   /* vfs cancels the calls of the process: VFS_EXIT */
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_EXIT, true, c) >= 0);
    int destroyed = 0;
    for (int i = mark; i < fk->nev; i++)
        destroyed += fk->ev[i].kind == FK_EV_THREAD_DESTROY;
    assert_int_equal(destroyed, 5);
    assert_true(futex_queues_empty(fk));
    int st = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_int_equal(st, 42 << 8);
    /* the vfork child, now init's, releases nobody when it execs */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, g, 4096);
    assert_int_equal(SYS(fk, g, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

/* execve from a thread that is not the main one: the others end (a call of one held in vfs is
 * taken back and dropped), the exec'ing thread becomes the process's pid and keeps its badge. */
/* Every thread procmgr starts gets a kernel route to vfs (pm_thr_route) named by its pid and
 * tid; exec's de-thread renames it; a tracee has none (all its calls come to procmgr, which
 * stops them) until its tracer lets go. The mask is vfs's calls but the four whose signal mask
 * procmgr installs first. */
static void test_routes(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    fk_thread_t *th = fk_thread_of(fk, 1);
    assert_true(th->routed);
    assert_int_equal(th->route_pid, 1);
    assert_int_equal(th->route_tid, 1);
    const uint64_t *m = fk->route_mask;
#define ROUTED(nr) ((m[(nr) / 64] >> ((nr) % 64)) & 1)
    assert_true(ROUTED(LX_SYS_read) && ROUTED(LX_SYS_write) && ROUTED(LX_SYS_pread64));
    assert_true(ROUTED(LX_SYS_openat) && ROUTED(LX_SYS_newfstatat) && ROUTED(LX_SYS_poll));
    assert_true(ROUTED(LX_SYS_epoll_wait) && ROUTED(LX_SYS_close_range));
    assert_false(ROUTED(LX_SYS_ppoll) || ROUTED(LX_SYS_pselect6));
    assert_false(ROUTED(LX_SYS_epoll_pwait) || ROUTED(LX_SYS_epoll_pwait2));
    assert_false(ROUTED(LX_SYS_getpid) || ROUTED(LX_SYS_clone) || ROUTED(LX_SYS_execve));
    assert_false(ROUTED(LX_SYS_mmap) || ROUTED(LX_SYS_kill) || ROUTED(LX_SYS_exit_group));
#undef ROUTED
    /* a spawned process, a thread of it */
    uint64_t c = fk_spawn(fk, 1);
    uint64_t t = new_thread(fk, c, 0);
    th = fk_thread_of(fk, t);
    assert_true(th->routed);
    assert_int_equal(th->route_pid, (int32_t)c);
    assert_int_equal(th->route_tid, (int32_t)t);
    /* exec from that thread: it takes the process's id, and vfs must know it by it */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, t, 4096);
    assert_int_equal(SYS(fk, t, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    th = fk_thread_of(fk, t);
    assert_true(th->routed);
    assert_int_equal(th->route_pid, (int32_t)c);
    assert_int_equal(th->route_tid, (int32_t)c);
    /* traced: no route; the tracer's exit lets it go: the route is back */
    int64_t tr = SYS(fk, 1, LX_SYS_fork);
    int64_t d = SYS(fk, (uint64_t)tr, LX_SYS_fork);
    assert_true(fk_thread_of(fk, (uint64_t)d)->routed);
    assert_int_equal(SYS(fk, (uint64_t)tr, LX_SYS_ptrace, LX_PTRACE_SEIZE, (uint64_t)d, 0, 0), 0);
    th = fk_thread_of(fk, (uint64_t)d);
    assert_false(th->routed);
    int calls = th->route_calls;
    FK_CALL(fk, (uint64_t)tr, LX_SYS_exit_group, 0);
    assert_true(th->routed);
    assert_int_equal(th->route_calls, calls + 1);
    fk_free(fk);
}

static void test_exec_dethread(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t tv = new_thread(fk, c, 0), tx = new_thread(fk, c, 0);
    uint64_t tsp = word_at(fk, c, 0);
    struct lx_timespec ten = {10, 0};
    assert_int_equal(fk_mem_write(fk, c, tsp, &ten, sizeof ten), 0);
    uint64_t sleep = FK_CALL(fk, c, LX_SYS_nanosleep, tsp, 0);
    uint64_t read = fk_call_blocked_in_vfs(fk, tv, LX_SYS_read, (uint64_t[6]){0, tsp, 1});
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, tx, 4096);
    int mark = fk->nev;
    assert_int_equal(SYS(fk, tx, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, sleep), FK_TOK_DROPPED);
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_INTERRUPT, true, tv) >= 0);
    assert_int_equal(fk_tok_state(fk, read), FK_TOK_DROPPED);   /* back from vfs, dropped */
    assert_null(fk_thread_of(fk, c));
    assert_null(fk_thread_of(fk, tv));
    assert_non_null(fk_thread_of(fk, tx));   /* the kernel still knows it by its badge */
    assert_int_equal(SYS(fk, tx, LX_SYS_gettid), (int64_t)c);
    assert_int_equal(SYS(fk, tx, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(status_threads(fk, (int32_t)c), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, c, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_tkill, tx, 0), -LX_ESRCH);
    /* the old tid stays out of use while the badge is: the next thread gets another */
    uint64_t t2 = new_thread(fk, tx, 0);
    assert_true(t2 != tx && t2 != c);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

#define THREAD_OWN (LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_SYSVSEM)

/* CLONE_THREAD without CLONE_FILES or CLONE_FS: vfs gives the thread its creator's table or
 * cwd (shared bits) or copies (the rest); a thread made by it with both shares its, not the
 * process's; its exit lets them go, a fork from it copies its, an exec from it makes them the
 * process's. A thread sharing everything costs no vfs call, at creation or at exit. */
static void test_thread_own_files_fs(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    int mark = fk->nev;
    uint64_t shared = new_thread(fk, c, 0);
    (void)FK_CALL(fk, shared, LX_SYS_exit, 0);
    assert_int_equal(fk_find_event(fk, mark, FK_EV_VFS_THREAD, false, 0), -1);
    /* without CLONE_FILES: the creator's (the process's) table copied, its cwd shared */
    int64_t a = SYS(fk, c, LX_SYS_clone, THREAD_OWN | LX_CLONE_FS, stack_top(fk, c), 0, 0, 0);
    assert_true(a > (int64_t)c);
    int i = fk_find_event(fk, mark, FK_EV_VFS_THREAD, true, PM_VFS_THREAD_CLONE);
    assert_true(i >= 0);
    assert_int_equal(fk->ev[i].y, (uint64_t)a);
    assert_int_equal(fk->ev[i].z, c);
    assert_int_equal(fk->last_thread_share, PM_SHARE_FS);
    /* a thread of it sharing everything shares a's own */
    mark = fk->nev;
    int64_t b = SYS(fk, (uint64_t)a, LX_SYS_clone,
                    THREAD_OWN | LX_CLONE_FILES | LX_CLONE_FS, stack_top(fk, c), 0, 0, 0);
    assert_true(b > a);
    i = fk_find_event(fk, mark, FK_EV_VFS_THREAD, true, PM_VFS_THREAD_CLONE);
    assert_true(i >= 0);
    assert_int_equal(fk->ev[i].y, (uint64_t)b);
    assert_int_equal(fk->ev[i].z, (uint64_t)a);
    assert_int_equal(fk->last_thread_share, PM_SHARE_FILES | PM_SHARE_FS);
    /* fork from a: vfs copies the calling thread's */
    int64_t f = SYS(fk, (uint64_t)a, LX_SYS_fork);
    assert_true(f > 0);
    assert_int_equal(fk->last_clone_tid, (int32_t)a);
    /* b's exit lets its go */
    mark = fk->nev;
    (void)FK_CALL(fk, (uint64_t)b, LX_SYS_exit, 0);
    i = fk_find_event(fk, mark, FK_EV_VFS_THREAD, true, PM_VFS_THREAD_EXIT);
    assert_true(i >= 0);
    assert_int_equal(fk->ev[i].y, (uint64_t)b);
    /* exec from a: the main thread (none of its own) ends, a's become the process's */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, (uint64_t)a, 4096);
    mark = fk->nev;
    assert_int_equal(SYS(fk, (uint64_t)a, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    i = fk_find_event(fk, mark, FK_EV_VFS_THREAD, true, PM_VFS_THREAD_LEAD);
    assert_true(i >= 0);
    assert_int_equal(fk->ev[i].y, (uint64_t)a);
    assert_int_equal(fk->last_exec_tid, (int32_t)a);   /* the path from a's cwd */
    int e = fk_find_event(fk, mark, FK_EV_VFS_EXEC, true, c);
    assert_true(e > i);   /* before the CLOEXEC sweep */
    /* exec's thread has none of its own any more: its exit (the process's) says nothing */
    mark = fk->nev;
    (void)FK_CALL(fk, (uint64_t)a, LX_SYS_exit_group, 0);
    assert_int_equal(fk_find_event(fk, mark, FK_EV_VFS_THREAD, false, 0), -1);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

/* A process dying with threads of their own: vfs_proc_exit lets everything go, no thread call. */
static void test_thread_own_dies_with_process(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    int64_t a = SYS(fk, c, LX_SYS_clone, THREAD_OWN, stack_top(fk, c), 0, 0, 0);
    assert_true(a > 0);
    int mark = fk->nev;
    (void)FK_CALL(fk, c, LX_SYS_exit_group, 3);
    assert_int_equal(fk_find_event(fk, mark, FK_EV_VFS_THREAD, false, 0), -1);
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_EXIT, true, c) >= 0);
    fk_free(fk);
}

/* CLONE_SIGHAND between processes: one table of dispositions, until exec unshares it. */
static void test_sighand_shared_until_exec(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t a = fk_spawn(fk, 1);
    int mark = fk->nev;
    int64_t b = SYS(fk, a, LX_SYS_clone, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_SIGCHLD,
                    stack_top(fk, a));
    assert_int_equal(fk_created_after(fk, mark), (uint64_t)b);
    sigaction_of(fk, (uint64_t)b, LX_SIGUSR1, 0x401000);
    pm_proc_t *pa = pm_proc_find(fk->pm, (int32_t)a), *pb = pm_proc_find(fk->pm, (int32_t)b);
    assert_ptr_equal(pa->sh, pb->sh);
    assert_int_equal(pa->act[LX_SIGUSR1].sa_handler, 0x401000);
    /* SIG_IGN by one discards what is pending in the other */
    block(fk, a, LX_SIG_BLOCK, LX_SIGUSR2);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGUSR2), 0);
    assert_true(pending_of(fk, a) & LX_SIGBIT(LX_SIGUSR2));
    sigaction_of(fk, (uint64_t)b, LX_SIGUSR2, LX_SIG_IGN);
    assert_false(pending_of(fk, a) & LX_SIGBIT(LX_SIGUSR2));
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, (uint64_t)b, 4096);
    assert_int_equal(SYS(fk, (uint64_t)b, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    assert_ptr_not_equal(pa->sh, pb->sh);
    assert_int_equal(pb->act[LX_SIGUSR1].sa_handler, LX_SIG_DFL);   /* reset in its own copy */
    assert_int_equal(pa->act[LX_SIGUSR1].sa_handler, 0x401000);     /* ours untouched */
    fk_free(fk);
}

static void test_signals_for_threads(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t t = new_thread(fk, c, 0);
    sigaction_of(fk, c, LX_SIGUSR1, 0x401000);
    block(fk, t, LX_SIG_BLOCK, LX_SIGUSR1);
    /* for the thread that blocks it: pending there only */
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, t, LX_SIGUSR1), 0);
    assert_true(pending_of(fk, t) & LX_SIGBIT(LX_SIGUSR1));
    assert_false(pending_of(fk, c) & LX_SIGBIT(LX_SIGUSR1));
    /* for the process: the main thread, which does not block it, is interrupted for it */
    int hm = fk_thread_handle_of(fk, c);
    int mark = fk->nev;
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, LX_SIGUSR1), 0);
    assert_true(fk_find_event(fk, mark, FK_EV_INTERRUPT, true, (uint64_t)hm) >= 0);
    assert_int_equal(fk_find_event(fk, mark, FK_EV_INTERRUPT, true,
                                   (uint64_t)fk_thread_handle_of(fk, t)),
                     -1);
    uint64_t tok = fk_interrupted(fk, c, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_value(fk, tok), 0);
    assert_int_equal(fk_thread_of(fk, c)->regs.rip, 0x401000);   /* in the handler */
    /* the thread's own stays with it until it unblocks: then its handler runs */
    block(fk, t, LX_SIG_UNBLOCK, LX_SIGUSR1);
    assert_int_equal(fk_thread_of(fk, t)->regs.rip, 0x401000);
    assert_int_equal(pending_of(fk, t), 0);
    /* errors */
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, 1, t, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, 0, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, t, 65), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_tkill, t, 0), 0);
    /* a fatal signal for one thread ends the whole process */
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, t, LX_SIGTERM), 0);
    int st = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_int_equal(st, LX_SIGTERM);
    fk_free(fk);
}

static void test_sigtimedwait(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    block(fk, c, LX_SIG_BLOCK, LX_SIGUSR2);
    uint64_t t = new_thread(fk, c, 0);   /* blocks it too: the mask is inherited */
    uint64_t set = word_at(fk, c, 0), info = word_at(fk, c, 0), ts = word_at(fk, c, 0);
    uint64_t bits = LX_SIGBIT(LX_SIGUSR2);
    assert_int_equal(fk_mem_write(fk, c, set, &bits, 8), 0);
    assert_int_equal(SYS(fk, c, LX_SYS_rt_sigtimedwait, set, info, 0, 4), -LX_EINVAL);
    /* waits, then a tgkill from another process: the number, and its siginfo */
    uint64_t tok = FK_CALL(fk, c, LX_SYS_rt_sigtimedwait, set, info, 0, 8);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, c, LX_SIGUSR2), 0);
    assert_int_equal(fk_tok_value(fk, tok), LX_SIGUSR2);
    struct lx_siginfo si;
    assert_int_equal(fk_mem_read(fk, c, &si, info, sizeof si), 0);
    assert_int_equal(si.si_signo, LX_SIGUSR2);
    assert_int_equal(si.si_code, LX_SI_TKILL);
    assert_int_equal(si.si_pid, 1);
    assert_int_equal(pending_of(fk, c), 0);   /* taken, not left pending */
    /* already pending for the process: at once */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, LX_SIGUSR2), 0);
    assert_int_equal(SYS(fk, t, LX_SYS_rt_sigtimedwait, set, 0, 0, 8), LX_SIGUSR2);
    /* a zero timeout: EAGAIN; a timeout that passes: EAGAIN at the timer */
    struct lx_timespec zero = {0, 0}, one = {1, 0};
    assert_int_equal(fk_mem_write(fk, c, ts, &zero, sizeof zero), 0);
    assert_int_equal(SYS(fk, c, LX_SYS_rt_sigtimedwait, set, 0, ts, 8), -LX_EAGAIN);
    assert_int_equal(fk_mem_write(fk, c, ts, &one, sizeof one), 0);
    tok = FK_CALL(fk, c, LX_SYS_rt_sigtimedwait, set, 0, ts, 8);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    fk->mono += 2000000000ull;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_value(fk, tok), -LX_EAGAIN);
    /* a signal outside the set with a handler: EINTR, the handler runs */
    sigaction_of(fk, c, LX_SIGUSR1, 0x401000);
    tok = FK_CALL(fk, c, LX_SYS_rt_sigtimedwait, set, 0, 0, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, c, c, LX_SIGUSR1), 0);
    assert_int_equal(fk_tok_value(fk, tok), 0);   /* the reply starts the handler... */
    assert_int_equal(fk_thread_of(fk, c)->regs.rip, 0x401000);
    struct lx_rt_sigframe f;
    assert_int_equal(fk_mem_read(fk, c, &f, fk_thread_of(fk, c)->regs.rsp, sizeof f), 0);
    assert_int_equal((int64_t)f.uc.uc_mcontext.rax, -LX_EINTR);   /* ... which returns EINTR */
    /* a waiter that dies is dropped */
    tok = FK_CALL(fk, t, LX_SYS_rt_sigtimedwait, set, 0, 0, 8);
    (void)FK_CALL(fk, c, LX_SYS_exit_group, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    fk_free(fk);
}

/* vfork from one thread parks that thread only: the others go on calling. */
static void test_vfork_from_threaded_parent(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t t = new_thread(fk, c, 0);
    int mark = fk->nev;
    uint64_t tok = FK_CALL(fk, t, LX_SYS_vfork);
    uint64_t g = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, c, LX_SYS_getpid), (int64_t)c);   /* the sibling is not held */
    uint64_t t2 = new_thread(fk, c, 0);                         /* and can even make threads */
    assert_int_equal(SYS(fk, t2, LX_SYS_gettid), (int64_t)t2);
    (void)FK_CALL(fk, g, LX_SYS_exit_group, 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)g);
    /* a thread parked in vfork is not the one a signal goes to */
    mark = fk->nev;
    tok = FK_CALL(fk, t, LX_SYS_vfork);
    g = fk_created_after(fk, mark);
    sigaction_of(fk, c, LX_SIGUSR1, 0x401000);
    block(fk, c, LX_SIG_BLOCK, LX_SIGUSR1);
    block(fk, t2, LX_SIG_BLOCK, LX_SIGUSR1);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, LX_SIGUSR1), 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    (void)FK_CALL(fk, g, LX_SYS_exit_group, 0);
    assert_int_equal(fk_tok_value(fk, tok), 0);   /* released into the handler */
    assert_int_equal(fk_thread_of(fk, t)->regs.rip, 0x401000);
    fk_free(fk);
}

/* CLONE_THREAD | CLONE_VFORK: the caller waits for the new thread's end, answered its tid. */
static void test_thread_vfork(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    int mark = fk->nev;
    uint64_t tok = FK_CALL(fk, c, LX_SYS_clone,
                           LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND |
                               LX_CLONE_THREAD | LX_CLONE_VFORK,
                           stack_top(fk, c));
    uint64_t t = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, t, LX_SYS_gettid), (int64_t)t);
    (void)FK_CALL(fk, t, LX_SYS_exit, 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)t);
    /* the waiting thread dies first (exit_group from a third): dropped, nothing answered later */
    uint64_t other = new_thread(fk, c, 0);
    mark = fk->nev;
    tok = FK_CALL(fk, c, LX_SYS_clone,
                  LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND |
                      LX_CLONE_THREAD | LX_CLONE_VFORK,
                  stack_top(fk, c));
    (void)fk_created_after(fk, mark);
    (void)FK_CALL(fk, other, LX_SYS_exit_group, 3);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_create),
        cmocka_unit_test(test_exit_one_thread_clear_tid),
        cmocka_unit_test(test_main_thread_exits_first),
        cmocka_unit_test(test_exit_group_ends_blocked_threads),
        cmocka_unit_test(test_exec_dethread),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_sighand_shared_until_exec),
        cmocka_unit_test(test_signals_for_threads),
        cmocka_unit_test(test_sigtimedwait),
        cmocka_unit_test(test_vfork_from_threaded_parent),
        cmocka_unit_test(test_thread_vfork),
        cmocka_unit_test(test_thread_own_files_fs),
        cmocka_unit_test(test_thread_own_dies_with_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
