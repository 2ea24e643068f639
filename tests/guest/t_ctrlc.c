/* t_ctrlc: the keyboard's signals through the console, typed into the serial port in step with
 * the program (tests/guest/t_ctrlc.typed; see tests/qemu/run.sh): ^C ends `sleep 100`, `cat`
 * blocked reading the console, and a process looping in user mode without system calls (its
 * SIGINT handler runs at once; with the default action it dies); ^Z stops a job (WUNTRACED sees
 * SIGTSTP); ^\ sends SIGQUIT. Each time the job is started in a process group of its own and made
 * the terminal's foreground with tcsetpgrp; the terminal is taken back afterwards with SIGTTOU
 * blocked, as a shell does.
 *
 * Run as init, it starts itself again (--leader): that process makes a session, takes the
 * console as its controlling terminal (TIOCSCTTY; it was init's) and runs the tests, so that its
 * jobs' groups have a parent in the session (they are not orphaned: ^Z may stop them). Before
 * each keystroke it prints "READY <what>", which the typing waits for. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;
static char self[512];
static volatile sig_atomic_t interrupted;
static volatile unsigned long spins;

static void on_int(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The job: path with argv, in a new group, SIGINT/SIGQUIT/SIGTSTP at their defaults, fd 3 the
 * given pipe end (or none); made the foreground. */
static pid_t start_job(const char *path, char *const argv[], int fd3)
{
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGQUIT);
    sigaddset(&def, SIGTSTP);
    pid_t pid = gt_spawn_job(path, argv, 0, fd3, &def);
    if (pid > 0 && tcsetpgrp(0, pid) != 0)
        gt_fail(__FILE__, __LINE__, "tcsetpgrp: %s", strerror(errno));
    return pid;
}

static void ready(const char *what)
{
    printf("READY %s\n", what);
    fflush(stdout);
}

/* Waits for the job (bounded: if the keystroke had no effect the test fails, not hangs), then
 * takes the terminal back. */
static int finish_job(pid_t pid, int options)
{
    int st = 0;
    pid_t r = 0;
    for (int i = 0; i < 6000 && r == 0; i++) {
        r = waitpid(pid, &st, options | WNOHANG);
        if (r == 0)
            gt_sleep_ms(5);
    }
    if (r != pid) {
        gt_fail(__FILE__, __LINE__, "the job did not end or stop");
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        st = -1;
    }
    sigset_t s, os;
    sigemptyset(&s);
    sigaddset(&s, SIGTTOU);
    sigprocmask(SIG_BLOCK, &s, &os);
    if (tcsetpgrp(0, getpgrp()) != 0)
        gt_fail(__FILE__, __LINE__, "taking the terminal back: %s", strerror(errno));
    sigprocmask(SIG_SETMASK, &os, NULL);
    return st;
}

static void expect_killed(int st, int sig)
{
    CHECK(st != -1 && WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), sig);
}

static void test_ctrl_c_sleep(void)
{
    char *argv[] = {"sleep", "100", NULL};
    pid_t pid = start_job("/usr/bin/sleep", argv, -1);
    REQUIRE(pid > 0);
    CHECK_EQ(tcgetpgrp(0), pid);
    ready("sleep");
    expect_killed(finish_job(pid, 0), SIGINT);
}

static void test_ctrl_c_cat(void)
{
    char *argv[] = {"cat", NULL};
    pid_t pid = start_job("/usr/bin/cat", argv, -1);
    REQUIRE(pid > 0);
    ready("cat");
    expect_killed(finish_job(pid, 0), SIGINT);
}

/* A loop that never enters the kernel: its handler runs, and it ends on its own. */
static void test_ctrl_c_loop_handler(void)
{
    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    char *argv[] = {"t_ctrlc", "--loop", NULL};
    pid_t pid = start_job(self, argv, p[1]);
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1); /* its handler is in place */
    close(p[0]);
    REQUIRE(pid > 0);
    ready("loop");
    int st = finish_job(pid, 0);
    CHECK(st != -1 && WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
}

static void test_ctrl_c_loop_default(void)
{
    char *argv[] = {"t_ctrlc", "--spin", NULL};
    pid_t pid = start_job(self, argv, -1);
    REQUIRE(pid > 0);
    ready("spin");
    expect_killed(finish_job(pid, 0), SIGINT);
}

static void test_ctrl_z(void)
{
    char *argv[] = {"t_ctrlc", "--spin", NULL};
    pid_t pid = start_job(self, argv, -1);
    REQUIRE(pid > 0);
    ready("tstp");
    int st = finish_job(pid, WUNTRACED);
    CHECK(st != -1 && WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGTSTP);
    kill(pid, SIGKILL);
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    expect_killed(st, SIGKILL);
}

static void test_ctrl_backslash(void)
{
    char *argv[] = {"t_ctrlc", "--spin", NULL};
    pid_t pid = start_job(self, argv, -1);
    REQUIRE(pid > 0);
    ready("quit");
    expect_killed(finish_job(pid, 0), SIGQUIT);
}

/* The session leader: a session of its own, the console taken as its controlling terminal. */
static int leader(int argc, char **argv)
{
    if (setsid() != getpid())
        return 120;
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0 || ioctl(fd, TIOCSCTTY, 1) != 0)
        return 121;
    close(fd);
    if (tcgetsid(0) != getpid() || tcgetpgrp(0) != getpgrp())
        return 122;
    static const struct gt_test tests[] = {
        GT_TEST(ctrl_c_sleep),     GT_TEST(ctrl_c_cat), GT_TEST(ctrl_c_loop_handler),
        GT_TEST(ctrl_c_loop_default), GT_TEST(ctrl_z),  GT_TEST(ctrl_backslash),
    };
    argv[1] = argv[0];
    return gt_main(argc - 1, argv + 1, tests, GT_COUNT(tests));
}

int main(int argc, char **argv)
{
    gt_test_prog(self, sizeof self, "t_ctrlc");
    if (argc > 1 && strcmp(argv[1], "--spin") == 0)
        for (;;)
            spins++;
    if (argc > 1 && strcmp(argv[1], "--loop") == 0) {
        struct sigaction sa = {.sa_handler = on_int};
        sigaction(SIGINT, &sa, NULL);
        if (write(3, "r", 1) != 1)
            return 2;
        while (!interrupted)
            spins++;
        return 42;
    }
    if (argc > 1 && strcmp(argv[1], "--leader") == 0)
        return leader(argc, argv);
    char *cargv[] = {"t_ctrlc", "--leader", NULL};
    return gt_run_child(self, cargv);
}
