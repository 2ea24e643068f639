/* clone, fork and vfork: a new process or thread from the calling thread (docs/architecture.md
 * and docs/vfork.md, "clone with vfork semantics over IPC").
 *
 * One path builds every child; the flags choose what it shares and whether the caller waits:
 *  - CLONE_THREAD (pthread_create): another thread of the caller's process, in its space, with
 *    its dispositions, descriptors and cwd by construction; its tid comes from the pid space;
 *    without CLONE_FILES or CLONE_FS vfs gives it a copy of the creator's table or cwd/root/umask
 *    (env->vfs_thread), let go when it ends (pm_thr_end);
 *  - CLONE_VM (posix_spawn's clone(CLONE_VM|CLONE_VFORK|SIGCHLD), vfork): the child takes a
 *    counted reference to the parent's address space and shares its memory bookkeeping;
 *  - no CLONE_VM (fork, glibc's clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD)): the
 *    kernel copies the space copy-on-write (env->as_fork) and the bookkeeping is duplicated;
 *  - CLONE_SIGHAND, CLONE_FILES, CLONE_FS between processes: the child points at the caller's
 *    dispositions (counted, pm_sighand_t), descriptor table and cwd/umask (counted in vfs);
 *  - CLONE_VFORK: the caller's token is not answered but becomes the child's vfork token, and
 *    only the calling thread is parked (the caller's other threads run on); release (reply with
 *    the child's pid) happens exactly once, on the first of exec commit, exit, or death (for a
 *    CLONE_THREAD child: the thread's end, with its tid). The
 *    handshake (enum pm_vfork_state) makes the order of park and release irrelevant:
 *    thread_create may run the child, even to its exit, before the park. Without CLONE_VFORK
 *    the caller gets the pid at once.
 * A new process also gets a new pid (or clone3's set_tid), copies of the fd table in vfs
 * (descriptions shared, so offsets and status flags are shared) unless CLONE_FILES, of the
 * dispositions unless CLONE_SIGHAND (reset by CLONE_CLEAR_SIGHAND), the caller's mask (and
 * altstack, unless it shares the memory without vfork), rlimits, pgid/sid and names, no pending
 * signals, a pidfd for the caller with CLONE_PIDFD, and a thread started from the caller's exact
 * registers with RAX=0 (RSP = the given stack, FS base = CLONE_SETTLS's tls; otherwise as the
 * caller's, so errno's TLS and R9, musl's __clone function pointer, carry over).
 *
 * Limits (EAGAIN, checked before anything is made): the system's task limit (pm->proc_max,
 * Linux's threads-max) and RLIMIT_NPROC, both counting threads and zombies. Linux exempts root
 * from RLIMIT_NPROC; every Kestrel process runs as root, so the exemption would make the limit
 * meaningless: it applies to all.
 *
 * Entry points: pm_sys_clone, pm_sys_fork, pm_sys_vfork, pm_clone_do, pm_vfork_release,
 * pm_vfork_release_hs, pm_vfork_abandon. */
#include <string.h>
#include <lx/sched.h>
#include "pm_internal.h"

void pm_vfork_release_hs(pm_t *pm, pm_vfork_t *v)
{
    switch (v->state) {
    case PM_VF_UNPARKED:
        v->state = PM_VF_EARLY;   /* the park will answer at once */
        pm_ptrace_vfork_done(pm, v->parent_thr, v->id);
        break;
    case PM_VF_PARKED: {
        pm_thr_t *pt = v->parent_thr;
        pm_ptrace_vfork_done(pm, pt, v->id);
        v->state = PM_VF_NONE;
        v->parent_thr = NULL;
        pt->block = PM_BLK_NONE;
        pt->vfork_on = NULL;
        pm_thr_resume(pm, pt, v->tok, PM_RES_VALUE, v->id);
        break;
    }
    default:
        break;
    }
}

void pm_vfork_release(pm_t *pm, pm_proc_t *child)
{
    pm_vfork_release_hs(pm, &child->vfork);
}

/* The parked thread is dying: nobody is left to release. A stored token is dropped; one still
 * in the clone handler's hands is dropped by the dispatcher (its caller is dead). */
