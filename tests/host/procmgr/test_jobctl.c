/* Host tests of job control in procmgr (issue 14): the rules of setsid and setpgid (every EPERM,
 * EACCES and ESRCH case) and what vfs is told; stopping and continuing (threads held, the
 * reports of wait4 and waitid with Linux's status encodings, SIGCHLD's si_code, SA_NOCLDSTOP,
 * SIGCONT and stop signals discarding each other, SIGKILL of a stopped process, orphaned
 * groups); the terminal's background checks vfs hands over (pm_jobctl); interrupts of threads
 * computing in user mode; CPU time (times, getrusage, the CPU clocks) and /proc/<pid>/status. */
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
#include <lx/resource.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/time.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SYS FK_SYS

#define boot fk_new_booted

static uint64_t ubuf(fake_t *fk, uint64_t badge, uint64_t len)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, len);
    return fk_ubuf_zero(&u, len);
}

static char state_of(fake_t *fk, uint64_t pid)
{
    struct pm_proc_info info[32];
    int n = pm_proc_list(fk->pm, info, 32);
    for (int i = 0; i < n && i < 32; i++)
        if (info[i].pid == (int32_t)pid)
            return info[i].state;
    return '?';
}

static int ids_events(fake_t *fk, uint64_t pid, uint64_t pgid, uint64_t sid)
{
    int n = 0;
    for (int i = 0; i < fk->nev; i++)
        n += fk->ev[i].kind == FK_EV_VFS_IDS && fk->ev[i].x == pid && fk->ev[i].y == pgid &&
             fk->ev[i].z == sid;
    return n;
}

static void sigaction_of(fake_t *fk, uint64_t badge, int sig, uint64_t handler, uint64_t flags)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    struct lx_sigaction a = {.sa_handler = handler, .sa_flags = flags | LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    uint64_t va = fk_ubuf_bytes(&u, &a, sizeof(a));
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigaction, (uint64_t)sig, va, 0, 8), 0);
}

static void mask_of(fake_t *fk, uint64_t badge, int how, uint64_t set)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    uint64_t va = fk_ubuf_bytes(&u, &set, 8);
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigprocmask, (uint64_t)how, va, 0, 8), 0);
}

static uint64_t pending_of(fake_t *fk, uint64_t badge)
{
    uint64_t va = ubuf(fk, badge, 8), set;
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigpending, va, 8), 0);
    fk_mem_read(fk, badge, &set, va, 8);
    return set;
}

static int64_t wait4_of(fake_t *fk, uint64_t badge, int64_t pid, uint64_t opts, int *status)
{
    uint64_t st = ubuf(fk, badge, 8);
    int64_t r = SYS(fk, badge, LX_SYS_wait4, (uint64_t)pid, st, opts, 0);
    if (status)
        fk_mem_read(fk, badge, status, st, 4);
    return r;
}

static int64_t waitid_of(fake_t *fk, uint64_t badge, uint64_t pid, uint64_t opts,
                         struct lx_siginfo_chld *si)
{
    uint64_t va = ubuf(fk, badge, sizeof(*si));
    int64_t r = SYS(fk, badge, LX_SYS_waitid, LX_P_PID, pid, va, opts, 0);
    fk_mem_read(fk, badge, si, va, sizeof(*si));
    return r;
}

