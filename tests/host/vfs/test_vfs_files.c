/* Host tests of the file syscalls on the in-memory tree: open flags, read/write/seek, vectors,
 * stat, access, getdents64, directory and name operations, attributes, devices and
 * /proc/sys/fs/file-nr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_env.h"

#define P 1

static int32_t open_ok(fake_t *fk, const char *path, uint32_t flags, uint32_t mode)
{
    int64_t fd = t_open(fk, P, path, flags, mode);
    assert_true(fd >= 0);
    return (int32_t)fd;
}

static int64_t lseek_(fake_t *fk, int32_t fd, int64_t off, int whence)
{
    return fake_sys(fk, P, VFS_NR_lseek, (uint64_t)fd, (uint64_t)off, (uint64_t)whence);
}

static void test_open_read_write_seek(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, "/tmp/f", LX_O_RDWR | LX_O_CREAT, 0644);
    assert_int_equal(fd, 3);   /* lowest free after stdin/out/err */
    assert_int_equal(t_write(fk, P, fd, "hello world", 11), 11);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_CUR), 11);
    char buf[32] = {0};
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), 0);   /* at the end */
    assert_int_equal(lseek_(fk, fd, 6, LX_SEEK_SET), 6);
    assert_int_equal(t_read(fk, P, fd, buf, 5), 5);
    assert_memory_equal(buf, "world", 5);
    assert_int_equal(lseek_(fk, fd, -5, LX_SEEK_END), 6);
    assert_int_equal(lseek_(fk, fd, -100, LX_SEEK_CUR), -LX_EINVAL);
    assert_int_equal(lseek_(fk, fd, 0, 99), -LX_EINVAL);
    /* writing past the end leaves a hole of zeros */
    assert_int_equal(lseek_(fk, fd, 20, LX_SEEK_SET), 20);
    assert_int_equal(t_write(fk, P, fd, "!", 1), 1);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_size, 21);
    assert_int_equal(lseek_(fk, fd, 11, LX_SEEK_SET), 11);
    assert_int_equal(t_read(fk, P, fd, buf, 10), 10);
    assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0!", 10);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_DATA), 0);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_HOLE), 21);
    assert_int_equal(lseek_(fk, fd, 21, LX_SEEK_DATA), -LX_ENXIO);

    /* pread/pwrite leave the position alone */
    assert_int_equal(lseek_(fk, fd, 2, LX_SEEK_SET), 2);
    uint64_t u = fake_alloc(fk, P, 8);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, fd, u, 5, 0), 5);
    assert_memory_equal(fake_ptr(fk, P, u), "hello", 5);
    memcpy(fake_ptr(fk, P, u), "HE", 2);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pwrite64, fd, u, 2, 0), 2);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_CUR), 2);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, fd, u, 5, (uint64_t)-1), -LX_EINVAL);
    assert_int_equal(t_read(fk, P, fd, buf, 3), 3);
    assert_memory_equal(buf, "llo", 3);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, fd, u, 5, 0), 5);
    assert_memory_equal(fake_ptr(fk, P, u), "HEllo", 5);
    /* a bad buffer */
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, fd, FAKE_BADADDR, 4), -LX_EFAULT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_write, fd, FAKE_BADADDR, 4), -LX_EFAULT);
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(t_close(fk, P, fd), -LX_EBADF);
    assert_int_equal(t_read(fk, P, fd, buf, 1), -LX_EBADF);
    assert_int_equal(t_read(fk, P, -1, buf, 1), -LX_EBADF);
}

