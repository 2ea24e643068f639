/* Host tests of clone3 and pidfds (issue 15): the struct's sizes and every check Linux makes on
 * it (E2BIG, EINVAL, EFAULT), in Linux's order; the stack as a range (the child at stack +
 * stack_size); set_tid (EEXIST, EINVAL, the pid given); vfork through clone3 parked exactly as
 * clone(0x4111); CLONE_FILES and CLONE_FS told to vfs; CLONE_PIDFD (legacy and clone3: where the
 * fd goes, undone if the store faults or the thread cannot start); pidfd_open's errors;
 * waitid(P_PIDFD) and pidfd_send_signal on a live child, a zombie, a reaped one, and a pid used
 * again by a newer process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/sched.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "fake_env.h"
#include "pm_internal.h"

#define SYS FK_SYS

struct big_args {
    struct lx_clone_args a;
    uint64_t tail[4];
};

/* clone3 from badge with args a copied into its memory (size bytes of a struct big_args). */
static uint64_t clone3_call(fake_t *fk, uint64_t badge, const struct big_args *a, uint64_t size)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    uint64_t ua = fk_ubuf_bytes(&u, a, sizeof *a);
    return FK_CALL(fk, badge, LX_SYS_clone3, ua, size);
}

static int64_t clone3_now(fake_t *fk, uint64_t badge, const struct big_args *a, uint64_t size)
{
    return fk_tok_value(fk, clone3_call(fk, badge, a, size));
}

static uint64_t mem_at(fake_t *fk, uint64_t badge, uint64_t len)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, len);
    return fk_ubuf_zero(&u, len);
}

static void test_sizes_and_checks(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    struct big_args b;
    memset(&b, 0, sizeof b);
    b.a.exit_signal = LX_SIGCHLD;
    /* the sizes Linux knows, and a larger one whose tail is zero */
    uint64_t sizes[] = {64, 80, 88, sizeof b};
    for (size_t i = 0; i < 4; i++) {
        int mark = fk->nev;
        int64_t pid = clone3_now(fk, c, &b, sizes[i]);
        assert_true(pid > 0);
        assert_int_equal(fk_created_after(fk, mark), (uint64_t)pid);
    }
    int threads_before = fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0);
    b.tail[3] = 1;
    assert_int_equal(clone3_now(fk, c, &b, sizeof b), -LX_E2BIG);
    b.tail[3] = 0;
    assert_int_equal(clone3_now(fk, c, &b, 63), -LX_EINVAL);
    assert_int_equal(clone3_now(fk, c, &b, 4097), -LX_E2BIG);
    assert_int_equal(SYS(fk, c, LX_SYS_clone3, 0x10, 64), -LX_EFAULT);
    /* Linux's EINVAL rules, each alone */
    uint64_t stack = mem_at(fk, c, 16384);
    struct {
        uint64_t flags, exit_signal, stack, stack_size, set_tid, set_tid_size, cgroup;
        uint64_t size;
        int64_t err;
    } bad[] = {
        {0, 65, 0, 0, 0, 0, 0, 88, -LX_EINVAL},                    /* not a signal */
        {0, 0x100 | LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},    /* past CSIGNAL */
        {LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_FS | LX_CLONE_FILES,
         LX_SIGCHLD, stack, 16384, 0, 0, 0, 88, -LX_EINVAL},       /* a thread's exit signal */
        {LX_CLONE_PARENT, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},
        {LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND, 0, stack, 16384, 0, 0, 0, 88,
         -LX_EINVAL},
        {LX_CLONE_DETACHED, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},
        {0x1, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},          /* CSIGNAL bits in flags */
        {1ull << 40, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},   /* an unknown flag */
        {LX_CLONE_NEWTIME, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},
        {0, LX_SIGCHLD, stack, 0, 0, 0, 0, 88, -LX_EINVAL},        /* a stack without a size */
        {0, LX_SIGCHLD, 0, 4096, 0, 0, 0, 88, -LX_EINVAL},         /* a size without a stack */
        {0, LX_SIGCHLD, 0x7ffffffff000ull - 4096, 8192, 0, 0, 0, 88, -LX_EINVAL},   /* access_ok */
        {0, LX_SIGCHLD, 0, 0, stack, 0, 0, 88, -LX_EINVAL},        /* set_tid, no size */
        {0, LX_SIGCHLD, 0, 0, 0, 1, 0, 88, -LX_EINVAL},            /* a size, no set_tid */
        {0, LX_SIGCHLD, 0, 0, stack, 33, 0, 88, -LX_EINVAL},       /* past 32 levels */
        {LX_CLONE_INTO_CGROUP, LX_SIGCHLD, 0, 0, 0, 0, 1ull << 32, 88, -LX_EINVAL},
        {LX_CLONE_INTO_CGROUP, LX_SIGCHLD, 0, 0, 0, 0, 3, 80, -LX_EINVAL},   /* needs VER2 */
        {LX_CLONE_INTO_CGROUP, LX_SIGCHLD, 0, 0, 0, 0, 3, 88, -LX_ENOSYS},   /* no cgroups */
        {LX_CLONE_NEWPID, LX_SIGCHLD, 0, 0, 0, 0, 0, 88, -LX_EINVAL},        /* no namespaces */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&b, 0, sizeof b);
        b.a = (struct lx_clone_args){.flags = bad[i].flags, .exit_signal = bad[i].exit_signal,
                                     .stack = bad[i].stack, .stack_size = bad[i].stack_size,
                                     .set_tid = bad[i].set_tid,
                                     .set_tid_size = bad[i].set_tid_size, .cgroup = bad[i].cgroup};
        int64_t r = clone3_now(fk, c, &b, bad[i].size);
        if (r != bad[i].err)
            fail_msg("case %zu: clone3 = %ld, expected %ld", i, (long)r, (long)bad[i].err);
    }
    assert_int_equal(fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0), threads_before);
    fk_free(fk);
}

