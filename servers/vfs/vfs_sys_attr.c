/* Syscalls that change a named file's attributes or size: chmod, fchmodat, chown, lchown,
 * fchownat, truncate, utimensat. (The fd-based ones live in vfs_sys_fd.c.)
 *
 * Entry points: vfs_sys_<name> for each of the above. */
#include "vfs_impl.h"

static void attr_chmod(vfs_node_t *n, uint32_t mode)
{
    n->mode = (n->mode & LX_S_IFMT) | (mode & 07777);
    vfs_node_touch(n, false);
}

VFS_SYS_DECL(chmod)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, LX_AT_FDCWD, req->a[0], VFS_WALK_FOLLOW, &n);
    if (rc == 0)
        attr_chmod(n, (uint32_t)req->a[1]);
    return rc;
}

/* the fchmodat syscall has no flags argument (that is fchmodat2) */
VFS_SYS_DECL(fchmodat)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], VFS_WALK_FOLLOW, &n);
    if (rc == 0)
        attr_chmod(n, (uint32_t)req->a[2]);
    return rc;
}

static int64_t chown_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                            uint32_t uid, uint32_t gid, unsigned wflags)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, dirfd, upath, wflags, &n);
    if (rc < 0)
        return rc;
    if (uid != UINT32_MAX)   /* -1 leaves it unchanged */
        n->uid = uid;
    if (gid != UINT32_MAX)
        n->gid = gid;
    vfs_node_touch(n, false);
    return 0;
}

VFS_SYS_DECL(chown)
{
    return chown_common(vfs, p, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1],
                        (uint32_t)req->a[2], VFS_WALK_FOLLOW);
}

VFS_SYS_DECL(lchown)
{
    return chown_common(vfs, p, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1],
                        (uint32_t)req->a[2], 0);
}

VFS_SYS_DECL(fchownat)
{
    uint32_t flags = (uint32_t)req->a[4];
    if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    unsigned wflags = (flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW;
    if (flags & LX_AT_EMPTY_PATH)
        wflags |= VFS_WALK_EMPTY;
    return chown_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2],
                        (uint32_t)req->a[3], wflags);
}

VFS_SYS_DECL(truncate)
{
    int64_t len = (int64_t)req->a[1];
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, LX_AT_FDCWD, req->a[0], VFS_WALK_FOLLOW, &n);
    if (rc < 0)
        return rc;
    if (n->kind == VFS_K_DIR)
        return -LX_EISDIR;
    if (n->kind != VFS_K_REG || len < 0)
        return -LX_EINVAL;
    if (n->u.reg.exec_maps)
        return -LX_ETXTBSY;   /* a running program's file */
    rc = vfs_reg_resize(n, (uint64_t)len);
    if (rc == 0)
        vfs_node_touch(n, true);
    return rc;
}

static bool utime_valid(const struct lx_timespec *ts)
{
    return ts->tv_nsec == LX_UTIME_NOW || ts->tv_nsec == LX_UTIME_OMIT ||
           (ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000);
}

static void utime_apply(struct lx_timespec *field, const struct lx_timespec *ts,
                        const struct lx_timespec *now)
{
    if (ts->tv_nsec == LX_UTIME_OMIT)
        return;
    *field = ts->tv_nsec == LX_UTIME_NOW ? *now : *ts;
}

/* utimensat(dirfd, path, times[2], flags); a NULL path means dirfd itself (futimens) */
VFS_SYS_DECL(utimensat)
{
    int32_t dirfd = vfs_arg_fd(req->a[0]);
    uint64_t upath = req->a[1], utimes = req->a[2];
    uint32_t flags = (uint32_t)req->a[3];
    if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    struct lx_timespec now, ts[2];
    vfs_now(vfs, &now);
    if (utimes) {
        if (vfs->env.copy_in(vfs->env.ctx, p->pid, ts, utimes, sizeof(ts)) < 0)
            return -LX_EFAULT;
        if (!utime_valid(&ts[0]) || !utime_valid(&ts[1]))
            return -LX_EINVAL;
    } else {
        ts[0].tv_nsec = ts[1].tv_nsec = LX_UTIME_NOW;
        ts[0].tv_sec = ts[1].tv_sec = 0;
    }
    vfs_node_t *n;
    if (upath == 0) {
        vfs_fd_t *slot = vfs_fd_slot(p, dirfd);
        if (!slot)
            return -LX_EBADF;
        n = slot->file->node;
    } else {
        unsigned wflags = (flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW;
        if (flags & LX_AT_EMPTY_PATH)
            wflags |= VFS_WALK_EMPTY;
        int rc = vfs_walk_node(vfs, p, dirfd, upath, wflags, &n);
        if (rc < 0)
            return rc;
    }
    if (ts[0].tv_nsec == LX_UTIME_OMIT && ts[1].tv_nsec == LX_UTIME_OMIT)
        return 0;
    utime_apply(&n->atime, &ts[0], &now);
    utime_apply(&n->mtime, &ts[1], &now);
    n->ctime = now;
    return 0;
}