static void test_setsid_setpgid_rules(void **state)
{
    (void)state;
    fake_t *fk = boot();
    /* init: session 1, group 1, and it leads group 1: no new session for it */
    assert_int_equal(SYS(fk, 1, LX_SYS_getsid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_setsid), -LX_EPERM);
    /* children inherit both */
    uint64_t a = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_getsid, 0), 1);
    assert_int_equal(SYS(fk, a, LX_SYS_getpgrp), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getsid, a), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getsid, 4242), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgid, (uint64_t)-3), -LX_ESRCH);
    /* a new group: vfs is told */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 0), 0);
    assert_int_equal(ids_events(fk, a, a, 1), 1);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 0), 0);   /* no change, no notice */
    assert_int_equal(ids_events(fk, a, a, 1), 1);
    uint64_t b = fk_spawn(fk, a);
    assert_int_equal(SYS(fk, b, LX_SYS_getpgrp), (int64_t)a);  /* inherits the new group */
    /* EINVAL: a negative group */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, (uint64_t)-1), -LX_EINVAL);
    /* ESRCH: neither the caller nor its child; or nobody */
    assert_int_equal(SYS(fk, b, LX_SYS_setpgid, a, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 1, 1), -LX_ESRCH);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 4242, 0), -LX_ESRCH);
    /* EACCES: the child has exec'd */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, b, 0), -LX_EACCES);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpgid, a, 1), -LX_EACCES);
    /* a child of another session: EPERM (before EACCES) */
    assert_int_equal(SYS(fk, b, LX_SYS_setsid), (int64_t)b);
    assert_int_equal(ids_events(fk, b, b, b), 1);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, b, a), -LX_EPERM);
    /* EPERM: a session leader may not change its group */
    assert_int_equal(SYS(fk, b, LX_SYS_setpgid, 0, 0), -LX_EPERM);
    /* EPERM: the target group must exist in the caller's session */
    uint64_t c = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, c, LX_SYS_setpgid, 0, b), -LX_EPERM);     /* b's: another session */
    assert_int_equal(SYS(fk, c, LX_SYS_setpgid, 0, 4242), -LX_EPERM);  /* no such group */
    assert_int_equal(SYS(fk, c, LX_SYS_setpgid, 0, a), 0);             /* a's: the same one */
    assert_int_equal(SYS(fk, c, LX_SYS_getpgid, 0), (int64_t)a);
    /* setsid: EPERM while a group with the caller's pid exists, even if it left it */
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 1), 0);   /* a back to group 1; c still in a */
    assert_int_equal(SYS(fk, a, LX_SYS_setsid), -LX_EPERM);
    assert_int_equal(SYS(fk, c, LX_SYS_setpgid, 0, 1), 0);   /* group a is gone */
    assert_int_equal(SYS(fk, a, LX_SYS_setsid), (int64_t)a);
    /* a zombie child keeps its ids until reaped, and setpgid still reaches it (Linux) */
    uint64_t d = fk_spawn(fk, 1);
    assert_int_equal(fk_tok_state(fk, fk_call(fk, d, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0)),
                     FK_TOK_DROPPED);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpgid, d), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getsid, d), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpgid, d, 0), -LX_EACCES);   /* it had exec'd */
    fk_free(fk);
}

static void test_stop_and_continue_reports(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1), k = fk_spawn(fk, 1);
    /* init waits for a stop of a */
    uint64_t st_va = ubuf(fk, 1, 8);
    uint64_t wtok = fk_call(fk, 1, LX_SYS_wait4, a, st_va, LX_WUNTRACED, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    /* SIGSTOP from k: a stops at once; the kernel is asked to stop its thread */
    int h = fk_thread_handle_of(fk, a);
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(state_of(fk, a), 'T');
    assert_true(fk->th[h].interrupts >= 1);
    assert_int_equal(fk_tok_value(fk, wtok), (int64_t)a);
    int st;
    fk_mem_read(fk, 1, &st, st_va, 4);
    assert_int_equal(st, 0x7f | (LX_SIGSTOP << 8));   /* WIFSTOPPED, WSTOPSIG 19 */
    /* the thread stops on its way to user mode: its interrupt is held, not answered */
    uint64_t itok = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_HELD);
    /* the stop is reported once */
    assert_int_equal(wait4_of(fk, 1, a, LX_WUNTRACED | LX_WNOHANG, NULL), 0);
    /* nor is it a continue yet */
    assert_int_equal(wait4_of(fk, 1, a, LX_WCONTINUED | LX_WNOHANG, NULL), 0);
    /* SIGCONT (from anyone in the session) resumes it: the held answer is given */
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_int_equal(state_of(fk, a), 'R');
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_REPLIED);
    struct lx_siginfo_chld si;
    assert_int_equal(waitid_of(fk, 1, a, LX_WCONTINUED | LX_WNOWAIT, &si), 0);
    assert_int_equal(si.si_code, LX_CLD_CONTINUED);
    assert_int_equal(si.si_status, LX_SIGCONT);
    assert_int_equal(si.si_pid, (int32_t)a);
    assert_int_equal(wait4_of(fk, 1, a, LX_WCONTINUED, &st), (int64_t)a);  /* WNOWAIT kept it */
    assert_int_equal(st, 0xffff);                                         /* WIFCONTINUED */
    assert_int_equal(wait4_of(fk, 1, a, LX_WCONTINUED | LX_WNOHANG, NULL), 0);
    /* waitid with WSTOPPED and WNOWAIT: the report stays for the next waiter */
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(waitid_of(fk, 1, a, LX_WSTOPPED | LX_WNOWAIT, &si), 0);
    assert_int_equal(si.si_code, LX_CLD_STOPPED);
    assert_int_equal(si.si_status, LX_SIGSTOP);
    assert_int_equal(waitid_of(fk, 1, a, LX_WSTOPPED, &si), 0);
    assert_int_equal(si.si_code, LX_CLD_STOPPED);
    assert_int_equal(waitid_of(fk, 1, a, LX_WSTOPPED | LX_WNOHANG, &si), 0);
    assert_int_equal(si.si_pid, 0);
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGCONT), 0);
    /* a stopped process dies of SIGKILL; its held token is dropped */
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGSTOP), 0);
    itok = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, k, LX_SYS_kill, a, LX_SIGKILL), 0);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_DROPPED);
    assert_int_equal(wait4_of(fk, 1, a, 0, &st), (int64_t)a);
    assert_int_equal(st, LX_SIGKILL);
    fk_free(fk);
}

