/* t_clone3: clone3 (435) and pidfds. The struct's sizes (64, 80, 88 bytes; a larger one whose
 * tail is zero; E2BIG for a non-zero tail or more than a page; EINVAL below 64), Linux's EINVAL
 * rules, set_tid (EEXIST when taken, EINVAL out of range), CLONE_CLEAR_SIGHAND; vfork through
 * clone3 in the Rust std shape ({CLONE_VM|CLONE_VFORK, stack, stack_size}: the child starts at
 * stack + stack_size, the parent waits for its exit or exec); CLONE_PIDFD (a pidfd the parent can
 * poll for the exit, waitid(P_PIDFD) and pidfd_send_signal on), legacy clone's CLONE_PIDFD,
 * pidfd_open and its PIDFD_NONBLOCK. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define CLONE_PIDFD_ 0x1000
#define CLONE_CLEAR_SIGHAND_ 0x100000000ull
#define PIDFD_NONBLOCK_ O_NONBLOCK

struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

/* A fork-like clone3 (no CLONE_VM): the child returns 0 here, with a copy of our memory. */
static long clone3_(struct clone_args_ *a, size_t size)
{
    return syscall(SYS_clone3, a, size);
}

/* clone3 whose child runs on its own stack: clone3_stack_probe(args, size) makes the call; the
 * child records its stack pointer in clone3_child_rsp and calls clone3_child_main (which never
 * returns); the parent returns rax. */
long clone3_stack_probe(struct clone_args_ *a, size_t size);
uint64_t clone3_child_rsp;
void clone3_child_main(void) __attribute__((noreturn));
__asm__(".text\n\t"
        ".globl clone3_stack_probe\n\t"
        ".type clone3_stack_probe,@function\n"
        "clone3_stack_probe:\n\t"
        "mov $435, %eax\n\t"
        "syscall\n\t"
        "test %rax, %rax\n\t"
        "jnz 1f\n\t"
        "mov %rsp, clone3_child_rsp(%rip)\n\t"
        "and $-16, %rsp\n\t"
        "call clone3_child_main\n\t"
        "ud2\n"
        "1:\n\t"
        "ret\n\t"
        ".size clone3_stack_probe, .-clone3_stack_probe\n");

static char *const *child_exec_argv; /* what clone3_child_main does: exec this, or _exit(42) */

void clone3_child_main(void)
{
    if (child_exec_argv)
        syscall(SYS_execve, child_exec_argv[0], child_exec_argv, NULL);
    syscall(SYS_exit_group, child_exec_argv ? 127 : 42);
    __builtin_unreachable();
}

static void test_sizes(void)
{
    struct {
        struct clone_args_ a;
        uint64_t extra[4];
    } big;
    memset(&big, 0, sizeof big);
    big.a.exit_signal = SIGCHLD;
    size_t sizes[] = {64, 80, 88, sizeof big};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        long pid = clone3_(&big.a, sizes[i]);
        if (pid == 0)
            _exit(7);
        CHECK(pid > 0);
        if (pid > 0)
            CHECK_EQ(gt_reap((pid_t)pid), 7 << 8);
    }
    /* a newer struct asking for what we do not know */
    big.extra[2] = 1;
    CHECK_ERRNO(clone3_(&big.a, sizeof big), E2BIG);
    big.extra[2] = 0;
    CHECK_ERRNO(clone3_(&big.a, 63), EINVAL);
    CHECK_ERRNO(clone3_(&big.a, 0), EINVAL);
    CHECK_ERRNO(clone3_(&big.a, 4097), E2BIG);
    CHECK_ERRNO(clone3_((void *)16, 64), EFAULT);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void expect_einval(struct clone_args_ a, const char *what)
{
    errno = 0;
    long r = clone3_(&a, sizeof a);
    if (r == 0)
        _exit(0);
    if (r > 0) {
        gt_fail(__FILE__, __LINE__, "%s: clone3 made %ld", what, r);
        gt_reap((pid_t)r);
    } else if (errno != EINVAL) {
        gt_fail(__FILE__, __LINE__, "%s: errno %d, expected EINVAL", what, errno);
    }
}

