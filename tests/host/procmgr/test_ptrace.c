/* Host tests of ptrace in procmgr (issue 17): the stops (syscall entry and exit, signal
 * delivery, events) with Linux's wait statuses, what a tracer may change at each, the vfork
 * protocol's events in Linux's order (VFORK, the child's first stop, EXEC, VFORK_DONE, EXIT),
 * a tracee's exit seen by its tracer before its parent, detach and EXITKILL at the tracer's
 * death, and the errors. The kernel's syscall-exit report is played by calling pm_sysexit. */
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
#include <lx/ptrace.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SYS FK_SYS
#define CALL FK_CALL
#define STOPPED(code) ((int)(((code) << 8) | 0x7f))
#define SYSCALL_STOP STOPPED(LX_SIGTRAP | 0x80)
#define EVENT_STOP(ev) STOPPED(LX_SIGTRAP | ((ev) << 8))

static uint64_t ubuf(fake_t *fk, uint64_t badge, uint64_t len)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, len);
    return fk_ubuf_zero(&u, len);
}

static int64_t pt(fake_t *fk, uint64_t tracer, int64_t req, uint64_t pid, uint64_t addr,
                  uint64_t data)
{
    return SYS(fk, tracer, LX_SYS_ptrace, (uint64_t)req, pid, addr, data);
}

static void regs_of(fake_t *fk, uint64_t tracer, uint64_t pid, struct lx_user_regs *u)
{
    uint64_t va = ubuf(fk, tracer, sizeof(*u));
    assert_int_equal(pt(fk, tracer, LX_PTRACE_GETREGS, pid, 0, va), 0);
    assert_int_equal(fk_mem_read(fk, tracer, u, va, sizeof(*u)), 0);
}

static void regs_set(fake_t *fk, uint64_t tracer, uint64_t pid, const struct lx_user_regs *u)
{
    fk_ubuf_t b;
    fk_ubuf_init(&b, fk, tracer, 4096);
    uint64_t va = fk_ubuf_bytes(&b, u, sizeof(*u));
    assert_int_equal(pt(fk, tracer, LX_PTRACE_SETREGS, pid, 0, va), 0);
}

static uint64_t event_msg(fake_t *fk, uint64_t tracer, uint64_t pid)
{
    uint64_t va = ubuf(fk, tracer, 8), m = 0;
    assert_int_equal(pt(fk, tracer, LX_PTRACE_GETEVENTMSG, pid, 0, va), 0);
    fk_mem_read(fk, tracer, &m, va, 8);
    return m;
}

static int32_t siginfo_signo(fake_t *fk, uint64_t tracer, uint64_t pid, int64_t *err)
{
    uint64_t va = ubuf(fk, tracer, 128);
    *err = pt(fk, tracer, LX_PTRACE_GETSIGINFO, pid, 0, va);
    int32_t signo = 0;
    fk_mem_read(fk, tracer, &signo, va, 4);
    return signo;
}

/* The tracer's next report: wait4(pid, __WALL) answered at once. */
static int wait_stop(fake_t *fk, uint64_t tracer, int32_t pid, int64_t expect_pid)
{
    int st = 0;
    assert_int_equal(fk_wait(fk, tracer, pid, LX___WALL, &st), expect_pid);
    return st;
}

/* A child of `parent` that asked to be traced (TRACEME) and stopped itself with SIGSTOP: its
 * pid; the kill's token, held by the signal-delivery stop, in *tok. */
static uint64_t traced_child(fake_t *fk, uint64_t parent, uint64_t *tok)
{
    int64_t c = SYS(fk, parent, LX_SYS_fork);
    assert_true(c > 1);
    assert_int_equal(SYS(fk, (uint64_t)c, LX_SYS_ptrace, LX_PTRACE_TRACEME, 0, 0, 0), 0);
    assert_int_equal(SYS(fk, (uint64_t)c, LX_SYS_ptrace, LX_PTRACE_TRACEME, 0, 0, 0), -LX_EPERM);
    *tok = CALL(fk, (uint64_t)c, LX_SYS_kill, (uint64_t)c, LX_SIGSTOP);
    assert_int_equal(fk_tok_state(fk, *tok), FK_TOK_HELD);
    assert_int_equal(wait_stop(fk, parent, (int32_t)c, c), STOPPED(LX_SIGSTOP));
    return (uint64_t)c;
}

