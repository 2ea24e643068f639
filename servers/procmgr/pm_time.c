/* Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep, and procmgr's one timer (env->timer_arm), which ends sleeps and fires
 * ITIMER_REAL and POSIX timers (pm_itimer.c, pm_ptimer.c).
 *
 * A sleep is a deferred reply: the token waits on the thread with its monotonic deadline, and
 * env->timer_arm is always armed for the earliest deadline of anyone (pm_timers_rearm); futex
 * waits and sigtimedwaits with a timeout keep theirs the same way and end here too. The
 * CPU-time clocks are the kernel's accounting (pm_cputime.c). BOOTTIME equals MONOTONIC (no
 * suspend); TAI equals REALTIME (a zero TAI offset, as on a Linux box that never ran an NTP
 * daemon).
 *
 * Entry points: pm_sys_clock_gettime, pm_sys_clock_getres, pm_sys_gettimeofday, pm_sys_time,
 * pm_sys_nanosleep, pm_sys_clock_nanosleep, pm_timer_fired, pm_sleep_earliest, pm_sleep_fire. */
#include <lx/time.h>
#include "pm_internal.h"

#define PM_COARSE_NS 4000000   /* jiffy at HZ=250: the resolution of the *_COARSE clocks */

static uint64_t pm_mono(pm_t *pm)
{
    return pm->env.clock_mono_ns(pm->env.ctx);
}

static uint64_t pm_real(pm_t *pm)
{
    return pm->env.clock_real_ns(pm->env.ctx);
}

static struct lx_timespec pm_ts(uint64_t ns)
{
    return (struct lx_timespec){(int64_t)(ns / LX_NSEC_PER_SEC), (int64_t)(ns % LX_NSEC_PER_SEC)};
}

