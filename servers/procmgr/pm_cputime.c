/* CPU time: what the kernel accounts per thread (env->thread_times, user and system ns) summed
 * into processes, the children's times added at reaping, and the calls and clocks that show it:
 * times, getrusage, clock_gettime/clock_getres on the CPU-time clocks.
 *
 * A thread's time is read from the kernel when asked; a thread that ends gives its totals to its
 * process (read before its kernel thread goes), so a zombie keeps its whole time for its parent's
 * wait and RUSAGE_CHILDREN. The CPU-time clock ids are Linux's: CLOCK_PROCESS_CPUTIME_ID (2),
 * CLOCK_THREAD_CPUTIME_ID (3), and the ids of clock_getcpuclockid / pthread_getcpuclockid,
 * ~pid << 3 | which (PROF 0: user + system, VIRT 1: user, SCHED 2: user + system), bit 2 for a
 * thread, pid 0 for the caller. A process clock may name any process (zombies too, until reaped);
 * a thread clock only a thread of the caller's process. Time spent in procmgr and vfs serving a
 * process's syscalls is theirs, not the process's (see docs/procmgr.md).
 *
 * Entry points: pm_thr_cputime, pm_proc_cputime, pm_thr_account_end, pm_proc_account_reap,
 * pm_clock_is_cpu, pm_cpuclock_target, pm_clock_value, pm_rusage_fill, pm_sys_times,
 * pm_sys_getrusage. */
#include <string.h>
#include <lx/time.h>
#include "pm_internal.h"

#define PM_NS_PER_TICK (LX_NSEC_PER_SEC / LX_USER_HZ)

void pm_thr_cputime(pm_t *pm, const pm_thr_t *t, uint64_t *user, uint64_t *sys)
{
    *user = *sys = 0;
    if (pm->env.thread_times && t->has_handle)
        pm->env.thread_times(pm->env.ctx, t->handle, user, sys);
}

void pm_proc_cputime(pm_t *pm, const pm_proc_t *p, uint64_t *user, uint64_t *sys)
{
    *user = p->dead_utime;
    *sys = p->dead_stime;
    for (const pm_thr_t *t = p->threads; t; t = t->proc_next) {
        uint64_t u, s;
        pm_thr_cputime(pm, t, &u, &s);
        *user += u;
        *sys += s;
    }
}

void pm_thr_account_end(pm_t *pm, pm_thr_t *t)
{
    uint64_t u, s;
    pm_thr_cputime(pm, t, &u, &s);
    t->proc->dead_utime += u;
    t->proc->dead_stime += s;
}

void pm_proc_account_reap(pm_proc_t *parent, const pm_proc_t *child)
{
    parent->child_utime += child->dead_utime + child->child_utime;
    parent->child_stime += child->dead_stime + child->child_stime;
}

bool pm_clock_is_cpu(int32_t id)
{
    return id < 0 || id == LX_CLOCK_PROCESS_CPUTIME_ID || id == LX_CLOCK_THREAD_CPUTIME_ID;
}

bool pm_cpuclock_target(pm_t *pm, pm_thr_t *caller, int32_t id, pm_proc_t **p, pm_thr_t **thr)
{
    if (id == LX_CLOCK_PROCESS_CPUTIME_ID)
        id = LX_MAKE_PROCESS_CPUCLOCK(0, LX_CPUCLOCK_SCHED);
    else if (id == LX_CLOCK_THREAD_CPUTIME_ID)
        id = LX_MAKE_PROCESS_CPUCLOCK(0, LX_CPUCLOCK_SCHED | LX_CPUCLOCK_PERTHREAD);
    if (id >= 0 || (id & 3) == 3)
        return false;
    int32_t pid = LX_CPUCLOCK_PID(id);
    *thr = NULL;
    if (id & LX_CPUCLOCK_PERTHREAD) {
        pm_thr_t *t = pid == 0 ? caller : pm_thr_find(pm, pid);
        if (!t || t->proc != caller->proc)
            return false;
        *thr = t;
        *p = t->proc;
        return true;
    }
    *p = pid == 0 ? caller->proc : pm_proc_find(pm, pid);
    return *p != NULL;
}

int64_t pm_clock_value(pm_t *pm, pm_thr_t *t, int32_t id)
{
    switch (id) {
    case LX_CLOCK_REALTIME:
    case LX_CLOCK_REALTIME_COARSE:
    case LX_CLOCK_REALTIME_ALARM:
    case LX_CLOCK_TAI:
        return (int64_t)pm->env.clock_real_ns(pm->env.ctx);
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_MONOTONIC_RAW:
    case LX_CLOCK_MONOTONIC_COARSE:
    case LX_CLOCK_BOOTTIME:
    case LX_CLOCK_BOOTTIME_ALARM:
        return (int64_t)pm->env.clock_mono_ns(pm->env.ctx);
    default:
        break;
    }
    pm_proc_t *p;
    pm_thr_t *thr;
    if (!pm_clock_is_cpu(id) || !pm_cpuclock_target(pm, t, id, &p, &thr))
        return -LX_EINVAL;
    uint64_t u, s;
    if (thr)
        pm_thr_cputime(pm, thr, &u, &s);
    else
        pm_proc_cputime(pm, p, &u, &s);
    int which = id < 0 ? (id & 3) : LX_CPUCLOCK_SCHED;
    return (int64_t)(which == LX_CPUCLOCK_VIRT ? u : u + s);
}

void pm_rusage_fill(struct lx_rusage *ru, uint64_t user, uint64_t sys)
{
    memset(ru, 0, sizeof(*ru));
    ru->ru_utime_sec = (int64_t)(user / LX_NSEC_PER_SEC);
    ru->ru_utime_usec = (int64_t)(user % LX_NSEC_PER_SEC) / 1000;
    ru->ru_stime_sec = (int64_t)(sys / LX_NSEC_PER_SEC);
    ru->ru_stime_usec = (int64_t)(sys % LX_NSEC_PER_SEC) / 1000;
}

int64_t pm_sys_times(pm_t *pm, pm_call_t *c)
{
    if (c->a[0]) {
        pm_proc_t *p = c->proc;
        uint64_t u, s;
        pm_proc_cputime(pm, p, &u, &s);
        struct lx_tms tms = {
            (int64_t)(u / PM_NS_PER_TICK),
            (int64_t)(s / PM_NS_PER_TICK),
            (int64_t)(p->child_utime / PM_NS_PER_TICK),
            (int64_t)(p->child_stime / PM_NS_PER_TICK),
        };
        if (pm_copy_out(pm, p, c->a[0], &tms, sizeof(tms)))
            return -LX_EFAULT;
    }
    return (int64_t)(pm->env.clock_mono_ns(pm->env.ctx) / PM_NS_PER_TICK);
}

int64_t pm_sys_getrusage(pm_t *pm, pm_call_t *c)
{
    int32_t who = (int32_t)c->a[0];
    uint64_t u, s;
    switch (who) {
    case LX_RUSAGE_SELF:
        pm_proc_cputime(pm, c->proc, &u, &s);
        break;
    case LX_RUSAGE_THREAD:
        pm_thr_cputime(pm, c->thr, &u, &s);
        break;
    case LX_RUSAGE_CHILDREN:
        u = c->proc->child_utime;
        s = c->proc->child_stime;
        break;
    default:
        return -LX_EINVAL;
    }
    struct lx_rusage ru;
    pm_rusage_fill(&ru, u, s);
    return pm_copy_out(pm, c->proc, c->a[1], &ru, sizeof(ru)) ? -LX_EFAULT : 0;
}