static void test_open_flags(void **state)
{
    fake_t *fk = *state;
    char buf[32];
    assert_int_equal(t_open(fk, P, "/tmp/none", LX_O_RDONLY, 0), -LX_ENOENT);
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "0123456789"), 10);
    assert_int_equal(t_open(fk, P, "/tmp/f", LX_O_CREAT | LX_O_EXCL | LX_O_RDWR, 0644),
                     -LX_EEXIST);
    /* access modes */
    int32_t ro = open_ok(fk, "/tmp/f", LX_O_RDONLY, 0);
    int32_t wo = open_ok(fk, "/tmp/f", LX_O_WRONLY, 0);
    assert_int_equal(t_write(fk, P, ro, "x", 1), -LX_EBADF);
    assert_int_equal(t_read(fk, P, wo, buf, 1), -LX_EBADF);
    t_close(fk, P, ro);
    t_close(fk, P, wo);
    /* O_APPEND writes at the end whatever the position */
    int32_t ap = open_ok(fk, "/tmp/f", LX_O_WRONLY | LX_O_APPEND, 0);
    assert_int_equal(lseek_(fk, ap, 0, LX_SEEK_SET), 0);
    assert_int_equal(t_write(fk, P, ap, "AB", 2), 2);
    assert_int_equal(lseek_(fk, ap, 0, LX_SEEK_CUR), 12);
    t_close(fk, P, ap);
    assert_int_equal(t_get_file(fk, P, "/tmp/f", buf, sizeof(buf)), 12);
    assert_string_equal(buf, "0123456789AB");
    /* O_TRUNC */
    int32_t tr = open_ok(fk, "/tmp/f", LX_O_WRONLY | LX_O_TRUNC, 0);
    t_close(fk, P, tr);
    assert_int_equal(t_get_file(fk, P, "/tmp/f", buf, sizeof(buf)), 0);
    /* directories */
    assert_int_equal(t_open(fk, P, "/tmp", LX_O_WRONLY, 0), -LX_EISDIR);
    assert_int_equal(t_open(fk, P, "/tmp", LX_O_RDWR, 0), -LX_EISDIR);
    assert_int_equal(t_open(fk, P, "/tmp", LX_O_RDONLY | LX_O_CREAT, 0644), -LX_EISDIR);
    assert_int_equal(t_open(fk, P, "/tmp/f", LX_O_RDONLY | LX_O_DIRECTORY, 0), -LX_ENOTDIR);
    int32_t d = open_ok(fk, "/tmp", LX_O_RDONLY | LX_O_DIRECTORY, 0);
    assert_int_equal(t_read(fk, P, d, buf, 4), -LX_EISDIR);
    assert_int_equal(t_write(fk, P, d, buf, 4), -LX_EBADF);
    t_close(fk, P, d);
    /* creation mode honours the umask */
    assert_int_equal(fake_sys(fk, P, VFS_NR_umask, 027), 022);
    int32_t c = open_ok(fk, "/tmp/g", LX_O_WRONLY | LX_O_CREAT, 0666);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, c, &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 0640);
    t_close(fk, P, c);
    assert_int_equal(fake_sys(fk, P, VFS_NR_umask, 022), 027);
    /* creat() is O_CREAT|O_WRONLY|O_TRUNC */
    int64_t cr = fake_sys(fk, P, VFS_NR_creat, fake_str(fk, P, "/tmp/g"), 0600);
    assert_true(cr >= 0);
    assert_int_equal(t_read(fk, P, (int32_t)cr, buf, 1), -LX_EBADF);
    t_close(fk, P, (int32_t)cr);
    /* O_TMPFILE is not offered */
    assert_int_equal(t_open(fk, P, "/tmp", LX_O_TMPFILE | LX_O_RDWR, 0600), -LX_EOPNOTSUPP);
    /* O_PATH: a handle for fstat and *at, not for I/O */
    int32_t op = open_ok(fk, "/tmp/f", LX_O_PATH, 0);
    assert_int_equal(t_read(fk, P, op, buf, 1), -LX_EBADF);
    assert_int_equal(t_fstat(fk, P, op, &st), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, op, LX_F_GETFL), LX_O_PATH | LX_O_LARGEFILE);
    t_close(fk, P, op);
}

static void test_readv_writev(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, "/tmp/v", LX_O_RDWR | LX_O_CREAT, 0644);
    uint64_t iov = fake_alloc(fk, P, 3 * sizeof(struct lx_iovec));
    struct lx_iovec *v = fake_ptr(fk, P, iov);
    v[0] = (struct lx_iovec){fake_str(fk, P, "abc"), 3};
    v[1] = (struct lx_iovec){0, 0};
    v[2] = (struct lx_iovec){fake_str(fk, P, "defgh"), 5};
    assert_int_equal(fake_sys(fk, P, VFS_NR_writev, fd, iov, 3), 8);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    uint64_t b1 = fake_alloc(fk, P, 2), b2 = fake_alloc(fk, P, 10);
    v[0] = (struct lx_iovec){b1, 2};
    v[1] = (struct lx_iovec){b2, 10};
    assert_int_equal(fake_sys(fk, P, VFS_NR_readv, fd, iov, 2), 8);
    assert_memory_equal(fake_ptr(fk, P, b1), "ab", 2);
    assert_memory_equal(fake_ptr(fk, P, b2), "cdefgh", 6);
    /* preadv at an offset */
    assert_int_equal(fake_sys(fk, P, VFS_NR_preadv, fd, iov, 1, 3, 0), 2);
    assert_memory_equal(fake_ptr(fk, P, b1), "de", 2);
    /* the vector itself unreadable, too long, or pointing at bad memory */
    assert_int_equal(fake_sys(fk, P, VFS_NR_readv, fd, FAKE_BADADDR, 2), -LX_EFAULT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_readv, fd, iov, 1025), -LX_EINVAL);
    v[0] = (struct lx_iovec){FAKE_BADADDR, 4};
    assert_int_equal(fake_sys(fk, P, VFS_NR_writev, fd, iov, 1), -LX_EFAULT);
    /* a fault in a later segment gives the count done before it */
    v[0] = (struct lx_iovec){fake_str(fk, P, "XY"), 2};
    v[1] = (struct lx_iovec){FAKE_BADADDR, 4};
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_writev, fd, iov, 2), 2);
    v[0].iov_len = (uint64_t)INT64_MAX + 1;   /* a negative ssize_t */
    v[1] = (struct lx_iovec){b1, 2};
    assert_int_equal(fake_sys(fk, P, VFS_NR_writev, fd, iov, 2), -LX_EINVAL);
    t_close(fk, P, fd);
    char buf[16];
    assert_int_equal(t_get_file(fk, P, "/tmp/v", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "XYcdefgh");
}

