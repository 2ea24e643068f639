/* The page cache: every regular file's bytes live in a kernel memory object, which vfs maps into
 * its own address space (a "window") to read and write them, and which exec and mmap map into
 * processes (procmgr gets a capability to it). So read/write and every mapping of a file see the
 * same frames.
 *
 * Rules that keep vfs from ever faulting on its windows:
 *  - a file's object holds exactly its pages, page_up(size) / 4096 of them, every one of them
 *    allocated (mem_commit, user memory) before vfs touches it: files are never sparse, and a
 *    full machine is ENOSPC from the call that grows a file, never a fault in vfs;
 *  - vfs touches a window only below the object's size.
 * The bytes of the last page past the end of the file are kept zero (a shrink zeroes them, a
 * grow zeroes what a shared mapping may have written there), so a later grow shows zeros.
 *
 * tmpfs's size limit: the pages all regular files hold count against half of RAM, as Linux's
 * tmpfs default size=; past it a write or truncate is ENOSPC (a write stores what fits first).
 *
 * The initrd's files keep their bytes in the archive (which stays mapped) until something
 * changes them, or maps them (exec, mmap): then they are copied into an object of their own.
 *
 * Windows: one region of vfs's space each (VFS_FILE_MAX_BYTES of address space, so a window never
 * moves as its file grows), at most VFS_WINDOWS_MAX at once; past that the least recently used
 * one is unmapped (its file keeps its object and maps again when next used).
 *
 * Entry points: vfs_pcache_init, vfs_reg_set_initrd, vfs_reg_set_bytes, vfs_reg_resize,
 * vfs_reg_read, vfs_reg_write, vfs_reg_pread, vfs_reg_mem, vfs_reg_free. */
#include <string.h>
#include "vfs_impl.h"

#define PC_PAGE 4096ull

static uint64_t pc_pages_of(uint64_t bytes)
{
    return (bytes + PC_PAGE - 1) / PC_PAGE;
}

void vfs_pcache_init(vfs_t *vfs)
{
    struct vfs_sysinfo si = {0};
    if (vfs->env.sysinfo)
        vfs->env.sysinfo(vfs->env.ctx, &si);
    /* tmpfs's default size=: half of RAM (no machine facts: no limit) */
    vfs->pc.limit = si.mem_total ? si.mem_total / PC_PAGE / 2 : UINT64_MAX;
}

/* ---- windows ---- */

static void lru_unlink(vfs_t *vfs, vfs_node_t *n)
{
    vfs_node_t *p = n->u.reg.lru_prev, *q = n->u.reg.lru_next;
    if (p)
        p->u.reg.lru_next = q;
    else
        vfs->pc.lru_head = q;
    if (q)
        q->u.reg.lru_prev = p;
    else
        vfs->pc.lru_tail = p;
    n->u.reg.lru_prev = n->u.reg.lru_next = NULL;
}

static void lru_append(vfs_t *vfs, vfs_node_t *n)
{
    n->u.reg.lru_prev = vfs->pc.lru_tail;
    n->u.reg.lru_next = NULL;
    if (vfs->pc.lru_tail)
        vfs->pc.lru_tail->u.reg.lru_next = n;
    else
        vfs->pc.lru_head = n;
    vfs->pc.lru_tail = n;
}

static void win_drop(vfs_t *vfs, vfs_node_t *n)
{
    if (!n->u.reg.win)
        return;
    vfs->env.mem_unmap(vfs->env.ctx, n->u.reg.mem, n->u.reg.win);
    n->u.reg.win = NULL;
    lru_unlink(vfs, n);
    vfs->pc.windows--;
}

/* vfs's view of n's object (which it must have), mapped now if it is not; NULL: no room even
 * after letting the others go. */
static uint8_t *win_get(vfs_t *vfs, vfs_node_t *n)
{
    if (n->u.reg.win) {
        if (vfs->pc.lru_tail != n) {
            lru_unlink(vfs, n);
            lru_append(vfs, n);
        }
        return n->u.reg.win;
    }
    if (vfs->pc.windows >= VFS_WINDOWS_MAX)
        win_drop(vfs, vfs->pc.lru_head);
    uint8_t *w;
    while (!(w = vfs->env.mem_map(vfs->env.ctx, n->u.reg.mem)) && vfs->pc.lru_head)
        win_drop(vfs, vfs->pc.lru_head);   /* no address space or regions left: make room */
    if (!w)
        return NULL;
    n->u.reg.win = w;
    lru_append(vfs, n);
    vfs->pc.windows++;
    return w;
}

/* ---- the object's size ---- */

/* The object of n holds `want` pages from now on, all of them allocated: 0, or -ENOSPC (the
 * tmpfs limit) or -ENOMEM (no memory for them) with nothing changed. */
