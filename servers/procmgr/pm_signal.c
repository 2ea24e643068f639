/* Signals: bookkeeping, default actions and job-control stops; handlers run through
 * pm_sigframe.c and pm_resume.c.
 *
 * Stored and returned exactly as Linux does: dispositions per process (rt_sigaction), the
 * blocked mask and the alternate stack per thread (rt_sigprocmask, sigaltstack), two pending
 * sets (rt_sigpending shows their union), the process's and each thread's, with one siginfo per
 * signal. A signal for the process (kill, pidfd_send_signal, timers, a child's SIGCHLD, the
 * terminal's) is pending on the process and taken by one thread that does not block it; a
 * signal for a thread (tkill, tgkill, vfs's SIGPIPE) only by that thread. Sending applies the
 * default action at once, to the whole process, unless the signal is blocked (by every thread,
 * or by the thread it is for): terminate for most signals, nothing for the "ignore" ones (SIGCHLD, SIGURG,
 * SIGWINCH, SIGCONT), stop for SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU (the last three are
 * discarded for a process of an orphaned group, as Linux does). Whatever its disposition,
 * SIGCONT continues a stopped process and discards pending stop signals, and a stop signal
 * discards a pending SIGCONT. SIG_IGN discards; a blocked signal waits in the pending set and
 * acts when unblocked. A signal with a handler installed is made pending and its handler is
 * started as soon as a thread of the process can take it (pm_signal_wake). Like Linux, init
 * (pid 1) only receives signals it has a handler for, and SIGKILL and SIGSTOP from user space
 * do nothing to it. Faults are fatal whatever the disposition.
 *
 * Entry points: pm_sys_rt_sigaction, pm_sys_rt_sigprocmask, pm_sys_rt_sigpending,
 * pm_sys_sigaltstack, pm_sys_kill, pm_sys_tkill, pm_sys_tgkill, pm_sys_pidfd_send_signal,
 * pm_fault, pm_fault_cause, pm_signal_notice, pm_signal_send, pm_signal_send_info,
 * pm_signal_send_thr, pm_signal_pgrp,
 * pm_signal_deliver_pending, pm_signal_valid, pm_signal_is_stop,
 * pm_signal_ignored_or_blocked. */
#include <stdlib.h>
#include "lx/mman.h"
#include "pm_internal.h"

#define PM_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))
#define PM_STOP_SIGS                                                                        \
    (LX_SIGBIT(LX_SIGSTOP) | LX_SIGBIT(LX_SIGTSTP) | LX_SIGBIT(LX_SIGTTIN) | LX_SIGBIT(LX_SIGTTOU))

bool pm_signal_valid(int64_t sig)
{
    return sig >= 1 && sig <= LX_NSIG;
}

bool pm_signal_is_stop(int sig)
{
    return pm_signal_valid(sig) && (PM_STOP_SIGS & LX_SIGBIT(sig));
}

/* Whether the default action of sig does nothing. */
bool pm_signal_default_ignores(int sig)
{
    return sig == LX_SIGCHLD || sig == LX_SIGURG || sig == LX_SIGWINCH || sig == LX_SIGCONT;
}

static bool pm_signal_blocked(const pm_proc_t *p, int sig)
{
    for (const pm_thr_t *t = p->threads; t; t = t->proc_next)
        if (!(t->sigmask & LX_SIGBIT(sig)))
            return false;
    return p->threads != NULL;
}

bool pm_signal_ignored_or_blocked(const pm_thr_t *t, int sig)
{
    return (t->sigmask & LX_SIGBIT(sig)) || t->proc->act[sig].sa_handler == LX_SIG_IGN;
}

/* The default action of a deliverable (not blocked) signal. */
static void pm_signal_default(pm_t *pm, pm_proc_t *p, int sig)
{
    if (pm_signal_default_ignores(sig))
        return;
    if (pm_signal_is_stop(sig)) {
        /* TSTP, TTIN, TTOU would stop a group nobody in the session can continue: dropped */
        if (sig == LX_SIGSTOP || !pm_pgrp_orphaned(pm, p->pgid, NULL))
            pm_proc_stop(pm, p, sig);
        return;
    }
    pm_proc_die(pm, p, LX_W_EXITCODE(0, sig));
}

