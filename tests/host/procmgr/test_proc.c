/* Host tests of procmgr's POSIX personality (issue 4) outside exec and clone: the dispatcher,
 * exit/wait, signals, memory calls, time and sleeping, identities and sessions, limits, and
 * the system calls (uname, sysinfo, reboot, getrandom), plus init's death. */
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
#include <lx/reboot.h>
#include <lx/resource.h>
#include <lx/sched.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/sysinfo.h>
#include <lx/time.h>
#include <lx/utsname.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SYS(fk, badge, nr, ...) fk_sys_(fk, badge, nr, (uint64_t[6]){__VA_ARGS__})
static int64_t fk_sys_(fake_t *fk, uint64_t badge, uint64_t nr, const uint64_t *a)
{
    return fk_tok_value(fk, fk_call_v(fk, badge, nr, a));
}

/* exit and exit_group never answer: the caller's token is dropped */
static void exit_proc(fake_t *fk, uint64_t badge, uint64_t nr, uint64_t code)
{
    uint64_t tok = fk_call(fk, badge, nr, code, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
}

/* posix_spawn of /bin/prog from parent: returns the child's pid. */
static uint64_t spawn(fake_t *fk, uint64_t parent)
{
    return fk_spawn(fk, parent);
}

/* a handler at 0x401000 (restorer 0x401100) for sig in badge's process */
static void set_handler(fake_t *fk, uint64_t badge, int sig)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    struct lx_sigaction h = {.sa_handler = 0x401000, .sa_flags = LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    uint64_t h_va = fk_ubuf_bytes(&u, &h, sizeof(h));
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigaction, (uint64_t)sig, h_va, 0, 8), 0);
}

static fake_t *boot(void)
{
    fake_t *fk = fk_new();
    fk_boot(fk);
    return fk;
}

static void test_dispatch(void **state)
{
    (void)state;
    fake_t *fk = boot();
    /* unknown, undefined and out-of-range numbers: -ENOSYS, named in the log */
    assert_int_equal(SYS(fk, 1, LX_SYS_socket, 2, 1, 0), -LX_ENOSYS);
#ifndef NDEBUG
    assert_true(fk_log_contains(fk, "unimplemented syscall 41 (socket)"));
#else
    assert_false(fk_log_contains(fk, "unimplemented"));   /* release builds stay quiet */
#endif
    assert_int_equal(SYS(fk, 1, 400, 0), -LX_ENOSYS);
    assert_int_equal(SYS(fk, 1, 451, 0), -LX_ENOSYS);
    assert_int_equal(SYS(fk, 1, (uint64_t)-1, 0), -LX_ENOSYS);
    assert_int_equal(SYS(fk, 1, 1ull << 40, 0), -LX_ENOSYS);
    /* file-system calls go to vfs with the caller's token and pid */
    const uint64_t fs_calls[] = {LX_SYS_read, LX_SYS_write, LX_SYS_openat, LX_SYS_ioctl,
                                 LX_SYS_pipe2, LX_SYS_dup2, LX_SYS_getcwd, LX_SYS_chdir,
                                 LX_SYS_umask, LX_SYS_writev, LX_SYS_fcntl, LX_SYS_close};
    for (size_t i = 0; i < sizeof(fs_calls) / sizeof(fs_calls[0]); i++) {
        uint64_t tok = fk_call(fk, 1, fs_calls[i], 1, 2, 3, 4, 5, 6);
        assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
        int e = fk_find_event(fk, 0, FK_EV_FORWARD, true, tok);
        assert_int_equal(fk->ev[e].y, fs_calls[i]);
        assert_int_equal(fk->ev[e].z, 1);
    }
    /* a badge nobody has: the token is dropped */
    uint64_t tok = fk_call(fk, 77, LX_SYS_getpid, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    /* names and routes for tracing and the docs */
    assert_string_equal(pm_syscall_name(56), "clone");
    assert_string_equal(pm_syscall_name(LX_SYS_newfstatat), "newfstatat");
    assert_null(pm_syscall_name(400));
    assert_null(pm_syscall_name(5000));
    assert_int_equal(pm_syscall_route(LX_SYS_clone), PM_ROUTE_PROCMGR);
    assert_int_equal(pm_syscall_route(LX_SYS_read), PM_ROUTE_VFS);
    assert_int_equal(pm_syscall_route(LX_SYS_socket), PM_ROUTE_ENOSYS);
    assert_int_equal(pm_syscall_route(9999), PM_ROUTE_ENOSYS);
    fk_free(fk);
}

static void test_ids(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_getpid, 0), (int64_t)a);
    assert_int_equal(SYS(fk, a, LX_SYS_gettid, 0), (int64_t)a);
    assert_int_equal(SYS(fk, a, LX_SYS_getppid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getppid, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getuid, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_geteuid, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getgid, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getegid, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getgroups, 0, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getgroups, (uint64_t)-1, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_setuid, 1000), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_setgid, 1000), 0);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, a, 4096);
    uint32_t three[3] = {7, 7, 7};
    uint64_t r = fk_ubuf_bytes(&u, three, 4), e = fk_ubuf_bytes(&u, three, 4),
             s = fk_ubuf_bytes(&u, three, 4);
    assert_int_equal(SYS(fk, a, LX_SYS_getresuid, r, e, s), 0);
    uint32_t got;
    fk_mem_read(fk, a, &got, s, 4);
    assert_int_equal(got, 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getresuid, r, e, 0x10), -LX_EFAULT);
    fk_free(fk);
}

/* The server loop's quick case (main.c): an id getter answered at once, with no token, while
 * nothing is due around it; anything else declined, having done nothing, for pm_syscall. */
static void test_pure_call_quick_case(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    const uint64_t none[6] = {0};
    int64_t v = -1;
    assert_true(pm_syscall_pure(fk->pm, a, LX_SYS_getpid, none, &v));
    assert_int_equal(v, (int64_t)a);
    assert_true(pm_syscall_pure(fk->pm, a, LX_SYS_getppid, none, &v));
    assert_int_equal(v, 1);
    v = -1;
    assert_false(pm_syscall_pure(fk->pm, a, LX_SYS_sched_yield, none, &v)); /* not a getter */
    assert_false(pm_syscall_pure(fk->pm, a, 100000, none, &v));             /* no such call */
    assert_false(pm_syscall_pure(fk->pm, 4242, LX_SYS_getpid, none, &v));   /* no such thread */
    /* stopped: the stop comes before the call, which pm_syscall holds */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_false(pm_syscall_pure(fk->pm, a, LX_SYS_getpid, none, &v));
    assert_int_equal(v, -1);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_true(pm_syscall_pure(fk->pm, a, LX_SYS_getpid, none, &v));
    assert_int_equal(v, (int64_t)a);
    /* a signal pending and let in: its handler comes first (pm_syscall runs it, then the call) */
    set_handler(fk, a, LX_SIGUSR1);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGUSR1), 0);
    v = -1;
    assert_false(pm_syscall_pure(fk->pm, a, LX_SYS_getpid, none, &v));
    assert_int_equal(v, -1);
    uint64_t tok = fk_call(fk, a, LX_SYS_getpid, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);   /* restarted after the handler */
    assert_int_equal(fk_thread_of(fk, a)->regs.rip, 0x401000);
    fk_free(fk);
}