static int pc_set_pages(vfs_t *vfs, vfs_node_t *n, uint64_t want)
{
    uint64_t have = n->u.reg.pages;
    if (want == have)
        return 0;
    if (want > have) {
        if (vfs->pc.pages + (want - have) > vfs->pc.limit)
            return -LX_ENOSPC;
        if (!n->u.reg.mem) {
            int64_t h = vfs->env.mem_create(vfs->env.ctx, want * PC_PAGE);
            if (h < 0)
                return -LX_ENOMEM;
            n->u.reg.mem = h;
        } else if (vfs->env.mem_resize(vfs->env.ctx, n->u.reg.mem, want * PC_PAGE) < 0) {
            return -LX_ENOMEM;
        }
        if (vfs->env.mem_commit(vfs->env.ctx, n->u.reg.mem, have * PC_PAGE,
                                (want - have) * PC_PAGE) < 0) {
            /* a full machine: give back what the commit got */
            vfs->env.mem_resize(vfs->env.ctx, n->u.reg.mem, have * PC_PAGE);
            return -LX_ENOMEM;
        }
    } else if (vfs->env.mem_resize(vfs->env.ctx, n->u.reg.mem, want * PC_PAGE) < 0) {
        return -LX_ENOMEM;   /* the kernel could not unshare a page table to cut the mappings */
    }
    vfs->pc.pages = vfs->pc.pages - have + want;
    n->u.reg.pages = want;
    return 0;
}

/* The initrd's bytes of n into an object of its own (nothing to do for other files). */
static int pc_materialize(vfs_t *vfs, vfs_node_t *n)
{
    const uint8_t *init = n->u.reg.init;
    if (!init)
        return 0;
    uint64_t pages = n->u.reg.pages;
    n->u.reg.init = NULL;
    n->u.reg.pages = 0;
    vfs->pc.pages -= pages;   /* counted at load; pc_set_pages counts them again */
    int rc = pc_set_pages(vfs, n, pages);
    uint8_t *w = rc == 0 && pages ? win_get(vfs, n) : NULL;
    if (rc == 0 && pages && !w)
        rc = -LX_ENOMEM;
    if (rc < 0) {
        /* keep the archive's bytes: the file is unchanged */
        if (n->u.reg.pages)
            pc_set_pages(vfs, n, 0);
        n->u.reg.init = init;
        n->u.reg.pages = pages;
        vfs->pc.pages += pages;
        return rc;
    }
    memcpy(w, init, n->u.reg.size);
    return 0;
}

/* Zero [from, to) of the last page n had (bytes past its old end that a shared mapping may have
 * written): they become part of the file when it grows. */
static void pc_zero_tail(vfs_t *vfs, vfs_node_t *n, uint64_t from, uint64_t to)
{
    uint64_t page_end = pc_pages_of(from) * PC_PAGE;
    if (to > page_end)
        to = page_end;
    if (from >= to)
        return;
    uint8_t *w = win_get(vfs, n);
    if (w)
        memset(w + from, 0, to - from);
}

/* n grows to hold `end` bytes at least: 0, or -ENOSPC with *room = the bytes n may now hold
 * (at the tmpfs limit, as many pages as it still allows: a short write, as tmpfs's). */
static int pc_grow(vfs_t *vfs, vfs_node_t *n, uint64_t end, uint64_t *room)
{
    int rc = pc_set_pages(vfs, n, pc_pages_of(end));
    if (rc == -LX_ENOSPC && vfs->pc.limit > vfs->pc.pages)
        (void)pc_set_pages(vfs, n, n->u.reg.pages + (vfs->pc.limit - vfs->pc.pages));
    *room = n->u.reg.pages * PC_PAGE;
    return rc < 0 ? -LX_ENOSPC : 0;
}

/* ---- entry points ---- */

void vfs_reg_set_initrd(vfs_node_t *n, const uint8_t *data, uint64_t size)
{
    vfs_t *vfs = n->vfs;
    /* a hard link's second entry replaces the first's bytes (still the archive's: no copy) */
    if (n->u.reg.init) {
        vfs->pc.pages -= n->u.reg.pages;
        n->u.reg.init = NULL;
        n->u.reg.pages = n->u.reg.size = 0;
    }
    (void)vfs_reg_resize(n, 0);
    if (n->u.reg.mem || size == 0) {
        /* it has an object already (mapped by someone): the bytes go into it */
        (void)vfs_reg_set_bytes(n, data, size);
        return;
    }
    n->u.reg.init = data;
    n->u.reg.size = size;
    n->u.reg.pages = pc_pages_of(size);
    vfs->pc.pages += n->u.reg.pages;
}

int vfs_reg_set_bytes(vfs_node_t *n, const void *data, uint64_t size)
{
    int rc = vfs_reg_resize(n, size);
    uint8_t *w = rc == 0 && size ? win_get(n->vfs, n) : NULL;
    if (rc == 0 && size && !w)
        rc = -LX_ENOMEM;
    if (rc == 0 && size)
        memcpy(w, data, size);
    return rc;
}

