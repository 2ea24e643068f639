/* ptrace stops: where a traced thread stops for its tracer, what the tracer's wait reports,
 * and how the thread goes on when the tracer resumes it (Linux's ptrace(2) "Stopped states").
 *
 * procmgr already holds every traced thread at the points Linux stops a tracee, so a stop is
 * only bookkeeping: the thread's token is kept in its ptrace record (pm_ptrace_t) with what to
 * do with it afterwards (enum pm_pt_next), and the tracer is told (SIGCHLD with CLD_TRAPPED,
 * its waiters woken). The stops, and where each is taken:
 *  - syscall-entry: a call arrives (pm_syscall) from a thread resumed with PTRACE_SYSCALL; it
 *    runs, with the number and arguments the tracer may have changed, when resumed;
 *  - syscall-exit: the kernel's exit report (thread_trace's KTRACE_SYSEXIT) of the same thread,
 *    which comes whoever answered the call (procmgr, vfs straight to the caller, a deferred
 *    reply): pm_sysexit; the tracer may change the result;
 *  - signal-delivery: a traced process keeps every signal pending (pm_signal.c); the first
 *    time a thread is about to go on (pm_thr_resume) with one it does not block, it stops
 *    with it dequeued; the tracer passes it on (or another, or none) when it resumes it, and
 *    the passed signal then takes its action without a second stop ("approved");
 *  - group-stop: the process stopped (a passed SIGSTOP...): reported once, the thread held as
 *    any stopped thread (PM_BLK_STOPPED); PTRACE_CONT/SYSCALL resume it even so, as Linux;
 *    PTRACE_LISTEN leaves it stopped and a SIGCONT re-traps it with PTRACE_EVENT_STOP;
 *  - event stops (SIGTRAP | event << 8): FORK, VFORK, CLONE (the caller, once the child
 *    exists: the child is traced too and stops before its first instruction), EXEC (after the
 *    commit), VFORK_DONE (the vfork parent released), EXIT (exit/exit_group before the process
 *    goes), STOP (PTRACE_INTERRUPT, a seized child's first stop).
 * A vfork parent's VFORK stop holds no token (the child's handshake does, pm_clone.c): if the
 * release comes first, its answer waits in the record for the tracer's resume.
 *
 * A tracee that is not its tracer's child reports its exit to the tracer first; its parent's
 * wait sees it only once the tracer has (p->exit_tracer). A dying tracer detaches its tracees
 * (or kills them, PTRACE_O_EXITKILL).
 *
 * Entry points: pm_sysexit, pm_ptrace_has_work, pm_ptrace_resume_hook, pm_ptrace_syscall_entry,
 * pm_ptrace_clone_attach, pm_ptrace_clone_event, pm_ptrace_exec, pm_ptrace_exit_event,
 * pm_ptrace_vfork_done, pm_ptrace_enter, pm_ptrace_continue, pm_ptrace_free,
 * pm_ptrace_thr_end, pm_ptrace_proc_die, pm_ptrace_wait, pm_ptrace_tracer_of. */
#include <stdlib.h>
#include <string.h>
#include <lx/ptrace.h>
#include <lx/sched.h>
#include "pm_internal.h"

#define PM_STOP_STATUS(code) ((int)(((uint32_t)(code) << 8) | 0x7f))
#define PM_EVENT_CODE(ev) (LX_SIGTRAP | ((ev) << 8))

int32_t pm_ptrace_tracer_of(const pm_proc_t *p)
{
    for (const pm_thr_t *t = p->threads; t; t = t->proc_next)
        if (t->pt)
            return t->pt->tracer;
    return 0;
}

bool pm_ptrace_has_work(const pm_thr_t *t)
{
    const pm_ptrace_t *pt = t->pt;
    return pt->want_stop || pt->event || pt->vfork_done || pt->listening ||
           pm_thr_unblocked(t) != 0;
}

