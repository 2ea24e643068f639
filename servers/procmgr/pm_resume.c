/* Letting a held thread go on. Every time procmgr answers a thread whose token it holds (the end
 * of a syscall, a wait or sleep that completed, a vfork parent released, a /proc read done, an
 * interrupt message, a thread continued after a stop), the answer goes through pm_thr_resume,
 * which is where stops and signal handlers take effect:
 *  - a traced thread may stop for its tracer first (an event, a signal to report, a stop the
 *    tracer asked for: pm_ptrace_resume_hook), the rest happening when the tracer resumes it;
 *  - the process is stopped: the token is held (PM_BLK_STOPPED) with what the answer would have
 *    been, and given when SIGCONT comes (pm_proc_cont);
 *  - a signal the thread can run a handler for is pending: the handler's frame is built and the
 *    thread resumes in the handler; the frame remembers the answer (the syscall's result, or the
 *    syscall itself to run again: enum pm_resume);
 *  - else the answer itself: the syscall's result, or the syscall again (its registers are set
 *    back onto the SYSCALL instruction), or (an interrupt message) the thread's own registers.
 *
 * To make a thread come back to procmgr soon (a handler to run, a stop), pm_thr_kick asks the
 * kernel to interrupt it on its way to user mode (env->thread_interrupt), and, if it is blocked in
 * a call, has vfs give the call back if vfs holds it (env->vfs_interrupt). The kernel marks a
 * blocked thread all the same: a call vfs is about to answer (a routed one that procmgr never
 * saw, or one on its way) ends in an interrupt message before the thread's next instruction, so
 * a thread whose file calls never come to procmgr still meets its signal at once.
 *
 * Entry points: pm_thr_resume, pm_thr_has_work, pm_thr_kick, pm_interrupted. */
#include <stdlib.h>
#include "pm_internal.h"

bool pm_thr_has_work(const pm_thr_t *t)
{
    const pm_proc_t *p = t->proc;
    return p->stopped || (pm_thr_unblocked(t) && pm_signal_next(t)) ||
           (t->pt && pm_ptrace_has_work(t));
}

/* The syscall runs again: back onto the SYSCALL instruction (2 bytes), with its number in RAX. */
static void pm_thr_restart(pm_t *pm, pm_thr_t *t, pm_token_t tok)
{
    pm_regs_t *r = malloc(sizeof *r);
    if (!r || pm->env.thread_get_regs(pm->env.ctx, t->handle, r)) {
        free(r);
        pm->env.reply(pm->env.ctx, tok, -LX_EINTR); /* cannot restart: the caller sees EINTR */
        return;
    }
    r->rip -= 2;
    int64_t nr = (int64_t)t->sys_nr;
    if (t->pt)
        t->pt->restart_pending = true;   /* its tracer sees -ERESTARTSYS at the exit stop */
    if (pm->env.thread_set_regs(pm->env.ctx, t->handle, r))
        nr = -LX_EINTR;
    free(r);
    pm->env.reply(pm->env.ctx, tok, nr);
}

void pm_thr_resume(pm_t *pm, pm_thr_t *t, pm_token_t tok, enum pm_resume how, int64_t value)
{
    if (t->dead) {
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    if (t->pt && pm_ptrace_resume_hook(pm, t, tok, how, value))
        return;   /* a ptrace stop holds it (or a signal the tracer passed on acted) */
    pm_proc_t *p = t->proc;
    if (p->stopped) {
        t->block = PM_BLK_STOPPED;
        t->tok = tok;
        t->held_how = how;
        t->held_val = value;
        return;
    }
    int sig = pm_thr_unblocked(t) ? pm_signal_next(t) : 0;
    if (sig) {
        if (pm_signal_run_handler(pm, t, sig, how, value) == 0) {
            pm->env.reply(pm->env.ctx, tok, 0);
            /* another one deliverable: it nests on top at once, as Linux runs them all */
            if (pm_signal_next(t))
                pm_thr_kick(pm, t);
            return;
        }
        pm->env.drop(pm->env.ctx, tok);
        pm_signal_send(pm, p, LX_SIGSEGV, true); /* no room for the frame: Linux's force_sigsegv */
        return;
    }
    if (how == PM_RES_RESTART || how == PM_RES_RESTART_SA)
        pm_thr_restart(pm, t, tok);
    else
        pm->env.reply(pm->env.ctx, tok, how == PM_RES_REGS ? 0 : value);
}

void pm_thr_kick(pm_t *pm, pm_thr_t *t)
{
    if (t->dead || t == pm->caller || t->block != PM_BLK_NONE || !t->has_handle)
        return; /* procmgr holds it, or is answering it right now */
    int r = pm->env.thread_interrupt ? pm->env.thread_interrupt(pm->env.ctx, t->handle)
                                     : PM_INTR_BLOCKED;
    if (r != PM_INTR_BLOCKED || !pm->env.vfs_interrupt)
        return; /* running: its interrupt message will come (or it cannot be interrupted) */
    pm_token_t tok;
    uint64_t nr;
    if (pm->env.vfs_interrupt(pm->env.ctx, t->tid, &tok, &nr) == 1) {
        t->sys_nr = nr; /* a routed call never came by procmgr */
        pm_thr_resume(pm, t, tok, PM_RES_RESTART_SA, 0); /* reads and writes restart, as Linux */
    }
    /* else its message is on its way to procmgr, which checks pm_thr_has_work on arrival */
}

void pm_interrupted(pm_t *pm, uint64_t badge, uint64_t why, pm_token_t tok)
{
    pm_thr_t *t = pm_thr_by_badge(pm, badge);
    if (!t || t->block != PM_BLK_NONE) {
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    pm->depth++;
    pm_proc_t *p = t->proc;
    pm->caller = t; /* held by us right now: nobody needs to kick it */
    pm_sigmask_restore(pm, t); /* a ppoll's mask ends as the call returns (pm_sigmask.c) */
    if (why & PM_INTR_CPU_ALARM)
        pm_cputimers_check(pm, p);
    pm->caller = NULL;
    pm_thr_resume(pm, t, tok, PM_RES_REGS, 0);
    if (p->state == PM_P_LIVE)
        pm_cputimers_rearm(pm, p);
    pm->depth--;
    pm_gc(pm);
}