int vfs_reg_resize(vfs_node_t *n, uint64_t size)
{
    vfs_t *vfs = n->vfs;
    if (size > VFS_FILE_SIZE_MAX)
        return -LX_EFBIG;
    if (size == n->u.reg.size)
        return 0;
    int rc = pc_materialize(vfs, n);
    if (rc < 0)
        return rc == -LX_ENOMEM ? -LX_ENOSPC : rc;
    uint64_t old = n->u.reg.size;
    if ((rc = pc_set_pages(vfs, n, pc_pages_of(size))) < 0)
        return size > old ? -LX_ENOSPC : rc;
    if (size > old)
        pc_zero_tail(vfs, n, old, size);
    else
        pc_zero_tail(vfs, n, size, n->u.reg.pages * PC_PAGE);   /* past the new end: zero */
    n->u.reg.size = size;
    return 0;
}

/* Where n's bytes are for reading: the archive's, or the window's; NULL: no window. */
static const uint8_t *pc_bytes(vfs_t *vfs, vfs_node_t *n)
{
    return n->u.reg.init ? n->u.reg.init : win_get(vfs, n);
}

int64_t vfs_reg_read(vfs_t *vfs, vfs_node_t *n, vfs_uio_t *uio, uint64_t off)
{
    if (off >= n->u.reg.size || uio->total == 0)
        return 0;
    uint64_t len = n->u.reg.size - off;
    if (len > uio->total)
        len = uio->total;
    const uint8_t *src = pc_bytes(vfs, n);
    if (!src)
        return -LX_EIO;
    return vfs_uio_copy_out(vfs, uio, 0, src + off, len);
}

int64_t vfs_reg_pread(vfs_node_t *n, void *buf, uint64_t off, uint64_t len)
{
    if (off >= n->u.reg.size)
        return 0;
    if (len > n->u.reg.size - off)
        len = n->u.reg.size - off;
    const uint8_t *src = pc_bytes(n->vfs, n);
    if (!src)
        return -LX_EIO;
    memcpy(buf, src + off, len);
    return (int64_t)len;
}

int64_t vfs_reg_write(vfs_t *vfs, vfs_node_t *n, vfs_uio_t *uio, uint64_t off)
{
    uint64_t len = uio->total;
    if (len == 0)
        return 0;
    if (off >= VFS_FILE_SIZE_MAX)
        return -LX_EFBIG;
    if (len > VFS_FILE_SIZE_MAX - off)
        len = VFS_FILE_SIZE_MAX - off;
    int rc = pc_materialize(vfs, n);
    if (rc < 0)
        return -LX_ENOSPC;
    uint64_t old = n->u.reg.size, room = n->u.reg.pages * PC_PAGE;
    int grow = off + len > room ? pc_grow(vfs, n, off + len, &room) : 0;
    if (off >= room)
        return grow;   /* not one byte fits */
    if (len > room - off)
        len = room - off;
    uint8_t *w = win_get(vfs, n);
    if (!w)
        return -LX_EIO;
    if (off > old)
        pc_zero_tail(vfs, n, old, off);   /* the gap reads as zeros */
    int64_t got = vfs_uio_copy_in(vfs, uio, 0, w + off, len);
    if (got < 0) {
        if (n->u.reg.pages != pc_pages_of(old))
            (void)pc_set_pages(vfs, n, pc_pages_of(old));   /* nothing was written */
        return got;
    }
    if (off + (uint64_t)got > old)
        n->u.reg.size = off + (uint64_t)got;
    if (n->u.reg.pages > pc_pages_of(n->u.reg.size))   /* a short copy: keep no spare pages */
        (void)pc_set_pages(vfs, n, pc_pages_of(n->u.reg.size));
    vfs_node_touch(n, true);
    return got;
}

int vfs_reg_mem(vfs_node_t *n, int64_t *mem)
{
    vfs_t *vfs = n->vfs;
    int rc = pc_materialize(vfs, n);
    if (rc < 0)
        return -LX_ENOMEM;
    if (!n->u.reg.mem) {
        /* an empty file: an empty object, which grows with the file under every mapping */
        int64_t h = vfs->env.mem_create(vfs->env.ctx, 0);
        if (h < 0)
            return -LX_ENOMEM;
        n->u.reg.mem = h;
    }
    *mem = n->u.reg.mem;
    return 0;
}

void vfs_reg_free(vfs_node_t *n)
{
    vfs_t *vfs = n->vfs;
    win_drop(vfs, n);
    if (n->u.reg.mem)
        vfs->env.mem_release(vfs->env.ctx, n->u.reg.mem);   /* mappings keep the object */
    vfs->pc.pages -= n->u.reg.pages;
    n->u.reg.mem = 0;
    n->u.reg.pages = 0;
}
