/* Host tests of the temporary signal mask of ppoll, pselect6 and epoll_pwait (pm_sigmask.c):
 * installed before the call is forwarded to vfs, put back at the thread's next syscall, or, when
 * a signal interrupts the call, left in force for the handler while the frame's uc_sigmask holds
 * the caller's own; a pending signal the mask lets in answers EINTR at once (or acts by default);
 * Linux's EINVAL/EFAULT; the poll family is not restarted under SA_RESTART, read is. Also the
 * scheduling attributes (pm_prio.c): nice, affinity, I/O priority. */
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
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SYS(fk, badge, nr, ...) fk_tok_value(fk, fk_call_v(fk, badge, nr, (uint64_t[6]){__VA_ARGS__}))
#define USR1 LX_SIGBIT(LX_SIGUSR1)
#define USR2 LX_SIGBIT(LX_SIGUSR2)

static fake_t *boot(void)
{
    fake_t *fk = fk_new();
    fk_boot(fk);
    return fk;
}

/* Field n (1-based) of /proc/<pid>/stat. */
static uint64_t stat_field(fake_t *fk, int32_t pid, int n)
{
    char buf[1024];
    int64_t len = pm_procfs_format(fk->pm, pid, PM_PROCFS_STAT, 0, buf, sizeof buf - 1);
    assert_true(len > 0);
    buf[len] = 0;
    char *p = strrchr(buf, ')') + 2;   /* field 3 starts here */
    for (int f = 3; f < n; f++)
        p = strchr(p, ' ') + 1;
    return strtoull(p, NULL, 10);
}

static uint64_t blocked(fake_t *fk)
{
    return stat_field(fk, 1, 32);
}

static void set_mask(fake_t *fk, fk_ubuf_t *u, uint64_t mask)
{
    uint64_t va = fk_ubuf_bytes(u, &mask, sizeof mask);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, va, 0, 8), 0);
}

static void set_handler(fake_t *fk, fk_ubuf_t *u, int sig, uint64_t flags)
{
    struct lx_sigaction h = {.sa_handler = 0x401000, .sa_flags = LX_SA_RESTORER | flags,
                             .sa_restorer = 0x401100};
    uint64_t va = fk_ubuf_bytes(u, &h, sizeof h);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigaction, sig, va, 0, 8), 0);
}

/* The frame a handler was started with: its uc_sigmask and saved rax. */
static void frame_of(fake_t *fk, uint64_t *uc_sigmask, uint64_t *rax)
{
    fk_thread_t *th = fk_thread_of(fk, 1);
    assert_int_equal(th->regs.rip, 0x401000);
    uint64_t frame = th->regs.rsp;
    fk_mem_read(fk, 1, uc_sigmask, frame + offsetof(struct lx_rt_sigframe, uc.uc_sigmask), 8);
    fk_mem_read(fk, 1, rax, frame + offsetof(struct lx_rt_sigframe, uc.uc_mcontext.rax), 8);
}

static void test_mask_installed_and_restored(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_mask(fk, &u, USR1);
    uint64_t tmp = USR2 | LX_SIGBIT(LX_SIGKILL);   /* KILL cannot be blocked: dropped */
    uint64_t mva = fk_ubuf_bytes(&u, &tmp, 8);
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_ppoll, 0, 0, 0, mva, 8, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_int_equal(blocked(fk), USR2);
    /* vfs answered; the next syscall finds the caller's own mask back */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);
    assert_int_equal(blocked(fk), USR1);
    /* pselect6's {mask, size} pair; epoll_pwait's and epoll_pwait2's mask */
    uint64_t pack[2] = {mva, 8};
    uint64_t pva = fk_ubuf_bytes(&u, pack, sizeof pack);
    tok = FK_CALL(fk, 1, LX_SYS_pselect6, 0, 0, 0, 0, 0, pva);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_int_equal(blocked(fk), USR2);
    tok = FK_CALL(fk, 1, LX_SYS_epoll_pwait, 3, 0, 1, 0, mva, 8);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_int_equal(blocked(fk), USR2);
    tok = FK_CALL(fk, 1, LX_SYS_epoll_pwait2, 3, 0, 1, 0, mva, 8);
    assert_int_equal(blocked(fk), USR2);
    assert_int_equal(SYS(fk, 1, LX_SYS_getppid, 0), 0);
    assert_int_equal(blocked(fk), USR1);
    /* no mask: the caller's stays */
    tok = FK_CALL(fk, 1, LX_SYS_ppoll, 0, 0, 0, 0, 8, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_int_equal(blocked(fk), USR1);
    fk_free(fk);
}

