/* Syscalls that add, remove or move names: mkdir, mkdirat, rmdir, unlink, unlinkat, symlink,
 * symlinkat, link, linkat, rename, renameat, renameat2 (flags 0 or RENAME_NOREPLACE).
 *
 * They walk with VFS_WALK_PARENT: the last component is the name acted on, never followed.
 *
 * Entry points: vfs_sys_<name> for each of the above. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

static int64_t mkdir_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                            uint32_t mode)
{
    vfs_lookup_t lk;
    int rc = vfs_walk_new(vfs, p, dirfd, upath, &lk);
    if (rc < 0)
        return rc;
    return vfs_dir_create(lk.parent, lk.name, VFS_K_DIR,
                          LX_S_IFDIR | (mode & 01777 & ~p->fs->umask), NULL);
}

VFS_SYS_DECL(mkdir)
{
    return mkdir_common(vfs, p, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1]);
}

VFS_SYS_DECL(mkdirat)
{
    return mkdir_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2]);
}

static int64_t rmdir_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath)
{
    vfs_lookup_t lk;
    int rc = vfs_walk_user(vfs, p, dirfd, upath, VFS_WALK_PARENT, &lk);
    if (rc < 0)
        return rc;
    switch (lk.last) {
    case VFS_LAST_DOT:
        return -LX_EINVAL;
    case VFS_LAST_DOTDOT:
        return -LX_ENOTEMPTY;
    case VFS_LAST_ROOT:
        return -LX_EBUSY;
    default:
        break;
    }
    vfs_node_t *n = lk.node;
    if (!n)
        return -LX_ENOENT;
    if (n->kind != VFS_K_DIR)
        return -LX_ENOTDIR;
    if (n->procfs)
        return -LX_EPERM;   /* /proc/<pid>/ goes when its process does */
    if (!vfs_dir_is_empty(n))
        return -LX_ENOTEMPTY;
    vfs_dir_unlink(lk.parent, lk.name);
    return 0;
}

static int64_t unlink_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath)
{
    vfs_lookup_t lk;
    int rc = vfs_walk_user(vfs, p, dirfd, upath, VFS_WALK_PARENT, &lk);
    if (rc < 0)
        return rc;
    if (lk.last != VFS_LAST_NORM)
        return -LX_EISDIR;
    vfs_node_t *n = lk.node;
    if (!n)
        return -LX_ENOENT;
    if (n->kind == VFS_K_DIR)
        return -LX_EISDIR;
    if (n->procfs)
        return -LX_EPERM;
    vfs_dir_unlink(lk.parent, lk.name);
    return 0;
}

VFS_SYS_DECL(rmdir)
{
    return rmdir_common(vfs, p, LX_AT_FDCWD, req->a[0]);
}

VFS_SYS_DECL(unlink)
{
    return unlink_common(vfs, p, LX_AT_FDCWD, req->a[0]);
}

VFS_SYS_DECL(unlinkat)
{
    uint32_t flags = (uint32_t)req->a[2];
    if (flags & ~(uint32_t)LX_AT_REMOVEDIR)
        return -LX_EINVAL;
    if (flags & LX_AT_REMOVEDIR)
        return rmdir_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1]);
    return unlink_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1]);
}

static int64_t symlink_common(vfs_t *vfs, vfs_proc_t *p, uint64_t utarget, int32_t dirfd,
                              uint64_t upath)
{
    int64_t tlen = vfs->env.copy_str_in(vfs->env.ctx, p->pid, vfs->path2, utarget, LX_PATH_MAX);
    if (tlen < 0)
        return tlen;
    if (tlen == 0)
        return -LX_ENOENT;
    vfs_lookup_t lk;
    int rc = vfs_walk_new(vfs, p, dirfd, upath, &lk);
    if (rc < 0)
        return rc;
    char *target = malloc((size_t)tlen + 1);
    if (!target)
        return -LX_ENOMEM;
    memcpy(target, vfs->path2, (size_t)tlen + 1);
    vfs_node_t *n;
    rc = vfs_dir_create(lk.parent, lk.name, VFS_K_LNK, LX_S_IFLNK | 0777, &n);
    if (rc < 0) {
        free(target);
        return rc;
    }
    n->u.lnk.target = target;
    return 0;
}

VFS_SYS_DECL(symlink)
{
    return symlink_common(vfs, p, req->a[0], LX_AT_FDCWD, req->a[1]);
}

VFS_SYS_DECL(symlinkat)
{
    return symlink_common(vfs, p, req->a[0], vfs_arg_fd(req->a[1]), req->a[2]);
}