void pm_signal_default_action(pm_t *pm, pm_proc_t *p, int sig)
{
    pm_signal_default(pm, p, sig);
}

/* What every signal does first, whoever it is for: SIGKILL ends the process (true: nothing
 * more to do), and job control acts whatever the disposition (Linux's prepare_signal). */
static bool pm_signal_prepare(pm_t *pm, pm_proc_t *p, int sig)
{
    if (sig == LX_SIGKILL) {
        if (p->pid != 1)
            pm_proc_die(pm, p, LX_W_EXITCODE(0, sig));
        return true;
    }
    if (pm_signal_is_stop(sig)) {
        p->pending &= ~LX_SIGBIT(LX_SIGCONT);
        for (pm_thr_t *t = p->threads; t; t = t->proc_next)
            t->pending &= ~LX_SIGBIT(LX_SIGCONT);
    }
    if (sig == LX_SIGCONT) {
        p->pending &= ~PM_STOP_SIGS;
        for (pm_thr_t *t = p->threads; t; t = t->proc_next)
            t->pending &= ~PM_STOP_SIGS;
        pm_proc_cont(pm, p);
    }
    return false;
}

/* sig is pending for p (t NULL) or its thread t, with what it carries: a timer's signal already
 * pending keeps the timer it was queued for. */
static void pm_signal_keep(pm_proc_t *p, pm_thr_t *t, int sig, const pm_siginfo_t *si)
{
    uint64_t bit = LX_SIGBIT(sig);
    if (t) {
        t->siginfo[sig] = (pm_tsiginfo_t){si->code, si->pid};
        t->pending |= bit;
        return;
    }
    if (!(p->pending & bit) || si->code != LX_SI_TIMER)
        p->siginfo[sig] = *si;
    p->pending |= bit;
}

/* Signal sig for p (t NULL) or for its thread t: pending where it belongs unless its default
 * action applies now. */
static void pm_signal_post(pm_t *pm, pm_proc_t *p, pm_thr_t *t, int sig, const pm_siginfo_t *si)
{
    if (p->state != PM_P_LIVE || !pm_signal_valid(sig) || (t && t->dead))
        return;
    if (pm_signal_prepare(pm, p, sig))
        return;
    const struct lx_sigaction *act = &p->act[sig];
    /* a traced process reports every signal to its tracer, even an ignored one, before any
     * action (Linux's sig_ignored): it stays pending for a signal-delivery stop
     * (pm_ptrace_stop.c), unless a thread waits for it in rt_sigtimedwait */
    if (__builtin_expect(pm_proc_traced(pm, p), 0)) {
        if (sig != LX_SIGSTOP && pm_sigwait_take(pm, p, t, sig, si))
            return;
        pm_signal_keep(p, t, sig, si);
        if (t)
            (void)pm_signal_wake_thr(pm, t, sig);
        else
            pm_signal_wake(pm, p, sig);
        return;
    }
    if (act->sa_handler == LX_SIG_IGN)
        return;
    /* a thread waiting for it in rt_sigtimedwait takes it, whatever its disposition */
    if (sig != LX_SIGSTOP && pm_sigwait_take(pm, p, t, sig, si))
        return;
    if (sig == LX_SIGSTOP || act->sa_handler == LX_SIG_DFL) {
        /* a blocked signal is never ignored, even by init or by default (Linux's sig_ignored):
         * it waits, for a sigwait to take, or for its action once unblocked */
        bool blocked = t ? (t->sigmask & LX_SIGBIT(sig)) != 0 : pm_signal_blocked(p, sig);
        if (sig != LX_SIGSTOP && blocked) {
            pm_signal_keep(p, t, sig, si);
            return;
        }
        if (p->pid == 1 || pm_signal_default_ignores(sig))
            return;
        pm_signal_default(pm, p, sig);   /* for the whole process, even when sent to a thread */
        return;
    }
    pm_signal_keep(p, t, sig, si);   /* caught: the handler runs (pm_sigframe.c) */
    if (t)
        (void)pm_signal_wake_thr(pm, t, sig);
    else
        pm_signal_wake(pm, p, sig);
}

