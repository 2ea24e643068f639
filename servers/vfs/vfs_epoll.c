/* epoll: an instance watching descriptions, with Linux's semantics (fs/eventpoll.c).
 *
 * Each watched (description, fd) pair is an item: a waiter registered on the description's
 * readiness queue. A wake whose events interest the item puts it on the instance's ready list
 * (if the description is ready for one of them) and wakes the instance's own queue, where
 * epoll_wait callers and pollers of the epoll descriptor (poll, select, an outer epoll) wait.
 * epoll_wait (vfs_epoll_collect) takes the ready list in order and polls each item again: one
 * that is no longer ready is dropped from the list; one that is gives an event and, unless
 * EPOLLET (edge: only the next wake brings it back) or EPOLLONESHOT (disabled until EPOLL_CTL_MOD),
 * goes back to the end of the list (level-triggered). Items not reached because maxevents was met
 * stay at the front.
 *
 * Items belong to the description, not the fd: closing one fd of a description that stays open
 * elsewhere leaves its item, as on Linux; when the description itself goes, vfs_file_put calls
 * vfs_epoll_file_gone, which removes its items everywhere. Items hold no reference.
 *
 * Known simplification: the nesting check (ELOOP) refuses cycles and chains of more than
 * EP_MAX_NESTS instances below the one added to, not paths counted from above.
 *
 * Entry points: vfs_sys_epoll_create, vfs_sys_epoll_create1, vfs_sys_epoll_ctl,
 * vfs_sys_epoll_wait, vfs_sys_epoll_pwait, vfs_sys_epoll_pwait2, vfs_epoll_poll,
 * vfs_epoll_pollq, vfs_epoll_collect, vfs_epoll_file_gone, vfs_epoll_free. */
#include <stdlib.h>
#include "vfs_impl.h"

#define EP_MAX_NESTS 4
#define EP_EVENT_BITS (~(uint32_t)(LX_EPOLLET | LX_EPOLLONESHOT | LX_EPOLLWAKEUP | LX_EPOLLEXCLUSIVE))
#define EP_EXCLUSIVE_OK (LX_POLLIN | LX_POLLOUT | LX_POLLERR | LX_POLLHUP | LX_EPOLLWAKEUP | \
                         LX_EPOLLET | LX_EPOLLEXCLUSIVE)
#define EP_USER_TOP 0x7ffffffff000ull   /* TASK_SIZE: epoll_wait's access_ok */

struct vfs_epitem {
    vfs_waker_t w;             /* first: woken by the watched description's queue */
    vfs_pollreg_t reg;
    vfs_epoll_t *ep;
    vfs_file_t *file;          /* not counted */
    int32_t fd;
    uint32_t events;           /* as asked, with EPOLLERR | EPOLLHUP added */
    uint64_t data;
    bool disabled;             /* EPOLLONESHOT: reported, waiting for a MOD */
    bool ready;                /* on ep's ready list */
    vfs_epitem_t *rd_next, *rd_prev;
    vfs_epitem_t *ep_next;     /* ep->items */
    vfs_epitem_t *file_next;   /* file->epitems */
};

struct vfs_epoll {
    vfs_epitem_t *items;
    vfs_epitem_t *rd_head, *rd_tail;
    vfs_pollq_t pollq;
};

vfs_pollq_t *vfs_epoll_pollq(vfs_epoll_t *ep)
{
    return &ep->pollq;
}

/* ---- the ready list ---- */

static void rd_remove(vfs_epoll_t *ep, vfs_epitem_t *it)
{
    if (!it->ready)
        return;
    if (it->rd_prev)
        it->rd_prev->rd_next = it->rd_next;
    else
        ep->rd_head = it->rd_next;
    if (it->rd_next)
        it->rd_next->rd_prev = it->rd_prev;
    else
        ep->rd_tail = it->rd_prev;
    it->rd_next = it->rd_prev = NULL;
    it->ready = false;
}

