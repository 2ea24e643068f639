/* libFuzzer target: path resolution in vfs (servers/vfs/vfs_path.c and the calls on names). A
 * fixed tree (directories, files, relative, absolute, dangling and looping symlinks, a FIFO) is
 * loaded from a cpio archive, then an input is a program of up to 64 calls on paths built from
 * a vocabulary ("..", ".", empty components, "//", the tree's names, /proc/self/fd, names of 255
 * and 256 bytes, a path past PATH_MAX, a trailing slash): open/openat with flag sets (O_CREAT,
 * O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_TRUNC, O_PATH, O_TMPFILE), relative to the cwd or to a
 * directory descriptor of the input's, stat, lstat, newfstatat (AT_EMPTY_PATH,
 * AT_SYMLINK_NOFOLLOW), access, mkdir, rmdir, unlink(at), symlink, link(at), rename(at2),
 * readlink, chdir, fchdir, chroot, truncate, mknod, utimensat, getcwd, getdents64, close. The
 * whole tree is walked at the end.
 *
 * Bugs: sanitizer reports, leaks, an open file description left after the process exits.
 *
 * Entry points: LLVMFuzzerTestOneInput. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpio_build.h"
#include "fz_input.h"
#include "fz_vfs.h"

static const char *const words[] = {
    "..",   ".",    "",      "a",     "b",     "c",    "d",    "f",   "g",
    "lrel", "labs", "ldang", "loop1", "loop2", "ldir", "fifo", "tmp", "dev",
    "null", "proc", "self",  "fd",    "0",     "3",    "x",    "new",
};

/* a path from the input into out (at most cap - 1 bytes) */
static void path(fz_t *f, char *out, size_t cap)
{
    size_t n = 0;
    uint8_t shape = fz_u8(f);
    int parts = shape % 6;
    if (shape & 0x80) out[n++] = '/';
    for (int i = 0; i < parts; i++) {
        uint8_t k = fz_u8(f);
        char big[300];
        const char *w;
        if (k < 232) {
            w = words[k % (sizeof words / sizeof words[0])];
        } else {
            size_t len = k < 240 ? 255 : k < 248 ? 256 : 299;
            memset(big, 'L', len);
            big[len] = '\0';
            w = big;
        }
        if (i && n < cap - 1) out[n++] = '/';
        if (k % 7 == 0 && n < cap - 1) out[n++] = '/'; /* a doubled slash */
        size_t wl = strlen(w);
        if (wl > cap - 1 - n) wl = cap - 1 - n;
        memcpy(out + n, w, wl);
        n += wl;
    }
    if ((shape & 0x40) && n < cap - 1) out[n++] = '/';
    out[n] = '\0';
    if ((shape & 0x30) == 0x30) { /* past PATH_MAX: the same path again and again */
        size_t one = n;
        while (one && n + one + 1 < cap) {
            out[n++] = '/';
            memcpy(out + n, out, one);
            n += one;
        }
        out[n] = '\0';
    }
}

static void load_tree(fake_t *fk)
{
    cpio_buf_t b = {0};
    cpio_add(&b, "a", LX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&b, "a/b", LX_S_IFDIR | 0700, NULL, 0);
    cpio_add(&b, "a/b/f", LX_S_IFREG | 0644, "file\n", 5);
    cpio_add(&b, "a/g", LX_S_IFREG | 0755, "#!/bin/sh\n", 10);
    cpio_add(&b, "c", LX_S_IFDIR | 0000, NULL, 0);
    cpio_add(&b, "d", LX_S_IFDIR | 01777, NULL, 0);
    cpio_add(&b, "a/lrel", LX_S_IFLNK | 0777, "b/f", 3);
    cpio_add(&b, "a/labs", LX_S_IFLNK | 0777, "/a/b", 4);
    cpio_add(&b, "a/ldang", LX_S_IFLNK | 0777, "nothing/here", 12);
    cpio_add(&b, "a/loop1", LX_S_IFLNK | 0777, "loop2", 5);
    cpio_add(&b, "a/loop2", LX_S_IFLNK | 0777, "loop1", 5);
    cpio_add(&b, "ldir", LX_S_IFLNK | 0777, "a/..//a/./b/", 12);
    cpio_add(&b, "fifo", LX_S_IFIFO | 0644, NULL, 0);
    cpio_trailer(&b);
    if (vfs_load_cpio(fk->vfs, b.data, b.len) != 0) abort();
    cpio_free(&b);
}

static int fds[8], nfds;

static int32_t dirfd(fz_t *f)
{
    uint8_t k = fz_u8(f);
    if (k < 128 || !nfds)
        return k & 1 ? LX_AT_FDCWD : (int32_t)(k % 12) - 2; /* the cwd, or a number */
    return fds[k % nfds];
}

static void keep_fd(int64_t r)
{
    if (r >= 0 && nfds < 8) fds[nfds++] = (int)r;
}

static uint32_t oflags(fz_t *f)
{
    static const uint32_t bits[] = {LX_O_CREAT,   LX_O_EXCL,   LX_O_DIRECTORY, LX_O_NOFOLLOW,
                                    LX_O_TRUNC,   LX_O_PATH,   LX_O_APPEND,    LX_O_NONBLOCK,
                                    LX_O_CLOEXEC, LX_O_TMPFILE};
    uint16_t m = fz_u16(f);
    uint32_t fl = m & 3; /* the access mode, 3 included */
    for (int i = 0; i < 10; i++)
        if (m & (4u << i)) fl |= bits[i];
    return fl;
}