void pm_vfork_abandon(pm_t *pm, pm_thr_t *pt)
{
    pm_vfork_t *v = pt->vfork_on;
    if (!v)
        return;
    if (v->state == PM_VF_PARKED)
        pm->env.drop(pm->env.ctx, v->tok);
    v->state = PM_VF_NONE;
    v->parent_thr = NULL;
    pt->block = PM_BLK_NONE;
    pt->vfork_on = NULL;
}

/* The caller pt waits on the child's handshake v until its release (set before the child
 * starts, so that a release during thread_create is remembered). */
static void pm_vfork_wait(pm_vfork_t *v, pm_thr_t *pt, int32_t id)
{
    *v = (pm_vfork_t){.state = PM_VF_UNPARKED, .parent_thr = pt, .id = id};
    pt->block = PM_BLK_VFORK;
    pt->vfork_on = v;
}

/* Record the park; if the child already released, answer now. */
static int64_t pm_vfork_park(pm_t *pm, pm_vfork_t *v, pm_thr_t *pt, pm_token_t tok)
{
    (void)pm;
    if (pt->dead)
        return 0;   /* killed meanwhile: the dispatcher drops tok */
    switch (v->state) {
    case PM_VF_EARLY:
        v->state = PM_VF_NONE;
        v->parent_thr = NULL;
        pt->block = PM_BLK_NONE;
        pt->vfork_on = NULL;
        return v->id;
    case PM_VF_UNPARKED:
        v->tok = tok;
        v->state = PM_VF_PARKED;
        return PM_DEFERRED;
    default:
        return v->id;
    }
}

static void pm_clone_undo(pm_t *pm, pm_proc_t *child, pm_thr_t *ct, bool vfs_made)
{
    if (vfs_made)
        pm->env.vfs_proc_exit(pm->env.ctx, child->pid);
    if (ct)
        pm_thr_unlink(pm, ct);
    if (child->has_as)
        pm->env.as_release(pm->env.ctx, child->as);
    child->has_as = false;
    pm_proc_unlink(pm, child);   /* the graveyard drops the mm and dispositions references */
}

/* EAGAIN when one more task would pass the system's limit or the caller's RLIMIT_NPROC. Tasks
 * are Linux's: every thread, and every zombie until it is reaped. */
static bool pm_clone_over_limit(pm_t *pm, const pm_proc_t *caller)
{
    /* a record with threads counts them, one without (a zombie) counts 1: from the counters
     * pm_proc.c keeps, not a walk of every process */
    int tasks = pm->nthreads + pm->nprocs - pm->nprocs_threaded;
    uint64_t nproc = caller->rlim[LX_RLIMIT_NPROC].rlim_cur;
    return tasks >= pm->proc_max || (uint64_t)tasks >= nproc;
}

/* Dispositions for the child: the caller's own (CLONE_SIGHAND), or a copy, with
 * CLONE_CLEAR_SIGHAND every handler back to the default (ignored signals stay ignored, as Linux
 * does). */
static int pm_clone_dispositions(pm_proc_t *child, pm_proc_t *parent, uint64_t flags)
{
    if (flags & LX_CLONE_SIGHAND) {
        if (!(child->sh = pm_sighand_share(parent)))
            return -LX_ENOMEM;
        child->act = child->sh->act;
        return 0;
    }
    memcpy(child->own_act, parent->act, sizeof(child->own_act));
    if (!(flags & LX_CLONE_CLEAR_SIGHAND))
        return 0;
    for (int s = 1; s <= LX_NSIG; s++)
        if (child->act[s].sa_handler != LX_SIG_IGN)
            memset(&child->act[s], 0, sizeof(child->act[s]));
    return 0;
}

/* The child's memory: the parent's space shared (CLONE_VM) or copied copy-on-write. */
static int pm_clone_memory(pm_t *pm, pm_proc_t *child, const pm_proc_t *parent, uint64_t flags)
{
    int r;
    if (flags & LX_CLONE_VM) {
        child->mm = parent->mm;
        child->mm->refs++;
        r = pm->env.as_dup_ref(pm->env.ctx, parent->as, &child->as);
    } else {
        if (!pm->env.as_fork)
            return -LX_ENOSYS;
        child->mm = pm_mm_dup(parent->mm);
        if (!child->mm)
            return -LX_ENOMEM;
        r = pm->env.as_fork(pm->env.ctx, parent->as, &child->as);
    }
    if (r == 0)
        child->has_as = true;
    return r;
}