static void rd_append(vfs_epoll_t *ep, vfs_epitem_t *it)
{
    if (it->ready)
        return;
    it->rd_next = NULL;
    it->rd_prev = ep->rd_tail;
    if (ep->rd_tail)
        ep->rd_tail->rd_next = it;
    else
        ep->rd_head = it;
    ep->rd_tail = it;
    it->ready = true;
}

/* What the item's description is ready for, of what the item asks. */
static uint32_t item_events(vfs_t *vfs, const vfs_epitem_t *it)
{
    if (it->disabled)
        return 0;
    return vfs_file_poll(vfs, it->file, NULL) & it->events & EP_EVENT_BITS;
}

/* The item is ready (or may be): queue it and tell whoever waits on the instance. */
static void item_signal(vfs_t *vfs, vfs_epitem_t *it)
{
    if (it->ready || !item_events(vfs, it))
        return;
    rd_append(it->ep, it);
    vfs_pollq_wake(vfs, &it->ep->pollq, LX_POLLIN | LX_POLLRDNORM);
}

static void item_wake(vfs_t *vfs, vfs_waker_t *w, uint32_t keys)
{
    vfs_epitem_t *it = (vfs_epitem_t *)w;
    /* a wake for events the item does not ask about is no edge for it (Linux's key check) */
    if (keys && !(keys & it->events & EP_EVENT_BITS))
        return;
    item_signal(vfs, it);
}

/* ---- items ---- */

static void item_free(vfs_t *vfs, vfs_epitem_t *it)
{
    vfs_epoll_t *ep = it->ep;
    vfs_pollreg_del(&it->reg);
    vfs_waker_forget(vfs, &it->w);
    rd_remove(ep, it);
    for (vfs_epitem_t **pp = &ep->items; *pp; pp = &(*pp)->ep_next)
        if (*pp == it) {
            *pp = it->ep_next;
            break;
        }
    for (vfs_epitem_t **pp = &it->file->epitems; *pp; pp = &(*pp)->file_next)
        if (*pp == it) {
            *pp = it->file_next;
            break;
        }
    free(it);
}

void vfs_epoll_file_gone(vfs_t *vfs, vfs_file_t *f)
{
    while (f->epitems)
        item_free(vfs, f->epitems);
}

void vfs_epoll_free(vfs_t *vfs, vfs_epoll_t *ep)
{
    while (ep->items)
        item_free(vfs, ep->items);
    free(ep);
}

static vfs_epitem_t *item_find(vfs_epoll_t *ep, vfs_file_t *f, int32_t fd)
{
    for (vfs_epitem_t *it = ep->items; it; it = it->ep_next)
        if (it->file == f && it->fd == fd)
            return it;
    return NULL;
}

/* ---- readiness of the instance and the answer of epoll_wait ---- */

uint32_t vfs_epoll_poll(vfs_t *vfs, vfs_epoll_t *ep)
{
    /* Linux's ep_read_events_proc: the first item still ready makes the instance readable;
     * those found not ready on the way leave the list */
    vfs_epitem_t *it = ep->rd_head;
    while (it) {
        vfs_epitem_t *next = it->rd_next;
        if (item_events(vfs, it))
            return LX_POLLIN | LX_POLLRDNORM;
        rd_remove(ep, it);
        it = next;
    }
    return 0;
}