static void test_mask_errors(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t m = USR2, mva = fk_ubuf_bytes(&u, &m, 8);
    /* answered by procmgr, not forwarded, the mask untouched */
    assert_int_equal(SYS(fk, 1, LX_SYS_ppoll, 0, 0, 0, mva, 16, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_ppoll, 0, 0, 0, 0x10, 8, 0), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_epoll_pwait, 3, 0, 1, 0, mva, 4), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pselect6, 0, 0, 0, 0, 0, 0x10), -LX_EFAULT);
    uint64_t pack[2] = {mva, 7};
    assert_int_equal(SYS(fk, 1, LX_SYS_pselect6, 0, 0, 0, 0, 0, fk_ubuf_bytes(&u, pack, 16)),
                     -LX_EINVAL);
    assert_int_equal(blocked(fk), 0);
    assert_int_equal(fk_count_events(fk, FK_EV_FORWARD, false, 0), 0);
    fk_free(fk);
}

static void test_pending_signal_let_in(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_handler(fk, &u, LX_SIGUSR1, 0);
    set_mask(fk, &u, USR1);
    assert_int_equal(SYS(fk, 1, LX_SYS_kill, 1, LX_SIGUSR1), 0);   /* pending, blocked */
    uint64_t none = 0, mva = fk_ubuf_bytes(&u, &none, 8);
    /* the mask lets it in: not forwarded, EINTR; the handler runs with the temporary mask
     * (plus its own signal), the frame restores the caller's */
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_ppoll, 0, 0, 0, mva, 8, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    assert_int_equal(fk_count_events(fk, FK_EV_FORWARD, false, 0), 0);
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(uc_mask, USR1);
    assert_int_equal((int64_t)rax, -LX_EINTR);
    assert_int_equal(blocked(fk), USR1);   /* temporary (none) + the signal being handled */
    fk_free(fk);
}

static void test_signal_during_call(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    /* SA_RESTART does not restart the poll family */
    set_handler(fk, &u, LX_SIGUSR1, LX_SA_RESTART);
    set_mask(fk, &u, USR1 | USR2);
    uint64_t tmp = USR2, mva = fk_ubuf_bytes(&u, &tmp, 8);
    fk_thread_of(fk, 1)->regs.rax = LX_SYS_ppoll;   /* the thread is inside ppoll */
    uint64_t tok = fk_call_blocked_in_vfs(fk, 1, LX_SYS_ppoll, (uint64_t[6]){0, 0, 0, mva, 8, 0});
    /* a signal blocked by the temporary mask does not interrupt */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR2);
    assert_int_equal(fk->vfs_held[1], tok);
    /* one it lets in does: the call is taken back from vfs and ends with EINTR */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);
    assert_int_equal(fk->vfs_held[1], 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(uc_mask, USR1 | USR2);        /* the caller's own, for rt_sigreturn */
    assert_int_equal((int64_t)rax, -LX_EINTR);     /* not restarted */
    assert_int_equal(blocked(fk), USR1 | USR2);    /* temporary USR2, plus USR1 being handled */
    /* the handler's own syscalls do not bring the old mask back a second time */
    fk_thread_t *th = fk_thread_of(fk, 1);
    uint64_t frame = th->regs.rsp;
    assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);
    assert_int_equal(blocked(fk), USR1 | USR2);
    th->regs.rsp = frame + 8;
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigreturn, 0), -LX_EINTR);
    assert_int_equal(blocked(fk), USR1 | USR2);
    /* a read interrupted the same way restarts under SA_RESTART */
    set_mask(fk, &u, 0);
    th->regs.rax = LX_SYS_read;
    tok = fk_call_blocked_in_vfs(fk, 1, LX_SYS_read, (uint64_t[6]){0, 0, 1, 0, 0, 0});
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(rax, LX_SYS_read);
    fk_free(fk);
}

