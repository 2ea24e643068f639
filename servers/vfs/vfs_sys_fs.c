/* Calls about file systems rather than files: chroot (the caller's own "/"), statfs and
 * fstatfs (what df shows next to /proc/mounts).
 *
 * There is one file system in memory (reported as tmpfs, whose magic Linux's rootfs has), with
 * /proc inside it reported as procfs; pipes and the anonymous descriptors (eventfd, timerfd,
 * epoll) answer fstatfs as pipefs and anon_inodefs. The root's size is tmpfs's default, half of
 * the RAM, and its use the bytes regular files hold; inode counts are estimates (nodes ever
 * made).
 *
 * Entry points: vfs_sys_chroot, vfs_sys_statfs, vfs_sys_fstatfs. */
#include <string.h>
#include <lx/statfs.h>
#include "vfs_impl.h"

#define FS_PAGE 4096ull

/* chroot(path): later absolute paths, and ".." at it, stop at path's directory; the cwd stays */
VFS_SYS_DECL(chroot)
{
    return vfs_proc_set_dir(vfs, p, req->a[0], &p->fs->root);
}

static void fs_stat(vfs_t *vfs, const vfs_node_t *n, struct lx_statfs *st)
{
    memset(st, 0, sizeof(*st));
    st->f_bsize = st->f_frsize = FS_PAGE;
    st->f_namelen = LX_NAME_MAX;
    st->f_flags = LX_ST_VALID;
    if (n->procfs) {
        st->f_type = LX_PROC_SUPER_MAGIC;
        st->f_flags |= LX_ST_NOSUID | LX_ST_NODEV | LX_ST_NOEXEC | LX_ST_RELATIME;
        return;
    }
    if (n->kind == VFS_K_PIPE && !n->fifo) {
        st->f_type = LX_PIPEFS_MAGIC;
        return;
    }
    if (n->kind == VFS_K_EVENTFD || n->kind == VFS_K_TIMERFD || n->kind == VFS_K_EPOLL ||
        n->kind == VFS_K_PIDFD) {
        st->f_type = LX_ANON_INODE_FS_MAGIC;
        return;
    }
    struct vfs_sysinfo si = {0};
    if (vfs->env.sysinfo)
        vfs->env.sysinfo(vfs->env.ctx, &si);
    uint64_t pages = si.mem_total / FS_PAGE / 2;   /* tmpfs's default size= and nr_inodes= */
    if (vfs->pc.limit < pages)
        pages = vfs->pc.limit;                     /* the page cache's limit (vfs_pcache.c) */
    uint64_t used = vfs->pc.pages;
    uint64_t nodes = vfs->next_ino - 1;
    st->f_type = LX_TMPFS_MAGIC;
    st->f_blocks = pages;
    st->f_bfree = st->f_bavail = pages > used ? pages - used : 0;
    st->f_files = pages;
    st->f_ffree = pages > nodes ? pages - nodes : 0;
}

static int64_t fs_put(vfs_t *vfs, vfs_proc_t *p, const vfs_node_t *n, uint64_t ubuf)
{
    struct lx_statfs st;
    fs_stat(vfs, n, &st);
    return vfs_copy_out(vfs, p->pid, ubuf, &st, sizeof st);
}

/* statfs(path, buf) */
VFS_SYS_DECL(statfs)
{
    vfs_node_t *n;
    int rc = vfs_walk_node(vfs, p, LX_AT_FDCWD, req->a[0], VFS_WALK_FOLLOW, &n);
    return rc < 0 ? rc : fs_put(vfs, p, n, req->a[1]);
}

/* fstatfs(fd, buf): O_PATH descriptors too, as Linux */
VFS_SYS_DECL(fstatfs)
{
    vfs_fd_t *slot = vfs_fd_slot(p, vfs_arg_fd(req->a[0]));
    return slot ? fs_put(vfs, p, slot->file->node, req->a[1]) : -LX_EBADF;
}