/* a child of init in its own group is orphaned: SIGTSTP is dropped, SIGSTOP is not. A group
 * whose members have a parent in another group of the session is not. */
static void test_orphaned_groups(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t lone = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, lone, LX_SYS_setpgid, 0, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, lone, LX_SIGTSTP), 0);
    assert_int_equal(state_of(fk, lone), 'R');
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, lone, LX_SIGTTIN), 0);
    assert_int_equal(state_of(fk, lone), 'R');
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, lone, LX_SIGSTOP), 0);
    assert_int_equal(state_of(fk, lone), 'T');
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, lone, LX_SIGCONT), 0);
    /* a shell (session leader) and a job in a group of its own: not orphaned */
    uint64_t sh = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, sh, LX_SYS_setsid), (int64_t)sh);
    uint64_t job = fk_spawn(fk, sh), job2 = fk_spawn(fk, sh);
    assert_int_equal(SYS(fk, job, LX_SYS_setpgid, 0, 0), 0);
    assert_int_equal(SYS(fk, job2, LX_SYS_setpgid, 0, job), 0);
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, -(int64_t)job, LX_SIGTSTP), 0);
    assert_int_equal(state_of(fk, job), 'T');
    assert_int_equal(state_of(fk, job2), 'T');
    /* the shell exits: the stopped group loses its last tie and gets SIGHUP then SIGCONT;
     * SIGHUP's default action ends both */
    assert_int_equal(fk_tok_state(fk, fk_call(fk, sh, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0)),
                     FK_TOK_DROPPED);
    assert_int_equal(state_of(fk, job), 'Z');
    assert_int_equal(state_of(fk, job2), 'Z');
    int st;
    assert_int_equal(wait4_of(fk, 1, job, 0, &st), (int64_t)job);
    assert_int_equal(st, LX_SIGHUP);
    fk_free(fk);
}

