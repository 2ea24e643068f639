/* The end of a process and the waiting for it: exit, exit_group, death by signal, zombies,
 * reparenting to init, wait4 and waitid (immediate or as a deferred reply), and powering off
 * when init dies.
 *
 * A dying process, in order: its threads end (set_tid_address word cleared, any held token
 * dropped, a parked vfork parent thread abandoned, kernel thread destroyed); vfs closes its
 * descriptors; a parent parked in vfork for it is released (after the close, so the parent's
 * read of a CLOEXEC pipe sees EOF); its address-space reference goes; its children go to init;
 * it becomes a zombie and its parent hears of it (wakes a waiter, or reaps it at once when
 * SIGCHLD is ignored, as Linux does).
 *
 * wait4 and waitid also report a child's stop (WUNTRACED/WSTOPPED: status 0x7f | sig << 8,
 * CLD_STOPPED) and continue (WCONTINUED: 0xffff, CLD_CONTINUED) once each (pm_jobctl.c keeps
 * them); waitid's WNOWAIT leaves any report in place. Reaping a child adds its CPU time and its
 * own children's to the parent's (times, RUSAGE_CHILDREN).
 *
 * Threads: exit ends one thread (pm_thr_end), the process ending with its last; exit_group, a
 * fatal signal and execve's de-thread (pm_exec_dethread) end every other thread first, wherever
 * each is blocked (a vfork park, a futex, a sleep or wait: dropped here; a call vfs holds: vfs
 * cancels it). waitid(P_PIDFD) names the child by a pidfd (pm_pidfd.c).
 *
 * Entry points: pm_sys_exit, pm_sys_exit_group, pm_sys_wait4, pm_sys_waitid, pm_proc_die,
 * pm_thr_end, pm_exec_dethread, pm_wait_wake, pm_thr_abort_block. */
#include <stdlib.h>
#include <string.h>
#include "pm_internal.h"

#define PM_WAIT_BLOCK (INT64_MIN + 1)

void pm_thr_abort_block(pm_t *pm, pm_thr_t *t)
{
    switch (t->block) {
    case PM_BLK_FUTEX:
        pm_futex_unqueue(pm, t);
        pm->env.drop(pm->env.ctx, t->tok);
        break;
    case PM_BLK_WAIT:
    case PM_BLK_SLEEP:
    case PM_BLK_STOPPED:
    case PM_BLK_SIGWAIT:
        pm->env.drop(pm->env.ctx, t->tok);
        break;
    case PM_BLK_VFORK:
        pm_vfork_abandon(pm, t);
        break;
    default:
        break;
    }
    t->block = PM_BLK_NONE;
}

/* CLONE_CHILD_CLEARTID at a thread's end: write 0 and wake one waiter (non-private, as Linux's
 * mm_release), only while someone else still uses the memory: another thread, or a process
 * sharing the space (a vfork parent); a forked child's private copy dies with it unwritten. */
static void pm_thr_clear_tid(pm_t *pm, pm_proc_t *p, uint64_t uaddr, bool shared_mm)
{
    uint32_t zero = 0;
    pm_fkey_t key;
    if (!uaddr || !shared_mm || !p->has_as)
        return;
    if (pm_copy_out(pm, p, uaddr, &zero, sizeof(zero)) == 0 &&
        pm_futex_key(pm, p, uaddr, false, &key) == 0)
        (void)pm_futex_wake(pm, &key, 1, UINT32_MAX);
}

