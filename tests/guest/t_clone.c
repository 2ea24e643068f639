/* t_clone: the raw clone system call with CLONE_VM|CLONE_VFORK|SIGCHLD (0x4111), as musl's
 * posix_spawn makes it, checking every register the kernel must preserve, in the child and in the
 * parent; Linux's refusals and (KESTREL only) the combinations our OS refuses; a NULL stack; and
 * the thread group's sharing between separate processes (musl's clone()): one descriptor table
 * (CLONE_FILES, both ways, and exec's unsharing), one cwd and umask (CLONE_FS), one set of
 * dispositions (CLONE_SIGHAND); threads (raw CLONE_THREAD) with a descriptor table or a cwd and
 * umask of their own (without CLONE_FILES or CLONE_FS), whose table goes with their exit.
 *
 * clone_probe(flags, stack) is written in assembly: it loads known values into rbx, rbp, rdx, r8,
 * r9, r10, r12-r15 (rdi and rsi hold the flags and the stack, rax the call number), makes the
 * system call, and stores every register, as seen right after the syscall instruction, into
 * clone_child_seen (in the child, then exit(42) by raw system call, without touching the stack)
 * or clone_parent_seen (in the parent, which then returns rax). rcx and r11 are clobbered by the
 * syscall instruction itself and are not checked. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

struct regs {
    unsigned long rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15;
};

struct regs clone_child_seen, clone_parent_seen;
unsigned long clone_parent_rsp;
long clone_probe(unsigned long flags, void *stack);

#define K_RBX 0x1b1b1b1b1b1b1b1b
#define K_RBP 0x2b2b2b2b2b2b2b2b
#define K_RDX 0x3d3d3d3d3d3d3d3d
#define K_R8 0x4848484848484848
#define K_R9 0x5959595959595959
#define K_R10 0x6a6a6a6a6a6a6a6a
#define K_R12 0x7c7c7c7c7c7c7c7c
#define K_R13 0x0d0d0d0d0d0d0d0d
#define K_R14 0x1e1e1e1e1e1e1e1e
#define K_R15 0x2f2f2f2f2f2f2f2f

#define STORE_ALL(dst)                                                                             \
    "mov %rax, " dst "+0(%rip)\n\t"                                                                \
    "mov %rbx, " dst "+8(%rip)\n\t"                                                                \
    "mov %rcx, " dst "+16(%rip)\n\t"                                                               \
    "mov %rdx, " dst "+24(%rip)\n\t"                                                               \
    "mov %rsi, " dst "+32(%rip)\n\t"                                                               \
    "mov %rdi, " dst "+40(%rip)\n\t"                                                               \
    "mov %rbp, " dst "+48(%rip)\n\t"                                                               \
    "mov %rsp, " dst "+56(%rip)\n\t"                                                               \
    "mov %r8, " dst "+64(%rip)\n\t"                                                                \
    "mov %r9, " dst "+72(%rip)\n\t"                                                                \
    "mov %r10, " dst "+80(%rip)\n\t"                                                               \
    "mov %r11, " dst "+88(%rip)\n\t"                                                               \
    "mov %r12, " dst "+96(%rip)\n\t"                                                               \
    "mov %r13, " dst "+104(%rip)\n\t"                                                              \
    "mov %r14, " dst "+112(%rip)\n\t"                                                              \
    "mov %r15, " dst "+120(%rip)\n\t"

__asm__(
    ".text\n\t"
    ".globl clone_probe\n\t"
    ".type clone_probe,@function\n"
    "clone_probe:\n\t"
    "push %rbx\n\t"
    "push %rbp\n\t"
    "push %r12\n\t"
    "push %r13\n\t"
    "push %r14\n\t"
    "push %r15\n\t"
    "mov %rsp, clone_parent_rsp(%rip)\n\t"
    "movabs $" GT_STR(
        K_RBX) ", %rbx\n\t"
               "movabs $" GT_STR(
                   K_RBP) ", %rbp\n\t"
                          "movabs $" GT_STR(
                              K_RDX) ", %rdx\n\t"
                                     "movabs $" GT_STR(
                                         K_R8) ", %r8\n\t"
                                               "movabs $" GT_STR(
                                                   K_R9) ", %r9\n\t"
                                                         "movabs $" GT_STR(
                                                             K_R10) ", %r10\n\t"
                                                                    "movabs $" GT_STR(
                                                                        K_R12) ", %r12\n\t"
                                                                               "movabs $" GT_STR(
                                                                                   K_R13) ", "
                                                                                          "%r13\n\t"
                                                                                          "movabs "
                                                                                          "$" GT_STR(
                                                                                              K_R14) ", %r14\n\t"
                                                                                                     "movabs $" GT_STR(
                                                                                                         K_R15) ", %r15\n\t"
                                                                                                                "mov $56, %eax\n\t"
                                                                                                                "syscall\n\t"
                                                                                                                "test %rax, %rax\n\t"
                                                                                                                "jnz 1f\n\t"
    /* child: record, then exit(42) without using the stack */
    STORE_ALL("clone_child_seen") "mov $60, %eax\n\t"
                                  "mov $42, %edi\n\t"
                                  "syscall\n\t"
                                  "ud2\n"
                                  "1:\n\t" STORE_ALL(
                                      "clone_parent_seen") "pop %r15\n\t"
                                                           "pop %r14\n\t"
                                                           "pop %r13\n\t"
                                                           "pop %r12\n\t"
                                                           "pop %rbp\n\t"
                                                           "pop %rbx\n\t"
                                                           "ret\n\t"
                                                           ".size clone_probe, .-clone_probe\n");