int64_t vfs_epoll_collect(vfs_t *vfs, vfs_epoll_t *ep, int32_t pid, uint64_t uevents,
                          int32_t max)
{
    size_t cap = 0;
    for (vfs_epitem_t *it = ep->rd_head; it && cap < (size_t)max; it = it->rd_next)
        cap++;
    if (!cap)
        return 0;
    struct lx_epoll_event *out = malloc(cap * sizeof(*out));
    if (!out)
        return -LX_ENOMEM;
    /* the items on the list now, each looked at once; level-triggered ones go to the tail */
    vfs_epitem_t *last = ep->rd_tail;
    size_t n = 0;
    bool end = false;
    while (!end && n < cap && ep->rd_head) {
        vfs_epitem_t *it = ep->rd_head;
        end = it == last;
        rd_remove(ep, it);
        uint32_t ev = item_events(vfs, it);
        if (!ev)
            continue;
        out[n].events = ev;
        out[n].data = it->data;
        n++;
        if (it->events & LX_EPOLLONESHOT)
            it->disabled = true;
        else if (!(it->events & LX_EPOLLET))
            rd_append(ep, it);
    }
    int64_t r = (int64_t)n;
    if (n && vfs_copy_out(vfs, pid, uevents, out, n * sizeof(*out)) < 0)
        r = -LX_EFAULT;
    free(out);
    return r;
}

/* ---- the syscalls ---- */

static int ep_init(vfs_t *vfs, vfs_node_t *node, void *arg)
{
    (void)vfs, (void)arg;
    node->u.ep = calloc(1, sizeof(vfs_epoll_t));
    return node->u.ep ? 0 : -LX_ENOMEM;
}

static int64_t ep_create(vfs_t *vfs, vfs_proc_t *p, uint32_t flags)
{
    return vfs_anon_fd(vfs, p, VFS_K_EPOLL, LX_O_RDWR, flags & LX_EPOLL_CLOEXEC, ep_init, NULL);
}

/* epoll_create(size): size is only checked to be positive */
VFS_SYS_DECL(epoll_create)
{
    if ((int32_t)req->a[0] <= 0)
        return -LX_EINVAL;
    return ep_create(vfs, p, 0);
}

/* epoll_create1(flags) */
VFS_SYS_DECL(epoll_create1)
{
    uint32_t flags = (uint32_t)req->a[0];
    if (flags & ~(uint32_t)LX_EPOLL_CLOEXEC)
        return -LX_EINVAL;
    return ep_create(vfs, p, flags);
}

/* How deep epolls nest below ep; > EP_MAX_NESTS also when ep reaches `to` (a cycle). */
static int ep_depth(vfs_epoll_t *ep, const vfs_epoll_t *to, int depth)
{
    if (ep == to || depth > EP_MAX_NESTS)
        return EP_MAX_NESTS + 1;
    int max = depth;
    for (vfs_epitem_t *it = ep->items; it; it = it->ep_next) {
        if (it->file->node->kind != VFS_K_EPOLL)
            continue;
        int d = ep_depth(it->file->node->u.ep, to, depth + 1);
        if (d > max)
            max = d;
    }
    return max;
}

static int64_t ep_add(vfs_t *vfs, vfs_epoll_t *ep, vfs_file_t *tf, int32_t fd,
                      const struct lx_epoll_event *ev)
{
    if (item_find(ep, tf, fd))
        return -LX_EEXIST;
    if (tf->node->kind == VFS_K_EPOLL && ep_depth(tf->node->u.ep, ep, 1) > EP_MAX_NESTS)
        return -LX_ELOOP;
    vfs_epitem_t *it = calloc(1, sizeof(*it));
    if (!it)
        return -LX_ENOMEM;
    it->w.fn = item_wake;
    it->ep = ep;
    it->file = tf;
    it->fd = fd;
    it->events = ev->events | LX_POLLERR | LX_POLLHUP;
    it->data = ev->data;
    it->ep_next = ep->items;
    ep->items = it;
    it->file_next = tf->epitems;
    tf->epitems = it;
    vfs_pollq_t *q = NULL;
    vfs_file_poll(vfs, tf, &q);
    vfs_pollreg_add(&it->reg, q, &it->w);   /* q exists: checked by the caller */
    item_signal(vfs, it);
    return 0;
}

