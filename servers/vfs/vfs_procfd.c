/* The parts of /proc/<pid>/ that are vfs's own state: exe (the program exec committed), fd/ (one
 * link per open descriptor) and mounts.
 *
 * exe and fd/<n> are Linux's magic links. readlink shows a path (the program's as exec opened
 * it, or a descriptor's file's name found in the tree; " (deleted)" if it has none any more),
 * "pipe:[ino]" for a pipe, "anon_inode:[eventfd]" and the like for the anonymous descriptors.
 * Path resolution does not follow that text: it goes straight to the file itself
 * (vfs_procfd_follow), so /proc/self/fd/3 opens a pipe or a deleted file too.
 *
 * fd/ is a directory whose entries are made from the fd table when it is looked in or listed
 * (vfs_procfd_sync), so it always shows the descriptors open at that moment, in fd order, with
 * Linux's modes (lrwx------ read-write, lr-x------ read-only, l-wx------ write-only).
 *
 * Entry points: vfs_procfd_add, vfs_procfd_sync, vfs_procfd_follow, vfs_procfd_describe,
 * vfs_file_describe. */
#include <string.h>
#include "vfs_impl.h"

int vfs_procfd_add(vfs_t *vfs, vfs_node_t *piddir, int32_t pid)
{
    (void)vfs;
    vfs_node_t *exe, *fd, *mounts;
    int rc = vfs_dir_create(piddir, "exe", VFS_K_LNK, LX_S_IFLNK | 0777, &exe);
    if (rc == 0) {
        exe->u.lnk.magic = VFS_LNK_EXE;
        exe->u.lnk.pid = pid;
        rc = vfs_dir_create(piddir, "fd", VFS_K_DIR, LX_S_IFDIR | 0500, &fd);
    }
    if (rc == 0) {
        fd->u.dir.fd_pid = pid;
        rc = vfs_dir_create(piddir, "mounts", VFS_K_PROC, LX_S_IFREG | 0444, &mounts);
    }
    if (rc == 0) {
        mounts->u.proc.file = VFS_PROC_MOUNTS;
        exe->procfs = fd->procfs = mounts->procfs = true;
    }
    return rc;
}

static uint32_t fd_link_mode(const vfs_file_t *f)
{
    uint32_t mode = 0;
    if (vfs_file_readable(f))
        mode |= 0500;
    if (vfs_file_writable(f))
        mode |= 0300;
    return LX_S_IFLNK | mode;
}

static void fd_dir_clear(vfs_node_t *dir)
{
    char name[LX_NAME_MAX + 1];
    while (dir->u.dir.n) {
        strcpy(name, dir->u.dir.ents[0].name);   /* unlinking frees the entry's name */
        vfs_dir_unlink(dir, name);
    }
}

void vfs_procfd_sync(vfs_t *vfs, vfs_node_t *dir)
{
    vfs_proc_t *p = dir->nlink ? vfs_proc_find(vfs, dir->u.dir.fd_pid) : NULL;
    /* the same descriptors as listed already: only the modes may have changed (dup2) */
    bool same = true;
    size_t k = 0;
    for (int fd = p ? vfs_fd_next(p->files, 0) : -1; fd >= 0; fd = vfs_fd_next(p->files, fd + 1)) {
        if (k >= dir->u.dir.n || dir->u.dir.ents[k].node->u.lnk.fd != fd)
            same = false;
        else
            dir->u.dir.ents[k].node->mode = fd_link_mode(p->files->fds[fd].file);
        k++;
    }
    if (same && k == dir->u.dir.n)
        return;
    /* rebuilt in fd order; a link node someone still holds lives on unlinked */
    fd_dir_clear(dir);
    for (int fd = p ? vfs_fd_next(p->files, 0) : -1; fd >= 0; fd = vfs_fd_next(p->files, fd + 1)) {
        char name[16];
        name[vfs_fmt_u64(name, (uint64_t)fd)] = '\0';
        vfs_node_t *n;
        if (vfs_dir_create(dir, name, VFS_K_LNK, fd_link_mode(p->files->fds[fd].file), &n) < 0)
            break;   /* out of memory: a shorter listing */
        n->procfs = true;
        n->u.lnk.magic = VFS_LNK_FD;
        n->u.lnk.pid = p->pid;
        n->u.lnk.fd = fd;
    }
}

