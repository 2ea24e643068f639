/* poll, ppoll, select and pselect6 (and the waiting of epoll_wait), and what they ask of every
 * description: its readiness.
 *
 * vfs_file_poll answers "what is f ready for now?" for each kind (Linux's f_op->poll) and names
 * the queue that announces changes. A call looks at its descriptors once; if one is ready, or the
 * timeout is zero, it answers at once. Otherwise it becomes ONE deferred call registered on the
 * queue of every descriptor it watches, with a timer for its timeout: the first wake that finds
 * something ready, or the timer, answers it; a signal withdraws it (vfs_thread_withdraw), a dying
 * caller drops it. However it ends, its release removes every registration and the timer once.
 * The call holds a reference on each description it watches (as Linux's poll table does), so
 * the objects it is registered on outlive it.
 *
 * Linux's rules kept: poll's POLLNVAL for a descriptor that is not open (or O_PATH), revents =
 * what is ready & (events | POLLERR | POLLHUP), negative fds ignored, nfds above RLIMIT_NOFILE
 * EINVAL; select's EBADF for a set bit naming no descriptor, n clamped to the descriptor table's
 * size, the timeval normalised (tv_usec may exceed a second); ppoll, select and pselect6 write the
 * time left back into the caller's timeout (not for a zero timeout; a fault there is ignored);
 * after a signal none of them restarts (procmgr's rule, pm_sigmask.c).
 *
 * epoll_wait is the same call watching one description, the epoll instance: it is ready when the
 * instance has a ready item, and its answer collects the events (vfs_epoll.c).
 *
 * Entry points: vfs_file_poll, vfs_node_pollq, vfs_sys_poll, vfs_sys_ppoll, vfs_sys_select,
 * vfs_sys_pselect6, vfs_poll_epoll_wait, vfs_poll_timespec. */
#include <stdlib.h>
#include <string.h>
#include <lx/poll.h>
#include <lx/time.h>
#include "vfs_impl.h"

#define NS_PER_SEC 1000000000ull
#define SELECT_IN  (LX_POLLRDNORM | LX_POLLRDBAND | LX_POLLIN | LX_POLLHUP | LX_POLLERR)
#define SELECT_OUT (LX_POLLWRBAND | LX_POLLWRNORM | LX_POLLOUT | LX_POLLERR)
#define SELECT_EX  (LX_POLLPRI)

vfs_pollq_t *vfs_node_pollq(vfs_t *vfs, vfs_node_t *n)
{
    switch (n->kind) {
    case VFS_K_PIPE:
        return n->u.pipe ? &n->u.pipe->pollq : NULL;
    case VFS_K_DEV:
        return n->u.dev == VFS_DEV_CONSOLE ? &vfs->con_pollq : NULL;
    case VFS_K_EVENTFD:
        return vfs_eventfd_pollq(n->u.efd);
    case VFS_K_TIMERFD:
        return vfs_timerfd_pollq(n->u.tfd);
    case VFS_K_EPOLL:
        return vfs_epoll_pollq(n->u.ep);
    case VFS_K_PIDFD:
        return vfs_pidfd_pollq(n);
    default:
        return NULL;   /* never waits */
    }
}

uint32_t vfs_file_poll(vfs_t *vfs, vfs_file_t *f, vfs_pollq_t **q)
{
    vfs_node_t *n = f->node;
    if (q)
        *q = vfs_node_pollq(vfs, n);
    switch (n->kind) {
    case VFS_K_PIPE:
        return vfs_pipe_poll(f);
    case VFS_K_DEV:
        return n->u.dev == VFS_DEV_CONSOLE ? vfs_console_poll(vfs) : LX_POLL_DEFAULT;
    case VFS_K_EVENTFD:
        return vfs_eventfd_poll(n->u.efd);
    case VFS_K_TIMERFD:
        return vfs_timerfd_poll(vfs, n->u.tfd);
    case VFS_K_EPOLL:
        return vfs_epoll_poll(vfs, n->u.ep);
    case VFS_K_PIDFD:
        return vfs_pidfd_poll(n);
    default:
        /* regular files, directories, /proc files: never wait (DEFAULT_POLLMASK) */
        return LX_POLL_DEFAULT;
    }
}