static void test_sessions_and_groups(void **state)
{
    (void)state;
    fake_t *fk = boot();
    /* init starts as Linux's init after its setsid: session 1, group 1 */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgrp, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getsid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_setsid, 0), -LX_EPERM);   /* already a group leader */
    uint64_t a = spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_getsid, 0), 1);
    assert_int_equal(SYS(fk, a, LX_SYS_getpgid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgid, a), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgid, 999), -LX_ESRCH);
    /* the child makes its own group; the parent may not move it any more: it exec'd */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getpgrp, 0), (int64_t)a);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpgid, a, 1), -LX_EACCES);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpgid, 999, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, (uint64_t)-5), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 4242), -LX_EPERM);   /* no such group */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 1, 0), -LX_ESRCH);      /* not a child */
    assert_int_equal(SYS(fk, 1, LX_SYS_setpgid, 0, 0), -LX_EPERM);      /* session leader */
    /* a child may join another group of its session, and start a session of its own */
    uint64_t b = spawn(fk, a);
    assert_int_equal(SYS(fk, b, LX_SYS_setpgid, 0, a), 0);   /* join a's group */
    assert_int_equal(SYS(fk, b, LX_SYS_getpgrp, 0), (int64_t)a);
    assert_int_equal(SYS(fk, b, LX_SYS_setsid, 0), (int64_t)b);
    assert_int_equal(SYS(fk, b, LX_SYS_getsid, 0), (int64_t)b);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, b, a), -LX_EPERM);   /* other session */
    fk_free(fk);
}

static int64_t wait4_st(fake_t *fk, uint64_t badge, int64_t pid, uint64_t opts, int *status)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    uint64_t st = fk_ubuf_zero(&u, 4);
    int64_t r = SYS(fk, badge, LX_SYS_wait4, (uint64_t)pid, st, opts, 0);
    if (status)
        fk_mem_read(fk, badge, status, st, 4);
    return r;
}

static void test_wait4_rules(void **state)
{
    (void)state;
    fake_t *fk = boot();
    assert_int_equal(wait4_st(fk, 1, -1, 0, NULL), -LX_ECHILD);
    assert_int_equal(wait4_st(fk, 1, -1, 0x100, NULL), -LX_EINVAL);
    assert_int_equal(wait4_st(fk, 1, -1, LX_WNOWAIT, NULL), -LX_EINVAL);   /* waitid only */
    assert_int_equal(wait4_st(fk, 1, INT32_MIN, 0, NULL), -LX_ESRCH);
    uint64_t a = spawn(fk, 1), b = spawn(fk, 1);
    assert_int_equal(wait4_st(fk, 1, -1, LX_WNOHANG | LX_WUNTRACED, NULL), 0);
    assert_int_equal(wait4_st(fk, 1, 999, LX_WNOHANG, NULL), -LX_ECHILD);
    /* group selection: b moves to its own group */
    assert_int_equal(SYS(fk, b, LX_SYS_setpgid, 0, 0), 0);
    exit_proc(fk, b, LX_SYS_exit_group, 2);
    exit_proc(fk, a, LX_SYS_exit_group, 1);
    int st;
    assert_int_equal(wait4_st(fk, 1, 0, 0, &st), (int64_t)a);        /* my group: a only */
    assert_int_equal(LX_WEXITSTATUS(st), 1);
    assert_int_equal(wait4_st(fk, 1, 0, LX_WNOHANG, NULL), -LX_ECHILD);
    assert_int_equal(wait4_st(fk, 1, -(int64_t)b, 0, &st), (int64_t)b);
    assert_int_equal(st, 2 << 8);
    /* a bad status pointer: the child is reaped anyway, the call says EFAULT */
    uint64_t c = spawn(fk, 1);
    exit_proc(fk, c, LX_SYS_exit_group, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_wait4, c, 0x10, 0, 0), -LX_EFAULT);
    assert_int_equal(wait4_st(fk, 1, -1, LX_WNOHANG, NULL), -LX_ECHILD);
    fk_free(fk);
}

static void test_waitid(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t info = fk_ubuf_zero(&u, sizeof(struct lx_siginfo_chld));
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_ALL, 0, info, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, 9, 0, info, LX_WEXITED), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_PID, 0, info, LX_WEXITED), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_PIDFD, 3, info, LX_WEXITED), -LX_EBADF);
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_ALL, 0, info, LX_WEXITED), -LX_ECHILD);
    uint64_t a = spawn(fk, 1);
    struct lx_siginfo_chld si;
    memset(&si, 0x55, sizeof(si));
    fk_mem_write(fk, 1, info, &si, sizeof(si));
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_ALL, 0, info, LX_WEXITED | LX_WNOHANG), 0);
    fk_mem_read(fk, 1, &si, info, sizeof(si));
    assert_int_equal(si.si_signo, 0);
    assert_int_equal(si.si_pid, 0);
    /* a blocking waitid completes when the child is killed */
    uint64_t wtok = fk_call(fk, 1, LX_SYS_waitid, LX_P_PID, a, info, LX_WEXITED | LX_WNOWAIT, 0,
                            0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    pm_signal_notice(fk->pm, (int32_t)a, 0, LX_SIGTERM);   /* init itself is waiting */
    assert_int_equal(fk_tok_value(fk, wtok), 0);
    fk_mem_read(fk, 1, &si, info, sizeof(si));
    assert_int_equal(si.si_signo, LX_SIGCHLD);
    assert_int_equal(si.si_errno, 0);
    assert_int_equal(si.si_code, LX_CLD_KILLED);
    assert_int_equal(si.si_pid, (int32_t)a);
    assert_int_equal(si.si_uid, 0);
    assert_int_equal(si.si_status, LX_SIGTERM);
    /* WNOWAIT left it there: wait4 still finds it */
    int st;
    assert_int_equal(wait4_st(fk, 1, a, 0, &st), (int64_t)a);
    assert_true(LX_WIFSIGNALED(st));
    assert_int_equal(LX_WTERMSIG(st), LX_SIGTERM);
    uint64_t b = spawn(fk, 1);
    exit_proc(fk, b, LX_SYS_exit_group, 300);   /* only the low byte */
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_PGID, 0, info, LX_WEXITED), 0);
    fk_mem_read(fk, 1, &si, info, sizeof(si));
    assert_int_equal(si.si_code, LX_CLD_EXITED);
    assert_int_equal(si.si_status, 300 & 0xff);
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_ALL, 0, info, LX_WEXITED), -LX_ECHILD);
    fk_free(fk);
}