void pm_thr_end(pm_t *pm, pm_thr_t *t, bool cancel_vfs)
{
    pm_proc_t *p = t->proc;
    if (t->pt)
        pm_ptrace_thr_end(pm, t);
    bool shared_mm = p->nthreads > 1 || (p->mm && p->mm->refs > 1);
    uint64_t ctid = t->clear_child_tid;
    bool may_be_in_vfs = t->block == PM_BLK_NONE && t != pm->caller;
    pm_robust_list_walk(pm, t);
    pm_thr_abort_block(pm, t);
    if (cancel_vfs && may_be_in_vfs && pm->env.vfs_interrupt) {
        /* a call it made that vfs holds (a pipe read): its process lives on, so it must go now,
         * with the references it holds */
        pm_token_t tok;
        uint64_t nr;
        if (pm->env.vfs_interrupt(pm->env.ctx, t->tid, &tok, &nr) == 1)
            pm->env.drop(pm->env.ctx, tok);
    }
    /* its own table in vfs goes now (a pipe's write end only it held gives EOF); a dying
     * process's go with vfs_proc_exit */
    if (t->vfs_own && p->state == PM_P_LIVE)
        pm->env.vfs_thread(pm->env.ctx, PM_VFS_THREAD_EXIT, p->pid, t->tid, 0, 0);
    t->vfs_own = false;
    pm_thr_account_end(pm, t);
    if (t->has_handle)
        pm->env.thread_destroy(pm->env.ctx, t->handle);
    t->has_handle = false;
    pm_thr_unlink(pm, t);
    /* only now: the thread can no longer touch its stack, which the woken joiner may free */
    pm_thr_clear_tid(pm, p, ctid, shared_mm);
    pm_vfork_release_hs(pm, &t->vfork);   /* a CLONE_THREAD|CLONE_VFORK creator goes on */
}

static void pm_proc_reap(pm_t *pm, pm_proc_t *q)
{
    pm_proc_unlink(pm, q);
}

/* What the parent's SIGCHLD says of a child that exited or was killed. */
static pm_siginfo_t pm_exit_info(pm_t *pm, const pm_proc_t *p)
{
    uint64_t u, s;
    pm_proc_cputime(pm, p, &u, &s);
    pm_siginfo_t si = {
        .pid = p->pid,
        .utime = (int64_t)(u / (LX_NSEC_PER_SEC / LX_USER_HZ)),
        .stime = (int64_t)(s / (LX_NSEC_PER_SEC / LX_USER_HZ)),
    };
    if (LX_WIFEXITED(p->wstatus)) {
        si.code = LX_CLD_EXITED;
        si.status = LX_WEXITSTATUS(p->wstatus);
    } else {
        si.code = (p->wstatus & 0x80) ? LX_CLD_DUMPED : LX_CLD_KILLED;
        si.status = LX_WTERMSIG(p->wstatus);
    }
    return si;
}

/* Tell the parent: wake its waiters, or reap at once if it ignores SIGCHLD. A tracer that is not
 * the parent hears first (pm_ptrace_wait gives it the exit, then calls this again). */
void pm_proc_tell_parent(pm_t *pm, pm_proc_t *p)
{
    if (p->exit_tracer) {
        pm_proc_t *tr = pm_proc_find(pm, p->exit_tracer);
        if (tr && tr->state == PM_P_LIVE) {
            pm_siginfo_t si = pm_exit_info(pm, p);
            pm_wait_wake(pm, tr);   /* may reap p: si is taken first */
            if (tr->state == PM_P_LIVE)
                pm_signal_send_info(pm, tr, LX_SIGCHLD, &si);
            return;
        }
        p->exit_tracer = 0;   /* the tracer is gone: the parent at once */
        pm->nexit_tracer--;
    }
    pm_proc_t *par = p->parent;
    if (!par || par->state != PM_P_LIVE)
        return;
    const struct lx_sigaction *chld = &par->act[LX_SIGCHLD];
    if (p->exit_signal == LX_SIGCHLD &&
        (chld->sa_handler == LX_SIG_IGN || (chld->sa_flags & LX_SA_NOCLDWAIT))) {
        pm_proc_reap(pm, p);
        pm_wait_wake(pm, par);   /* a waiter with no children left gets ECHILD */
        return;
    }
    /* The waiters first, as Linux's do_wait: one blocked in wait4 for this child returns its
     * pid, and the signal comes after (before, it interrupted the wait: EINTR, or a needless
     * ERESTARTSYS under a tracer, where Linux reports the child). Waking may reap p. */
    int sig = p->exit_signal;
    pm_siginfo_t si = pm_exit_info(pm, p);
    pm_wait_wake(pm, par);
    if (sig > 0 && sig <= LX_NSIG && par->state == PM_P_LIVE)
        pm_signal_send_info(pm, par, sig, &si);
}

