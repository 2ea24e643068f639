/* Named pipes (FIFOs) and mknod.
 *
 * mknod/mknodat make a FIFO (S_IFIFO), a regular file (S_IFREG or no type), or, since everyone is
 * root here (CAP_MKNOD), a character or block device node or a socket node, as Linux does on
 * tmpfs. A device node whose numbers vfs serves (1:3 null, 1:5 zero, 1:7 full, 5:0 tty,
 * 5:1 console) opens as that device; any other, and a socket node, opens with ENXIO (no driver).
 * S_IFDIR is EPERM, other types EINVAL, before the path is looked at.
 *
 * A FIFO is a pipe node with a name. Its ring exists while anyone has it open (made at the first
 * open, freed with the last description, data and all, as Linux's put_pipe_info). Opening one
 * follows Linux's fifo_open:
 *  - O_RDONLY: counts as a reader at once; without writers it waits until a writer opens
 *    (a deferred reply), unless O_NONBLOCK, which succeeds at once (and does not report POLLHUP
 *    before a writer has come and gone);
 *  - O_WRONLY: without readers, O_NONBLOCK fails ENXIO; otherwise it counts as a writer and waits
 *    until a reader opens;
 *  - O_RDWR: both at once, never waits.
 * An open that waits holds its description (so it counts as reader or writer, as on Linux) on the
 * pipe's openq; any open of the other end completes it: the descriptor is installed then. A signal
 * withdraws it (the description goes, the counts drop), and procmgr restarts it under SA_RESTART.
 * An anonymous pipe opened again through /proc/<pid>/fd/<n> never waits.
 *
 * Entry points: vfs_sys_mknod, vfs_sys_mknodat, vfs_fifo_open, vfs_fifo_release. */
#include <stdlib.h>
#include "vfs_impl.h"

#define FIFO_WAIT_WRITER 1u   /* pc->done: a reader waiting for a writer (else the reverse) */
#define FIFO_CLOEXEC     2u

/* Complete the opens that waited for the other end: each whose counter has moved. */
static void fifo_wake_openers(vfs_t *vfs, vfs_pipe_t *pipe)
{
    vfs_pending_t *pc;
again:
    for (pc = pipe->openq.head; pc; pc = pc->q_next) {
        uint64_t now = (pc->done & FIFO_WAIT_WRITER) ? pipe->w_counter : pipe->r_counter;
        if (now == pc->arg)
            continue;
        vfs_proc_t *p = vfs_proc_find(vfs, pc->pid);
        int64_t fd = -LX_ESRCH;
        if (p) {
            vfs_thr_view_t v;   /* the opener's table, which may be its thread's own */
            vfs_thread_enter(p, pc->tid, &v);
            vfs_file_get(pc->file);   /* the descriptor's own reference */
            fd = vfs_fd_install(p, pc->file, 0, pc->done & FIFO_CLOEXEC);
            if (fd < 0)
                vfs_file_put(pc->file);
            vfs_thread_leave(p, &v);
        }
        /* finishing drops the record's reference: on a failure that can close the pipe end,
         * which re-enters the pipe code, so start over */
        vfs_pending_finish(vfs, pc, fd);
        goto again;
    }
}