/* The child's descriptors, cwd and umask in vfs: copies, or the caller's own (CLONE_FILES,
 * CLONE_FS). They are the calling thread's (its own, if it has them), even for a CLONE_PARENT
 * sibling. */
static int pm_clone_vfs(pm_t *pm, pm_proc_t *child, const pm_proc_t *caller, int32_t caller_tid,
                        uint64_t flags)
{
    uint32_t share = ((flags & LX_CLONE_FILES) ? PM_SHARE_FILES : 0) |
                     ((flags & LX_CLONE_FS) ? PM_SHARE_FS : 0);
    if (pm->env.vfs_proc_clone)
        return pm->env.vfs_proc_clone(pm->env.ctx, child->pid, caller->pid, caller_tid,
                                      child->as, share);
    if (share)
        return -LX_ENOSYS;
    return pm->env.vfs_proc_create(pm->env.ctx, child->pid, caller->pid, child->as);
}

/* The tid words: CLONE_CHILD_SETTID in the child's memory (after the copy, so a forked parent
 * never sees it), CLONE_PARENT_SETTID in the caller's. Linux ignores a failed store here too. */
static void pm_clone_tid_words(pm_t *pm, const pm_clone_args_t *a, pm_proc_t *child,
                               pm_proc_t *caller, pm_thr_t *ct)
{
    int32_t tid = ct->tid;
    if (a->flags & LX_CLONE_CHILD_SETTID)
        (void)pm_copy_out(pm, child, a->child_tid, &tid, sizeof(tid));
    if (a->flags & LX_CLONE_CHILD_CLEARTID)
        ct->clear_child_tid = a->child_tid;
    if (a->flags & LX_CLONE_PARENT_SETTID)
        (void)pm_copy_out(pm, caller, a->parent_tid, &tid, sizeof(tid));
}

/* Starts ct from regs; 0 or the error clone returns. */
static int pm_clone_start(pm_t *pm, pm_proc_t *p, pm_thr_t *ct, const pm_regs_t *regs)
{
    ct->has_handle = true;   /* the child may run (and die) before thread_create returns */
    pm->depth++;
    int r = pm->env.thread_create(pm->env.ctx, p->as, regs, ct->badge, &ct->handle);
    pm->depth--;
    if (r)
        ct->has_handle = false;
    else
        pm_thr_route(pm, ct);
    return r == 0 ? 0 : r == -LX_ENOMEM ? -LX_ENOMEM : -LX_EAGAIN;
}

/* CLONE_THREAD: another thread of the caller's process, its tid from the pid space (or
 * clone3's set_tid). Its mask is the caller's, it has no alternate stack. */