static void test_einval_rules(void)
{
    static char stack[4096];
    struct clone_args_ base = {.exit_signal = SIGCHLD};
    struct clone_args_ a;
    a = base, a.exit_signal = 65;
    expect_einval(a, "exit signal 65");
    a = base, a.exit_signal = 0x100 | SIGCHLD;
    expect_einval(a, "exit signal past CSIGNAL");
    a = base, a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, a.stack = (uintptr_t)stack,
    a.stack_size = sizeof stack;
    expect_einval(a, "an exit signal with CLONE_THREAD");
    a = base, a.flags = CLONE_PARENT;
    expect_einval(a, "an exit signal with CLONE_PARENT");
    a = base, a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_CLEAR_SIGHAND_;
    a.stack = (uintptr_t)stack, a.stack_size = sizeof stack;
    expect_einval(a, "SIGHAND with CLEAR_SIGHAND");
    a = base, a.stack = (uintptr_t)stack;
    expect_einval(a, "a stack without a size");
    a = base, a.stack_size = 4096;
    expect_einval(a, "a size without a stack");
    a = base, a.flags = CLONE_DETACHED;
    expect_einval(a, "CLONE_DETACHED");
    a = base, a.flags = 1ull << 40;
    expect_einval(a, "an unknown flag");
    a = base, a.flags = 0x1; /* a signal number in the flags */
    expect_einval(a, "a signal in the flags");
    pid_t one = 1;
    a = base, a.set_tid = (uintptr_t)&one;
    expect_einval(a, "set_tid without its size");
    a = base, a.set_tid_size = 1;
    expect_einval(a, "a size without set_tid");
    a = base, a.set_tid = (uintptr_t)&one, a.set_tid_size = 33;
    expect_einval(a, "set_tid_size past 32");
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_set_tid(void)
{
    struct clone_args_ a = {.exit_signal = SIGCHLD, .set_tid_size = 1};
    pid_t want = getpid(); /* taken */
    a.set_tid = (uintptr_t)&want;
    if (getuid() != 0) {
        gt_note("not root: set_tid needs CAP_SYS_ADMIN, skipped");
        return;
    }
    CHECK_ERRNO(clone3_(&a, sizeof a), EEXIST);
    want = -5;
    CHECK_ERRNO(clone3_(&a, sizeof a), EINVAL);
    want = INT_MAX;
    CHECK_ERRNO(clone3_(&a, sizeof a), EINVAL);
    /* a free one: the child gets it */
    for (want = 30001; want < 30100; want++) {
        long r = clone3_(&a, sizeof a);
        if (r == 0)
            _exit(getpid() == want ? 0 : 1);
        if (r < 0 && errno == EEXIST)
            continue;
        CHECK_EQ(r, want);
        if (r > 0)
            CHECK_EQ(gt_reap((pid_t)r), 0);
        break;
    }
    CHECK(want < 30100);
    /* one pid namespace: two ids are one too many */
    pid_t two[2] = {30200, 30201};
    a.set_tid = (uintptr_t)two;
    a.set_tid_size = 2;
    CHECK_ERRNO(clone3_(&a, sizeof a), EINVAL);
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void test_clear_sighand(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    struct clone_args_ a = {.flags = CLONE_CLEAR_SIGHAND_, .exit_signal = SIGCHLD};
    long pid = clone3_(&a, sizeof a);
    if (pid == 0) {
        struct sigaction u1, u2;
        sigaction(SIGUSR1, NULL, &u1);
        sigaction(SIGUSR2, NULL, &u2);
        _exit(u1.sa_handler == SIG_DFL && u2.sa_handler == SIG_IGN ? 0 : 1);
    }
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap((pid_t)pid), 0);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* Rust's std: clone3({CLONE_VM|CLONE_VFORK, exit_signal SIGCHLD, stack, stack_size}), the child
 * then execs (or exits); the parent waits parked until then. */
static void test_rust_vfork_shape(void)
{
    size_t size = 64 * 1024;
    char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(stack != MAP_FAILED);
    struct clone_args_ a = {.flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD,
                            .stack = (uintptr_t)stack, .stack_size = size};
    child_exec_argv = NULL;
    clone3_child_rsp = 0;
    long pid = clone3_stack_probe(&a, sizeof a);
    REQUIRE(pid > 0);
    /* CLONE_VFORK: the child has run to its exit by now, on its own stack's top */
    CHECK_EQ(clone3_child_rsp, (uintptr_t)stack + size);
    CHECK_EQ(gt_reap((pid_t)pid), 42 << 8);
    /* and through exec, released at the exec */
    char prog[256];
    char *argv[] = {gt_test_prog(prog, sizeof prog, "t_child"), "exit", "5", NULL};
    child_exec_argv = argv;
    pid = clone3_stack_probe(&a, sizeof a);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap((pid_t)pid), 5 << 8);
    child_exec_argv = NULL;
    /* the 64-byte first version does the same */
    pid = clone3_stack_probe(&a, 64);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap((pid_t)pid), 42 << 8);
    munmap(stack, size);
}

/* A child that waits for a byte on fd, then exits with status. */
static pid_t child_waiting(int *pidfd, int *wfd, int status)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    int fd = -1;
    struct clone_args_ a = {.flags = CLONE_PIDFD_, .pidfd = (uintptr_t)&fd, .exit_signal = SIGCHLD};
    long pid = clone3_(&a, sizeof a);
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(status);
    }
    close(p[0]);
    *pidfd = fd;
    *wfd = p[1];
    return (pid_t)pid;
}

