/* rt_sigtimedwait (sigwait, sigwaitinfo, sigtimedwait): take a pending signal of a set instead of
 * having it delivered, or wait for one.
 *
 * A signal of the set already pending (the thread's own first, then its process's, lowest
 * number first) is taken at once: removed, its siginfo written, its number returned. Otherwise
 * the thread waits (PM_BLK_SIGWAIT, the token held): a zero timeout is EAGAIN at once, a timeout
 * that passes EAGAIN, a signal outside the set that runs a handler EINTR. While it waits, the
 * signals of its set go to it before anything else (pm_signal.c asks pm_sigwait_take first),
 * as Linux unblocks them for the waiting thread (real_blocked) so that complete_signal picks it:
 * the signal is taken, not delivered, whatever its disposition.
 *
 * Entry points: pm_sys_rt_sigtimedwait, pm_sigwait_take, pm_sigwait_timeout, pm_sigwait_abort. */
#include <string.h>
#include "pm_internal.h"

#define PM_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

/* The answer: siginfo to where the caller asked (a fault there is EFAULT, the signal taken
 * anyway, as Linux's copy_siginfo_to_user after the dequeue), the number. */
static int64_t pm_sigwait_answer(pm_t *pm, pm_thr_t *t, uint64_t uinfo, int sig,
                                 const pm_siginfo_t *si)
{
    struct lx_siginfo info;
    pm_siginfo_fill(t->proc, sig, si, &info);
    if (uinfo && pm_copy_out(pm, t->proc, uinfo, &info, sizeof(info)))
        return -LX_EFAULT;
    return sig;
}

int pm_signal_dequeue(pm_thr_t *t, uint64_t set, pm_siginfo_t *si)
{
    pm_proc_t *p = t->proc;
    int sig;
    if (t->pending & set) {
        sig = __builtin_ctzll(t->pending & set) + 1;
        t->pending &= ~LX_SIGBIT(sig);
        *si = pm_thr_siginfo(t, sig);
        return sig;
    }
    if (p->pending & set) {
        sig = __builtin_ctzll(p->pending & set) + 1;
        p->pending &= ~LX_SIGBIT(sig);
        *si = p->siginfo[sig];
        return sig;
    }
    return 0;
}

int64_t pm_sys_rt_sigtimedwait(pm_t *pm, pm_call_t *c)
{
    pm_thr_t *t = c->thr;
    uint64_t set;
    if (c->a[3] != sizeof(lx_sigset_t))
        return -LX_EINVAL;
    if (pm_copy_in(pm, c->proc, &set, c->a[0], sizeof(set)))
        return -LX_EFAULT;
    set &= ~PM_UNBLOCKABLE;
    uint64_t deadline = PM_NO_DEADLINE;
    if (c->a[2]) {
        struct lx_timespec ts;
        if (pm_copy_in(pm, c->proc, &ts, c->a[2], sizeof(ts)))
            return -LX_EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= LX_NSEC_PER_SEC)
            return -LX_EINVAL;
        uint64_t now = pm->env.clock_mono_ns(pm->env.ctx);
        uint64_t ns = (uint64_t)ts.tv_sec >= (PM_NO_DEADLINE - 1 - now) / LX_NSEC_PER_SEC
                          ? PM_NO_DEADLINE - 1 - now
                          : (uint64_t)ts.tv_sec * LX_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
        deadline = now + ns;
    }
    pm_siginfo_t si;
    int sig = pm_signal_dequeue(t, set, &si);
    if (sig)
        return pm_sigwait_answer(pm, t, c->a[1], sig, &si);
    if (c->a[2] && deadline <= pm->env.clock_mono_ns(pm->env.ctx))
        return -LX_EAGAIN;
    t->sigwait_set = set;
    t->sigwait_info = c->a[1];
    t->wake_ns = deadline;
    t->tok = c->tok;
    t->block = PM_BLK_SIGWAIT;
    if (deadline != PM_NO_DEADLINE)
        pm_timers_rearm(pm);
    return PM_DEFERRED;
}

static void pm_sigwait_end(pm_t *pm, pm_thr_t *t, int64_t value)
{
    t->block = PM_BLK_NONE;
    t->sigwait_set = 0;
    pm_thr_resume(pm, t, t->tok, PM_RES_VALUE, value);
}

bool pm_sigwait_take(pm_t *pm, pm_proc_t *p, pm_thr_t *only, int sig, const pm_siginfo_t *si)
{
    for (pm_thr_t *t = only ? only : p->threads; t; t = only ? NULL : t->proc_next) {
        if (t->dead || t->block != PM_BLK_SIGWAIT || !(t->sigwait_set & LX_SIGBIT(sig)))
            continue;
        pm_sigwait_end(pm, t, pm_sigwait_answer(pm, t, t->sigwait_info, sig, si));
        return true;
    }
    return false;
}

void pm_sigwait_timeout(pm_t *pm, pm_thr_t *t)
{
    pm_sigwait_end(pm, t, -LX_EAGAIN);
}

void pm_sigwait_abort(pm_t *pm, pm_thr_t *t, int64_t value)
{
    pm_sigwait_end(pm, t, value);
}
