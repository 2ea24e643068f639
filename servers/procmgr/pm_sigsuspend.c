/* Waiting for a signal: rt_sigsuspend and pause.
 *
 * Both hold the caller's token as a sleep without a deadline (PM_BLK_SLEEP, wake_ns =
 * UINT64_MAX: pm_sleep_fire never wakes it, the timer is never armed for it), so a signal that
 * acts on the thread ends it exactly as it cuts a nanosleep short (pm_signal_wake): a handler's
 * signal answers -EINTR and the handler runs on the way out (never restarted, SA_RESTART or
 * not, as Linux's ERESTARTNOHAND); a default action that kills ends the process; a signal that is
 * ignored or blocked does not wake it.
 *
 * rt_sigsuspend installs its mask as ppoll does (pm_sigmask.c's saved mask): the handler runs
 * with the temporary mask in force, its frame's uc_sigmask holds the caller's own mask, which
 * rt_sigreturn restores. A signal already pending that the new mask lets in answers at once.
 * (busybox ash's `wait` builtin blocks every signal and waits in sigsuspend for SIGCHLD; bash
 * waits the same way for a job.)
 *
 * Entry points: pm_sys_rt_sigsuspend, pm_sys_pause. */
#include <lx/syscalls.h>
#include "pm_internal.h"

/* Holds the token until a signal acts on the thread. */
static int64_t pm_sigwait_block(pm_call_t *c)
{
    c->thr->block = PM_BLK_SLEEP;
    c->thr->tok = c->tok;
    c->thr->wake_ns = UINT64_MAX;
    return PM_DEFERRED;
}

int64_t pm_sys_rt_sigsuspend(pm_t *pm, pm_call_t *c)
{
    uint64_t mask;
    if (c->a[1] != sizeof(lx_sigset_t))
        return -LX_EINVAL;
    if (pm_copy_in(pm, c->proc, &mask, c->a[0], sizeof mask))
        return -LX_EFAULT;
    /* a pending signal the new mask lets in: its default action, or EINTR and its handler */
    if (pm_sigmask_install(pm, c->thr, mask))
        return -LX_EINTR;
    return pm_sigwait_block(c);
}

int64_t pm_sys_pause(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return pm_sigwait_block(c);
}