static void test_stack_and_vfork(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t stack = mem_at(fk, c, 16384);
    struct big_args b;
    memset(&b, 0, sizeof b);
    /* Rust's std: {CLONE_VM|CLONE_VFORK, SIGCHLD, stack, stack_size} */
    b.a = (struct lx_clone_args){.flags = LX_CLONE_VM | LX_CLONE_VFORK, .exit_signal = LX_SIGCHLD,
                                 .stack = stack, .stack_size = 16384};
    int mark = fk->nev;
    uint64_t tok = clone3_call(fk, c, &b, 64);
    uint64_t g = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);   /* parked like clone(0x4111) */
    assert_int_equal(fk_thread_of(fk, g)->regs.rsp, stack + 16384);
    assert_int_equal(fk_thread_of(fk, g)->regs.rax, 0);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, g, 4096);
    assert_int_equal(SYS(fk, g, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)g);
    /* no stack: the caller's own, as clone's NULL */
    memset(&b, 0, sizeof b);
    b.a.exit_signal = LX_SIGCHLD;
    mark = fk->nev;
    int64_t pid = clone3_now(fk, c, &b, 88);
    assert_int_equal(fk_thread_of(fk, (uint64_t)pid)->regs.rsp, fk_thread_of(fk, c)->regs.rsp);
    /* CLONE_FILES and CLONE_FS: vfs shares the table and the cwd */
    b.a.flags = LX_CLONE_FILES | LX_CLONE_FS;
    assert_true(clone3_now(fk, c, &b, 88) > 0);
    assert_int_equal(fk->last_share, PM_SHARE_FILES | PM_SHARE_FS);
    b.a.flags = LX_CLONE_FILES;
    assert_true(clone3_now(fk, c, &b, 88) > 0);
    assert_int_equal(fk->last_share, PM_SHARE_FILES);
    fk_free(fk);
}

static void test_set_tid(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t ids = mem_at(fk, c, 4096);
    struct big_args b;
    memset(&b, 0, sizeof b);
    b.a = (struct lx_clone_args){.exit_signal = LX_SIGCHLD, .set_tid = ids, .set_tid_size = 1};
    int32_t want[] = {(int32_t)c, 1, 0, -3, PM_PID_MAX, 500};
    int64_t expect[] = {-LX_EEXIST, -LX_EEXIST, -LX_EINVAL, -LX_EINVAL, -LX_EINVAL, 500};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(fk_mem_write(fk, c, ids, &want[i], 4), 0);
        assert_int_equal(clone3_now(fk, c, &b, 88), expect[i]);
    }
    assert_int_equal(SYS(fk, 500, LX_SYS_getpid), 500);
    /* a thread's id too */
    uint64_t stack = mem_at(fk, c, 16384);
    b.a = (struct lx_clone_args){.flags = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD |
                                          LX_CLONE_FS | LX_CLONE_FILES,
                                 .stack = stack, .stack_size = 16384, .set_tid = ids,
                                 .set_tid_size = 1};
    int32_t t = 600;
    assert_int_equal(fk_mem_write(fk, c, ids, &t, 4), 0);
    assert_int_equal(clone3_now(fk, c, &b, 88), 600);
    assert_int_equal(SYS(fk, 600, LX_SYS_getpid), (int64_t)c);
    assert_int_equal(clone3_now(fk, c, &b, 88), -LX_EEXIST);
    /* two levels for one namespace; a faulting array */
    b.a.set_tid_size = 2;
    assert_int_equal(clone3_now(fk, c, &b, 88), -LX_EINVAL);
    b.a.set_tid_size = 1;
    b.a.set_tid = 0x10;
    assert_int_equal(clone3_now(fk, c, &b, 88), -LX_EFAULT);
    fk_free(fk);
}

