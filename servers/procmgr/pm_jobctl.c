/* Job control: stopping and continuing processes, orphaned process groups, what the parent is
 * told, and the terminal checks vfs hands over.
 *
 * A stop (SIGSTOP, or SIGTSTP/SIGTTIN/SIGTTOU by default) marks the process stopped and makes
 * every thread come back to procmgr (pm_thr_kick): a thread computing in user mode is
 * interrupted by the kernel, one blocked in vfs has its call withdrawn (it runs again after the
 * continue, as Linux restarts it), one blocked in procmgr (wait, sleep, vfork) stays blocked.
 * From then on every answer to a thread of the process is held (pm_thr_resume) until SIGCONT,
 * which gives them and starts any handler that became deliverable. The parent hears of both:
 * SIGCHLD with CLD_STOPPED or CLD_CONTINUED (unless SA_NOCLDSTOP or SIG_IGN) and its waiters
 * with WUNTRACED or WCONTINUED (pm_exit_wait.c).
 *
 * A process group is orphaned when no member has a parent in another group of the same session
 * (children of init do not count): nobody is left to continue it, so SIGTSTP, SIGTTIN and SIGTTOU
 * are discarded for it, a terminal read or write gets EIO instead, and a group that becomes
 * orphaned by an exit while it has stopped members gets SIGHUP then SIGCONT (POSIX, and Linux's
 * kill_orphaned_pgrp).
 *
 * Entry points: pm_proc_stop, pm_proc_cont, pm_proc_release_held, pm_pgrp_orphaned, pm_jobctl_exit,
 * pm_notify_parent_cldstop, pm_ids_tell_vfs, pm_jobctl. */
#include "pm_internal.h"

void pm_ids_tell_vfs(pm_t *pm, const pm_proc_t *p)
{
    if (pm->env.vfs_proc_ids)
        (void)pm->env.vfs_proc_ids(pm->env.ctx, p->pid, p->pgid, p->sid);
}

void pm_notify_parent_cldstop(pm_t *pm, pm_proc_t *child, int why)
{
    pm_proc_t *par = child->parent;
    if (!par || par->state != PM_P_LIVE)
        return;
    const struct lx_sigaction *a = &par->act[LX_SIGCHLD];
    if (a->sa_handler != LX_SIG_IGN && !(a->sa_flags & LX_SA_NOCLDSTOP)) {
        uint64_t u, s;
        pm_proc_cputime(pm, child, &u, &s);
        pm_siginfo_t si = {
            .code = why,
            .pid = child->pid,
            .status = why == LX_CLD_STOPPED ? child->stop_report : LX_SIGCONT,
            .utime = (int64_t)(u / (LX_NSEC_PER_SEC / LX_USER_HZ)),
            .stime = (int64_t)(s / (LX_NSEC_PER_SEC / LX_USER_HZ)),
        };
        pm_signal_send_info(pm, par, LX_SIGCHLD, &si);
    }
    if (par->state == PM_P_LIVE)
        pm_wait_wake(pm, par);
}

void pm_proc_stop(pm_t *pm, pm_proc_t *p, int sig)
{
    if (p->stopped || p->state != PM_P_LIVE)
        return;
    p->stopped = true;
    p->stop_report = sig;
    p->cont_report = false;
    for (pm_thr_t *t = p->threads; t; t = t->proc_next)
        pm_thr_kick(pm, t);
    pm_notify_parent_cldstop(pm, p, LX_CLD_STOPPED);
}

static pm_thr_t *pm_first_held(pm_proc_t *p)
{
    for (pm_thr_t *t = p->threads; t; t = t->proc_next)
        if (t->block == PM_BLK_STOPPED)
            return t;
    return NULL;
}

void pm_proc_release_held(pm_t *pm, pm_proc_t *p)
{
    /* one at a time: resuming may start a handler that fails and kills the process */
    pm_thr_t *t;
    while (p->state == PM_P_LIVE && (t = pm_first_held(p))) {
        t->block = PM_BLK_NONE;
        pm_thr_resume(pm, t, t->tok, t->held_how, t->held_val);
    }
}