/* ---- the call ---- */

enum poll_kind { PK_POLL, PK_SELECT, PK_EPOLL };
enum poll_time { PT_NONE, PT_TIMEVAL, PT_TIMESPEC };   /* how the time left is written back */

typedef struct poll_ent {
    vfs_pollreg_t reg;
    vfs_file_t *file;   /* counted; NULL: a negative fd (poll ignores it) or a bad one */
    uint32_t events;    /* poll: events | ERR | HUP; select: the union of its sets' events */
    uint8_t sets;       /* select: 1 in, 2 out, 4 except */
    int32_t fd;
} poll_ent_t;

typedef struct poll_call {
    vfs_waker_t w;
    vfs_timer_t timer;
    vfs_pending_t *pc;
    enum poll_kind kind;
    int32_t pid;
    /* the timeout: span ns from start (UINT64_MAX: none); written back to utime as time_kind */
    uint64_t start, span;
    uint64_t utime;
    enum poll_time time_kind;
    /* poll: the caller's array and our copy of it; select: the caller's three sets, n bits */
    uint64_t ufds;
    struct lx_pollfd *pfds;
    uint64_t usets[3];
    uint32_t nbits;
    /* epoll_wait: where the events go, how many at most */
    uint64_t uevents;
    int32_t maxevents;
    size_t n;
    poll_ent_t *ents;
} poll_call_t;

static void call_free(poll_call_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->ents[i].file)
            vfs_file_put(c->ents[i].file);
    free(c->ents);
    free(c->pfds);
    free(c);
}

/* The time left of the timeout into the caller's timeval/timespec (Linux's poll_select_finish):
 * nothing for a zero timeout or none; a fault is ignored. */
static void call_write_time(vfs_t *vfs, poll_call_t *c)
{
    if (c->time_kind == PT_NONE || c->span == 0 || c->span == UINT64_MAX)
        return;
    uint64_t now = vfs_clock_mono(vfs), used = now - c->start;
    uint64_t left = used < c->span ? c->span - used : 0;
    int64_t t[2] = {(int64_t)(left / NS_PER_SEC), (int64_t)(left % NS_PER_SEC)};
    if (c->time_kind == PT_TIMEVAL)
        t[1] /= 1000;
    vfs->env.copy_out(vfs->env.ctx, c->pid, c->utime, t, sizeof t);
}

/* What each watched descriptor is ready for now: the number poll/select returns (poll fills
 * c->pfds[].revents; select the bits into sets, if given: 3 arrays of nbits). */
static int64_t call_scan(vfs_t *vfs, poll_call_t *c, uint64_t *sets)
{
    int64_t count = 0;
    size_t words = (c->nbits + LX_NFDBITS - 1) / LX_NFDBITS;
    if (sets)
        memset(sets, 0, 3 * words * sizeof(uint64_t));
    for (size_t i = 0; i < c->n; i++) {
        poll_ent_t *e = &c->ents[i];
        if (c->kind == PK_EPOLL) {
            count += vfs_file_poll(vfs, e->file, NULL) != 0;
            continue;
        }
        if (c->kind == PK_POLL) {
            uint32_t rev = 0;
            if (e->fd >= 0)
                rev = e->file ? vfs_file_poll(vfs, e->file, NULL) & e->events : LX_POLLNVAL;
            c->pfds[i].revents = (int16_t)rev;
            count += rev != 0;
            continue;
        }
        uint32_t mask = vfs_file_poll(vfs, e->file, NULL);
        static const uint32_t want[3] = {SELECT_IN, SELECT_OUT, SELECT_EX};
        for (int s = 0; s < 3; s++) {
            if (!(e->sets & (1u << s)) || !(mask & want[s]))
                continue;
            count++;
            if (sets)
                sets[s * words + (uint32_t)e->fd / LX_NFDBITS] |= 1ull << ((uint32_t)e->fd % LX_NFDBITS);
        }
    }
    return count;
}