static int64_t pm_clone_thread(pm_t *pm, pm_call_t *c, const pm_clone_args_t *a,
                               const pm_regs_t *regs)
{
    pm_proc_t *p = c->proc;
    int32_t tid = a->set_tid;
    if (tid && pm_pid_busy(pm, tid))
        return -LX_EEXIST;
    if (!tid && (tid = pm_pid_alloc(pm)) < 0)
        return -LX_EAGAIN;
    /* a table or cwd of its own in vfs: without CLONE_FILES or CLONE_FS, or made by a thread
     * that has one (it shares the creator's, not the process's) */
    uint32_t share = ((a->flags & LX_CLONE_FILES) ? PM_SHARE_FILES : 0) |
                     ((a->flags & LX_CLONE_FS) ? PM_SHARE_FS : 0);
    bool vfs_own = share != (PM_SHARE_FILES | PM_SHARE_FS) || c->thr->vfs_own;
    if (vfs_own && !pm->env.vfs_thread)
        return -LX_ENOSYS;
    pm_thr_t *t = pm_thr_new_tid(pm, p, tid);
    if (!t)
        return -LX_ENOMEM;
    if (vfs_own) {
        int r = pm->env.vfs_thread(pm->env.ctx, PM_VFS_THREAD_CLONE, p->pid, tid, c->thr->tid,
                                   share);
        if (r) {
            pm_thr_unlink(pm, t);
            return r == -LX_ENOMEM ? r : -LX_EAGAIN;
        }
        t->vfs_own = true;   /* pm_thr_end lets them go */
    }
    t->sigmask = c->thr->sigmask;
    pm_clone_tid_words(pm, a, p, p, t);
    /* CLONE_VFORK: the caller waits for the new thread's end (Linux's vfork_done) */
    bool park = (a->flags & LX_CLONE_VFORK) != 0;
    if (park)
        pm_vfork_wait(&t->vfork, c->thr, tid);
    int ev = c->thr->pt ? pm_ptrace_clone_attach(pm, c->thr, t, a->flags, a->exit_signal) : 0;
    int r = pm_clone_start(pm, p, t, regs);
    if (r) {
        if (park)
            pm_vfork_abandon(pm, c->thr);
        pm_ptrace_free(pm, t);
        if (t->vfs_own)
            pm->env.vfs_thread(pm->env.ctx, PM_VFS_THREAD_EXIT, p->pid, tid, 0, 0);
        pm_thr_unlink(pm, t);
        return r;
    }
    int64_t res = park ? pm_vfork_park(pm, &t->vfork, c->thr, c->tok) : tid;
    return c->thr->pt ? pm_ptrace_clone_event(pm, c->thr, t, ev, tid, res) : res;
}

/* CLONE_PIDFD: a pidfd of the child in the caller's table, its number stored for the caller
 * (a failed store fails the clone, as Linux). The fd, or -errno with nothing left behind. */
static int64_t pm_clone_pidfd(pm_t *pm, pm_proc_t *caller, pm_proc_t *child, uint64_t where)
{
    int64_t fd = pm_pidfd_make(pm, caller, child, false);
    if (fd < 0)
        return fd;
    int32_t v = (int32_t)fd;
    if (pm_copy_out(pm, caller, where, &v, sizeof(v))) {
        if (pm->env.vfs_fd_close)
            pm->env.vfs_fd_close(pm->env.ctx, caller->pid, v);
        return -LX_EFAULT;
    }
    return fd;
}

