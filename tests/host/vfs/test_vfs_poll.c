/* Host tests of poll, ppoll, select and pselect6: one deferred reply registered on several
 * descriptions. Ready now (answered at once, revents/fd_sets as Linux); ready later (a write
 * wakes it); the timeout (the timer vfs asks for, never early); withdrawn by a signal (token
 * handed back, time left written back, no later answer); the caller's death (token dropped);
 * several descriptors in one call; one descriptor in several calls; Linux's errors. Every
 * registration must be gone afterwards: a later event answers nobody, and the teardown finds no
 * description left (the calls hold references). */
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

/* poll(fds, n, ms) from pid: the result; fds[] gets the revents back */
static int64_t t_poll(fake_t *fk, int32_t pid, struct lx_pollfd *fds, size_t n, int ms,
                      uint64_t *uaddr)
{
    uint64_t u = fake_alloc(fk, pid, n * sizeof(*fds) + 1);
    memcpy(fake_ptr(fk, pid, u), fds, n * sizeof(*fds));
    if (uaddr)
        *uaddr = u;
    int64_t r = fake_sys(fk, pid, VFS_NR_poll, u, n, (uint64_t)(int64_t)ms);
    memcpy(fds, fake_ptr(fk, pid, u), n * sizeof(*fds));
    return r;
}

static int16_t revents_at(fake_t *fk, int32_t pid, uint64_t u, size_t i)
{
    struct lx_pollfd pfd;
    memcpy(&pfd, (uint8_t *)fake_ptr(fk, pid, u) + i * sizeof pfd, sizeof pfd);
    return pfd.revents;
}