/* Children go to init. Reparent them all first, then let init hear of the zombies among them:
 * notifying may reap records, so no list walk may span a notification. */
static void pm_proc_reparent_children(pm_t *pm, pm_proc_t *p)
{
    pm_proc_t *init = p->pid == 1 ? NULL : pm_proc_init(pm);
    bool zombies = false;
    while (p->kids) {
        pm_proc_t *q = p->kids;
        pm_proc_set_parent(q, init);
        q->exit_signal = LX_SIGCHLD;   /* "we don't want people slaying init" */
        zombies |= q->state == PM_P_ZOMBIE;
    }
    if (!init || !zombies)
        return;
    const struct lx_sigaction *chld = &init->act[LX_SIGCHLD];
    if (chld->sa_handler == LX_SIG_IGN || (chld->sa_flags & LX_SA_NOCLDWAIT)) {
        for (pm_proc_t *q = init->kids; q;) {
            if (q->state == PM_P_ZOMBIE) {
                pm_proc_reap(pm, q);
                q = init->kids;   /* the list changed: start over */
            } else {
                q = q->sib_next;
            }
        }
    } else {
        pm_siginfo_t si = {.code = LX_SI_KERNEL};
        pm_signal_send_info(pm, init, LX_SIGCHLD, &si);
    }
    pm_wait_wake(pm, init);
}

static void pm_init_died(pm_t *pm, int wstatus)
{
    pm_line_t l = {0};
    int status;
    if (LX_WIFEXITED(wstatus)) {
        status = LX_WEXITSTATUS(wstatus);
        pm_line_str(&l, "procmgr: init exited with status ");
        pm_line_dec(&l, status);
    } else {
        status = 128 + LX_WTERMSIG(wstatus);
        pm_line_str(&l, "procmgr: init killed by signal ");
        pm_line_dec(&l, LX_WTERMSIG(wstatus));
    }
    pm_line_emit(pm, &l);
    pm->env.poweroff(pm->env.ctx, status);
}

/* The pids of p's children (for the orphaned-group check after they go to init). */
static int32_t *pm_children_of(const pm_proc_t *p, int *n)
{
    *n = 0;
    for (const pm_proc_t *q = p->kids; q; q = q->sib_next)
        ++*n;
    int32_t *kids = *n ? malloc(sizeof(int32_t) * (size_t)*n) : NULL;
    int k = 0;
    for (const pm_proc_t *q = p->kids; kids && q; q = q->sib_next)
        kids[k++] = q->pid;
    if (!kids)
        *n = 0;
    return kids;
}

void pm_proc_die(pm_t *pm, pm_proc_t *p, int wstatus)
{
    if (p->state != PM_P_LIVE)
        return;
    if (pm->ntraced || pm->nexit_tracer)
        pm_ptrace_proc_die(pm, p);
    p->state = PM_P_ZOMBIE;
    p->wstatus = wstatus;
    p->stopped = false;
    p->stop_report = 0;
    p->cont_report = false;
    while (p->threads)
        pm_thr_end(pm, p->threads, false);   /* vfs_proc_exit cancels their calls below */
    pm_ptimers_free(p);
    p->itimer[LX_ITIMER_REAL].value = 0;
    pm->env.vfs_proc_exit(pm->env.ctx, p->pid);
    pm_vfork_release(pm, p);
    if (p->has_as)
        pm->env.as_release(pm->env.ctx, p->as);
    p->has_as = false;
    if (p->mm)
        pm_mm_put(p->mm);
    p->mm = NULL;
    p->pending = 0;
    int nkids;
    int32_t *kids = pm_children_of(p, &nkids);
    pm_proc_reparent_children(pm, p);
    pm_jobctl_exit(pm, p, kids, nkids);
    free(kids);
    if (p->pid == 1)
        pm_init_died(pm, wstatus);
    else
        pm_proc_tell_parent(pm, p);
}

int64_t pm_sys_exit_group(pm_t *pm, pm_call_t *c)
{
    if (c->thr->pt && pm_ptrace_exit_event(pm, c, LX_W_EXITCODE((int)(c->a[0] & 0xff), 0)))
        return PM_DEFERRED;   /* PTRACE_EVENT_EXIT first: the tracer's resume runs it again */
    pm_proc_die(pm, c->proc, LX_W_EXITCODE((int)(c->a[0] & 0xff), 0));
    return 0;   /* the caller is gone: the dispatcher drops the token */
}