void pm_signal_send_info(pm_t *pm, pm_proc_t *p, int sig, const pm_siginfo_t *si)
{
    pm_signal_post(pm, p, NULL, sig, si);
}

void pm_signal_send_thr(pm_t *pm, pm_thr_t *t, int sig, const pm_siginfo_t *si)
{
    pm_signal_post(pm, t->proc, t, sig, si);
}

void pm_signal_send(pm_t *pm, pm_proc_t *p, int sig, bool from_kernel)
{
    if (p->state != PM_P_LIVE || !pm_signal_valid(sig))
        return;
    if (from_kernel) {
        pm_proc_die(pm, p, LX_W_EXITCODE(0, sig));
        return;
    }
    pm_siginfo_t si = {.code = pm->caller ? LX_SI_USER : LX_SI_KERNEL,
                       .pid = pm->caller ? pm->caller->proc->pid : 0};
    pm_signal_send_info(pm, p, sig, &si);
}

/* The pending set of p (t NULL) or of its thread t, after a change: drop what is ignored now,
 * apply a default action that is no longer blocked. */
static void pm_signal_recheck(pm_t *pm, pm_proc_t *p, pm_thr_t *t)
{
    uint64_t *pending = t ? &t->pending : &p->pending;
    if (pm_proc_traced(pm, p))
        return;   /* the tracer sees each one first, at a signal-delivery stop */
    for (int sig = 1; sig <= LX_NSIG && p->state == PM_P_LIVE; sig++) {
        uint64_t bit = LX_SIGBIT(sig);
        if (!(*pending & bit))
            continue;
        const struct lx_sigaction *act = &p->act[sig];
        if (act->sa_handler == LX_SIG_IGN) {
            *pending &= ~bit;
        } else if (act->sa_handler == LX_SIG_DFL) {
            if (t ? (t->sigmask & bit) : pm_signal_blocked(p, sig))
                continue;   /* still blocked: it waits */
            *pending &= ~bit;
            if (!pm_signal_default_ignores(sig) && p->pid != 1)
                pm_signal_default(pm, p, sig);
        }
    }
}

/* After a mask or disposition change: act on what is pending and now deliverable. */
void pm_signal_deliver_pending(pm_t *pm, pm_proc_t *p)
{
    pm_signal_recheck(pm, p, NULL);
    for (pm_thr_t *t = p->threads; t && p->state == PM_P_LIVE; t = t->proc_next)
        if (t->pending)
            pm_signal_recheck(pm, p, t);
}

int64_t pm_sys_rt_sigaction(pm_t *pm, pm_call_t *c)
{
    int64_t sig = (int64_t)c->a[0];
    uint64_t act_va = c->a[1], oact_va = c->a[2];
    if (c->a[3] != sizeof(lx_sigset_t))
        return -LX_EINVAL;
    struct lx_sigaction act;
    if (act_va && pm_copy_in(pm, c->proc, &act, act_va, sizeof(act)))
        return -LX_EFAULT;
    if (!pm_signal_valid(sig) || (act_va && (sig == LX_SIGKILL || sig == LX_SIGSTOP)))
        return -LX_EINVAL;
    pm_proc_t *p = c->proc;
    struct lx_sigaction old = p->act[sig];
    if (act_va) {
        act.sa_mask &= ~PM_UNBLOCKABLE;
        p->act[sig] = act;
        /* An ignored signal is discarded, pending or not, in every process sharing the
         * dispositions (CLONE_SIGHAND) and every thread. */
        if (act.sa_handler == LX_SIG_IGN ||
            (act.sa_handler == LX_SIG_DFL && pm_signal_default_ignores((int)sig)))
            for (pm_proc_t *q = pm->procs; q; q = q->next)
                if (q == p || (p->sh && q->sh == p->sh)) {
                    q->pending &= ~LX_SIGBIT(sig);
                    for (pm_thr_t *t = q->threads; t; t = t->proc_next)
                        t->pending &= ~LX_SIGBIT(sig);
                }
    }
    if (oact_va && pm_copy_out(pm, p, oact_va, &old, sizeof(old)))
        return -LX_EFAULT;
    if (!p->sh) {
        pm_signal_deliver_pending(pm, p);
        return 0;
    }
    /* CLONE_SIGHAND: every process of the share sees the change (sending may reap: by pid) */
    for (pm_proc_t *q = pm->procs; q; q = q->next)
        q->sh_mark = q->sh == p->sh;   /* p->sh is not NULL here */
    for (pm_proc_t *q = pm->procs; q;) {
        if (!q->sh_mark) {
            q = q->next;
            continue;
        }
        q->sh_mark = false;
        pm_signal_deliver_pending(pm, q);
        q = pm->procs;   /* the list may have changed: start over (marks say who is left) */
    }
    return 0;
}