/* The mask ends as the call returns: procmgr marks the thread when it forwards the call, and the
 * interrupt message the mark brings (after vfs's answer, before user mode) puts the caller's own
 * back, so a signal the temporary mask held back acts there, even if the thread's next calls are
 * routed ones procmgr never sees. */
static void test_mask_ends_at_interrupt(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_handler(fk, &u, LX_SIGUSR1, 0);
    uint64_t tmp = USR1, mva = fk_ubuf_bytes(&u, &tmp, 8);
    fk_thread_t *th = fk_thread_of(fk, 1);
    int marks = th->interrupts;
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_ppoll, 0, 0, 0, mva, 8, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_FORWARDED);
    assert_int_equal(th->interrupts, marks + 1);   /* marked as the call went to vfs */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);    /* held back by the call's mask */
    assert_int_equal(blocked(fk), USR1);
    assert_int_not_equal(th->regs.rip, 0x401000);
    /* vfs answered; the mark's interrupt message: the mask is the caller's, the handler runs */
    uint64_t itok = fk_interrupted(fk, 1, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, itok), FK_TOK_REPLIED);
    assert_int_equal(th->regs.rip, 0x401000);
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(uc_mask, 0);                  /* rt_sigreturn restores the caller's */
    fk_free(fk);
}

/* A routed call (it came to vfs straight from the thread: procmgr never saw it) that a signal
 * takes back from vfs: vfs says which call it was, and that decides the restart, not the
 * thread's last call through procmgr. */
static void test_routed_call_interrupted(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_handler(fk, &u, LX_SIGUSR1, LX_SA_RESTART);
    assert_true(fk_thread_of(fk, 1)->routed);
    for (int poll = 0; poll < 2; poll++) {
        assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);   /* procmgr's last sight of it */
        uint64_t nr = poll ? LX_SYS_poll : LX_SYS_read;
        fk_thread_of(fk, 1)->regs.rax = nr;
        uint64_t tok = fk_tok_new(fk);                       /* vfs holds a routed call */
        fk->vfs_held[1] = tok;
        fk->vfs_held_nr[1] = nr;
        pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);
        assert_int_equal(fk->vfs_held[1], 0);
        assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
        uint64_t uc_mask, rax;
        frame_of(fk, &uc_mask, &rax);
        if (poll)
            assert_int_equal((int64_t)rax, -LX_EINTR);     /* the poll family: not restarted */
        else
            assert_int_equal(rax, LX_SYS_read);            /* read: restarted under SA_RESTART */
        fk_thread_t *th = fk_thread_of(fk, 1);
        th->regs.rsp += 8;
        SYS(fk, 1, LX_SYS_rt_sigreturn, 0);
    }
    fk_free(fk);
}

/* The id getters (getpid & co) are answered straight away only when nothing is due: a signal
 * the thread can take runs its handler first, the call running again afterwards, as any call. */
static void test_pure_call_after_signal(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_gettid, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_getppid, 0), 0);
    set_handler(fk, &u, LX_SIGUSR1, 0);
    set_handler(fk, &u, LX_SIGUSR2, 0);
    set_mask(fk, &u, USR1);
    fk_thread_t *th = fk_thread_of(fk, 1);
    th->regs.rip = 0x402000;
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);                   /* pending, blocked */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpid, 0), 1);             /* nothing it can take */
    assert_int_equal(th->regs.rip, 0x402000);
    /* one it can take, sent while it computes (the kernel's interrupt message not yet in):
     * its getpid runs the handler first, and again afterwards */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR2);
    th->regs.rax = LX_SYS_getpid;
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_getpid, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    assert_int_equal(th->regs.rip, 0x401000);                       /* in the handler */
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(rax, LX_SYS_getpid);                           /* the call runs again */
    assert_int_equal(uc_mask, USR1);
    fk_free(fk);
}

