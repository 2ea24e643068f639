/* clone with vfork semantics over IPC (ARCHITECTURE.md, "the heart") and vfork.
 *
 * Accepted: clone(CLONE_VM|CLONE_VFORK|SIGCHLD = 0x4111, child_stack != NULL), which musl's
 * posix_spawn issues, and vfork() (nr 58: the child runs on the parent's own stack pointer).
 * Any other clone flags are -ENOSYS, clone's NULL stack is -EINVAL. fork (57) has no handler:
 * the dispatcher answers -ENOSYS (it needs copy-on-write address spaces).
 *
 * The child gets a new pid, a counted reference to the parent's address space (and shares its
 * memory bookkeeping), a copy of the parent's fd table in vfs, copies of the signal
 * dispositions, the caller's mask and altstack, rlimits, pgid/sid and names, and a thread
 * started from the caller's exact registers with RAX=0 and RSP=child_stack (so FS base, i.e.
 * errno's TLS, and R9, musl's __clone function pointer, carry over).
 *
 * The caller's token is not answered: it becomes the child's vfork token, and only the calling
 * thread is parked. Release (reply with the child's pid) happens exactly once, on the first of
 * exec commit, exit, or death. The handshake (enum pm_vfork_state) makes the order of park and
 * release irrelevant: thread_create may run the child, even to its exit, before the park.
 *
 * Entry points: pm_sys_clone, pm_sys_vfork, pm_vfork_release, pm_vfork_abandon. */
#include <string.h>
#include <lx/sched.h>
#include "pm_internal.h"

#define PM_CLONE_POSIX_SPAWN (LX_CLONE_VM | LX_CLONE_VFORK | LX_SIGCHLD)

void pm_vfork_release(pm_t *pm, pm_proc_t *child)
{
    switch (child->vfork.state) {
    case PM_VF_UNPARKED:
        child->vfork.state = PM_VF_EARLY;   /* the park will answer at once */
        break;
    case PM_VF_PARKED: {
        pm_thr_t *pt = child->vfork.parent_thr;
        child->vfork.state = PM_VF_NONE;
        child->vfork.parent_thr = NULL;
        pt->block = PM_BLK_NONE;
        pt->vfork_child = NULL;
        pm_thr_resume(pm, pt, child->vfork.tok, PM_RES_VALUE, child->pid);
        break;
    }
    default:
        break;
    }
}

/* The parked thread is dying: nobody is left to release. A stored token is dropped; one still
 * in the clone handler's hands is dropped by the dispatcher (its caller is dead). */
void pm_vfork_abandon(pm_t *pm, pm_thr_t *pt)
{
    pm_proc_t *child = pt->vfork_child;
    if (!child)
        return;
    if (child->vfork.state == PM_VF_PARKED)
        pm->env.drop(pm->env.ctx, child->vfork.tok);
    child->vfork.state = PM_VF_NONE;
    child->vfork.parent_thr = NULL;
    pt->block = PM_BLK_NONE;
    pt->vfork_child = NULL;
}

/* Record the park; if the child already released, answer now. */
static int64_t pm_vfork_park(pm_t *pm, pm_proc_t *child, pm_thr_t *pt, pm_token_t tok)
{
    (void)pm;
    if (pt->dead)
        return 0;   /* killed meanwhile: the dispatcher drops tok */
    switch (child->vfork.state) {
    case PM_VF_EARLY:
        child->vfork.state = PM_VF_NONE;
        child->vfork.parent_thr = NULL;
        pt->block = PM_BLK_NONE;
        pt->vfork_child = NULL;
        return child->pid;
    case PM_VF_UNPARKED:
        child->vfork.tok = tok;
        child->vfork.state = PM_VF_PARKED;
        return PM_DEFERRED;
    default:
        return child->pid;
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
    pm_proc_unlink(pm, child);   /* the graveyard drops the mm reference */
}

static int64_t pm_clone_vfork(pm_t *pm, pm_call_t *c, uint32_t flags, uint64_t stack,
                              bool parent_sp)
{
    pm_proc_t *parent = c->proc;
    pm_thr_t *pt = c->thr;
    pm_regs_t regs;
    int r = pm->env.thread_get_regs(pm->env.ctx, pt->handle, &regs);
    if (r)
        return r;

    pm_proc_t *child = pm_proc_new(pm, parent);
    if (!child)
        return -LX_EAGAIN;
    memcpy(child->act, parent->act, sizeof(child->act));
    memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
    memcpy(child->comm, parent->comm, sizeof(child->comm));
    memcpy(child->cmdline, parent->cmdline, sizeof(child->cmdline));
    child->pgid = parent->pgid;
    child->sid = parent->sid;
    child->exit_signal = (int)(flags & LX_CSIGNAL);
    child->mm = parent->mm;
    child->mm->refs++;
    if ((r = pm->env.as_dup_ref(pm->env.ctx, parent->as, &child->as))) {
        pm_clone_undo(pm, child, NULL, false);
        return r;
    }
    child->has_as = true;
    if ((r = pm->env.vfs_proc_create(pm->env.ctx, child->pid, parent->pid, child->as))) {
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
    ct->altstack = pt->altstack;

    regs.rax = 0;
    if (!parent_sp)
        regs.rsp = stack;
    child->vfork.state = PM_VF_UNPARKED;
    child->vfork.parent_thr = pt;
    pt->block = PM_BLK_VFORK;
    pt->vfork_child = child;
    ct->has_handle = true;   /* the child may run (and die) before thread_create returns */
    pm->depth++;
    r = pm->env.thread_create(pm->env.ctx, child->as, &regs, (uint64_t)ct->tid, &ct->handle);
    pm->depth--;
    if (r) {
        ct->has_handle = false;
        pm_vfork_abandon(pm, pt);
        pm_clone_undo(pm, child, ct, true);
        return r == -LX_ENOMEM ? -LX_ENOMEM : -LX_EAGAIN;
    }
    return pm_vfork_park(pm, child, pt, c->tok);
}

int64_t pm_sys_clone(pm_t *pm, pm_call_t *c)
{
    /* Legacy clone reads only the low 32 bits of its flags. */
    uint32_t flags = (uint32_t)c->a[0];
    if (flags != PM_CLONE_POSIX_SPAWN)
        return -LX_ENOSYS;
    if (c->a[1] == 0)
        return -LX_EINVAL;   /* CLONE_VM without a stack (the seed's rule; Linux would reuse rsp) */
    return pm_clone_vfork(pm, c, flags, c->a[1], false);
}

int64_t pm_sys_vfork(pm_t *pm, pm_call_t *c)
{
    return pm_clone_vfork(pm, c, PM_CLONE_POSIX_SPAWN, 0, true);
}
