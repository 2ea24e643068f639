/* Running signal handlers: the frame Linux x86_64 builds on the user stack (struct
 * lx_rt_sigframe: return address = sa_restorer, ucontext with the interrupted registers, FPU
 * image and mask, siginfo), and rt_sigreturn, which restores all of it.
 *
 * A handler can only be started while procmgr holds the thread stopped, i.e. while it holds the
 * thread's reply: (1) at the end of any syscall of that thread (the usual case: a signal sent to
 * oneself, or unblocked by sigprocmask, or raised by another process while the thread was running);
 * (2) at once if the thread is blocked in procmgr (wait4, nanosleep, futex, sigtimedwait): the
 * call is cut short with EINTR, or restarted after the handler under SA_RESTART; (3) at once if it is blocked in vfs (a
 * read on an empty pipe or the console): vfs hands the caller's reply back (env.vfs_interrupt) and
 * the same happens; (4) a thread computing in user mode is interrupted by the kernel on its way
 * back to user mode (env->thread_interrupt), and its interrupt message (pm_interrupted) is the
 * point. All of them go through pm_thr_resume (pm_resume.c).
 *
 * Which thread: a thread's own signals (tkill, tgkill) only by that thread, before its
 * process's; a process's signal by the caller if it is the one sending to its own process and
 * does not block it, else by the first thread that does not block it (Linux's complete_signal).
 *
 * Entry points: pm_signal_next, pm_signal_run_handler, pm_signal_wake, pm_signal_wake_thr,
 * pm_siginfo_fill, pm_sys_rt_sigreturn. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "pm_internal.h"

#define PM_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))
#define RFLAGS_DF 0x400ull
#define RFLAGS_TF 0x100ull

/* The lowest signal of `ready` with a handler, or 0. */
static int pm_signal_first_caught(const pm_proc_t *p, uint64_t ready)
{
    for (int sig = 1; ready && sig <= LX_NSIG; sig++) {
        if (!(ready & LX_SIGBIT(sig)))
            continue;
        uint64_t h = p->act[sig].sa_handler;
        if (h != LX_SIG_DFL && h != LX_SIG_IGN)
            return sig;
    }
    return 0;
}

/* The thread's own signals first, then its process's, as Linux's dequeue_signal. */
int pm_signal_next(const pm_thr_t *t)
{
    int sig = pm_signal_first_caught(t->proc, t->pending & ~t->sigmask);
    return sig ? sig : pm_signal_first_caught(t->proc, t->proc->pending & ~t->sigmask);
}

static bool on_stack(const struct lx_stack *ss, uint64_t sp)
{
    return ss->ss_size && sp > ss->ss_sp && sp <= ss->ss_sp + ss->ss_size;
}

/* What the interrupted code sees when the handler returns: RAX and RIP saved in the frame. */
static void pm_frame_resume(const pm_thr_t *t, const pm_regs_t *r, const struct lx_sigaction *act,
                            enum pm_resume how, int64_t value, uint64_t *rax, uint64_t *rip)
{
    *rax = (uint64_t)value;
    *rip = r->rip;
    /* SA_RESTART restarts a call, except those Linux never restarts after a handler (the poll
     * family, pm_syscall_restarts) */
    if (how == PM_RES_RESTART_SA &&
        (!(act->sa_flags & LX_SA_RESTART) || !pm_syscall_restarts(t->sys_nr)))
        *rax = (uint64_t)-LX_EINTR;
    else if (how == PM_RES_RESTART || how == PM_RES_RESTART_SA) {
        *rax = t->sys_nr;  /* the syscall again */
        *rip = r->rip - 2; /* back onto the SYSCALL instruction */
    } else if (how == PM_RES_REGS) {
        *rax = r->rax;     /* interrupted in user mode: its registers as they are */
    }
}

/* The siginfo a handler or sigtimedwait gets: what the sender left; a timer's overrun is taken
 * at delivery. */
void pm_siginfo_fill(pm_proc_t *p, int sig, const pm_siginfo_t *from, struct lx_siginfo *info)
{
    pm_siginfo_t si = *from;
    memset(info, 0, sizeof(*info));
    if (si.code == LX_SI_TIMER)
        pm_ptimer_delivered(p, sig, &si);
    info->si_signo = sig;
    info->si_code = si.code;
    int32_t *w = &info->si_pid; /* the union's words, from offset 16 */
    if (si.code == LX_SI_TIMER) {
        w[0] = si.timerid;
        w[1] = si.overrun;
        memcpy(&w[2], &si.value, 8);
    } else {
        w[0] = si.pid;
        w[1] = 0; /* uid: everyone is root */
        if (sig == LX_SIGCHLD) {
            w[2] = si.status;
            memcpy(&w[4], &si.utime, 8);
            memcpy(&w[6], &si.stime, 8);
        }
    }
}