/* the tracer hears of a stop as a parent of a stopped child: SIGCHLD (CLD_TRAPPED), waiters */
static void pm_ptrace_notify(pm_t *pm, pm_thr_t *t)
{
    pm_proc_t *tr = pm_proc_find(pm, t->pt->tracer);
    if (!tr || tr->state != PM_P_LIVE)
        return;
    const struct lx_sigaction *a = &tr->act[LX_SIGCHLD];
    if (a->sa_handler != LX_SIG_IGN && !(a->sa_flags & LX_SA_NOCLDSTOP)) {
        pm_siginfo_t si = {.code = LX_CLD_TRAPPED, .pid = t->tid, .status = t->pt->status >> 8 & 0x7f};
        pm_signal_send_info(pm, tr, LX_SIGCHLD, &si);
    }
    if (tr->state == PM_P_LIVE)
        pm_wait_wake(pm, tr);
}

void pm_ptrace_enter(pm_t *pm, pm_thr_t *t, enum pm_pt_stop stop, int status,
                     enum pm_pt_next next, pm_token_t tok)
{
    pm_ptrace_t *pt = t->pt;
    pt->stop = stop;
    pt->status = status;
    pt->reported = false;
    pt->next = next;
    if (next != PM_PTN_NONE) {
        pt->tok = tok;
        if (t->block == PM_BLK_NONE)
            t->block = PM_BLK_TRACED;
    }
    pm_ptrace_notify(pm, t);
}

static void pm_ptrace_enter_resume(pm_t *pm, pm_thr_t *t, enum pm_pt_stop stop, int status,
                                   pm_token_t tok, enum pm_resume how, int64_t value)
{
    t->pt->how = how;
    t->pt->val = value;
    pm_ptrace_enter(pm, t, stop, status, PM_PTN_RESUME, tok);
}

/* The lowest signal of ready, the thread's own first, taken off its pending set, with its
 * siginfo as the tracer reads it. */
static int pm_ptrace_dequeue(pm_thr_t *t, uint64_t ready, struct lx_siginfo *info)
{
    pm_siginfo_t si;
    int sig = pm_signal_dequeue(t, ready, &si);
    pm_siginfo_fill(t->proc, sig, &si, info);
    return sig;
}

/* Signals the tracer passed on that are not caught take their action now (a caught one is
 * left to pm_thr_resume, which runs its handler). */
static void pm_ptrace_act_approved(pm_t *pm, pm_thr_t *t)
{
    pm_proc_t *p = t->proc;
    pm_ptrace_t *pt = t->pt;
    uint64_t act = pm_thr_unblocked(t) & pt->approved;
    while (act && p->state == PM_P_LIVE && !t->dead && !p->stopped) {
        int sig = __builtin_ctzll(act) + 1;
        act &= ~LX_SIGBIT(sig);
        uint64_t h = p->act[sig].sa_handler;
        if (h != LX_SIG_DFL && h != LX_SIG_IGN)
            continue;
        struct lx_siginfo info;
        (void)pm_ptrace_dequeue(t, LX_SIGBIT(sig), &info);
        if (t->pt)
            t->pt->approved &= ~LX_SIGBIT(sig);
        if (h == LX_SIG_DFL && !pm_signal_default_ignores(sig) && p->pid != 1)
            pm_signal_default_action(pm, p, sig);
        if (!t->pt)
            return;
    }
}