static void test_syscall_stops_and_registers(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t k;
    uint64_t c = traced_child(fk, 1, &k);
    int64_t e;
    assert_int_equal(siginfo_signo(fk, 1, c, &e), LX_SIGSTOP);
    assert_int_equal(e, 0);
    assert_int_equal(pt(fk, 1, LX_PTRACE_SETOPTIONS, c, 0, LX_PTRACE_O_TRACESYSGOOD), 0);
    /* resumed with 0: the SIGSTOP is suppressed, kill returns 0, exit reports are asked for */
    assert_int_equal(pt(fk, 1, LX_PTRACE_SYSCALL, c, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, k), 0);
    assert_true(fk_thread_of(fk, c)->traced);
    assert_int_equal(pt(fk, 1, LX_PTRACE_GETREGS, c, 0, ubuf(fk, 1, 256)), -LX_ESRCH); /* runs */

    /* entry: held, orig_rax the call, rax -ENOSYS */
    uint64_t t1 = CALL(fk, c, LX_SYS_getppid);
    assert_int_equal(fk_tok_state(fk, t1), FK_TOK_HELD);
    assert_int_equal(wait_stop(fk, 1, (int32_t)c, (int64_t)c), SYSCALL_STOP);
    struct lx_user_regs u;
    regs_of(fk, 1, c, &u);
    assert_int_equal(u.orig_rax, LX_SYS_getppid);
    assert_int_equal((int64_t)u.rax, -LX_ENOSYS);
    uint64_t w = ubuf(fk, 1, 8), word = 0;
    assert_int_equal(pt(fk, 1, LX_PTRACE_PEEKUSR, c, offsetof(struct lx_user_regs, orig_rax), w), 0);
    fk_mem_read(fk, 1, &word, w, 8);
    assert_int_equal(word, LX_SYS_getppid);
    assert_int_equal(pt(fk, 1, LX_PTRACE_PEEKUSR, c, 3, w), -LX_EIO);
    assert_int_equal(siginfo_signo(fk, 1, c, &e), LX_SIGTRAP);   /* Linux makes one up */
    assert_int_equal(e, 0);
    assert_int_equal(pt(fk, 1, LX_PTRACE_SYSCALL, c, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, t1), 1);

    /* exit (the kernel's report): the tracer sees the result and changes it */
    uint64_t t2 = fk_tok_new(fk);
    pm_sysexit(fk->pm, c, LX_SYS_getppid, 1, t2);
    assert_int_equal(fk_tok_state(fk, t2), FK_TOK_HELD);
    assert_int_equal(wait_stop(fk, 1, (int32_t)c, (int64_t)c), SYSCALL_STOP);
    regs_of(fk, 1, c, &u);
    assert_int_equal(u.orig_rax, LX_SYS_getppid);
    assert_int_equal(u.rax, 1);
    u.rax = 4242;
    regs_set(fk, 1, c, &u);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, t2), 4242);
    assert_false(fk_thread_of(fk, c)->traced);   /* CONT: no more exit reports */
    assert_int_equal(SYS(fk, c, LX_SYS_getpid), (int64_t)c);   /* and no stops */
    /* a report that comes anyway (it was on its way) is answered at once */
    uint64_t t3 = fk_tok_new(fk);
    pm_sysexit(fk->pm, c, LX_SYS_getpid, 7, t3);
    assert_int_equal(fk_tok_value(fk, t3), 7);
    fk_free(fk);
}

