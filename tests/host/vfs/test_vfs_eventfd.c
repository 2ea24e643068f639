/* Host tests of eventfd and timerfd state: eventfd's counter (read takes all, or 1 with
 * EFD_SEMAPHORE; the largest count; blocking reads and writes as deferred replies, EAGAIN under
 * O_NONBLOCK; readiness), timerfd's expirations counted from the clock (one-shot, periodic, an
 * absolute time, missed periods added up, settime/gettime, a blocking read answered by the
 * timer, O_NONBLOCK), and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <string.h>
#include <lx/poll.h>
#include <lx/time.h>
#include "fake_env.h"

#define P 1
#define C 2
#define MS 1000000ull
#define SEC 1000000000ull

static int64_t rd64(fake_t *fk, int32_t pid, int32_t fd, uint64_t *v)
{
    return t_read(fk, pid, fd, v, sizeof *v);
}

static int64_t wr64(fake_t *fk, int32_t pid, int32_t fd, uint64_t v)
{
    return t_write(fk, pid, fd, &v, sizeof v);
}

static uint32_t ready(fake_t *fk, int32_t fd)
{
    uint64_t u = fake_alloc(fk, P, 8);
    struct lx_pollfd pfd = {fd, LX_POLLIN | LX_POLLOUT, 0};
    memcpy(fake_ptr(fk, P, u), &pfd, sizeof pfd);
    assert_true(fake_sys(fk, P, VFS_NR_poll, u, 1, 0) >= 0);
    memcpy(&pfd, fake_ptr(fk, P, u), sizeof pfd);
    return (uint16_t)pfd.revents;
}

static void test_eventfd_counter(void **state)
{
    fake_t *fk = *state;
    int32_t fd = (int32_t)fake_sys(fk, P, VFS_NR_eventfd2, 3, LX_EFD_NONBLOCK | LX_EFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, fd, LX_F_GETFD), LX_FD_CLOEXEC);
    assert_int_equal(ready(fk, fd), LX_POLLIN | LX_POLLOUT);
    uint64_t v = 0;
    assert_int_equal(wr64(fk, P, fd, 4), 8);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 7);                       /* the whole count */
    assert_int_equal(rd64(fk, P, fd, &v), -LX_EAGAIN);
    assert_int_equal(ready(fk, fd), LX_POLLOUT);
    /* 8 bytes or EINVAL; UINT64_MAX cannot be written; the count stops at UINT64_MAX - 1 */
    assert_int_equal(t_read(fk, P, fd, &v, 7), -LX_EINVAL);
    assert_int_equal(t_write(fk, P, fd, &v, 4), -LX_EINVAL);
    assert_int_equal(wr64(fk, P, fd, UINT64_MAX), -LX_EINVAL);
    assert_int_equal(wr64(fk, P, fd, UINT64_MAX - 1), 8);
    assert_int_equal(ready(fk, fd), LX_POLLIN);   /* full: not writable */
    assert_int_equal(wr64(fk, P, fd, 1), -LX_EAGAIN);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, fd, fake_alloc(fk, P, 8), 8, 0),
                     -LX_ESPIPE);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_mode, 0600);            /* an anonymous inode: no type bits */
    assert_int_equal(st.st_nlink, 1);
    assert_int_equal(t_close(fk, P, fd), 0);
    /* semaphore mode: one at a time */
    fd = (int32_t)fake_sys(fk, P, VFS_NR_eventfd2, 2, LX_EFD_SEMAPHORE);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 1);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 1);
    assert_int_equal(t_close(fk, P, fd), 0);
    /* flags */
    assert_int_equal(fake_sys(fk, P, VFS_NR_eventfd2, 0, 0x10), -LX_EINVAL);
    fd = (int32_t)fake_sys(fk, P, VFS_NR_eventfd, 5);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, fd, LX_F_GETFL), LX_O_RDWR);
    assert_int_equal(t_close(fk, P, fd), 0);
}

