/* Host tests of clone/vfork over IPC (issue 5): the flag table of seed 000, the child's
 * registers, the parked parent and its release exactly once (exec commit after vfs closed the
 * CLOEXEC fds, exit, death), release before park, exec failure with the parent still parked,
 * a killed parent's dropped token, reparenting, separate signal dispositions, wait4 of a child
 * that never exec'd, blocking wait4, __WCLONE/__WALL, and the ps view. */
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

#define SPAWN_FLAGS 0x4111ull
#define CHILD_STACK 0x7ffff0001230ull

/* parent: clone(0x4111, stack); returns the child's pid and the parent's token in *tok. */
static uint64_t do_clone(fake_t *fk, uint64_t parent, uint64_t *tok)
{
    int mark = fk->nev;
    *tok = fk_call(fk, parent, LX_SYS_clone, SPAWN_FLAGS, CHILD_STACK, 0, 0, 0, 0);
    return fk_created_after(fk, mark);
}

static int64_t child_exec(fake_t *fk, uint64_t child, const char *path)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, child, 4096);
    uint64_t p = fk_ubuf_str(&u, path);
    const char *argv[] = {path, NULL};
    uint64_t av = fk_ubuf_strv(&u, argv);
    return fk_sys(fk, child, LX_SYS_execve, p, av, 0, 0, 0, 0);
}

