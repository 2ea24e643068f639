/* open, openat and creat: resolve (or create) the file, apply O_TRUNC, make a description and
 * give it the lowest free descriptor.
 *
 * Linux's order of checks is kept where programs can tell: EMFILE before anything is created;
 * O_CREAT|O_EXCL never follows a final symlink; O_NOFOLLOW on a symlink is ELOOP (unless
 * O_PATH); directories cannot be opened for writing, with O_CREAT or with O_TRUNC (EISDIR);
 * O_TRUNC truncates even a read-only open, as Linux does; a running program's file cannot be
 * opened for writing or truncated (ETXTBSY: its processes map its pages). A pipe node (a FIFO, or a pipe reached
 * through /proc/<pid>/fd) opens by vfs_fifo_open's rules, which may make the open wait; a device
 * node no driver here answers is ENXIO. Opening the console makes it the controlling terminal of
 * a session leader that has none (unless O_NOCTTY); /dev/tty is the caller's controlling
 * terminal, ENXIO without one.
 *
 * Entry points: vfs_sys_open, vfs_sys_openat, vfs_sys_creat. */
#include "vfs_impl.h"

/* Status flags a description keeps (what F_GETFL reports). */
#define OPEN_KEPT_FLAGS                                                                          \
    (LX_O_ACCMODE | LX_O_APPEND | LX_O_NONBLOCK | LX_O_DSYNC | LX_O_ASYNC | LX_O_DIRECT |         \
     LX_O_LARGEFILE | LX_O_NOATIME | LX_O_SYNC | LX_O_PATH)
/* What O_PATH leaves of the flags (Linux's O_PATH_FLAGS) */
#define OPEN_PATH_FLAGS (LX_O_DIRECTORY | LX_O_NOFOLLOW | LX_O_PATH | LX_O_CLOEXEC)

/* The node to open, creating it for O_CREAT; *created tells O_TRUNC to skip a new file. */
static int open_resolve(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                        uint32_t flags, uint32_t mode, vfs_node_t **out)
{
    bool creat = flags & LX_O_CREAT;
    bool excl = creat && (flags & LX_O_EXCL);
    unsigned wflags = (flags & LX_O_NOFOLLOW) || excl ? 0 : VFS_WALK_FOLLOW;
    vfs_lookup_t lk;
    int rc = vfs_walk_user(vfs, p, dirfd, upath, wflags, &lk);
    if (rc < 0)
        return rc;
    vfs_node_t *n = lk.node;
    if (!n) {
        if (!creat)
            return -LX_ENOENT;
        if (lk.slash)
            return -LX_EISDIR;
        if (lk.parent->procfs)
            return -LX_EACCES;   /* Linux's answer for a directory without ->create */
        rc = vfs_lookup_can_create(&lk);
        if (rc < 0)
            return rc;
        return vfs_dir_create(lk.parent, lk.name, VFS_K_REG,
                              LX_S_IFREG | (mode & 07777 & ~p->fs->umask), out);
    }
    if (excl)
        return -LX_EEXIST;
    if (n->kind == VFS_K_LNK && !(flags & LX_O_PATH))
        return -LX_ELOOP;   /* only reached with O_NOFOLLOW */
    if ((flags & LX_O_DIRECTORY) && n->kind != VFS_K_DIR)
        return -LX_ENOTDIR;
    if (!(flags & LX_O_PATH)) {
        bool wants_write = (flags & LX_O_ACCMODE) != LX_O_RDONLY || (flags & LX_O_TRUNC);
        if (n->kind == VFS_K_DIR && (wants_write || creat))
            return -LX_EISDIR;
        if (n->kind == VFS_K_PROC && (flags & LX_O_ACCMODE) != LX_O_RDONLY)
            return -LX_EACCES;
        if (n->kind == VFS_K_DEV && n->u.dev == VFS_DEV_NONE)
            return -LX_ENXIO;
        if (n->kind == VFS_K_REG && wants_write && n->u.reg.exec_maps)
            return -LX_ETXTBSY;   /* a running program's pages are this file's */
        if ((flags & LX_O_TRUNC) && n->kind == VFS_K_REG && n->u.reg.size > 0) {
            rc = vfs_reg_resize(n, 0);
            if (rc < 0)
                return rc;
            vfs_node_touch(n, true);
        }
    }
    *out = n;
    return 0;
}

static int64_t open_common(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, int32_t dirfd,
                           uint64_t upath, uint32_t flags, uint32_t mode)
{
    if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
        return -LX_EOPNOTSUPP;
    if (flags & LX_O_PATH)
        flags &= OPEN_PATH_FLAGS;
    if (vfs_fd_table_full(p))
        return -LX_EMFILE;
    vfs_node_t *n;
    int rc = open_resolve(vfs, p, dirfd, upath, flags, mode, &n);
    if (rc < 0)
        return rc;
    bool tty = !(flags & LX_O_PATH) && n->kind == VFS_K_DEV && n->u.dev == VFS_DEV_CONSOLE;
    if (tty && n->rdev == LX_MKDEV(5, 0) && !p->ctty)
        return -LX_ENXIO; /* /dev/tty without a controlling terminal */
    vfs_file_t *f;
    /* x86_64 Linux forces O_LARGEFILE on every open, and F_GETFL shows it */
    rc = vfs_file_new(vfs, n, (flags & OPEN_KEPT_FLAGS) | LX_O_LARGEFILE, &f);
    if (rc < 0)
        return rc;
    if (n->kind == VFS_K_PIPE)
        return vfs_fifo_open(vfs, req, p, f, flags & LX_O_CLOEXEC);
    int fd = vfs_fd_install(p, f, 0, flags & LX_O_CLOEXEC);
    if (fd < 0)
        vfs_file_put(f);
    else if (tty)
        vfs_console_opened(vfs, p, flags);
    return fd;
}

VFS_SYS_DECL(open)
{
    return open_common(vfs, p, req, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1],
                       (uint32_t)req->a[2]);
}

VFS_SYS_DECL(openat)
{
    return open_common(vfs, p, req, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2],
                       (uint32_t)req->a[3]);
}

VFS_SYS_DECL(creat)
{
    return open_common(vfs, p, req, LX_AT_FDCWD, req->a[0],
                       LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, (uint32_t)req->a[1]);
}