static void test_entry_stop_changes_the_call(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t k;
    uint64_t c = traced_child(fk, 1, &k);
    assert_int_equal(pt(fk, 1, LX_PTRACE_SYSCALL, c, 0, 0), 0);
    /* getpid turned into getppid */
    uint64_t t = CALL(fk, c, LX_SYS_getpid);
    assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), STOPPED(LX_SIGTRAP));   /* no SYSGOOD */
    struct lx_user_regs u;
    regs_of(fk, 1, c, &u);
    u.orig_rax = LX_SYS_getppid;
    regs_set(fk, 1, c, &u);
    assert_int_equal(pt(fk, 1, LX_PTRACE_SYSCALL, c, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, t), 1);
    pm_sysexit(fk->pm, c, LX_SYS_getppid, 1, fk_tok_new(fk));
    assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), STOPPED(LX_SIGTRAP));
    assert_int_equal(pt(fk, 1, LX_PTRACE_SYSCALL, c, 0, 0), 0);
    /* skipped: orig_rax -1 gives -ENOSYS and the call never runs (kill would end it) */
    t = CALL(fk, c, LX_SYS_kill, c, LX_SIGKILL);
    wait_stop(fk, 1, -1, (int64_t)c);
    regs_of(fk, 1, c, &u);
    assert_int_equal(u.orig_rax, LX_SYS_kill);
    assert_int_equal(u.rdi, c);
    assert_int_equal(u.rsi, LX_SIGKILL);
    u.orig_rax = UINT64_MAX;
    regs_set(fk, 1, c, &u);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, t), -LX_ENOSYS);
    /* memory: PEEKDATA, POKEDATA, EIO where nothing is mapped */
    uint64_t va = fk_word_new(fk, c, 0x11223344);
    t = CALL(fk, c, LX_SYS_kill, c, LX_SIGSTOP);
    assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), STOPPED(LX_SIGSTOP));
    uint64_t out = ubuf(fk, 1, 8), word = 0;
    assert_int_equal(pt(fk, 1, LX_PTRACE_PEEKDATA, c, va, out), 0);
    fk_mem_read(fk, 1, &word, out, 8);
    assert_int_equal((uint32_t)word, 0x11223344);
    assert_int_equal(pt(fk, 1, LX_PTRACE_POKEDATA, c, va, 0x55), 0);
    assert_int_equal(fk_word_get(fk, c, va), 0x55);
    assert_int_equal(pt(fk, 1, LX_PTRACE_PEEKDATA, c, 0x1000, out), -LX_EIO);
    /* KILL ends it; its parent (the tracer) reaps it */
    assert_int_equal(pt(fk, 1, LX_PTRACE_KILL, c, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, t), FK_TOK_DROPPED);
    assert_int_equal(wait_stop(fk, 1, (int32_t)c, (int64_t)c), LX_SIGKILL);
    fk_free(fk);
}

static void test_signal_delivery_stops(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t k;
    uint64_t c = traced_child(fk, 1, &k);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, 0), 0);
    fk_ubuf_t b;
    fk_ubuf_init(&b, fk, c, 4096);
    struct lx_sigaction a = {.sa_handler = 0x401234, .sa_flags = LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    assert_int_equal(SYS(fk, c, LX_SYS_rt_sigaction, LX_SIGUSR1, fk_ubuf_bytes(&b, &a, sizeof(a)), 0,
                         8), 0);
    uint64_t rip = fk_thread_of(fk, c)->regs.rip;
    for (int pass = 0; pass < 2; pass++) {
        /* sent while it computes: it is interrupted and stops with the signal */
        assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, LX_SIGUSR1), 0);
        uint64_t t = fk_interrupted(fk, c, PM_INTR_REQUEST);
        assert_int_equal(fk_tok_state(fk, t), FK_TOK_HELD);
        assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), STOPPED(LX_SIGUSR1));
        int64_t e;
        assert_int_equal(siginfo_signo(fk, 1, c, &e), LX_SIGUSR1);
        /* suppressed: it goes on where it was; passed: its handler runs */
        assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, pass ? LX_SIGUSR1 : 0), 0);
        assert_int_equal(fk_tok_state(fk, t), FK_TOK_REPLIED);
        assert_int_equal(fk_thread_of(fk, c)->regs.rip, pass ? 0x401234 : rip);
    }
    /* even an ignored signal is reported; a passed SIGTERM kills */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, c, LX_SIGTERM), 0);
    uint64_t t = fk_interrupted(fk, c, PM_INTR_REQUEST);
    assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), STOPPED(LX_SIGTERM));
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, LX_NSIG + 1), -LX_EIO);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, c, 0, LX_SIGTERM), 0);
    assert_int_equal(fk_tok_state(fk, t), FK_TOK_DROPPED);
    assert_int_equal(wait_stop(fk, 1, -1, (int64_t)c), LX_SIGTERM);
    fk_free(fk);
}