static int64_t link_common(vfs_t *vfs, vfs_proc_t *p, int32_t olddirfd, uint64_t uold,
                           int32_t newdirfd, uint64_t unew, uint32_t flags)
{
    if (flags & ~(uint32_t)(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    unsigned wflags = (flags & LX_AT_SYMLINK_FOLLOW) ? VFS_WALK_FOLLOW : 0;
    if (flags & LX_AT_EMPTY_PATH)
        wflags |= VFS_WALK_EMPTY;
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, olddirfd, uold, wflags, &n);
    if (rc < 0)
        return rc;
    if (n->kind == VFS_K_DIR)
        return -LX_EPERM;
    if ((n->kind == VFS_K_PIPE && !n->fifo) || n->nlink == 0)
        return -LX_ENOENT;   /* an anonymous or deleted file cannot be given a name */
    if (n->procfs)
        return -LX_EXDEV;    /* procfs is another file system on Linux */
    vfs_lookup_t lk;
    rc = vfs_walk_new(vfs, p, newdirfd, unew, &lk);
    if (rc < 0)
        return rc;
    if (lk.slash)
        return -LX_ENOENT;
    rc = vfs_dir_link(lk.parent, lk.name, n);
    if (rc == 0)
        vfs_node_touch(n, false);
    return rc;
}

VFS_SYS_DECL(link)
{
    return link_common(vfs, p, LX_AT_FDCWD, req->a[0], LX_AT_FDCWD, req->a[1], 0);
}

VFS_SYS_DECL(linkat)
{
    return link_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], vfs_arg_fd(req->a[2]),
                       req->a[3], (uint32_t)req->a[4]);
}

/* Would moving dir under newparent put it inside itself? */
static bool rename_into_self(const vfs_t *vfs, const vfs_node_t *dir, const vfs_node_t *newparent)
{
    for (const vfs_node_t *d = newparent; d != vfs->root; d = d->u.dir.parent)
        if (d == dir)
            return true;
    return false;
}

static int rename_check(const vfs_t *vfs, const vfs_lookup_t *lo, const vfs_lookup_t *ln,
                        uint32_t flags)
{
    if (lo->last != VFS_LAST_NORM || ln->last != VFS_LAST_NORM)
        return -LX_EBUSY;
    vfs_node_t *src = lo->node, *dst = ln->node;
    if (!src)
        return -LX_ENOENT;
    if (src->procfs || (dst && dst->procfs) || ln->parent->procfs)
        return -LX_EPERM;   /* vfs keeps /proc in step with the processes */
    if (ln->parent->nlink == 0)
        return -LX_ENOENT;
    if (src->kind != VFS_K_DIR && (lo->slash || ln->slash))
        return -LX_ENOTDIR;
    if (src == dst)
        return 0;
    if (dst && (flags & LX_RENAME_NOREPLACE))
        return -LX_EEXIST;
    if (src->kind == VFS_K_DIR) {
        if (dst && dst->kind != VFS_K_DIR)
            return -LX_ENOTDIR;
        if (dst && !vfs_dir_is_empty(dst))
            return -LX_ENOTEMPTY;
        if (rename_into_self(vfs, src, ln->parent))
            return -LX_EINVAL;
    } else if (dst && dst->kind == VFS_K_DIR) {
        return -LX_EISDIR;
    }
    return 0;
}

static int64_t rename_common(vfs_t *vfs, vfs_proc_t *p, int32_t olddirfd, uint64_t uold,
                             int32_t newdirfd, uint64_t unew, uint32_t flags)
{
    if (flags & ~(uint32_t)LX_RENAME_NOREPLACE)
        return -LX_EINVAL;   /* RENAME_EXCHANGE and RENAME_WHITEOUT are not offered */
    vfs_lookup_t lo, ln;
    int rc = vfs_walk_user(vfs, p, olddirfd, uold, VFS_WALK_PARENT, &lo);
    if (rc < 0)
        return rc;
    rc = vfs_walk_user(vfs, p, newdirfd, unew, VFS_WALK_PARENT, &ln);
    if (rc < 0)
        return rc;
    rc = rename_check(vfs, &lo, &ln, flags);
    if (rc < 0 || lo.node == ln.node)
        return rc;
    vfs_node_t *src = lo.node;
    /* hold src while it is in no directory */
    vfs_node_get(src);
    if (ln.node)
        vfs_dir_unlink(ln.parent, ln.name);
    vfs_dir_unlink(lo.parent, lo.name);
    rc = vfs_dir_link(ln.parent, ln.name, src);
    /* out of memory: put it back where it was (a replaced destination stays gone) */
    if (rc < 0 && vfs_dir_link(lo.parent, lo.name, src) < 0)
        rc = -LX_EIO;
    if (rc == 0)
        vfs_node_touch(src, false);
    vfs_node_put(src);
    return rc;
}

VFS_SYS_DECL(rename)
{
    return rename_common(vfs, p, LX_AT_FDCWD, req->a[0], LX_AT_FDCWD, req->a[1], 0);
}

VFS_SYS_DECL(renameat)
{
    return rename_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], vfs_arg_fd(req->a[2]),
                         req->a[3], 0);
}

VFS_SYS_DECL(renameat2)
{
    return rename_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], vfs_arg_fd(req->a[2]),
                         req->a[3], (uint32_t)req->a[4]);
}