/* A whole posix_spawn: returns the new process's pid, already exec'd, parent released. */
static uint64_t spawn(fake_t *fk, uint64_t parent)
{
    uint64_t tok;
    uint64_t child = do_clone(fk, parent, &tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(child_exec(fk, child, "/bin/prog"), 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    return child;
}

static char state_of(fake_t *fk, int32_t pid)
{
    struct pm_proc_info info[16];
    int n = pm_proc_list(fk->pm, info, 16);
    for (int i = 0; i < n && i < 16; i++)
        if (info[i].pid == pid)
            return info[i].state;
    return 0;
}

/* The clone flag table, end to end through the dispatcher: Linux's EINVAL combinations, the
 * and that none makes anything; the accepted ones include threads with a table or cwd of
 * their own (CLONE_THREAD without CLONE_FILES or CLONE_FS), ENOSYS before issue 15. */
static void test_flag_table(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    const struct {
        uint64_t flags, stack;
        int64_t err;
    } refused[] = {
        {LX_CLONE_THREAD | LX_SIGCHLD, CHILD_STACK, -LX_EINVAL},          /* THREAD needs SIGHAND */
        {LX_CLONE_SIGHAND | LX_SIGCHLD, CHILD_STACK, -LX_EINVAL},         /* SIGHAND needs VM */
        {LX_CLONE_THREAD | LX_CLONE_SIGHAND, CHILD_STACK, -LX_EINVAL},    /* ... and so THREAD */
        {LX_CLONE_FS | LX_CLONE_NEWNS | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_FS | LX_CLONE_NEWUSER | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_PARENT | LX_SIGCHLD, 0, -LX_EINVAL},                    /* from init */
        {LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_NEWPID, CHILD_STACK,
         -LX_EINVAL},
        {LX_CLONE_PIDFD | LX_CLONE_DETACHED | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID | LX_SIGCHLD, 0, -LX_EINVAL}, /* one pointer */
        {LX_CLONE_NEWPID | LX_SIGCHLD, 0, -LX_EINVAL},                    /* no namespaces */
        {LX_CLONE_NEWNET | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_NEWUTS | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_NEWIPC | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_NEWCGROUP | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_NEWNS | LX_SIGCHLD, 0, -LX_EINVAL},
        {LX_CLONE_PIDFD | LX_CLONE_THREAD | LX_CLONE_SIGHAND | LX_CLONE_VM | LX_CLONE_FS |
             LX_CLONE_FILES, CHILD_STACK, -LX_EINVAL},                     /* a thread's pidfd */
        {LX_CLONE_PARENT | LX_CLONE_THREAD | LX_CLONE_SIGHAND | LX_CLONE_VM | LX_CLONE_FS |
             LX_CLONE_FILES, CHILD_STACK, -LX_EINVAL},                     /* init's sibling */
        {LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_NEWUSER, CHILD_STACK,
         -LX_EINVAL},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        int64_t r = fk_sys(fk, 1, LX_SYS_clone, refused[i].flags, refused[i].stack, 0, 0, 0, 0);
        if (r != refused[i].err)
            fail_msg("clone(%#lx, %#lx) = %ld, expected %ld", (unsigned long)refused[i].flags,
                     (unsigned long)refused[i].stack, (long)r, (long)refused[i].err);
    }
    /* a kernel address as TLS: arch_prctl's EPERM */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_clone, LX_CLONE_SETTLS | LX_SIGCHLD, 0, 0, 0,
                            0xffff800000000000ull, 0),
                     -LX_EPERM);
    assert_int_equal(fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0), 1);   /* init only */
    assert_int_equal(fk_count_events(fk, FK_EV_AS_FORK, false, 0), 0);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 1);
    assert_int_equal(fk_held_tokens(fk), 0);

    /* accepted, as the pure table says (each is built by a test of its own), with a stack or
     * without one (the caller's, as Linux) */
    const uint64_t accepted[] = {
        LX_SIGCHLD,                                                       /* fork */
        LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID | LX_SIGCHLD,     /* glibc's fork */
        SPAWN_FLAGS, LX_CLONE_VFORK | LX_SIGCHLD, LX_CLONE_VM | LX_SIGCHLD, LX_CLONE_VM,
        LX_CLONE_SETTLS | LX_CLONE_PARENT_SETTID, LX_CLONE_SYSVSEM | LX_CLONE_IO | LX_SIGCHLD,
        LX_CLONE_PTRACE | LX_CLONE_UNTRACED | LX_CLONE_DETACHED, LX_CLONE_PARENT,
        0x7d0f00,                                                         /* musl pthread_create */
        0x3d0f00,                                                         /* glibc pthread_create */
        LX_CLONE_FILES | LX_SIGCHLD, LX_CLONE_FS | LX_SIGCHLD, LX_CLONE_PIDFD | LX_SIGCHLD,
        LX_CLONE_VM | LX_CLONE_SIGHAND | LX_SIGCHLD,
        LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_FILES | LX_CLONE_FS | LX_CLONE_VFORK,
        LX_CLONE_VM | LX_CLONE_VFORK | LX_CLONE_PIDFD | LX_SIGCHLD,
        LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD,                 /* own table and cwd */
        LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_FILES, /* own cwd */
        LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_FS,   /* own table */
    };
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        pm_clone_args_t a = {.flags = accepted[i] & ~0xffull, .exit_signal = 0, .stack = CHILD_STACK};
        assert_int_equal(pm_clone_check(&a, false), 0);
        a.stack = 0;
        assert_int_equal(pm_clone_check(&a, false), 0);
    }
    /* no cgroups to clone into */
    pm_clone_args_t cg = {.flags = LX_CLONE_INTO_CGROUP, .exit_signal = LX_SIGCHLD, .clone3 = true};
    assert_int_equal(pm_clone_check(&cg, false), -LX_ENOSYS);
    /* clone3's own rules */
    pm_clone_args_t c3 = {.flags = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND,
                          .stack = CHILD_STACK, .clone3 = true};
    assert_int_equal(pm_clone_check(&c3, false), -LX_EINVAL);
    c3 = (pm_clone_args_t){.flags = LX_CLONE_PARENT, .exit_signal = LX_SIGCHLD, .clone3 = true};
    assert_int_equal(pm_clone_check(&c3, false), -LX_EINVAL);
    c3 = (pm_clone_args_t){.exit_signal = LX_NSIG + 1, .clone3 = true};
    assert_int_equal(pm_clone_check(&c3, false), -LX_EINVAL);
    c3 = (pm_clone_args_t){.flags = LX_CLONE_NEWTIME, .exit_signal = LX_SIGCHLD, .clone3 = true};
    assert_int_equal(pm_clone_check(&c3, false), -LX_EINVAL);
    c3 = (pm_clone_args_t){.flags = LX_CLONE_CLEAR_SIGHAND, .exit_signal = LX_SIGCHLD,
                           .clone3 = true};
    assert_int_equal(pm_clone_check(&c3, false), 0);
    /* legacy clone ignores the upper 32 bits: 0x4111 is accepted and parks the caller */
    uint64_t tok = fk_call(fk, 1, LX_SYS_clone, (1ull << 32) | SPAWN_FLAGS, CHILD_STACK, 0, 0, 0,
                           0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(fk_count_events(fk, FK_EV_THREAD_CREATE, false, 0), 2);
    fk_free(fk);
}