/* CLONE_PIDFD: a pidfd of the child in the caller's table, its number where asked. */
static void test_clone_pidfd(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t where = mem_at(fk, c, 4096);
    struct big_args b;
    memset(&b, 0, sizeof b);
    b.a = (struct lx_clone_args){.flags = LX_CLONE_PIDFD, .pidfd = where,
                                 .exit_signal = LX_SIGCHLD};
    int64_t pid = clone3_now(fk, c, &b, 64);
    assert_true(pid > 0);
    int32_t fd = -1;
    assert_int_equal(fk_mem_read(fk, c, &fd, where, 4), 0);
    fk_pidfd_t *pf = fk_pidfd_of(fk, (int32_t)c, fd);
    assert_non_null(pf);
    assert_int_equal(pf->target, pid);
    assert_int_equal(pf->serial, pm_proc_find(fk->pm, (int32_t)pid)->serial);
    assert_false(pf->exited);
    /* legacy clone: the pidfd goes where parent_tid points */
    int64_t p2 = SYS(fk, c, LX_SYS_clone, LX_CLONE_PIDFD | LX_SIGCHLD, 0, where + 8, 0, 0);
    assert_true(p2 > 0);
    assert_int_equal(fk_mem_read(fk, c, &fd, where + 8, 4), 0);
    assert_int_equal(fk_pidfd_of(fk, (int32_t)c, fd)->target, p2);
    /* the store faults: EFAULT, the pidfd closed, no child */
    int before = fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0);
    int live = pm_proc_list(fk->pm, NULL, 0);
    b.a.pidfd = 0x10;
    int mark = fk->nev;
    assert_int_equal(clone3_now(fk, c, &b, 64), -LX_EFAULT);
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_FD_CLOSE, true, c) >= 0);
    /* no room for it: its error, nothing made */
    b.a.pidfd = where;
    fk->fail_pidfd_open = -LX_EMFILE;
    assert_int_equal(clone3_now(fk, c, &b, 64), -LX_EMFILE);
    /* the thread cannot start: the pidfd is closed again */
    fk->fail_thread_create = -LX_ENOMEM;
    mark = fk->nev;
    assert_int_equal(clone3_now(fk, c, &b, 64), -LX_ENOMEM);
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_FD_CLOSE, true, c) >= 0);
    assert_int_equal(fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0), before);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), live);
    fk_free(fk);
}

static int64_t waitid_fd(fake_t *fk, uint64_t badge, int32_t fd, uint32_t options, int32_t *pid)
{
    uint64_t info = mem_at(fk, badge, 4096);
    int64_t r = SYS(fk, badge, LX_SYS_waitid, LX_P_PIDFD, (uint64_t)fd, info, options, 0);
    struct lx_siginfo_chld si;
    assert_int_equal(fk_mem_read(fk, badge, &si, info, sizeof si), 0);
    if (pid)
        *pid = si.si_pid;
    return r;
}

