/* What procmgr needs to map a file into a process (exec's program, mmap of a descriptor): the
 * file's memory object from the page cache (vfs_pcache.c), whether the description allows a
 * shared writable mapping, and the name /proc/<pid>/maps shows. vfs decides who may map what;
 * the glue hands procmgr a capability to the object with the rights that follow (read-only for
 * exec and for descriptors not open for writing).
 *
 * A program's file is denied writing while processes run it (ETXTBSY: vfs_sys_open.c, truncate),
 * as Linux's deny_write_access: their text is the file's pages. exec's mapping takes a denial
 * (an id procmgr keeps with the program's record) and procmgr gives it back when the last range
 * mapping the program goes (vfs_exec_unmap).
 *
 * Entry points: vfs_exec_map_info, vfs_exec_unmap, vfs_exec_denials_free, vfs_mmap_open. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

static int map_info(vfs_node_t *n, struct vfs_map_info *mi)
{
    memset(mi, 0, sizeof *mi);
    int rc = vfs_reg_mem(n, &mi->mem);
    if (rc < 0)
        return rc;
    mi->size = n->u.reg.size;
    mi->dev = VFS_STDEV;
    mi->ino = n->ino;
    return 0;
}

static void name_copy(char *dst, size_t size, const char *src)
{
    if (!size)
        return;
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A denial of writing n: its id (> 0), or 0 without memory. */
static uint64_t deny_take(vfs_t *vfs, vfs_node_t *n)
{
    size_t i = 0;
    while (i < vfs->pc.ndenials && vfs->pc.denials[i])
        i++;
    if (i == vfs->pc.ndenials) {
        size_t cap = vfs->pc.ndenials ? vfs->pc.ndenials * 2 : 16;
        vfs_node_t **d = realloc(vfs->pc.denials, cap * sizeof *d);
        if (!d)
            return 0;
        memset(d + vfs->pc.ndenials, 0, (cap - vfs->pc.ndenials) * sizeof *d);
        vfs->pc.denials = d;
        vfs->pc.ndenials = cap;
    }
    vfs->pc.denials[i] = n;
    vfs_node_get(n);
    n->u.reg.exec_maps++;
    return i + 1;
}

int vfs_exec_unmap(vfs_t *vfs, uint64_t deny)
{
    if (deny == 0 || deny > vfs->pc.ndenials || !vfs->pc.denials[deny - 1])
        return -LX_ENOENT;
    vfs_node_t *n = vfs->pc.denials[deny - 1];
    vfs->pc.denials[deny - 1] = NULL;
    n->u.reg.exec_maps--;
    vfs_node_put(n);
    return 0;
}

void vfs_exec_denials_free(vfs_t *vfs)
{
    for (size_t i = 0; i < vfs->pc.ndenials; i++)
        if (vfs->pc.denials[i])
            vfs_exec_unmap(vfs, i + 1);
    free(vfs->pc.denials);
    vfs->pc.denials = NULL;
    vfs->pc.ndenials = 0;
}

int vfs_exec_map_info(vfs_t *vfs, int32_t pid, struct vfs_file *f, struct vfs_map_info *mi,
                      char *path, size_t size, uint64_t *deny)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p || f->node->kind != VFS_K_REG)
        return -LX_EINVAL;
    int rc = map_info(f->node, mi);
    if (rc < 0)
        return rc;
    if (!(*deny = deny_take(vfs, f->node)))
        return -LX_ENOMEM;
    name_copy(path, size, p->exec_node == f->node && p->exec_path ? p->exec_path : "");
    return 0;
}

int vfs_mmap_open(vfs_t *vfs, int32_t pid, int32_t fd, bool shared, bool write,
                  struct vfs_map_info *mi, char *path, size_t size)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    vfs_fd_t *slot = vfs_fd_slot(p, fd);
    if (!slot || (slot->file->flags & LX_O_PATH))
        return -LX_EBADF;
    vfs_file_t *f = slot->file;
    vfs_node_t *n = f->node;
    /* Linux's do_mmap order: a shared writable mapping needs a writable description, every
     * mapping a readable one, and the file must have something to map */
    if (shared && write && !vfs_file_writable(f))
        return -LX_EACCES;
    if (!vfs_file_readable(f))
        return -LX_EACCES;
    if (n->kind == VFS_K_DEV && n->u.dev == VFS_DEV_ZERO) {
        memset(mi, 0, sizeof *mi);
        mi->zero = true;
        mi->writable = true;
        mi->dev = VFS_STDEV;
        mi->ino = n->ino;
        name_copy(path, size, "/dev/zero");
        return 0;
    }
    if (n->kind != VFS_K_REG)
        return -LX_ENODEV;
    int rc = map_info(n, mi);
    if (rc < 0)
        return rc;
    mi->writable = vfs_file_writable(f);
    if (size) {
        size_t len = vfs_file_describe(vfs, n, path, size);
        path[len] = '\0';
    }
    return 0;
}