static void set_parent_regs(fake_t *fk, uint64_t badge)
{
    pm_regs_t *r = &fk_thread_of(fk, badge)->regs;
    r->rax = 56;
    r->rbx = 0x1111;
    r->rdx = 0x401234;   /* musl's vfork keeps its return address here */
    r->rsp = 0x7fffffffe000;
    r->rbp = 0x7fffffffe100;
    r->r9 = 0x405678;    /* __clone's function pointer */
    r->r12 = 0xcafe;
    r->rip = 0x400180;
    r->rflags = 0x246;
    r->fs_base = 0x7ffff7ff8000;   /* errno's TLS */
    for (int i = 0; i < 512; i++)
        r->fpu[i] = (uint8_t)i;
}

static void test_child_registers_clone(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    set_parent_regs(fk, 1);
    pm_regs_t before = fk_thread_of(fk, 1)->regs;
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    assert_int_equal(child, 2);
    fk_thread_t *c = fk_thread_of(fk, child);
    pm_regs_t expect = before;
    expect.rax = 0;
    expect.rsp = CHILD_STACK;
    assert_memory_equal(&c->regs, &expect, sizeof(expect));
    /* same address space as the parent, through a reference of its own */
    assert_int_equal(c->space, fk_thread_of(fk, 1)->space);
    assert_true(fk_find_event(fk, 0, FK_EV_AS_DUP, false, 0) >= 0);
    int vc = fk_find_event(fk, 0, FK_EV_VFS_CREATE, true, child);
    assert_true(vc >= 0);
    assert_int_equal(fk->ev[vc].y, 1);   /* fd table copied from the parent */
    assert_true(vc < fk_find_event(fk, 0, FK_EV_THREAD_CREATE, true,
                                   (uint64_t)fk_thread_handle_of(fk, child)));
    /* the child runs: its own pid, parent 1; the parent stays parked */
    assert_int_equal(fk_sys(fk, child, LX_SYS_getpid, 0, 0, 0, 0, 0, 0), (int64_t)child);
    assert_int_equal(fk_sys(fk, child, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(state_of(fk, 1), 'V');
    /* a parked thread cannot call; a stray message from it is dropped, the park kept */
    assert_int_equal(fk_tok_state(fk, fk_call(fk, 1, LX_SYS_getpid, 0, 0, 0, 0, 0, 0)),
                     FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.vfork_parked, 1);
    assert_int_equal(st.live, 2);
    /* release: the parent's frame was never rewritten */
    assert_int_equal(child_exec(fk, child, "/bin/prog"), 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    assert_memory_equal(&fk_thread_of(fk, 1)->regs, &before, sizeof(before));
    int h1 = fk_thread_handle_of(fk, 1);
    assert_int_equal(fk_count_events(fk, FK_EV_THREAD_SET_REGS, true, (uint64_t)h1), 0);
    assert_int_equal(state_of(fk, 1), 'R');
    fk_free(fk);
}

static void test_child_registers_vfork(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    set_parent_regs(fk, 1);
    pm_regs_t before = fk_thread_of(fk, 1)->regs;
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_vfork, 0, 0, 0, 0, 0, 0);
    uint64_t child = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    pm_regs_t expect = before;
    expect.rax = 0;   /* rsp: the parent's own */
    assert_memory_equal(&fk_thread_of(fk, child)->regs, &expect, sizeof(expect));
    /* exit releases too; the exiting thread's own token is dropped, never answered */
    uint64_t etok = fk_call(fk, child, LX_SYS_exit_group, 5, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, etok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    assert_memory_equal(&fk_thread_of(fk, 1)->regs, &before, sizeof(before));
    assert_null(fk_thread_of(fk, child));   /* its kernel thread is gone */
    fk_free(fk);
}

static void test_exec_commit_order(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    int shared = fk_thread_of(fk, child)->space;
    int mark = fk->nev;
    assert_int_equal(child_exec(fk, child, "/bin/prog"), 0);
    int set_as = fk_find_event(fk, mark, FK_EV_THREAD_SET_AS, false, 0);
    int vfs_exec = fk_find_event(fk, mark, FK_EV_VFS_EXEC, true, child);
    int release = fk_find_event(fk, mark, FK_EV_REPLY, true, tok);
    assert_true(set_as >= 0 && vfs_exec >= 0 && release >= 0);
    assert_true(set_as < vfs_exec);     /* switch first */
    assert_true(vfs_exec < release);    /* CLOEXEC fds closed before the parent runs */
    assert_int_equal(fk->ev[release].y, child);
    /* the parent keeps the old space, intact; the child has its own */
    assert_int_equal(fk_thread_of(fk, 1)->space, shared);
    assert_true(fk->spaces[shared].used);
    assert_int_not_equal(fk_thread_of(fk, child)->space, shared);
    fk_free(fk);
}

static void test_release_exactly_once(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t tok;
    uint64_t a = do_clone(fk, 1, &tok);
    assert_int_equal(child_exec(fk, a, "/bin/prog"), 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)a);
    /* a second vfork, parked */
    uint64_t tok2;
    uint64_t b = do_clone(fk, 1, &tok2);
    assert_int_not_equal(a, b);
    /* the first child exits: the second park is not its business */
    fk_call(fk, a, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok2), FK_TOK_HELD);
    assert_int_equal(fk_count_events(fk, FK_EV_REPLY, true, tok), 1);
    /* b execs, then exits: one release, with b's pid */
    assert_int_equal(child_exec(fk, b, "/bin/prog"), 0);
    fk_call(fk, b, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_value(fk, tok2), (int64_t)b);
    assert_int_equal(fk_count_events(fk, FK_EV_REPLY, true, tok2), 1);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), (int64_t)a);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), (int64_t)b);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), -LX_ECHILD);
    fk_free(fk);
}

