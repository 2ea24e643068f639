/* Signals: bookkeeping, default actions and job-control stops; handlers run through
 * pm_sigframe.c and pm_resume.c.
 *
 * Stored and returned exactly as Linux does: dispositions per process (rt_sigaction), the
 * blocked mask and the alternate stack per thread (rt_sigprocmask, sigaltstack), the pending
 * set (rt_sigpending) with one siginfo per signal. Sending a signal (kill, tkill, tgkill, vfs's
 * notices, timers, a child's SIGCHLD, faults) applies the default action at once unless the
 * signal is blocked: terminate for most signals, nothing for the "ignore" ones (SIGCHLD, SIGURG,
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
 * pm_sys_sigaltstack, pm_sys_kill, pm_sys_tkill, pm_sys_tgkill, pm_fault, pm_fault_cause,
 * pm_signal_notice, pm_signal_send, pm_signal_send_info, pm_signal_pgrp,
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
static bool pm_signal_default_ignores(int sig)
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

void pm_signal_send_info(pm_t *pm, pm_proc_t *p, int sig, const pm_siginfo_t *si)
{
    if (p->state != PM_P_LIVE || !pm_signal_valid(sig))
        return;
    bool init = p->pid == 1;
    if (sig == LX_SIGKILL) {
        if (!init)
            pm_proc_die(pm, p, LX_W_EXITCODE(0, sig));
        return;
    }
    /* job control acts whatever the disposition (Linux's prepare_signal) */
    if (pm_signal_is_stop(sig))
        p->pending &= ~LX_SIGBIT(LX_SIGCONT);
    if (sig == LX_SIGCONT) {
        p->pending &= ~PM_STOP_SIGS;
        pm_proc_cont(pm, p);
    }
    const struct lx_sigaction *act = &p->act[sig];
    if (act->sa_handler == LX_SIG_IGN)
        return;
    if (sig == LX_SIGSTOP || act->sa_handler == LX_SIG_DFL) {
        if (init || pm_signal_default_ignores(sig))
            return;
        if (sig != LX_SIGSTOP && pm_signal_blocked(p, sig)) {
            p->pending |= LX_SIGBIT(sig);
            p->siginfo[sig] = *si;
            return;
        }
        pm_signal_default(pm, p, sig);
        return;
    }
    if (!(p->pending & LX_SIGBIT(sig)) || si->code != LX_SI_TIMER)
        p->siginfo[sig] = *si;    /* a timer's signal keeps the timer it was queued for */
    p->pending |= LX_SIGBIT(sig); /* caught: the handler runs (pm_sigframe.c) */
    pm_signal_wake(pm, p, sig);
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

/* After a mask or disposition change: act on what is pending and now deliverable. */
void pm_signal_deliver_pending(pm_t *pm, pm_proc_t *p)
{
    for (int sig = 1; sig <= LX_NSIG && p->state == PM_P_LIVE; sig++) {
        uint64_t bit = LX_SIGBIT(sig);
        if (!(p->pending & bit))
            continue;
        const struct lx_sigaction *act = &p->act[sig];
        if (act->sa_handler == LX_SIG_IGN) {
            p->pending &= ~bit;
        } else if (act->sa_handler == LX_SIG_DFL) {
            if (pm_signal_default_ignores(sig) || p->pid == 1) {
                p->pending &= ~bit;
            } else if (!pm_signal_blocked(p, sig)) {
                p->pending &= ~bit;
                pm_signal_default(pm, p, sig);
            }
        }
    }
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
        /* An ignored signal is discarded, pending or not. */
        if (act.sa_handler == LX_SIG_IGN ||
            (act.sa_handler == LX_SIG_DFL && pm_signal_default_ignores((int)sig)))
            p->pending &= ~LX_SIGBIT(sig);
    }
    if (oact_va && pm_copy_out(pm, p, oact_va, &old, sizeof(old)))
        return -LX_EFAULT;
    pm_signal_deliver_pending(pm, p);
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
    uint64_t set = c->proc->pending & c->thr->sigmask;
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

int64_t pm_sys_tkill(pm_t *pm, pm_call_t *c)
{
    int32_t tid = (int32_t)c->a[0];
    if (tid <= 0)
        return -LX_EINVAL;
    pm_thr_t *t = pm_thr_find(pm, tid);
    return t ? pm_kill_one(pm, t->proc, (int32_t)c->a[1]) : -LX_ESRCH;
}

int64_t pm_sys_tgkill(pm_t *pm, pm_call_t *c)
{
    int32_t tgid = (int32_t)c->a[0], tid = (int32_t)c->a[1];
    if (tgid <= 0 || tid <= 0)
        return -LX_EINVAL;
    pm_thr_t *t = pm_thr_find(pm, tid);
    if (!t || t->proc->pid != tgid)
        return -LX_ESRCH;
    return pm_kill_one(pm, t->proc, (int32_t)c->a[2]);
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
    pm_thr_t *t = pm_thr_find(pm, (int32_t)badge);
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
        pm_thr_t *t = pm_thr_find(pm, tid);
        if (t && (pid <= 0 || t->proc->pid == pid))
            pm_signal_send(pm, t->proc, sig, false);
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