#define CLONE_FLAGS_SPAWN 0x4111UL /* CLONE_VM | CLONE_VFORK | SIGCHLD */

static _Alignas(16) unsigned char child_stack[16384];

static void check_preserved(const struct regs *r, const char *who, unsigned long flags, void *stack)
{
    struct {
        const char *name;
        unsigned long got, want;
    } cmp[] = {
        {"rbx", r->rbx, K_RBX}, {"rbp", r->rbp, K_RBP},
        {"rdx", r->rdx, K_RDX}, {"rsi", r->rsi, (unsigned long)stack},
        {"rdi", r->rdi, flags}, {"r8", r->r8, K_R8},
        {"r9", r->r9, K_R9},    {"r10", r->r10, K_R10},
        {"r12", r->r12, K_R12}, {"r13", r->r13, K_R13},
        {"r14", r->r14, K_R14}, {"r15", r->r15, K_R15},
    };
    for (size_t i = 0; i < sizeof cmp / sizeof cmp[0]; i++)
        if (cmp[i].got != cmp[i].want)
            gt_fail(__FILE__, __LINE__, "%s: %s = %#lx, expected %#lx", who, cmp[i].name,
                    cmp[i].got, cmp[i].want);
}

static void test_vfork_clone_registers(void)
{
    memset(&clone_child_seen, 0xCC, sizeof clone_child_seen);
    memset(&clone_parent_seen, 0xCC, sizeof clone_parent_seen);
    void *top = child_stack + sizeof child_stack;
    long r = clone_probe(CLONE_FLAGS_SPAWN, top);
    REQUIRE(r > 0);
    /* CLONE_VFORK: the child has finished with our memory when we get here. */
    CHECK_EQ(clone_child_seen.rax, 0);
    CHECK_EQ(clone_child_seen.rsp, (unsigned long)top);
    check_preserved(&clone_child_seen, "child", CLONE_FLAGS_SPAWN, top);
    CHECK_EQ(clone_parent_seen.rax, (unsigned long)r);
    CHECK_EQ(clone_parent_seen.rsp, clone_parent_rsp);
    check_preserved(&clone_parent_seen, "parent", CLONE_FLAGS_SPAWN, top);
    int st = 0;
    CHECK_EQ(waitpid((pid_t)r, &st, 0), r);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
}