int64_t pm_clone_do(pm_t *pm, pm_call_t *c, const pm_clone_args_t *a)
{
    pm_proc_t *caller = c->proc;
    pm_thr_t *pt = c->thr;
    int r = pm_clone_check(a, caller->pid == 1);
    if (r)
        return r;
    if ((a->flags & LX_CLONE_SETTLS) && a->tls >= PM_USER_TOP)
        return -LX_EPERM;   /* as arch_prctl(ARCH_SET_FS) of a kernel address */
    if (a->set_tid && (a->set_tid < 1 || a->set_tid >= PM_PID_MAX))
        return -LX_EINVAL;
    if (pm_clone_over_limit(pm, caller))
        return -LX_EAGAIN;
    pm_regs_t regs;
    if ((r = pm->env.thread_get_regs(pm->env.ctx, pt->handle, &regs)))
        return r;
    regs.rax = 0;
    if (a->stack && !a->parent_sp)
        regs.rsp = a->stack;
    if (a->flags & LX_CLONE_SETTLS)
        regs.fs_base = a->tls;
    if (a->flags & LX_CLONE_THREAD)
        return pm_clone_thread(pm, c, a, &regs);

    bool as_sibling = (a->flags & LX_CLONE_PARENT) != 0;
    pm_proc_t *parent = as_sibling ? caller->parent : caller;
    pm_proc_t *child = a->set_tid ? pm_proc_new_pid(pm, parent, a->set_tid, &r)
                                  : pm_proc_new(pm, parent);
    if (!child)
        return a->set_tid ? r : -LX_EAGAIN;
    child->nice = caller->nice;   /* the caller's, even for a CLONE_PARENT sibling */
    child->ioprio = caller->ioprio;
    if ((r = pm_clone_dispositions(child, caller, a->flags))) {
        pm_clone_undo(pm, child, NULL, false);
        return r;
    }
    memcpy(child->rlim, caller->rlim, sizeof(child->rlim));
    memcpy(child->comm, caller->comm, sizeof(child->comm));
    memcpy(child->cmdline, caller->cmdline, sizeof(child->cmdline));
    pm_proc_set_pgrp(pm, child, caller->pgid, caller->sid);
    /* a sibling inherits the caller's own exit signal (Linux: the group leader's) */
    child->exit_signal = as_sibling ? caller->exit_signal : a->exit_signal;
    if ((r = pm_clone_memory(pm, child, caller, a->flags))) {
        pm_clone_undo(pm, child, NULL, false);
        return r == -LX_ENOMEM || r == -LX_ENOSYS ? r : -LX_ENOMEM;
    }
    if ((r = pm_clone_vfs(pm, child, caller, pt->tid, a->flags))) {
        pm_clone_undo(pm, child, NULL, false);
        return r;
    }
    if (child->rlim[LX_RLIMIT_NOFILE].rlim_cur != PM_NOFILE_DEFAULT)
        pm_rlimit_tell_vfs(pm, child);
    pm_thr_t *ct = pm_thr_new(pm, child);
    if (!ct) {
        pm_clone_undo(pm, child, NULL, true);
        return -LX_ENOMEM;
    }
    ct->sigmask = pt->sigmask;
    /* Linux keeps the alternate stack only where it cannot be in use by another thread: a
     * child with memory of its own, or a vfork child while its parent waits */
    if ((a->flags & (LX_CLONE_VM | LX_CLONE_VFORK)) != LX_CLONE_VM)
        ct->altstack = pt->altstack;
    int64_t pidfd = -1;
    if ((a->flags & LX_CLONE_PIDFD) &&
        (pidfd = pm_clone_pidfd(pm, caller, child, a->clone3 ? a->pidfd : a->parent_tid)) < 0) {
        pm_clone_undo(pm, child, ct, true);
        return pidfd;
    }
    pm_clone_tid_words(pm, a, child, caller, ct);

    bool park = (a->flags & LX_CLONE_VFORK) != 0;
    if (park)
        pm_vfork_wait(&child->vfork, pt, child->pid);
    /* a traced caller's child is traced too when the options say so (before it can run) */
    int ev = pt->pt ? pm_ptrace_clone_attach(pm, pt, ct, a->flags, a->exit_signal) : 0;
    if ((r = pm_clone_start(pm, child, ct, &regs))) {
        pm_ptrace_free(pm, ct);
        if (park)
            pm_vfork_abandon(pm, pt);
        if (pidfd >= 0 && pm->env.vfs_fd_close)
            pm->env.vfs_fd_close(pm->env.ctx, caller->pid, (int32_t)pidfd);
        pm_clone_undo(pm, child, ct, true);
        return r;
    }
    int64_t res = park ? pm_vfork_park(pm, &child->vfork, pt, c->tok) : child->pid;
    return pt->pt ? pm_ptrace_clone_event(pm, pt, ct, ev, child->pid, res) : res;
}

int64_t pm_sys_clone(pm_t *pm, pm_call_t *c)
{
    /* Legacy clone reads only the low 32 bits of its flags; x86_64's argument order is
     * (flags, stack, parent_tid, child_tid, tls). */
    uint32_t flags = (uint32_t)c->a[0];
    pm_clone_args_t a = {
        .flags = flags & ~LX_CSIGNAL,
        .exit_signal = (int)(flags & LX_CSIGNAL),
        .stack = c->a[1],
        .parent_tid = c->a[2],
        .child_tid = c->a[3],
        .tls = c->a[4],
    };
    return pm_clone_do(pm, c, &a);
}

int64_t pm_sys_fork(pm_t *pm, pm_call_t *c)
{
    pm_clone_args_t a = {.exit_signal = LX_SIGCHLD};
    return pm_clone_do(pm, c, &a);
}

int64_t pm_sys_vfork(pm_t *pm, pm_call_t *c)
{
    pm_clone_args_t a = {
        .flags = LX_CLONE_VM | LX_CLONE_VFORK, .exit_signal = LX_SIGCHLD, .parent_sp = true};
    return pm_clone_do(pm, c, &a);
}
