/* Open file descriptions: what open() creates and fds point at. A description holds the node,
 * the shared offset and the status flags, and is counted (fd slots in any process, pending calls,
 * exec). Reads and writes are routed here by node kind (regular files' bytes: vfs_pcache.c).
 *
 * Entry points: vfs_file_new, vfs_file_get, vfs_file_put, vfs_file_readable/writable,
 * vfs_file_read, vfs_file_write, vfs_file_pread, vfs_anon_fd. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

int vfs_file_new(vfs_t *vfs, vfs_node_t *node, uint32_t flags, vfs_file_t **out)
{
    if (vfs->nfiles >= VFS_FILES_MAX)
        return -LX_ENFILE;
    vfs_file_t *f = calloc(1, sizeof(*f));
    if (!f)
        return -LX_ENOMEM;
    f->vfs = vfs;
    f->refs = 1;
    f->flags = flags;
    f->node = node;
    vfs_node_get(node);
    vfs->nfiles++;
    if (node->kind == VFS_K_REG && vfs_file_writable(f))
        node->u.reg.writers++;   /* a program cannot start from it meanwhile (ETXTBSY) */
    *out = f;
    return 0;
}

void vfs_file_get(vfs_file_t *f)
{
    f->refs++;
}

void vfs_file_put(vfs_file_t *f)
{
    if (--f->refs > 0)
        return;
    vfs_t *vfs = f->vfs;
    vfs_node_t *node = f->node;
    vfs->nfiles--;
    if (node->kind == VFS_K_REG && vfs_file_writable(f))
        node->u.reg.writers--;
    if (f->epitems)
        vfs_epoll_file_gone(vfs, f);
    /* the node reference is dropped last: the pipe must outlive the wake-ups its release
     * causes, which can re-enter pipe code through other descriptions */
    if (node->kind == VFS_K_PIDFD)
        vfs_pidfd_release(vfs, node);   /* one description per pidfd node */
    if (f->piped) {
        vfs_pipe_release(vfs, node->u.pipe, vfs_file_readable(f), vfs_file_writable(f));
        if (node->fifo)
            vfs_fifo_release(node);   /* after: the pipe must outlive its own release */
    }
    free(f);
    vfs_node_put(node);
}

bool vfs_file_readable(const vfs_file_t *f)
{
    uint32_t acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && (acc == LX_O_RDONLY || acc == LX_O_RDWR);
}

bool vfs_file_writable(const vfs_file_t *f)
{
    uint32_t acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && (acc == LX_O_WRONLY || acc == LX_O_RDWR);
}

int64_t vfs_file_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                      int64_t off)
{
    if (!vfs_file_readable(f))
        return -LX_EBADF;
    vfs_node_t *n = f->node;
    bool at_pos = off < 0;
    int64_t got;
    switch (n->kind) {
    case VFS_K_DIR:
        return -LX_EISDIR;
    case VFS_K_REG:
        got = vfs_reg_read(vfs, n, uio, at_pos ? (uint64_t)f->pos : (uint64_t)off);
        break;
    case VFS_K_PROC:
        if (n->u.proc.file == VFS_PROC_PID)   /* procmgr answers, and moves pos later */
            return vfs_procfs_delegate(vfs, req, f, uio,
                                       at_pos ? (uint64_t)f->pos : (uint64_t)off, at_pos);
        got = vfs_dev_proc_read(vfs, f, uio, at_pos ? (uint64_t)f->pos : (uint64_t)off);
        break;
    case VFS_K_PIPE:
        return at_pos ? vfs_pipe_read(vfs, req, f, uio) : -LX_ESPIPE;
    case VFS_K_DEV:
        if (!at_pos && n->u.dev == VFS_DEV_CONSOLE)
            return -LX_ESPIPE;
        return vfs_dev_read(vfs, req, f, uio);
    case VFS_K_EVENTFD:   /* anonymous files have no pread (ESPIPE) */
        return at_pos ? vfs_eventfd_read(vfs, req, f, uio) : -LX_ESPIPE;
    case VFS_K_TIMERFD:
        return at_pos ? vfs_timerfd_read(vfs, req, f, uio) : -LX_ESPIPE;
    default:
        return -LX_EINVAL;
    }
    if (got > 0 && at_pos)
        f->pos += got;
    return got;
}

int64_t vfs_file_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                       int64_t off)
{
    if (!vfs_file_writable(f))
        return -LX_EBADF;
    vfs_node_t *n = f->node;
    bool at_pos = off < 0;
    int64_t got;
    switch (n->kind) {
    case VFS_K_REG: {
        /* O_APPEND wins even over pwrite's offset, as on Linux */
        uint64_t where = (f->flags & LX_O_APPEND) ? n->u.reg.size
                         : at_pos                 ? (uint64_t)f->pos
                                                  : (uint64_t)off;
        got = vfs_reg_write(vfs, n, uio, where);
        if (got >= 0 && at_pos)
            f->pos = (int64_t)(where + (uint64_t)got);
        return got;
    }
    case VFS_K_PIPE:
        return at_pos ? vfs_pipe_write(vfs, req, f, uio) : -LX_ESPIPE;
    case VFS_K_DEV:
        if (!at_pos && n->u.dev == VFS_DEV_CONSOLE)
            return -LX_ESPIPE;
        got = vfs_dev_write(vfs, req, f, uio);
        return got;
    case VFS_K_EVENTFD:
        return at_pos ? vfs_eventfd_write(vfs, req, f, uio) : -LX_ESPIPE;
    case VFS_K_DIR:
        return -LX_EISDIR;
    default:
        return -LX_EINVAL;
    }
}

int64_t vfs_file_pread(struct vfs_file *f, void *buf, uint64_t off, uint64_t len)
{
    vfs_node_t *n = f->node;
    if (n->kind != VFS_K_REG)
        return -LX_EINVAL;
    return vfs_reg_pread(n, buf, off, len);
}

int64_t vfs_anon_fd(vfs_t *vfs, vfs_proc_t *p, enum vfs_kind kind, uint32_t flags,
                    bool cloexec, int (*init)(vfs_t *, vfs_node_t *, void *), void *arg)
{
    vfs_node_t *node = vfs_node_new(vfs, kind, 0600);   /* Linux's anon inode: no type bits */
    if (!node)
        return -LX_ENOMEM;
    int rc = init(vfs, node, arg);
    if (rc < 0) {
        free(node);   /* nothing of the kind's was made */
        return rc;
    }
    vfs_file_t *f;
    rc = vfs_file_new(vfs, node, flags, &f);
    if (rc < 0) {
        vfs_node_get(node);
        vfs_node_put(node);   /* frees the node and its state */
        return rc;
    }
    int fd = vfs_fd_install(p, f, 0, cloexec);
    if (fd < 0)
        vfs_file_put(f);
    return fd;
}