static void test_repeat(void)
{
    /* The same, 100 times, with different stacks. */
    int bad = 0;
    for (int i = 0; i < 100; i++) {
        clone_child_seen.rax = 1;
        clone_child_seen.rsp = 0;
        void *top = child_stack + sizeof child_stack - 16 * (unsigned)(i % 64);
        long r = clone_probe(CLONE_FLAGS_SPAWN, top);
        if (r <= 0) {
            gt_fail(__FILE__, __LINE__, "iteration %d: clone returned %ld", i, r);
            return;
        }
        int st;
        if (clone_child_seen.rax != 0 || clone_child_seen.rsp != (unsigned long)top) bad++;
        if (waitpid((pid_t)r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != 42) bad++;
    }
    CHECK_EQ(bad, 0);
}

/* Probes a refused combination: the call must fail with the given error and create nothing. */
static void expect_refused(unsigned long flags, void *stack, long err)
{
    clone_child_seen.rax = 0xdead;
    long r = clone_probe(flags, stack);
    if (r > 0) {
        gt_fail(__FILE__, __LINE__, "clone(%#lx, %p) created child %ld, expected -%ld", flags,
                stack, r, err);
        waitpid((pid_t)r, NULL, 0);
        return;
    }
    if (r != -err)
        gt_fail(__FILE__, __LINE__, "clone(%#lx, %p) = %ld, expected -%ld", flags, stack, r, err);
    CHECK_EQ(clone_child_seen.rax, 0xdead);
}

/* Linux's own refusals (kernel/fork.c), checked before anything is made, on both systems. */
static void test_linux_refusals(void)
{
    void *top = child_stack + sizeof child_stack;
    expect_refused(CLONE_THREAD | SIGCHLD, top, EINVAL);              /* THREAD needs SIGHAND */
    expect_refused(CLONE_SIGHAND | SIGCHLD, top, EINVAL);             /* SIGHAND needs VM */
    expect_refused(CLONE_FS | CLONE_NEWNS | SIGCHLD, NULL, EINVAL);
    expect_refused(CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, NULL, EINVAL);
    expect_refused(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, NULL, EINVAL);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_kestrel_refusals(void)
{
    if (!os_is_kestrel()) {
        gt_note("not on Kestrel: the refusal checks are specific to our OS, skipped");
        return;
    }
    /* KESTREL: there are no namespaces (a thread with a table or cwd of its own is built since
     * issue 15: the thread_own_* tests below). */
    expect_refused(CLONE_NEWPID | SIGCHLD, NULL, EINVAL);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* A NULL stack is the caller's own, as on Linux: a vfork-like child runs on the parked
 * parent's stack (clone_probe's child touches no stack). */
static void test_vfork_clone_null_stack(void)
{
    clone_child_seen.rax = 1;
    long r = clone_probe(CLONE_FLAGS_SPAWN, NULL);
    REQUIRE(r > 0);
    CHECK_EQ(clone_child_seen.rax, 0);
    CHECK_EQ(clone_child_seen.rsp, clone_parent_rsp);
    CHECK_EQ(gt_reap((pid_t)r), 42 << 8);
}

/* ---- the thread group's sharing between separate processes (musl's clone(), raw enough) ---- */

static int share_fd = -1;

static int child_opens(void *arg)
{
    (void)arg;
    share_fd = open("/dev/null", O_RDONLY); /* in the child's copy of memory (no CLONE_VM) */
    return share_fd >= 0 ? share_fd : 255;
}

static void test_clone_files_shares_the_table(void)
{
    /* CLONE_FILES: the descriptor the child opens is in the parent's table too */
    pid_t pid = clone(child_opens, child_stack + sizeof child_stack, CLONE_FILES | SIGCHLD, NULL);
    REQUIRE(pid > 0);
    int st = gt_reap(pid);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) != 255);
    int fd = WEXITSTATUS(st);
    CHECK(gt_fd_is_open(fd));
    struct stat a, b;
    CHECK_EQ(fstat(fd, &a), 0);
    CHECK_EQ(stat("/dev/null", &b), 0);
    CHECK_EQ(a.st_rdev, b.st_rdev);
    close(fd);
    /* without it, the child's descriptor is its own */
    pid = clone(child_opens, child_stack + sizeof child_stack, SIGCHLD, NULL);
    REQUIRE(pid > 0);
    st = gt_reap(pid);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) != 255);
    CHECK(!gt_fd_is_open(WEXITSTATUS(st)));
}

