/* pidfds: file descriptors that name a process, for waitid(P_PIDFD), pidfd_send_signal and poll.
 *
 * A pidfd is a vfs file description (it lives in descriptor tables, is inherited, closed,
 * polled), but what it names is procmgr's: vfs keeps the pid and procmgr's serial number of the
 * process (unique among every process ever made, so a pid used again by a newer process is
 * never mistaken for the one a pidfd was opened on), and procmgr asks vfs what an fd names
 * (env->vfs_pidfd_get) when a call passes one. It polls readable once the process has exited:
 * vfs learns that from vfs_proc_exit, which procmgr calls for every process that dies.
 *
 * Entry points: pm_sys_pidfd_open, pm_pidfd_make, pm_pidfd_target. */
#include <lx/sched.h>
#include "pm_internal.h"

int64_t pm_pidfd_make(pm_t *pm, pm_proc_t *p, pm_proc_t *q, bool nonblock)
{
    if (!pm->env.vfs_pidfd_open)
        return -LX_ENOSYS;
    return pm->env.vfs_pidfd_open(pm->env.ctx, p->pid, q->pid, q->serial, nonblock,
                                  q->state != PM_P_LIVE);
}

int pm_pidfd_target(pm_t *pm, pm_proc_t *p, int32_t fd, pm_proc_t **q, bool *nonblock)
{
    if (!pm->env.vfs_pidfd_get)
        return -LX_EBADF;
    int32_t pid;
    uint64_t serial;
    int r = pm->env.vfs_pidfd_get(pm->env.ctx, p->pid, fd, &pid, &serial, nonblock);
    if (r)
        return r;
    pm_proc_t *found = pm_proc_find(pm, pid);
    *q = found && found->serial == serial ? found : NULL;
    return 0;
}

/* pidfd_open(pid, flags): a pidfd of a process (live or a zombie not yet reaped). */
int64_t pm_sys_pidfd_open(pm_t *pm, pm_call_t *c)
{
    int32_t pid = (int32_t)c->a[0];
    uint64_t flags = c->a[1];
    if (flags & ~(uint64_t)LX_PIDFD_NONBLOCK)
        return -LX_EINVAL;
    if (pid <= 0)
        return -LX_EINVAL;
    pm_proc_t *q = pm_proc_find(pm, pid);
    if (!q) {
        /* a thread id that is not a process's: Linux's pidfd_create wants a thread-group leader */
        return pm_thr_find(pm, pid) ? -LX_EINVAL : -LX_ESRCH;
    }
    return pm_pidfd_make(pm, c->proc, q, (flags & LX_PIDFD_NONBLOCK) != 0);
}
