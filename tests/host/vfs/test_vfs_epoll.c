/* Host tests of epoll: epoll_ctl's rules and errors, level-triggered items reported while ready,
 * edge-triggered ones once per wake, EPOLLONESHOT until EPOLL_CTL_MOD, maxevents and the order
 * of the ready list, epoll_wait waiting (a deferred reply woken by an event, its timeout, a
 * signal), items that go with their description, nested instances and ELOOP, and polling the
 * epoll descriptor itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <string.h>
#include <lx/poll.h>
#include "fake_env.h"

#define P 1
#define C 2
#define MS 1000000ull

static int64_t ctl(fake_t *fk, int32_t ep, int op, int32_t fd, uint32_t events, uint64_t data)
{
    struct lx_epoll_event ev = {events, data};
    uint64_t u = fake_alloc(fk, P, sizeof ev);
    memcpy(fake_ptr(fk, P, u), &ev, sizeof ev);
    return fake_sys(fk, P, VFS_NR_epoll_ctl, ep, (uint64_t)op, fd, u);
}

/* epoll_wait into a fresh buffer (left in *u): the result */
static int64_t ep_wait(fake_t *fk, int32_t ep, int max, int ms, uint64_t *u)
{
    *u = fake_alloc(fk, P, (size_t)max * sizeof(struct lx_epoll_event) + 1);
    return fake_sys(fk, P, VFS_NR_epoll_wait, ep, *u, (uint64_t)max, (uint64_t)(int64_t)ms);
}

static struct lx_epoll_event ev_at(fake_t *fk, uint64_t u, int i)
{
    struct lx_epoll_event ev;
    memcpy(&ev, (uint8_t *)fake_ptr(fk, P, u) + i * sizeof ev, sizeof ev);
    return ev;
}

static int32_t new_ep(fake_t *fk)
{
    int64_t ep = fake_sys(fk, P, VFS_NR_epoll_create1, 0);
    assert_true(ep >= 0);
    return (int32_t)ep;
}

static void test_ctl_errors(void **state)
{
    fake_t *fk = *state;
    int32_t ep = new_ep(fk);
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    int64_t reg = t_open(fk, P, "/tmp/r", LX_O_RDWR | LX_O_CREAT, 0600);
    int64_t null = t_open(fk, P, "/dev/null", LX_O_RDWR, 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_create, 0), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_create1, 1), -LX_EINVAL);
    /* nothing to wait for on a regular file, a directory or /dev/null */
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, (int32_t)reg, LX_POLLIN, 0), -LX_EPERM);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, (int32_t)null, LX_POLLIN, 0), -LX_EPERM);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, 99, LX_POLLIN, 0), -LX_EBADF);
    assert_int_equal(ctl(fk, 99, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN, 0), -LX_EBADF);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, ep, LX_POLLIN, 0), -LX_EINVAL);     /* itself */
    assert_int_equal(ctl(fk, a[1], LX_EPOLL_CTL_ADD, a[0], LX_POLLIN, 0), -LX_EINVAL); /* no epoll */
    assert_int_equal(ctl(fk, ep, 7, a[0], LX_POLLIN, 0), -LX_EINVAL);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_DEL, a[0], 0, 0), -LX_ENOENT);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_MOD, a[0], LX_POLLIN, 0), -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_ctl, ep, LX_EPOLL_CTL_ADD, a[0], FAKE_BADADDR),
                     -LX_EFAULT);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN, 1), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN, 1), -LX_EEXIST);
    /* DEL ignores the event pointer */
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_ctl, ep, LX_EPOLL_CTL_DEL, a[0], 0), 0);
    /* EPOLLEXCLUSIVE: ADD only, and only with in/out/err/hup/et/wakeup */
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN | LX_EPOLLEXCLUSIVE |
                                                          LX_EPOLLONESHOT, 0), -LX_EINVAL);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN | LX_EPOLLEXCLUSIVE, 0), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_MOD, a[0], LX_POLLIN, 0), -LX_EINVAL);
    /* epoll_wait's checks */
    uint64_t u;
    assert_int_equal(ep_wait(fk, ep, 0, 0, &u), -LX_EINVAL);
    assert_int_equal(ep_wait(fk, a[0], 1, 0, &u), -LX_EINVAL);
    assert_int_equal(ep_wait(fk, 77, 1, 0, &u), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_wait, ep, 0xffffffffffff0000ull, 1, 0),
                     -LX_EFAULT);
    t_close(fk, P, (int32_t)reg);
    t_close(fk, P, (int32_t)null);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
    t_close(fk, P, ep);
}