vfs_node_t *vfs_procfd_follow(vfs_t *vfs, const vfs_node_t *lnk)
{
    vfs_proc_t *p = vfs_proc_find(vfs, lnk->u.lnk.pid);
    if (!p)
        return NULL;
    if (lnk->u.lnk.magic == VFS_LNK_EXE)
        return p->exe;
    vfs_fd_t *slot = vfs_fd_slot(p, lnk->u.lnk.fd);
    return slot ? slot->file->node : NULL;
}

/* Append s to buf[*len] (size bytes in all, one kept for the NUL). */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
}

/* Where node n has a name: its directory and the entry, searched depth first from dir. */
static const vfs_dirent_t *tree_find(const vfs_node_t *dir, const vfs_node_t *n,
                                     const vfs_node_t **in)
{
    for (size_t i = 0; i < dir->u.dir.n; i++) {
        if (dir->u.dir.ents[i].node == n) {
            *in = dir;
            return &dir->u.dir.ents[i];
        }
    }
    for (size_t i = 0; i < dir->u.dir.n; i++) {
        const vfs_node_t *c = dir->u.dir.ents[i].node;
        const vfs_dirent_t *e = c->kind == VFS_K_DIR ? tree_find(c, n, in) : NULL;
        if (e)
            return e;
    }
    return NULL;
}

size_t vfs_file_describe(vfs_t *vfs, const vfs_node_t *n, char *buf, size_t size)
{
    size_t len = 0;
    const char *anon = n->kind == VFS_K_EVENTFD ? "anon_inode:[eventfd]"
                       : n->kind == VFS_K_TIMERFD ? "anon_inode:[timerfd]"
                       : n->kind == VFS_K_EPOLL   ? "anon_inode:[eventpoll]"
                       : n->kind == VFS_K_PIDFD   ? "anon_inode:[pidfd]"
                                                  : NULL;
    if (anon) {
        put(buf, size, &len, anon);
        return len;
    }
    if (n->kind == VFS_K_PIPE && !n->fifo) {
        char ino[24];
        ino[vfs_fmt_u64(ino, n->ino)] = '\0';
        put(buf, size, &len, "pipe:[");
        put(buf, size, &len, ino);
        put(buf, size, &len, "]");
        return len;
    }
    const vfs_node_t *dir = n;
    const char *name = NULL;
    if (n->kind != VFS_K_DIR) {
        const vfs_dirent_t *e = tree_find(vfs->root, n, &dir);
        name = e ? e->name : NULL;
        if (!e)
            dir = NULL;
    }
    int64_t dlen = dir ? vfs_dir_path(dir, NULL, buf, size) : -LX_ENOENT;
    if (dlen < 0) {
        put(buf, size, &len, "/ (deleted)");   /* its name is gone: Linux keeps the old one */
        return len;
    }
    len = (size_t)dlen - 1;
    if (name) {
        if (len > 1)
            put(buf, size, &len, "/");
        put(buf, size, &len, name);
    }
    return len;
}

size_t vfs_procfd_describe(vfs_t *vfs, const vfs_node_t *lnk, char *buf, size_t size)
{
    vfs_proc_t *p = vfs_proc_find(vfs, lnk->u.lnk.pid);
    size_t len = 0;
    if (!p)
        return 0;
    if (lnk->u.lnk.magic == VFS_LNK_EXE) {
        if (p->exe) {
            put(buf, size, &len, p->exe_path);
            if (p->exe->nlink == 0)
                put(buf, size, &len, " (deleted)");
        }
        return len;
    }
    vfs_fd_t *slot = vfs_fd_slot(p, lnk->u.lnk.fd);
    return slot ? vfs_file_describe(vfs, slot->file->node, buf, size) : 0;
}
