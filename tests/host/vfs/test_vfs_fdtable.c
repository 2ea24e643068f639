/* Host tests of what descriptor tables and the process list cost (issue 13): a table shrinks
 * once its high descriptors close (with hysteresis), a copy at clone is sized to the open
 * descriptors rather than to the most the parent ever had, exec's CLOEXEC sweep shrinks too,
 * Linux's rules still hold around all that (lowest free fd, dup2 and F_DUPFD high up, select's
 * and FDSize's never-shrinking size), processes sharing a pid-hash bucket unlink in any
 * order, an exit cancels its own blocked calls (from its own list) and no others, and
 * close_range visits the open descriptors of its range. They look inside the table (vfs_impl.h): its size is what the costs follow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include "fake_env.h"
#include "vfs_impl.h"

#define P 1
#define C 2   /* a child of P */
#define C2 3

static int nfds_of(fake_t *fk, int32_t pid)
{
    vfs_proc_t *p = vfs_proc_find(fk->vfs, pid);
    assert_non_null(p);
    return p->files->nfds;
}

static int top_of(fake_t *fk, int32_t pid)
{
    return vfs_proc_find(fk->vfs, pid)->files->top;
}

/* dup(1) until fd `last` is open (fds 3..last). */
static void dup_up_to(fake_t *fk, int32_t pid, int last)
{
    for (int fd = 3; fd <= last; fd++)
        assert_int_equal(fake_sys(fk, pid, VFS_NR_dup, 1), fd);
}

static void close_range_(fake_t *fk, int32_t pid, int from, int to)
{
    for (int fd = to; fd >= from; fd--)
        assert_int_equal(t_close(fk, pid, fd), 0);
}

static void test_shrinks_after_high_water(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    dup_up_to(fk, P, 499);
    assert_int_equal(nfds_of(fk, P), 512);
    assert_int_equal(top_of(fk, P), 500);
    /* closed from the bottom up: top stays until the last high one goes */
    for (int fd = 3; fd < 499; fd++)
        assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(top_of(fk, P), 500);
    assert_int_equal(nfds_of(fk, P), 512);
    assert_int_equal(t_close(fk, P, 499), 0);
    assert_int_equal(top_of(fk, P), 3);
    assert_int_equal(nfds_of(fk, P), 64);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
    /* the lowest free fd is still the rule */
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), 3);
    assert_int_equal(t_close(fk, P, 3), 0);
    /* what Linux shows of its table's size does not shrink (its table never does) */
    assert_int_equal(vfs_proc_find(fk->vfs, P)->files->peak, 512);
}

static void test_shrink_hysteresis(void **state)
{
    fake_t *fk = *state;
    dup_up_to(fk, P, 600);
    assert_int_equal(nfds_of(fk, P), 1024);
    close_range_(fk, P, 301, 600);   /* top 301: above a quarter, kept */
    assert_int_equal(nfds_of(fk, P), 1024);
    close_range_(fk, P, 256, 300);   /* top 256: a quarter, halved */
    assert_int_equal(nfds_of(fk, P), 512);
    for (int fd = 256; fd <= 400; fd++)   /* back up: room enough, no growth */
        assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), fd);
    assert_int_equal(nfds_of(fk, P), 512);
    close_range_(fk, P, 200, 400);   /* top 200: above 128, kept */
    assert_int_equal(nfds_of(fk, P), 512);
    close_range_(fk, P, 20, 199);    /* top 20: down to the 64 kept */
    assert_int_equal(nfds_of(fk, P), 64);
    close_range_(fk, P, 3, 19);
    assert_int_equal(nfds_of(fk, P), 64);   /* never below */
}

static void test_copy_sized_to_open_entries(void **state)
{
    fake_t *fk = *state;
    dup_up_to(fk, P, 499);
    close_range_(fk, P, 3, 498);   /* fd 499 keeps the parent's table large */
    assert_int_equal(nfds_of(fk, P), 512);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(nfds_of(fk, C), 512);   /* it has fd 499 */
    assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, 499, LX_F_GETFD, 0), 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_dup, 1), 3);
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(t_close(fk, P, 499), 0);
    /* with 0-2 open, a child's table is the first size, whatever the parent once had */
    assert_int_equal(vfs_proc_create(fk->vfs, C2, P), 0);
    assert_int_equal(nfds_of(fk, C2), 16);
    assert_int_equal(top_of(fk, C2), 3);
    for (int fd = 0; fd < 3; fd++)
        assert_int_equal(fake_sys(fk, C2, VFS_NR_fcntl, fd, LX_F_GETFD, 0), 0);
    vfs_proc_exit(fk->vfs, C2);
}

static void test_exec_sweep_shrinks(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    for (int fd = 3; fd < 300; fd++)
        assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, 1, LX_F_DUPFD_CLOEXEC, 0), fd);
    assert_int_equal(fake_sys(fk, C, VFS_NR_dup2, 1, 40), 40);   /* no CLOEXEC: stays */
    assert_int_equal(nfds_of(fk, C), 512);
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);
    assert_int_equal(top_of(fk, C), 41);
    assert_int_equal(nfds_of(fk, C), 128);
    assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, 40, LX_F_GETFD, 0), 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, 39, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fake_sys(fk, C, VFS_NR_dup, 1), 3);
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

