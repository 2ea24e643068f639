/* Host tests of named pipes and mknod: FIFOs made by mknod/mknodat, Linux's open rules
 * (O_RDONLY waits for a writer and O_WRONLY for a reader, as deferred replies completed by the
 * other end's open; O_NONBLOCK read-opens at once, write-opens ENXIO without a reader; O_RDWR
 * never waits), a waiting open withdrawn or its caller dead, data living while the FIFO is open,
 * POLLHUP only after a writer has come and gone, device nodes (known numbers open as vfs's
 * devices, others ENXIO), mknod's errors, and an anonymous pipe opened again through /proc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <string.h>
#include <lx/poll.h>
#include "fake_env.h"

#define P 1
#define C 2

static int64_t t_mknod(fake_t *fk, const char *path, uint32_t mode, uint32_t dev)
{
    return fake_sys(fk, P, VFS_NR_mknod, fake_str(fk, P, path), mode, dev);
}

static uint32_t revents(fake_t *fk, int32_t pid, int32_t fd, uint32_t events)
{
    uint64_t u = fake_alloc(fk, pid, 8);
    struct lx_pollfd pfd = {fd, (int16_t)events, 0};
    memcpy(fake_ptr(fk, pid, u), &pfd, sizeof pfd);
    assert_true(fake_sys(fk, pid, VFS_NR_poll, u, 1, 0) >= 0);
    memcpy(&pfd, fake_ptr(fk, pid, u), sizeof pfd);
    return (uint16_t)pfd.revents;
}

static void test_mknod(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mknod(fk, "/tmp/fifo", LX_S_IFIFO | 0666, 0), 0);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/tmp/fifo", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFIFO | 0644);   /* umask 022 */
    assert_int_equal(st.st_nlink, 1);
    assert_int_equal(t_mknod(fk, "/tmp/fifo", LX_S_IFIFO | 0666, 0), -LX_EEXIST);
    assert_int_equal(t_mknod(fk, "/tmp/d", LX_S_IFDIR | 0755, 0), -LX_EPERM);
    assert_int_equal(t_mknod(fk, "/tmp/l", LX_S_IFLNK | 0777, 0), -LX_EINVAL);
    assert_int_equal(t_mknod(fk, "/nonexistent/dir/x", LX_S_IFDIR, 0), -LX_EPERM);   /* first */
    assert_int_equal(t_mknod(fk, "/nonexistent/x", LX_S_IFIFO, 0), -LX_ENOENT);
    assert_int_equal(t_mknod(fk, "/proc/x", LX_S_IFIFO, 0), -LX_EPERM);
    assert_int_equal(fake_sys(fk, P, VFS_NR_mknod, FAKE_BADADDR, LX_S_IFIFO, 0), -LX_EFAULT);
    /* no type, or S_IFREG: a regular file */
    assert_int_equal(t_mknod(fk, "/tmp/plain", 0600, 0), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/plain", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 0600);
    /* device nodes: root may make them; 1:3 is null, an unknown number has no driver */
    assert_int_equal(t_mknod(fk, "/tmp/null", LX_S_IFCHR | 0666, (1 << 8) | 3), 0);
    assert_int_equal(t_stat(fk, P, "/tmp/null", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFCHR | 0644);
    assert_int_equal(st.st_rdev, LX_MKDEV(1, 3));
    int64_t fd = t_open(fk, P, "/tmp/null", LX_O_RDWR, 0);
    assert_true(fd >= 0);
    assert_int_equal(t_write(fk, P, (int32_t)fd, "gone", 4), 4);
    t_close(fk, P, (int32_t)fd);
    assert_int_equal(t_mknod(fk, "/tmp/odd", LX_S_IFCHR | 0600, (250 << 8) | 3), 0);
    assert_int_equal(t_open(fk, P, "/tmp/odd", LX_O_RDWR, 0), -LX_ENXIO);
    assert_int_equal(t_mknod(fk, "/tmp/blk", LX_S_IFBLK | 0600, (8 << 8) | 0), 0);
    assert_int_equal(t_open(fk, P, "/tmp/blk", LX_O_RDONLY, 0), -LX_ENXIO);
    assert_int_equal(t_mknod(fk, "/tmp/sock", LX_S_IFSOCK | 0600, 0), 0);
    assert_int_equal(t_open(fk, P, "/tmp/sock", LX_O_RDONLY, 0), -LX_ENXIO);
    /* mknodat relative to a directory descriptor */
    int64_t dir = t_open(fk, P, "/tmp", LX_O_RDONLY | LX_O_DIRECTORY, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_mknodat, dir, fake_str(fk, P, "f2"), LX_S_IFIFO | 0600,
                              0),
                     0);
    assert_int_equal(t_stat(fk, P, "/tmp/f2", &st), 0);
    assert_true(LX_S_ISFIFO(st.st_mode));
    t_close(fk, P, (int32_t)dir);
}