static void test_eventfd_blocking(void **state)
{
    fake_t *fk = *state;
    int32_t fd = (int32_t)fake_sys(fk, P, VFS_NR_eventfd2, 0, 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t u = fake_alloc(fk, C, 8);
    assert_int_equal(fake_sys(fk, C, VFS_NR_read, fd, u, 8), VFS_SUSPEND);
    vfs_token_t reader = fk->last_token;
    assert_int_equal(wr64(fk, P, fd, 5), 8);
    assert_int_equal(fake_reply_of(fk, reader), 8);
    uint64_t v;
    memcpy(&v, fake_ptr(fk, C, u), 8);
    assert_int_equal(v, 5);
    /* a write that does not fit waits for a reader */
    assert_int_equal(wr64(fk, P, fd, UINT64_MAX - 2), 8);
    uint64_t w = fake_alloc(fk, C, 8), big = 10;
    memcpy(fake_ptr(fk, C, w), &big, 8);
    assert_int_equal(fake_sys(fk, C, VFS_NR_write, fd, w, 8), VFS_SUSPEND);
    vfs_token_t writer = fk->last_token;
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, UINT64_MAX - 2);
    assert_int_equal(fake_reply_of(fk, writer), 8);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 10);
    /* a blocked reader that dies is dropped */
    assert_int_equal(fake_sys(fk, C, VFS_NR_read, fd, u, 8), VFS_SUSPEND);
    reader = fk->last_token;
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, reader));
    assert_int_equal(t_close(fk, P, fd), 0);
}

/* timerfd_settime(fd, flags, {interval, value}) */
static int64_t settime(fake_t *fk, int32_t fd, uint32_t flags, uint64_t interval, uint64_t value,
                       struct lx_itimerspec *old)
{
    struct lx_itimerspec its = {{(int64_t)(interval / SEC), (int64_t)(interval % SEC)},
                                {(int64_t)(value / SEC), (int64_t)(value % SEC)}};
    uint64_t u = fake_alloc(fk, P, sizeof its), uo = fake_alloc(fk, P, sizeof its);
    memcpy(fake_ptr(fk, P, u), &its, sizeof its);
    int64_t r = fake_sys(fk, P, VFS_NR_timerfd_settime, fd, flags, u, old ? uo : 0);
    if (old)
        memcpy(old, fake_ptr(fk, P, uo), sizeof *old);
    return r;
}

static void gettime(fake_t *fk, int32_t fd, struct lx_itimerspec *cur)
{
    uint64_t u = fake_alloc(fk, P, sizeof *cur);
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_gettime, fd, u), 0);
    memcpy(cur, fake_ptr(fk, P, u), sizeof *cur);
}

static void test_timerfd_expirations(void **state)
{
    fake_t *fk = *state;
    int32_t fd = (int32_t)fake_sys(fk, P, VFS_NR_timerfd_create, LX_CLOCK_MONOTONIC,
                                   LX_TFD_NONBLOCK);
    assert_true(fd >= 0);
    uint64_t v;
    assert_int_equal(rd64(fk, P, fd, &v), -LX_EAGAIN);   /* disarmed */
    assert_int_equal(fk->armed, 0);
    /* one-shot in 50 ms */
    assert_int_equal(settime(fk, fd, 0, 0, 50 * MS, NULL), 0);
    assert_int_equal(fk->armed, fk->mono + 50 * MS);
    struct lx_itimerspec cur;
    fake_advance(fk, 20 * MS);
    gettime(fk, fd, &cur);
    assert_int_equal(cur.it_value.tv_nsec, 30 * MS);   /* time left */
    assert_int_equal(ready(fk, fd), 0);
    assert_int_equal(rd64(fk, P, fd, &v), -LX_EAGAIN);
    fake_advance(fk, 30 * MS);
    assert_int_equal(ready(fk, fd), LX_POLLIN);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 1);
    gettime(fk, fd, &cur);
    assert_int_equal(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);   /* spent */
    assert_int_equal(t_read(fk, P, fd, &v, 4), -LX_EINVAL);
    /* periodic, every 10 ms from 10 ms: 35 ms later three expirations wait */
    assert_int_equal(settime(fk, fd, 0, 10 * MS, 10 * MS, NULL), 0);
    fake_advance(fk, 35 * MS);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 3);
    gettime(fk, fd, &cur);
    assert_int_equal(cur.it_value.tv_nsec, 5 * MS);
    assert_int_equal(cur.it_interval.tv_nsec, 10 * MS);
    /* settime returns the old setting and clears the count; 0 disarms */
    fake_advance(fk, 7 * MS);
    struct lx_itimerspec old;
    assert_int_equal(settime(fk, fd, 0, 0, 0, &old), 0);
    assert_int_equal(old.it_value.tv_nsec, 8 * MS);
    assert_int_equal(old.it_interval.tv_nsec, 10 * MS);
    assert_int_equal(rd64(fk, P, fd, &v), -LX_EAGAIN);
    assert_int_equal(fk->armed, 0);
    /* an absolute time already past has expired at once */
    assert_int_equal(settime(fk, fd, LX_TFD_TIMER_ABSTIME, 0, fk->mono - 1, NULL), 0);
    assert_int_equal(rd64(fk, P, fd, &v), 8);
    assert_int_equal(v, 1);
    assert_int_equal(t_close(fk, P, fd), 0);
}