/* A child's exit wakes its parent's wait4 before SIGCHLD is sent, as Linux's do_wait finds the
 * zombie before it looks at signals: a handler without SA_RESTART does not turn the wait into
 * EINTR, it runs after the wait has returned the child. */
static void test_wait_beats_sigchld_handler(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    uint64_t b = spawn(fk, a);
    set_handler(fk, a, LX_SIGCHLD);
    uint64_t wtok = fk_call(fk, a, LX_SYS_wait4, b, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    fk_thread_t *th = fk_thread_of(fk, a);
    int kicks = th->interrupts;
    exit_proc(fk, b, LX_SYS_exit_group, 0);
    assert_int_equal(fk_tok_value(fk, wtok), (int64_t)b);
    assert_int_equal(th->interrupts, kicks + 1);   /* then the handler, on the way out */
    uint64_t itok = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_REPLIED);
    assert_int_equal(th->regs.rip, 0x401000);
    assert_int_equal(th->regs.rdi, LX_SIGCHLD);
    fk_free(fk);
}

static void test_sigchld_ignored_autoreaps(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_sigaction ign = {.sa_handler = LX_SIG_IGN};
    uint64_t ign_va = fk_ubuf_bytes(&u, &ign, sizeof(ign));
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGCHLD, ign_va, 0, 8), 0);
    uint64_t wtok = fk_call(fk, 1, LX_SYS_wait4, (uint64_t)-1, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    exit_proc(fk, a, LX_SYS_exit_group, 0);
    /* no zombie: the waiter learns there are no children left */
    assert_int_equal(fk_tok_value(fk, wtok), -LX_ECHILD);
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.zombies, 0);
    fk_free(fk);
}

static void test_kill_rules(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 999, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 1, 65), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 1, (uint64_t)-1), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 1, 0), 0);   /* existence check */
    assert_int_equal(SYS(fk, a, LX_SYS_kill, (uint64_t)INT32_MIN, 9), -LX_ESRCH);
    /* init ignores signals without handlers, SIGKILL included */
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 1, LX_SIGKILL), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_kill, 1, LX_SIGTERM), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);
    /* default-ignore signals do nothing; SIG_IGN discards */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGCHLD), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGWINCH), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGCONT), 0);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, a, 4096);
    struct lx_sigaction ign = {.sa_handler = LX_SIG_IGN};
    uint64_t ign_va = fk_ubuf_bytes(&u, &ign, sizeof(ign));
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigaction, LX_SIGTERM, ign_va, 0, 8), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGTERM), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getpid, 0), (int64_t)a);
    /* a caught signal runs its handler at once: the kernel is asked to stop the thread, which
     * comes back with an interrupt message; the frame brings it back through rt_sigreturn with
     * everything as it was */
    struct lx_sigaction h = {.sa_handler = 0x401000, .sa_flags = LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    uint64_t h_va = fk_ubuf_bytes(&u, &h, sizeof(h));
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigaction, LX_SIGUSR1, h_va, 0, 8), 0);
    fk_thread_t *th = fk_thread_of(fk, a);
    pm_regs_t before = th->regs;
    int kicks = th->interrupts;
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGUSR1), 0);
    assert_int_equal(th->interrupts, kicks + 1);
    uint64_t itok = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_REPLIED); /* resumed, in the handler */
    assert_int_equal(th->regs.rip, 0x401000);
    assert_int_equal(th->regs.rdi, LX_SIGUSR1);
    uint64_t frame = th->regs.rsp;
    assert_int_equal(frame % 16, 8);                  /* as if called */
    assert_true(frame < before.rsp - 128);            /* below the red zone */
    uint64_t pret, uc_sigmask;
    fk_mem_read(fk, a, &pret, frame, 8);
    assert_int_equal(pret, 0x401100);                 /* returns into sa_restorer */
    assert_int_equal(th->regs.rdx, frame + 8);        /* ucontext */
    assert_int_equal(th->regs.rsi, frame + 8 + 304);  /* siginfo */
    int32_t signo;
    fk_mem_read(fk, a, &signo, th->regs.rsi, 4);
    assert_int_equal(signo, LX_SIGUSR1);
    fk_mem_read(fk, a, &uc_sigmask, frame + 8 + 296, 8);
    assert_int_equal(uc_sigmask, 0);                  /* the mask to restore */
    /* while the handler runs, the signal is blocked: another one waits */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGUSR1), 0);
    th->regs.rsp = frame + 8;                         /* the handler's ret popped pretcode */
    /* rt_sigreturn gives back the interrupted registers; the waiting signal then runs */
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigreturn, 0), 0);
    assert_int_equal(th->regs.rip, 0x401000);
    th->regs.rsp = th->regs.rsp + 8;
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigreturn, 0), (int64_t)before.rax);
    assert_int_equal(th->regs.rip, before.rip);
    assert_int_equal(th->regs.rsp, before.rsp);
    assert_int_equal(th->regs.rbx, before.rbx);
    /* a forged frame (nothing mapped at rsp) kills with SIGSEGV, as on Linux */
    uint64_t b = spawn(fk, 1);
    fk_thread_of(fk, b)->regs.rsp = 0x7000000;
    uint64_t btok = fk_call(fk, b, LX_SYS_rt_sigreturn, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, btok), FK_TOK_DROPPED);
    int bst;
    assert_int_equal(wait4_st(fk, 1, b, 0, &bst), (int64_t)b);
    assert_int_equal(LX_WTERMSIG(bst), LX_SIGSEGV);
    /* a blocked signal waits; unblocking it kills, and the caller's token is dropped */
    uint64_t set = LX_SIGBIT(LX_SIGUSR2);
    uint64_t set_va = fk_ubuf_bytes(&u, &set, 8);
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, set_va, 0, 8), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, a, a, LX_SIGUSR2), 0);
    uint64_t pend_va = fk_ubuf_zero(&u, 8);
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigpending, pend_va, 8), 0);
    uint64_t pend;
    fk_mem_read(fk, a, &pend, pend_va, 8);
    assert_int_equal(pend, LX_SIGBIT(LX_SIGUSR2));
    uint64_t tok = fk_call(fk, a, LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, set_va, 0, 8, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    int st;
    assert_int_equal(wait4_st(fk, 1, a, 0, &st), (int64_t)a);
    assert_int_equal(LX_WTERMSIG(st), LX_SIGUSR2);
    /* tkill/tgkill argument rules */
    assert_int_equal(SYS(fk, 1, LX_SYS_tkill, 0, 9), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_tkill, 999, 9), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, 0, 1, 9), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, 2, 1, 9), -LX_ESRCH);   /* wrong group */
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, 1, 1, 99), -LX_EINVAL);
    fk_free(fk);
}

