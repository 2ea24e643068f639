/* POSIX timers: timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete.
 *
 * A process's timers are a list with ids from 0 up. Clocks: REALTIME and TAI (kept as monotonic
 * deadlines: the wall clock is never set here), MONOTONIC and BOOTTIME, and the CPU-time clocks of
 * the calling process or one of its threads (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
 * clock_getcpuclockid's). Notification: SIGEV_SIGNAL (si_code SI_TIMER, si_timerid, si_value =
 * sigev_value), SIGEV_THREAD_ID (the same; the thread must be the caller's process's), SIGEV_NONE
 * (nothing is sent; timer_gettime shows the countdown). Without a sigevent: SIGALRM with the
 * timer's id as value.
 *
 * Overruns, as Linux counts them: while a timer's signal is pending (queued and not yet
 * delivered), further expirations are not sent but counted, and so are periods that passed
 * entirely between two firings; when the signal is delivered, si_overrun carries the count and
 * timer_getoverrun reports it until the next delivery. Standard signals do not queue, so two
 * timers sharing one signal take turns: when one's signal is delivered, the other's becomes
 * pending.
 *
 * Timers are not inherited by new processes and are deleted by execve.
 *
 * Entry points: pm_sys_timer_create, pm_sys_timer_settime, pm_sys_timer_gettime,
 * pm_sys_timer_getoverrun, pm_sys_timer_delete, pm_ptimers_free, pm_ptimers_earliest,
 * pm_ptimers_fire, pm_ptimers_cpu_fire, pm_ptimers_cpu_need, pm_ptimer_delivered. */
#include <stdlib.h>
#include <lx/time.h>
#include "pm_internal.h"

#define PM_PTIMERS_MAX 1024   /* per process; more is EAGAIN (Linux: RLIMIT_SIGPENDING) */

static pm_ptimer_t *pm_ptimer_find(const pm_proc_t *p, int64_t id)
{
    for (pm_ptimer_t *tm = p->ptimers; tm; tm = tm->next)
        if (tm->id == id)
            return tm;
    return NULL;
}

void pm_ptimers_free(pm_proc_t *p)
{
    while (p->ptimers) {
        pm_ptimer_t *tm = p->ptimers;
        p->ptimers = tm->next;
        free(tm);
    }
}

/* What the timer's clock reads now: monotonic ns, or the CPU time it counts. */
static uint64_t pm_ptimer_now(pm_t *pm, pm_proc_t *p, const pm_ptimer_t *tm)
{
    if (!tm->cpu)
        return pm->env.clock_mono_ns(pm->env.ctx);
    uint64_t u = 0, s = 0;
    if (tm->cpu_tid) {
        pm_thr_t *t = pm_thr_find(pm, tm->cpu_tid);
        if (t)
            pm_thr_cputime(pm, t, &u, &s);
    } else {
        pm_proc_cputime(pm, p, &u, &s);
    }
    return tm->virt ? u : u + s;
}