static void test_sigcont_and_stop_discard(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t sh = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, sh, LX_SYS_setsid), (int64_t)sh);
    uint64_t a = fk_spawn(fk, sh);
    assert_int_equal(SYS(fk, a, LX_SYS_setpgid, 0, 0), 0);
    /* a blocked SIGTSTP waits; SIGCONT discards it */
    mask_of(fk, a, LX_SIG_BLOCK, LX_SIGBIT(LX_SIGTSTP) | LX_SIGBIT(LX_SIGCONT));
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, a, LX_SIGTSTP), 0);
    assert_int_equal(state_of(fk, a), 'R');
    assert_int_equal(pending_of(fk, a), LX_SIGBIT(LX_SIGTSTP));
    sigaction_of(fk, a, LX_SIGCONT, 0x401000, 0);
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_int_equal(pending_of(fk, a), LX_SIGBIT(LX_SIGCONT));   /* caught, blocked: pending */
    /* a stop signal discards a pending SIGCONT */
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, a, LX_SIGTSTP), 0);
    assert_int_equal(pending_of(fk, a), LX_SIGBIT(LX_SIGTSTP));
    /* unblocking SIGTSTP stops it now; the caller's own answer is held */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, a, 4096);
    uint64_t set = LX_SIGBIT(LX_SIGTSTP);
    uint64_t va = fk_ubuf_bytes(&u, &set, 8);
    uint64_t tok = fk_call(fk, a, LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, va, 0, 8, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(state_of(fk, a), 'T');
    /* SIGCONT continues it even though SIGCONT is blocked */
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_int_equal(fk_tok_value(fk, tok), 0);
    assert_int_equal(state_of(fk, a), 'R');
    fk_free(fk);
}

/* SIGCHLD for a stop: CLD_STOPPED in the handler's siginfo, unless SA_NOCLDSTOP */
static void test_sigchld_codes(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t sh = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, sh, LX_SYS_setsid), (int64_t)sh);
    uint64_t a = fk_spawn(fk, sh);
    sigaction_of(fk, sh, LX_SIGCHLD, 0x401000, LX_SA_NOCLDSTOP | LX_SA_SIGINFO);
    mask_of(fk, sh, LX_SIG_BLOCK, LX_SIGBIT(LX_SIGCHLD));
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(pending_of(fk, sh), 0);                      /* SA_NOCLDSTOP */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_int_equal(pending_of(fk, sh), 0);
    sigaction_of(fk, sh, LX_SIGCHLD, 0x401000, LX_SA_SIGINFO);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(pending_of(fk, sh), LX_SIGBIT(LX_SIGCHLD));
    /* unblocked, the handler runs at the end of that very call: its siginfo */
    fk_thread_t *th = fk_thread_of(fk, sh);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, sh, 4096);
    uint64_t set = LX_SIGBIT(LX_SIGCHLD);
    uint64_t va = fk_ubuf_bytes(&u, &set, 8);
    assert_int_equal(SYS(fk, sh, LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, va, 0, 8), 0);
    assert_int_equal(th->regs.rip, 0x401000);
    struct lx_siginfo_chld si;
    fk_mem_read(fk, sh, &si, th->regs.rsi, sizeof(si));
    assert_int_equal(si.si_signo, LX_SIGCHLD);
    assert_int_equal(si.si_code, LX_CLD_STOPPED);
    assert_int_equal(si.si_pid, (int32_t)a);
    assert_int_equal(si.si_status, LX_SIGSTOP);
    fk_free(fk);
}

/* A thread blocked in vfs is taken back when its process stops, and its call runs again after
 * the continue (back onto the SYSCALL instruction, its number in RAX). A sleep stays asleep;
 * its end is held until the continue. */
static void test_stop_holds_blocked_threads(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1), b = fk_spawn(fk, 1);
    fk_thread_t *ta = fk_thread_of(fk, a);
    ta->regs.rip = 0x401234;
    uint64_t rtok = fk_call_blocked_in_vfs(fk, a, LX_SYS_read, (uint64_t[6]){0, 0x1000, 10});
    uint64_t ts_va = ubuf(fk, b, 16);
    struct lx_timespec ts = {5, 0};
    fk_mem_write(fk, b, ts_va, &ts, sizeof(ts));
    uint64_t stok = fk_call(fk, b, LX_SYS_nanosleep, ts_va, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, stok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, b, LX_SIGSTOP), 0);
    assert_int_equal(fk_tok_state(fk, rtok), FK_TOK_HELD);       /* back from vfs, held */
    assert_int_equal(fk_tok_state(fk, stok), FK_TOK_HELD);
    fk->mono += 6000000000ull;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_state(fk, stok), FK_TOK_HELD);       /* done, but stopped */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGCONT), 0);
    assert_int_equal(fk_tok_value(fk, rtok), LX_SYS_read);       /* runs again */
    assert_int_equal(ta->regs.rip, 0x401232);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, b, LX_SIGCONT), 0);
    assert_int_equal(fk_tok_value(fk, stok), 0);
    /* a syscall already on its way when the stop came is held and runs again after it */
    fk_thread_of(fk, b)->in_kernel = true;
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, b, LX_SIGSTOP), 0);
    uint64_t gtok = fk_call(fk, b, LX_SYS_getppid, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, gtok), FK_TOK_HELD);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, b, LX_SIGCONT), 0);
    assert_int_equal(fk_tok_value(fk, gtok), LX_SYS_getppid);
    fk_free(fk);
}