void pm_proc_cont(pm_t *pm, pm_proc_t *p)
{
    if (!p->stopped)
        return;
    p->stopped = false;
    p->stop_report = 0;
    p->cont_report = true;
    pm_proc_release_held(pm, p);
    /* a handler that became deliverable while stopped reaches a thread still blocked in procmgr */
    for (int sig = 1; sig <= LX_NSIG && p->state == PM_P_LIVE; sig++) {
        uint64_t h = p->act[sig].sa_handler;
        if ((p->pending & LX_SIGBIT(sig)) && h != LX_SIG_DFL && h != LX_SIG_IGN)
            pm_signal_wake(pm, p, sig);
    }
    if (p->state == PM_P_LIVE)
        pm_notify_parent_cldstop(pm, p, LX_CLD_CONTINUED);
}

bool pm_pgrp_orphaned(pm_t *pm, int32_t pgid, const pm_proc_t *ignore)
{
    for (const pm_proc_t *q = pm->procs; q; q = q->next) {
        if (q->pgid != pgid || q == ignore || q->state != PM_P_LIVE || !q->parent ||
            q->parent->pid == 1)
            continue;
        if (q->parent->pgid != pgid && q->parent->sid == q->sid)
            return false;
    }
    return true;
}

static bool pm_pgrp_has_stopped(pm_t *pm, int32_t pgid)
{
    for (const pm_proc_t *q = pm->procs; q; q = q->next)
        if (q->pgid == pgid && q->state == PM_P_LIVE && q->stopped)
            return true;
    return false;
}

/* Linux's kill_orphaned_pgrp: `via` was q's (or its group's) last tie to the session outside. */
static void pm_hangup_if_orphaned(pm_t *pm, const pm_proc_t *q, const pm_proc_t *via,
                                  const pm_proc_t *ignore)
{
    int32_t pgid = q->pgid;
    if (!via || via->pgid == pgid || via->sid != q->sid || !pm_pgrp_orphaned(pm, pgid, ignore) ||
        !pm_pgrp_has_stopped(pm, pgid))
        return;
    pm_siginfo_t si = {.code = LX_SI_KERNEL};
    pm_signal_pgrp(pm, pgid, LX_SIGHUP, &si);
    pm_signal_pgrp(pm, pgid, LX_SIGCONT, &si);
}

void pm_jobctl_exit(pm_t *pm, pm_proc_t *p, const int32_t *kids, int nkids)
{
    /* the children's groups, now that the children are init's */
    for (int i = 0; i < nkids; i++) {
        pm_proc_t *c = pm_proc_find(pm, kids[i]);
        if (c)
            pm_hangup_if_orphaned(pm, c, p, NULL);
    }
    /* and p's own group, which p leaves */
    pm_hangup_if_orphaned(pm, p, p->parent, p);
}

void pm_jobctl(pm_t *pm, const pm_jobctl_req_t *rq, pm_token_t tok)
{
    pm_thr_t *t = rq->tid > 0 ? pm_thr_find(pm, rq->tid) : NULL;
    if (!t || t->proc->pid != rq->pid || t->block != PM_BLK_NONE || !pm_signal_valid(rq->sig)) {
        pm->env.drop(pm->env.ctx, tok); /* the caller died meanwhile */
        return;
    }
    pm->depth++;
    pm_proc_t *p = t->proc;
    t->sys_nr = rq->nr;
    if (pm_signal_ignored_or_blocked(t, rq->sig)) {
        if (rq->sig == LX_SIGTTIN || !pm->env.vfs_forward_nojc)
            pm_thr_resume(pm, t, tok, PM_RES_VALUE, rq->eio);
        else   /* a write or tcsetpgrp that ignores SIGTTOU goes ahead */
            pm->env.vfs_forward_nojc(pm->env.ctx, rq->pid, rq->tid, rq->nr, rq->a, tok);
    } else if (pm_pgrp_orphaned(pm, p->pgid, NULL)) {
        pm_thr_resume(pm, t, tok, PM_RES_VALUE, rq->eio);
    } else {
        /* the whole group is told; the call runs again once it may (after the stop) */
        pm_siginfo_t si = {.code = LX_SI_KERNEL};
        pm_signal_pgrp(pm, p->pgid, rq->sig, &si);
        pm_thr_resume(pm, t, tok, PM_RES_RESTART_SA, 0);
    }
    pm->depth--;
    pm_gc(pm);
}