/* posix_spawn under a tracer: Linux's order of the events of both processes, the child's exit
 * seen by the tracer before by its parent. */
static void test_vfork_events_in_order(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t k;
    uint64_t a = traced_child(fk, 1, &k);
    uint64_t opts = LX_PTRACE_O_TRACEVFORK | LX_PTRACE_O_TRACEVFORKDONE | LX_PTRACE_O_TRACEEXEC |
                    LX_PTRACE_O_TRACEEXIT;
    assert_int_equal(pt(fk, 1, LX_PTRACE_SETOPTIONS, a, 0, opts), 0);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, a, 0, 0), 0);
    int mark = fk->nev;
    uint64_t tc = CALL(fk, a, LX_SYS_clone, 0x4111, 0x7ffff0000000, 0, 0, 0, 0);
    uint64_t b = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tc), FK_TOK_HELD);
    /* 1. the parent's VFORK event, parked (the child exists) */
    assert_int_equal(wait_stop(fk, 1, (int32_t)a, (int64_t)a), EVENT_STOP(LX_PTRACE_EVENT_VFORK));
    assert_int_equal(event_msg(fk, 1, a), b);
    /* 2. the child, traced too, stops before its first instruction with SIGSTOP */
    uint64_t tb = fk_interrupted(fk, b, PM_INTR_REQUEST);
    assert_int_equal(wait_stop(fk, 1, (int32_t)b, (int64_t)b), STOPPED(LX_SIGSTOP));
    char status[4096];
    int64_t n = pm_procfs_format(fk->pm, (int32_t)b, PM_PROCFS_STATUS, 0, status, sizeof status - 1);
    assert_true(n > 0);
    status[n] = 0;
    assert_non_null(strstr(status, "TracerPid:\t1\n"));
    assert_non_null(strstr(status, "State:\tt (tracing stop)"));
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, a, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, tc), FK_TOK_HELD);   /* still parked */
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, b, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, tb), FK_TOK_REPLIED);
    /* 3. the child's exec commits: its EXEC event, and the parent's VFORK_DONE */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, b, 4096);
    uint64_t te = CALL(fk, b, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0);
    assert_int_equal(fk_tok_state(fk, te), FK_TOK_HELD);
    assert_int_equal(wait_stop(fk, 1, (int32_t)b, (int64_t)b), EVENT_STOP(LX_PTRACE_EVENT_EXEC));
    assert_int_equal(event_msg(fk, 1, b), b);
    assert_int_equal(wait_stop(fk, 1, (int32_t)a, (int64_t)a),
                     EVENT_STOP(LX_PTRACE_EVENT_VFORK_DONE));
    assert_int_equal(event_msg(fk, 1, a), b);
    assert_int_equal(fk_tok_state(fk, tc), FK_TOK_HELD);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, a, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, tc), (int64_t)b);   /* the vfork returns the pid */
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, b, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, te), 0);
    /* 4. the child's EXIT event (status in the message), then its exit: the tracer first */
    uint64_t tw = CALL(fk, a, LX_SYS_wait4, b, 0, 0, 0);
    uint64_t tx = CALL(fk, b, LX_SYS_exit_group, 3);
    assert_int_equal(wait_stop(fk, 1, (int32_t)b, (int64_t)b), EVENT_STOP(LX_PTRACE_EVENT_EXIT));
    assert_int_equal(event_msg(fk, 1, b), 0x300);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, b, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, tx), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, tw), FK_TOK_HELD);   /* the parent has to wait */
    assert_int_equal(wait_stop(fk, 1, (int32_t)b, (int64_t)b), 0x300);
    /* then the parent hears: its wait returns the child at once (Linux's do_wait finds the
     * zombie before it looks at signals: no ERESTARTSYS), and SIGCHLD comes after, as a
     * signal-delivery stop when the running parent is interrupted */
    assert_int_equal(fk_tok_value(fk, tw), (int64_t)b);
    uint64_t ti = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(wait_stop(fk, 1, (int32_t)a, (int64_t)a), STOPPED(LX_SIGCHLD));
    assert_int_equal(fk_tok_state(fk, ti), FK_TOK_HELD);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, a, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, ti), FK_TOK_REPLIED);
    assert_int_equal(fk_wait(fk, a, (int32_t)b, LX_WNOHANG, NULL), -LX_ECHILD);   /* reaped */
    fk_free(fk);
}