static uint64_t pm_ts_ns(const struct lx_timespec *ts)
{
    if ((uint64_t)ts->tv_sec >= UINT64_MAX / LX_NSEC_PER_SEC / 4)
        return UINT64_MAX / 4; /* saturate far beyond any lifetime */
    return (uint64_t)ts->tv_sec * LX_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static struct lx_timespec pm_ns_ts(uint64_t ns)
{
    return (struct lx_timespec){(int64_t)(ns / LX_NSEC_PER_SEC), (int64_t)(ns % LX_NSEC_PER_SEC)};
}

static bool pm_ts_valid(const struct lx_timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < LX_NSEC_PER_SEC;
}

static int32_t pm_add_overrun(int32_t a, uint64_t b)
{
    uint64_t v = (uint64_t)a + b;
    return v > INT32_MAX ? INT32_MAX : (int32_t)v; /* DELAYTIMER_MAX */
}

/* The timer is due at `now` (of its clock): send its signal, or count an overrun if the last one
 * is still pending; reload from the interval. Returns false if the process died of it. */
static bool pm_ptimer_expire(pm_t *pm, pm_proc_t *p, pm_ptimer_t *tm, uint64_t now)
{
    uint64_t periods = 1;
    if (tm->interval && now > tm->expires)
        periods += (now - tm->expires) / tm->interval;
    tm->expires = tm->interval ? tm->expires + periods * tm->interval : 0;
    uint64_t bit = LX_SIGBIT(tm->signo);
    if (!(tm->queued && (p->pending & bit))) {
        tm->queued = false;
        tm->overrun = 0;
        pm_siginfo_t si = {.code = LX_SI_TIMER, .timerid = tm->id, .value = tm->value};
        pm_signal_send_info(pm, p, tm->signo, &si);
        if (p->state != PM_P_LIVE)
            return false; /* its timers went with it */
        tm->queued = (p->pending & bit) != 0;
        periods--;
    }
    if (tm->queued)
        tm->overrun = pm_add_overrun(tm->overrun, periods);
    return true;
}

void pm_ptimer_delivered(pm_proc_t *p, int sig, pm_siginfo_t *si)
{
    pm_ptimer_t *tm = pm_ptimer_find(p, si->timerid);
    if (tm && tm->queued && tm->signo == sig) {
        si->overrun = tm->overrun;
        tm->overrun_last = tm->overrun;
        tm->overrun = 0;
        tm->queued = false;
    }
    /* another timer whose expiry found this signal pending: its turn now */
    for (pm_ptimer_t *o = p->ptimers; o; o = o->next)
        if (o != tm && o->queued && o->signo == sig) {
            p->pending |= LX_SIGBIT(sig);
            p->siginfo[sig] = (pm_siginfo_t){.code = LX_SI_TIMER, .timerid = o->id,
                                             .value = o->value};
            break;
        }
}

uint64_t pm_ptimers_earliest(const pm_proc_t *p)
{
    uint64_t min = UINT64_MAX;
    if (p->state != PM_P_LIVE)
        return min;
    for (const pm_ptimer_t *tm = p->ptimers; tm; tm = tm->next)
        if (!tm->cpu && tm->notify != LX_SIGEV_NONE && tm->expires && tm->expires < min)
            min = tm->expires;
    return min;
}

void pm_ptimers_fire(pm_t *pm, pm_proc_t *p, uint64_t now)
{
    for (pm_ptimer_t *tm = p->ptimers; tm; tm = tm->next)
        if (!tm->cpu && tm->notify != LX_SIGEV_NONE && tm->expires && tm->expires <= now &&
            !pm_ptimer_expire(pm, p, tm, now))
            return;
}

void pm_ptimers_cpu_fire(pm_t *pm, pm_proc_t *p)
{
    for (pm_ptimer_t *tm = p->ptimers; tm; tm = tm->next) {
        if (!tm->cpu || tm->notify == LX_SIGEV_NONE || !tm->expires)
            continue;
        uint64_t now = pm_ptimer_now(pm, p, tm);
        if (tm->expires <= now && !pm_ptimer_expire(pm, p, tm, now))
            return;
    }
}

uint64_t pm_ptimers_cpu_need(pm_t *pm, pm_proc_t *p)
{
    uint64_t need = UINT64_MAX;
    for (pm_ptimer_t *tm = p->ptimers; tm; tm = tm->next) {
        if (!tm->cpu || tm->notify == LX_SIGEV_NONE || !tm->expires)
            continue;
        uint64_t now = pm_ptimer_now(pm, p, tm);
        uint64_t left = tm->expires > now ? tm->expires - now : 1;
        if (left < need)
            need = left;
    }
    return need;
}

/* The clock of a new timer: 0, -EINVAL (unknown, or a CPU clock not of the caller's process) or
 * -EOPNOTSUPP (a clock Linux has no timers on). */
static int pm_ptimer_clock(pm_t *pm, pm_call_t *c, int32_t clock, pm_ptimer_t *tm)
{
    tm->clock = clock;
    switch (clock) {
    case LX_CLOCK_REALTIME:
    case LX_CLOCK_TAI:
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_BOOTTIME:
        return 0;
    case LX_CLOCK_MONOTONIC_RAW:
    case LX_CLOCK_REALTIME_COARSE:
    case LX_CLOCK_MONOTONIC_COARSE:
    case LX_CLOCK_REALTIME_ALARM:  /* no RTC alarm device */
    case LX_CLOCK_BOOTTIME_ALARM:
        return -LX_EOPNOTSUPP;
    default:
        break;
    }
    pm_proc_t *p;
    pm_thr_t *t;
    if (!pm_clock_is_cpu(clock) || !pm_cpuclock_target(pm, c->thr, clock, &p, &t) ||
        p != c->proc)
        return -LX_EINVAL;
    tm->cpu = true;
    tm->cpu_tid = t ? t->tid : 0;
    tm->virt = clock < 0 && (clock & 3) == LX_CPUCLOCK_VIRT;
    return 0;
}

int64_t pm_sys_timer_create(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    struct lx_sigevent ev;
    if (c->a[1] && pm_copy_in(pm, p, &ev, c->a[1], sizeof(ev)))
        return -LX_EFAULT;
    pm_ptimer_t tm = {0};
    int r = pm_ptimer_clock(pm, c, (int32_t)c->a[0], &tm);
    if (r)
        return r;
    int n = 0;
    for (pm_ptimer_t *o = p->ptimers; o; o = o->next)
        n++;
    if (n >= PM_PTIMERS_MAX)
        return -LX_EAGAIN;
    tm.id = p->ptimer_next_id;
    while (pm_ptimer_find(p, tm.id))
        tm.id = (tm.id + 1) & INT32_MAX;
    if (!c->a[1]) {
        tm.notify = LX_SIGEV_SIGNAL;
        tm.signo = LX_SIGALRM;
        tm.value = (uint64_t)tm.id;
    } else {
        tm.notify = ev.sigev_notify;
        tm.signo = ev.sigev_signo;
        tm.value = ev.sigev_value;
        switch (ev.sigev_notify) {
        case LX_SIGEV_THREAD_ID: {
            pm_thr_t *t = pm_thr_find(pm, ev.sigev_tid);
            if (!t || t->proc != p)
                return -LX_EINVAL;
            tm.tid = t->tid;
        }
            /* fall through */
        case LX_SIGEV_SIGNAL:
        case LX_SIGEV_THREAD: /* libc's business; the kernel sees a signal */
            if (!pm_signal_valid(ev.sigev_signo))
                return -LX_EINVAL;
            break;
        case LX_SIGEV_NONE:
            break;
        default:
            return -LX_EINVAL;
        }
    }
    int32_t id = tm.id;
    if (pm_copy_out(pm, p, c->a[2], &id, sizeof(id)))
        return -LX_EFAULT;
    pm_ptimer_t *nt = malloc(sizeof(*nt));
    if (!nt)
        return -LX_EAGAIN;
    *nt = tm;
    nt->next = p->ptimers;
    p->ptimers = nt;
    p->ptimer_next_id = (tm.id + 1) & INT32_MAX;
    return 0;
}

/* The setting as timer_gettime shows it. A SIGEV_NONE timer is never fired, so its countdown is
 * brought forward here (counting the periods as overruns, as Linux does); any other timer whose
 * expiry is due but not yet handled shows 1 ns. */
static struct lx_itimerspec pm_ptimer_get(pm_t *pm, pm_proc_t *p, pm_ptimer_t *tm)
{
    struct lx_itimerspec v = {pm_ns_ts(tm->interval), {0, 0}};
    if (!tm->expires)
        return v;
    uint64_t now = pm_ptimer_now(pm, p, tm);
    bool none = tm->notify == LX_SIGEV_NONE;
    if (none && tm->interval && now >= tm->expires) {
        uint64_t periods = 1 + (now - tm->expires) / tm->interval;
        tm->expires += periods * tm->interval;
        tm->overrun = pm_add_overrun(tm->overrun, periods);
    }
    if (tm->expires > now)
        v.it_value = pm_ns_ts(tm->expires - now);
    else if (!none)
        v.it_value.tv_nsec = 1;
    return v;
}

int64_t pm_sys_timer_settime(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    pm_ptimer_t *tm = pm_ptimer_find(p, (int32_t)c->a[0]);
    if (!tm || !c->a[2])
        return -LX_EINVAL;
    struct lx_itimerspec nv;
    if (pm_copy_in(pm, p, &nv, c->a[2], sizeof(nv)))
        return -LX_EFAULT;
    if (!pm_ts_valid(&nv.it_value) || !pm_ts_valid(&nv.it_interval))
        return -LX_EINVAL;
    struct lx_itimerspec old = pm_ptimer_get(pm, p, tm);
    uint64_t value = pm_ts_ns(&nv.it_value), now = pm_ptimer_now(pm, p, tm);
    tm->interval = pm_ts_ns(&nv.it_interval);
    tm->overrun = 0;
    tm->overrun_last = 0;
    if (!value) {
        tm->expires = 0;
    } else if (!(c->a[1] & LX_TIMER_ABSTIME)) {
        tm->expires = now + value;
    } else if (tm->clock == LX_CLOCK_REALTIME || tm->clock == LX_CLOCK_TAI) {
        uint64_t real = pm->env.clock_real_ns(pm->env.ctx);
        tm->expires = value > real ? now + (value - real) : now;
    } else {
        tm->expires = value;
    }
    if (tm->expires && tm->expires <= now && tm->notify != LX_SIGEV_NONE)
        (void)pm_ptimer_expire(pm, p, tm, now); /* already due: at once */
    if (p->state == PM_P_LIVE) {
        pm_timers_rearm(pm);
        pm_cputimers_rearm(pm, p);
    }
    if (c->a[3] && pm_copy_out(pm, p, c->a[3], &old, sizeof(old)))
        return -LX_EFAULT;
    return 0;
}

int64_t pm_sys_timer_gettime(pm_t *pm, pm_call_t *c)
{
    pm_ptimer_t *tm = pm_ptimer_find(c->proc, (int32_t)c->a[0]);
    if (!tm)
        return -LX_EINVAL;
    struct lx_itimerspec v = pm_ptimer_get(pm, c->proc, tm);
    return pm_copy_out(pm, c->proc, c->a[1], &v, sizeof(v)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_timer_getoverrun(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    pm_ptimer_t *tm = pm_ptimer_find(c->proc, (int32_t)c->a[0]);
    return tm ? tm->overrun_last : -LX_EINVAL;
}

int64_t pm_sys_timer_delete(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    for (pm_ptimer_t **pp = &p->ptimers; *pp; pp = &(*pp)->next) {
        pm_ptimer_t *tm = *pp;
        if (tm->id != (int32_t)c->a[0])
            continue;
        *pp = tm->next;
        bool cpu = tm->cpu;
        free(tm);
        if (cpu)
            pm_cputimers_rearm(pm, p);
        return 0;
    }
    return -LX_EINVAL;
}
