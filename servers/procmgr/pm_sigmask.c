/* The signal mask of the waiting calls that take one (ppoll, pselect6, epoll_pwait,
 * epoll_pwait2), and which calls a signal handler may restart.
 *
 * The mask is procmgr's state, but the calls are vfs's: procmgr installs the temporary mask
 * before it forwards the call (pm_sigmask_enter, from pm_syscall) and keeps the caller's own.
 * vfs answers the caller directly, so procmgr never sees the call end; the caller's mask comes
 * back (1) as the call returns: the thread is marked with env->thread_interrupt when the call
 * goes to vfs, and its interrupt message restores the mask (pm_interrupted), so a signal the
 * temporary mask held back acts right there, as in Linux, even if the thread's next calls are
 * routed ones that never come to procmgr (without that env hook, at its next syscall:
 * pm_sigmask_restore, first thing in pm_syscall_run); or (2) when a signal interrupts the
 * call: its handler runs with the temporary mask in force and the frame's uc_sigmask holds the caller's own (pm_sigmask_frame, from pm_signal_run_handler),
 * which rt_sigreturn then restores, as Linux does. If the temporary mask lets in a signal that is
 * already pending, the call is not forwarded: a handler's signal makes it -EINTR at once (the
 * handler runs on the way out, with the same frame rule); a default action applies at once.
 *
 * Linux's checks, before the call reaches vfs: a mask pointer with a size other than 8 is
 * EINVAL, an unreadable mask (or pselect6's {mask, size} pair) EFAULT.
 *
 * Restarting: after a handler, poll, ppoll, select, pselect6 and the epoll_wait family return
 * EINTR even under SA_RESTART (Linux's ERESTARTNOHAND / EINTR); other calls interrupted in vfs
 * (read, write, a FIFO open) restart.
 *
 * Entry points: pm_sigmask_enter, pm_sigmask_install (rt_sigsuspend's too), pm_sigmask_restore,
 * pm_sigmask_frame, pm_syscall_restarts, pm_sigmask_call. */
#include <lx/syscalls.h>
#include "pm_internal.h"

#define PM_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

/* Where the call keeps its mask pointer and size: 0 if it has none (or is not one of them). */
static int pm_sigmask_args(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6],
                           uint64_t *umask, uint64_t *size)
{
    *umask = 0;
    switch (nr) {
    case LX_SYS_ppoll:
    case LX_SYS_epoll_pwait:
    case LX_SYS_epoll_pwait2:
        *umask = a[nr == LX_SYS_ppoll ? 3 : 4];
        *size = a[nr == LX_SYS_ppoll ? 4 : 5];
        return 0;
    case LX_SYS_pselect6: {
        if (!a[5])
            return 0;
        uint64_t pack[2];   /* { const sigset_t *ss; size_t ss_len; } */
        if (pm_copy_in(pm, t->proc, pack, a[5], sizeof pack))
            return -LX_EFAULT;
        *umask = pack[0];
        *size = pack[1];
        return 0;
    }
    default:
        return 0;
    }
}

int64_t pm_sigmask_enter(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6])
{
    uint64_t umask, size, mask;
    int e = pm_sigmask_args(pm, t, nr, a, &umask, &size);
    if (e)
        return e;
    if (!umask)
        return PM_FORWARD;
    if (size != sizeof(lx_sigset_t))
        return -LX_EINVAL;
    if (pm_copy_in(pm, t->proc, &mask, umask, sizeof mask))
        return -LX_EFAULT;
    return pm_sigmask_install(pm, t, mask) ? -LX_EINTR : PM_FORWARD;
}

bool pm_sigmask_install(pm_t *pm, pm_thr_t *t, uint64_t mask)
{
    t->saved_mask = t->sigmask;
    t->has_saved_mask = true;
    t->sigmask = mask & ~PM_UNBLOCKABLE;
    /* a signal pending and now let in: its default action, or EINTR and its handler */
    pm_signal_deliver_pending(pm, t->proc);
    return t->dead || pm_signal_next(t);
}

void pm_sigmask_restore(pm_t *pm, pm_thr_t *t)
{
    if (!t->has_saved_mask)
        return;
    t->has_saved_mask = false;
    t->sigmask = t->saved_mask;
    /* a mask that blocks less than the temporary one may let a pending signal act now */
    pm_signal_deliver_pending(pm, t->proc);
}

uint64_t pm_sigmask_frame(pm_thr_t *t)
{
    if (!t->has_saved_mask)
        return t->sigmask;
    t->has_saved_mask = false;
    return t->saved_mask;
}

bool pm_sigmask_call(uint64_t nr)
{
    return nr == LX_SYS_ppoll || nr == LX_SYS_pselect6 || nr == LX_SYS_epoll_pwait ||
           nr == LX_SYS_epoll_pwait2;
}

bool pm_syscall_restarts(uint64_t nr)
{
    switch (nr) {
    case LX_SYS_poll:
    case LX_SYS_ppoll:
    case LX_SYS_select:
    case LX_SYS_pselect6:
    case LX_SYS_epoll_wait:
    case LX_SYS_epoll_pwait:
    case LX_SYS_epoll_pwait2:
        return false;
    default:
        return true;
    }
}
