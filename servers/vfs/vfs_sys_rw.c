/* Data-transfer syscalls on descriptors: read, write, readv, writev, pread64, pwrite64, preadv,
 * pwritev, lseek and getdents64. The transfer itself is vfs_file_read/write's business; these
 * decode the arguments into a user I/O vector and hold the description for the call's length.
 *
 * Entry points: vfs_sys_read, vfs_sys_write, vfs_sys_readv, vfs_sys_writev, vfs_sys_pread64,
 * vfs_sys_pwrite64, vfs_sys_preadv, vfs_sys_pwritev, vfs_sys_lseek, vfs_sys_getdents64. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

/* One transfer: fd, a vector built by the caller, offset (-1: the file position). */
static int64_t rw_do(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, vfs_file_t *f,
                     vfs_uio_t *uio, int64_t off, bool write)
{
    int64_t r = write ? vfs_file_write(vfs, req, f, uio, off) : vfs_file_read(vfs, req, f, uio, off);
    (void)p;
    vfs_uio_free(uio);
    vfs_file_put(f);
    return r;
}

static int64_t rw_single(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, int64_t off,
                         bool write)
{
    vfs_file_t *f = vfs_fd_get(p, vfs_arg_fd(req->a[0]));
    if (!f)
        return -LX_EBADF;
    vfs_uio_t uio;
    vfs_uio_single(&uio, p->pid, req->a[1], req->a[2]);
    return rw_do(vfs, p, req, f, &uio, off, write);
}

static int64_t rw_vector(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req, int64_t off,
                         bool write)
{
    vfs_file_t *f = vfs_fd_get(p, vfs_arg_fd(req->a[0]));
    if (!f)
        return -LX_EBADF;
    if (!(write ? vfs_file_writable(f) : vfs_file_readable(f))) {
        vfs_file_put(f);
        return -LX_EBADF;
    }
    vfs_uio_t uio;
    int rc = vfs_uio_vector(vfs, &uio, p->pid, req->a[1], req->a[2]);
    if (rc < 0) {
        vfs_file_put(f);
        return rc;
    }
    return rw_do(vfs, p, req, f, &uio, off, write);
}

VFS_SYS_DECL(read)
{
    return rw_single(vfs, p, req, -1, false);
}

VFS_SYS_DECL(write)
{
    return rw_single(vfs, p, req, -1, true);
}

VFS_SYS_DECL(pread64)
{
    if ((int64_t)req->a[3] < 0)
        return -LX_EINVAL;
    return rw_single(vfs, p, req, (int64_t)req->a[3], false);
}

VFS_SYS_DECL(pwrite64)
{
    if ((int64_t)req->a[3] < 0)
        return -LX_EINVAL;
    return rw_single(vfs, p, req, (int64_t)req->a[3], true);
}

VFS_SYS_DECL(readv)
{
    return rw_vector(vfs, p, req, -1, false);
}

VFS_SYS_DECL(writev)
{
    return rw_vector(vfs, p, req, -1, true);
}

/* preadv(fd, iov, cnt, pos_l, pos_h): on x86_64 pos_l carries the whole offset */
VFS_SYS_DECL(preadv)
{
    if ((int64_t)req->a[3] < 0)
        return -LX_EINVAL;
    return rw_vector(vfs, p, req, (int64_t)req->a[3], false);
}

VFS_SYS_DECL(pwritev)
{
    if ((int64_t)req->a[3] < 0)
        return -LX_EINVAL;
    return rw_vector(vfs, p, req, (int64_t)req->a[3], true);
}

static int64_t seek_target(vfs_file_t *f, int64_t off, unsigned whence, int64_t size)
{
    int64_t base;
    switch (whence) {
    case LX_SEEK_SET:
        base = 0;
        break;
    case LX_SEEK_CUR:
        base = f->pos;
        break;
    case LX_SEEK_END:
        base = size;
        break;
    case LX_SEEK_DATA:
        return off < 0 ? -LX_EINVAL : off >= size ? -LX_ENXIO : off;
    case LX_SEEK_HOLE:
        return off < 0 ? -LX_EINVAL : off >= size ? -LX_ENXIO : size;
    default:
        return -LX_EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off))
        return -LX_EOVERFLOW;
    if (base + off < 0)
        return -LX_EINVAL;
    return base + off;
}

VFS_SYS_DECL(lseek)
{
    (void)vfs;
    vfs_file_t *f = vfs_fd_get(p, vfs_arg_fd(req->a[0]));
    if (!f)
        return -LX_EBADF;
    int64_t off = (int64_t)req->a[1];
    unsigned whence = (unsigned)req->a[2];
    vfs_node_t *n = f->node;
    int64_t r;
    if (n->kind == VFS_K_PIPE || (n->kind == VFS_K_DEV && n->u.dev == VFS_DEV_CONSOLE)) {
        r = -LX_ESPIPE;
    } else if (n->kind == VFS_K_EVENTFD || n->kind == VFS_K_TIMERFD || n->kind == VFS_K_EPOLL) {
        r = f->pos;   /* Linux's noop_llseek: the position stays (0) */
    } else if (n->kind == VFS_K_DEV) {
        r = whence <= LX_SEEK_END ? 0 : -LX_EINVAL;   /* null, zero, full: always at 0 */
        if (r == 0)
            f->pos = 0;
    } else if (n->kind == VFS_K_DIR && whence != LX_SEEK_SET && whence != LX_SEEK_CUR) {
        r = -LX_EINVAL;   /* a directory offset is a cookie: only set or moved by 0 */
    } else {
        int64_t size = n->kind == VFS_K_REG ? (int64_t)n->u.reg.size : 0;
        r = seek_target(f, off, whence, size);
        if (r >= 0)
            f->pos = r;
    }
    vfs_file_put(f);
    return r;
}