/* exit ends the calling thread only (the main one may go first); the process ends with its last
 * thread and reports that thread's code, as Linux does. */
int64_t pm_sys_exit(pm_t *pm, pm_call_t *c)
{
    if (c->proc->nthreads > 1) {
        if (c->thr->pt && pm_ptrace_exit_event(pm, c, LX_W_EXITCODE((int)(c->a[0] & 0xff), 0)))
            return PM_DEFERRED;
        pm_thr_end(pm, c->thr, false);
        return 0;   /* the caller is gone: the dispatcher drops the token */
    }
    return pm_sys_exit_group(pm, c);
}

void pm_exec_dethread(pm_t *pm, pm_thr_t *t)
{
    pm_proc_t *p = t->proc;
    for (;;) {
        pm_thr_t *u = p->threads == t ? t->proc_next : p->threads;
        if (!u)
            break;
        pm_thr_end(pm, u, true);
    }
    /* the exec'ing thread's own table and cwd become the process's (CLOEXEC applies there) */
    if (t->vfs_own)
        pm->env.vfs_thread(pm->env.ctx, PM_VFS_THREAD_LEAD, p->pid, t->tid, 0, 0);
    t->vfs_own = false;
    pm_idmap_clear(&pm->by_tid, (uint64_t)t->tid, t);
    t->tid = p->pid;   /* the leader's id, as Linux's de_thread; the kernel still says badge */
    pm_idmap_set(&pm->by_tid, (uint64_t)t->tid, t);
    pm_thr_route(pm, t); /* vfs names its routed calls by the new tid */
    /* the old memory's last words of the thread, as Linux's exec_mm_release */
    pm_robust_list_walk(pm, t);
    t->robust_head = t->robust_len = 0;
    pm_thr_clear_tid(pm, p, t->clear_child_tid, p->mm && p->mm->refs > 1);
    pm_sighand_unshare(p);
}

static bool pm_wait_eligible(const pm_proc_t *q, const pm_wait_req_t *req)
{
    switch (req->idtype) {
    case LX_P_PID:
        if (q->pid != req->id)
            return false;
        break;
    case LX_P_PGID:
        if (q->pgid != req->id)
            return false;
        break;
    default:
        break;
    }
    /* A "clone" child reports no signal or one other than SIGCHLD: only __WCLONE waits for
     * those and only without it for the others, unless __WALL. */
    if (req->options & LX___WALL)
        return true;
    bool clone_child = q->exit_signal != LX_SIGCHLD;
    return clone_child == ((req->options & LX___WCLONE) != 0);
}

/* What a wait can collect from child q under these options (enum pm_wreport): a stop or a
 * continue only once. */
static enum pm_wreport pm_wait_report(const pm_proc_t *q, uint32_t options, int *status)
{
    if (q->state == PM_P_ZOMBIE) {
        if (q->exit_tracer)
            return PM_WR_NONE;   /* its tracer sees the exit first */
        *status = q->wstatus;
        return (options & LX_WEXITED) ? PM_WR_EXIT : PM_WR_NONE;
    }
    if ((options & LX_WSTOPPED) && q->stopped && q->stop_report) {
        *status = (q->stop_report << 8) | 0x7f;
        return PM_WR_STOP;
    }
    if ((options & LX_WCONTINUED) && q->cont_report) {
        *status = 0xffff;
        return PM_WR_CONT;
    }
    return PM_WR_NONE;
}