int64_t vfs_fifo_open(vfs_t *vfs, const vfs_req_t *req, vfs_proc_t *p, vfs_file_t *f,
                      bool cloexec)
{
    vfs_node_t *n = f->node;
    if (!(f->flags & LX_O_PATH)) {
        bool named = n->fifo, rd = vfs_file_readable(f), wr = vfs_file_writable(f);
        bool nonblock = f->flags & LX_O_NONBLOCK;
        if (!n->u.pipe && !(n->u.pipe = vfs_pipe_new())) {
            vfs_file_put(f);
            return -LX_ENOMEM;
        }
        vfs_pipe_t *pipe = n->u.pipe;
        if (named && wr && !rd && nonblock && !pipe->readers) {
            if (!pipe->files) {
                vfs_pipe_free(pipe);   /* nobody else has it open */
                n->u.pipe = NULL;
            }
            vfs_file_put(f);
            return -LX_ENXIO;
        }
        f->piped = true;
        pipe->files++;
        if (rd) {
            pipe->readers++;
            pipe->r_counter++;
        }
        if (wr) {
            pipe->writers++;
            pipe->w_counter++;
        }
        fifo_wake_openers(vfs, pipe);
        bool wait_writer = named && rd && !wr && !pipe->writers;
        bool wait_reader = named && wr && !rd && !pipe->readers;
        if (wait_writer && nonblock) {
            f->wseen = pipe->w_counter;   /* no POLLHUP until a writer has been and gone */
        } else if (wait_writer || wait_reader) {
            vfs_pending_t *pc = vfs_pending_add_ext(vfs, req, f, NULL, &pipe->openq, NULL, NULL);
            if (!pc) {
                vfs_file_put(f);
                return -LX_ENOMEM;
            }
            pc->arg = wait_writer ? pipe->w_counter : pipe->r_counter;
            pc->done = (wait_writer ? FIFO_WAIT_WRITER : 0) | (cloexec ? FIFO_CLOEXEC : 0);
            vfs_file_put(f);   /* the record holds it now */
            return VFS_SUSPEND;
        }
    }
    int fd = vfs_fd_install(p, f, 0, cloexec);
    if (fd < 0)
        vfs_file_put(f);
    return fd;
}

void vfs_fifo_release(vfs_node_t *node)
{
    vfs_pipe_t *pipe = node->u.pipe;
    if (--pipe->files == 0) {
        vfs_pipe_free(pipe);
        node->u.pipe = NULL;
    }
}

/* The device a mknod'ed node's numbers name: new_decode_dev of the syscall's 32-bit dev. */
static enum vfs_dev fifo_dev_of(uint32_t type, uint32_t dev, uint64_t *rdev)
{
    uint32_t major = (dev & 0xfff00) >> 8, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    *rdev = type == LX_S_IFCHR || type == LX_S_IFBLK ? LX_MKDEV(major, minor) : 0;
    if (type != LX_S_IFCHR)
        return VFS_DEV_NONE;
    if (major == 1 && minor == 3)
        return VFS_DEV_NULL;
    if (major == 1 && minor == 5)
        return VFS_DEV_ZERO;
    if (major == 1 && minor == 7)
        return VFS_DEV_FULL;
    if (major == 5 && (minor == 0 || minor == 1))
        return VFS_DEV_CONSOLE;
    return VFS_DEV_NONE;
}

static int64_t mknod_common(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath,
                            uint32_t mode, uint32_t dev)
{
    uint32_t type = mode & LX_S_IFMT;
    switch (type) {
    case 0:
        type = LX_S_IFREG;
        break;
    case LX_S_IFREG:
    case LX_S_IFCHR:
    case LX_S_IFBLK:
    case LX_S_IFIFO:
    case LX_S_IFSOCK:
        break;
    case LX_S_IFDIR:
        return -LX_EPERM;
    default:
        return -LX_EINVAL;
    }
    vfs_lookup_t lk;
    int rc = vfs_walk_new(vfs, p, dirfd, upath, &lk);
    if (rc < 0)
        return rc;
    if (lk.slash)
        return -LX_ENOENT;   /* "name/" names a directory, which mknod cannot make */
    uint32_t perm = mode & 07777 & ~p->fs->umask;
    enum vfs_kind kind = type == LX_S_IFREG ? VFS_K_REG : type == LX_S_IFIFO ? VFS_K_PIPE
                                                                          : VFS_K_DEV;
    vfs_node_t *n;
    rc = vfs_dir_create(lk.parent, lk.name, kind, type | perm, &n);
    if (rc < 0)
        return rc;
    if (kind == VFS_K_PIPE)
        n->fifo = true;
    else if (kind == VFS_K_DEV)
        n->u.dev = fifo_dev_of(type, dev, &n->rdev);
    return 0;
}

/* mknod(path, mode, dev) */
VFS_SYS_DECL(mknod)
{
    return mknod_common(vfs, p, LX_AT_FDCWD, req->a[0], (uint32_t)req->a[1], (uint32_t)req->a[2]);
}

/* mknodat(dirfd, path, mode, dev) */
VFS_SYS_DECL(mknodat)
{
    return mknod_common(vfs, p, vfs_arg_fd(req->a[0]), req->a[1], (uint32_t)req->a[2],
                        (uint32_t)req->a[3]);
}