static void test_high_fds_after_shrink(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, P, 4096), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 1, 4095), 4095);
    assert_int_equal(nfds_of(fk, P), 4096);
    assert_int_equal(t_close(fk, P, 4095), 0);
    assert_int_equal(nfds_of(fk, P), 64);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 1, LX_F_DUPFD, 1000), 1000);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 1, LX_F_DUPFD, 1000), 1001);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 1, LX_F_DUPFD, 64), 64);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 1, LX_F_DUPFD, 63), 63);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 1, LX_F_DUPFD, 0), 3);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 1, 4096), -LX_EBADF);
    assert_int_equal(nfds_of(fk, P), 1024);
    assert_int_equal(top_of(fk, P), 1002);
}

/* Processes in one bucket of the pid hash (pids 256 apart) leave in any order; the others
 * are still found, and the list of all processes holds exactly those alive. */
static void test_unlink_in_any_order(void **state)
{
    fake_t *fk = *state;
    const int32_t pids[] = {2, 258, 514, 770, 1026};
    const int n = (int)(sizeof pids / sizeof pids[0]);
    for (int i = 0; i < n; i++)
        assert_int_equal(vfs_proc_create(fk->vfs, pids[i], P), 0);
    const int order[] = {2, 0, 4, 1, 3};   /* the middle of a chain, its head, its tail... */
    bool gone[5] = {false};
    for (int k = 0; k < n; k++) {
        vfs_proc_exit(fk->vfs, pids[order[k]]);
        gone[order[k]] = true;
        int alive = 0;
        for (vfs_proc_t *q = fk->vfs->procs; q; q = q->next)
            alive++;
        assert_int_equal(alive, 1 + n - (k + 1));   /* P and those not gone */
        for (int i = 0; i < n; i++) {
            assert_int_equal(vfs_proc_find(fk->vfs, pids[i]) == NULL, gone[i]);
            assert_int_equal(fake_sys(fk, pids[i], VFS_NR_close, 99),
                             gone[i] ? -LX_ESRCH : -LX_EBADF);
        }
    }
    assert_non_null(vfs_proc_find(fk->vfs, P));
}

static int64_t close_range_sys(fake_t *fk, int32_t pid, uint32_t first, uint32_t last,
                               uint32_t flags)
{
    return fake_sys(fk, pid, VFS_NR_close_range, first, last, flags);
}

/* close_range: the open descriptors of a range closed (the table shrinks after) or marked
 * FD_CLOEXEC; UNSHARE leaves a CLONE_FILES partner's table alone; Linux's EINVALs. */
static void test_close_range(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    dup_up_to(fk, P, 300);
    assert_int_equal(close_range_sys(fk, P, 10, 20, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 10, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 21, LX_F_GETFD, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), 10);   /* the lowest hole */
    assert_int_equal(close_range_sys(fk, P, 5, ~0u, 4), 0);   /* CLOSE_RANGE_CLOEXEC */
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 300, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 4, LX_F_GETFD, 0), 0);
    assert_int_equal(close_range_sys(fk, P, 3, ~0u, 0), 0);
    assert_int_equal(top_of(fk, P), 3);
    assert_int_equal(nfds_of(fk, P), 64);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
    assert_int_equal(close_range_sys(fk, P, 1000, 2000, 0), 0);   /* nothing open: fine */
    assert_int_equal(close_range_sys(fk, P, 5, 4, 0), -LX_EINVAL);
    assert_int_equal(close_range_sys(fk, P, 3, 4, 1), -LX_EINVAL);
    /* UNSHARE: a table shared by CLONE_FILES is copied before anything closes */
    dup_up_to(fk, P, 5);
    assert_int_equal(vfs_proc_clone(fk->vfs, C, P, -1, VFS_SHARE_FILES), 0);
    assert_int_equal(close_range_sys(fk, C, 3, ~0u, 2), 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_fcntl, 3, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 3, LX_F_GETFD, 0), 0);
    assert_int_equal(close_range_sys(fk, C, 0, ~0u, 0), 0);   /* its own table only */
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 0, LX_F_GETFD, 0), 0);
    vfs_proc_exit(fk->vfs, C);
    close_range_(fk, P, 3, 5);
}

/* Each process's blocked calls are on its own list: an exit drops those and no others, and
 * /proc's count of running processes reads the lists. */
static void test_exit_cancels_its_own_calls(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C2, P), 0);
    vfs_token_t tok[3];
    const int32_t who[3] = {C, C2, C};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(fake_sys(fk, who[i], VFS_NR_read, fds[0], fake_alloc(fk, who[i], 1), 1),
                         VFS_SUSPEND);
        tok[i] = fk->last_token;
    }
    assert_null(vfs_proc_find(fk->vfs, P)->pending);
    assert_non_null(vfs_proc_find(fk->vfs, C2)->pending);
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, tok[0]));
    assert_true(fake_dropped(fk, tok[2]));
    assert_false(fake_dropped(fk, tok[1]));
    assert_int_equal(t_write(fk, P, fds[1], "z", 1), 1);
    assert_int_equal(fake_reply_of(fk, tok[1]), 1);
    assert_null(vfs_proc_find(fk->vfs, C2)->pending);
    vfs_proc_exit(fk->vfs, C2);
    t_close(fk, P, fds[0]);
    t_close(fk, P, fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shrinks_after_high_water, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_shrink_hysteresis, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_copy_sized_to_open_entries, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_exec_sweep_shrinks, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_high_fds_after_shrink, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_unlink_in_any_order, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_exit_cancels_its_own_calls, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_close_range, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
