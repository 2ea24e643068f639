/* User I/O vectors: the caller's buffers of a read/write (one buffer) or readv/writev (a copied-in
 * iovec array), and scatter/gather copies between them and server memory through the env's
 * checked copies. A vector outlives its syscall when the call is deferred, so it holds user
 * addresses only, never pointers into the caller.
 *
 * Entry points: vfs_uio_single, vfs_uio_vector, vfs_uio_copy_out, vfs_uio_copy_in,
 * vfs_uio_copy_out_ring, vfs_uio_free. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

void vfs_uio_single(vfs_uio_t *uio, int32_t pid, uint64_t uaddr, uint64_t len)
{
    if (len > VFS_MAX_RW)
        len = VFS_MAX_RW;
    *uio = (vfs_uio_t){.pid = pid, .iovcnt = 1, .one = {uaddr, len}, .many = NULL, .total = len};
}

int vfs_uio_vector(vfs_t *vfs, vfs_uio_t *uio, int32_t pid, uint64_t uiov, uint64_t iovcnt)
{
    memset(uio, 0, sizeof(*uio));
    uio->pid = pid;
    if (iovcnt > LX_IOV_MAX)
        return -LX_EINVAL;
    if (iovcnt == 0)
        return 0;
    struct lx_iovec *v = malloc(iovcnt * sizeof(*v));
    if (!v)
        return -LX_ENOMEM;
    int rc = vfs->env.copy_in(vfs->env.ctx, pid, v, uiov, iovcnt * sizeof(*v));
    if (rc < 0) {
        free(v);
        return -LX_EFAULT;
    }
    /* As Linux: a segment longer than SSIZE_MAX is invalid; the total is clamped to
     * MAX_RW_COUNT by shortening the vector's tail. */
    uint64_t total = 0;
    for (uint64_t i = 0; i < iovcnt; i++) {
        if (v[i].iov_len > (uint64_t)INT64_MAX) {
            free(v);
            return -LX_EINVAL;
        }
        if (total + v[i].iov_len > VFS_MAX_RW)
            v[i].iov_len = VFS_MAX_RW - total;
        total += v[i].iov_len;
    }
    uio->many = v;
    uio->iovcnt = (uint32_t)iovcnt;
    uio->total = total;
    return 0;
}

static const struct lx_iovec *uio_vec(const vfs_uio_t *uio)
{
    return uio->many ? uio->many : &uio->one;
}

/* Walk the segments covering [off, off+len) of the vector, copying each piece. */
static int64_t uio_copy(vfs_t *vfs, const vfs_uio_t *uio, uint64_t off, uint8_t *mem,
                        uint64_t len, bool out)
{
    const struct lx_iovec *v = uio_vec(uio);
    uint64_t done = 0;
    for (uint32_t i = 0; i < uio->iovcnt && done < len; i++) {
        if (off >= v[i].iov_len) {
            off -= v[i].iov_len;
            continue;
        }
        uint64_t n = v[i].iov_len - off;
        if (n > len - done)
            n = len - done;
        int rc = out ? vfs->env.copy_out(vfs->env.ctx, uio->pid, v[i].iov_base + off,
                                         mem + done, n)
                     : vfs->env.copy_in(vfs->env.ctx, uio->pid, mem + done,
                                        v[i].iov_base + off, n);
        if (rc < 0)
            return done ? (int64_t)done : -LX_EFAULT;
        done += n;
        off = 0;
    }
    return (int64_t)done;
}

int64_t vfs_uio_copy_out(vfs_t *vfs, const vfs_uio_t *uio, uint64_t off, const void *src,
                         uint64_t len)
{
    return uio_copy(vfs, uio, off, (uint8_t *)(uintptr_t)src, len, true);
}

int64_t vfs_uio_copy_in(vfs_t *vfs, const vfs_uio_t *uio, uint64_t off, void *dst, uint64_t len)
{
    return uio_copy(vfs, uio, off, dst, len, false);
}

void vfs_uio_free(vfs_uio_t *uio)
{
    if (uio->many) /* a single segment's (every read and write's) has nothing to free */
        free(uio->many);
    uio->many = NULL;
    uio->iovcnt = 0;
    uio->total = 0;
}

int64_t vfs_uio_copy_out_ring(vfs_t *vfs, const vfs_uio_t *uio, const uint8_t *ring, uint64_t size,
                              uint64_t head, uint64_t n)
{
    uint64_t first = size - head;
    if (first > n)
        first = n;
    int64_t got = vfs_uio_copy_out(vfs, uio, 0, ring + head, first);
    if (got < 0)
        return got;
    if ((uint64_t)got == first && n > first) { /* the wrapped part, from the ring's start */
        int64_t more = vfs_uio_copy_out(vfs, uio, first, ring, n - first);
        if (more > 0)
            got += more;
    }
    return got;
}
