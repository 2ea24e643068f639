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
 * Built: a copy-on-write child (no CLONE_VM: fork) or one sharing the memory (CLONE_VM), either
 * one parked until exec or exit (CLONE_VFORK); a thread of the caller's process (CLONE_THREAD,
 * with CLONE_VFORK its creator parked until it ends), sharing its creator's descriptor table
 * (CLONE_FILES) and cwd/root/umask (CLONE_FS) or with copies of its own (vfs keeps those per
 * thread then: pm_clone_thread);
 * between processes, one descriptor table (CLONE_FILES), one cwd/root/umask (CLONE_FS), one set
 * of dispositions (CLONE_SIGHAND); CLONE_PARENT, CLONE_SETTLS, CLONE_PARENT_SETTID,
 * CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, CLONE_CLEAR_SIGHAND, CLONE_PIDFD; CLONE_SYSVSEM and
 * CLONE_IO accepted (there is nothing to share), CLONE_PTRACE, CLONE_UNTRACED and legacy
 * CLONE_DETACHED ignored as Linux ignores them. A NULL stack means the caller's stack pointer,
 * as on Linux. Not built (ENOSYS): CLONE_INTO_CGROUP (no cgroups).
 *
 * Entry point: pm_clone_check. */
#include <lx/sched.h>
#include "pm_internal.h"

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
    if (f & LX_CLONE_INTO_CGROUP)
        return -LX_ENOSYS;
    return 0;
}