static _Atomic int files_step;

static int child_waits_then_closes(void *arg)
{
    int fd = (int)(intptr_t)arg;
    while (atomic_load(&files_step) != 1) /* CLONE_VM: the parent's variable */
        sched_yield();
    /* the parent opened fd after we were made: it is ours too, and our close is its close */
    int r = fcntl(fd, F_GETFD) >= 0 && close(fd) == 0 ? 0 : 1;
    atomic_store(&files_step, 2);
    return r;
}

static void test_clone_files_both_ways(void)
{
    atomic_store(&files_step, 0);
    int fd = 50;
    pid_t pid = clone(child_waits_then_closes, child_stack + sizeof child_stack,
                      CLONE_VM | CLONE_FILES | SIGCHLD, (void *)(intptr_t)fd);
    REQUIRE(pid > 0);
    int got = open("/dev/null", O_RDONLY);
    REQUIRE(got >= 0);
    CHECK_EQ(dup2(got, fd), fd);
    close(got);
    atomic_store(&files_step, 1);
    while (atomic_load(&files_step) != 2)
        sched_yield();
    CHECK_EQ(gt_reap(pid), 0);
    CHECK(!gt_fd_is_open(fd)); /* closed by the child */
}

static int child_execs(void *arg)
{
    char **argv = arg;
    execv(argv[0], argv);
    return 127;
}

static void test_clone_files_exec_unshares(void)
{
    /* a CLONE_FILES child that execs gets its own table first: its CLOEXEC descriptors close
     * in its copy, not in ours */
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    char prog[256], fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", fd);
    char *argv[] = {gt_test_prog(prog, sizeof prog, "t_child"), "isopen", fdarg, NULL};
    pid_t pid = clone(child_execs, child_stack + sizeof child_stack,
                      CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, argv);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap(pid), 1 << 8); /* closed in the child */
    CHECK(gt_fd_is_open(fd));       /* still open here */
    close(fd);
}

static int child_chdirs(void *arg)
{
    (void)arg;
    if (chdir("/tmp") != 0)
        return 1;
    umask(077);
    return 0;
}

static void test_clone_fs_shares_cwd_and_umask(void)
{
    char before[256];
    REQUIRE(getcwd(before, sizeof before) != NULL);
    mode_t old = umask(022);
    REQUIRE(chdir("/") == 0);
    pid_t pid = clone(child_chdirs, child_stack + sizeof child_stack, CLONE_FS | SIGCHLD, NULL);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap(pid), 0);
    char now[256];
    CHECK(getcwd(now, sizeof now) != NULL);
    CHECK_STREQ(now, "/tmp");
    CHECK_EQ(umask(022), 077);
    /* without it, the child's chdir is its own */
    REQUIRE(chdir("/") == 0);
    pid = clone(child_chdirs, child_stack + sizeof child_stack, SIGCHLD, NULL);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap(pid), 0);
    CHECK(getcwd(now, sizeof now) != NULL);
    CHECK_STREQ(now, "/");
    CHECK_EQ(umask(022), 022);
    umask(old);
    CHECK_EQ(chdir(before), 0);
}

static void on_usr2(int sig)
{
    (void)sig;
}

static int child_sets_handler(void *arg)
{
    (void)arg;
    struct sigaction sa = {0};
    sa.sa_handler = on_usr2;
    return sigaction(SIGUSR2, &sa, NULL) == 0 ? 0 : 1;
}

static void test_clone_sighand_shares_dispositions(void)
{
    signal(SIGUSR2, SIG_DFL);
    pid_t pid = clone(child_sets_handler, child_stack + sizeof child_stack,
                      CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap(pid), 0);
    struct sigaction now;
    CHECK_EQ(sigaction(SIGUSR2, NULL, &now), 0);
    CHECK(now.sa_handler == on_usr2);
    signal(SIGUSR2, SIG_DFL);
    /* without it, a copy */
    pid = clone(child_sets_handler, child_stack + sizeof child_stack, CLONE_VM | SIGCHLD, NULL);
    REQUIRE(pid > 0);
    CHECK_EQ(gt_reap(pid), 0);
    CHECK_EQ(sigaction(SIGUSR2, NULL, &now), 0);
    CHECK(now.sa_handler == SIG_DFL);
}

