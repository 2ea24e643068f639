/* The clone flag table: which combinations Linux refuses, and which of the rest Kestrel builds.
 * Pure (flags in, verdict out), so the host tests can walk the whole table.
 *
 * Linux's refusals (kernel/fork.c, copy_process and kernel_clone), all EINVAL:
 *   CLONE_THREAD without CLONE_SIGHAND; CLONE_SIGHAND without CLONE_VM;
 *   CLONE_FS with CLONE_NEWNS or CLONE_NEWUSER; CLONE_THREAD with CLONE_NEWUSER or CLONE_NEWPID;
 *   CLONE_PARENT from init (no siblings of init: they could never be reaped);
 *   CLONE_PIDFD with CLONE_DETACHED or CLONE_THREAD; legacy clone's CLONE_PIDFD with
 *   CLONE_PARENT_SETTID (both would use the same pointer);
 *   clone3: CLONE_SIGHAND with CLONE_CLEAR_SIGHAND; an exit signal with CLONE_THREAD or
 *   CLONE_PARENT; an exit signal that is not a signal.
 * Namespaces are EINVAL too, as from a Linux built without them (Kestrel has none).
 *
 * Built: a copy-on-write child (no CLONE_VM: fork), a child sharing the memory (CLONE_VM), either
 * one parked until exec or exit (CLONE_VFORK), CLONE_PARENT, CLONE_SETTLS, CLONE_PARENT_SETTID,
 * CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, CLONE_CLEAR_SIGHAND; CLONE_SYSVSEM and CLONE_IO
 * accepted (there is nothing to share), CLONE_PTRACE, CLONE_UNTRACED and legacy CLONE_DETACHED
 * ignored as Linux ignores them. Not built yet (ENOSYS): the sharing of a thread group,
 * CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD, and CLONE_PIDFD, CLONE_INTO_CGROUP.
 *
 * Entry point: pm_clone_check. */
#include <lx/sched.h>
#include "pm_internal.h"

#define PM_CLONE_NOT_YET                                                                           \
    (LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_PIDFD |          \
     LX_CLONE_INTO_CGROUP)

int pm_clone_check(const pm_clone_args_t *a, bool caller_is_init)
{
    uint64_t f = a->flags;
    if ((f & LX_CLONE_FS) && (f & (LX_CLONE_NEWNS | LX_CLONE_NEWUSER)))
        return -LX_EINVAL;
    if ((f & LX_CLONE_THREAD) && !(f & LX_CLONE_SIGHAND))
        return -LX_EINVAL;
    if ((f & LX_CLONE_SIGHAND) && !(f & LX_CLONE_VM))
        return -LX_EINVAL;
    if ((f & LX_CLONE_PARENT) && caller_is_init)
        return -LX_EINVAL;
    if ((f & LX_CLONE_THREAD) && (f & (LX_CLONE_NEWUSER | LX_CLONE_NEWPID)))
        return -LX_EINVAL;
    if ((f & LX_CLONE_PIDFD) && (f & (LX_CLONE_DETACHED | LX_CLONE_THREAD)))
        return -LX_EINVAL;
    if (a->clone3) {
        if ((f & LX_CLONE_SIGHAND) && (f & LX_CLONE_CLEAR_SIGHAND))
            return -LX_EINVAL;
        if ((f & (LX_CLONE_THREAD | LX_CLONE_PARENT)) && a->exit_signal)
            return -LX_EINVAL;
        if (a->exit_signal < 0 || a->exit_signal > LX_NSIG)
            return -LX_EINVAL;
        if (f & LX_CLONE_NEWTIME)
            return -LX_EINVAL;
    } else if ((f & LX_CLONE_PIDFD) && (f & LX_CLONE_PARENT_SETTID)) {
        return -LX_EINVAL;
    }
    if (f & LX_CLONE_NS_FLAGS)
        return -LX_EINVAL;
    if (f & PM_CLONE_NOT_YET)
        return -LX_ENOSYS;
    /* The seed's rule for a child sharing the memory: it needs a stack of its own (vfork's
     * child instead runs on the parked parent's stack pointer). */
    if ((f & LX_CLONE_VM) && a->stack == 0 && !a->parent_sp)
        return -LX_EINVAL;
    return 0;
}
