/* The fixed part of the tree and its special files: /dev (null, zero, full, console, tty), /tmp
 * and /proc/sys/fs/file-nr, whose text is generated on each read (/proc/self and /proc/<pid>/
 * are vfs_procfs.c's; the reads of the other generated /proc files come here too and are made
 * by vfs_procinfo.c).
 *
 * Entry points: vfs_dev_populate, vfs_dev_read, vfs_dev_write, vfs_dev_proc_read,
 * vfs_fmt_u64. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

static const uint8_t dev_zeros[4096];

/* An existing directory is kept (the initrd may bring its own /dev), otherwise made. */
static int dev_mkdir(vfs_node_t *parent, const char *name, uint32_t perm, vfs_node_t **out)
{
    vfs_node_t *n = vfs_dir_lookup(parent, name, strlen(name));
    if (n) {
        *out = n;
        return n->kind == VFS_K_DIR ? 0 : -LX_ENOTDIR;
    }
    return vfs_dir_create(parent, name, VFS_K_DIR, LX_S_IFDIR | perm, out);
}

static int dev_mknod(vfs_node_t *dir, const char *name, enum vfs_dev dev, uint32_t perm,
                     unsigned major, unsigned minor)
{
    vfs_node_t *n;
    int rc = vfs_dir_create(dir, name, VFS_K_DEV, LX_S_IFCHR | perm, &n);
    if (rc < 0)
        return rc;
    n->u.dev = dev;
    n->rdev = LX_MKDEV(major, minor);
    return 0;
}

int vfs_dev_populate(vfs_t *vfs)
{
    vfs_node_t *dev, *tmp, *proc, *sys, *fs, *filenr;
    int rc = dev_mkdir(vfs->root, "dev", 0755, &dev);
    if (rc == 0)
        rc = dev_mknod(dev, "null", VFS_DEV_NULL, 0666, 1, 3);
    if (rc == 0)
        rc = dev_mknod(dev, "zero", VFS_DEV_ZERO, 0666, 1, 5);
    if (rc == 0)
        rc = dev_mknod(dev, "full", VFS_DEV_FULL, 0666, 1, 7);
    if (rc == 0)
        rc = dev_mknod(dev, "console", VFS_DEV_CONSOLE, 0600, 5, 1);
    if (rc == 0)
        rc = dev_mknod(dev, "tty", VFS_DEV_CONSOLE, 0666, 5, 0);
    if (rc == 0)
        rc = dev_mkdir(vfs->root, "tmp", 01777, &tmp);
    if (rc == 0)
        rc = dev_mkdir(vfs->root, "proc", 0555, &proc);
    if (rc == 0)
        rc = dev_mkdir(proc, "sys", 0555, &sys);
    if (rc == 0)
        rc = dev_mkdir(sys, "fs", 0555, &fs);
    if (rc == 0)
        rc = vfs_dir_create(fs, "file-nr", VFS_K_PROC, LX_S_IFREG | 0444, &filenr);
    vfs_node_t *kstat = NULL;
    if (rc == 0) {
        filenr->u.proc.file = VFS_PROC_FILE_NR;
        /* Kestrel's own: the kernel's event counters, which the benchmark reads per operation */
        rc = vfs_dir_create(proc, "kstat", VFS_K_PROC, LX_S_IFREG | 0444, &kstat);
    }
    if (rc == 0) {
        kstat->u.proc.file = VFS_PROC_KSTAT;
        rc = vfs_procfs_populate(vfs, proc);
    }
    return rc;
}

static int64_t dev_zero_fill(vfs_t *vfs, vfs_uio_t *uio)
{
    uint64_t done = 0;
    while (done < uio->total) {
        uint64_t n = uio->total - done;
        if (n > sizeof(dev_zeros))
            n = sizeof(dev_zeros);
        int64_t got = vfs_uio_copy_out(vfs, uio, done, dev_zeros, n);
        if (got < 0)
            return done ? (int64_t)done : got;
        done += (uint64_t)got;
        if ((uint64_t)got < n)
            break;
    }
    return (int64_t)done;
}

int64_t vfs_dev_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    switch (f->node->u.dev) {
    case VFS_DEV_NULL:
        return 0;
    case VFS_DEV_ZERO:
    case VFS_DEV_FULL:
        return dev_zero_fill(vfs, uio);
    case VFS_DEV_CONSOLE:
        return vfs_console_read(vfs, req, f, uio);
    case VFS_DEV_NONE:   /* a node no driver answers: it cannot have been opened */
        break;
    }
    return -LX_EINVAL;
}

int64_t vfs_dev_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    switch (f->node->u.dev) {
    case VFS_DEV_NULL:
    case VFS_DEV_ZERO:
        return (int64_t)uio->total;
    case VFS_DEV_FULL:
        return -LX_ENOSPC;
    case VFS_DEV_CONSOLE:
        return vfs_console_write(vfs, req, uio);
    case VFS_DEV_NONE:
        break;
    }
    return -LX_EINVAL;
}

size_t vfs_fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

#define DEV_PROC_TEXT 8192   /* the largest generated text (cpuinfo's flags make it long) */

/* The slice of a text a read at off gets. */
static int64_t dev_slice(vfs_t *vfs, vfs_uio_t *uio, const char *text, size_t len, uint64_t off)
{
    if (off >= len)
        return 0;
    uint64_t n = len - off;
    if (n > uio->total)
        n = uio->total;
    return vfs_uio_copy_out(vfs, uio, 0, text + off, n);
}

int64_t vfs_dev_proc_read(vfs_t *vfs, vfs_file_t *f, vfs_uio_t *uio, uint64_t off)
{
    char text[512];   /* the longest: kstat, VFS_KSTAT_N lines of a name and 20 digits */
    size_t len = 0;
    switch (f->node->u.proc.file) {
    case VFS_PROC_FILE_NR:
        /* "<allocated>\t<free>\t<max>\n", the free column is always 0 since Linux 2.6 */
        len += vfs_fmt_u64(text + len, vfs->nfiles);
        text[len++] = '\t';
        text[len++] = '0';
        text[len++] = '\t';
        len += vfs_fmt_u64(text + len, VFS_FILES_MAX);
        text[len++] = '\n';
        break;
    case VFS_PROC_KSTAT: {
        static const char *const names[VFS_KSTAT_N] = VFS_KSTAT_NAMES;
        uint64_t c[VFS_KSTAT_N] = {0};
        if (vfs->env.kstat)
            vfs->env.kstat(vfs->env.ctx, c);
        for (int i = 0; i < VFS_KSTAT_N; i++) {
            size_t n = strlen(names[i]);
            memcpy(text + len, names[i], n);
            len += n;
            text[len++] = ' ';
            len += vfs_fmt_u64(text + len, c[i]);
            text[len++] = '\n';
        }
        break;
    }
    case VFS_PROC_PID:
        return -LX_EINVAL;   /* procmgr's text: vfs_procfs_delegate */
    default: {
        /* the machine-wide files (vfs_procinfo.c) */
        char *big = malloc(DEV_PROC_TEXT);
        if (!big)
            return -LX_ENOMEM;
        size_t blen = vfs_procinfo_text(vfs, f->node->u.proc.file, big, DEV_PROC_TEXT);
        int64_t r = dev_slice(vfs, uio, big, blen, off);
        free(big);
        return r;
    }
    }
    return dev_slice(vfs, uio, text, len, off);
}