/* The tracer's death: PTRACE_O_EXITKILL kills its tracees; without it they go free. */
static void test_tracer_death(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    for (int exitkill = 0; exitkill < 2; exitkill++) {
        int64_t tr = SYS(fk, 1, LX_SYS_fork);
        int64_t c = SYS(fk, (uint64_t)tr, LX_SYS_fork);
        assert_true(tr > 1 && c > 1);
        assert_int_equal(pt(fk, (uint64_t)c, LX_PTRACE_SEIZE, (uint64_t)c, 0, 0), -LX_EPERM);
        assert_int_equal(pt(fk, (uint64_t)tr, LX_PTRACE_SEIZE, (uint64_t)c, 1, 0), -LX_EIO);
        assert_int_equal(pt(fk, (uint64_t)tr, LX_PTRACE_SEIZE, (uint64_t)c, 0, 0x800), -LX_EIO);
        assert_int_equal(pt(fk, (uint64_t)tr, LX_PTRACE_SEIZE, (uint64_t)c, 0,
                            exitkill ? LX_PTRACE_O_EXITKILL : 0), 0);
        assert_int_equal(pt(fk, 1, LX_PTRACE_ATTACH, (uint64_t)c, 0, 0), -LX_EPERM);
        /* INTERRUPT of a computing tracee: PTRACE_EVENT_STOP once it comes back */
        assert_int_equal(pt(fk, (uint64_t)tr, LX_PTRACE_INTERRUPT, (uint64_t)c, 0, 0), 0);
        uint64_t t = fk_interrupted(fk, (uint64_t)c, PM_INTR_REQUEST);
        assert_int_equal(wait_stop(fk, (uint64_t)tr, (int32_t)c, c),
                         EVENT_STOP(LX_PTRACE_EVENT_STOP));
        assert_int_equal(pt(fk, (uint64_t)tr, 0x1234, (uint64_t)c, 0, 0), -LX_EIO);
        assert_int_equal(fk_tok_state(fk, t), FK_TOK_HELD);
        CALL(fk, (uint64_t)tr, LX_SYS_exit_group, 0);
        if (exitkill) {
            assert_int_equal(fk_tok_state(fk, t), FK_TOK_DROPPED);
            assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, NULL), c);   /* init's now */
        } else {
            assert_int_equal(fk_tok_state(fk, t), FK_TOK_REPLIED);   /* detached, runs on */
            CALL(fk, (uint64_t)c, LX_SYS_exit_group, 0);
            assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, NULL), c);
        }
        assert_int_equal(fk_wait(fk, 1, (int32_t)tr, 0, NULL), tr);
    }
    /* errors of a thread nobody traces */
    assert_int_equal(pt(fk, 1, LX_PTRACE_GETREGS, 1, 0, 0), -LX_ESRCH);
    assert_int_equal(pt(fk, 1, LX_PTRACE_CONT, 999, 0, 0), -LX_ESRCH);
    assert_int_equal(pt(fk, 1, LX_PTRACE_ATTACH, 999, 0, 0), -LX_ESRCH);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syscall_stops_and_registers),
        cmocka_unit_test(test_entry_stop_changes_the_call),
        cmocka_unit_test(test_signal_delivery_stops),
        cmocka_unit_test(test_vfork_events_in_order),
        cmocka_unit_test(test_tracer_death),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