static void test_stat_fields(void **state)
{
    fake_t *fk = *state;
    fk->clock.tv_sec = 5000;
    fk->clock.tv_nsec = 42;
    assert_int_equal(t_mkdir(fk, P, "/d", 0750), 0);
    assert_int_equal(t_mkdir(fk, P, "/d/s1", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/d/s2", 0755), 0);
    struct lx_stat st, st2;
    assert_int_equal(t_stat(fk, P, "/d", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 0750);
    assert_int_equal(st.st_nlink, 4);   /* ".", its entry, two ".."s */
    assert_int_equal(st.st_uid, 0);
    assert_int_equal(st.st_blksize, 4096);
    assert_int_equal(st.st_ctim.tv_sec, 5000);

    fk->clock.tv_sec = 6000;
    char big[5000];
    memset(big, 'z', sizeof(big));
    int32_t fd = open_ok(fk, "/d/f", LX_O_WRONLY | LX_O_CREAT, 0644);
    assert_int_equal(t_write(fk, P, fd, big, sizeof(big)), 5000);
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_size, 5000);
    assert_int_equal(st.st_blocks, 16);   /* two 4 KiB pages in 512-byte units */
    assert_int_equal(st.st_nlink, 1);
    assert_int_equal(st.st_mtim.tv_sec, 6000);
    fk->clock.tv_sec = 7000;
    assert_int_equal(t_write(fk, P, fd, "x", 1), 1);
    assert_int_equal(t_fstat(fk, P, fd, &st2), 0);
    assert_int_equal(st2.st_mtim.tv_sec, 7000);
    assert_int_equal(st2.st_ino, st.st_ino);
    t_close(fk, P, fd);
    assert_int_equal(t_stat(fk, P, "/d/s1", &st2), 0);
    assert_true(st2.st_ino != st.st_ino);

    /* newfstatat: dirfd, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, bad flags */
    assert_int_equal(t_symlink(fk, P, "f", "/d/l"), 0);
    int32_t dfd = open_ok(fk, "/d", LX_O_RDONLY, 0);
    uint64_t ust = fake_alloc(fk, P, sizeof(struct lx_stat));
    struct lx_stat *ps = fake_ptr(fk, P, ust);
    assert_int_equal(fake_sys(fk, P, VFS_NR_newfstatat, dfd, fake_str(fk, P, "l"), ust, 0), 0);
    assert_int_equal(ps->st_mode & LX_S_IFMT, LX_S_IFREG);
    assert_int_equal(fake_sys(fk, P, VFS_NR_newfstatat, dfd, fake_str(fk, P, "l"), ust,
                              LX_AT_SYMLINK_NOFOLLOW),
                     0);
    assert_int_equal(ps->st_mode & LX_S_IFMT, LX_S_IFLNK);
    assert_int_equal(fake_sys(fk, P, VFS_NR_newfstatat, dfd, fake_str(fk, P, ""), ust, 0),
                     -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_newfstatat, dfd, fake_str(fk, P, ""), ust,
                              LX_AT_EMPTY_PATH),
                     0);
    assert_int_equal(ps->st_mode, LX_S_IFDIR | 0750);
    assert_int_equal(fake_sys(fk, P, VFS_NR_newfstatat, dfd, fake_str(fk, P, "l"), ust, 0x4),
                     -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statx, dfd, fake_str(fk, P, "l"), 0, 0x7ff, ust),
                     -LX_ENOSYS);
    t_close(fk, P, dfd);
    assert_int_equal(t_fstat(fk, P, 77, &st), -LX_EBADF);
}