/* ---- threads with a descriptor table or fs state of their own (raw CLONE_THREAD) ---- */

/* A thread of this process on its own stack; its tid word is cleared (and woken) at its exit,
 * which thread_join waits for. Without CLONE_SETTLS it shares the main thread's TLS: the thread
 * functions below use only calls that cannot fail in a way that matters (errno is the main
 * thread's while they run, and the main thread waits). */
#define THREAD_BASE (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
                     CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define FUTEX_WAIT 0   /* musl has no <linux/futex.h> */
static char thread_stack[65536] __attribute__((aligned(16)));
static volatile int thread_tid;

static void thread_start(int (*fn)(void *), int flags, void *arg)
{
    thread_tid = 0;
    long r = clone(fn, thread_stack + sizeof thread_stack, THREAD_BASE | flags, arg,
                   &thread_tid, NULL, &thread_tid);
    REQUIRE(r > 0);
}

static void thread_join(void)
{
    int v;
    while ((v = thread_tid) != 0)
        syscall(SYS_futex, &thread_tid, FUTEX_WAIT, v, NULL, NULL, 0);
}

static _Atomic int thr_step;
static volatile int thr_fd, thr_ok;

static int thread_opens_and_closes(void *arg)
{
    int inherited = (int)(intptr_t)arg;
    thr_fd = open("/dev/zero", O_RDONLY);
    /* mmap names a descriptor of its table, which may be its own */
    char *m = thr_fd >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, thr_fd, 0) : MAP_FAILED;
    bool mapped = m != MAP_FAILED && m[0] == 0 && munmap(m, 4096) == 0;
    /* its close of an inherited descriptor is its own */
    thr_ok = mapped && close(inherited) == 0 && fcntl(inherited, F_GETFD) == -1;
    return 0;
}

/* CLONE_THREAD without CLONE_FILES: the thread's table is a copy of ours at clone time. */
static void test_thread_own_table(void)
{
    int in = open("/dev/null", O_RDONLY);
    REQUIRE(in >= 0);
    thr_fd = -1;
    thr_ok = 0;
    thread_start(thread_opens_and_closes, CLONE_FS, (void *)(intptr_t)in);
    thread_join();
    CHECK(thr_ok);
    REQUIRE(thr_fd >= 0);
    CHECK_ERRNO(fcntl(thr_fd, F_GETFD), EBADF);   /* its open is not in our table */
    CHECK(fcntl(in, F_GETFD) >= 0);               /* its close did not close ours */
    close(in);
    /* with CLONE_FILES (pthread's way) both are ours */
    in = open("/dev/null", O_RDONLY);
    REQUIRE(in >= 0);
    thread_start(thread_opens_and_closes, CLONE_FS | CLONE_FILES, (void *)(intptr_t)in);
    thread_join();
    CHECK(thr_ok);
    CHECK(fcntl(thr_fd, F_GETFD) >= 0);
    CHECK_ERRNO(fcntl(in, F_GETFD), EBADF);
    close(thr_fd);
}

static int thread_waits(void *arg)
{
    (void)arg;
    while (atomic_load(&thr_step) != 1)
        sched_yield();
    return 0;
}

/* A pipe's write end in a thread's private copy: the reader sees EOF only once that thread
 * has exited (its table is let go with it). */