/* The terminal's checks that vfs hands over: SIGTTIN/SIGTTOU to the caller's group, EIO, or
 * the call back to vfs. */
static void test_background_terminal_calls(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t sh = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, sh, LX_SYS_setsid), (int64_t)sh);
    uint64_t bg = fk_spawn(fk, sh);
    assert_int_equal(SYS(fk, bg, LX_SYS_setpgid, 0, 0), 0);
    pm_jobctl_req_t rq = {(int32_t)bg, (int32_t)bg, LX_SIGTTIN, -LX_EIO, LX_SYS_read, {0}};
    /* a read: the group gets SIGTTIN and stops; the read is held, then runs again */
    uint64_t tok = fk_tok_new(fk);
    pm_jobctl(fk->pm, &rq, tok);
    assert_int_equal(state_of(fk, bg), 'T');
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    struct lx_siginfo_chld si;
    assert_int_equal(waitid_of(fk, sh, bg, LX_WSTOPPED, &si), 0);
    assert_int_equal(si.si_status, LX_SIGTTIN);
    assert_int_equal(SYS(fk, sh, LX_SYS_kill, bg, LX_SIGCONT), 0);
    assert_int_equal(fk_tok_value(fk, tok), LX_SYS_read);
    /* SIGTTIN ignored: EIO */
    sigaction_of(fk, bg, LX_SIGTTIN, LX_SIG_IGN, 0);
    tok = fk_tok_new(fk);
    pm_jobctl(fk->pm, &rq, tok);
    assert_int_equal(fk_tok_value(fk, tok), -LX_EIO);
    /* SIGTTOU blocked: the write (or tcsetpgrp) goes ahead: back to vfs */
    mask_of(fk, bg, LX_SIG_BLOCK, LX_SIGBIT(LX_SIGTTOU));
    rq.sig = LX_SIGTTOU;
    rq.eio = -LX_ENOTTY;
    rq.nr = LX_SYS_ioctl;
    tok = fk_tok_new(fk);
    pm_jobctl(fk->pm, &rq, tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_true(fk_find_event(fk, 0, FK_EV_FORWARD_NOJC, true, tok) >= 0);
    /* SIGTTOU not ignored, the group orphaned (its parent gone): the error vfs named */
    mask_of(fk, bg, LX_SIG_UNBLOCK, LX_SIGBIT(LX_SIGTTOU));
    assert_int_equal(fk_tok_state(fk, fk_call(fk, sh, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0)),
                     FK_TOK_DROPPED);
    tok = fk_tok_new(fk);
    pm_jobctl(fk->pm, &rq, tok);
    assert_int_equal(fk_tok_value(fk, tok), -LX_ENOTTY);
    assert_int_equal(state_of(fk, bg), 'R');
    /* a caller that is gone: the token is dropped */
    rq.tid = 4242;
    tok = fk_tok_new(fk);
    pm_jobctl(fk->pm, &rq, tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    fk_free(fk);
}

/* CPU time: the kernel's per-thread figures summed per process, children's added at reaping. */
static void test_cpu_time(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    fk_thread_of(fk, a)->utime = 1230000000ull;   /* 1.23 s */
    fk_thread_of(fk, a)->stime = 40000000ull;     /* 0.04 s */
    uint64_t tms_va = ubuf(fk, a, sizeof(struct lx_tms));
    assert_true(SYS(fk, a, LX_SYS_times, tms_va) > 0);
    struct lx_tms tms;
    fk_mem_read(fk, a, &tms, tms_va, sizeof(tms));
    assert_int_equal(tms.tms_utime, 123);
    assert_int_equal(tms.tms_stime, 4);
    assert_int_equal(tms.tms_cutime, 0);
    uint64_t ru_va = ubuf(fk, a, sizeof(struct lx_rusage));
    struct lx_rusage ru;
    assert_int_equal(SYS(fk, a, LX_SYS_getrusage, LX_RUSAGE_SELF, ru_va), 0);
    fk_mem_read(fk, a, &ru, ru_va, sizeof(ru));
    assert_int_equal(ru.ru_utime_sec, 1);
    assert_int_equal(ru.ru_utime_usec, 230000);
    assert_int_equal(ru.ru_stime_usec, 40000);
    assert_int_equal(SYS(fk, a, LX_SYS_getrusage, LX_RUSAGE_THREAD, ru_va), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_getrusage, 7, ru_va), -LX_EINVAL);
    /* the CPU clocks: the process's, a thread's, another process's by clock_getcpuclockid */
    uint64_t ts_va = ubuf(fk, 1, 16);
    struct lx_timespec ts;
    int32_t clk = LX_MAKE_PROCESS_CPUCLOCK(a, LX_CPUCLOCK_SCHED);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_sec, 1);
    assert_int_equal(ts.tv_nsec, 270000000);
    clk = LX_MAKE_PROCESS_CPUCLOCK(a, LX_CPUCLOCK_VIRT);   /* user time only */
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_nsec, 230000000);
    clk = LX_MAKE_PROCESS_CPUCLOCK(a, LX_CPUCLOCK_SCHED | LX_CPUCLOCK_PERTHREAD);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va),
                     -LX_EINVAL);                       /* a thread of another process */
    assert_int_equal(SYS(fk, a, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_getres, (uint64_t)(int64_t)clk, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_clock_getres, LX_CLOCK_THREAD_CPUTIME_ID, ts_va), 0);
    fk_mem_read(fk, a, &ts, ts_va, 16);
    assert_int_equal(ts.tv_nsec, 1);
    /* stat shows utime and stime in clock ticks (fields 14 and 15) */
    char text[1024];
    int64_t n = pm_procfs_format(fk->pm, (int32_t)a, PM_PROCFS_STAT, 0, text, sizeof(text) - 1);
    assert_true(n > 0);
    text[n] = 0;
    const char *f = strchr(text, ')') + 2;
    for (int i = 3; i < 14; i++)
        f = strchr(f, ' ') + 1;
    assert_int_equal(strtol(f, NULL, 10), 123);
    assert_int_equal(strtol(strchr(f, ' ') + 1, NULL, 10), 4);
    /* a zombie keeps its time; reaping gives it to the parent's children's time */
    assert_int_equal(fk_tok_state(fk, fk_call(fk, a, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0)),
                     FK_TOK_DROPPED);
    clk = LX_MAKE_PROCESS_CPUCLOCK(a, LX_CPUCLOCK_SCHED);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va), 0);
    fk_mem_read(fk, 1, &ts, ts_va, 16);
    assert_int_equal(ts.tv_nsec, 270000000);
    ru_va = ubuf(fk, 1, sizeof(struct lx_rusage));
    assert_int_equal(SYS(fk, 1, LX_SYS_getrusage, LX_RUSAGE_CHILDREN, ru_va), 0);
    fk_mem_read(fk, 1, &ru, ru_va, sizeof(ru));
    assert_int_equal(ru.ru_utime_sec, 0);                 /* not reaped yet */
    uint64_t st_va = ubuf(fk, 1, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_wait4, a, st_va, 0, ru_va), (int64_t)a);
    fk_mem_read(fk, 1, &ru, ru_va, sizeof(ru));
    assert_int_equal(ru.ru_utime_sec, 1);                 /* wait4's rusage: the child's */
    assert_int_equal(SYS(fk, 1, LX_SYS_getrusage, LX_RUSAGE_CHILDREN, ru_va), 0);
    fk_mem_read(fk, 1, &ru, ru_va, sizeof(ru));
    assert_int_equal(ru.ru_utime_usec, 230000);
    assert_int_equal(SYS(fk, 1, LX_SYS_clock_gettime, (uint64_t)(int64_t)clk, ts_va),
                     -LX_EINVAL);                         /* reaped: no such pid */
    fk_free(fk);
}