int64_t pm_sys_rt_sigprocmask(pm_t *pm, pm_call_t *c)
{
    int how = (int)c->a[0];
    uint64_t set_va = c->a[1], oset_va = c->a[2];
    if (c->a[3] != sizeof(lx_sigset_t))
        return -LX_EINVAL;
    pm_thr_t *t = c->thr;
    uint64_t old = t->sigmask;
    if (set_va) {
        uint64_t set;
        if (pm_copy_in(pm, c->proc, &set, set_va, sizeof(set)))
            return -LX_EFAULT;
        set &= ~PM_UNBLOCKABLE;
        switch (how) {
        case LX_SIG_BLOCK:
            t->sigmask |= set;
            break;
        case LX_SIG_UNBLOCK:
            t->sigmask &= ~set;
            break;
        case LX_SIG_SETMASK:
            t->sigmask = set;
            break;
        default:
            return -LX_EINVAL;
        }
    }
    if (oset_va && pm_copy_out(pm, c->proc, oset_va, &old, sizeof(old)))
        return -LX_EFAULT;
    pm_signal_deliver_pending(pm, c->proc);
    return 0;
}

int64_t pm_sys_rt_sigpending(pm_t *pm, pm_call_t *c)
{
    uint64_t size = c->a[1];
    if (size > sizeof(lx_sigset_t))
        return -LX_EINVAL;
    uint64_t set = (c->proc->pending | c->thr->pending) & c->thr->sigmask;
    return pm_copy_out(pm, c->proc, c->a[0], &set, size) ? -LX_EFAULT : 0;
}

int64_t pm_sys_sigaltstack(pm_t *pm, pm_call_t *c)
{
    pm_thr_t *t = c->thr;
    struct lx_stack ss, old = t->altstack;
    if (c->a[0]) {
        if (pm_copy_in(pm, c->proc, &ss, c->a[0], sizeof(ss)))
            return -LX_EFAULT;
        uint32_t mode = (uint32_t)ss.ss_flags & ~LX_SS_AUTODISARM;
        if (mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK && mode != 0)
            return -LX_EINVAL;
        if (mode == LX_SS_DISABLE) {
            t->altstack = (struct lx_stack){.ss_flags = LX_SS_DISABLE};
        } else {
            if (ss.ss_size < LX_MINSIGSTKSZ)
                return -LX_ENOMEM;
            t->altstack = (struct lx_stack){
                .ss_sp = ss.ss_sp,
                .ss_flags = (int32_t)((uint32_t)ss.ss_flags & LX_SS_AUTODISARM),
                .ss_size = ss.ss_size,
            };
        }
    }
    if (c->a[1] && pm_copy_out(pm, c->proc, c->a[1], &old, sizeof(old)))
        return -LX_EFAULT;
    return 0;
}

/* One target of kill: ESRCH is the caller's business; an invalid number is EINVAL. */
static int pm_kill_one(pm_t *pm, pm_proc_t *q, int64_t sig)
{
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    if (sig)
        pm_signal_send(pm, q, (int)sig, false);
    return 0;
}

