/* Syscalls on descriptors themselves and on what they name: close, dup, dup2, dup3, fcntl,
 * ioctl, pipe, pipe2, fsync (and fdatasync, syncfs), sync, ftruncate, fchmod, fchown, fchdir,
 * fstat.
 *
 * Entry points: vfs_sys_<name> for each of the above. */
#include <string.h>
#include "vfs_impl.h"

VFS_SYS_DECL(close)
{
    (void)vfs;
    return vfs_fd_close(p, vfs_arg_fd(req->a[0]));
}

VFS_SYS_DECL(dup)
{
    (void)vfs;
    vfs_file_t *f = vfs_fd_get(p, vfs_arg_fd(req->a[0]));
    if (!f)
        return -LX_EBADF;
    int fd = vfs_fd_install(p, f, 0, false);
    if (fd < 0)
        vfs_file_put(f);
    return fd;
}

static int64_t dup_to(vfs_proc_t *p, int32_t oldfd, int32_t newfd, bool cloexec)
{
    vfs_file_t *f = vfs_fd_get(p, oldfd);
    if (!f)
        return -LX_EBADF;
    int fd = vfs_fd_install_at(p, newfd, f, cloexec);
    if (fd < 0)
        vfs_file_put(f);
    return fd;
}

VFS_SYS_DECL(dup2)
{
    (void)vfs;
    int32_t oldfd = vfs_arg_fd(req->a[0]), newfd = vfs_arg_fd(req->a[1]);
    if (oldfd == newfd)
        return vfs_fd_slot(p, oldfd) ? newfd : -LX_EBADF;
    return dup_to(p, oldfd, newfd, false);
}

VFS_SYS_DECL(dup3)
{
    (void)vfs;
    int32_t oldfd = vfs_arg_fd(req->a[0]), newfd = vfs_arg_fd(req->a[1]);
    uint32_t flags = (uint32_t)req->a[2];
    if (flags & ~LX_O_CLOEXEC)
        return -LX_EINVAL;
    if (oldfd == newfd)
        return -LX_EINVAL;
    return dup_to(p, oldfd, newfd, flags & LX_O_CLOEXEC);
}

/* struct flock as x86_64 lays it out; vfs keeps no locks (one user, no contention), so every
 * lock is granted and every query finds the range unlocked. */
struct fd_flock {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};
#define FD_F_UNLCK 2

static int64_t fcntl_getlk(vfs_t *vfs, vfs_proc_t *p, uint64_t uaddr)
{
    struct fd_flock fl;
    if (vfs->env.copy_in(vfs->env.ctx, p->pid, &fl, uaddr, sizeof(fl)) < 0)
        return -LX_EFAULT;
    fl.l_type = FD_F_UNLCK;
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, uaddr, &fl, sizeof(fl)) < 0)
        return -LX_EFAULT;
    return 0;
}

VFS_SYS_DECL(fcntl)
{
    int32_t fd = vfs_arg_fd(req->a[0]);
    uint32_t cmd = (uint32_t)req->a[1];
    uint64_t arg = req->a[2];
    vfs_fd_t *slot = vfs_fd_slot(p, fd);
    if (!slot)
        return -LX_EBADF;
    vfs_file_t *f = slot->file;
    const uint32_t settable = LX_O_APPEND | LX_O_NONBLOCK | LX_O_ASYNC | LX_O_DIRECT | LX_O_NOATIME;
    switch (cmd) {
    case LX_F_DUPFD:
    case LX_F_DUPFD_CLOEXEC: {
        int32_t min = (int32_t)arg;
        if (min < 0 || min >= p->fd_limit)
            return -LX_EINVAL;
        vfs_file_get(f);
        int nfd = vfs_fd_install(p, f, min, cmd == LX_F_DUPFD_CLOEXEC);
        if (nfd < 0)
            vfs_file_put(f);
        return nfd;
    }
    case LX_F_GETFD:
        return slot->cloexec ? LX_FD_CLOEXEC : 0;
    case LX_F_SETFD:
        slot->cloexec = arg & LX_FD_CLOEXEC;
        return 0;
    case LX_F_GETFL:
        return f->flags;
    case LX_F_SETFL:
        if (f->flags & LX_O_PATH)
            return -LX_EBADF;
        f->flags = (f->flags & ~settable) | ((uint32_t)arg & settable);
        return 0;
    case LX_F_GETLK:
        return fcntl_getlk(vfs, p, arg);
    case LX_F_SETLK:
    case LX_F_SETLKW:
        return 0;
    case LX_F_GETOWN:
    case LX_F_SETOWN:
        return 0;
    case LX_F_GETPIPE_SZ:
        return f->node->kind == VFS_K_PIPE ? VFS_PIPE_SIZE : -LX_EBADF;
    default:
        return -LX_EINVAL;
    }
}