static const char *line_of(const char *text, const char *key, char *out, size_t size)
{
    const char *p = strstr(text, key);
    if (!p)
        return NULL;
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

static void test_proc_status(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    sigaction_of(fk, a, LX_SIGUSR1, 0x401000, 0);
    sigaction_of(fk, a, LX_SIGPIPE, LX_SIG_IGN, 0);
    mask_of(fk, a, LX_SIG_BLOCK, LX_SIGBIT(LX_SIGTERM));
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGTERM), 0);   /* blocked: pending */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGSTOP), 0);
    char text[4096], l[128];
    pm_procfs_facts_t facts = {1281, 7, 027, 256};
    int64_t n = pm_procfs_format_with(fk->pm, (int32_t)a, PM_PROCFS_STATUS, &facts, 0, text,
                                      sizeof(text) - 1);
    assert_true(n > 0);
    text[n] = 0;
    assert_int_equal(strncmp(text, "Name:\tprog\nUmask:\t0027\nState:\tT (stopped)\n", 40), 0);
    char want[64];
    snprintf(want, sizeof(want), "Pid:\t%d", (int)a);
    assert_string_equal(line_of(text, "Pid:", l, sizeof(l)), want);
    assert_string_equal(line_of(text, "PPid:", l, sizeof(l)), "PPid:\t1");
    assert_string_equal(line_of(text, "TracerPid:", l, sizeof(l)), "TracerPid:\t0");
    assert_string_equal(line_of(text, "FDSize:", l, sizeof(l)), "FDSize:\t256");
    assert_string_equal(line_of(text, "Threads:", l, sizeof(l)), "Threads:\t1");
    assert_string_equal(line_of(text, "ShdPnd:", l, sizeof(l)), "ShdPnd:\t0000000000004000");
    assert_string_equal(line_of(text, "SigBlk:", l, sizeof(l)), "SigBlk:\t0000000000004000");
    assert_string_equal(line_of(text, "SigIgn:", l, sizeof(l)), "SigIgn:\t0000000000001000");
    assert_string_equal(line_of(text, "SigCgt:", l, sizeof(l)), "SigCgt:\t0000000000000200");
    assert_non_null(line_of(text, "VmSize:\t", l, sizeof(l)));
    assert_true(strstr(l, " kB") != NULL);
    assert_non_null(line_of(text, "CapEff:\t000001ffffffffff", l, sizeof(l)));
    /* stat's terminal fields come from vfs: tty_nr 1281 (5:1), tpgid 7 */
    n = pm_procfs_format_with(fk->pm, (int32_t)a, PM_PROCFS_STAT, &facts, 0, text,
                              sizeof(text) - 1);
    text[n] = 0;
    const char *f = strchr(text, ')') + 2;
    assert_int_equal(f[0], 'T');
    for (int i = 3; i < 7; i++)
        f = strchr(f, ' ') + 1;
    assert_int_equal(strtol(f, NULL, 10), 1281);
    assert_int_equal(strtol(strchr(f, ' ') + 1, NULL, 10), 7);
    /* a zombie: no umask, no memory lines */
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, a, LX_SIGKILL), 0);
    n = pm_procfs_format_with(fk->pm, (int32_t)a, PM_PROCFS_STATUS, &facts, 0, text,
                              sizeof(text) - 1);
    text[n] = 0;
    assert_null(strstr(text, "Umask"));
    assert_null(strstr(text, "VmSize"));
    assert_non_null(strstr(text, "State:\tZ (zombie)\n"));
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setsid_setpgid_rules),
        cmocka_unit_test(test_stop_and_continue_reports),
        cmocka_unit_test(test_orphaned_groups),
        cmocka_unit_test(test_sigcont_and_stop_discard),
        cmocka_unit_test(test_sigchld_codes),
        cmocka_unit_test(test_stop_holds_blocked_threads),
        cmocka_unit_test(test_background_terminal_calls),
        cmocka_unit_test(test_cpu_time),
        cmocka_unit_test(test_proc_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