static void test_default_action_let_in(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    /* a child blocks SIGTERM, gets one, and lets it in with ppoll's mask: it dies */
    int mark = fk->nev;
    uint64_t ctok = FK_CALL(fk, 1, LX_SYS_clone, 0x4111, 0x7ffff0000000, 0, 0, 0, 0);
    int i = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    uint64_t child = fk->ev[i].y;
    fk_ubuf_t cu;
    fk_ubuf_init(&cu, fk, child, 4096);
    uint64_t term = LX_SIGBIT(LX_SIGTERM), va = fk_ubuf_bytes(&cu, &term, 8);
    assert_int_equal(SYS(fk, child, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, va, 0, 8), 0);
    assert_int_equal(SYS(fk, child, LX_SYS_kill, child, LX_SIGTERM), 0);
    uint64_t none = 0, nva = fk_ubuf_bytes(&cu, &none, 8);
    uint64_t tok = FK_CALL(fk, child, LX_SYS_ppoll, 0, 0, 0, nva, 8, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, ctok), (int64_t)child);   /* the vfork parent goes on */
    uint64_t st = fk_ubuf_zero(&u, 4);
    assert_int_equal(SYS(fk, 1, LX_SYS_wait4, child, st, 0, 0), (int64_t)child);
    int status;
    fk_mem_read(fk, 1, &status, st, 4);
    assert_int_equal(LX_WTERMSIG(status), LX_SIGTERM);
    fk_free(fk);
}

/* rt_sigsuspend (busybox ash's wait): the temporary mask while it waits, held until a signal
 * that acts arrives, EINTR with the caller's mask in the handler's frame; not woken by a
 * blocked or ignored signal; a pending one let in answers at once; Linux's EINVAL/EFAULT. */
static void test_sigsuspend(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_handler(fk, &u, LX_SIGUSR1, LX_SA_RESTART);   /* sigsuspend is never restarted */
    set_handler(fk, &u, LX_SIGUSR2, 0);
    set_mask(fk, &u, USR1 | USR2);
    uint64_t tmp = USR2, mva = fk_ubuf_bytes(&u, &tmp, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigsuspend, mva, 16), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigsuspend, 0x10, 8), -LX_EFAULT);
    assert_int_equal(blocked(fk), USR1 | USR2);
    fk_thread_of(fk, 1)->regs.rax = LX_SYS_rt_sigsuspend;
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_rt_sigsuspend, mva, 8, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(blocked(fk), USR2);
    /* blocked by the temporary mask, or ignored (SIGCHLD's default): it goes on waiting */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR2);
    pm_signal_notice(fk->pm, 1, 0, LX_SIGCHLD);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    /* a signal with a handler ends it: EINTR, the handler's frame restores the caller's mask */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(uc_mask, USR1 | USR2);
    assert_int_equal((int64_t)rax, -LX_EINTR);
    fk_thread_t *th = fk_thread_of(fk, 1);
    th->regs.rsp += 8;
    assert_int_equal(SYS(fk, 1, LX_SYS_rt_sigreturn, 0), -LX_EINTR);
    assert_int_equal(blocked(fk), USR1 | USR2);
    /* USR2 came while blocked and is pending: a mask that lets it in answers at once */
    uint64_t none = 0, nva = fk_ubuf_bytes(&u, &none, 8);
    tok = FK_CALL(fk, 1, LX_SYS_rt_sigsuspend, nva, 8, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal(uc_mask, USR1 | USR2);
    assert_int_equal((int64_t)rax, -LX_EINTR);
    fk_free(fk);
}

/* pause: held until a signal acts; a default action that kills ends the process (the token is
 * dropped, the parent hears of it) */