/* epoll_ctl(epfd, op, fd, event) */
VFS_SYS_DECL(epoll_ctl)
{
    int32_t op = (int32_t)req->a[1], fd = vfs_arg_fd(req->a[2]);
    struct lx_epoll_event ev = {0, 0};
    bool has_event = op != LX_EPOLL_CTL_DEL;
    if (has_event && vfs_copy_in(vfs, p->pid, &ev, req->a[3], sizeof ev) < 0)
        return -LX_EFAULT;
    vfs_fd_t *es = vfs_fd_slot(p, vfs_arg_fd(req->a[0])), *ts = vfs_fd_slot(p, fd);
    if (!es || !ts || (es->file->flags & LX_O_PATH) || (ts->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_file_t *tf = ts->file;
    if (!vfs_node_pollq(vfs, tf->node))
        return -LX_EPERM;   /* regular files, directories, /dev/null...: nothing to wait for */
    if (has_event && (ev.events & LX_EPOLLEXCLUSIVE)) {
        if (op == LX_EPOLL_CTL_MOD || tf->node->kind == VFS_K_EPOLL ||
            (ev.events & ~(uint32_t)EP_EXCLUSIVE_OK))
            return -LX_EINVAL;
    }
    if (es->file == tf || es->file->node->kind != VFS_K_EPOLL)
        return -LX_EINVAL;
    vfs_epoll_t *ep = es->file->node->u.ep;
    vfs_epitem_t *it = item_find(ep, tf, fd);
    switch (op) {
    case LX_EPOLL_CTL_ADD:
        return ep_add(vfs, ep, tf, fd, &ev);
    case LX_EPOLL_CTL_DEL:
        if (!it)
            return -LX_ENOENT;
        item_free(vfs, it);
        return 0;
    case LX_EPOLL_CTL_MOD:
        if (!it)
            return -LX_ENOENT;
        if (it->events & LX_EPOLLEXCLUSIVE)
            return -LX_EINVAL;
        it->events = ev.events | LX_POLLERR | LX_POLLHUP;
        it->data = ev.data;
        it->disabled = false;
        rd_remove(ep, it);
        item_signal(vfs, it);   /* ready now for the new events: reported */
        return 0;
    default:
        return -LX_EINVAL;
    }
}

/* The checks every epoll_wait variant makes, in Linux's order: maxevents, the buffer's range,
 * the descriptor; then it waits (span ns). */
static int64_t ep_wait(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, uint64_t span)
{
    int32_t max = (int32_t)req->a[2];
    uint64_t uevents = req->a[1];
    if (max <= 0 || (uint64_t)max > INT32_MAX / sizeof(struct lx_epoll_event))
        return -LX_EINVAL;
    if (uevents >= EP_USER_TOP || (uint64_t)max * sizeof(struct lx_epoll_event) > EP_USER_TOP - uevents)
        return -LX_EFAULT;
    vfs_fd_t *es = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    if (!es || (es->file->flags & LX_O_PATH))
        return -LX_EBADF;
    if (es->file->node->kind != VFS_K_EPOLL)
        return -LX_EINVAL;
    return vfs_poll_epoll_wait(vfs, req, es->file, uevents, max, span);
}

/* a timeout in ms: negative waits forever */
static uint64_t ms_span(uint64_t arg)
{
    int32_t ms = (int32_t)arg;
    return ms < 0 ? UINT64_MAX : (uint64_t)ms * 1000000ull;
}

/* epoll_wait(epfd, events, maxevents, timeout_ms) */
VFS_SYS_DECL(epoll_wait)
{
    return ep_wait(vfs, p, req, ms_span(req->a[3]));
}

/* epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize): the mask is procmgr's */
VFS_SYS_DECL(epoll_pwait)
{
    return ep_wait(vfs, p, req, ms_span(req->a[3]));
}

/* epoll_pwait2(epfd, events, maxevents, const struct timespec *, sigmask, sigsetsize) */
VFS_SYS_DECL(epoll_pwait2)
{
    uint64_t span;
    int64_t rc = vfs_poll_timespec(vfs, p->pid, req->a[3], &span);
    if (rc < 0)
        return rc;
    return ep_wait(vfs, p, req, span);
}