VFS_SYS_DECL(ioctl)
{
    int32_t fd = vfs_arg_fd(req->a[0]);
    uint32_t cmd = (uint32_t)req->a[1];
    uint64_t arg = req->a[2];
    vfs_fd_t *slot = vfs_fd_slot(p, fd);
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_file_t *f = slot->file;
    vfs_node_t *n = f->node;
    /* the few requests every descriptor answers */
    switch (cmd) {
    case LX_FIOCLEX:
    case LX_FIONCLEX:
        slot->cloexec = cmd == LX_FIOCLEX;
        return 0;
    case LX_FIONBIO: {
        int32_t on;
        if (vfs->env.copy_in(vfs->env.ctx, p->pid, &on, arg, sizeof(on)) < 0)
            return -LX_EFAULT;
        f->flags = on ? (f->flags | LX_O_NONBLOCK) : (f->flags & ~(uint32_t)LX_O_NONBLOCK);
        return 0;
    }
    }
    if (n->kind == VFS_K_DEV && n->u.dev == VFS_DEV_CONSOLE) {
        int64_t r = vfs_console_ioctl(vfs, req, cmd, arg);
        /* a mode change can make typed input readable (raw mode: a partial line) */
        vfs_pollq_wake(vfs, &vfs->con_pollq, LX_POLLIN | LX_POLLRDNORM);
        return r;
    }
    if (n->kind == VFS_K_PIPE && cmd == LX_FIONREAD) {
        int32_t count = (int32_t)vfs_pipe_nread(n->u.pipe);
        if (vfs->env.copy_out(vfs->env.ctx, p->pid, arg, &count, sizeof(count)) < 0)
            return -LX_EFAULT;
        return 0;
    }
    return -LX_ENOTTY;
}

static int64_t pipe_common(vfs_t *vfs, vfs_proc_t *p, uint64_t ufds, uint32_t flags)
{
    if (flags & ~(uint32_t)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
        return -LX_EINVAL;
    vfs_file_t *rd, *wr;
    int rc = vfs_pipe_open(vfs, flags, &rd, &wr);
    if (rc < 0)
        return rc;
    bool cloexec = flags & LX_O_CLOEXEC;
    int fds[2];
    fds[0] = vfs_fd_install(p, rd, 0, cloexec);
    if (fds[0] < 0) {
        vfs_file_put(rd);
        vfs_file_put(wr);
        return fds[0];
    }
    fds[1] = vfs_fd_install(p, wr, 0, cloexec);
    if (fds[1] < 0) {
        vfs_file_put(wr);
        vfs_fd_close(p, fds[0]);
        return fds[1];
    }
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, ufds, fds, sizeof(fds)) < 0) {
        vfs_fd_close(p, fds[0]);
        vfs_fd_close(p, fds[1]);
        return -LX_EFAULT;
    }
    return 0;
}

VFS_SYS_DECL(pipe)
{
    return pipe_common(vfs, p, req->a[0], 0);
}

VFS_SYS_DECL(pipe2)
{
    return pipe_common(vfs, p, req->a[0], (uint32_t)req->a[1]);
}

/* Everything lives in memory: there is nothing to flush. */
VFS_SYS_DECL(fsync)
{
    (void)vfs;
    return vfs_fd_slot(p, vfs_arg_fd(req->a[0])) ? 0 : -LX_EBADF;
}

VFS_SYS_DECL(sync)
{
    (void)vfs, (void)p, (void)req;
    return 0;
}

VFS_SYS_DECL(ftruncate)
{
    (void)vfs;
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    int64_t len = (int64_t)req->a[1];
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_node_t *n = slot->file->node;
    if (len < 0 || n->kind != VFS_K_REG || !vfs_file_writable(slot->file))
        return -LX_EINVAL;
    int rc = vfs_reg_resize(n, (uint64_t)len);
    if (rc < 0)
        return rc;
    vfs_node_touch(n, true);
    return 0;
}

VFS_SYS_DECL(fchmod)
{
    (void)vfs;
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_node_t *n = slot->file->node;
    n->mode = (n->mode & LX_S_IFMT) | ((uint32_t)req->a[1] & 07777);
    vfs_node_touch(n, false);
    return 0;
}

VFS_SYS_DECL(fchown)
{
    (void)vfs;
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_node_t *n = slot->file->node;
    uint32_t uid = (uint32_t)req->a[1], gid = (uint32_t)req->a[2];
    if (uid != UINT32_MAX)
        n->uid = uid;
    if (gid != UINT32_MAX)
        n->gid = gid;
    vfs_node_touch(n, false);
    return 0;
}

VFS_SYS_DECL(fchdir)
{
    (void)vfs;
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    if (!slot)
        return -LX_EBADF;
    vfs_node_t *n = slot->file->node;
    if (n->kind != VFS_K_DIR)
        return -LX_ENOTDIR;
    vfs_node_get(n);
    vfs_node_put(p->fs->cwd);
    p->fs->cwd = n;
    return 0;
}

VFS_SYS_DECL(fstat)
{
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    if (!slot)
        return -LX_EBADF;
    struct lx_stat st;
    vfs_stat_fill(slot->file->node, &st);
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, req->a[1], &st, sizeof(st)) < 0)
        return -LX_EFAULT;
    return 0;
}