static void test_timerfd_blocking_read(void **state)
{
    fake_t *fk = *state;
    int32_t fd = (int32_t)fake_sys(fk, P, VFS_NR_timerfd_create, LX_CLOCK_REALTIME, 0);
    /* absolute realtime: 2 s after now, on the wall clock */
    uint64_t real = (uint64_t)fk->clock.tv_sec * SEC + (uint64_t)fk->clock.tv_nsec;
    assert_int_equal(settime(fk, fd, LX_TFD_TIMER_ABSTIME, 0, real + 2 * SEC, NULL), 0);
    assert_int_equal(fk->armed, fk->mono + 2 * SEC);
    uint64_t u = fake_alloc(fk, P, 8);
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, fd, u, 8), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    fake_advance(fk, 2 * SEC - 1);
    int64_t r;
    assert_false(fake_reply_find(fk, tok, &r));   /* not a nanosecond early */
    fake_advance(fk, 1);
    assert_int_equal(fake_reply_of(fk, tok), 8);
    uint64_t v;
    memcpy(&v, fake_ptr(fk, P, u), 8);
    assert_int_equal(v, 1);
    assert_int_equal(fk->armed, 0);
    /* a reader that is withdrawn leaves nothing behind */
    assert_int_equal(settime(fk, fd, 0, 0, SEC, NULL), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, fd, u, 8), VFS_SUSPEND);
    vfs_token_t back;
    assert_true(vfs_thread_withdraw(fk->vfs, P, &back, NULL));
    fake_advance(fk, SEC);
    assert_false(fake_reply_find(fk, back, &r));
    assert_int_equal(rd64(fk, P, fd, &v), 8);   /* the expiration is still there to read */
    assert_int_equal(t_close(fk, P, fd), 0);
}

static void test_timerfd_errors(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_create, LX_CLOCK_PROCESS_CPUTIME_ID, 0),
                     -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_create, LX_CLOCK_MONOTONIC, 1), -LX_EINVAL);
    int32_t fd = (int32_t)fake_sys(fk, P, VFS_NR_timerfd_create, LX_CLOCK_BOOTTIME, 0);
    assert_true(fd >= 0);
    assert_int_equal(settime(fk, fd, 4, 0, SEC, NULL), -LX_EINVAL);
    struct lx_itimerspec bad = {{0, 0}, {-1, 0}};
    uint64_t u = fake_alloc(fk, P, sizeof bad);
    memcpy(fake_ptr(fk, P, u), &bad, sizeof bad);
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_settime, fd, 0, u, 0), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_settime, fd, 0, FAKE_BADADDR, 0),
                     -LX_EFAULT);
    assert_int_equal(settime(fk, 0, 0, 0, SEC, NULL), -LX_EINVAL);    /* not a timerfd */
    assert_int_equal(settime(fk, 55, 0, 0, SEC, NULL), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_timerfd_gettime, fd, FAKE_BADADDR), -LX_EFAULT);
    uint64_t v = 1;
    assert_int_equal(wr64(fk, P, fd, v), -LX_EINVAL);
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(fk->armed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eventfd_counter, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_eventfd_blocking, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_timerfd_expirations, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_timerfd_blocking_read, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_timerfd_errors, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