/* The result for the caller, with everything written back: count, or -EFAULT. */
static int64_t call_result(vfs_t *vfs, poll_call_t *c)
{
    int64_t r;
    if (c->kind == PK_EPOLL) {
        r = vfs_epoll_collect(vfs, c->ents[0].file->node->u.ep, c->pid, c->uevents,
                              c->maxevents);
    } else if (c->kind == PK_POLL) {
        r = call_scan(vfs, c, NULL);
        /* the whole array: fd and events are what the caller gave, revents ours */
        if (c->n && vfs_copy_out(vfs, c->pid, c->ufds, c->pfds, c->n * sizeof(*c->pfds)) < 0)
            r = -LX_EFAULT;
    } else {
        size_t words = (c->nbits + LX_NFDBITS - 1) / LX_NFDBITS;
        uint64_t *sets = calloc(3 * words + 1, sizeof(uint64_t));
        if (!sets)
            return -LX_ENOMEM;
        r = call_scan(vfs, c, sets);
        for (int s = 0; s < 3; s++)
            if (c->usets[s] && vfs_copy_out(vfs, c->pid, c->usets[s], sets + s * words,
                                            words * sizeof(uint64_t)) < 0)
                r = -LX_EFAULT;
        free(sets);
    }
    call_write_time(vfs, c);
    return r;
}

static void call_finish(vfs_t *vfs, poll_call_t *c)
{
    vfs_pending_finish(vfs, c->pc, call_result(vfs, c));   /* releases c (call_release) */
}

static void call_wake(vfs_t *vfs, vfs_waker_t *w, uint32_t keys)
{
    (void)keys;
    poll_call_t *c = (poll_call_t *)w;
    if (call_scan(vfs, c, NULL) > 0)
        call_finish(vfs, c);
}

static void call_timeout(vfs_t *vfs, vfs_timer_t *t)
{
    poll_call_t *c = (poll_call_t *)((char *)t - offsetof(poll_call_t, timer));
    call_finish(vfs, c);   /* 0, unless something became ready without a wake */
}

static void call_release(vfs_t *vfs, vfs_pending_t *pc, enum vfs_pc_end how)
{
    poll_call_t *c = pc->ext;
    for (size_t i = 0; i < c->n; i++)
        vfs_pollreg_del(&c->ents[i].reg);
    vfs_waker_forget(vfs, &c->w);
    vfs_timer_stop(vfs, &c->timer);
    if (how == VFS_PC_WITHDRAWN)
        call_write_time(vfs, c);   /* interrupted: Linux writes the time left too */
    call_free(c);
}

static const vfs_pending_ops_t poll_ops = {call_release};

/* Answer now, or wait: registered on every watched queue, timer started. */
static int64_t call_run(vfs_t *vfs, const vfs_req_t *req, poll_call_t *c)
{
    c->w.fn = call_wake;
    if (c->span == 0 || call_scan(vfs, c, NULL) > 0) {
        int64_t r = call_result(vfs, c);
        call_free(c);
        return r;
    }
    c->pc = vfs_pending_add_ext(vfs, req, NULL, NULL, NULL, &poll_ops, c);
    if (!c->pc) {
        call_free(c);
        return -LX_ENOMEM;
    }
    for (size_t i = 0; i < c->n; i++) {
        vfs_pollq_t *q = NULL;
        if (c->ents[i].file)
            vfs_file_poll(vfs, c->ents[i].file, &q);
        if (q)
            vfs_pollreg_add(&c->ents[i].reg, q, &c->w);
    }
    if (c->span != UINT64_MAX) {
        uint64_t deadline = c->start + c->span;
        vfs_timer_start(vfs, &c->timer, deadline < c->start ? UINT64_MAX : deadline,
                        call_timeout);
    }
    return VFS_SUSPEND;
}

