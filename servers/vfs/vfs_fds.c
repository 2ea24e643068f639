/* Descriptor tables: slots pointing at shared, counted open file descriptions, each with its
 * own FD_CLOEXEC bit, and a bitmap of the open ones.
 *
 * The costs follow the descriptors open, not the most a table ever held (issue 13): a copy
 * (fork, vfork, posix_spawn) is sized to the highest open fd and visits only the open slots,
 * exec's CLOEXEC sweep and the last user's close-everything visit only the open slots, and the
 * lowest free fd is found 64 slots at a time. A table doubles when an fd needs room and halves
 * (or more) when its open descriptors all sit in its lowest quarter, so a process that once had
 * 500 descriptors and closed them spawns as cheaply as one that never did; between the two
 * thresholds nothing moves, so opening and closing around one size does not thrash.
 *
 * Linux's own table never shrinks; what it shows of its size (select's bound, /proc's FDSize)
 * comes from `peak`, the most slots the table ever had, so those stay as on Linux.
 *
 * Entry points: vfs_fd_slot, vfs_fd_get, vfs_fd_install, vfs_fd_install_at, vfs_fd_close,
 * vfs_fd_table_full, vfs_fd_next, vfs_files_copy, vfs_files_put, vfs_files_unshare,
 * vfs_files_close_cloexec, vfs_sys_close_range. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

#define FDS_FIRST 16   /* a table's first size */
#define FDS_KEEP  64   /* tables this small never shrink: not worth a realloc */

static int words(int nfds)
{
    return (nfds + 63) / 64;
}

static bool fd_used(const vfs_files_t *t, int fd)
{
    return fd < t->nfds && (t->used[fd / 64] >> (fd % 64) & 1);
}

/* t's slots become n (n >= top: nothing open is cut off); new slots are empty. */
static int fds_resize(vfs_files_t *t, int n)
{
    vfs_fd_t *fds = realloc(t->fds, (size_t)n * sizeof(*fds));
    if (!fds)
        return -LX_ENOMEM;
    t->fds = fds;
    uint64_t *used = realloc(t->used, (size_t)words(n) * sizeof(*used));
    if (!used && n > t->nfds)
        return -LX_ENOMEM;   /* the larger fds array is harmless: nfds still bounds it */
    if (used)
        t->used = used;      /* (a bitmap that failed to shrink is merely too long) */
    if (n > t->nfds) {
        memset(fds + t->nfds, 0, (size_t)(n - t->nfds) * sizeof(*fds));
        int w = words(t->nfds);
        memset(t->used + w, 0, (size_t)(words(n) - w) * sizeof(*used));
    }
    t->nfds = n;
    if (n > t->peak)
        t->peak = n;
    return 0;
}

static int fds_grow(vfs_files_t *t, int want)
{
    if (want <= t->nfds)
        return 0;
    int n = t->nfds ? t->nfds : FDS_FIRST;
    while (n < want)
        n *= 2;
    if (n > VFS_FD_LIMIT_MAX)
        n = VFS_FD_LIMIT_MAX;
    return fds_resize(t, n);
}

/* After a close: once every open fd is in the lowest quarter, down to twice what they need
 * (so it takes twice as many open descriptors again before the table grows back). */
static void fds_shrink(vfs_files_t *t)
{
    if (t->nfds <= FDS_KEEP || t->top > t->nfds / 4)
        return;
    int n = FDS_KEEP;
    while (n < 2 * t->top)
        n *= 2;
    (void)fds_resize(t, n);   /* a failed realloc leaves the larger table, which still works */
}

static void fd_set_slot(vfs_files_t *t, int fd, vfs_file_t *f, bool cloexec)
{
    t->fds[fd].file = f;
    t->fds[fd].cloexec = cloexec;
    t->used[fd / 64] |= 1ull << (fd % 64);
    if (fd >= t->top)
        t->top = fd + 1;
}

/* Empties an open slot; top comes down past the empty slots under it. */
static void fd_clear_slot(vfs_files_t *t, int fd)
{
    t->fds[fd].file = NULL;
    t->fds[fd].cloexec = false;
    t->used[fd / 64] &= ~(1ull << (fd % 64));
    if (fd + 1 != t->top)
        return;
    for (int w = fd / 64; w >= 0; w--)
        if (t->used[w]) {
            t->top = w * 64 + 64 - __builtin_clzll(t->used[w]);
            return;
        }
    t->top = 0;
}

int vfs_fd_next(const vfs_files_t *t, int fd)
{
    if (fd < 0)
        fd = 0;
    if (fd >= t->top)
        return -1;
    int w = fd / 64;
    uint64_t bits = t->used[w] & (~0ull << (fd % 64));
    for (;;) {
        if (bits)
            return w * 64 + __builtin_ctzll(bits);
        if (++w >= words(t->top))
            return -1;
        bits = t->used[w];
    }
}

/* The lowest fd >= minfd with no description (possibly past the slots allocated). */
static int fd_lowest_free(const vfs_files_t *t, int minfd)
{
    if (minfd >= t->top)
        return minfd;
    int w = minfd / 64;
    uint64_t busy = t->used[w] | ~(~0ull << (minfd % 64));
    for (;;) {
        if (~busy)
            return w * 64 + __builtin_ctzll(~busy);
        if (++w >= words(t->nfds))
            return w * 64;
        busy = t->used[w];
    }
}

