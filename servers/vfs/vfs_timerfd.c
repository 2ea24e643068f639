/* timerfd: a timer behind a descriptor (Linux's fs/timerfd.c), on CLOCK_MONOTONIC (BOOTTIME is
 * the same here) or CLOCK_REALTIME.
 *
 * The state is the next expiration in the timer's own clock, the interval, and the expirations
 * not yet read (ticks). Ticks are brought up to date from the clock whenever the timer is looked
 * at (read, poll, gettime), so nothing needs to run while nobody waits: a vfs timer is queued
 * only while the timerfd is armed and has no ticks, and when it fires it adds the ticks, answers
 * a blocked reader and wakes pollers. A read needs 8 bytes (EINVAL), returns the ticks and
 * clears them; without ticks it waits, or fails EAGAIN under O_NONBLOCK. settime clears the
 * ticks and re-arms (a zero it_value disarms); gettime gives the time left and the interval.
 *
 * Entry points: vfs_sys_timerfd_create, vfs_sys_timerfd_settime, vfs_sys_timerfd_gettime,
 * vfs_timerfd_read, vfs_timerfd_poll, vfs_timerfd_pollq, vfs_timerfd_free. */
#include <stdlib.h>
#include <lx/time.h>
#include "vfs_impl.h"

#define NS_PER_SEC 1000000000ull

struct vfs_timerfd {
    vfs_timer_t timer;    /* queued while armed with no ticks */
    vfs_node_t *node;     /* not counted: the node owns us */
    bool realtime;
    bool armed;
    uint64_t next;        /* next expiration, ns of the timer's clock */
    uint64_t interval;    /* ns, 0: one-shot */
    uint64_t ticks;       /* expirations not yet read */
    vfs_waitq_t rq;
    vfs_pollq_t pollq;
};

static uint64_t tfd_now(vfs_t *vfs, const vfs_timerfd_t *t)
{
    return t->realtime ? vfs_clock_real(vfs) : vfs_clock_mono(vfs);
}

/* Count the expirations that have passed; a one-shot disarms, a periodic one moves on. */
static void tfd_update(vfs_t *vfs, vfs_timerfd_t *t)
{
    if (!t->armed)
        return;
    uint64_t now = tfd_now(vfs, t);
    if (now < t->next)
        return;
    if (!t->interval) {
        t->ticks++;
        t->armed = false;
        return;
    }
    uint64_t n = (now - t->next) / t->interval + 1;
    t->ticks += n;
    t->next += n * t->interval;
}

static void tfd_fire(vfs_t *vfs, vfs_timer_t *timer);

/* Queue the vfs timer for the next expiration if something is still to come. */
static void tfd_sync(vfs_t *vfs, vfs_timerfd_t *t)
{
    if (!t->armed || t->ticks) {
        vfs_timer_stop(vfs, &t->timer);
        return;
    }
    uint64_t deadline = t->next;
    if (t->realtime) {
        /* the same distance ahead on the monotonic clock */
        uint64_t mono = vfs_clock_mono(vfs), real = vfs_clock_real(vfs);
        uint64_t ahead = t->next > real ? t->next - real : 0;
        deadline = ahead > UINT64_MAX - mono ? UINT64_MAX : mono + ahead;
    }
    vfs_timer_start(vfs, &t->timer, deadline, tfd_fire);
}

/* Hand the ticks to the oldest waiting reader: 8 bytes, or -EFAULT (the ticks stay). */
static int64_t tfd_take(vfs_t *vfs, vfs_timerfd_t *t, const vfs_uio_t *uio)
{
    uint64_t v = t->ticks;
    if (vfs_uio_copy_out(vfs, uio, 0, &v, sizeof v) != (int64_t)sizeof v)
        return -LX_EFAULT;
    t->ticks = 0;
    return sizeof v;
}

/* Expirations are there: the oldest waiting reader takes them, or the pollers hear of them. */
static void tfd_deliver(vfs_t *vfs, vfs_timerfd_t *t)
{
    vfs_pending_t *pc;
    while (t->ticks && (pc = t->rq.head))
        vfs_pending_finish(vfs, pc, tfd_take(vfs, t, &pc->uio));
    if (t->ticks)
        vfs_pollq_wake(vfs, &t->pollq, LX_POLLIN);
}

static void tfd_fire(vfs_t *vfs, vfs_timer_t *timer)
{
    vfs_timerfd_t *t = (vfs_timerfd_t *)timer;
    vfs_node_t *node = t->node;
    vfs_node_get(node);   /* answering the last reader may drop the last description */
    tfd_update(vfs, t);
    tfd_deliver(vfs, t);
    tfd_sync(vfs, t);
    vfs_node_put(node);
}

uint32_t vfs_timerfd_poll(vfs_t *vfs, vfs_timerfd_t *t)
{
    tfd_update(vfs, t);
    return t->ticks ? LX_POLLIN : 0;
}

vfs_pollq_t *vfs_timerfd_pollq(vfs_timerfd_t *t)
{
    return &t->pollq;
}

void vfs_timerfd_free(vfs_t *vfs, vfs_timerfd_t *t)
{
    vfs_timer_stop(vfs, &t->timer);
    free(t);
}

