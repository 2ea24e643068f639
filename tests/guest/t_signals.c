/* t_signals: children that die by a fault or exit, seen through posix_spawn + waitpid; the parent
 * carries on. Also (beyond the crash cases) signals sent to a child with kill() and a signal the
 * process sends itself. Linux semantics. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

static char crash_path[512], child_path[512];

static int run_crash(const char *mode, const char *arg)
{
    char *argv[] = {"t_crash", (char *)mode, (char *)arg, NULL};
    return gt_spawn_wait(crash_path, argv, NULL);
}

static void expect_signal(const char *mode, int sig)
{
    int st = run_crash(mode, NULL);
    if (st == -1) return;
    if (!WIFSIGNALED(st)) {
        gt_fail(__FILE__, __LINE__, "t_crash %s: not killed by a signal (status %#x, exited %d)",
                mode, st, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return;
    }
    if (WTERMSIG(st) != sig)
        gt_fail(__FILE__, __LINE__, "t_crash %s: killed by signal %d, expected %d", mode,
                WTERMSIG(st), sig);
}

static void test_segv(void)
{
    expect_signal("segv", SIGSEGV);
}
static void test_ill(void)
{
    expect_signal("ill", SIGILL);
}
static void test_fpe(void)
{
    expect_signal("fpe", SIGFPE);
}
static void test_abort(void)
{
    expect_signal("abort", SIGABRT);
}

static void test_exit_codes(void)
{
    static const char *codes[] = {"0", "1", "3", "42", "127", "255"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int st = run_crash("exit", codes[i]);
        if (st == -1) continue;
        CHECK(WIFEXITED(st));
        CHECK(!WIFSIGNALED(st));
        CHECK_EQ(WEXITSTATUS(st), atoi(codes[i]));
    }
}

/* Many crashes in a row; the parent's own state is untouched and it can still spawn. */
static void test_parent_survives(void)
{
    volatile long canary = 0x5eed5eed5eedL;
    pid_t me = getpid();
    static const char *modes[] = {"segv", "ill", "fpe", "abort"};
    int signalled = 0;
    for (int round = 0; round < 5; round++)
        for (int i = 0; i < 4; i++) {
            int st = run_crash(modes[i], NULL);
            if (st != -1 && WIFSIGNALED(st)) signalled++;
        }
    CHECK_EQ(signalled, 20);
    CHECK_EQ(canary, 0x5eed5eed5eedL);
    CHECK_EQ(getpid(), me);
    char *argv[] = {"t_child", "exit", "9", NULL};
    int st = gt_spawn_wait(child_path, argv, NULL);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 9);
    /* No child is left over. */
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* kill() of a running child: SIGTERM and SIGKILL terminate it with that signal. */
static void test_kill_child(void)
{
    static const int sigs[] = {SIGTERM, SIGKILL, SIGUSR1};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        char *argv[] = {"t_child", "sleep", "20000", NULL};
        pid_t pid;
        int e = posix_spawn(&pid, child_path, NULL, NULL, argv, environ);
        CHECK_ERR(e, 0);
        if (e) continue;
        CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0); /* still sleeping */
        CHECK_EQ(kill(pid, sigs[i]), 0);
        int st = 0;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), sigs[i]);
    }
    CHECK_EQ(kill(getpid(), 0), 0);
    CHECK_ERRNO(kill(0x3fffffff, SIGTERM), ESRCH);
    CHECK_ERRNO(kill(getpid(), 12345), EINVAL);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s)
{
    got_usr1 = s;
}

/* A handler runs for a signal the process sends itself, at once or when it is unblocked. */
static void test_raise_self(void)
{
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    REQUIRE(SYS(sigaction(SIGUSR1, &sa, &old)) == 0);
    got_usr1 = 0;
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(got_usr1, SIGUSR1);
    /* Blocked: pending, delivered by the unblocking call. */
    sigset_t set, prev, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    SYS(sigprocmask(SIG_BLOCK, &set, &prev));
    got_usr1 = 0;
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(got_usr1, 0);
    SYS(sigpending(&pend));
    CHECK(sigismember(&pend, SIGUSR1) == 1);
    SYS(sigprocmask(SIG_SETMASK, &prev, NULL));
    CHECK_EQ(got_usr1, SIGUSR1);
    SYS(sigpending(&pend));
    CHECK(sigismember(&pend, SIGUSR1) == 0);
    SYS(sigaction(SIGUSR1, &old, NULL));
}

/* A child that makes nothing but file calls (which its kernel route takes to vfs, past procmgr:
 * a write to /dev/null, a read of /dev/zero) still meets a signal at once: its handler runs
 * (the child stops looping and exits 7), and SIGTERM's default action ends it. The parent waits
 * for a byte through a pipe before it signals, so the child is inside its loop. */
static void test_file_calls_meet_signals(void)
{
    for (int handled = 1; handled >= 0; handled--) {
        int p[2];
        REQUIRE(pipe(p) == 0);
        pid_t c = fork();
        REQUIRE(c >= 0);
        if (c == 0) {
            close(p[0]);
            got_usr1 = 0; /* raise_self's is inherited */
            struct sigaction sa = {0};
            sa.sa_handler = on_usr1;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGUSR1, &sa, NULL);
            int n = open("/dev/null", O_WRONLY), z = open("/dev/zero", O_RDONLY);
            char buf[64];
            if (n < 0 || z < 0 || write(p[1], "x", 1) != 1)
                _exit(3);
            while (!got_usr1)
                if (write(n, buf, sizeof buf) != sizeof buf || read(z, buf, sizeof buf) != sizeof buf)
                    _exit(4);
            _exit(7);
        }
        close(p[1]);
        char x;
        CHECK_EQ(read(p[0], &x, 1), 1);
        close(p[0]);
        CHECK_EQ(kill(c, handled ? SIGUSR1 : SIGTERM), 0);
        int st = 0;
        CHECK_EQ(waitpid(c, &st, 0), c);
        if (handled) {
            CHECK(WIFEXITED(st));
            CHECK_EQ(WEXITSTATUS(st), 7);
        } else {
            CHECK(WIFSIGNALED(st));
            CHECK_EQ(WTERMSIG(st), SIGTERM);
        }
    }
}

static const struct gt_test tests[] = {
    GT_TEST(segv),       GT_TEST(ill),        GT_TEST(fpe),
    GT_TEST(abort),      GT_TEST(exit_codes), GT_TEST(parent_survives),
    GT_TEST(kill_child), GT_TEST(raise_self), GT_TEST(file_calls_meet_signals),
};

int main(int argc, char **argv)
{
    gt_test_prog(crash_path, sizeof crash_path, "t_crash");
    gt_test_prog(child_path, sizeof child_path, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