static void test_pidfd_calls(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    /* pidfd_open's errors */
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, c, 1), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, 0, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, (uint64_t)-4, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, 30000, 0), -LX_ESRCH);
    uint64_t t = fk_thread_new(fk, c, mem_at(fk, c, 16384) + 16000, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, t, 0), -LX_EINVAL);   /* not a process */
    int64_t fd = SYS(fk, 1, LX_SYS_pidfd_open, c, 0);
    int64_t nb = SYS(fk, 1, LX_SYS_pidfd_open, c, LX_PIDFD_NONBLOCK);
    assert_true(fd > 0 && nb > 0);
    assert_true(fk_pidfd_of(fk, 1, (int32_t)nb)->nonblock);
    /* waitid: a nonblocking pidfd of a live child is EAGAIN; WNOHANG is 0 */
    int32_t got = -1;
    assert_int_equal(waitid_fd(fk, 1, (int32_t)nb, LX_WEXITED, NULL), -LX_EAGAIN);
    assert_int_equal(waitid_fd(fk, 1, (int32_t)nb, LX_WEXITED | LX_WNOHANG, &got), 0);
    assert_int_equal(got, 0);
    assert_int_equal(waitid_fd(fk, 1, 2, LX_WEXITED, NULL), -LX_EBADF);   /* not a pidfd */
    assert_int_equal(SYS(fk, 1, LX_SYS_waitid, LX_P_PIDFD, (uint64_t)-1, 0, LX_WEXITED, 0),
                     -LX_EINVAL);
    /* pidfd_send_signal's errors, then a real one */
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 3), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, 65, 0, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, 55, LX_SIGTERM, 0, 0), -LX_EBADF);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, 0, 0, 0), 0);
    uint64_t info = mem_at(fk, 1, 4096);
    struct lx_siginfo si = {.si_signo = LX_SIGTERM, .si_code = LX_SI_KERNEL};
    assert_int_equal(fk_mem_write(fk, 1, info, &si, sizeof si), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, info, 0), -LX_EPERM);
    si.si_signo = LX_SIGINT;
    assert_int_equal(fk_mem_write(fk, 1, info, &si, sizeof si), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, info, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 0), 0);
    /* a zombie: the pidfds say so (vfs was told), signals are harmless, waitid reaps it */
    assert_true(fk_pidfd_of(fk, 1, (int32_t)fd)->exited);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 0), 0);
    int64_t late = SYS(fk, 1, LX_SYS_pidfd_open, c, 0);
    assert_true(fk_pidfd_of(fk, 1, (int32_t)late)->exited);   /* made readable at once */
    assert_int_equal(waitid_fd(fk, 1, (int32_t)fd, LX_WEXITED, &got), 0);
    assert_int_equal(got, (int32_t)c);
    /* reaped: ECHILD, ESRCH */
    assert_int_equal(waitid_fd(fk, 1, (int32_t)fd, LX_WEXITED, NULL), -LX_ECHILD);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, 0, 0, 0), -LX_ESRCH);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_open, c, 0), -LX_ESRCH);
    /* the pid used again by a newer process: the old pidfd still names the old one */
    pm_proc_t *init = pm_proc_find(fk->pm, 1);
    (void)init;
    fk->pm->last_pid = (int32_t)c - 1;
    uint64_t again = fk_spawn(fk, 1);
    assert_int_equal(again, c);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 0), -LX_ESRCH);
    assert_int_equal(waitid_fd(fk, 1, (int32_t)fd, LX_WEXITED, NULL), -LX_ECHILD);
    /* not our child */
    uint64_t grand = fk_spawn(fk, again);
    int64_t gfd = SYS(fk, 1, LX_SYS_pidfd_open, grand, 0);
    assert_int_equal(waitid_fd(fk, 1, (int32_t)gfd, LX_WEXITED, NULL), -LX_ECHILD);
    fk_free(fk);
}

/* PIDFD_SIGNAL_THREAD reaches the first thread only; PROCESS_GROUP the whole group. */
static void test_pidfd_send_signal_scopes(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    int64_t fd = SYS(fk, 1, LX_SYS_pidfd_open, c, 0);
    uint64_t set = LX_SIGBIT(LX_SIGUSR1), u = mem_at(fk, c, 4096);
    assert_int_equal(fk_mem_write(fk, c, u, &set, 8), 0);
    assert_int_equal(SYS(fk, c, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, u, 0, 8), 0);
    uint64_t t = fk_thread_new(fk, c, mem_at(fk, c, 16384) + 16000, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGUSR1, 0, 1), 0);
    assert_int_equal(SYS(fk, c, LX_SYS_rt_sigpending, u, 8), 0);
    uint64_t pend = 0;
    assert_int_equal(fk_mem_read(fk, c, &pend, u, 8), 0);
    assert_int_equal(pend, set);   /* pending on the first thread, which blocks it */
    assert_int_equal(SYS(fk, t, LX_SYS_rt_sigpending, u, 8), 0);
    assert_int_equal(fk_mem_read(fk, c, &pend, u, 8), 0);
    assert_int_equal(pend, 0);
    /* the first thread gone: ESRCH for that scope */
    (void)FK_CALL(fk, c, LX_SYS_exit, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGUSR1, 0, 1), -LX_ESRCH);
    /* the process group */
    assert_int_equal(SYS(fk, 1, LX_SYS_pidfd_send_signal, fd, LX_SIGTERM, 0, 4), 0);
    int st = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_int_equal(st, LX_SIGTERM);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_checks),
        cmocka_unit_test(test_stack_and_vfork),
        cmocka_unit_test(test_set_tid),
        cmocka_unit_test(test_clone_pidfd),
        cmocka_unit_test(test_pidfd_calls),
        cmocka_unit_test(test_pidfd_send_signal_scopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