int pm_signal_run_handler(pm_t *pm, pm_thr_t *t, int sig, enum pm_resume how, int64_t value)
{
    pm_proc_t *p = t->proc;
    struct lx_sigaction act = p->act[sig];
    struct lx_siginfo info;
    if (t->pending & LX_SIGBIT(sig)) {   /* the thread's own first (pm_signal_next's order) */
        t->pending &= ~LX_SIGBIT(sig);
        pm_siginfo_t si = pm_thr_siginfo(t, sig);
        pm_siginfo_fill(p, sig, &si, &info);
    } else {
        p->pending &= ~LX_SIGBIT(sig);
        pm_siginfo_fill(p, sig, &p->siginfo[sig], &info);
    }
    if (!(act.sa_flags & LX_SA_RESTORER) || !act.sa_restorer || !t->has_handle)
        return -LX_EFAULT; /* x86_64 has no default restorer: Linux kills with SIGSEGV too */
    pm_regs_t *r = malloc(sizeof *r);
    if (!r)
        return -LX_ENOMEM;
    int e = pm->env.thread_get_regs(pm->env.ctx, t->handle, r);
    if (e) {
        free(r);
        return e;
    }
    uint64_t saved_rax, saved_rip;
    pm_frame_resume(t, r, &act, how, value, &saved_rax, &saved_rip);

    uint64_t sp = r->rsp;
    bool alt = (act.sa_flags & LX_SA_ONSTACK) && !(t->altstack.ss_flags & LX_SS_DISABLE) &&
               t->altstack.ss_size && !on_stack(&t->altstack, sp);
    if (alt)
        sp = t->altstack.ss_sp + t->altstack.ss_size;
    else
        sp -= 128; /* the red zone of the interrupted function */
    uint64_t fpstate = (sp - 512) & ~63ull;
    uint64_t frame = ((fpstate - sizeof(struct lx_rt_sigframe)) & ~15ull) - 8;

    struct lx_rt_sigframe f;
    memset(&f, 0, sizeof f);
    f.pretcode = act.sa_restorer;
    f.uc.uc_stack = t->altstack;
    if (on_stack(&t->altstack, r->rsp) || alt)
        f.uc.uc_stack.ss_flags |= LX_SS_ONSTACK;
    struct lx_sigcontext *mc = &f.uc.uc_mcontext;
    mc->r8 = r->r8, mc->r9 = r->r9, mc->r10 = r->r10, mc->r11 = r->r11;
    mc->r12 = r->r12, mc->r13 = r->r13, mc->r14 = r->r14, mc->r15 = r->r15;
    mc->rdi = r->rdi, mc->rsi = r->rsi, mc->rbp = r->rbp, mc->rbx = r->rbx;
    mc->rdx = r->rdx, mc->rax = saved_rax, mc->rcx = r->rcx, mc->rsp = r->rsp;
    mc->rip = saved_rip;
    mc->eflags = r->rflags;
    mc->cs = 0x23;
    mc->ss = 0x1b;
    /* the mask the handler's return restores: a ppoll's caller's own, not ppoll's */
    uint64_t oldmask = pm_sigmask_frame(t);
    mc->oldmask = oldmask;
    mc->fpstate = fpstate;
    f.uc.uc_sigmask = oldmask;
    f.info = info;

    if (pm_copy_out(pm, p, fpstate, r->fpu, 512) || pm_copy_out(pm, p, frame, &f, sizeof f)) {
        free(r);
        return -LX_EFAULT; /* no room on the stack: SIGSEGV, as Linux */
    }
    r->rip = act.sa_handler;
    r->rdi = (uint64_t)sig;
    r->rsi = frame + offsetof(struct lx_rt_sigframe, info);
    r->rdx = frame + offsetof(struct lx_rt_sigframe, uc);
    r->rax = 0;
    r->rsp = frame;
    r->rflags &= ~(RFLAGS_DF | RFLAGS_TF);
    e = pm->env.thread_set_regs(pm->env.ctx, t->handle, r);
    free(r);
    if (e)
        return e;
    t->sigmask |= act.sa_mask | ((act.sa_flags & LX_SA_NODEFER) ? 0 : LX_SIGBIT(sig));
    t->sigmask &= ~PM_UNBLOCKABLE;
    if (act.sa_flags & LX_SA_RESETHAND)
        p->act[sig].sa_handler = LX_SIG_DFL;
    return 0;
}