bool pm_ptrace_resume_hook(pm_t *pm, pm_thr_t *t, pm_token_t tok, enum pm_resume how,
                           int64_t value)
{
    pm_ptrace_t *pt = t->pt;
    pm_proc_t *p = t->proc;
    if (pt->stop != PM_PT_NONE) {
        /* a stop without a token (a parked vfork parent's event) got its answer meanwhile: it
         * waits here for the tracer's resume */
        if (pt->next == PM_PTN_NONE && t->block != PM_BLK_STOPPED) {
            pt->next = PM_PTN_RESUME;
            pt->tok = tok;
            pt->how = how;
            pt->val = value;
            if (t->block == PM_BLK_NONE)
                t->block = PM_BLK_TRACED;
            return true;
        }
        return false;   /* a group stop's report: the hold below keeps it (pm_thr_resume) */
    }
    if (pt->event) {
        int ev = pt->event;
        pt->event = 0;
        pt->event_msg = pt->event_msg_next;
        pm_ptrace_enter_resume(pm, t, PM_PT_EVENT, PM_STOP_STATUS(PM_EVENT_CODE(ev)), tok, how,
                               value);
        return true;
    }
    if (pt->vfork_done) {
        pt->vfork_done = false;
        if (pt->options & LX_PTRACE_O_TRACEVFORKDONE) {
            pt->event_msg = (uint64_t)value;   /* the child's pid (the vfork's answer) */
            pm_ptrace_enter_resume(pm, t, PM_PT_EVENT,
                                   PM_STOP_STATUS(PM_EVENT_CODE(LX_PTRACE_EVENT_VFORK_DONE)), tok,
                                   how, value);
            return true;
        }
    }
    if (!p->stopped) {
        pt->group_reported = false;
        if (pt->listening) {   /* SIGCONT ended the group stop PTRACE_LISTEN waited in */
            pt->listening = false;
            pt->want_stop = PM_STOP_STATUS(PM_EVENT_CODE(LX_PTRACE_EVENT_STOP));
        }
    }
    if (pt->want_stop) {
        int status = pt->want_stop;
        pt->want_stop = 0;
        if (status == PM_STOP_STATUS(LX_SIGSTOP)) {   /* a new tracee's SIGSTOP (not seized) */
            memset(&pt->si, 0, sizeof(pt->si));
            pt->si.si_signo = LX_SIGSTOP;
            pt->si.si_code = LX_SI_USER;
            pt->sig = LX_SIGSTOP;
            pm_ptrace_enter_resume(pm, t, PM_PT_SIGNAL, status, tok, how, value);
        } else {
            pm_ptrace_enter_resume(pm, t, PM_PT_EVENT, status, tok, how, value);
        }
        return true;
    }
    if (!p->stopped) {
        pt->approved &= t->pending | p->pending;
        pm_ptrace_act_approved(pm, t);
        if (t->dead) {
            pm->env.drop(pm->env.ctx, tok);
            return true;
        }
        if (!t->pt)
            return false;
    }
    if (p->stopped) {
        /* held as every thread of a stopped process; the tracer hears of it once */
        t->block = PM_BLK_STOPPED;
        t->tok = tok;
        t->held_how = how;
        t->held_val = value;
        if (!pt->group_reported && !pt->listening) {
            pt->group_reported = true;
            int code = p->stop_report ? p->stop_report : LX_SIGSTOP;
            pt->sig = code;
            if (pt->seized)
                code |= LX_PTRACE_EVENT_STOP << 8;
            pm_ptrace_enter(pm, t, PM_PT_GROUP, PM_STOP_STATUS(code), PM_PTN_NONE, 0);
        }
        return true;
    }
    uint64_t fresh = pm_thr_unblocked(t) & ~pt->approved;
    if (fresh) {
        pt->sig = pm_ptrace_dequeue(t, fresh, &pt->si);
        pm_ptrace_enter_resume(pm, t, PM_PT_SIGNAL, PM_STOP_STATUS(pt->sig), tok, how, value);
        return true;
    }
    return false;
}