static void test_access(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_put_file(fk, P, "/tmp/plain", "x"), 1);
    assert_int_equal(t_put_file(fk, P, "/tmp/prog", "x"), 1);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/tmp/prog"), 0700), 0);
    uint64_t plain = fake_str(fk, P, "/tmp/plain"), prog = fake_str(fk, P, "/tmp/prog");
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, plain, LX_R_OK | LX_W_OK), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, plain, LX_X_OK), -LX_EACCES);
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, prog, LX_X_OK), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, fake_str(fk, P, "/tmp"), LX_X_OK), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, fake_str(fk, P, "/nope"), LX_F_OK),
                     -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_access, plain, 8), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_faccessat, (uint64_t)LX_AT_FDCWD, prog, LX_X_OK), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_faccessat2, (uint64_t)LX_AT_FDCWD, prog, LX_X_OK,
                              LX_AT_EACCESS),
                     0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_faccessat2, (uint64_t)LX_AT_FDCWD, prog, LX_X_OK,
                              0x8000),
                     -LX_EINVAL);
}

/* Read a whole directory with getdents64 buffers of bufsize; names joined by ' ' into out. */
static int list_dir(fake_t *fk, int32_t fd, size_t bufsize, char *out, size_t outlen)
{
    uint64_t u = fake_alloc(fk, P, bufsize);
    out[0] = '\0';
    int calls = 0;
    for (;;) {
        int64_t n = fake_sys(fk, P, VFS_NR_getdents64, fd, u, bufsize);
        assert_true(n >= 0);
        if (n == 0)
            return calls;
        calls++;
        const uint8_t *p = fake_ptr(fk, P, u);
        for (int64_t off = 0; off < n;) {
            const struct lx_linux_dirent64 *d = (const void *)(p + off);
            assert_int_equal(d->d_reclen % 8, 0);
            char item[300];
            snprintf(item, sizeof(item), "%s%s:%d", out[0] ? " " : "", d->d_name, d->d_type);
            strncat(out, item, outlen - strlen(out) - 1);
            off += d->d_reclen;
        }
    }
}

static void test_getdents(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mkdir(fk, P, "/d", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/d/sub", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/d/file", "x"), 1);
    assert_int_equal(t_symlink(fk, P, "file", "/d/link"), 0);
    int32_t fd = open_ok(fk, "/d", LX_O_RDONLY | LX_O_DIRECTORY, 0);
    char names[512];
    assert_int_equal(list_dir(fk, fd, 4096, names, sizeof(names)), 1);
    assert_string_equal(names, ".:4 ..:4 sub:4 file:8 link:10");
    /* rewind; one entry per call with a small buffer gives the same listing */
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    assert_int_equal(list_dir(fk, fd, 32, names, sizeof(names)), 5);
    assert_string_equal(names, ".:4 ..:4 sub:4 file:8 link:10");
    /* a buffer too small for any entry */
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, fd, fake_alloc(fk, P, 8), 8),
                     -LX_EINVAL);
    /* entries removed or added mid-listing neither repeat nor shift the others */
    uint64_t u = fake_alloc(fk, P, 64);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    assert_true(fake_sys(fk, P, VFS_NR_getdents64, fd, u, 64) > 0);   /* "." and ".." */
    assert_int_equal(t_rmdir(fk, P, "/d/sub"), 0);
    assert_int_equal(t_put_file(fk, P, "/d/late", "y"), 1);
    assert_int_equal(list_dir(fk, fd, 4096, names, sizeof(names)), 1);
    assert_string_equal(names, "file:8 link:10 late:8");
    /* not a directory; a removed directory */
    int32_t ffd = open_ok(fk, "/d/file", LX_O_RDONLY, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, ffd, u, 64), -LX_ENOTDIR);
    t_close(fk, P, ffd);
    assert_int_equal(t_mkdir(fk, P, "/gone", 0755), 0);
    int32_t gfd = open_ok(fk, "/gone", LX_O_RDONLY, 0);
    assert_int_equal(t_rmdir(fk, P, "/gone"), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, gfd, u, 64), -LX_ENOENT);
    t_close(fk, P, gfd);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, fd, FAKE_BADADDR, 64), 0);   /* at end */
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, fd, FAKE_BADADDR, 64), -LX_EFAULT);
    t_close(fk, P, fd);
}