bool pm_signal_wake_thr(pm_t *pm, pm_thr_t *t, int sig)
{
    if (t->dead || (t->sigmask & LX_SIGBIT(sig)) || t == pm->caller || t->proc->stopped)
        return false;
    switch (t->block) {
    case PM_BLK_WAIT:
    case PM_BLK_SLEEP: {
        /* wait4/waitid restart under SA_RESTART; a sleep is cut short (Linux: EINTR) */
        bool wait = t->block == PM_BLK_WAIT;
        t->block = PM_BLK_NONE;
        pm_thr_resume(pm, t, t->tok, wait ? PM_RES_RESTART_SA : PM_RES_VALUE, -LX_EINTR);
        return true;
    }
    case PM_BLK_FUTEX:
        pm_futex_interrupt(pm, t);
        return true;
    case PM_BLK_SIGWAIT:
        pm_sigwait_abort(pm, t, -LX_EINTR);
        return true;
    case PM_BLK_NONE:
        pm_thr_kick(pm, t);
        return true;
    default:
        return false;   /* parked in vfork, or held while stopped */
    }
}

void pm_signal_wake(pm_t *pm, pm_proc_t *p, int sig)
{
    if (p->stopped)
        return; /* nothing runs until SIGCONT, which delivers it (pm_proc_cont) */
    pm_thr_t *c = pm->caller;
    if (c && c->proc == p && !c->dead && c->block == PM_BLK_NONE && !(c->sigmask & LX_SIGBIT(sig)))
        return; /* the caller takes it on its way out of this syscall (a raise, a kill of self) */
    for (pm_thr_t *t = p->threads; t; t = t->proc_next)
        if (pm_signal_wake_thr(pm, t, sig))
            return;
    /* nobody to interrupt: the handler runs when a thread that takes it comes back */
}

int64_t pm_sys_rt_sigreturn(pm_t *pm, pm_call_t *c)
{
    pm_thr_t *t = c->thr;
    pm_proc_t *p = c->proc;
    pm_regs_t *r = malloc(sizeof *r);
    struct lx_ucontext uc;
    if (!r)
        return -LX_ENOMEM;
    /* the handler's ret popped pretcode: rsp is the frame + 8, where uc starts */
    if (!t->has_handle || pm->env.thread_get_regs(pm->env.ctx, t->handle, r) ||
        pm_copy_in(pm, p, &uc, r->rsp, sizeof uc) ||
        (uc.uc_mcontext.fpstate && pm_copy_in(pm, p, r->fpu, uc.uc_mcontext.fpstate, 512))) {
        free(r);
        pm_signal_send(pm, p, LX_SIGSEGV, true); /* a forged or trashed frame */
        return 0;
    }
    const struct lx_sigcontext *mc = &uc.uc_mcontext;
    r->r8 = mc->r8, r->r9 = mc->r9, r->r10 = mc->r10, r->r11 = mc->r11;
    r->r12 = mc->r12, r->r13 = mc->r13, r->r14 = mc->r14, r->r15 = mc->r15;
    r->rdi = mc->rdi, r->rsi = mc->rsi, r->rbp = mc->rbp, r->rbx = mc->rbx;
    r->rdx = mc->rdx, r->rcx = mc->rcx, r->rsp = mc->rsp, r->rip = mc->rip;
    r->rflags = mc->eflags; /* the kernel keeps only the flags user code may set */
    r->rax = mc->rax;
    int e = pm->env.thread_set_regs(pm->env.ctx, t->handle, r);
    free(r);
    if (e) {
        pm_signal_send(pm, p, LX_SIGSEGV, true); /* e.g. a non-canonical rip */
        return 0;
    }
    t->sigmask = uc.uc_sigmask & ~PM_UNBLOCKABLE;
    int64_t rax = (int64_t)mc->rax;
    if (rax == PM_DEFERRED) {
        /* The one value a handler cannot return: to pm_syscall_run it means "the handler kept
         * the token", which would then be neither answered nor dropped, the thread blocked for
         * good and, once killed, kept alive (with its space) by that token. A forged frame can
         * hold it (sysfuzz's did), so this one is answered here. */
        pm_thr_resume(pm, t, c->tok, PM_RES_VALUE, rax);
        return PM_DEFERRED;
    }
    return rax; /* the reply sets RAX: the interrupted code's value */
}