static void test_kill_self_and_groups(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    uint64_t tok = fk_call(fk, a, LX_SYS_kill, a, LX_SIGTERM, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    wait4_st(fk, 1, a, 0, NULL);
    /* kill(-1): everyone but init and the caller */
    uint64_t b = spawn(fk, 1), c = spawn(fk, 1), d = spawn(fk, 1);
    assert_int_equal(SYS(fk, b, LX_SYS_kill, (uint64_t)-1, LX_SIGTERM), 0);
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.live, 2);   /* init and b */
    assert_int_equal(st.zombies, 2);
    (void)c;
    (void)d;
    /* kill(-pgid) and kill(0) */
    uint64_t e = spawn(fk, 1);
    assert_int_equal(SYS(fk, e, LX_SYS_setpgid, 0, 0), 0);
    uint64_t f = spawn(fk, e);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, (uint64_t)-(int64_t)e, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, (uint64_t)-4000, LX_SIGTERM), -LX_ESRCH);
    tok = fk_call(fk, f, LX_SYS_kill, 0, LX_SIGHUP, 0, 0, 0, 0);   /* f's group is e's */
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.live, 2);
    /* signals raised by vfs: SIGPIPE to b */
    pm_signal_notice(fk->pm, (int32_t)b, 0, LX_SIGPIPE);
    int s;
    assert_int_equal(wait4_st(fk, 1, b, 0, &s), (int64_t)b);
    assert_int_equal(LX_WTERMSIG(s), LX_SIGPIPE);
    fk_free(fk);
}

static void test_signal_notice_foreground(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t sh = spawn(fk, 1);
    uint64_t cmd = spawn(fk, sh);
    assert_int_equal(SYS(fk, cmd, LX_SYS_setpgid, 0, 0), 0);
    /* no terminal group named: nobody (vfs sends nothing without a foreground group) */
    pm_signal_notice(fk->pm, 0, 0, LX_SIGINT);
    /* ^C to the foreground group: the command, not the shell in group 1 */
    pm_signal_notice(fk->pm, -(int32_t)cmd, 0, LX_SIGINT);
    struct pm_proc_info info[8];
    int n = pm_proc_list(fk->pm, info, 8);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        if (info[i].pid == (int32_t)cmd)
            assert_int_equal(info[i].state, 'Z');
        else
            assert_int_not_equal(info[i].state, 'Z');
    }
    fk_free(fk);
}

static void test_sigaction_and_mask_errors(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_sigaction act = {.sa_handler = 0x401000,
                               .sa_mask = LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGINT)};
    uint64_t act_va = fk_ubuf_bytes(&u, &act, sizeof(act));
    uint64_t old_va = fk_ubuf_zero(&u, sizeof(act));
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGINT, act_va, 0, 4), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, 0, act_va, 0, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, 65, 0, old_va, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGKILL, act_va, 0, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGSTOP, act_va, 0, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGKILL, 0, old_va, 8), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGINT, 0x10, 0, 8), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGINT, act_va, 0x10, 8), -LX_EFAULT);
    /* the EFAULT on oact came after the new action was stored (as on Linux) */
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, LX_SIGINT, act_va, old_va, 8), 0);
    struct lx_sigaction got;
    fk_mem_read(fk, 1, &got, old_va, sizeof(got));
    assert_int_equal(got.sa_handler, 0x401000);
    assert_int_equal(got.sa_mask, LX_SIGBIT(LX_SIGINT));   /* SIGKILL cannot be masked */
    /* sigprocmask */
    uint64_t all = ~0ull;
    uint64_t all_va = fk_ubuf_bytes(&u, &all, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, 7, all_va, 0, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, 7, 0, old_va, 8), 0);   /* how unused */
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, all_va, 0, 16),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, 0x10, 0, 8), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, all_va, 0, 8), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, 0, old_va, 8), 0);
    uint64_t mask;
    fk_mem_read(fk, 1, &mask, old_va, 8);
    assert_int_equal(mask, ~(LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP)));
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigpending, old_va, 9), -LX_EINVAL);
    /* sigaltstack */
    struct lx_stack ss = {.ss_sp = 0x500000, .ss_flags = 0, .ss_size = 1000};
    uint64_t ss_va = fk_ubuf_bytes(&u, &ss, sizeof(ss));
    uint64_t oss_va = fk_ubuf_zero(&u, sizeof(ss));
    assert_int_equal(SYS(fk, 1, LX_SYS_sigaltstack, 0, oss_va), 0);
    struct lx_stack oss;
    fk_mem_read(fk, 1, &oss, oss_va, sizeof(oss));
    assert_int_equal(oss.ss_flags, LX_SS_DISABLE);
    assert_int_equal(SYS(fk, 1, LX_SYS_sigaltstack, ss_va, 0), -LX_ENOMEM);
    ss.ss_size = 16384;
    ss.ss_flags = 5;
    fk_mem_write(fk, 1, ss_va, &ss, sizeof(ss));
    assert_int_equal(SYS(fk, 1, LX_SYS_sigaltstack, ss_va, 0), -LX_EINVAL);
    ss.ss_flags = 0;
    fk_mem_write(fk, 1, ss_va, &ss, sizeof(ss));
    assert_int_equal(SYS(fk, 1, LX_SYS_sigaltstack, ss_va, oss_va), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_sigaltstack, 0, oss_va), 0);
    fk_mem_read(fk, 1, &oss, oss_va, sizeof(oss));
    assert_int_equal(oss.ss_sp, 0x500000);
    assert_int_equal(oss.ss_size, 16384);
    assert_int_equal(oss.ss_flags, 0);
    fk_free(fk);
}

