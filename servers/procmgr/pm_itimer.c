/* The interval timers of setitimer/getitimer and alarm, and the two time sources every timer of
 * procmgr rests on.
 *
 * ITIMER_REAL counts monotonic time and sends SIGALRM; ITIMER_VIRTUAL counts the process's user
 * CPU time and sends SIGVTALRM; ITIMER_PROF counts user + system time and sends SIGPROF. Each
 * reloads from its interval when it fires (a period missed entirely is skipped). alarm() is
 * ITIMER_REAL without an interval, in whole seconds. Like Linux, the three survive execve and are
 * not inherited by a new process.
 *
 * Wall and monotonic deadlines (sleeps, ITIMER_REAL, POSIX timers on those clocks) share
 * procmgr's one kernel timer: env->timer_arm is armed for the earliest of all of them
 * (pm_timers_rearm), and pm_timer_fired fires whatever is due (pm_timers_fire). CPU-time
 * deadlines (VIRTUAL, PROF, POSIX timers on CPU-time clocks) use the kernel's per-thread CPU
 * alarm instead (env->thread_cpu_alarm): it is set for the earliest of the process's, the thread
 * is interrupted when its time is reached (pm_interrupted), and pm_cputimers_check fires what is
 * due and pm_cputimers_rearm sets the next. The alarm counts user + system time, so for a VIRTUAL
 * deadline it is set at the latest point the user time could reach it, and set again if the user
 * time has not got there yet.
 *
 * Entry points: pm_sys_alarm, pm_sys_setitimer, pm_sys_getitimer, pm_timers_rearm,
 * pm_timers_fire, pm_cputimers_check, pm_cputimers_rearm. */
#include <stdlib.h>
#include <lx/time.h>
#include "pm_internal.h"

static const int pm_itimer_sig[PM_ITIMERS] = {LX_SIGALRM, LX_SIGVTALRM, LX_SIGPROF};

static uint64_t pm_now(pm_t *pm)
{
    return pm->env.clock_mono_ns(pm->env.ctx);
}

/* What the itimer `which` of p counts: monotonic time, user time, or user + system time. */
static uint64_t pm_itimer_clock(pm_t *pm, const pm_proc_t *p, int which)
{
    if (which == LX_ITIMER_REAL)
        return pm_now(pm);
    uint64_t u, s;
    pm_proc_cputime(pm, p, &u, &s);
    return which == LX_ITIMER_VIRTUAL ? u : u + s;
}

/* Fire itimer `which` of p if due at `now` (of its own clock). */
static void pm_itimer_check(pm_t *pm, pm_proc_t *p, int which, uint64_t now)
{
    pm_itimer_t *it = &p->itimer[which];
    if (!it->value || it->value > now || p->state != PM_P_LIVE)
        return;
    if (it->interval) {
        it->value += it->interval;
        if (it->value <= now)
            it->value = now + it->interval; /* missed periods are skipped */
    } else {
        it->value = 0;
    }
    pm_siginfo_t si = {.code = LX_SI_KERNEL};
    pm_signal_send_info(pm, p, pm_itimer_sig[which], &si);
}

/* ns, saturating far beyond any lifetime (Linux's ktime saturates too) */
static uint64_t pm_tv_ns(const struct lx_timeval *tv)
{
    if ((uint64_t)tv->tv_sec >= UINT64_MAX / LX_NSEC_PER_SEC / 4)
        return UINT64_MAX / 4;
    return (uint64_t)tv->tv_sec * LX_NSEC_PER_SEC + (uint64_t)tv->tv_usec * 1000;
}

static struct lx_timeval pm_ns_tv(uint64_t ns)
{
    return (struct lx_timeval){(int64_t)(ns / LX_NSEC_PER_SEC),
                               (int64_t)(ns % LX_NSEC_PER_SEC) / 1000};
}

/* The current setting as getitimer shows it: remaining time (at least 1 us while armed) and the
 * interval. */
static struct lx_itimerval pm_itimer_get(pm_t *pm, const pm_proc_t *p, int which)
{
    const pm_itimer_t *it = &p->itimer[which];
    struct lx_itimerval v = {pm_ns_tv(it->interval), {0, 0}};
    if (it->value) {
        uint64_t now = pm_itimer_clock(pm, p, which);
        uint64_t left = it->value > now ? it->value - now : 0;
        v.it_value = pm_ns_tv(left);
        if (v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0)
            v.it_value.tv_usec = 1;
    }
    return v;
}

static void pm_itimer_set(pm_t *pm, pm_proc_t *p, int which, uint64_t value, uint64_t interval)
{
    pm_itimer_t *it = &p->itimer[which];
    it->interval = interval;
    it->value = value ? pm_itimer_clock(pm, p, which) + value : 0;
    if (which == LX_ITIMER_REAL)
        pm_timers_rearm(pm);
    else
        pm_cputimers_rearm(pm, p);
}