static void test_ready_now(void **state)
{
    fake_t *fk = *state;
    int a[2], b[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    assert_int_equal(t_pipe(fk, P, b, 0), 0);
    assert_int_equal(t_write(fk, P, a[1], "x", 1), 1);
    assert_int_equal(t_close(fk, P, b[1]), 0);   /* b's read end: no writers left */
    int64_t reg = t_open(fk, P, "/tmp/f", LX_O_RDWR | LX_O_CREAT, 0600);
    int64_t null = t_open(fk, P, "/dev/null", LX_O_RDWR, 0);
    assert_true(reg >= 0 && null >= 0);
    struct lx_pollfd fds[] = {
        {a[0], LX_POLLIN | LX_POLLOUT, 0x7}, /* data: IN only (a read end is not writable) */
        {a[1], LX_POLLIN | LX_POLLOUT, 0},   /* room: OUT */
        {b[0], 0, 0},                        /* HUP even when not asked for */
        {(int32_t)reg, LX_POLLIN | LX_POLLOUT | LX_POLLPRI, 0},
        {(int32_t)null, LX_POLLOUT, 0},
        {-3, LX_POLLIN, 0x55},               /* ignored: revents 0, not counted */
        {77, LX_POLLIN, 0},                  /* not open: POLLNVAL, counted */
    };
    assert_int_equal(t_poll(fk, P, fds, 7, -1, NULL), 6);
    assert_int_equal(fds[0].revents, LX_POLLIN);
    assert_int_equal(fds[1].revents, LX_POLLOUT);
    assert_int_equal(fds[2].revents, LX_POLLHUP);
    assert_int_equal(fds[3].revents, LX_POLLIN | LX_POLLOUT);
    assert_int_equal(fds[4].revents, LX_POLLOUT);
    assert_int_equal(fds[5].revents, 0);
    assert_int_equal(fds[6].revents, LX_POLLNVAL);
    /* a write end whose readers are gone is in error */
    assert_int_equal(t_close(fk, P, b[0]), 0);
    int c[2];
    assert_int_equal(t_pipe(fk, P, c, 0), 0);
    assert_int_equal(t_close(fk, P, c[0]), 0);
    struct lx_pollfd w = {c[1], LX_POLLOUT, 0};
    assert_int_equal(t_poll(fk, P, &w, 1, 0, NULL), 1);
    assert_int_equal(w.revents, LX_POLLOUT | LX_POLLERR);
    assert_int_equal(fk->armed, 0);   /* nothing waited: no timer */
}

static void test_ready_later(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    struct lx_pollfd fds[] = {{a[0], LX_POLLIN, 0}};
    uint64_t u;
    assert_int_equal(t_poll(fk, P, fds, 1, -1, &u), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_int_equal(fk->armed, 0);   /* no timeout: no timer */
    fake_no_reply(fk, tok);
    /* another process writes: the poll answers 1, POLLIN in the caller's array */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_write(fk, C, a[1], "hi", 2), 2);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(revents_at(fk, P, u, 0), LX_POLLIN);   /* what was asked: RDNORM was not */
    /* its registration is gone: more data answers nobody */
    size_t before = fk->nreplies;
    assert_int_equal(t_write(fk, C, a[1], "!", 1), 1);
    assert_int_equal(fk->nreplies, before);
    /* POLLHUP wakes a poll too: the last writer goes */
    char buf[8];
    assert_int_equal(t_read(fk, P, a[0], buf, sizeof buf), 3);
    assert_int_equal(t_poll(fk, P, fds, 1, -1, &u), VFS_SUSPEND);
    tok = fk->last_token;
    assert_int_equal(t_close(fk, P, a[1]), 0);
    fake_no_reply(fk, tok);   /* C still has the write end */
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(revents_at(fk, P, u, 0), LX_POLLHUP);
    t_close(fk, P, a[0]);
}

static void test_timeout(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    struct lx_pollfd fds[] = {{a[0], LX_POLLIN, 0}};
    uint64_t u, start = fk->mono;
    assert_int_equal(t_poll(fk, P, fds, 1, 100, &u), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_int_equal(fk->armed, start + 100 * MS);
    fake_advance(fk, 99 * MS);
    fake_no_reply(fk, tok);               /* never before the timeout is due */
    vfs_timer_fired(fk->vfs);        /* an early notification changes nothing */
    fake_no_reply(fk, tok);
    fake_advance(fk, 1 * MS);
    assert_int_equal(fake_reply_of(fk, tok), 0);
    assert_int_equal(revents_at(fk, P, u, 0), 0);
    assert_int_equal(fk->armed, 0);   /* the queue is empty again */
    /* a zero timeout only looks */
    assert_int_equal(t_poll(fk, P, fds, 1, 0, NULL), 0);
    /* two timeouts: the timer follows the earliest, then the next */
    assert_int_equal(t_poll(fk, P, fds, 1, 50, NULL), VFS_SUSPEND);
    vfs_token_t late = fk->last_token;
    assert_int_equal(t_poll(fk, P, fds, 1, 20, NULL), VFS_SUSPEND);
    vfs_token_t early = fk->last_token;
    assert_int_equal(fk->armed, fk->mono + 20 * MS);
    fake_advance(fk, 20 * MS);
    assert_int_equal(fake_reply_of(fk, early), 0);
    fake_no_reply(fk, late);
    assert_int_equal(fk->armed, fk->mono + 30 * MS);
    fake_advance(fk, 30 * MS);
    assert_int_equal(fake_reply_of(fk, late), 0);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

static void test_withdraw(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    /* ppoll with 2.5 s: a signal after 1 s withdraws it, 1.5 s is written back */
    uint64_t ufds = fake_alloc(fk, P, 8), uts = fake_alloc(fk, P, 16);
    struct lx_pollfd pfd = {a[0], LX_POLLIN, 0};
    struct lx_timespec ts = {2, 500000000};
    memcpy(fake_ptr(fk, P, ufds), &pfd, sizeof pfd);
    memcpy(fake_ptr(fk, P, uts), &ts, sizeof ts);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ppoll, ufds, 1, uts, 0, 8), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_true(fk->armed != 0);
    fake_advance(fk, 1000 * MS);
    vfs_token_t back = 0;
    assert_true(vfs_thread_withdraw(fk->vfs, P, &back, NULL));
    assert_int_equal(back, tok);
    assert_false(fake_dropped(fk, tok));
    fake_no_reply(fk, tok);
    assert_int_equal(fk->armed, 0);   /* its timer is gone */
    memcpy(&ts, fake_ptr(fk, P, uts), sizeof ts);
    assert_int_equal(ts.tv_sec, 1);
    assert_int_equal(ts.tv_nsec, 500000000);
    /* nothing is left registered: a write and the old deadline answer nobody */
    size_t before = fk->nreplies;
    assert_int_equal(t_write(fk, P, a[1], "x", 1), 1);
    fake_advance(fk, 5000 * MS);
    assert_int_equal(fk->nreplies, before);
    assert_false(vfs_thread_withdraw(fk->vfs, P, &back, NULL));   /* nothing twice */
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

static void test_caller_death(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    struct lx_pollfd fds[] = {{a[0], LX_POLLIN, 0}};
    assert_int_equal(t_poll(fk, C, fds, 1, 1000, NULL), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, tok));
    fake_no_reply(fk, tok);
    assert_int_equal(fk->armed, 0);
    /* a thread's death (vfs_thread_cancel) too */
    assert_int_equal(t_poll(fk, P, fds, 1, -1, NULL), VFS_SUSPEND);
    tok = fk->last_token;
    assert_int_equal(vfs_thread_cancel(fk->vfs, P), 1);
    assert_true(fake_dropped(fk, tok));
    size_t before = fk->nreplies;
    assert_int_equal(t_write(fk, P, a[1], "x", 1), 1);
    assert_int_equal(fk->nreplies, before);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

static void test_several_fds(void **state)
{
    fake_t *fk = *state;
    int a[2], b[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    assert_int_equal(t_pipe(fk, P, b, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    struct lx_pollfd fds[] = {{a[0], LX_POLLIN, 0}, {b[0], LX_POLLIN, 0}, {-1, 0, 0}};
    uint64_t u;
    assert_int_equal(t_poll(fk, P, fds, 3, -1, &u), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_int_equal(t_write(fk, C, b[1], "x", 1), 1);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(revents_at(fk, P, u, 0), 0);
    assert_int_equal(revents_at(fk, P, u, 1), LX_POLLIN);   /* what was asked: RDNORM was not */
    /* the other descriptor's registration went with it */
    size_t before = fk->nreplies;
    assert_int_equal(t_write(fk, C, a[1], "x", 1), 1);
    assert_int_equal(fk->nreplies, before);
    vfs_proc_exit(fk->vfs, C);
    for (int i = 0; i < 2; i++) {
        t_close(fk, P, a[i]);
        t_close(fk, P, b[i]);
    }
}

static void test_one_fd_several_polls(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, 3, P), 0);
    int64_t dup = fake_sys(fk, P, VFS_NR_dup, a[0]);
    assert_true(dup >= 0);
    /* P watches the pipe twice (two fds), C and 3 once each */
    struct lx_pollfd two[] = {{a[0], LX_POLLIN, 0}, {(int32_t)dup, LX_POLLIN, 0}};
    struct lx_pollfd one[] = {{a[0], LX_POLLIN, 0}};
    uint64_t u;
    assert_int_equal(t_poll(fk, P, two, 2, -1, &u), VFS_SUSPEND);
    vfs_token_t tp = fk->last_token;
    assert_int_equal(t_poll(fk, C, one, 1, -1, NULL), VFS_SUSPEND);
    vfs_token_t tc = fk->last_token;
    assert_int_equal(t_poll(fk, 3, one, 1, 500, NULL), VFS_SUSPEND);
    vfs_token_t t3 = fk->last_token;
    /* one of them leaves (a signal): the others stay registered */
    vfs_token_t back;
    assert_true(vfs_thread_withdraw(fk->vfs, C, &back, NULL));
    assert_int_equal(t_write(fk, P, a[1], "x", 1), 1);
    assert_int_equal(fake_reply_of(fk, tp), 2);   /* each entry counts */
    assert_int_equal(revents_at(fk, P, u, 1), LX_POLLIN);   /* what was asked: RDNORM was not */
    assert_int_equal(fake_reply_of(fk, t3), 1);
    fake_no_reply(fk, tc);
    assert_int_equal(fk->armed, 0);
    vfs_proc_exit(fk->vfs, C);
    vfs_proc_exit(fk->vfs, 3);
    t_close(fk, P, (int32_t)dup);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

static void test_console(void **state)
{
    fake_t *fk = *state;
    struct lx_pollfd fds[] = {{0, LX_POLLIN, 0}, {1, LX_POLLOUT, 0}};
    assert_int_equal(t_poll(fk, P, fds, 2, 0, NULL), 1);   /* output never waits */
    assert_int_equal(fds[1].revents, LX_POLLOUT);
    fds[1].fd = -1;
    uint64_t u;
    assert_int_equal(t_poll(fk, P, fds, 2, -1, &u), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    vfs_console_input(fk->vfs, "ab", 2);   /* canonical: no line yet */
    fake_no_reply(fk, tok);
    vfs_console_input(fk->vfs, "\r", 1);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(revents_at(fk, P, u, 0), LX_POLLIN);   /* what was asked: RDNORM was not */
    char buf[8];
    assert_int_equal(t_read(fk, P, 0, buf, sizeof buf), 3);
    (void)fake_console_take(fk);
}

/* select(n, in, out, ex, tv) with host-side sets (NULL: none); the sets come back */
static int64_t t_select(fake_t *fk, uint64_t nr, int32_t n, uint64_t *sets[3], void *tv,
                        size_t tvlen, uint64_t *utv)
{
    uint64_t us[3] = {0, 0, 0};
    for (int s = 0; s < 3; s++) {
        if (!sets[s])
            continue;
        us[s] = fake_alloc(fk, P, 128);
        memcpy(fake_ptr(fk, P, us[s]), sets[s], 128);
    }
    uint64_t ut = 0;
    if (tv) {
        ut = fake_alloc(fk, P, tvlen);
        memcpy(fake_ptr(fk, P, ut), tv, tvlen);
    }
    if (utv)
        *utv = ut;
    int64_t r = fake_sys(fk, P, nr, (uint64_t)n, us[0], us[1], us[2], ut, 0);
    for (int s = 0; s < 3; s++)
        if (sets[s])
            memcpy(sets[s], fake_ptr(fk, P, us[s]), 128);
    if (tv)
        memcpy(tv, fake_ptr(fk, P, ut), tvlen);
    return r;
}

static void test_select(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);   /* 3 and 4 */
    uint64_t in[16] = {0}, out[16] = {0};
    uint64_t *sets[3] = {in, out, NULL};
    in[0] = 1ull << a[0] | 1ull << a[1];
    out[0] = 1ull << a[1];
    struct lx_timeval tv = {0, 0};
    /* the write end: writable; counted once per set it is ready in */
    assert_int_equal(t_select(fk, VFS_NR_select, 5, sets, &tv, sizeof tv, NULL), 1);
    assert_int_equal(in[0], 0);
    assert_int_equal(out[0], 1ull << a[1]);
    /* EBADF for a set bit naming nothing; EINVAL for n < 0 or a bad timeval */
    in[0] = 1ull << 9;
    assert_int_equal(t_select(fk, VFS_NR_select, 10, sets, NULL, 0, NULL), -LX_EBADF);
    in[0] = 0;
    assert_int_equal(t_select(fk, VFS_NR_select, -1, sets, NULL, 0, NULL), -LX_EINVAL);
    tv = (struct lx_timeval){0, -1};
    assert_int_equal(t_select(fk, VFS_NR_select, 5, sets, &tv, sizeof tv, NULL), -LX_EINVAL);
    /* a wait with a timeval: 1.5 s in microseconds is accepted (Linux normalises it) */
    in[0] = 1ull << a[0];
    out[0] = 0;
    tv = (struct lx_timeval){0, 1500000};
    uint64_t utv;
    assert_int_equal(t_select(fk, VFS_NR_select, 5, sets, &tv, sizeof tv, &utv), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_int_equal(fk->armed, fk->mono + 1500 * MS);
    fake_advance(fk, 400 * MS);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_write(fk, C, a[1], "x", 1), 1);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    uint64_t got[2];
    memcpy(got, fake_ptr(fk, P, utv), sizeof got);
    assert_int_equal(got[0], 1);        /* the time left, as Linux writes it back */
    assert_int_equal(got[1], 100000);
    /* a timeout writes 0 back and empties the sets */
    char c;
    assert_int_equal(t_read(fk, P, a[0], &c, 1), 1);
    struct lx_timespec ts = {0, 5 * MS};
    assert_int_equal(t_select(fk, VFS_NR_pselect6, 5, sets, &ts, sizeof ts, &utv), VFS_SUSPEND);
    tok = fk->last_token;
    fake_advance(fk, 5 * MS);
    assert_int_equal(fake_reply_of(fk, tok), 0);
    memcpy(&ts, fake_ptr(fk, P, utv), sizeof ts);
    assert_int_equal(ts.tv_sec, 0);
    assert_int_equal(ts.tv_nsec, 0);
    vfs_proc_exit(fk->vfs, C);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
}

static void test_errors(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, P, 64), 0);
    uint64_t u = fake_alloc(fk, P, 65 * sizeof(struct lx_pollfd));
    /* more entries than RLIMIT_NOFILE: EINVAL; exactly the limit is allowed */
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, u, 65, 0), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, u, 64, 0), 0);   /* 64 x fd 0, no events */
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, FAKE_BADADDR, 1, 0), -LX_EFAULT);
    /* ppoll: a bad timespec, a bad pointer */
    uint64_t uts = fake_alloc(fk, P, 16);
    struct lx_timespec ts = {0, 1000000000};
    memcpy(fake_ptr(fk, P, uts), &ts, sizeof ts);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ppoll, u, 1, uts, 0, 8), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ppoll, u, 1, FAKE_BADADDR, 0, 8), -LX_EFAULT);
    /* an O_PATH descriptor is POLLNVAL (poll) and EBADF (select) */
    int64_t fd = t_open(fk, P, "/tmp", LX_O_PATH, 0);
    assert_true(fd >= 0);
    struct lx_pollfd pf = {(int32_t)fd, LX_POLLIN, 0};
    assert_int_equal(t_poll(fk, P, &pf, 1, 0, NULL), 1);
    assert_int_equal(pf.revents, LX_POLLNVAL);
    uint64_t in[16] = {1ull << fd};
    uint64_t *sets[3] = {in, NULL, NULL};
    assert_int_equal(t_select(fk, VFS_NR_select, (int32_t)fd + 1, sets, NULL, 0, NULL),
                     -LX_EBADF);
    t_close(fk, P, (int32_t)fd);
    (void)fake_console_take(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_now, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ready_later, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_timeout, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_withdraw, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_caller_death, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_several_fds, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_one_fd_several_polls, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_console, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_select, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_errors, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