int64_t vfs_timerfd_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_timerfd_t *t = f->node->u.tfd;
    if (uio->total < sizeof(uint64_t))
        return -LX_EINVAL;
    tfd_update(vfs, t);
    if (!t->ticks || t->rq.head) {
        if (f->flags & LX_O_NONBLOCK)
            return -LX_EAGAIN;
        int rc = vfs_pending_add(vfs, req, f, uio, 0, &t->rq);
        if (rc < 0)
            return rc;
        tfd_sync(vfs, t);
        return VFS_SUSPEND;
    }
    int64_t r = tfd_take(vfs, t, uio);
    tfd_sync(vfs, t);   /* no ticks left: wait for the next expiration again */
    return r;
}

static int tfd_init(vfs_t *vfs, vfs_node_t *node, void *arg)
{
    (void)vfs;
    vfs_timerfd_t *t = calloc(1, sizeof(*t));
    if (!t)
        return -LX_ENOMEM;
    t->node = node;
    t->realtime = *(const bool *)arg;
    node->u.tfd = t;
    return 0;
}

/* timerfd_create(clockid, flags) */
VFS_SYS_DECL(timerfd_create)
{
    int32_t clock = (int32_t)req->a[0];
    uint32_t flags = (uint32_t)req->a[1];
    bool realtime;
    switch (clock) {
    case LX_CLOCK_REALTIME:
    case LX_CLOCK_REALTIME_ALARM:
        realtime = true;
        break;
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_BOOTTIME:   /* no suspend here: the same as MONOTONIC */
    case LX_CLOCK_BOOTTIME_ALARM:
        realtime = false;
        break;
    default:
        return -LX_EINVAL;
    }
    if (flags & ~(uint32_t)(LX_TFD_CLOEXEC | LX_TFD_NONBLOCK))
        return -LX_EINVAL;
    return vfs_anon_fd(vfs, p, VFS_K_TIMERFD, LX_O_RDWR | (flags & LX_TFD_NONBLOCK),
                       flags & LX_TFD_CLOEXEC, tfd_init, &realtime);
}

/* The timerfd behind fd: -EBADF, or -EINVAL if fd is something else. */
static int tfd_get(vfs_proc_t *p, uint64_t fd, vfs_timerfd_t **out)
{
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(fd));
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    if (slot->file->node->kind != VFS_K_TIMERFD)
        return -LX_EINVAL;
    *out = slot->file->node->u.tfd;
    return 0;
}

static bool ts_valid(const struct lx_timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NS_PER_SEC;
}

static uint64_t ts_ns(const struct lx_timespec *ts)
{
    if ((uint64_t)ts->tv_sec >= UINT64_MAX / NS_PER_SEC - 1)
        return UINT64_MAX - NS_PER_SEC;   /* saturate: centuries away */
    return (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
}

static struct lx_timespec ns_ts(uint64_t ns)
{
    return (struct lx_timespec){(int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC)};
}

/* The current setting as gettime reports it: time left (relative) and the interval. */
static struct lx_itimerspec tfd_current(vfs_t *vfs, vfs_timerfd_t *t)
{
    tfd_update(vfs, t);
    struct lx_itimerspec cur = {ns_ts(t->interval), {0, 0}};
    if (t->armed) {
        uint64_t now = tfd_now(vfs, t);
        cur.it_value = ns_ts(t->next > now ? t->next - now : 0);
    }
    return cur;
}

/* timerfd_settime(fd, flags, new, old) */
VFS_SYS_DECL(timerfd_settime)
{
    uint32_t flags = (uint32_t)req->a[1];
    struct lx_itimerspec nv;
    if (vfs_copy_in(vfs, p->pid, &nv, req->a[2], sizeof nv) < 0)
        return -LX_EFAULT;
    if ((flags & ~(uint32_t)(LX_TFD_TIMER_ABSTIME | LX_TFD_TIMER_CANCEL_ON_SET)) ||
        !ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
        return -LX_EINVAL;
    vfs_timerfd_t *t;
    int rc = tfd_get(p, req->a[0], &t);
    if (rc < 0)
        return rc;
    struct lx_itimerspec old = tfd_current(vfs, t);
    /* CANCEL_ON_SET is accepted: the realtime clock is never set here, so never cancels */
    uint64_t value = ts_ns(&nv.it_value);
    t->ticks = 0;
    t->interval = ts_ns(&nv.it_interval);
    t->armed = value != 0;
    if (t->armed) {
        uint64_t now = tfd_now(vfs, t);
        t->next = (flags & LX_TFD_TIMER_ABSTIME) ? value
                  : value > UINT64_MAX - now       ? UINT64_MAX
                                                   : now + value;
    }
    tfd_update(vfs, t);   /* an absolute time already past has expired */
    tfd_deliver(vfs, t);
    tfd_sync(vfs, t);
    /* as Linux: the new setting stays even if the old one cannot be written back */
    if (req->a[3] && vfs_copy_out(vfs, p->pid, req->a[3], &old, sizeof old) < 0)
        return -LX_EFAULT;
    return 0;
}

/* timerfd_gettime(fd, cur) */
VFS_SYS_DECL(timerfd_gettime)
{
    vfs_timerfd_t *t;
    int rc = tfd_get(p, req->a[0], &t);
    if (rc < 0)
        return rc;
    struct lx_itimerspec cur = tfd_current(vfs, t);
    tfd_sync(vfs, t);
    return vfs_copy_out(vfs, p->pid, req->a[1], &cur, sizeof cur);
}