int64_t pm_wait_put_info(pm_t *pm, pm_proc_t *p, const pm_wait_req_t *req, int32_t pid,
                         enum pm_wreport kind, int status)
{
    struct lx_siginfo_chld si;
    memset(&si, 0, sizeof(si));
    if (pid) {
        si.si_signo = LX_SIGCHLD;
        si.si_pid = pid;
        if (kind == PM_WR_TRAP) {
            si.si_code = LX_CLD_TRAPPED;
            si.si_status = status >> 8;   /* the stop's whole code (SIGTRAP | event << 8...) */
        } else if (kind == PM_WR_STOP) {
            si.si_code = LX_CLD_STOPPED;
            si.si_status = (status >> 8) & 0x7f;
        } else if (kind == PM_WR_CONT) {
            si.si_code = LX_CLD_CONTINUED;
            si.si_status = LX_SIGCONT;
        } else if (LX_WIFEXITED(status)) {
            si.si_code = LX_CLD_EXITED;
            si.si_status = LX_WEXITSTATUS(status);
        } else {
            si.si_code = (status & 0x80) ? LX_CLD_DUMPED : LX_CLD_KILLED;
            si.si_status = LX_WTERMSIG(status);
        }
    }
    /* waitid writes signo, errno, code, pid, uid and status: the first 28 bytes. */
    if (req->info_uaddr && pm_copy_out(pm, p, req->info_uaddr, &si, 28))
        return -LX_EFAULT;
    return 0;
}

/* The child's own CPU time and its reaped children's, as Linux's RUSAGE_BOTH. */
static void pm_wait_rusage(pm_t *pm, const pm_proc_t *q, struct lx_rusage *ru)
{
    uint64_t u, s;
    pm_proc_cputime(pm, q, &u, &s);
    pm_rusage_fill(ru, u + q->child_utime, s + q->child_stime);
}

static int64_t pm_wait_collect(pm_t *pm, pm_thr_t *t, pm_proc_t *q, const pm_wait_req_t *req,
                               enum pm_wreport kind, int status)
{
    pm_proc_t *p = t->proc;
    struct lx_rusage ru;
    pm_wait_rusage(pm, q, &ru);
    int32_t pid = q->pid;
    int64_t r = req->waitid ? 0 : pid;
    if (req->waitid && req->ru_uaddr && pm_copy_out(pm, p, req->ru_uaddr, &ru, sizeof(ru)))
        r = -LX_EFAULT;
    if (req->waitid && r == 0)
        r = pm_wait_put_info(pm, p, req, q->pid, kind, status);
    if (!req->waitid || !(req->options & LX_WNOWAIT)) {
        /* the report is consumed */
        if (kind == PM_WR_EXIT) {
            pm_proc_account_reap(p, q);
            pm_proc_reap(pm, q);
        } else if (kind == PM_WR_STOP) {
            q->stop_report = 0;
        } else {
            q->cont_report = false;
        }
    }
    if (!req->waitid) {
        if (req->status_uaddr && pm_copy_out(pm, p, req->status_uaddr, &status, sizeof(status)))
            return -LX_EFAULT;
        if (req->ru_uaddr && pm_copy_out(pm, p, req->ru_uaddr, &ru, sizeof(ru)))
            return -LX_EFAULT;
    }
    return r;
}

/* One attempt: the reply value, or PM_WAIT_BLOCK. */
static int64_t pm_wait_try(pm_t *pm, pm_thr_t *t, const pm_wait_req_t *req)
{
    pm_proc_t *p = t->proc;
    bool any = false;
    if (pm->ntraced || pm->nexit_tracer) {
        /* a tracee's stop or exit first (also of a tracee that is not a child) */
        int64_t r = pm_ptrace_wait(pm, t, req, &any);
        if (r != PM_PT_WAIT_NONE)
            return r;
    }
    /* waitpid(pid) looks at that child alone, found by its pid rather than by a walk */
    bool by_pid = req->idtype == LX_P_PID;
    pm_proc_t *q = by_pid ? pm_proc_find(pm, req->id) : p->kids;
    if (by_pid && q && q->parent != p)
        q = NULL;
    for (; q; q = by_pid ? NULL : q->sib_next) {
        if (!pm_wait_eligible(q, req))
            continue;
        any = true;
        int status;
        enum pm_wreport kind = pm_wait_report(q, req->options, &status);
        if (kind != PM_WR_NONE)
            return pm_wait_collect(pm, t, q, req, kind, status);
    }
    if (!any)
        return -LX_ECHILD;
    if (req->options & LX_WNOHANG)
        return req->waitid ? pm_wait_put_info(pm, p, req, 0, PM_WR_NONE, 0) : 0;
    return PM_WAIT_BLOCK;
}