/* The pids of the processes kill(-1) or a group send reaches: snapshot first, since sending
 * may kill and reap, changing the list under a walk. NULL when out of memory. */
static int32_t *pm_kill_targets(pm_t *pm, const pm_proc_t *caller, int32_t pgid, bool all, int *k)
{
    int n = 0;
    for (pm_proc_t *q = pm->procs; q; q = q->next)
        n++;
    int32_t *pids = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    *k = 0;
    if (!pids)
        return NULL;
    for (pm_proc_t *q = pm->procs; q; q = q->next) {
        if (all ? (q->pid == 1 || q == caller) : q->pgid != pgid)
            continue;
        pids[(*k)++] = q->pid;
    }
    return pids;
}

static int pm_kill_many(pm_t *pm, pm_proc_t *caller, int64_t sig, int32_t pgid, bool all)
{
    int k;
    int32_t *pids = pm_kill_targets(pm, caller, pgid, all, &k);
    if (!pids)
        return -LX_ENOMEM;
    int r = -LX_ESRCH;
    bool ok = false;
    for (int i = 0; i < k; i++) {
        pm_proc_t *q = pm_proc_find(pm, pids[i]);
        if (!q)
            continue;
        r = pm_kill_one(pm, q, sig);
        ok |= r == 0;
    }
    free(pids);
    return ok ? 0 : r;
}

int pm_signal_pgrp(pm_t *pm, int32_t pgid, int sig, const pm_siginfo_t *si)
{
    int k;
    int32_t *pids = pm_kill_targets(pm, NULL, pgid, false, &k);
    if (!pids)
        return -LX_ENOMEM;
    for (int i = 0; i < k; i++) {
        pm_proc_t *q = pm_proc_find(pm, pids[i]);
        if (q)
            pm_signal_send_info(pm, q, sig, si);
    }
    free(pids);
    return k ? 0 : -LX_ESRCH;
}

int64_t pm_sys_kill(pm_t *pm, pm_call_t *c)
{
    int32_t pid = (int32_t)c->a[0];
    int64_t sig = (int32_t)c->a[1];
    if (pid == INT32_MIN)
        return -LX_ESRCH;
    if (pid > 0) {
        pm_proc_t *q = pm_proc_find(pm, pid);
        return q ? pm_kill_one(pm, q, sig) : -LX_ESRCH;
    }
    if (pid == -1)
        return pm_kill_many(pm, c->proc, sig, 0, true);
    return pm_kill_many(pm, c->proc, sig, pid == 0 ? c->proc->pgid : -pid, false);
}

/* A signal for one thread (tkill, tgkill): SI_TKILL from the caller. */
static int pm_kill_thread(pm_t *pm, pm_call_t *c, pm_thr_t *t, int64_t sig)
{
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    if (sig) {
        pm_siginfo_t si = {.code = LX_SI_TKILL, .pid = c->proc->pid};
        pm_signal_send_thr(pm, t, (int)sig, &si);
    }
    return 0;
}

int64_t pm_sys_tkill(pm_t *pm, pm_call_t *c)
{
    int32_t tid = (int32_t)c->a[0];
    if (tid <= 0)
        return -LX_EINVAL;
    pm_thr_t *t = pm_thr_find(pm, tid);
    return t ? pm_kill_thread(pm, c, t, (int32_t)c->a[1]) : -LX_ESRCH;
}

int64_t pm_sys_tgkill(pm_t *pm, pm_call_t *c)
{
    int32_t tgid = (int32_t)c->a[0], tid = (int32_t)c->a[1];
    if (tgid <= 0 || tid <= 0)
        return -LX_EINVAL;
    pm_thr_t *t = pm_thr_find(pm, tid);
    if (!t || t->proc->pid != tgid)
        return -LX_ESRCH;
    return pm_kill_thread(pm, c, t, (int32_t)c->a[2]);
}