int64_t pm_sys_clock_gettime(pm_t *pm, pm_call_t *c)
{
    int64_t ns = pm_clock_value(pm, c->thr, (int32_t)c->a[0]);
    if (ns < 0)
        return ns;
    struct lx_timespec ts = pm_ts((uint64_t)ns);
    return pm_copy_out(pm, c->proc, c->a[1], &ts, sizeof(ts)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_clock_getres(pm_t *pm, pm_call_t *c)
{
    int32_t id = (int32_t)c->a[0];
    int64_t ns = pm_clock_value(pm, c->thr, id);
    if (ns < 0)
        return ns;
    bool coarse = id == LX_CLOCK_REALTIME_COARSE || id == LX_CLOCK_MONOTONIC_COARSE;
    struct lx_timespec ts = {0, coarse ? PM_COARSE_NS : 1};
    if (c->a[1] && pm_copy_out(pm, c->proc, c->a[1], &ts, sizeof(ts)))
        return -LX_EFAULT;
    return 0;
}

int64_t pm_sys_gettimeofday(pm_t *pm, pm_call_t *c)
{
    uint64_t ns = pm_real(pm);
    if (c->a[0]) {
        struct lx_timeval tv = {(int64_t)(ns / LX_NSEC_PER_SEC),
                                (int64_t)(ns % LX_NSEC_PER_SEC) / 1000};
        if (pm_copy_out(pm, c->proc, c->a[0], &tv, sizeof(tv)))
            return -LX_EFAULT;
    }
    if (c->a[1]) {
        struct lx_timezone tz = {0, 0};
        if (pm_copy_out(pm, c->proc, c->a[1], &tz, sizeof(tz)))
            return -LX_EFAULT;
    }
    return 0;
}

int64_t pm_sys_time(pm_t *pm, pm_call_t *c)
{
    int64_t secs = (int64_t)(pm_real(pm) / LX_NSEC_PER_SEC);
    if (c->a[0] && pm_copy_out(pm, c->proc, c->a[0], &secs, sizeof(secs)))
        return -LX_EFAULT;
    return secs;
}

/* Whether t waits in procmgr with a deadline: a sleep, or a futex wait or sigtimedwait with a
 * timeout (their "none" is PM_NO_DEADLINE = UINT64_MAX, which never comes). */
static bool pm_has_deadline(const pm_thr_t *t)
{
    return t->block == PM_BLK_SLEEP || t->block == PM_BLK_FUTEX || t->block == PM_BLK_SIGWAIT;
}

uint64_t pm_sleep_earliest(pm_t *pm)
{
    uint64_t min = UINT64_MAX;
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        if (pm_has_deadline(t) && t->wake_ns < min)
            min = t->wake_ns;
    return min;
}

static int64_t pm_sleep_until(pm_t *pm, pm_call_t *c, uint64_t deadline)
{
    if (deadline <= pm_mono(pm))
        return 0;
    c->thr->block = PM_BLK_SLEEP;
    c->thr->tok = c->tok;
    c->thr->wake_ns = deadline;
    pm_timers_rearm(pm);
    return PM_DEFERRED;
}

/* A relative duration in ns, saturating (a sleep of centuries never wakes). */
static uint64_t pm_ts_to_ns(const struct lx_timespec *ts)
{
    uint64_t sec = (uint64_t)ts->tv_sec;
    if (sec > UINT64_MAX / LX_NSEC_PER_SEC - 1)
        return UINT64_MAX;
    return sec * LX_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static uint64_t pm_add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int pm_read_ts(pm_t *pm, pm_call_t *c, uint64_t va, struct lx_timespec *ts)
{
    if (pm_copy_in(pm, c->proc, ts, va, sizeof(*ts)))
        return -LX_EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= LX_NSEC_PER_SEC)
        return -LX_EINVAL;
    return 0;
}

int64_t pm_sys_nanosleep(pm_t *pm, pm_call_t *c)
{
    struct lx_timespec ts;
    int r = pm_read_ts(pm, c, c->a[0], &ts);
    if (r)
        return r;
    return pm_sleep_until(pm, c, pm_add_sat(pm_mono(pm), pm_ts_to_ns(&ts)));
}

int64_t pm_sys_clock_nanosleep(pm_t *pm, pm_call_t *c)
{
    int32_t id = (int32_t)c->a[0];
    bool abs = (c->a[1] & LX_TIMER_ABSTIME) != 0;
    bool realtime;
    switch (id) {
    case LX_CLOCK_REALTIME:
    case LX_CLOCK_TAI:
        realtime = true;
        break;
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_BOOTTIME:
        realtime = false;
        break;
    case LX_CLOCK_MONOTONIC_RAW:
    case LX_CLOCK_REALTIME_COARSE:
    case LX_CLOCK_MONOTONIC_COARSE:
        return -LX_EOPNOTSUPP;   /* clocks without an nsleep */
    default:
        return -LX_EINVAL;       /* CPU-time and alarm clocks included */
    }
    struct lx_timespec ts;
    int r = pm_read_ts(pm, c, c->a[2], &ts);
    if (r)
        return r;
    uint64_t ns = pm_ts_to_ns(&ts), now = pm_mono(pm);
    if (!abs)
        return pm_sleep_until(pm, c, pm_add_sat(now, ns));
    if (!realtime)
        return pm_sleep_until(pm, c, ns);
    uint64_t real = pm_real(pm);
    return pm_sleep_until(pm, c, ns <= real ? now : pm_add_sat(now, ns - real));
}

/* The first thread whose deadline has come, or NULL. */
static pm_thr_t *pm_sleep_due(pm_t *pm, uint64_t now)
{
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        if (pm_has_deadline(t) && t->wake_ns <= now)
            return t;
    return NULL;
}

void pm_sleep_fire(pm_t *pm, uint64_t now)
{
    /* one at a time from the top: answering one may end threads (a handler that cannot run
     * kills its process), which changes the list */
    pm_thr_t *t;
    while ((t = pm_sleep_due(pm, now))) {
        switch (t->block) {
        case PM_BLK_FUTEX:
            pm_futex_timeout(pm, t);
            break;
        case PM_BLK_SIGWAIT:
            pm_sigwait_timeout(pm, t);
            break;
        default:
            t->block = PM_BLK_NONE;
            pm_thr_resume(pm, t, t->tok, PM_RES_VALUE, 0);
        }
    }
}

void pm_timer_fired(pm_t *pm, uint64_t now_mono_ns)
{
    pm->depth++;
    pm->timer_armed = 0;
    pm_sleep_fire(pm, now_mono_ns);
    pm_timers_fire(pm, now_mono_ns);
    pm_timers_rearm(pm);
    pm->depth--;
    pm_gc(pm);
}