static int64_t pm_wait_start(pm_t *pm, pm_call_t *c, const pm_wait_req_t *req)
{
    int64_t r = pm_wait_try(pm, c->thr, req);
    if (r != PM_WAIT_BLOCK)
        return r;
    c->thr->wait = *req;
    c->thr->tok = c->tok;
    c->thr->block = PM_BLK_WAIT;
    return PM_DEFERRED;
}

void pm_wait_wake(pm_t *pm, pm_proc_t *par)
{
    for (pm_thr_t *t = par->threads; t; t = t->proc_next) {
        if (t->block != PM_BLK_WAIT)
            continue;
        int64_t r = pm_wait_try(pm, t, &t->wait);
        if (r == PM_WAIT_BLOCK)
            continue;
        t->block = PM_BLK_NONE;
        if (t->pt)
            pm_route_event(t, KR_EV_CHILD, r > 0 ? (int32_t)r : 0);
        pm_thr_resume(pm, t, t->tok, PM_RES_VALUE, r);
    }
}

int64_t pm_sys_wait4(pm_t *pm, pm_call_t *c)
{
    int32_t pid = (int32_t)c->a[0];
    uint32_t options = (uint32_t)c->a[2];
    if (options & ~(uint32_t)(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX___WNOTHREAD |
                              LX___WCLONE | LX___WALL))
        return -LX_EINVAL;
    if (pid == INT32_MIN)
        return -LX_ESRCH;   /* -INT_MIN has no meaning */
    pm_wait_req_t req = {
        .waitid = false,
        .options = options | LX_WEXITED,
        .status_uaddr = c->a[1],
        .ru_uaddr = c->a[3],
    };
    if (pid < -1) {
        req.idtype = LX_P_PGID;
        req.id = -pid;
    } else if (pid == -1) {
        req.idtype = LX_P_ALL;
    } else if (pid == 0) {
        req.idtype = LX_P_PGID;
        req.id = c->proc->pgid;
    } else {
        req.idtype = LX_P_PID;
        req.id = pid;
    }
    return pm_wait_start(pm, c, &req);
}

int64_t pm_sys_waitid(pm_t *pm, pm_call_t *c)
{
    int idtype = (int)c->a[0];
    int32_t id = (int32_t)c->a[1];
    uint32_t options = (uint32_t)c->a[3];
    if (options & ~(uint32_t)(LX_WNOHANG | LX_WNOWAIT | LX_WEXITED | LX_WSTOPPED |
                              LX_WCONTINUED | LX___WNOTHREAD | LX___WCLONE | LX___WALL))
        return -LX_EINVAL;
    if (!(options & (LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED)))
        return -LX_EINVAL;
    pm_wait_req_t req = {
        .waitid = true,
        .idtype = idtype,
        .id = id,
        .options = options,
        .info_uaddr = c->a[2],
        .ru_uaddr = c->a[4],
    };
    switch (idtype) {
    case LX_P_ALL:
        break;
    case LX_P_PID:
        if (id <= 0)
            return -LX_EINVAL;
        break;
    case LX_P_PGID:
        if (id < 0)
            return -LX_EINVAL;
        if (id == 0)
            req.id = c->proc->pgid;
        break;
    case LX_P_PIDFD: {
        if (id < 0)
            return -LX_EINVAL;
        pm_proc_t *q;
        bool nonblock;
        int r = pm_pidfd_target(pm, c->proc, id, &q, &nonblock);
        if (r)
            return r;
        if (!q || q->parent != c->proc)
            return -LX_ECHILD;   /* reaped, or not our child */
        req.idtype = LX_P_PID;
        req.id = q->pid;
        if (nonblock && !(options & LX_WNOHANG)) {
            /* a PIDFD_NONBLOCK pidfd: EAGAIN rather than a wait (Linux 5.10's kernel_waitid) */
            int64_t v = pm_wait_try(pm, c->thr, &req);
            return v == PM_WAIT_BLOCK ? -LX_EAGAIN : v;
        }
        break;
    }
    default:
        return -LX_EINVAL;
    }
    return pm_wait_start(pm, c, &req);
}
