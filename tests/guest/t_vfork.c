/* t_vfork: vfork() semantics (Linux): the child borrows the parent's memory and the parent stays
 * suspended until the child calls _exit or a successful execve.
 * The child side only makes system calls and stores to memory: no stdio, no malloc, no return
 * from the function that called vfork. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

static char child_path[512];

/* A sleep made of the raw system call only, safe in a vfork child. */
static void raw_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    syscall(SYS_nanosleep, &ts, NULL);
}

static int wait_status(pid_t pid)
{
    int st = -1;
    pid_t w;
    while ((w = waitpid(pid, &st, 0)) == -1 && errno == EINTR) {
    }
    CHECK_EQ(w, pid);
    return st;
}

static void test_exit_status(void)
{
    for (int code = 0; code < 256; code += 51) {
        pid_t pid = vfork();
        if (pid == 0) _exit(code);
        REQUIRE(pid > 0);
        int st = wait_status(pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), code);
    }
}

static void test_execve(void)
{
    char *argv[] = {"t_child", "exit", "9", NULL};
    pid_t pid = vfork();
    if (pid == 0) {
        execve(child_path, argv, environ);
        _exit(127);
    }
    REQUIRE(pid > 0);
    int st = wait_status(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 9);
}

static void test_shared_memory(void)
{
    volatile int in_frame = 1;
    static volatile int in_data = 1;
    volatile pid_t seen_pid = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        in_frame = 42;
        in_data = 43;
        seen_pid = (pid_t)syscall(SYS_getpid);
        _exit(0);
    }
    REQUIRE(pid > 0);
    /* When vfork returns in the parent the child has already exited: its stores are visible. */
    CHECK_EQ(in_frame, 42);
    CHECK_EQ(in_data, 43);
    CHECK_EQ(seen_pid, pid); /* the child has its own pid */
    int st = wait_status(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(getpid() != pid);
}

static void test_parent_parked(void)
{
    volatile int flag = 0;
    long long t0 = gt_now_ns();
    pid_t pid = vfork();
    if (pid == 0) {
        raw_sleep_ms(200);
        flag = 1;
        _exit(0);
    }
    long long el = gt_now_ns() - t0;
    REQUIRE(pid > 0);
    CHECK_EQ(flag, 1);
    CHECK(el >= 200 * 1000000LL);
    gt_note("parent parked for %lld ms", el / 1000000);
    int st = wait_status(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_released_by_exec(void)
{
    /* The child sleeps 200 ms, then execs a program that sleeps 3 s: the parent must resume at the
     * exec, while the child is still running. */
    char *argv[] = {"t_child", "sleep", "3000", "exit", "6", NULL};
    volatile int before_exec = 0;
    long long t0 = gt_now_ns();
    pid_t pid = vfork();
    if (pid == 0) {
        raw_sleep_ms(200);
        before_exec = 1;
        execve(child_path, argv, environ);
        _exit(127);
    }
    long long resumed = gt_now_ns() - t0;
    REQUIRE(pid > 0);
    CHECK_EQ(before_exec, 1);
    CHECK(resumed >= 200 * 1000000LL);
    /* Still running: the parent was released by the exec, not by the exit. */
    CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0);
    int st = wait_status(pid);
    long long ended = gt_now_ns() - t0;
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 6);
    CHECK(ended >= resumed + 2900 * 1000000LL);
    gt_note("parent resumed after %lld ms, child exited after %lld ms", resumed / 1000000,
            ended / 1000000);
}

static void test_exec_fails(void)
{
    volatile int child_errno = 0;
    char *argv[] = {"nothing", NULL};
    pid_t pid = vfork();
    if (pid == 0) {
        execve("/gt-no-such-dir/nothing", argv, environ);
        child_errno = errno;
        _exit(127);
    }
    REQUIRE(pid > 0);
    int st = wait_status(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 127);
    CHECK_EQ(child_errno, ENOENT);
}

/* Uses a lot of stack below the caller's frame, as a child might. */
__attribute__((noinline)) static long scribble_stack(int depth)
{
    volatile char big[2048];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(0xEE ^ depth);
    long r = big[depth % 2048];
    if (depth > 0) r += scribble_stack(depth - 1);
    return r;
}

__attribute__((noinline)) static long mix(long a, long b)
{
    return a * 31 + b;
}

static void test_parent_state_intact(void)
{
    /* Values likely to live in callee-saved registers across the vfork call, plus locals. */
    volatile long seed = 12345;
    long a = seed * 3, b = seed * 5 + 1, c = seed ^ 0x5555, d = seed << 7, e = seed - 999,
         f = seed * seed;
    double x = (double)seed * 0.5, y = (double)seed / 7.0;
    char local[64];
    for (int i = 0; i < 64; i++)
        local[i] = (char)(i * 3);
    pid_t pid = vfork();
    if (pid == 0) {
        /* Clobber registers and the stack below the parent's frame, then leave. */
        scribble_stack(8);
        _exit((int)(mix(seed, 1) & 0x7f));
    }
    REQUIRE(pid > 0);
    CHECK_EQ(a, seed * 3);
    CHECK_EQ(b, seed * 5 + 1);
    CHECK_EQ(c, seed ^ 0x5555);
    CHECK_EQ(d, seed << 7);
    CHECK_EQ(e, seed - 999);
    CHECK_EQ(f, seed * seed);
    CHECK(x == (double)seed * 0.5);
    CHECK(y == (double)seed / 7.0);
    bool ok = true;
    for (int i = 0; i < 64; i++)
        ok &= local[i] == (char)(i * 3);
    CHECK(ok);
    int st = wait_status(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), mix(12345, 1) & 0x7f);
    /* The parent's own calls still work normally. */
    CHECK_EQ(mix(a, b), a * 31 + b);
}

/* One vfork/_exit cycle; 0 if everything came back as expected. */
__attribute__((noinline)) static int vfork_once(int i)
{
    volatile int v = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        v = i + 1;
        _exit(i & 0xff);
    }
    if (pid < 0) return -1;
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0xff) ||
        v != i + 1)
        return 1;
    return 0;
}

static void test_many(void)
{
    /* 200 vfork/_exit cycles: no leak of processes, same results every time. */
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        int r = vfork_once(i);
        if (r < 0) {
            gt_fail(__FILE__, __LINE__, "vfork failed at iteration %d: %s", i, strerror(errno));
            return;
        }
        bad += r;
    }
    CHECK_EQ(bad, 0);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static const struct gt_test tests[] = {
    GT_TEST(exit_status),         GT_TEST(execve),
    GT_TEST(shared_memory),       GT_TEST(parent_parked),
    GT_TEST(released_by_exec),    GT_TEST(exec_fails),
    GT_TEST(parent_state_intact), GT_TEST(many),
};

int main(int argc, char **argv)
{
    gt_test_prog(child_path, sizeof child_path, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