static void test_memory_calls(void **state)
{
    (void)state;
    fake_t *fk = boot();
    int space = fk_thread_of(fk, 1)->space;
    const uint64_t RW = LX_PROT_READ | LX_PROT_WRITE, PA = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
    /* argument errors */
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, 0, RW, PA, -1, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, 4096, RW, PA, -1, 100), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, 4096, RW, LX_MAP_ANONYMOUS, -1, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, 4096, RW, LX_MAP_PRIVATE, 3, 0), -LX_EBADF);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, 4096, RW, LX_MAP_PRIVATE, -1, 0), -LX_EBADF);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0, (uint64_t)-4096, RW, PA, -1, 0), -LX_ENOMEM);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x500001, 4096, RW, PA | LX_MAP_FIXED, -1, 0),
                     -LX_EINVAL);
    /* an anonymous mapping is zeroed, top-down, and readable through the fake */
    int64_t a = SYS(fk, 1, LX_SYS_mmap, 0, 10000, RW, PA, -1, 0);
    assert_true(a > 0 && a % 4096 == 0);
    assert_int_equal(a + 12288, 0x7ffff7fff000 - 3 * 4096);   /* below [vvar] and the 2-page [vdso] */
    assert_int_equal(fk_page_prot(fk, space, (uint64_t)a + 8192), (int)RW);
    uint8_t buf[16];
    assert_int_equal(fk_mem_read(fk, 1, buf, (uint64_t)a + 9000, 16), 0);
    assert_int_equal(buf[3], 0);
    /* a hint is honoured when free */
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x10000000, 4096, RW, PA, -1, 0), 0x10000000);
    /* FIXED_NOREPLACE: EEXIST on overlap (also with the ELF image); FIXED replaces */
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x10000000, 4096, RW, PA | LX_MAP_FIXED_NOREPLACE,
                         -1, 0), -LX_EEXIST);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x400000, 4096, RW, PA | LX_MAP_FIXED_NOREPLACE,
                         -1, 0), -LX_EEXIST);
    uint8_t x = 0x5a;
    fk_mem_write(fk, 1, 0x10000010, &x, 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x10000000, 8192, LX_PROT_READ, PA | LX_MAP_FIXED,
                         -1, 0), 0x10000000);
    fk_mem_read(fk, 1, &x, 0x10000010, 1);
    assert_int_equal(x, 0);   /* a fresh mapping */
    assert_int_equal(fk_page_prot(fk, space, 0x10001000), LX_PROT_READ);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x1000, 4096, RW, PA | LX_MAP_FIXED, -1, 0),
                     -LX_EPERM);
    int64_t low = SYS(fk, 1, LX_SYS_mmap, 0, 4096, RW, PA | LX_MAP_32BIT, -1, 0);
    assert_true(low >= 0x40000000 && low < 0x80000000);
    /* mprotect */
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, 0x10000001, 4096, 1), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, 0x10000000, 4096, 0x40), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, 0x10000000, 4096 * 3, 1), -LX_ENOMEM);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, 0x10000000, 0, 1), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, 0x10001000, 100, RW | LX_PROT_EXEC), 0);
    assert_int_equal(fk_page_prot(fk, space, 0x10001000), (int)(RW | LX_PROT_EXEC));
    assert_int_equal(fk_page_prot(fk, space, 0x10000000), LX_PROT_READ);
    /* munmap, partially, then the rest; unmapping a hole is fine */
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, 0x10000001, 4096), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, 0x10000000, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, 0x10000000, 4096), 0);
    assert_int_equal(fk_page_prot(fk, space, 0x10000000), -1);
    assert_int_equal(fk_page_prot(fk, space, 0x10001000), (int)(RW | LX_PROT_EXEC));
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, 0x0fff0000, 0x20000), 0);
    assert_int_equal(fk_page_prot(fk, space, 0x10001000), -1);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, 0x10000000, 8192, RW, PA | LX_MAP_FIXED_NOREPLACE,
                         -1, 0), 0x10000000);
    /* madvise(DONTNEED) zeroes anonymous memory */
    x = 7;
    fk_mem_write(fk, 1, 0x10000100, &x, 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_madvise, 0x10000000, 8192, LX_MADV_DONTNEED), 0);
    fk_mem_read(fk, 1, &x, 0x10000100, 1);
    assert_int_equal(x, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_madvise, 0x10000000, 8192, 77), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_madvise, 0x20000000, 8192, LX_MADV_DONTNEED), -LX_ENOMEM);
    /* mremap in place: grow into free space, shrink; moving is not offered */
    assert_int_equal(SYS(fk, 1, LX_SYS_mremap, 0x10000000, 8192, 16384, 0), 0x10000000);
    assert_int_equal(fk_page_prot(fk, space, 0x10003000), (int)RW);
    assert_int_equal(SYS(fk, 1, LX_SYS_mremap, 0x10000000, 16384, 4096, 0), 0x10000000);
    assert_int_equal(fk_page_prot(fk, space, 0x10001000), -1);
    assert_int_equal(SYS(fk, 1, LX_SYS_mremap, 0x30000000, 4096, 8192, 0), -LX_EFAULT);
    fk_free(fk);
}

static void test_brk(void **state)
{
    (void)state;
    fake_t *fk = boot();
    int space = fk_thread_of(fk, 1)->space;
    int64_t base = SYS(fk, 1, LX_SYS_brk, 0);
    assert_int_equal(base, 0x406000);   /* page after 0x405010 */
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, 0x1000), base);   /* below the start: unchanged */
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, base + 100), base + 100);
    assert_int_equal(fk_page_prot(fk, space, (uint64_t)base), LX_PROT_READ | LX_PROT_WRITE);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, base + 3 * 4096 + 5), base + 3 * 4096 + 5);
    uint8_t x = 9;
    assert_int_equal(fk_mem_write(fk, 1, (uint64_t)base + 3 * 4096, &x, 1), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, base + 10), base + 10);
    assert_int_equal(fk_page_prot(fk, space, (uint64_t)base + 4096), -1);
    /* a mapping in the way stops the heap */
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, base + 8 * 4096, 4096, 3,
                         LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, -1, 0),
                     base + 8 * 4096);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, base + 10 * 4096), base + 10);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, base + 8 * 4096), base + 8 * 4096);
    fk_free(fk);
}

static void test_vfork_child_shares_memory_bookkeeping(void **state)
{
    (void)state;
    fake_t *fk = boot();
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_vfork, 0, 0, 0, 0, 0, 0);
    uint64_t child = fk->ev[fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0)].y;
    /* the child grows the shared heap and maps memory: the parent's view must agree */
    int64_t base = SYS(fk, child, LX_SYS_brk, 0);
    assert_int_equal(SYS(fk, child, LX_SYS_brk, base + 4096), base + 4096);
    int64_t m = SYS(fk, child, LX_SYS_mmap, 0, 4096, 3, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, -1, 0);
    exit_proc(fk, child, LX_SYS_exit_group, 127);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, 0), base + 4096);
    assert_int_equal(SYS(fk, 1, LX_SYS_mmap, m, 4096, 3,
                         LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED_NOREPLACE, -1, 0),
                     -LX_EEXIST);
    fk_free(fk);
}

