/* vfs's one timer queue: every timeout vfs keeps (a poll's or select's, an epoll_wait's, a
 * timerfd's next expiration, a blocked syslog read's recheck) is a vfs_timer_t embedded in its
 * owner, on one list sorted by monotonic deadline. The environment is asked for a single
 * notification at the earliest deadline (env->timer_arm: the kernel's timer_set on vfs's
 * endpoint); when it comes, the glue calls vfs_timer_fired, which runs every timer that is due
 * and asks for the next. vfs never waits for time itself.
 *
 * A timer never fires early: it runs only once the clock has reached its deadline.
 *
 * Entry points: vfs_timer_start, vfs_timer_stop, vfs_timer_fired, vfs_clock_mono,
 * vfs_clock_real. */
#include "vfs_impl.h"

uint64_t vfs_clock_mono(vfs_t *vfs)
{
    return vfs->env.clock_mono ? vfs->env.clock_mono(vfs->env.ctx) : 0;
}

uint64_t vfs_clock_real(vfs_t *vfs)
{
    struct lx_timespec ts;
    vfs_now(vfs, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Ask the environment for a call at the head's deadline, unless that is already asked. */
static void timer_rearm(vfs_t *vfs)
{
    uint64_t want = vfs->timers ? vfs->timers->deadline : 0;
    if (vfs->timer_busy || want == vfs->timer_armed || !vfs->env.timer_arm)
        return;
    vfs->timer_armed = want;
    /* a deadline of 0 would mean "cancel" to the kernel: the earliest real one is 1 */
    vfs->env.timer_arm(vfs->env.ctx, want);
}

void vfs_timer_stop(vfs_t *vfs, vfs_timer_t *t)
{
    if (!t->queued)
        return;
    if (t->prev)
        t->prev->next = t->next;
    else
        vfs->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
    t->queued = false;
    timer_rearm(vfs);
}

void vfs_timer_start(vfs_t *vfs, vfs_timer_t *t, uint64_t deadline, vfs_timer_fn fn)
{
    vfs_timer_stop(vfs, t);
    t->deadline = deadline ? deadline : 1;
    t->fn = fn;
    /* after the timers with the same or an earlier deadline: equal deadlines run in order */
    vfs_timer_t *prev = NULL, *cur = vfs->timers;
    while (cur && cur->deadline <= t->deadline) {
        prev = cur;
        cur = cur->next;
    }
    t->prev = prev;
    t->next = cur;
    if (prev)
        prev->next = t;
    else
        vfs->timers = t;
    if (cur)
        cur->prev = t;
    t->queued = true;
    timer_rearm(vfs);
}

void vfs_timer_fired(vfs_t *vfs)
{
    /* the notification that was asked for has come (or an early one: nothing is due then) */
    vfs->timer_armed = 0;
    uint64_t now = vfs_clock_mono(vfs);
    vfs_timer_t *t;
    vfs->timer_busy = true;   /* one request to the environment at the end, not one per timer */
    while ((t = vfs->timers) && t->deadline <= now) {
        vfs->timers = t->next;
        if (t->next)
            t->next->prev = NULL;
        t->next = t->prev = NULL;
        t->queued = false;
        /* may free t, start timers (a periodic timerfd's next tick is in the future) */
        t->fn(vfs, t);
    }
    vfs->timer_busy = false;
    timer_rearm(vfs);
}