/* A timeout as ns (UINT64_MAX: wait forever), from a timespec (sec, nsec) already split. */
static int64_t span_of(int64_t sec, int64_t nsec, uint64_t *span)
{
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)NS_PER_SEC)
        return -LX_EINVAL;
    if ((uint64_t)sec >= UINT64_MAX / NS_PER_SEC - 1)
        *span = UINT64_MAX - 1;   /* centuries: a deadline that never comes */
    else
        *span = (uint64_t)sec * NS_PER_SEC + (uint64_t)nsec;
    return 0;
}

int64_t vfs_poll_timespec(vfs_t *vfs, int32_t pid, uint64_t uts, uint64_t *span)
{
    *span = UINT64_MAX;
    if (!uts)
        return 0;
    struct lx_timespec ts;
    if (vfs_copy_in(vfs, pid, &ts, uts, sizeof ts) < 0)
        return -LX_EFAULT;
    return span_of(ts.tv_sec, ts.tv_nsec, span);
}

static int64_t timespec_arg(vfs_t *vfs, poll_call_t *c, uint64_t uts)
{
    c->utime = uts;
    c->time_kind = uts ? PT_TIMESPEC : PT_NONE;
    return vfs_poll_timespec(vfs, c->pid, uts, &c->span);
}

static poll_call_t *call_new(vfs_t *vfs, const vfs_req_t *req, enum poll_kind kind)
{
    poll_call_t *c = calloc(1, sizeof(*c));
    if (c) {
        c->kind = kind;
        c->pid = req->pid;
        c->start = vfs_clock_mono(vfs);
        c->span = UINT64_MAX;
    }
    return c;
}

/* ---- poll and ppoll ---- */

static int64_t poll_common(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, poll_call_t *c,
                           uint64_t ufds, uint64_t nfds)
{
    if (nfds > (uint64_t)p->fd_limit) {
        free(c);
        return -LX_EINVAL;
    }
    c->ufds = ufds;
    c->n = nfds;
    c->pfds = malloc(nfds * sizeof(*c->pfds) + 1);
    c->ents = calloc(nfds + 1, sizeof(*c->ents));
    if (!c->pfds || !c->ents) {
        call_free(c);
        return -LX_ENOMEM;
    }
    if (nfds && vfs_copy_in(vfs, p->pid, c->pfds, ufds, nfds * sizeof(*c->pfds)) < 0) {
        c->n = 0;
        call_free(c);
        return -LX_EFAULT;
    }
    for (size_t i = 0; i < nfds; i++) {
        poll_ent_t *e = &c->ents[i];
        e->fd = c->pfds[i].fd;
        e->events = (uint16_t)c->pfds[i].events | LX_POLLERR | LX_POLLHUP;
        vfs_fd_t *slot = e->fd >= 0 ? vfs_fd_slot(p, e->fd) : NULL;
        if (slot && !(slot->file->flags & LX_O_PATH)) {
            e->file = slot->file;
            vfs_file_get(e->file);
        }
    }
    return call_run(vfs, req, c);
}

/* poll(fds, nfds, timeout_ms): a negative timeout waits forever */
VFS_SYS_DECL(poll)
{
    poll_call_t *c = call_new(vfs, req, PK_POLL);
    if (!c)
        return -LX_ENOMEM;
    int32_t ms = (int32_t)req->a[2];
    if (ms >= 0)
        c->span = (uint64_t)ms * 1000000ull;
    return poll_common(vfs, p, req, c, req->a[0], req->a[1]);
}

/* ppoll(fds, nfds, tsp, sigmask, sigsetsize): the mask is procmgr's (pm_sigmask.c) */
VFS_SYS_DECL(ppoll)
{
    poll_call_t *c = call_new(vfs, req, PK_POLL);
    if (!c)
        return -LX_ENOMEM;
    int64_t rc = timespec_arg(vfs, c, req->a[2]);
    if (rc < 0) {
        free(c);
        return rc;
    }
    return poll_common(vfs, p, req, c, req->a[0], req->a[1]);
}

/* ---- select and pselect6 ---- */