/* ---- getdents64 ---- */

#define DENT_BUF 4096

static size_t dent_reclen(size_t namelen)
{
    return (offsetof(struct lx_linux_dirent64, d_name) + namelen + 1 + 7) & ~(size_t)7;
}

static size_t dent_put(uint8_t *buf, uint64_t ino, int64_t next, uint8_t type, const char *name)
{
    size_t len = strlen(name);
    size_t reclen = dent_reclen(len);
    struct lx_linux_dirent64 d = {.d_ino = ino, .d_off = next, .d_reclen = (uint16_t)reclen,
                                  .d_type = type};
    memset(buf, 0, reclen);
    memcpy(buf, &d, offsetof(struct lx_linux_dirent64, d_name));
    memcpy(buf + offsetof(struct lx_linux_dirent64, d_name), name, len);
    return reclen;
}

/* Fill the caller's buffer with entries from cookie f->pos on. Entries are staged in a bounded
 * server buffer and copied out a bufferful at a time; the position moves past delivered
 * entries only. */
static int64_t dents_fill(vfs_t *vfs, vfs_proc_t *p, vfs_file_t *f, uint64_t ubuf,
                          uint64_t count)
{
    vfs_node_t *dir = f->node;
    uint8_t *stage = malloc(DENT_BUF);
    if (!stage)
        return -LX_ENOMEM;
    uint64_t out = 0;   /* bytes delivered to the caller */
    size_t staged = 0;
    uint64_t pos = f->pos < VFS_COOKIE_DOT ? VFS_COOKIE_DOT : (uint64_t)f->pos;
    uint64_t delivered = pos;   /* the position after the last delivered entry */
    bool full = false, fault = false;
    size_t i = 0;
    for (;;) {
        uint64_t cookie, ino;
        const char *name;
        uint8_t type = LX_DT_DIR;
        if (pos <= VFS_COOKIE_DOT) {
            cookie = VFS_COOKIE_DOT, name = ".", ino = dir->ino;
        } else if (pos <= VFS_COOKIE_DOTDOT) {
            cookie = VFS_COOKIE_DOTDOT, name = "..";
            ino = dir == vfs->root ? dir->ino : dir->u.dir.parent->ino;
        } else {
            while (i < dir->u.dir.n && dir->u.dir.ents[i].cookie < pos)
                i++;
            if (i == dir->u.dir.n)
                break;
            const vfs_dirent_t *e = &dir->u.dir.ents[i];
            cookie = e->cookie, name = e->name, ino = e->node->ino;
            type = vfs_node_dtype(e->node);
        }
        size_t reclen = dent_reclen(strlen(name));
        if (out + staged + reclen > count) {
            full = true;
            break;
        }
        if (staged + reclen > DENT_BUF) {
            if (vfs->env.copy_out(vfs->env.ctx, p->pid, ubuf + out, stage, staged) < 0) {
                fault = true;
                break;
            }
            out += staged;
            staged = 0;
            delivered = pos;
        }
        staged += dent_put(stage + staged, ino, (int64_t)cookie + 1, type, name);
        pos = cookie + 1;
    }
    if (!fault && staged) {
        if (vfs->env.copy_out(vfs->env.ctx, p->pid, ubuf + out, stage, staged) < 0) {
            fault = true;
        } else {
            out += staged;
            delivered = pos;
        }
    }
    free(stage);
    if (out == 0 && fault)
        return -LX_EFAULT;
    if (out == 0 && full)
        return -LX_EINVAL;   /* not even one entry fits */
    f->pos = (int64_t)delivered;
    return (int64_t)out;
}

VFS_SYS_DECL(getdents64)
{
    vfs_file_t *f = vfs_fd_get(p, vfs_arg_fd(req->a[0]));
    if (!f)
        return -LX_EBADF;
    int64_t r;
    if (f->flags & LX_O_PATH)
        r = -LX_EBADF;
    else if (f->node->kind != VFS_K_DIR)
        r = -LX_ENOTDIR;
    else if (f->node->nlink == 0)
        r = -LX_ENOENT;   /* removed while open */
    else {
        if (f->node->u.dir.fd_pid)
            vfs_procfd_sync(vfs, f->node);   /* /proc/<pid>/fd: the fds open now */
        r = dents_fill(vfs, p, f, req->a[1], req->a[2]);
    }
    vfs_file_put(f);
    return r;
}
