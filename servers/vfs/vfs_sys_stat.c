/* Syscalls that look at names without changing them, and the per-process path state: stat,
 * lstat, newfstatat, statx (-ENOSYS so musl falls back to fstatat), access, faccessat,
 * faccessat2, readlink, readlinkat, getcwd, chdir, umask.
 *
 * uid and gid are always 0, so permission checks are root's: everything may be read and
 * written, and X_OK needs a directory or at least one x bit.
 *
 * Entry points: vfs_sys_<name> for each of the above; vfs_stat_fill (fstat's too). */
#include <string.h>
#include "vfs_impl.h"

/* /proc is a file system of its own, as on Linux: programs that compare st_dev (busybox df
 * finding the mount of a path, find -xdev, du -x) must not take it for the root's. */
void vfs_stat_fill(const vfs_node_t *n, struct lx_stat *st)
{
    vfs_node_stat(n, st);
    if (n->procfs)
        st->st_dev = VFS_PROC_STDEV;
}

static int64_t stat_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                           uint64_t ust, unsigned wflags)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, dirfd, upath, wflags, &n);
    if (rc < 0)
        return rc;
    struct lx_stat st;
    vfs_stat_fill(n, &st);
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, ust, &st, sizeof(st)) < 0)
        return -LX_EFAULT;
    return 0;
}

VFS_SYS_DECL(stat)
{
    return stat_common(vfs, p, LX_AT_FDCWD, req->a[0], req->a[1], VFS_WALK_FOLLOW);
}

VFS_SYS_DECL(lstat)
{
    return stat_common(vfs, p, LX_AT_FDCWD, req->a[0], req->a[1], 0);
}

VFS_SYS_DECL(newfstatat)
{
    uint32_t flags = (uint32_t)req->a[3];
    if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT))
        return -LX_EINVAL;
    unsigned wflags = (flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW;
    if (flags & LX_AT_EMPTY_PATH)
        wflags |= VFS_WALK_EMPTY;
    return stat_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], req->a[2], wflags);
}

/* Deliberately absent: musl's fstatat tries statx only when its caller asked for it, and
 * falls back to newfstatat on ENOSYS everywhere else. */
VFS_SYS_DECL(statx)
{
    (void)vfs, (void)p, (void)req;
    return -LX_ENOSYS;
}

static int64_t access_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                             uint32_t mode, uint32_t flags)
{
    if (mode & ~(uint32_t)(LX_R_OK | LX_W_OK | LX_X_OK))
        return -LX_EINVAL;
    if (flags & ~(uint32_t)(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    unsigned wflags = (flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW;
    if (flags & LX_AT_EMPTY_PATH)
        wflags |= VFS_WALK_EMPTY;
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, dirfd, upath, wflags, &n);
    if (rc < 0)
        return rc;
    if ((mode & LX_X_OK) && n->kind != VFS_K_DIR && !(n->mode & 0111))
        return -LX_EACCES;
    return 0;
}

VFS_SYS_DECL(access)
{
    return access_common(vfs, p, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1], 0);
}

VFS_SYS_DECL(faccessat)
{
    return access_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2], 0);
}

VFS_SYS_DECL(faccessat2)
{
    return access_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2],
                         (uint32_t)req->a[3]);
}

static int64_t readlink_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                               uint64_t ubuf, int64_t size)
{
    if (size <= 0)
        return -LX_EINVAL;
    vfs_node_t *n;
    /* an empty path names dirfd itself, which must then be a symlink opened with O_PATH */
    int rc = vfs_walk_node(vfs, p, dirfd, upath, VFS_WALK_EMPTY, &n);
    if (rc < 0)
        return rc;
    if (n->kind != VFS_K_LNK)
        return vfs->path[0] ? -LX_EINVAL : -LX_ENOENT;
    const char *target = vfs_lnk_target(vfs, n, p->pid, vfs->path2, sizeof vfs->path2);
    size_t len = strlen(target);
    if (len == 0)
        return -LX_ENOENT;   /* a /proc link whose process or descriptor is gone */
    if ((uint64_t)size < len)
        len = (size_t)size;
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, ubuf, target, len) < 0)
        return -LX_EFAULT;
    return (int64_t)len;
}

VFS_SYS_DECL(readlink)
{
    return readlink_common(vfs, p, LX_AT_FDCWD, req->a[0], req->a[1], (int32_t)req->a[2]);
}

VFS_SYS_DECL(readlinkat)
{
    return readlink_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], req->a[2],
                           (int32_t)req->a[3]);
}

VFS_SYS_DECL(getcwd)
{
    uint64_t ubuf = req->a[0], size = req->a[1];
    int64_t len = vfs_dir_path(p->fs->cwd, p->fs->root, vfs->path, sizeof(vfs->path));
    if (len == -LX_ERANGE)
        return -LX_ENAMETOOLONG;
    if (len < 0)
        return len;
    if (size < (uint64_t)len)
        return -LX_ERANGE;
    if (vfs->env.copy_out(vfs->env.ctx, p->pid, ubuf, vfs->path, (size_t)len) < 0)
        return -LX_EFAULT;
    return len;
}

int vfs_proc_set_dir(vfs_t *vfs, vfs_proc_t *p, uint64_t upath, vfs_node_t **slot)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, LX_AT_FDCWD, upath, VFS_WALK_FOLLOW, &n);
    if (rc < 0)
        return rc;
    if (n->kind != VFS_K_DIR)
        return -LX_ENOTDIR;
    vfs_node_get(n);
    vfs_node_put(*slot);
    *slot = n;
    return 0;
}

VFS_SYS_DECL(chdir)
{
    return vfs_proc_set_dir(vfs, p, req->a[0], &p->fs->cwd);
}

VFS_SYS_DECL(umask)
{
    (void)vfs;
    uint32_t old = p->fs->umask;
    p->fs->umask = (uint32_t)req->a[0] & 0777;
    return old;
}