static void test_time_calls(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk->mono = 7123456789ull;
    fk->real = 1700000000123456789ull;
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t ts_va = fk_ubuf_zero(&u, 16);
    struct lx_timespec ts;
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, LX_CLOCK_MONOTONIC, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_sec, 7);
    assert_int_equal(ts.tv_nsec, 123456789);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, LX_CLOCK_REALTIME, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_sec, 1700000000);
    assert_int_equal(ts.tv_nsec, 123456789);
    const int ok_clocks[] = {2, 3, 4, 5, 6, 7, 11};
    for (size_t i = 0; i < sizeof(ok_clocks) / sizeof(ok_clocks[0]); i++)
        assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, ok_clocks[i], ts_va), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, 10, ts_va), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)-5, ts_va), -LX_EINVAL); /* which 3 */
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime,
                         (uint64_t)(int64_t)LX_MAKE_PROCESS_CPUCLOCK(999, 2), ts_va),
                     -LX_EINVAL);                                            /* no such pid */
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, 0, 0x10), -LX_EFAULT);
    /* the CPU clocks: the kernel's accounting of the thread */
    fk_thread_of(fk, 1)->utime = 2000000000ull;
    fk_thread_of(fk, 1)->stime = 500;
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, LX_CLOCK_PROCESS_CPUTIME_ID, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_sec, 2);
    assert_int_equal(ts.tv_nsec, 500);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_getres, LX_CLOCK_MONOTONIC, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_sec, 0);
    assert_int_equal(ts.tv_nsec, 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_getres, LX_CLOCK_MONOTONIC_COARSE, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_nsec, 4000000);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_getres, 0, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_getres, 99, 0), -LX_EINVAL);
    uint64_t tv_va = fk_ubuf_zero(&u, 16);
    uint64_t tz_va = fk_ubuf_bytes(&u, "\xff\xff\xff\xff\xff\xff\xff", 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_gettimeofday, tv_va, tz_va), 0);
    struct lx_timeval tv;
    fk_mem_read(fk, 1, &tv, tv_va, 16);
    assert_int_equal(tv.tv_sec, 1700000000);
    assert_int_equal(tv.tv_usec, 123456);
    struct lx_timezone tz;
    fk_mem_read(fk, 1, &tz, tz_va, 8);
    assert_int_equal(tz.tz_minuteswest, 0);
    uint64_t t_va = fk_ubuf_zero(&u, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_time, t_va), 1700000000);
    int64_t t;
    fk_mem_read(fk, 1, &t, t_va, 8);
    assert_int_equal(t, 1700000000);
    assert_int_equal(SYS(fk, 1, LX_SYS_time, 0), 1700000000);
    assert_int_equal(SYS(fk, 1, LX_SYS_times, 0), 712);   /* 7.12 s in 10 ms ticks */
    fk_free(fk);
}

static void test_nanosleep_timer(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk->mono = 10000000000ull;
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_timespec req = {1, 500000000};
    uint64_t req_va = fk_ubuf_bytes(&u, &req, 16);
    struct lx_timespec bad = {0, 1000000000};
    uint64_t bad_va = fk_ubuf_bytes(&u, &bad, 16);
    struct lx_timespec zero = {0, 0};
    uint64_t zero_va = fk_ubuf_bytes(&u, &zero, 16);
    assert_int_equal(SYS(fk, 1, LX_SYS_nanosleep, bad_va, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_nanosleep, 0x10, 0), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_nanosleep, zero_va, 0), 0);
    uint64_t a = spawn(fk, 1);
    uint64_t tok = fk_call(fk, 1, LX_SYS_nanosleep, req_va, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    int arm = fk_find_event(fk, 0, FK_EV_TIMER_ARM, false, 0);
    assert_true(arm >= 0);
    assert_int_equal(fk->ev[arm].x, 11500000000ull);
    /* a second, shorter sleeper re-arms earlier */
    fk_ubuf_t ua;
    fk_ubuf_init(&ua, fk, a, 4096);
    struct lx_timespec shorter = {0, 200000000};
    uint64_t sh_va = fk_ubuf_bytes(&ua, &shorter, 16);
    uint64_t tok2 = fk_call(fk, a, LX_SYS_nanosleep, sh_va, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok2), FK_TOK_HELD);
    arm = fk_find_event(fk, arm + 1, FK_EV_TIMER_ARM, false, 0);
    assert_int_equal(fk->ev[arm].x, 10200000000ull);
    /* an early timer wakes nobody; the due one wakes the short sleeper and re-arms */
    pm_timer_fired(fk->pm, 10100000000ull);
    assert_int_equal(fk_tok_state(fk, tok2), FK_TOK_HELD);
    fk->mono = 10200000000ull;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_value(fk, tok2), 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    int last = -1;
    for (int i = 0; (i = fk_find_event(fk, i, FK_EV_TIMER_ARM, false, 0)) >= 0; i++)
        last = i;
    assert_int_equal(fk->ev[last].x, 11500000000ull);
    fk->mono = 11500000001ull;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_value(fk, tok), 0);
    assert_int_equal(fk_held_tokens(fk), 0);
    /* a sleeper killed meanwhile: its token is dropped, not answered */
    tok2 = fk_call(fk, a, LX_SYS_nanosleep, sh_va, 0, 0, 0, 0, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGKILL), 0);
    assert_int_equal(fk_tok_state(fk, tok2), FK_TOK_DROPPED);
    pm_timer_fired(fk->pm, fk->mono + 1000000000ull);
    fk_free(fk);
}

static void test_clock_nanosleep(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk->mono = 10000000000ull;
    fk->real = 1700000000000000000ull;
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_timespec abs_mono = {12, 0}, abs_real = {1700000003, 0}, past = {5, 0};
    uint64_t m_va = fk_ubuf_bytes(&u, &abs_mono, 16), r_va = fk_ubuf_bytes(&u, &abs_real, 16),
             p_va = fk_ubuf_bytes(&u, &past, 16);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_nanosleep, LX_CLOCK_THREAD_CPUTIME_ID, 0, m_va, 0),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_nanosleep, LX_CLOCK_MONOTONIC_COARSE, 0, m_va, 0),
                     -LX_EOPNOTSUPP);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_nanosleep, LX_CLOCK_MONOTONIC, LX_TIMER_ABSTIME,
                         p_va, 0), 0);   /* already past */
    uint64_t tok = fk_call(fk, 1, LX_SYS_clock_nanosleep, LX_CLOCK_MONOTONIC, LX_TIMER_ABSTIME,
                           m_va, 0, 0, 0);
    int arm = fk_find_event(fk, 0, FK_EV_TIMER_ARM, false, 0);
    assert_int_equal(fk->ev[arm].x, 12000000000ull);
    pm_timer_fired(fk->pm, 12000000000ull);
    assert_int_equal(fk_tok_value(fk, tok), 0);
    tok = fk_call(fk, 1, LX_SYS_clock_nanosleep, LX_CLOCK_REALTIME, LX_TIMER_ABSTIME, r_va, 0, 0,
                  0);
    arm = fk_find_event(fk, arm + 1, FK_EV_TIMER_ARM, false, 0);
    assert_int_equal(fk->ev[arm].x, 13000000000ull);   /* 3 s from now, on the monotonic clock */
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    fk_free(fk);
}