static void test_mkdir_rmdir_unlink(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mkdir(fk, P, "/d", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/d", 0755), -LX_EEXIST);
    assert_int_equal(t_mkdir(fk, P, "/x/y", 0755), -LX_ENOENT);
    assert_int_equal(t_mkdir(fk, P, "/d/.", 0755), -LX_EEXIST);
    assert_int_equal(t_mkdir(fk, P, "/", 0755), -LX_EEXIST);
    assert_int_equal(t_put_file(fk, P, "/d/f", "data"), 4);
    assert_int_equal(t_rmdir(fk, P, "/d"), -LX_ENOTEMPTY);
    assert_int_equal(t_rmdir(fk, P, "/d/f"), -LX_ENOTDIR);
    assert_int_equal(t_rmdir(fk, P, "/d/."), -LX_EINVAL);
    assert_int_equal(t_rmdir(fk, P, "/d/.."), -LX_ENOTEMPTY);
    assert_int_equal(t_rmdir(fk, P, "/"), -LX_EBUSY);
    assert_int_equal(t_rmdir(fk, P, "/nope"), -LX_ENOENT);
    assert_int_equal(t_unlink(fk, P, "/d"), -LX_EISDIR);
    assert_int_equal(t_unlink(fk, P, "/d/nope"), -LX_ENOENT);
    /* an unlinked file lives on while open */
    int32_t fd = open_ok(fk, "/d/f", LX_O_RDWR, 0);
    assert_int_equal(t_unlink(fk, P, "/d/f"), 0);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/d/f", &st), -LX_ENOENT);
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_nlink, 0);
    char buf[8];
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "data", 4);
    t_close(fk, P, fd);
    assert_int_equal(t_rmdir(fk, P, "/d"), 0);
    assert_int_equal(t_stat(fk, P, "/", &st), 0);
    assert_int_equal(st.st_nlink, 2 + 3);   /* dev, tmp, proc */
}

static void test_rename(void **state)
{
    fake_t *fk = *state;
    char buf[16];
    struct lx_stat st;
    assert_int_equal(t_put_file(fk, P, "/a", "A"), 1);
    assert_int_equal(t_put_file(fk, P, "/b", "B"), 1);
    assert_int_equal(t_rename(fk, P, "/a", "/b"), 0);   /* replaces */
    assert_int_equal(t_get_file(fk, P, "/b", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "A");
    assert_int_equal(t_stat(fk, P, "/a", &st), -LX_ENOENT);
    assert_int_equal(t_rename(fk, P, "/a", "/c"), -LX_ENOENT);
    assert_int_equal(t_rename(fk, P, "/b", "/b"), 0);

    assert_int_equal(t_mkdir(fk, P, "/d1", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/d1/in", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/d2", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/d2/f", "x"), 1);
    assert_int_equal(t_mkdir(fk, P, "/d3", 0755), 0);
    assert_int_equal(t_rename(fk, P, "/d1", "/d1/in/deeper"), -LX_EINVAL);
    assert_int_equal(t_rename(fk, P, "/d1", "/d2"), -LX_ENOTEMPTY);
    assert_int_equal(t_rename(fk, P, "/d1", "/b"), -LX_ENOTDIR);
    assert_int_equal(t_rename(fk, P, "/b", "/d3"), -LX_EISDIR);
    assert_int_equal(t_rename(fk, P, "/b/", "/z"), -LX_ENOTDIR);
    assert_int_equal(t_rename(fk, P, "/d1/.", "/z"), -LX_EBUSY);
    /* a directory moves with its contents; link counts follow */
    assert_int_equal(t_rename(fk, P, "/d1", "/d3"), 0);   /* over an empty directory */
    assert_int_equal(t_stat(fk, P, "/d3/in", &st), 0);
    assert_int_equal(t_rename(fk, P, "/d3", "/d2/moved"), 0);
    assert_int_equal(t_stat(fk, P, "/d2", &st), 0);
    assert_int_equal(st.st_nlink, 3);
    assert_int_equal(t_stat(fk, P, "/", &st), 0);
    assert_int_equal(st.st_nlink, 2 + 4);   /* dev, tmp, proc, d2 */
    assert_int_equal(t_chdir(fk, P, "/d2/moved/in"), 0);
    char cwd[64];
    assert_int_equal(t_getcwd(fk, P, cwd, sizeof(cwd)), 13);
    assert_string_equal(cwd, "/d2/moved/in");
    /* renameat2: NOREPLACE, and the flags not offered */
    uint64_t fb = fake_str(fk, P, "/b"), fz = fake_str(fk, P, "/d2/f");
    assert_int_equal(fake_sys(fk, P, VFS_NR_renameat2, (uint64_t)LX_AT_FDCWD, fb,
                              (uint64_t)LX_AT_FDCWD, fz, LX_RENAME_NOREPLACE),
                     -LX_EEXIST);
    assert_int_equal(fake_sys(fk, P, VFS_NR_renameat2, (uint64_t)LX_AT_FDCWD, fb,
                              (uint64_t)LX_AT_FDCWD, fz, LX_RENAME_EXCHANGE),
                     -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_renameat, (uint64_t)LX_AT_FDCWD, fb,
                              (uint64_t)LX_AT_FDCWD, fake_str(fk, P, "../../b2")),
                     0);
    assert_int_equal(t_get_file(fk, P, "/d2/b2", buf, sizeof(buf)), 1);
}

static void test_symlink_readlink_link(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    assert_int_equal(t_symlink(fk, P, "target/path", "/tmp/l"), 0);
    assert_int_equal(t_symlink(fk, P, "x", "/tmp/l"), -LX_EEXIST);
    assert_int_equal(t_readlink(fk, P, "/tmp/l", buf, sizeof(buf)), 11);
    assert_string_equal(buf, "target/path");
    assert_int_equal(t_readlink(fk, P, "/tmp/l", buf, 6), 6);   /* truncated, no NUL */
    assert_memory_equal(buf, "target", 6);
    assert_int_equal(t_readlink(fk, P, "/tmp", buf, sizeof(buf)), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_readlink, fake_str(fk, P, "/tmp/l"),
                              fake_alloc(fk, P, 4), 0),
                     -LX_EINVAL);
    int32_t dfd = open_ok(fk, "/tmp", LX_O_RDONLY, 0);
    uint64_t u = fake_alloc(fk, P, 64);
    assert_int_equal(fake_sys(fk, P, VFS_NR_readlinkat, dfd, fake_str(fk, P, "l"), u, 64), 11);
    assert_int_equal(fake_sys(fk, P, VFS_NR_symlinkat, fake_str(fk, P, "abc"), dfd,
                              fake_str(fk, P, "l2")),
                     0);
    assert_int_equal(t_readlink(fk, P, "/tmp/l2", buf, sizeof(buf)), 3);
    t_close(fk, P, dfd);

    /* hard links share the inode */
    assert_int_equal(t_put_file(fk, P, "/tmp/orig", "same"), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_link, fake_str(fk, P, "/tmp/orig"),
                              fake_str(fk, P, "/tmp/alias")),
                     0);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/tmp/alias", &st), 0);
    assert_int_equal(st.st_nlink, 2);
    assert_int_equal(t_unlink(fk, P, "/tmp/orig"), 0);
    assert_int_equal(t_get_file(fk, P, "/tmp/alias", buf, sizeof(buf)), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_link, fake_str(fk, P, "/tmp"),
                              fake_str(fk, P, "/tmp2")),
                     -LX_EPERM);
    assert_int_equal(fake_sys(fk, P, VFS_NR_link, fake_str(fk, P, "/tmp/alias"),
                              fake_str(fk, P, "/tmp/l")),
                     -LX_EEXIST);
}