static void test_level_edge_oneshot(void **state)
{
    fake_t *fk = *state;
    int32_t ep = new_ep(fk);
    int lt[2], et[2], os[2];
    assert_int_equal(t_pipe(fk, P, lt, 0), 0);
    assert_int_equal(t_pipe(fk, P, et, 0), 0);
    assert_int_equal(t_pipe(fk, P, os, 0), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, lt[0], LX_POLLIN, 100), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, et[0], LX_POLLIN | LX_EPOLLET, 200), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, os[0], LX_POLLIN | LX_EPOLLONESHOT, 300), 0);
    uint64_t u;
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 0);
    assert_int_equal(t_write(fk, P, lt[1], "a", 1), 1);
    assert_int_equal(t_write(fk, P, et[1], "b", 1), 1);
    assert_int_equal(t_write(fk, P, os[1], "c", 1), 1);
    /* in the order they became ready, with their data */
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 3);
    assert_int_equal(ev_at(fk, u, 0).data, 100);
    assert_int_equal(ev_at(fk, u, 0).events, LX_POLLIN);
    assert_int_equal(ev_at(fk, u, 1).data, 200);
    assert_int_equal(ev_at(fk, u, 2).data, 300);
    /* level: again while ready; edge and oneshot: not without a new event */
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 1);
    assert_int_equal(ev_at(fk, u, 0).data, 100);
    assert_int_equal(t_write(fk, P, et[1], "b", 1), 1);   /* a new edge */
    assert_int_equal(t_write(fk, P, os[1], "c", 1), 1);   /* oneshot stays disabled */
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 2);
    assert_int_equal(ev_at(fk, u, 0).data, 100);
    assert_int_equal(ev_at(fk, u, 1).data, 200);
    /* a wake for events an edge item does not ask for is no edge (a read makes room: OUT) */
    char buf[4];
    assert_int_equal(t_read(fk, P, et[0], buf, 1), 1);
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 1);
    assert_int_equal(ev_at(fk, u, 0).data, 100);
    /* MOD re-arms the oneshot item, ready now: reported */
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_MOD, os[0], LX_POLLIN | LX_EPOLLONESHOT, 301), 0);
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 2);
    assert_int_equal(ev_at(fk, u, 1).data, 301);
    /* an item that stopped being ready leaves the list */
    assert_int_equal(t_read(fk, P, lt[0], buf, 4), 1);
    assert_int_equal(ep_wait(fk, ep, 8, 0, &u), 0);
    /* maxevents: the rest comes next time, round robin */
    assert_int_equal(t_write(fk, P, lt[1], "a", 1), 1);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_MOD, et[0], LX_POLLIN, 201), 0);   /* now level */
    assert_int_equal(ep_wait(fk, ep, 1, 0, &u), 1);
    uint64_t first = ev_at(fk, u, 0).data;
    assert_int_equal(ep_wait(fk, ep, 1, 0, &u), 1);
    assert_true(ev_at(fk, u, 0).data != first);
    for (int i = 0; i < 2; i++) {
        t_close(fk, P, lt[i]);
        t_close(fk, P, et[i]);
        t_close(fk, P, os[i]);
    }
    t_close(fk, P, ep);
}

static void test_hup_err_and_close(void **state)
{
    fake_t *fk = *state;
    int32_t ep = new_ep(fk);
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    /* EPOLLHUP/EPOLLERR are reported without being asked for */
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], 0, 1), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[1], LX_POLLOUT, 2), 0);
    uint64_t u;
    assert_int_equal(ep_wait(fk, ep, 4, 0, &u), 1);   /* the write end has room */
    assert_int_equal(ev_at(fk, u, 0).events, LX_POLLOUT);
    /* closing the write end's only descriptor removes its item; the read end hangs up */
    assert_int_equal(t_close(fk, P, a[1]), 0);
    assert_int_equal(ep_wait(fk, ep, 4, 0, &u), 1);
    assert_int_equal(ev_at(fk, u, 0).data, 1);
    assert_int_equal(ev_at(fk, u, 0).events, LX_POLLHUP);
    /* an fd closed while a dup keeps the description open keeps its item (Linux) */
    int b[2];
    assert_int_equal(t_pipe(fk, P, b, 0), 0);
    int64_t dup = fake_sys(fk, P, VFS_NR_dup, b[0]);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, b[0], LX_POLLIN, 9), 0);
    int32_t old = b[0];
    assert_int_equal(t_close(fk, P, b[0]), 0);
    assert_int_equal(t_write(fk, P, b[1], "x", 1), 1);
    assert_int_equal(ep_wait(fk, ep, 4, 0, &u), 2);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_DEL, old, 0, 0), -LX_EBADF);
    t_close(fk, P, (int32_t)dup);
    t_close(fk, P, b[1]);
    t_close(fk, P, a[0]);
    t_close(fk, P, ep);
}