static void test_pidfd_poll_and_waitid(void)
{
    int pidfd, w;
    pid_t pid = child_waiting(&pidfd, &w, 7);
    REQUIRE(pid > 0);
    CHECK(pidfd >= 0);
    CHECK((fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0); /* a pidfd is always CLOEXEC */
    struct pollfd pf = {pidfd, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 0); /* alive: not readable */
    char link[64], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", pidfd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0);
    if (n > 0) {
        link[n] = 0;
        CHECK_STREQ(link, "anon_inode:[pidfd]");
    }
    char c;
    CHECK_ERRNO(read(pidfd, &c, 1), EINVAL);
    /* epoll sees the exit too */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, pidfd, &ev), 0);
    CHECK_EQ(write(w, "x", 1), 1);
    close(w);
    CHECK_EQ(poll(&pf, 1, 5000), 1);
    CHECK(pf.revents & POLLIN);
    struct epoll_event got = {0};
    CHECK_EQ(epoll_wait(ep, &got, 1, 5000), 1);
    CHECK_EQ(got.data.u64, 77);
    close(ep);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 7);
    /* reaped: nothing to wait for, no one to signal */
    CHECK_ERRNO(waitid(P_PIDFD, pidfd, &si, WEXITED), ECHILD);
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0), ESRCH);
    close(pidfd);
    /* not a pidfd, not open */
    CHECK_ERRNO(waitid(P_PIDFD, 0, &si, WEXITED), EBADF);
    CHECK_ERRNO(waitid(P_PIDFD, 200, &si, WEXITED), EBADF);
}

static void test_pidfd_send_signal(void)
{
    int pidfd, w;
    pid_t pid = child_waiting(&pidfd, &w, 0);
    REQUIRE(pid > 0);
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 8), EINVAL);
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 3), EINVAL); /* two scopes */
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, 65, NULL, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, 200, SIGTERM, NULL, 0), EBADF);
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, 0, SIGTERM, NULL, 0), EBADF);
    CHECK_EQ(syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0), 0);
    /* a siginfo that claims to be the kernel's, for another process: EPERM */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGTERM;
    info.si_code = SI_KERNEL;
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, &info, 0), EPERM);
    info.si_signo = SIGINT;
    CHECK_ERRNO(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, &info, 0), EINVAL);
    /* Linux 6.9's scope: the thread the pidfd names (the child's only one) */
    CHECK_EQ(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 1 /* PIDFD_SIGNAL_THREAD */), 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGTERM);
    close(w);
    close(pidfd);
}

static void test_pidfd_open(void)
{
    int w;
    int first;
    pid_t pid = child_waiting(&first, &w, 3);
    REQUIRE(pid > 0);
    close(first);
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    CHECK(fd >= 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    int nb = (int)syscall(SYS_pidfd_open, pid, PIDFD_NONBLOCK_);
    CHECK(nb >= 0);
    CHECK((fcntl(nb, F_GETFL) & O_NONBLOCK) != 0);
    siginfo_t si;
    /* PIDFD_NONBLOCK: a wait that would block is EAGAIN */
    CHECK_ERRNO(waitid(P_PIDFD, nb, &si, WEXITED), EAGAIN);
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, nb, &si, WEXITED | WNOHANG), 0);
    CHECK_EQ(si.si_pid, 0);
    CHECK_ERRNO(syscall(SYS_pidfd_open, pid, 1), EINVAL);
    CHECK_ERRNO(syscall(SYS_pidfd_open, 0, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_pidfd_open, -1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_pidfd_open, 4000000, 0), ESRCH);
    CHECK_EQ(write(w, "x", 1), 1);
    close(w);
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, fd, &si, WEXITED), 0);
    CHECK_EQ(si.si_status, 3);
    close(nb);
    close(fd);
    /* our own process, as pidfd_open(getpid()) */
    fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    CHECK(fd >= 0);
    struct pollfd pf = {fd, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 0);
    close(fd);
}

/* legacy clone's CLONE_PIDFD: the pidfd goes where parent_tid points */
static int legacy_child(void *arg)
{
    (void)arg;
    return 9;
}

static void test_legacy_clone_pidfd(void)
{
    static char stack[16384];
    int fd = -1;
    pid_t pid = clone(legacy_child, stack + sizeof stack, CLONE_PIDFD_ | SIGCHLD, NULL, &fd);
    REQUIRE(pid > 0);
    CHECK(fd >= 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PIDFD, fd, &si, WEXITED), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_status, 9);
    close(fd);
}

static const struct gt_test tests[] = {
    GT_TEST(sizes),
    GT_TEST(einval_rules),
    GT_TEST(set_tid),
    GT_TEST(clear_sighand),
    GT_TEST(rust_vfork_shape),
    GT_TEST(pidfd_poll_and_waitid),
    GT_TEST(pidfd_send_signal),
    GT_TEST(pidfd_open),
    GT_TEST(legacy_clone_pidfd),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