/* pidfd_send_signal(pidfd, sig, info, flags): kill() of the process the pidfd names, or (Linux
 * 6.9's flags, one at most) of its first thread alone, or of its process group. */
#define PM_PIDFD_SIGNAL_THREAD        0x1
#define PM_PIDFD_SIGNAL_THREAD_GROUP  0x2
#define PM_PIDFD_SIGNAL_PROCESS_GROUP 0x4
int64_t pm_sys_pidfd_send_signal(pm_t *pm, pm_call_t *c)
{
    int64_t sig = (int32_t)c->a[1];
    uint64_t flags = c->a[3];
    if (flags & ~(uint64_t)(PM_PIDFD_SIGNAL_THREAD | PM_PIDFD_SIGNAL_THREAD_GROUP |
                            PM_PIDFD_SIGNAL_PROCESS_GROUP))
        return -LX_EINVAL;
    if (flags & (flags - 1))
        return -LX_EINVAL;   /* one scope at most */
    pm_proc_t *q;
    bool nonblock;
    int r = pm_pidfd_target(pm, c->proc, (int32_t)c->a[0], &q, &nonblock);
    if (r)
        return r;
    if (!q)
        return -LX_ESRCH;   /* reaped */
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    pm_siginfo_t si = {.code = LX_SI_USER, .pid = c->proc->pid};
    if (c->a[2]) {
        struct lx_siginfo info;
        if (pm_copy_in(pm, c->proc, &info, c->a[2], sizeof(info)))
            return -LX_EFAULT;
        if (info.si_signo != sig)
            return -LX_EINVAL;
        /* only the kernel may claim SI_USER or a kernel code for another process */
        if (q != c->proc && (info.si_code >= 0 || info.si_code == LX_SI_TKILL))
            return -LX_EPERM;
        si.code = info.si_code;
        si.pid = info.si_pid;
    }
    if (flags == PM_PIDFD_SIGNAL_PROCESS_GROUP)
        return sig ? pm_signal_pgrp(pm, q->pgid, (int)sig, &si) : 0;
    if (flags == PM_PIDFD_SIGNAL_THREAD) {
        pm_thr_t *t = pm_thr_find(pm, q->pid);
        if (!t || t->proc != q)
            return -LX_ESRCH;   /* its first thread has ended */
        if (sig)
            pm_signal_send_thr(pm, t, (int)sig, &si);
        return 0;
    }
    if (sig && q->state == PM_P_LIVE)
        pm_signal_send_info(pm, q, (int)sig, &si);
    return 0;
}

/* The signal Linux's trap handlers send for each x86 exception vector. */
static int pm_fault_signal(uint64_t vector)
{
    switch (vector) {
    case 0:  /* #DE divide error */
    case 9:  /* coprocessor segment overrun */
    case 16: /* #MF x87 */
    case 19: /* #XM SIMD */
        return LX_SIGFPE;
    case 1:  /* #DB */
    case 3:  /* #BP */
        return LX_SIGTRAP;
    case 6:  /* #UD */
        return LX_SIGILL;
    case 11: /* #NP */
    case 12: /* #SS */
    case 17: /* #AC */
        return LX_SIGBUS;
    default: /* #PF, #GP, #OF, #BR, #TS, ... */
        return LX_SIGSEGV;
    }
}

static const char *pm_signal_name(int sig)
{
    switch (sig) {
    case LX_SIGSEGV:
        return "SIGSEGV";
    case LX_SIGILL:
        return "SIGILL";
    case LX_SIGFPE:
        return "SIGFPE";
    case LX_SIGTRAP:
        return "SIGTRAP";
    case LX_SIGBUS:
        return "SIGBUS";
    case LX_SIGKILL:
        return "SIGKILL";
    default:
        return "signal";
    }
}

/* Out of memory (the kernel found no frame for a page of t's): the OOM killer's victim gets
 * SIGKILL (pm_memlimit.c); t tries its access again, unless it was among the dead. */