vfs_fd_t *vfs_fd_slot(vfs_proc_t *p, int32_t fd)
{
    vfs_files_t *t = p->files;
    if (fd < 0 || !fd_used(t, fd))
        return NULL;
    return &t->fds[fd];
}

vfs_file_t *vfs_fd_get(vfs_proc_t *p, int32_t fd)
{
    vfs_fd_t *s = vfs_fd_slot(p, fd);
    if (!s)
        return NULL;
    vfs_file_get(s->file);
    return s->file;
}

bool vfs_fd_table_full(const vfs_proc_t *p)
{
    return fd_lowest_free(p->files, 0) >= p->fd_limit;
}

int vfs_fd_install(vfs_proc_t *p, vfs_file_t *f, int minfd, bool cloexec)
{
    vfs_files_t *t = p->files;
    int fd = fd_lowest_free(t, minfd < 0 ? 0 : minfd);
    if (fd >= p->fd_limit)
        return -LX_EMFILE;
    int rc = fds_grow(t, fd + 1);
    if (rc < 0)
        return rc;
    fd_set_slot(t, fd, f, cloexec);
    return fd;
}

int vfs_fd_install_at(vfs_proc_t *p, int fd, vfs_file_t *f, bool cloexec)
{
    vfs_files_t *t = p->files;
    if (fd < 0 || fd >= p->fd_limit)
        return -LX_EBADF;
    int rc = fds_grow(t, fd + 1);
    if (rc < 0)
        return rc;
    vfs_file_t *old = t->fds[fd].file;
    fd_set_slot(t, fd, f, cloexec);
    /* after the slot is updated: the old description's release may wake other calls */
    if (old)
        vfs_file_put(old);
    return fd;
}

int vfs_fd_close(vfs_proc_t *p, int32_t fd)
{
    vfs_fd_t *s = vfs_fd_slot(p, fd);
    if (!s)
        return -LX_EBADF;
    vfs_file_t *f = s->file;
    fd_clear_slot(p->files, fd);
    fds_shrink(p->files);
    /* last: the description's release may wake other calls, which may look at the table */
    vfs_file_put(f);
    return 0;
}

/* A table's last user is gone: close everything in it. The slot is cleared before each
 * description's release, which may wake other calls that look at tables. */
void vfs_files_put(vfs_files_t *t)
{
    if (--t->refs > 0)
        return;
    for (int fd = vfs_fd_next(t, 0); fd >= 0; fd = vfs_fd_next(t, fd + 1)) {
        vfs_file_t *f = t->fds[fd].file;
        fd_clear_slot(t, fd);
        vfs_file_put(f);
    }
    free(t->fds);
    free(t->used);
    free(t);
}

/* A copy of a table: the same descriptions, counted again, and the same FD_CLOEXEC bits, in a
 * table sized to the highest open fd (as Linux's dup_fd sizes it to the open files). */
vfs_files_t *vfs_files_copy(const vfs_files_t *from)
{
    vfs_files_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->refs = 1;
    if (!from || !from->top)
        return t;
    if (fds_grow(t, from->top) < 0) {
        free(t->fds);
        free(t->used);
        free(t);
        return NULL;
    }
    for (int fd = vfs_fd_next(from, 0); fd >= 0; fd = vfs_fd_next(from, fd + 1)) {
        fd_set_slot(t, fd, from->fds[fd].file, from->fds[fd].cloexec);
        vfs_file_get(t->fds[fd].file);
    }
    return t;
}

void vfs_files_close_cloexec(vfs_proc_t *p)
{
    vfs_files_t *t = p->files;
    for (int fd = vfs_fd_next(t, 0); fd >= 0; fd = vfs_fd_next(t, fd + 1))
        if (t->fds[fd].cloexec)
            vfs_fd_close(p, fd);
}

int vfs_files_unshare(vfs_proc_t *p)
{
    if (p->files->refs == 1)
        return 0;
    vfs_files_t *own = vfs_files_copy(p->files);
    if (!own)
        return -LX_ENOMEM;
    vfs_files_put(p->files);
    p->files = own;
    return 0;
}

#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4

/* close_range(first, last, flags): the open descriptors in [first, last] closed, or marked
 * FD_CLOEXEC; CLOSE_RANGE_UNSHARE gives a shared table a copy of its own first. Only the open
 * ones are visited, however wide the range (~0 is the usual last). */
VFS_SYS_DECL(close_range)
{
    (void)vfs;
    uint32_t first = (uint32_t)req->a[0], last = (uint32_t)req->a[1];
    uint32_t flags = (uint32_t)req->a[2];
    if ((flags & ~(uint32_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
        return -LX_EINVAL;
    if ((flags & CLOSE_RANGE_UNSHARE) && vfs_files_unshare(p) < 0)
        return -LX_ENOMEM;
    vfs_files_t *t = p->files;
    if (first >= (uint32_t)t->top)
        return 0;
    for (int fd = vfs_fd_next(t, (int)first); fd >= 0 && (uint32_t)fd <= last;
         fd = vfs_fd_next(t, fd + 1)) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            t->fds[fd].cloexec = true;
        else
            vfs_fd_close(p, fd);
    }
    return 0;
}
