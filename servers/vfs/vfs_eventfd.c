/* eventfd: a 64-bit counter behind a descriptor (Linux's fs/eventfd.c).
 *
 * A read needs 8 bytes of buffer (EINVAL) and takes the whole count (EFD_SEMAPHORE: 1), leaving
 * 0 (or count - 1); with a count of 0 it waits (a deferred reply on the readers' queue) or, with
 * O_NONBLOCK, fails EAGAIN. A write adds an 8-byte value; UINT64_MAX is EINVAL; a value that
 * would take the count past UINT64_MAX - 1 waits for readers (EAGAIN with O_NONBLOCK). Waiting
 * readers and writers are served oldest first after every change. Readable (POLLIN) while the
 * count is not 0, writable (POLLOUT) while a write of 1 would fit.
 *
 * Entry points: vfs_sys_eventfd, vfs_sys_eventfd2, vfs_eventfd_read, vfs_eventfd_write,
 * vfs_eventfd_poll, vfs_eventfd_pollq, vfs_eventfd_free. */
#include <stdlib.h>
#include "vfs_impl.h"

#define EFD_MAX (UINT64_MAX - 1)   /* the largest count */

struct vfs_eventfd {
    uint64_t count;
    bool semaphore;
    vfs_waitq_t rq, wq;   /* blocked readers; blocked writers (value in pc->arg) */
    vfs_pollq_t pollq;
};

uint32_t vfs_eventfd_poll(vfs_eventfd_t *e)
{
    uint32_t mask = 0;
    if (e->count > 0)
        mask |= LX_POLLIN;
    if (e->count == UINT64_MAX)
        mask |= LX_POLLERR;
    if (e->count < EFD_MAX)
        mask |= LX_POLLOUT;
    return mask;
}

vfs_pollq_t *vfs_eventfd_pollq(vfs_eventfd_t *e)
{
    return &e->pollq;
}

void vfs_eventfd_free(vfs_eventfd_t *e)
{
    free(e);
}

/* One read's worth, to the reader's buffer: 8, or -EFAULT (nothing taken). */
static int64_t efd_take(vfs_t *vfs, vfs_eventfd_t *e, const vfs_uio_t *uio)
{
    uint64_t v = e->semaphore ? 1 : e->count;
    if (vfs_uio_copy_out(vfs, uio, 0, &v, sizeof v) != (int64_t)sizeof v)
        return -LX_EFAULT;
    e->count -= v;
    return sizeof v;
}

/* Serve the waiting readers and writers, oldest first, while they can go; then tell pollers.
 * The caller holds the node (a description of it), so e outlives the replies. */
static void efd_serve(vfs_t *vfs, vfs_eventfd_t *e, uint32_t keys)
{
    bool progress = true;
    while (progress) {
        progress = false;
        vfs_pending_t *pc;
        while (e->count > 0 && (pc = e->rq.head)) {
            int64_t r = efd_take(vfs, e, &pc->uio);
            keys |= r > 0 ? LX_POLLOUT : 0;
            vfs_pending_finish(vfs, pc, r);
            progress = true;
        }
        while ((pc = e->wq.head) && pc->arg <= EFD_MAX - e->count) {
            e->count += pc->arg;
            keys |= LX_POLLIN;
            vfs_pending_finish(vfs, pc, sizeof(uint64_t));
            progress = true;
        }
    }
    if (keys)
        vfs_pollq_wake(vfs, &e->pollq, keys);
}

int64_t vfs_eventfd_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_eventfd_t *e = f->node->u.efd;
    if (uio->total < sizeof(uint64_t))
        return -LX_EINVAL;
    if (e->count == 0 || e->rq.head) {
        if (f->flags & LX_O_NONBLOCK)
            return -LX_EAGAIN;
        int rc = vfs_pending_add(vfs, req, f, uio, 0, &e->rq);
        return rc < 0 ? rc : VFS_SUSPEND;
    }
    int64_t r = efd_take(vfs, e, uio);
    if (r > 0)
        efd_serve(vfs, e, LX_POLLOUT);
    return r;
}

int64_t vfs_eventfd_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_eventfd_t *e = f->node->u.efd;
    uint64_t v;
    if (uio->total < sizeof v)
        return -LX_EINVAL;
    if (vfs_uio_copy_in(vfs, uio, 0, &v, sizeof v) != (int64_t)sizeof v)
        return -LX_EFAULT;
    if (v == UINT64_MAX)
        return -LX_EINVAL;
    if (v > EFD_MAX - e->count || e->wq.head) {
        if (f->flags & LX_O_NONBLOCK)
            return -LX_EAGAIN;
        vfs_pending_t *pc = vfs_pending_add_ext(vfs, req, f, NULL, &e->wq, NULL, NULL);
        if (!pc)
            return -LX_ENOMEM;
        pc->arg = v;
        return VFS_SUSPEND;
    }
    e->count += v;
    efd_serve(vfs, e, LX_POLLIN);   /* even for 0, as Linux: an edge for epoll */
    return sizeof v;
}

static int efd_init(vfs_t *vfs, vfs_node_t *node, void *arg)
{
    (void)vfs;
    const uint64_t *a = arg;
    vfs_eventfd_t *e = calloc(1, sizeof(*e));
    if (!e)
        return -LX_ENOMEM;
    e->count = a[0];
    e->semaphore = a[1] & LX_EFD_SEMAPHORE;
    node->u.efd = e;
    return 0;
}

static int64_t efd_create(vfs_t *vfs, vfs_proc_t *p, uint32_t initval, uint32_t flags)
{
    if (flags & ~(uint32_t)(LX_EFD_SEMAPHORE | LX_EFD_CLOEXEC | LX_EFD_NONBLOCK))
        return -LX_EINVAL;
    uint64_t arg[2] = {initval, flags};
    return vfs_anon_fd(vfs, p, VFS_K_EVENTFD, LX_O_RDWR | (flags & LX_EFD_NONBLOCK),
                       flags & LX_EFD_CLOEXEC, efd_init, arg);
}

/* eventfd(initval): eventfd2 without flags */
VFS_SYS_DECL(eventfd)
{
    return efd_create(vfs, p, (uint32_t)req->a[0], 0);
}

/* eventfd2(initval, flags) */
VFS_SYS_DECL(eventfd2)
{
    return efd_create(vfs, p, (uint32_t)req->a[0], (uint32_t)req->a[1]);
}