static void test_pause(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    set_handler(fk, &u, LX_SIGUSR1, 0);
    uint64_t tok = FK_CALL(fk, 1, LX_SYS_pause, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    pm_timer_fired(fk->pm, UINT64_MAX - 1);   /* no deadline: a timer never ends it */
    pm_signal_notice(fk->pm, 1, 0, LX_SIGCHLD);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    pm_signal_notice(fk->pm, 1, 0, LX_SIGUSR1);
    uint64_t uc_mask, rax;
    frame_of(fk, &uc_mask, &rax);
    assert_int_equal((int64_t)rax, -LX_EINTR);
    /* a child pausing, killed by SIGTERM */
    int mark = fk->nev;
    uint64_t ctok = FK_CALL(fk, 1, LX_SYS_clone, 0x4111, 0x7ffff0000000, 0, 0, 0, 0);
    uint64_t child = fk->ev[fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0)].y;
    uint64_t ptok = FK_CALL(fk, child, LX_SYS_pause, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, ptok), FK_TOK_HELD);
    pm_signal_notice(fk->pm, (int32_t)child, 0, LX_SIGTERM);
    assert_int_equal(fk_tok_state(fk, ptok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, ctok), (int64_t)child);
    fk_free(fk);
}

static void test_priorities(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    /* the raw syscall returns 20 - nice */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 0, 0), 20);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpriority, 0, 0, 5), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 0, 1), 15);
    assert_int_equal(stat_field(fk, 1, 19), 5);    /* nice in /proc/<pid>/stat */
    assert_int_equal(stat_field(fk, 1, 18), 25);   /* priority */
    assert_int_equal(SYS(fk, 1, LX_SYS_setpriority, 0, 0, 100), 0);   /* clamped */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 0, 0), 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpriority, 0, 0, -100), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 2, 0), 40);      /* PRIO_USER, uid 0 */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 1, 0), 40);      /* PRIO_PGRP, own */
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 3, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_getpriority, 0, 999), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_setpriority, 2, 12345, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_get, 1, 0), 0);   /* none set */
    /* a child inherits nice and the I/O priority */
    assert_int_equal(SYS(fk, 1, LX_SYS_setpriority, 0, 0, 3), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_set, 1, 0, (2 << 13) | 3), 0);
    int mark = fk->nev;
    uint64_t ctok = FK_CALL(fk, 1, LX_SYS_clone, 0x4111, 0x7ffff0000000, 0, 0, 0, 0);
    int i = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    uint64_t child = fk->ev[i].y;
    assert_int_equal(SYS(fk, child, LX_SYS_getpriority, 0, 0), 17);
    assert_int_equal(SYS(fk, child, LX_SYS_ioprio_get, 1, 0), (2 << 13) | 3);
    uint64_t etok = FK_CALL(fk, child, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, etok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, ctok), (int64_t)child);
    /* affinity: one CPU */
    uint64_t mask = ~0ull, mva = fk_ubuf_bytes(&u, &mask, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_getaffinity, 0, 128, mva), 8);
    fk_mem_read(fk, 1, &mask, mva, 8);
    assert_int_equal(mask, 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_getaffinity, 0, 4, mva), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_getaffinity, 0, 12, mva), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_getaffinity, 999, 8, mva), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_getaffinity, 0, 8, 0x10), -LX_EFAULT);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_setaffinity, 1, 8, mva), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_setaffinity, 999, 8, mva), -LX_ESRCH);
    mask = 2;
    uint64_t two = fk_ubuf_bytes(&u, &mask, 8);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_setaffinity, 0, 8, two), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_sched_setaffinity, 0, 8, 0x10), -LX_EFAULT);
    /* I/O priority: classes checked */
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_get, 1, 1), (2 << 13) | 3);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_set, 1, 0, (0 << 13) | 4), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_set, 1, 0, (4 << 13)), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_set, 1, 0, (3 << 13) | 5), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_get, 1, 0), (3 << 13) | 5);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_set, 1, 0, 0), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_get, 4, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_ioprio_get, 1, 999), -LX_ESRCH);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_installed_and_restored),
        cmocka_unit_test(test_mask_errors),
        cmocka_unit_test(test_pending_signal_let_in),
        cmocka_unit_test(test_signal_during_call),
        cmocka_unit_test(test_mask_ends_at_interrupt),
        cmocka_unit_test(test_routed_call_interrupted),
        cmocka_unit_test(test_pure_call_after_signal),
        cmocka_unit_test(test_default_action_let_in),
        cmocka_unit_test(test_sigsuspend),
        cmocka_unit_test(test_pause),
        cmocka_unit_test(test_priorities),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