static int64_t select_common(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, poll_call_t *c)
{
    int32_t n = (int32_t)req->a[0];
    if (n < 0) {
        free(c);
        return -LX_EINVAL;
    }
    /* Linux looks at no more bits than its descriptor table has (at least 64); its table
     * never shrinks, so ours counts the most slots it ever had */
    int32_t max = p->files->peak > LX_NFDBITS ? p->files->peak : LX_NFDBITS;
    if (n > max)
        n = max;
    size_t words = ((size_t)n + LX_NFDBITS - 1) / LX_NFDBITS;
    uint64_t *in = calloc(3 * words + 1, sizeof(uint64_t));
    c->ents = calloc((size_t)n + 1, sizeof(*c->ents));
    if (!in || !c->ents) {
        free(in);
        call_free(c);
        return -LX_ENOMEM;
    }
    c->nbits = (uint32_t)n;
    int64_t rc = 0;
    for (int s = 0; s < 3 && rc == 0; s++) {
        c->usets[s] = req->a[1 + s];
        if (c->usets[s] && words)
            rc = vfs_copy_in(vfs, p->pid, in + s * words, c->usets[s], words * sizeof(uint64_t));
    }
    for (int32_t fd = 0; fd < n && rc == 0; fd++) {
        uint8_t sets = 0;
        for (int s = 0; s < 3; s++)
            if (in[s * words + (uint32_t)fd / LX_NFDBITS] & (1ull << ((uint32_t)fd % LX_NFDBITS)))
                sets |= (uint8_t)(1u << s);
        if (!sets)
            continue;
        vfs_fd_t *slot = vfs_fd_slot(p, fd);
        if (!slot || (slot->file->flags & LX_O_PATH)) {
            rc = -LX_EBADF;
            break;
        }
        poll_ent_t *e = &c->ents[c->n++];
        e->fd = fd;
        e->sets = sets;
        e->file = slot->file;
        vfs_file_get(e->file);
    }
    free(in);
    if (rc < 0) {
        call_free(c);
        return rc;
    }
    return call_run(vfs, req, c);
}

/* select(n, in, out, ex, struct timeval *): the timeval is normalised as Linux does */
VFS_SYS_DECL(select)
{
    poll_call_t *c = call_new(vfs, req, PK_SELECT);
    if (!c)
        return -LX_ENOMEM;
    if (req->a[4]) {
        struct lx_timeval tv;
        int64_t rc = vfs_copy_in(vfs, p->pid, &tv, req->a[4], sizeof tv);
        if (rc == 0) {
            int64_t sec = tv.tv_sec, usec = tv.tv_usec;
            if (sec >= 0 && usec / 1000000 > INT64_MAX - sec)
                sec = INT64_MAX;   /* saturate: forever, in effect */
            else
                sec += usec / 1000000;
            rc = span_of(sec, (usec % 1000000) * 1000, &c->span);
        }
        if (rc < 0) {
            free(c);
            return rc;
        }
        c->utime = req->a[4];
        c->time_kind = PT_TIMEVAL;
    }
    return select_common(vfs, p, req, c);
}

/* pselect6(n, in, out, ex, struct timespec *, {sigmask, size} *): the mask is procmgr's */
VFS_SYS_DECL(pselect6)
{
    poll_call_t *c = call_new(vfs, req, PK_SELECT);
    if (!c)
        return -LX_ENOMEM;
    int64_t rc = timespec_arg(vfs, c, req->a[4]);
    if (rc < 0) {
        free(c);
        return rc;
    }
    return select_common(vfs, p, req, c);
}

/* ---- epoll_wait ---- */

int64_t vfs_poll_epoll_wait(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *epf, uint64_t uevents,
                            int32_t maxevents, uint64_t span)
{
    poll_call_t *c = call_new(vfs, req, PK_EPOLL);
    if (!c)
        return -LX_ENOMEM;
    c->span = span;
    c->uevents = uevents;
    c->maxevents = maxevents;
    c->ents = calloc(1, sizeof(*c->ents));
    if (!c->ents) {
        call_free(c);
        return -LX_ENOMEM;
    }
    c->n = 1;
    c->ents[0].file = epf;
    vfs_file_get(epf);
    return call_run(vfs, req, c);
}