static void test_arch_prctl_and_tid_address(void **state)
{
    (void)state;
    fake_t *fk = boot();
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, LX_ARCH_SET_FS, 0x7ffff7ff8000), 0);
    assert_int_equal(fk_thread_of(fk, 1)->regs.fs_base, 0x7ffff7ff8000);
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, LX_ARCH_SET_FS, 0xffff800000000000), -LX_EPERM);
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, 0x1234, 0), -LX_EINVAL);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t out = fk_ubuf_zero(&u, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, LX_ARCH_GET_FS, out), 0);
    uint64_t fs;
    fk_mem_read(fk, 1, &fs, out, 8);
    assert_int_equal(fs, 0x7ffff7ff8000);
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, LX_ARCH_GET_FS, 0x10), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_arch_prctl, LX_ARCH_SET_GS, 0x1234000), 0);
    assert_int_equal(fk_thread_of(fk, 1)->regs.gs_base, 0x1234000);
    assert_int_equal(fk_thread_of(fk, 1)->regs.fs_base, 0x7ffff7ff8000);
    /* set_tid_address: returns the tid; at exit the word is cleared only if another user of
     * the memory remains (Linux's mm_users > 1): not for a lone process ... */
    uint64_t a = spawn(fk, 1);
    fk_ubuf_t ua;
    fk_ubuf_init(&ua, fk, a, 4096);
    uint32_t v = 0x1234;
    uint64_t word = fk_ubuf_bytes(&ua, &v, 4);
    assert_int_equal(SYS(fk, a, LX_SYS_set_tid_address, word), (int64_t)a);
    int sp = fk_thread_of(fk, a)->space;
    fk->spaces[sp].refs++;   /* keep the space to look at it after the exit */
    exit_proc(fk, a, LX_SYS_exit, 0);
    assert_int_equal(fk_space_read(fk, sp, &v, word, 4), 0);
    assert_int_equal(v, 0x1234);
    fk->spaces[sp].refs--;
    /* ... but for a vfork child, whose parked parent shares the memory */
    v = 0x5678;
    uint64_t w2 = fk_ubuf_bytes(&u, &v, 4);
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_clone, 0x4111, 0x7ffff0001230ull, 0, 0, 0, 0);
    int ci = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    assert_true(ci >= 0);
    uint64_t child = fk->ev[ci].y;
    assert_int_equal(SYS(fk, child, LX_SYS_set_tid_address, w2), (int64_t)child);
    exit_proc(fk, child, LX_SYS_exit, 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    assert_int_equal(fk_mem_read(fk, 1, &v, w2, 4), 0);
    assert_int_equal(v, 0);
    fk_free(fk);
}

static void test_prctl_name(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t name = fk_ubuf_str(&u, "a-very-long-process-name");
    assert_int_equal(SYS(fk, 1, LX_SYS_prctl, LX_PR_SET_NAME, name), 0);
    uint64_t out = fk_ubuf_zero(&u, 16);
    assert_int_equal(SYS(fk, 1, LX_SYS_prctl, LX_PR_GET_NAME, out), 0);
    char got[16];
    fk_mem_read(fk, 1, got, out, 16);
    assert_string_equal(got, "a-very-long-pro");
    struct pm_proc_info info;
    pm_proc_list(fk->pm, &info, 1);
    assert_string_equal(info.comm, "a-very-long-pro");
    assert_int_equal(SYS(fk, 1, LX_SYS_prctl, 9999, 0), -LX_EINVAL);
    fk_free(fk);
}

static void test_rlimits(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t out = fk_ubuf_zero(&u, 16);
    struct lx_rlimit rl;
    assert_int_equal(SYS(fk, 1, LX_SYS_getrlimit, LX_RLIMIT_STACK, out), 0);
    fk_mem_read(fk, 1, &rl, out, 16);
    assert_int_equal(rl.rlim_cur, 8 << 20);
    assert_int_equal(rl.rlim_max, LX_RLIM_INFINITY);
    assert_int_equal(SYS(fk, 1, LX_SYS_getrlimit, 16, out), -LX_EINVAL);
    struct lx_rlimit nf = {256, 512}, bad = {10, 5}, huge = {10, 1ull << 40};
    uint64_t nf_va = fk_ubuf_bytes(&u, &nf, 16), bad_va = fk_ubuf_bytes(&u, &bad, 16),
             huge_va = fk_ubuf_bytes(&u, &huge, 16);
    assert_int_equal(SYS(fk, 1, LX_SYS_setrlimit, LX_RLIMIT_NOFILE, bad_va), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_setrlimit, LX_RLIMIT_NOFILE, huge_va), -LX_EPERM);
    assert_int_equal(SYS(fk, 1, LX_SYS_setrlimit, LX_RLIMIT_NOFILE, 0x10), -LX_EFAULT);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_NOFILE, false, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_prlimit64, 0, LX_RLIMIT_NOFILE, nf_va, out), 0);
    fk_mem_read(fk, 1, &rl, out, 16);
    assert_int_equal(rl.rlim_cur, 1024);   /* the old value */
    assert_int_equal(rl.rlim_max, 4096);
    /* vfs owns the descriptors: it is told the new soft limit */
    int ev = fk_find_event(fk, 0, FK_EV_VFS_NOFILE, true, 1);
    assert_true(ev >= 0);
    assert_int_equal(fk->ev[ev].y, 256);
    assert_int_equal(SYS(fk, 1, LX_SYS_prlimit64, 0, LX_RLIMIT_CORE, nf_va, 0), 0);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_NOFILE, false, 0), 1);
    /* inherited by clone, kept by exec */
    uint64_t a = spawn(fk, 1);
    fk_ubuf_t ua;
    fk_ubuf_init(&ua, fk, a, 4096);
    uint64_t aout = fk_ubuf_zero(&ua, 16);
    assert_int_equal(SYS(fk, a, LX_SYS_prlimit64, 0, LX_RLIMIT_NOFILE, 0, aout), 0);
    fk_mem_read(fk, a, &rl, aout, 16);
    assert_int_equal(rl.rlim_cur, 256);
    ev = fk_find_event(fk, 0, FK_EV_VFS_NOFILE, true, a);   /* after vfs created it */
    assert_true(ev > fk_find_event(fk, 0, FK_EV_VFS_CREATE, true, a));
    assert_int_equal(fk->ev[ev].y, 256);
    assert_int_equal(SYS(fk, 1, LX_SYS_prlimit64, 999, LX_RLIMIT_NOFILE, 0, out), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_prlimit64, a, LX_RLIMIT_CORE, 0, out), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_getrusage, 5, out), -LX_EINVAL);
    fk_free(fk);
}

static void test_uname_sysinfo_random(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 8192);
    uint64_t un = fk_ubuf_zero(&u, sizeof(struct lx_utsname));
    assert_int_equal(SYS(fk, 1, LX_SYS_uname, un), 0);
    struct lx_utsname uts;
    fk_mem_read(fk, 1, &uts, un, sizeof(uts));
    assert_string_equal(uts.sysname, "Kestrel");
    assert_string_equal(uts.release, "0.1.0");
    assert_string_equal(uts.machine, "x86_64");
    assert_int_equal(SYS(fk, 1, LX_SYS_uname, 0x10), -LX_EFAULT);
    spawn(fk, 1);
    uint64_t a = spawn(fk, 1);
    exit_proc(fk, a, LX_SYS_exit_group, 0);   /* a zombie is not counted */
    fk->free_mem = 32ull << 20;
    fk->mono = 9500000000ull;
    uint64_t si_va = fk_ubuf_zero(&u, sizeof(struct lx_sysinfo));
    assert_int_equal(SYS(fk, 1, LX_SYS_sysinfo, si_va), 0);
    struct lx_sysinfo si;
    fk_mem_read(fk, 1, &si, si_va, sizeof(si));
    assert_int_equal(si.uptime, 10);
    assert_int_equal(si.procs, 2);
    assert_int_equal(si.totalram, 128ull << 20);   /* the machine's, not what was free at start */
    assert_int_equal(si.freeram, 32ull << 20);
    assert_int_equal(si.mem_unit, 1);
    uint64_t rb = fk_ubuf_zero(&u, 600);
    fk->rnd = 0x40;
    assert_int_equal(SYS(fk, 1, LX_SYS_getrandom, rb, 600, 0), 600);
    uint8_t r[600];
    fk_mem_read(fk, 1, r, rb, 600);
    for (int i = 0; i < 600; i++)
        assert_int_equal(r[i], (uint8_t)(0x40 + i));
    assert_int_equal(SYS(fk, 1, LX_SYS_getrandom, rb, 8, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_getrandom, rb, 8, 6), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_getrandom, 0x10, 8, 0), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_yield, 0), 0);
    fk_free(fk);
}