static void pm_fault_oom(pm_t *pm, pm_thr_t *t, pm_token_t tok)
{
    pm_proc_t *victim = pm_oom_victim(pm);
    if (!victim)
        victim = t->proc;
    pm_line_t l = {0};
    pm_line_str(&l, "procmgr: out of memory: ");
    pm_line_proc(&l, victim);
    pm_line_str(&l, " killed");
    if (victim != t->proc) {
        pm_line_str(&l, " for ");
        pm_line_proc(&l, t->proc);
    }
    pm_line_emit(pm, &l);
    pm_signal_send(pm, victim, LX_SIGKILL, true);
    if (t->dead)
        pm->env.drop(pm->env.ctx, tok);
    else
        pm_thr_resume(pm, t, tok, PM_RES_REGS, 0);
}

void pm_fault_cause(pm_t *pm, uint64_t badge, uint64_t vector, uint64_t err, uint64_t addr,
                    uint64_t cause, pm_token_t tok)
{
    pm_thr_t *t = pm_thr_by_badge(pm, badge);
    pm->depth++;
    if (t) {
        int sig = pm_fault_signal(vector);
        /* The cause unknown (pm_fault): a page the process has mapped with this access allowed,
         * yet not present, can only be the kernel finding no free frame. */
        const pm_vma_t *v = vector == 14 && !(err & 1) && t->proc->mm ? pm_mm_find(t->proc->mm, addr)
                                                                        : NULL;
        bool inside = v && ((err & 2) ? (v->prot & LX_PROT_WRITE) : (v->prot & (LX_PROT_READ | LX_PROT_EXEC)));
        bool oom = vector == 14 && (cause == PM_FAULT_NOMEM || (cause == PM_FAULT_UNKNOWN && inside));
        if (vector == 14 && cause == PM_FAULT_RANGE)
            sig = LX_SIGBUS;   /* past the end of the file a mapping maps: Linux's BUS_ADRERR */
        if (oom) {
            pm_fault_oom(pm, t, tok);
            pm->depth--;
            pm_gc(pm);
            return;
        }
        pm_line_t l = {0};
        pm_line_str(&l, "procmgr: ");
        pm_line_proc(&l, t->proc);
        pm_line_str(&l, ": ");
        pm_line_str(&l, pm_signal_name(sig));
        pm_line_str(&l, " (vector ");
        pm_line_dec(&l, (int64_t)vector);
        pm_line_str(&l, ", error ");
        pm_line_hex(&l, err);
        pm_line_str(&l, ") at ");
        pm_line_hex(&l, addr);
        pm_line_emit(pm, &l);
        pm_signal_send(pm, t->proc, sig, true);
    }
    pm->env.drop(pm->env.ctx, tok);
    pm->depth--;
    pm_gc(pm);
}

void pm_fault(pm_t *pm, uint64_t badge, uint64_t vector, uint64_t err, uint64_t addr,
              pm_token_t tok)
{
    pm_fault_cause(pm, badge, vector, err, addr, PM_FAULT_UNKNOWN, tok);
}

void pm_signal_notice(pm_t *pm, int32_t pid, int32_t tid, int sig)
{
    if (!pm_signal_valid(sig))
        return;
    pm->depth++;
    if (tid > 0) {
        /* a thread's own (SIGPIPE for the writer), as Linux's send_sig(sig, current) */
        pm_thr_t *t = pm_thr_find(pm, tid);
        pm_siginfo_t si = {.code = LX_SI_USER};
        if (t && (pid <= 0 || t->proc->pid == pid))
            pm_signal_send_thr(pm, t, sig, &si);
    } else if (pid > 0) {
        pm_proc_t *q = pm_proc_find(pm, pid);
        if (q)
            pm_signal_send(pm, q, sig, false);
    } else if (pid < 0) {
        /* the terminal's signals (^C, ^Z, SIGWINCH, a hangup): sent by the kernel in Linux */
        pm_siginfo_t si = {.code = LX_SI_KERNEL};
        (void)pm_signal_pgrp(pm, -pid, sig, &si);
    }
    pm->depth--;
    pm_gc(pm);
}