static void hook_child_exits(fake_t *fk, uint64_t badge)
{
    uint64_t t = fk_call(fk, badge, LX_SYS_exit_group, 127, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, t), FK_TOK_DROPPED);
}

static void test_release_before_park(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    /* the child runs to its exit inside thread_create, before the clone handler parks */
    fk->on_thread_create = hook_child_exits;
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    assert_int_equal(fk_count_events(fk, FK_EV_REPLY, true, tok), 1);
    assert_int_equal(state_of(fk, (int32_t)child), 'Z');
    int status = 0;
    assert_int_equal(fk_wait(fk, 1, -1, 0, &status), (int64_t)child);
    assert_true(LX_WIFEXITED(status));
    assert_int_equal(LX_WEXITSTATUS(status), 127);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

static void test_exec_failure_keeps_parent_parked(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_file_add(fk, "/bin/noexec", "x", 1, -LX_EACCES);
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    int shared = fk_thread_of(fk, child)->space;
    assert_int_equal(child_exec(fk, child, "/bin/missing"), -LX_ENOENT);
    assert_int_equal(child_exec(fk, child, "/bin/noexec"), -LX_EACCES);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    assert_int_equal(fk_thread_of(fk, child)->space, shared);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_EXEC, false, 0), 0);
    /* posix_spawn's child then _exit(127)s: that releases the parent */
    fk_call(fk, child, LX_SYS_exit_group, 127, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    /* vfs closed the child's fds before the parent was released */
    assert_true(fk_find_event(fk, 0, FK_EV_VFS_EXIT, true, child) <
                fk_find_event(fk, 0, FK_EV_REPLY, true, tok));
    /* wait4 reaps the child that never exec'd */
    int status = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, &status), (int64_t)child);
    assert_true(LX_WIFEXITED(status));
    assert_int_equal(LX_WEXITSTATUS(status), 127);
    assert_int_equal(status, 127 << 8);
    assert_true(fk->spaces[shared].used);   /* the parent's space survives the child */
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