static bool pm_tv_valid(const struct lx_timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

int64_t pm_sys_getitimer(pm_t *pm, pm_call_t *c)
{
    int32_t which = (int32_t)c->a[0];
    if (which < 0 || which >= PM_ITIMERS)
        return -LX_EINVAL;
    struct lx_itimerval v = pm_itimer_get(pm, c->proc, which);
    return pm_copy_out(pm, c->proc, c->a[1], &v, sizeof(v)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_setitimer(pm_t *pm, pm_call_t *c)
{
    int32_t which = (int32_t)c->a[0];
    struct lx_itimerval nv = {{0, 0}, {0, 0}};
    /* a NULL new value disarms (Linux accepts it, with a warning) */
    if (c->a[1] && pm_copy_in(pm, c->proc, &nv, c->a[1], sizeof(nv)))
        return -LX_EFAULT;
    if (which < 0 || which >= PM_ITIMERS)
        return -LX_EINVAL;
    if (!pm_tv_valid(&nv.it_value) || !pm_tv_valid(&nv.it_interval))
        return -LX_EINVAL;
    struct lx_itimerval old = pm_itimer_get(pm, c->proc, which);
    pm_itimer_set(pm, c->proc, which, pm_tv_ns(&nv.it_value), pm_tv_ns(&nv.it_interval));
    if (c->a[2] && pm_copy_out(pm, c->proc, c->a[2], &old, sizeof(old)))
        return -LX_EFAULT;
    return 0;
}

int64_t pm_sys_alarm(pm_t *pm, pm_call_t *c)
{
    uint32_t secs = (uint32_t)c->a[0];
    struct lx_itimerval old = pm_itimer_get(pm, c->proc, LX_ITIMER_REAL);
    pm_itimer_set(pm, c->proc, LX_ITIMER_REAL, (uint64_t)secs * LX_NSEC_PER_SEC, 0);
    /* the seconds left, rounded to the nearest, and never 0 while one was pending (Linux) */
    int64_t left = old.it_value.tv_sec;
    if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
        left++;
    return left;
}

void pm_timers_rearm(pm_t *pm)
{
    uint64_t min = pm_sleep_earliest(pm);
    for (pm_proc_t *p = pm->procs; p; p = p->next) {
        uint64_t v = p->itimer[LX_ITIMER_REAL].value;
        if (v && v < min)
            min = v;
        v = pm_ptimers_earliest(p);
        if (v < min)
            min = v;
    }
    if (min == UINT64_MAX)
        return;
    if (pm->timer_armed == 0 || min < pm->timer_armed) {
        pm->timer_armed = min;
        pm->env.timer_arm(pm->env.ctx, min);
    }
}

void pm_timers_fire(pm_t *pm, uint64_t now)
{
    pm->tick_last = now;
    /* the processes with something due, snapshot first: a signal may kill and reap */
    int n = 0;
    for (pm_proc_t *p = pm->procs; p; p = p->next)
        n++;
    int32_t *due = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!due)
        return;
    int k = 0;
    for (pm_proc_t *p = pm->procs; p; p = p->next) {
        uint64_t v = p->itimer[LX_ITIMER_REAL].value;
        if (p->state == PM_P_LIVE && ((v && v <= now) || pm_ptimers_earliest(p) <= now))
            due[k++] = p->pid;
    }
    for (int i = 0; i < k; i++) {
        pm_proc_t *p = pm_proc_find(pm, due[i]);
        if (p)
            pm_itimer_check(pm, p, LX_ITIMER_REAL, now);
        if ((p = pm_proc_find(pm, due[i])) && p->state == PM_P_LIVE)
            pm_ptimers_fire(pm, p, now);
    }
    free(due);
}

void pm_cputimers_check(pm_t *pm, pm_proc_t *p)
{
    pm_itimer_check(pm, p, LX_ITIMER_VIRTUAL, pm_itimer_clock(pm, p, LX_ITIMER_VIRTUAL));
    pm_itimer_check(pm, p, LX_ITIMER_PROF, pm_itimer_clock(pm, p, LX_ITIMER_PROF));
    if (p->state == PM_P_LIVE)
        pm_ptimers_cpu_fire(pm, p);
}

void pm_cputimers_rearm(pm_t *pm, pm_proc_t *p)
{
    if (!pm->env.thread_cpu_alarm || p->state != PM_P_LIVE)
        return;
    /* the least CPU time the process must still use before one of its deadlines */
    uint64_t u, s, need = pm_ptimers_cpu_need(pm, p);
    pm_proc_cputime(pm, p, &u, &s);
    const pm_itimer_t *vt = &p->itimer[LX_ITIMER_VIRTUAL], *pf = &p->itimer[LX_ITIMER_PROF];
    if (vt->value) {
        uint64_t left = vt->value > u ? vt->value - u : 1;
        need = left < need ? left : need;
    }
    if (pf->value) {
        uint64_t left = pf->value > u + s ? pf->value - (u + s) : 1;
        need = left < need ? left : need;
    }
    for (pm_thr_t *t = p->threads; t; t = t->proc_next) {
        if (!t->has_handle)
            continue;
        uint64_t tu, ts;
        pm_thr_cputime(pm, t, &tu, &ts);
        pm->env.thread_cpu_alarm(pm->env.ctx, t->handle, need == UINT64_MAX ? 0 : tu + ts + need);
    }
}