static void test_reboot(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_reboot, 1, LX_LINUX_REBOOT_MAGIC2,
                         LX_LINUX_REBOOT_CMD_POWER_OFF), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_reboot, LX_LINUX_REBOOT_MAGIC1, 5,
                         LX_LINUX_REBOOT_CMD_POWER_OFF), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_reboot, LX_LINUX_REBOOT_MAGIC1, LX_LINUX_REBOOT_MAGIC2,
                         0x1234), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_reboot, LX_LINUX_REBOOT_MAGIC1, LX_LINUX_REBOOT_MAGIC2,
                         LX_LINUX_REBOOT_CMD_CAD_OFF), 0);
    assert_int_equal(fk->poweroffs, 0);
    /* any root process may power off */
    SYS(fk, a, LX_SYS_reboot, LX_LINUX_REBOOT_MAGIC1, LX_LINUX_REBOOT_MAGIC2C,
        LX_LINUX_REBOOT_CMD_POWER_OFF);
    assert_int_equal(fk->poweroffs, 1);
    assert_int_equal(fk->poweroff_status, 0);
    SYS(fk, a, LX_SYS_reboot, LX_LINUX_REBOOT_MAGIC1, LX_LINUX_REBOOT_MAGIC2A,
        LX_LINUX_REBOOT_CMD_RESTART);
    assert_int_equal(fk->poweroffs, 2);
    fk_free(fk);
}

static void test_init_exit_powers_off(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t tok = fk_call(fk, 1, LX_SYS_exit_group, 3, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(fk->poweroffs, 1);
    assert_int_equal(fk->poweroff_status, 3);
    assert_true(fk_log_contains(fk, "init exited with status 3"));
    fk_free(fk);

    fk = boot();
    uint64_t ftok = fk->next_tok++;
    fk->tok[ftok] = FK_TOK_HELD;
    pm_fault(fk->pm, 1, 6, 0, 0x400123, ftok);   /* #UD */
    assert_int_equal(fk->poweroffs, 1);
    assert_int_equal(fk->poweroff_status, 128 + LX_SIGILL);
    assert_true(fk_log_contains(fk, "init killed by signal 4"));
    assert_true(fk_log_contains(fk, "SIGILL"));
    fk_free(fk);
}

static void test_faults_map_to_signals(void **state)
{
    (void)state;
    const struct { uint64_t vector; int sig; } map[] = {
        {0, LX_SIGFPE}, {1, LX_SIGTRAP}, {3, LX_SIGTRAP}, {6, LX_SIGILL}, {13, LX_SIGSEGV},
        {14, LX_SIGSEGV}, {16, LX_SIGFPE}, {17, LX_SIGBUS}, {19, LX_SIGFPE}, {12, LX_SIGBUS},
    };
    fake_t *fk = boot();
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        uint64_t a = spawn(fk, 1);
        /* a handler does not save the process: there is no delivery */
        fk_ubuf_t u;
        fk_ubuf_init(&u, fk, a, 4096);
        struct lx_sigaction h = {.sa_handler = 0x401000};
        uint64_t h_va = fk_ubuf_bytes(&u, &h, sizeof(h));
        SYS(fk, a, LX_SYS_rt_sigaction, (uint64_t)map[i].sig, h_va, 0, 8);
        uint64_t ftok = fk->next_tok++;
        fk->tok[ftok] = FK_TOK_HELD;
        pm_fault(fk->pm, a, map[i].vector, 4, 0xdead, ftok);
        assert_int_equal(fk_tok_state(fk, ftok), FK_TOK_DROPPED);
        int st;
        assert_int_equal(wait4_st(fk, 1, a, 0, &st), (int64_t)a);
        assert_true(LX_WIFSIGNALED(st));
        assert_int_equal(LX_WTERMSIG(st), map[i].sig);
    }
    assert_int_equal(fk->poweroffs, 0);
    fk_free(fk);
}

static void test_zombie_listing_and_stats(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = spawn(fk, 1);
    uint64_t b = spawn(fk, 1);
    exit_proc(fk, b, LX_SYS_exit_group, 0);
    struct pm_proc_info info[4];
    assert_int_equal(pm_proc_list(fk->pm, info, 4), 3);
    assert_int_equal(info[0].pid, 1);
    assert_int_equal(info[1].pid, (int32_t)a);
    assert_int_equal(info[1].ppid, 1);
    assert_int_equal(info[1].state, 'R');
    assert_string_equal(info[1].comm, "prog");
    assert_int_equal(info[2].state, 'Z');
    assert_int_equal(pm_proc_list(fk->pm, info, 1), 3);   /* count beyond max */
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.live, 2);
    assert_int_equal(st.zombies, 1);
    assert_int_equal(st.created, 3);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_pure_call_quick_case),
        cmocka_unit_test(test_sessions_and_groups),
        cmocka_unit_test(test_wait4_rules),
        cmocka_unit_test(test_waitid),
        cmocka_unit_test(test_sigchld_ignored_autoreaps),
        cmocka_unit_test(test_kill_rules),
        cmocka_unit_test(test_kill_self_and_groups),
        cmocka_unit_test(test_signal_notice_foreground),
        cmocka_unit_test(test_sigaction_and_mask_errors),
        cmocka_unit_test(test_memory_calls),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_vfork_child_shares_memory_bookkeeping),
        cmocka_unit_test(test_time_calls),
        cmocka_unit_test(test_nanosleep_timer),
        cmocka_unit_test(test_clock_nanosleep),
        cmocka_unit_test(test_arch_prctl_and_tid_address),
        cmocka_unit_test(test_prctl_name),
        cmocka_unit_test(test_rlimits),
        cmocka_unit_test(test_uname_sysinfo_random),
        cmocka_unit_test(test_reboot),
        cmocka_unit_test(test_init_exit_powers_off),
        cmocka_unit_test(test_faults_map_to_signals),
        cmocka_unit_test(test_zombie_listing_and_stats),
        cmocka_unit_test(test_wait_beats_sigchld_handler),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