static void test_killed_parent_drops_token(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t a = spawn(fk, 1);
    uint64_t tok;
    uint64_t b = do_clone(fk, a, &tok);
    assert_int_equal(state_of(fk, (int32_t)a), 'V');
    assert_int_equal(fk_sys(fk, 1, LX_SYS_kill, a, LX_SIGKILL, 0, 0, 0, 0), 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(state_of(fk, (int32_t)a), 'Z');
    /* b lives on, adopted by init; its later release answers nobody */
    assert_int_equal(fk_sys(fk, b, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    int replies = fk_count_events(fk, FK_EV_REPLY, false, 0);
    assert_int_equal(child_exec(fk, b, "/bin/prog"), 0);
    fk_call(fk, b, LX_SYS_exit_group, 9, 0, 0, 0, 0, 0);
    /* only the execve's own replies (mmap, execve) happened */
    assert_int_equal(fk_count_events(fk, FK_EV_REPLY, false, 0), replies + 2);
    int status;
    assert_int_equal(fk_wait(fk, 1, (int32_t)a, 0, &status), (int64_t)a);
    assert_true(LX_WIFSIGNALED(status));
    assert_int_equal(LX_WTERMSIG(status), LX_SIGKILL);
    assert_int_equal(fk_wait(fk, 1, (int32_t)b, 0, &status), (int64_t)b);
    assert_int_equal(LX_WEXITSTATUS(status), 9);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

static uint64_t g_victim;
static void hook_child_kills_parent(fake_t *fk, uint64_t badge)
{
    assert_int_equal(fk_sys(fk, badge, LX_SYS_kill, g_victim, LX_SIGKILL, 0, 0, 0, 0), 0);
}

static void test_parent_killed_before_park(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t a = spawn(fk, 1);
    g_victim = a;
    fk->on_thread_create = hook_child_kills_parent;
    uint64_t tok;
    uint64_t b = do_clone(fk, a, &tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(fk_sys(fk, b, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    fk_call(fk, b, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

static void test_reparent_to_init(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t a = spawn(fk, 1);
    uint64_t b = spawn(fk, a);
    uint64_t c = spawn(fk, a);
    fk_call(fk, c, LX_SYS_exit_group, 4, 0, 0, 0, 0, 0);   /* a zombie child of a */
    /* init waits for anything: a's death hands it b and the zombie c */
    uint64_t wtok = fk_call(fk, 1, LX_SYS_wait4, (uint64_t)-1, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    fk_call(fk, a, LX_SYS_exit_group, 1, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_REPLIED);
    int64_t first = fk_tok_value(fk, wtok);
    assert_true(first == (int64_t)a || first == (int64_t)c);
    assert_int_equal(fk_sys(fk, b, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    int64_t second = fk_wait(fk, 1, -1, LX_WNOHANG, NULL);
    assert_true((second == (int64_t)a || second == (int64_t)c) && second != first);
    assert_int_equal(fk_wait(fk, 1, -1, LX_WNOHANG, NULL), 0);   /* b still running */
    fk_call(fk, b, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), (int64_t)b);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), -LX_ECHILD);
    fk_free(fk);
}

/* wait among many children: waitpid(pid) takes that child only (and ECHILD for a process that
 * is not the caller's child, or a grandchild); wait(-1) takes them oldest first; children
 * reparented to init join init's own and are waited for like them. */
static void test_wait_among_many_children(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    enum { N = 40 };
    uint64_t a = spawn(fk, 1), kid[N];
    for (int i = 0; i < N; i++)
        kid[i] = spawn(fk, a);
    uint64_t grand = spawn(fk, kid[0]);
    uint64_t other = spawn(fk, 1);
    for (int i = 0; i < N; i += 2)   /* every even child exits */
        fk_call(fk, kid[i], LX_SYS_exit_group, i, 0, 0, 0, 0, 0);
    int status = -1;
    assert_int_equal(fk_wait(fk, a, (int64_t)kid[N - 1], LX_WNOHANG, NULL), 0);   /* running */
    assert_int_equal(fk_wait(fk, a, (int64_t)kid[10], 0, &status), (int64_t)kid[10]);
    assert_int_equal(status, LX_W_EXITCODE(10, 0));
    assert_int_equal(fk_wait(fk, a, (int64_t)kid[10], LX_WNOHANG, NULL), -LX_ECHILD);   /* reaped */
    assert_int_equal(fk_wait(fk, a, (int64_t)other, LX_WNOHANG, NULL), -LX_ECHILD);
    assert_int_equal(fk_wait(fk, a, (int64_t)grand, LX_WNOHANG, NULL), -LX_ECHILD);
    for (int i = 0; i < N; i += 2)   /* the rest of the zombies, oldest first */
        if (i != 10)
            assert_int_equal(fk_wait(fk, a, -1, LX_WNOHANG, NULL), (int64_t)kid[i]);
    assert_int_equal(fk_wait(fk, a, -1, LX_WNOHANG, NULL), 0);
    /* a dies: its running children go to init, after init's own child `other` */
    fk_call(fk, a, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_wait(fk, 1, (int64_t)a, 0, NULL), (int64_t)a);
    assert_int_equal(fk_sys(fk, kid[N - 1], LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    fk_call(fk, other, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    for (int i = 1; i < N; i += 2)
        fk_call(fk, kid[i], LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), (int64_t)other);
    for (int i = 1; i < N; i += 2)
        assert_int_equal(fk_wait(fk, 1, -1, 0, NULL), (int64_t)kid[i]);
    /* kid[0]'s child went to init when kid[0] died, and is still running */
    assert_int_equal(fk_sys(fk, grand, LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(fk_wait(fk, 1, -1, LX_WNOHANG, NULL), 0);
    fk_call(fk, grand, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_wait(fk, 1, (int64_t)grand, 0, NULL), (int64_t)grand);
    assert_int_equal(fk_wait(fk, 1, -1, LX_WNOHANG, NULL), -LX_ECHILD);
    fk_free(fk);
}

static void test_child_dispositions_are_its_own(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    struct lx_sigaction act = {.sa_handler = 0x401500, .sa_flags = LX_SA_RESTORER,
                               .sa_restorer = 0x401600, .sa_mask = LX_SIGBIT(LX_SIGINT)};
    uint64_t act_va = fk_ubuf_bytes(&u, &act, sizeof(act));
    struct lx_sigaction dfl = {0};
    uint64_t dfl_va = fk_ubuf_bytes(&u, &dfl, sizeof(dfl));
    uint64_t old_va = fk_ubuf_zero(&u, sizeof(act));
    uint64_t mask = LX_SIGBIT(LX_SIGUSR2);
    uint64_t mask_va = fk_ubuf_bytes(&u, &mask, 8);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, LX_SIGUSR1, act_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, mask_va, 0, 8, 0, 0), 0);
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    /* the child inherited both ... */
    struct lx_sigaction got;
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigaction, LX_SIGUSR1, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, child, &got, old_va, sizeof(got)), 0);
    assert_memory_equal(&got, &act, sizeof(act));
    uint64_t got_mask = 0;
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, child, &got_mask, old_va, 8), 0);
    assert_int_equal(got_mask, mask);
    /* ... and resets them, as musl's posix_spawn child does */
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigaction, LX_SIGUSR1, dfl_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, child, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, dfl_va, 0, 8, 0, 0),
                     0);
    fk_call(fk, child, LX_SYS_exit_group, 127, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    /* the parent's are untouched */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, LX_SIGUSR1, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, 1, &got, old_va, sizeof(got)), 0);
    assert_memory_equal(&got, &act, sizeof(act));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, 1, &got_mask, old_va, 8), 0);
    assert_int_equal(got_mask, mask);
    fk_free(fk);
}

static void test_blocking_wait_then_exit(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t a = spawn(fk, 1);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t st = fk_ubuf_zero(&u, 8);
    uint64_t ru = fk_ubuf_bytes(&u, (uint8_t[144]){[0 ... 143] = 0xee}, 144);
    uint64_t wtok = fk_call(fk, 1, LX_SYS_wait4, a, st, 0, ru, 0, 0);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    assert_int_equal(state_of(fk, 1), 'S');
    /* an unrelated event does not wake the waiter */
    assert_int_equal(fk_sys(fk, a, LX_SYS_getpid, 0, 0, 0, 0, 0, 0), (int64_t)a);
    assert_int_equal(fk_tok_state(fk, wtok), FK_TOK_HELD);
    fk_call(fk, a, LX_SYS_exit_group, 3, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_value(fk, wtok), (int64_t)a);
    int status;
    assert_int_equal(fk_mem_read(fk, 1, &status, st, 4), 0);
    assert_int_equal(status, 3 << 8);
    uint8_t rus[144];
    assert_int_equal(fk_mem_read(fk, 1, rus, ru, 144), 0);
    for (int i = 0; i < 144; i++)
        assert_int_equal(rus[i], 0);   /* rusage zeroed */
    assert_int_equal(state_of(fk, (int32_t)a), 0);   /* reaped */
    fk_free(fk);
}

static void test_wclone_and_wall(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t a = spawn(fk, 1);
    fk_call(fk, a, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    /* a SIGCHLD child is not a "clone" child */
    assert_int_equal(fk_wait(fk, 1, -1, (int)LX___WCLONE, NULL), -LX_ECHILD);
    assert_int_equal(fk_wait(fk, 1, -1, LX___WALL, NULL), (int64_t)a);
    fk_free(fk);
}

static void test_thread_create_failure(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int handles = fk_live_handles(fk);
    fk->fail_thread_create = -LX_ENOMEM;
    assert_int_equal(fk_sys(fk, 1, LX_SYS_clone, SPAWN_FLAGS, CHILD_STACK, 0, 0, 0, 0),
                     -LX_ENOMEM);
    assert_int_equal(fk_live_handles(fk), handles);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 1);
    assert_true(fk_find_event(fk, 0, FK_EV_VFS_EXIT, true, 2) >= 0);   /* vfs forgot it */
    assert_int_equal(state_of(fk, 1), 'R');
    /* and the next clone works */
    uint64_t tok;
    do_clone(fk, 1, &tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    fk_free(fk);
}

static void test_child_fault_releases_parent(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    uint64_t ftok = fk->next_tok++;
    fk->tok[ftok] = FK_TOK_HELD;
    pm_fault(fk->pm, child, 14, 6, 0x10, ftok);
    assert_int_equal(fk_tok_state(fk, ftok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    int status;
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, &status), (int64_t)child);
    assert_true(LX_WIFSIGNALED(status));
    assert_int_equal(LX_WTERMSIG(status), LX_SIGSEGV);
    assert_true(fk_log_contains(fk, "SIGSEGV"));
    fk_free(fk);
}

static void test_commit_failure_kills_child(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, child, 4096);
    uint64_t p = fk_ubuf_str(&u, "/bin/prog");
    /* past the point of no return vfs cannot close the CLOEXEC fds: the child must die (a
     * posix_spawn parent would otherwise wait forever for EOF), which releases the parent */
    fk->fail_vfs_proc_exec = -LX_EIO;
    uint64_t etok = fk_call(fk, child, LX_SYS_execve, p, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, etok), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    int status;
    assert_int_equal(fk_wait(fk, 1, (int32_t)child, 0, &status), (int64_t)child);
    assert_true(LX_WIFSIGNALED(status));
    assert_int_equal(LX_WTERMSIG(status), LX_SIGKILL);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flag_table),
        cmocka_unit_test(test_child_registers_clone),
        cmocka_unit_test(test_child_registers_vfork),
        cmocka_unit_test(test_exec_commit_order),
        cmocka_unit_test(test_release_exactly_once),
        cmocka_unit_test(test_release_before_park),
        cmocka_unit_test(test_exec_failure_keeps_parent_parked),
        cmocka_unit_test(test_killed_parent_drops_token),
        cmocka_unit_test(test_parent_killed_before_park),
        cmocka_unit_test(test_reparent_to_init),
        cmocka_unit_test(test_wait_among_many_children),
        cmocka_unit_test(test_child_dispositions_are_its_own),
        cmocka_unit_test(test_blocking_wait_then_exit),
        cmocka_unit_test(test_wclone_and_wall),
        cmocka_unit_test(test_thread_create_failure),
        cmocka_unit_test(test_child_fault_releases_parent),
        cmocka_unit_test(test_commit_failure_kills_child),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