bool pm_ptrace_syscall_entry(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6],
                             pm_token_t tok)
{
    pm_ptrace_t *pt = t->pt;
    if (!pt->syscall_mode) {
        pt->in_syscall = false;
        return false;
    }
    pt->in_syscall = true;
    pt->nr = nr;
    memcpy(pt->a, a, sizeof(pt->a));
    int code = LX_SIGTRAP | ((pt->options & LX_PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
    pm_ptrace_enter(pm, t, PM_PT_SYSCALL, PM_STOP_STATUS(code), PM_PTN_DISPATCH, tok);
    return true;
}

void pm_sysexit(pm_t *pm, uint64_t badge, uint64_t nr, int64_t value, pm_token_t tok)
{
    pm_thr_t *t = pm_thr_by_badge(pm, badge);
    if (!t || t->dead) {
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    pm->depth++;
    pm_ptrace_t *pt = t->pt;
    bool restart = pt && pt->restart_pending;
    if (pt)
        pt->restart_pending = false;
    if (pt && pt->route_on)
        pm_route_complete(pm, t, nr);
    if (pt && pt->in_syscall && pt->syscall_mode && t->block == PM_BLK_NONE) {
        pt->in_syscall = false;
        pt->nr = nr;
        pt->val = value;
        /* a restart (the call runs again) shows as Linux's -ERESTARTSYS, not the number the
         * rewound thread gets in RAX */
        pt->restarting = restart;
        int code = LX_SIGTRAP | ((pt->options & LX_PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
        pm_ptrace_enter(pm, t, PM_PT_SYSCALL, PM_STOP_STATUS(code), PM_PTN_REPLY, tok);
    } else {
        if (pt)
            pt->in_syscall = false;
        pm->env.reply(pm->env.ctx, tok, value);
        if ((!pt || !pt->syscall_mode) && pm->env.thread_trace && t->has_handle)
            pm->env.thread_trace(pm->env.ctx, t->handle, false);   /* a stale mark */
    }
    pm->depth--;
    pm_gc(pm);
}

int pm_ptrace_clone_attach(pm_t *pm, pm_thr_t *t, pm_thr_t *ct, uint64_t flags, int exit_signal)
{
    pm_ptrace_t *pt = t->pt;
    int ev;
    uint32_t opt;
    if (flags & LX_CLONE_VFORK)
        ev = LX_PTRACE_EVENT_VFORK, opt = LX_PTRACE_O_TRACEVFORK;
    else if (exit_signal != LX_SIGCHLD)
        ev = LX_PTRACE_EVENT_CLONE, opt = LX_PTRACE_O_TRACECLONE;
    else
        ev = LX_PTRACE_EVENT_FORK, opt = LX_PTRACE_O_TRACEFORK;
    if (!(pt->options & opt) && !(flags & LX_CLONE_PTRACE))
        return 0;
    pm_ptrace_t *c = calloc(1, sizeof *c);
    if (!c)
        return 0;   /* the child goes untraced rather than the clone failing */
    c->tracer = pt->tracer;
    c->seized = pt->seized;
    c->options = pt->options;
    /* stopped before its first instruction: a seized tracer's child with PTRACE_EVENT_STOP,
     * else with the SIGSTOP Linux sends it */
    c->want_stop = pt->seized ? PM_STOP_STATUS(PM_EVENT_CODE(LX_PTRACE_EVENT_STOP))
                              : PM_STOP_STATUS(LX_SIGSTOP);
    ct->pt = c;
    pm->ntraced++;
    pm_thr_route(pm, ct); /* if it was started already */
    return (pt->options & opt) ? ev : 0;
}

int64_t pm_ptrace_clone_event(pm_t *pm, pm_thr_t *t, pm_thr_t *ct, int ev, int32_t id,
                              int64_t r)
{
    if (ct && ct->pt && !ct->dead)
        pm_thr_kick(pm, ct);   /* to its first stop, if it did not stop there already */
    if (!ev || t->dead || !t->pt || (r < 0 && r != PM_DEFERRED))
        return r;
    pm_ptrace_t *pt = t->pt;
    if (r == PM_DEFERRED) {
        /* parked on its vfork child: the child's handshake holds the token */
        pt->event_msg = (uint64_t)id;
        pm_ptrace_enter(pm, t, PM_PT_EVENT, PM_STOP_STATUS(PM_EVENT_CODE(ev)), PM_PTN_NONE, 0);
        return PM_DEFERRED;
    }
    pt->event = ev;   /* taken on the way out (the dispatcher's pm_thr_resume) */
    pt->event_msg_next = (uint64_t)id;
    return r;
}

void pm_ptrace_exec(pm_t *pm, pm_thr_t *t, int32_t old_tid)
{
    pm_ptrace_t *pt = t->pt;
    if (pt->options & LX_PTRACE_O_TRACEEXEC) {
        pt->event = LX_PTRACE_EVENT_EXEC;
        pt->event_msg_next = (uint64_t)old_tid;
    } else if (!pt->seized) {
        pm_siginfo_t si = {.code = LX_SI_USER, .pid = 0};
        pm_signal_send_thr(pm, t, LX_SIGTRAP, &si);   /* Linux's ptrace_event(EXEC) fallback */
    }
}

bool pm_ptrace_exit_event(pm_t *pm, pm_call_t *c, int wstatus)
{
    pm_ptrace_t *pt = c->thr->pt;
    if (!(pt->options & LX_PTRACE_O_TRACEEXIT) || pt->exit_event_done)
        return false;
    pt->exit_event_done = true;
    pt->event_msg = (uint64_t)(uint32_t)wstatus;
    pt->nr = c->nr;
    memcpy(pt->a, c->a, sizeof(pt->a));
    pm_ptrace_enter(pm, c->thr, PM_PT_EVENT, PM_STOP_STATUS(PM_EVENT_CODE(LX_PTRACE_EVENT_EXIT)),
                    PM_PTN_DISPATCH, c->tok);
    return true;
}

void pm_ptrace_vfork_done(pm_t *pm, pm_thr_t *parent_thr, int32_t child)
{
    if (!parent_thr || !parent_thr->pt)
        return;
    parent_thr->pt->vfork_done = true;
    /* an exec commit releases a live child; an exit, a zombie (or a thread's end) */
    pm_proc_t *c = pm_proc_find(pm, child);
    pm_route_event(parent_thr, c && c->state == PM_P_LIVE ? KR_EV_VFORK_EXEC : KR_EV_VFORK_EXIT,
                   child);
}

void pm_ptrace_free(pm_t *pm, pm_thr_t *t)
{
    if (!t->pt)
        return;
    free(t->pt);
    t->pt = NULL;
    pm->ntraced--;
    pm_thr_route(pm, t);
    if (pm->env.thread_trace && t->has_handle)
        pm->env.thread_trace(pm->env.ctx, t->handle, false);
}

void pm_ptrace_continue(pm_t *pm, pm_thr_t *t, int sig, bool detach)
{
    pm_ptrace_t *pt = t->pt;
    pm_proc_t *p = t->proc;
    enum pm_pt_stop stop = pt->stop;
    enum pm_pt_next next = pt->next;
    pm_token_t tok = pt->tok;
    enum pm_resume how = pt->how;
    int64_t val = pt->val;
    uint64_t nr = pt->nr, a[6];
    memcpy(a, pt->a, sizeof(a));
    pt->stop = PM_PT_NONE;
    pt->next = PM_PTN_NONE;
    if (t->block == PM_BLK_TRACED)
        t->block = PM_BLK_NONE;
    if (stop == PM_PT_SIGNAL && sig) {
        /* the signal goes on, with its siginfo if it is the one reported (Linux: a different
         * one comes from the tracer, SI_USER) */
        pm_tsiginfo_t si = {LX_SI_USER, 0};
        if (sig == pt->sig)
            si = (pm_tsiginfo_t){pt->si.si_code, pt->si.si_pid};
        else {
            pm_proc_t *tr = pm_proc_find(pm, pt->tracer);
            si.pid = tr ? tr->pid : 0;
        }
        t->siginfo[sig] = si;
        t->pending |= LX_SIGBIT(sig);
        pt->approved |= LX_SIGBIT(sig);
    }
    if (detach) {
        uint64_t approved = pt->approved;
        pm_ptrace_free(pm, t);
        /* what it was passed acts as an untraced process's signals do */
        if (approved)
            pm_signal_deliver_pending(pm, p);
        if (t->dead) {
            if (next != PM_PTN_NONE)
                pm->env.drop(pm->env.ctx, tok);
            return;
        }
    }
    switch (next) {
    case PM_PTN_DISPATCH:
        if (nr == UINT64_MAX)
            pm_thr_resume(pm, t, tok, PM_RES_VALUE, -LX_ENOSYS);   /* the tracer skipped it */
        else
            pm_syscall_run(pm, t, nr, a, tok);
        break;
    case PM_PTN_REPLY:
        pm->env.reply(pm->env.ctx, tok, val);
        break;
    case PM_PTN_RESUME:
        pm_thr_resume(pm, t, tok, how, val);
        break;
    case PM_PTN_NONE:
        /* a group stop (PTRACE_CONT/SYSCALL run a tracee even so, as Linux); a detached one
         * stays in it */
        if (!detach && t->block == PM_BLK_STOPPED && p->stopped) {
            p->stopped = false;
            p->stop_report = 0;
            pm_proc_release_held(pm, p);
        }
        break;
    }
}

void pm_ptrace_thr_end(pm_t *pm, pm_thr_t *t)
{
    pm_ptrace_t *pt = t->pt;
    if (pt->stop != PM_PT_NONE && pt->next != PM_PTN_NONE)
        pm->env.drop(pm->env.ctx, pt->tok);
    if (t->block == PM_BLK_TRACED)
        t->block = PM_BLK_NONE;
    pt->next = PM_PTN_NONE;
    pm_ptrace_free(pm, t);
}

void pm_ptrace_proc_die(pm_t *pm, pm_proc_t *p)
{
    /* as a tracee: a tracer other than the parent sees the exit first */
    int32_t tr = pm_ptrace_tracer_of(p);
    if (tr && (!p->parent || p->parent->pid != tr)) {
        p->exit_tracer = tr;
        pm->nexit_tracer++;
    }
    /* as a tracer: its tracees go free, or die with it (PTRACE_O_EXITKILL) */
    int n = 0;
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        n += t->pt && t->pt->tracer == p->pid;
    int32_t *tids = n ? malloc(sizeof(int32_t) * (size_t)n) : NULL;
    int k = 0;
    for (pm_thr_t *t = pm->threads; tids && t; t = t->next)
        if (t->pt && t->pt->tracer == p->pid)
            tids[k++] = t->tid;
    for (int i = 0; i < k; i++) {
        pm_thr_t *t = pm_thr_find(pm, tids[i]);
        if (!t || !t->pt || t->pt->tracer != p->pid)
            continue;
        if (t->pt->options & LX_PTRACE_O_EXITKILL)
            pm_signal_send(pm, t->proc, LX_SIGKILL, true);
        else
            pm_ptrace_continue(pm, t, 0, true);
    }
    free(tids);
    /* zombies whose exit it had still to see: their parents may have them now */
    if (!pm->nexit_tracer)
        return;
    for (pm_proc_t *q = pm->procs; q;) {
        if (q->exit_tracer == p->pid && q->state == PM_P_ZOMBIE) {
            q->exit_tracer = 0;
            pm->nexit_tracer--;
            pm_proc_tell_parent(pm, q);
            q = pm->procs;   /* telling may reap: start over */
        } else {
            q = q->next;
        }
    }
}

static bool pm_ptrace_wait_names(const pm_wait_req_t *req, int32_t id, int32_t pgid)
{
    switch (req->idtype) {
    case LX_P_PID:
        return id == req->id;
    case LX_P_PGID:
        return pgid == req->id;
    default:
        return true;
    }
}

/* wait4's status word and rusage, or waitid's siginfo, for a tracee's report */
static int64_t pm_ptrace_wait_out(pm_t *pm, pm_proc_t *w, const pm_wait_req_t *req, int32_t id,
                                  enum pm_wreport kind, int status)
{
    if (req->waitid)
        return pm_wait_put_info(pm, w, req, id, kind, status);
    if (req->status_uaddr && pm_copy_out(pm, w, req->status_uaddr, &status, sizeof(status)))
        return -LX_EFAULT;
    if (req->ru_uaddr) {
        struct lx_rusage ru;
        memset(&ru, 0, sizeof(ru));
        if (pm_copy_out(pm, w, req->ru_uaddr, &ru, sizeof(ru)))
            return -LX_EFAULT;
    }
    return id;
}

int64_t pm_ptrace_wait(pm_t *pm, pm_thr_t *w, const pm_wait_req_t *req, bool *any)
{
    pm_proc_t *p = w->proc;
    bool nowait = req->waitid && (req->options & LX_WNOWAIT);
    for (pm_thr_t *t = pm->threads; pm->ntraced && t; t = t->next) {
        pm_ptrace_t *pt = t->pt;
        if (!pt || pt->tracer != p->pid || !pm_ptrace_wait_names(req, t->tid, t->proc->pgid))
            continue;
        *any = true;
        if (pt->stop == PM_PT_NONE || pt->reported)
            continue;
        if (!nowait)
            pt->reported = true;
        return pm_ptrace_wait_out(pm, p, req, t->tid, PM_WR_TRAP, pt->status);
    }
    for (pm_proc_t *q = pm->procs; pm->nexit_tracer && q; q = q->next) {
        if (q->exit_tracer != p->pid || !pm_ptrace_wait_names(req, q->pid, q->pgid))
            continue;
        *any = true;
        if (q->state != PM_P_ZOMBIE)
            continue;
        int64_t r = pm_ptrace_wait_out(pm, p, req, q->pid, PM_WR_EXIT, q->wstatus);
        if (!nowait) {
            q->exit_tracer = 0;
            pm->nexit_tracer--;
            pm_proc_tell_parent(pm, q);   /* now its parent may see it (it may be reaped) */
        }
        return r;
    }
    return PM_PT_WAIT_NONE;
}