static void test_open_waits_for_partner(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mknod(fk, "/tmp/f", LX_S_IFIFO | 0600, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    /* the reader waits for a writer */
    assert_int_equal(t_open(fk, P, "/tmp/f", LX_O_RDONLY, 0), VFS_SUSPEND);
    vfs_token_t rtok = fk->last_token;
    int64_t v;
    assert_false(fake_reply_find(fk, rtok, &v));
    int64_t wfd = t_open(fk, C, "/tmp/f", LX_O_WRONLY, 0);   /* a reader is there: at once */
    assert_true(wfd >= 0);
    int64_t rfd = fake_reply_of(fk, rtok);
    assert_true(rfd >= 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, rfd, LX_F_GETFL) & LX_O_ACCMODE, LX_O_RDONLY);
    assert_int_equal(t_write(fk, C, (int32_t)wfd, "data", 4), 4);
    char buf[8];
    assert_int_equal(t_read(fk, P, (int32_t)rfd, buf, sizeof buf), 4);
    assert_memory_equal(buf, "data", 4);
    t_close(fk, C, (int32_t)wfd);
    t_close(fk, P, (int32_t)rfd);
    /* the writer waits for a reader (O_CLOEXEC carried to the fd made later) */
    assert_int_equal(t_open(fk, C, "/tmp/f", LX_O_WRONLY | LX_O_CLOEXEC, 0), VFS_SUSPEND);
    vfs_token_t wtok = fk->last_token;
    rfd = t_open(fk, P, "/tmp/f", LX_O_RDONLY, 0);
    assert_true(rfd >= 0);
    wfd = fake_reply_of(fk, wtok);
    assert_true(wfd >= 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, wfd, LX_F_GETFD), LX_FD_CLOEXEC);
    /* the data lives while the FIFO is open, and goes with the last close */
    assert_int_equal(t_write(fk, C, (int32_t)wfd, "kept", 4), 4);
    t_close(fk, C, (int32_t)wfd);
    t_close(fk, P, (int32_t)rfd);
    int64_t rw = t_open(fk, P, "/tmp/f", LX_O_RDWR | LX_O_NONBLOCK, 0);   /* never waits */
    assert_true(rw >= 0);
    assert_int_equal(t_read(fk, P, (int32_t)rw, buf, sizeof buf), -LX_EAGAIN);
    t_close(fk, P, (int32_t)rw);
    vfs_proc_exit(fk->vfs, C);
}

static void test_nonblocking_opens(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mknod(fk, "/tmp/f", LX_S_IFIFO | 0600, 0), 0);
    assert_int_equal(t_open(fk, P, "/tmp/f", LX_O_WRONLY | LX_O_NONBLOCK, 0), -LX_ENXIO);
    int64_t rfd = t_open(fk, P, "/tmp/f", LX_O_RDONLY | LX_O_NONBLOCK, 0);
    assert_true(rfd >= 0);
    char c;
    assert_int_equal(t_read(fk, P, (int32_t)rfd, &c, 1), 0);   /* no writer: end of file */
    assert_int_equal(revents(fk, P, (int32_t)rfd, LX_POLLIN), 0);   /* but no POLLHUP yet */
    int64_t wfd = t_open(fk, P, "/tmp/f", LX_O_WRONLY | LX_O_NONBLOCK, 0);   /* now a reader */
    assert_true(wfd >= 0);
    assert_int_equal(revents(fk, P, (int32_t)wfd, LX_POLLOUT), LX_POLLOUT);
    t_close(fk, P, (int32_t)wfd);
    assert_int_equal(revents(fk, P, (int32_t)rfd, LX_POLLIN), LX_POLLHUP);   /* came and went */
    t_close(fk, P, (int32_t)rfd);
}

static void test_waiting_open_cancelled(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mknod(fk, "/tmp/f", LX_S_IFIFO | 0600, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t before = vfs_open_descriptions(fk->vfs);
    /* a signal withdraws a waiting reader: it no longer counts as one */
    assert_int_equal(t_open(fk, C, "/tmp/f", LX_O_RDONLY, 0), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token, back;
    assert_int_equal(t_open(fk, P, "/tmp/x", LX_O_RDONLY, 0), -LX_ENOENT);
    assert_true(vfs_thread_withdraw(fk->vfs, C, &back, NULL));
    assert_int_equal(back, tok);
    assert_int_equal(vfs_open_descriptions(fk->vfs), before);
    assert_int_equal(t_open(fk, P, "/tmp/f", LX_O_WRONLY | LX_O_NONBLOCK, 0), -LX_ENXIO);
    /* a waiting writer whose process dies is dropped */
    assert_int_equal(t_open(fk, C, "/tmp/f", LX_O_WRONLY, 0), VFS_SUSPEND);
    tok = fk->last_token;
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, tok));
    assert_int_equal(vfs_open_descriptions(fk->vfs), before);
    /* a reader that comes now finds no writer (non-blocking: at once, EOF) */
    int64_t rfd = t_open(fk, P, "/tmp/f", LX_O_RDONLY | LX_O_NONBLOCK, 0);
    char c;
    assert_int_equal(t_read(fk, P, (int32_t)rfd, &c, 1), 0);
    t_close(fk, P, (int32_t)rfd);
}

static void test_anonymous_pipe_reopened(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", a[0]);
    /* a write-open of an anonymous pipe never waits, even O_NONBLOCK... it has a reader */
    int64_t w = t_open(fk, P, path, LX_O_WRONLY, 0);
    assert_true(w >= 0);
    assert_int_equal(t_write(fk, P, (int32_t)w, "via", 3), 3);
    char buf[4];
    assert_int_equal(t_read(fk, P, a[0], buf, 4), 3);
    assert_memory_equal(buf, "via", 3);
    t_close(fk, P, (int32_t)w);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mknod, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_open_waits_for_partner, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_nonblocking_opens, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_waiting_open_cancelled, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_anonymous_pipe_reopened, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