static void test_wait_blocks(void **state)
{
    fake_t *fk = *state;
    int32_t ep = new_ep(fk);
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    int32_t efd = (int32_t)fake_sys(fk, P, VFS_NR_eventfd2, 0, 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, a[0], LX_POLLIN, 1), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, efd, LX_POLLIN, 2), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t u;
    /* woken by an event */
    assert_int_equal(ep_wait(fk, ep, 4, -1, &u), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    uint64_t one = 1;
    assert_int_equal(t_write(fk, C, efd, &one, 8), 8);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(ev_at(fk, u, 0).data, 2);
    uint64_t v;
    assert_int_equal(t_read(fk, P, efd, &v, 8), 8);
    /* its timeout */
    assert_int_equal(ep_wait(fk, ep, 4, 30, &u), VFS_SUSPEND);
    tok = fk->last_token;
    assert_int_equal(fk->armed, fk->mono + 30 * MS);
    fake_advance(fk, 30 * MS);
    assert_int_equal(fake_reply_of(fk, tok), 0);
    /* a signal withdraws it; the epoll_pwait2 form with a timespec */
    uint64_t uts = fake_alloc(fk, P, 16);
    struct lx_timespec ts = {1, 0};
    memcpy(fake_ptr(fk, P, uts), &ts, sizeof ts);
    u = fake_alloc(fk, P, 48);
    assert_int_equal(fake_sys(fk, P, VFS_NR_epoll_pwait2, ep, u, 4, uts, 0, 8), VFS_SUSPEND);
    tok = fk->last_token;
    vfs_token_t back;
    assert_true(vfs_thread_withdraw(fk->vfs, P, &back, NULL));
    assert_int_equal(back, tok);
    assert_int_equal(fk->armed, 0);
    size_t before = fk->nreplies;
    assert_int_equal(t_write(fk, C, a[1], "x", 1), 1);
    assert_int_equal(fk->nreplies, before);
    /* the epoll descriptor is itself pollable, and nests */
    int32_t outer = new_ep(fk);
    assert_int_equal(ctl(fk, outer, LX_EPOLL_CTL_ADD, ep, LX_POLLIN, 7), 0);
    assert_int_equal(ctl(fk, ep, LX_EPOLL_CTL_ADD, outer, LX_POLLIN, 8), -LX_ELOOP);
    assert_int_equal(ep_wait(fk, outer, 4, 0, &u), 1);   /* the pipe's byte makes ep ready */
    assert_int_equal(ev_at(fk, u, 0).data, 7);
    uint64_t upfd = fake_alloc(fk, P, 8);
    struct lx_pollfd pfd = {ep, LX_POLLIN, 0};
    memcpy(fake_ptr(fk, P, upfd), &pfd, sizeof pfd);
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, upfd, 1, 0), 1);
    char c;
    assert_int_equal(t_read(fk, P, a[0], &c, 1), 1);
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, upfd, 1, 0), 0);
    /* a poll waiting on the epoll descriptor is woken through it */
    assert_int_equal(fake_sys(fk, P, VFS_NR_poll, upfd, 1, -1), VFS_SUSPEND);
    tok = fk->last_token;
    assert_int_equal(t_write(fk, C, a[1], "y", 1), 1);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    /* the caller dies while it waits: dropped */
    assert_int_equal(t_read(fk, P, a[0], &c, 1), 1);
    assert_int_equal(fake_sys(fk, C, VFS_NR_epoll_wait, ep, fake_alloc(fk, C, 12), 1, -1),
                     VFS_SUSPEND);
    tok = fk->last_token;
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, tok));
    t_close(fk, P, outer);
    t_close(fk, P, efd);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
    t_close(fk, P, ep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ctl_errors, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_level_edge_oneshot, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_hup_err_and_close, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_wait_blocks, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