static void test_chmod_chown_truncate_utimens(void **state)
{
    fake_t *fk = *state;
    struct lx_stat st;
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "0123456789"), 10);
    fk->clock.tv_sec = 9000;
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/tmp/f"), 04711), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/f", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 04711);
    assert_int_equal(st.st_ctim.tv_sec, 9000);
    int32_t fd = open_ok(fk, "/tmp/f", LX_O_RDWR, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fchmod, fd, 0600), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fchmodat, (uint64_t)LX_AT_FDCWD,
                              fake_str(fk, P, "/tmp/f"), 0640),
                     0);
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 0640);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/nope"), 0600), -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chown, fake_str(fk, P, "/tmp/f"), 5, (uint64_t)-1),
                     0);
    assert_int_equal(t_stat(fk, P, "/tmp/f", &st), 0);
    assert_int_equal(st.st_uid, 5);
    assert_int_equal(st.st_gid, 0);

    /* truncate grows with zeros and shrinks */
    assert_int_equal(fake_sys(fk, P, VFS_NR_ftruncate, fd, 3), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_truncate, fake_str(fk, P, "/tmp/f"), 6), 0);
    char buf[16];
    assert_int_equal(t_get_file(fk, P, "/tmp/f", buf, sizeof(buf)), 6);
    assert_memory_equal(buf, "012\0\0\0", 6);
    assert_int_equal(fake_sys(fk, P, VFS_NR_truncate, fake_str(fk, P, "/tmp"), 0), -LX_EISDIR);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ftruncate, fd, (uint64_t)-1), -LX_EINVAL);
    int32_t ro = open_ok(fk, "/tmp/f", LX_O_RDONLY, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ftruncate, ro, 0), -LX_EINVAL);
    t_close(fk, P, ro);

    /* utimensat: explicit times, UTIME_OMIT, NULL times = now, NULL path = the fd */
    uint64_t ut = fake_alloc(fk, P, 2 * sizeof(struct lx_timespec));
    struct lx_timespec *ts = fake_ptr(fk, P, ut);
    ts[0] = (struct lx_timespec){100, 1};
    ts[1] = (struct lx_timespec){200, 2};
    uint64_t path = fake_str(fk, P, "/tmp/f");
    assert_int_equal(fake_sys(fk, P, VFS_NR_utimensat, (uint64_t)LX_AT_FDCWD, path, ut, 0), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/f", &st), 0);
    assert_int_equal(st.st_atim.tv_sec, 100);
    assert_int_equal(st.st_mtim.tv_sec, 200);
    assert_int_equal(st.st_mtim.tv_nsec, 2);
    ts[0].tv_nsec = LX_UTIME_OMIT;
    ts[1] = (struct lx_timespec){300, 0};
    assert_int_equal(fake_sys(fk, P, VFS_NR_utimensat, (uint64_t)fd, 0, ut, 0), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/f", &st), 0);
    assert_int_equal(st.st_atim.tv_sec, 100);
    assert_int_equal(st.st_mtim.tv_sec, 300);
    fk->clock.tv_sec = 12345;
    assert_int_equal(fake_sys(fk, P, VFS_NR_utimensat, (uint64_t)LX_AT_FDCWD, path, 0, 0), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/f", &st), 0);
    assert_int_equal(st.st_atim.tv_sec, 12345);
    assert_int_equal(st.st_mtim.tv_sec, 12345);
    ts[0].tv_nsec = 1000000000;
    assert_int_equal(fake_sys(fk, P, VFS_NR_utimensat, (uint64_t)LX_AT_FDCWD, path, ut, 0),
                     -LX_EINVAL);
    t_close(fk, P, fd);
}

static void test_cwd(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    assert_int_equal(t_getcwd(fk, P, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "/");
    assert_int_equal(t_mkdir(fk, P, "/w", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/w/x", 0755), 0);
    assert_int_equal(t_chdir(fk, P, "/w/x"), 0);
    assert_int_equal(t_getcwd(fk, P, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "/w/x");
    assert_int_equal(t_getcwd(fk, P, buf, 4), -LX_ERANGE);
    assert_int_equal(t_chdir(fk, P, "/dev/null"), -LX_ENOTDIR);
    assert_int_equal(t_chdir(fk, P, "/nope"), -LX_ENOENT);
    /* fchdir */
    int32_t fd = open_ok(fk, "/w", LX_O_RDONLY, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fchdir, fd), 0);
    assert_int_equal(t_getcwd(fk, P, buf, sizeof(buf)), 3);
    assert_string_equal(buf, "/w");
    t_close(fk, P, fd);
    int32_t nfd = open_ok(fk, "/dev/null", LX_O_RDONLY, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fchdir, nfd), -LX_ENOTDIR);
    t_close(fk, P, nfd);
    /* the cwd removed under us: getcwd fails, creating fails, ".." still leads out */
    assert_int_equal(t_chdir(fk, P, "x"), 0);
    assert_int_equal(t_rmdir(fk, P, "/w/x"), 0);
    assert_int_equal(t_getcwd(fk, P, buf, sizeof(buf)), -LX_ENOENT);
    assert_int_equal(t_open(fk, P, "new", LX_O_CREAT | LX_O_WRONLY, 0644), -LX_ENOENT);
    assert_int_equal(t_chdir(fk, P, ".."), 0);
    assert_int_equal(t_getcwd(fk, P, buf, sizeof(buf)), 3);
    assert_string_equal(buf, "/w");
}

static void test_devices(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    struct lx_stat st;
    int32_t null = open_ok(fk, "/dev/null", LX_O_RDWR, 0);
    assert_int_equal(t_write(fk, P, null, "gone", 4), 4);
    assert_int_equal(t_read(fk, P, null, buf, sizeof(buf)), 0);
    assert_int_equal(lseek_(fk, null, 100, LX_SEEK_SET), 0);
    assert_int_equal(t_fstat(fk, P, null, &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFCHR | 0666);
    assert_int_equal(st.st_rdev, LX_MKDEV(1, 3));
    t_close(fk, P, null);
    int32_t zero = open_ok(fk, "/dev/zero", LX_O_RDONLY, 0);
    char big[10000];
    memset(big, 1, sizeof(big));
    assert_int_equal(t_read(fk, P, zero, big, sizeof(big)), (int64_t)sizeof(big));
    for (size_t i = 0; i < sizeof(big); i++)
        assert_int_equal(big[i], 0);
    t_close(fk, P, zero);
    int32_t full = open_ok(fk, "/dev/full", LX_O_WRONLY, 0);
    assert_int_equal(t_write(fk, P, full, "x", 1), -LX_ENOSPC);
    t_close(fk, P, full);
    /* the console: writes reach the device, ioctls answer */
    int32_t tty = open_ok(fk, "/dev/tty", LX_O_WRONLY, 0);
    fake_console_take(fk);
    assert_int_equal(t_write(fk, P, tty, "hi", 2), 2);
    assert_string_equal(fake_console_take(fk), "hi");
    assert_int_equal(lseek_(fk, tty, 0, LX_SEEK_SET), -LX_ESPIPE);
    struct lx_winsize ws;
    assert_int_equal(t_ioctl(fk, P, tty, LX_TIOCGWINSZ, &ws, sizeof(ws)), 0);
    assert_int_equal(ws.ws_row, 24);
    assert_int_equal(ws.ws_col, 80);
    t_close(fk, P, tty);
    /* regular files are not terminals */
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "x"), 1);
    int32_t f = open_ok(fk, "/tmp/f", LX_O_RDONLY, 0);
    assert_int_equal(t_ioctl(fk, P, f, LX_TIOCGWINSZ, &ws, sizeof(ws)), -LX_ENOTTY);
    assert_int_equal(t_ioctl(fk, P, f, LX_TCGETS, buf, sizeof(struct lx_termios)), -LX_ENOTTY);
    t_close(fk, P, f);
    assert_int_equal(t_ioctl(fk, P, 55, LX_TCGETS, buf, sizeof(struct lx_termios)), -LX_EBADF);
    /* nothing to flush */
    assert_int_equal(fake_sys(fk, P, VFS_NR_fsync, 1), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fdatasync, 1), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fsync, 99), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_sync), 0);
}

