/* pidfds: descriptors naming a process (pidfd_open, clone's CLONE_PIDFD), made at procmgr's
 * request. vfs keeps what procmgr needs to find the process again, the pid and procmgr's serial
 * number of it (unique, so a reused pid is never taken for the old process), and whether it has
 * exited: vfs_proc_exit, procmgr's notice of a process's end, makes every pidfd of that pid
 * readable (POLLIN) and wakes its pollers, as Linux's pidfd_poll. read and write are EINVAL; the
 * description is an anonymous one ("anon_inode:[pidfd]"), O_CLOEXEC always.
 *
 * Entry points: vfs_pidfd_open, vfs_pidfd_get, vfs_pidfd_exited, vfs_pidfd_poll,
 * vfs_pidfd_pollq, vfs_pidfd_release, vfs_proc_fd_close. */
#include <stdlib.h>
#include "vfs_impl.h"

struct vfs_pidfd {
    struct vfs_pidfd *next, *prev;   /* vfs->pidfds */
    int32_t pid;
    uint64_t serial;
    bool exited;
    vfs_pollq_t pollq;
};

static int pidfd_node_init(vfs_t *vfs, vfs_node_t *node, void *arg)
{
    (void)vfs;
    (void)arg;
    node->u.pidfd = NULL;   /* attached once the descriptor exists (nothing to undo before) */
    return 0;
}

int64_t vfs_pidfd_open(vfs_t *vfs, int32_t pid, int32_t target, uint64_t serial, bool nonblock,
                       bool exited)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    struct vfs_pidfd *pf = calloc(1, sizeof(*pf));
    if (!pf)
        return -LX_ENOMEM;
    int64_t fd = vfs_anon_fd(vfs, p, VFS_K_PIDFD, LX_O_RDWR | (nonblock ? LX_O_NONBLOCK : 0),
                             true, pidfd_node_init, NULL);
    if (fd < 0) {
        free(pf);
        return fd;
    }
    pf->pid = target;
    pf->serial = serial;
    pf->exited = exited || !vfs_proc_find(vfs, target);
    pf->next = vfs->pidfds;
    if (pf->next)
        pf->next->prev = pf;
    vfs->pidfds = pf;
    vfs_fd_slot(p, (int32_t)fd)->file->node->u.pidfd = pf;
    return fd;
}

int vfs_pidfd_get(vfs_t *vfs, int32_t pid, int32_t fd, int32_t *target, uint64_t *serial,
                  bool *nonblock)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    vfs_fd_t *s = p ? vfs_fd_slot(p, fd) : NULL;
    if (!s)
        return -LX_EBADF;
    const vfs_node_t *n = s->file->node;
    if (n->kind != VFS_K_PIDFD || !n->u.pidfd)
        return -LX_EBADF;   /* Linux's pidfd_pid: EBADF for any other file */
    *target = n->u.pidfd->pid;
    *serial = n->u.pidfd->serial;
    *nonblock = (s->file->flags & LX_O_NONBLOCK) != 0;
    return 0;
}

void vfs_pidfd_exited(vfs_t *vfs, int32_t pid)
{
    for (struct vfs_pidfd *pf = vfs->pidfds; pf; pf = pf->next)
        if (pf->pid == pid && !pf->exited) {
            pf->exited = true;
            vfs_pollq_wake(vfs, &pf->pollq, LX_POLLIN | LX_POLLRDNORM);
        }
}

uint32_t vfs_pidfd_poll(const vfs_node_t *n)
{
    return n->u.pidfd && n->u.pidfd->exited ? LX_POLLIN | LX_POLLRDNORM : 0;
}

vfs_pollq_t *vfs_pidfd_pollq(vfs_node_t *n)
{
    return n->u.pidfd ? &n->u.pidfd->pollq : NULL;
}

void vfs_pidfd_release(vfs_t *vfs, vfs_node_t *n)
{
    struct vfs_pidfd *pf = n->u.pidfd;
    if (!pf)
        return;
    n->u.pidfd = NULL;
    if (pf->prev)
        pf->prev->next = pf->next;
    else
        vfs->pidfds = pf->next;
    if (pf->next)
        pf->next->prev = pf->prev;
    free(pf);
}

int vfs_proc_fd_close(vfs_t *vfs, int32_t pid, int32_t fd)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    return p ? vfs_fd_close(p, fd) : -LX_EBADF;
}