static void test_thread_own_table_exit_closes(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    atomic_store(&thr_step, 0);
    thread_start(thread_waits, CLONE_FS, NULL);
    close(p[1]);   /* ours; the thread's copy keeps the pipe writable */
    CHECK_ERRNO(fcntl(p[1], F_GETFD), EBADF);
    REQUIRE(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    char c;
    CHECK_ERRNO(read(p[0], &c, 1), EAGAIN);   /* a writer is still there */
    atomic_store(&thr_step, 1);
    thread_join();
    REQUIRE(fcntl(p[0], F_SETFL, 0) == 0);
    CHECK_EQ(read(p[0], &c, 1), 0);           /* EOF: the thread's copy went with it */
    close(p[0]);
}

static volatile mode_t thr_umask;

static int thread_chdirs(void *arg)
{
    (void)arg;
    thr_ok = chdir("/tmp") == 0;
    thr_umask = umask(077);
    return 0;
}

/* CLONE_THREAD without CLONE_FS: chdir and umask stay the thread's; with it they are ours. */
static void test_thread_own_fs(void)
{
    char before[256], now[256];
    REQUIRE(getcwd(before, sizeof before) != NULL);
    mode_t old = umask(022);
    REQUIRE(chdir("/") == 0);
    thr_ok = 0;
    thread_start(thread_chdirs, CLONE_FILES, NULL);
    thread_join();
    CHECK(thr_ok);
    CHECK_EQ(thr_umask, 022);   /* its copy started as ours */
    CHECK(getcwd(now, sizeof now) != NULL);
    CHECK_STREQ(now, "/");
    CHECK_EQ(umask(022), 022);
    thr_ok = 0;
    thread_start(thread_chdirs, CLONE_FILES | CLONE_FS, NULL);
    thread_join();
    CHECK(thr_ok);
    CHECK(getcwd(now, sizeof now) != NULL);
    CHECK_STREQ(now, "/tmp");
    CHECK_EQ(umask(022), 077);
    umask(old);
    CHECK_EQ(chdir(before), 0);
}

/* execve of a relative path from a thread with a cwd of its own resolves from that cwd (the
 * exec names the thread to vfs), and the new image runs there. In a forked child: the exec
 * replaces it. The name resolves only from the thread's cwd, not from the process's "/". */
static char exec_dir[256];
static const char *exec_base;

/* exec_dir and exec_base from /proc/self/exe; false if it has no directory part */
static bool self_dir(void)
{
    ssize_t n = readlink("/proc/self/exe", exec_dir, sizeof exec_dir - 1);
    if (n <= 1)
        return false;
    exec_dir[n] = '\0';
    char *slash = strrchr(exec_dir, '/');
    if (!slash || slash == exec_dir)
        return false;
    *slash = '\0';
    exec_base = slash + 1;
    return true;
}

static int thread_execs_relative(void *arg)
{
    (void)arg;
    if (chdir(exec_dir) != 0)
        return 0;
    char rel[300] = "./";
    strncat(rel, exec_base, sizeof rel - 3);
    char *const argv[] = { rel, "--exec-probe", NULL };
    char *const envp[] = { NULL };
    execve(rel, argv, envp);
    syscall(SYS_exit_group, 99);   /* the exec failed */
    return 0;
}

static void test_thread_exec_relative_own_cwd(void)
{
    REQUIRE(self_dir());
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (chdir("/") != 0)
            _exit(98);
        thread_start(thread_execs_relative, CLONE_FILES, NULL);
        for (;;)
            pause();   /* the thread's exec ends this thread */
    }
    int st = gt_reap(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
}

static const struct gt_test tests[] = {
    GT_TEST(vfork_clone_registers),
    GT_TEST(repeat),
    GT_TEST(linux_refusals),
    GT_TEST(kestrel_refusals),
    GT_TEST(vfork_clone_null_stack),
    GT_TEST(clone_files_shares_the_table),
    GT_TEST(clone_files_both_ways),
    GT_TEST(clone_files_exec_unshares),
    GT_TEST(clone_fs_shares_cwd_and_umask),
    GT_TEST(clone_sighand_shares_dispositions),
    GT_TEST(thread_own_table),
    GT_TEST(thread_own_table_exit_closes),
    GT_TEST(thread_own_fs),
    GT_TEST(thread_exec_relative_own_cwd),
};

int main(int argc, char **argv)
{
    /* the image test_thread_exec_relative_own_cwd starts: it runs in the exec'ing thread's cwd */
    if (argc == 2 && strcmp(argv[1], "--exec-probe") == 0) {
        char cwd[256];
        return self_dir() && getcwd(cwd, sizeof cwd) && strcmp(cwd, exec_dir) == 0 ? 7 : 97;
    }
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