/* file-nr's first field is the number of open descriptions, generated at each read. */
static void test_proc_file_nr(void **state)
{
    fake_t *fk = *state;
    char buf[64], want[64];
    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(base, 1);   /* the console shared by fds 0-2 */
    int32_t fd = open_ok(fk, "/proc/sys/fs/file-nr", LX_O_RDONLY, 0);
    int64_t n = t_read(fk, P, fd, buf, sizeof(buf) - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "2\t0\t65536\n");
    int32_t extra = open_ok(fk, "/dev/null", LX_O_RDONLY, 0);
    assert_int_equal(lseek_(fk, fd, 0, LX_SEEK_SET), 0);
    n = t_read(fk, P, fd, buf, sizeof(buf) - 1);
    buf[n] = '\0';
    snprintf(want, sizeof(want), "%llu\t0\t65536\n", (unsigned long long)(base + 2));
    assert_string_equal(buf, want);
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), 0);
    t_close(fk, P, extra);
    t_close(fk, P, fd);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
    assert_int_equal(t_open(fk, P, "/proc/sys/fs/file-nr", LX_O_WRONLY, 0), -LX_EACCES);
}

/* /proc/kstat: the kernel's counters, as the env reports them, generated at each read. */
static void test_proc_kstat(void **state)
{
    fake_t *fk = *state;
    char buf[512];
    int32_t fd = open_ok(fk, "/proc/kstat", LX_O_RDONLY, 0);
    int64_t n = t_read(fk, P, fd, buf, sizeof(buf) - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "kernel_entries 1234\nipc_messages 56\nas_switches 7\n"
                             "pt_shared 103\npt_unshared 104\ncow_copied 105\ncow_reused 106\n"
                             "zero_fill 107\nthreads 108\n");
    t_close(fk, P, fd);
    assert_int_equal(t_open(fk, P, "/proc/kstat", LX_O_WRONLY, 0), -LX_EACCES);
}

static void test_dispatch_errors(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(fake_sys(fk, P, 9999), -LX_ENOSYS);
    assert_int_equal(fake_sys(fk, P, 40 /* sendfile: forwarded, not implemented */), -LX_ENOSYS);
#ifndef NDEBUG
    /* the line procmgr writes for its own unknown numbers */
    assert_non_null(strstr(fk->log, "vfs: pid 1: unimplemented syscall 40 (sendfile)"));
#else
    assert_int_equal(fk->log_len, 0);   /* release builds stay quiet */
#endif
    assert_int_equal(fake_sys(fk, 42, VFS_NR_close, 0), -LX_ESRCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_read_write_seek, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_open_flags, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_readv_writev, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_stat_fields, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_access, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_getdents, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_rmdir_unlink, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_rename, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_symlink_readlink_link, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_chmod_chown_truncate_utimens, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_cwd, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_devices, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_proc_file_nr, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_proc_kstat, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_errors, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_files", tests, NULL, NULL));
}