static void one_call(fake_t *fk, fz_t *f)
{
    static char p1[FZ_PATH_MAX], p2[FZ_PATH_MAX];
    uint8_t op = fz_u8(f);
    path(f, p1, sizeof p1);
    uint64_t u1 = fz_vfs_str(fk, 0, p1), buf = fz_vfs_buf(fk);
    uint64_t mode = fz_u16(f) & 07777;
    switch (op % 24) {
    case 0:
        keep_fd(fz_vfs_sys(fk, VFS_NR_open, u1, oflags(f), mode, 0, 0));
        break;
    case 1:
        keep_fd(fz_vfs_sys(fk, VFS_NR_openat, (uint64_t)(int64_t)dirfd(f), u1, oflags(f), mode, 0));
        break;
    case 2:
        fz_vfs_sys(fk, VFS_NR_stat, u1, buf, 0, 0, 0);
        break;
    case 3:
        fz_vfs_sys(fk, VFS_NR_lstat, u1, buf, 0, 0, 0);
        break;
    case 4: {
        uint64_t fl =
            (fz_u8(f) & 1 ? LX_AT_EMPTY_PATH : 0) | (fz_u8(f) & 1 ? LX_AT_SYMLINK_NOFOLLOW : 0);
        fz_vfs_sys(fk, VFS_NR_newfstatat, (uint64_t)(int64_t)dirfd(f), u1, buf, fl, 0);
        break;
    }
    case 5:
        fz_vfs_sys(fk, VFS_NR_access, u1, fz_u8(f) & 7, 0, 0, 0);
        break;
    case 6:
        fz_vfs_sys(fk, VFS_NR_mkdir, u1, mode, 0, 0, 0);
        break;
    case 7:
        fz_vfs_sys(fk, VFS_NR_rmdir, u1, 0, 0, 0, 0);
        break;
    case 8:
        fz_vfs_sys(fk, VFS_NR_unlinkat, (uint64_t)(int64_t)dirfd(f), u1,
                   fz_u8(f) & 1 ? LX_AT_REMOVEDIR : 0, 0, 0);
        break;
    case 9:
        path(f, p2, sizeof p2);
        fz_vfs_sys(fk, VFS_NR_symlink, fz_vfs_str(fk, 1, p2), u1, 0, 0, 0);
        break;
    case 10:
        path(f, p2, sizeof p2);
        fz_vfs_sys(fk, VFS_NR_linkat, (uint64_t)(int64_t)dirfd(f), u1, (uint64_t)(int64_t)dirfd(f),
                   fz_vfs_str(fk, 1, p2), fz_u8(f) & 1 ? LX_AT_SYMLINK_FOLLOW : 0);
        break;
    case 11:
        path(f, p2, sizeof p2);
        fz_vfs_sys(fk, VFS_NR_rename, u1, fz_vfs_str(fk, 1, p2), 0, 0, 0);
        break;
    case 12:
        path(f, p2, sizeof p2);
        fz_vfs_sys(fk, VFS_NR_renameat2, (uint64_t)(int64_t)dirfd(f), u1,
                   (uint64_t)(int64_t)dirfd(f), fz_vfs_str(fk, 1, p2), fz_u8(f) % 8);
        break;
    case 13:
        fz_vfs_sys(fk, VFS_NR_readlink, u1, buf, fz_u16(f) % FZ_PATH_MAX, 0, 0);
        break;
    case 14:
        fz_vfs_sys(fk, VFS_NR_chdir, u1, 0, 0, 0, 0);
        break;
    case 15:
        if (nfds) fz_vfs_sys(fk, VFS_NR_fchdir, (uint64_t)fds[fz_u8(f) % nfds], 0, 0, 0, 0);
        break;
    case 16:
        fz_vfs_sys(fk, VFS_NR_chroot, u1, 0, 0, 0, 0);
        break;
    case 17:
        fz_vfs_sys(fk, VFS_NR_truncate, u1, fz_pool_u64(f), 0, 0, 0);
        break;
    case 18:
        fz_vfs_sys(fk, VFS_NR_mknod, u1, (fz_u8(f) & 1 ? LX_S_IFIFO : LX_S_IFREG) | mode, 0, 0, 0);
        break;
    case 19:
        fz_vfs_sys(fk, VFS_NR_utimensat, (uint64_t)(int64_t)dirfd(f), fz_u8(f) & 1 ? u1 : 0, 0,
                   fz_u8(f) & 1 ? LX_AT_SYMLINK_NOFOLLOW : 0, 0);
        break;
    case 20:
        fz_vfs_sys(fk, VFS_NR_getcwd, buf, fz_u16(f) % FZ_PATH_MAX, 0, 0, 0);
        break;
    case 21:
        if (nfds)
            fz_vfs_sys(fk, VFS_NR_getdents64, (uint64_t)fds[fz_u8(f) % nfds], buf,
                       fz_u16(f) % FZ_PATH_MAX, 0, 0);
        break;
    case 22:
        if (nfds) { /* closed: the number stays in the list, a stale descriptor now */
            fz_vfs_sys(fk, VFS_NR_close, (uint64_t)fds[fz_u8(f) % nfds], 0, 0, 0, 0);
        }
        break;
    default:
        fz_vfs_sys(fk, VFS_NR_faccessat2, (uint64_t)(int64_t)dirfd(f), u1, fz_u8(f) & 7,
                   fz_u16(f) & 0x1300, 0);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_t f;
    fz_init(&f, data, size);
    fake_t *fk = fz_vfs_new();
    load_tree(fk);
    nfds = 0;
    for (int i = 0; i < 64 && fz_left(&f); i++)
        one_call(fk, &f);
    fz_vfs_walk(fk, "/", 0);
    fz_vfs_end(fk);
    return 0;
}
