/* t_jobctl: sessions and process groups, signals reaching a child that computes without system
 * calls (killed, its handler run, stopped and continued), what the parent sees of stops and
 * continues (waitid, wait4's status words, SIGCHLD's si_code, /proc state T), the terminal's
 * background checks (SIGTTIN on a read, SIGTTOU on a TOSTOP write and on tcsetpgrp, EIO when the
 * signal is ignored or blocked), CPU time growing with work (times, getrusage, the CPU clocks)
 * and /proc/<pid>/status. Linux semantics.
 *
 * Run as init, the program first starts itself again as a child (--run) and waits for it: the
 * groups it makes for its own children are then not orphaned (a child of init's is), as under
 * a shell. The same binary is the helper children: t_jobctl --spin, --read, ... (see helper()). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;
static char self[512];

/* ---- the helper children ---- */

static volatile sig_atomic_t got_signal;
static volatile unsigned long spins;

static void on_signal(int sig)
{
    got_signal = sig;
}

static int helper_read(void)
{
    char c;
    ssize_t n = read(0, &c, 1);
    return n < 0 && errno == EIO ? 5 : n < 0 ? 6 : 0;
}

static int helper(const char *mode)
{
    if (strcmp(mode, "--spin") == 0)
        for (;;)
            spins++;
    if (strcmp(mode, "--spin-handler") == 0) {
        /* a handler, then a loop that makes no system call until the handler has run */
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGUSR1, &sa, NULL);
        if (write(3, "r", 1) != 1)
            return 2;
        while (!got_signal)
            spins++;
        return got_signal == SIGUSR1 ? 0 : 3;
    }
    if (strcmp(mode, "--read") == 0)
        return helper_read();
    if (strcmp(mode, "--read-ign") == 0) {
        signal(SIGTTIN, SIG_IGN);
        return helper_read();
    }
    if (strcmp(mode, "--read-blk") == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGTTIN);
        sigprocmask(SIG_BLOCK, &s, NULL);
        return helper_read();
    }
    if (strcmp(mode, "--write") == 0)
        return write(1, "", 0) == 0 && write(1, "w\n", 2) == 2 ? 0 : errno == EIO ? 5 : 6;
    if (strcmp(mode, "--tcsetpgrp") == 0)
        return tcsetpgrp(0, getpgrp()) == 0 ? 0 : errno;
    if (strcmp(mode, "--tcsetpgrp-ign") == 0) {
        signal(SIGTTOU, SIG_IGN);
        return tcsetpgrp(0, getpgrp()) == 0 ? 0 : errno;
    }
    if (strcmp(mode, "--session") == 0) {
        /* a new session: its own group, no controlling terminal any more */
        pid_t me = getpid();
        if (setsid() != me || getsid(0) != me || getpgrp() != me)
            return 1;
        if (tcgetpgrp(0) != -1 || errno != ENOTTY)
            return 2;
        return setsid() == -1 && errno == EPERM ? 0 : 3;
    }
    if (strcmp(mode, "--busy") == 0) {
        struct timespec t0, t;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        do {
            for (int i = 0; i < 100000; i++)
                spins++;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 50000000L);
        return 0;
    }
    return 100;
}

/* ---- helpers of the tests ---- */

/* Starts the helper `mode` in a group of its own (pgroup 0) or in ours (-1); extra: a pipe end
 * to give it as fd 3 (-1: none). */
static pid_t start(const char *mode, int pgroup, int fd3)
{
    char *argv[] = {"t_jobctl", (char *)mode, NULL};
    return gt_spawn_job(self, argv, pgroup, fd3, NULL);
}

/* A bounded wait for a child that must change state soon: WNOHANG polls, giving up (and killing
 * it) after a generous while, so that a missing feature fails instead of hanging. */
static pid_t wait_soon(pid_t pid, int *st, int options)
{
    for (int i = 0; i < 3000; i++) {
        pid_t r = waitpid(pid, st, options | WNOHANG);
        if (r != 0)
            return r;
        gt_sleep_ms(5);
    }
    gt_fail(__FILE__, __LINE__, "child %d did not change state", (int)pid);
    kill(pid, SIGKILL);
    waitpid(pid, st, 0);
    return -1;
}

static long cpu_ns(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return -1;
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (gt_read_file(path, buf, sizeof buf) <= 0)
        return '?';
    char *p = strrchr(buf, ')');
    return p ? p[2] : '?';
}

static bool on_terminal(void)
{
    /* the terminal checks need a controlling terminal whose foreground is our group */
    return isatty(0) && tcgetpgrp(0) == getpgrp();
}

/* ---- the tests ---- */

static void test_sessions_and_groups(void)
{
    pid_t sid = getsid(0), pg = getpgrp();
    CHECK(sid > 0);
    CHECK(pg > 0);
    if (os_is_kestrel()) {
        CHECK_EQ(sid, 1); /* init's session, inherited */
        CHECK_EQ(pg, 1);
    }
    CHECK_EQ(getpgid(0), pg);
    CHECK_ERRNO(getsid(0x3fffffff), ESRCH);
    /* a child in a group of its own: it has exec'd, so we may no longer move it */
    pid_t c = start("--spin", 0, -1);
    REQUIRE(c > 0);
    CHECK_EQ(getpgid(c), c);
    CHECK_EQ(getsid(c), sid);
    CHECK_ERRNO(setpgid(c, pg), EACCES);
    CHECK_ERRNO(setpgid(getppid(), 0), ESRCH); /* not our child */
    kill(c, SIGKILL);
    int st;
    waitpid(c, &st, 0);
    /* a child's new session */
    c = start("--session", -1, -1);
    REQUIRE(c > 0);
    REQUIRE(wait_soon(c, &st, 0) == c);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

/* SIGTERM ends a child that only computes (no system call to stop it at). */
static void test_spin_killed(void)
{
    pid_t c = start("--spin", -1, -1);
    REQUIRE(c > 0);
    gt_sleep_ms(20);
    SYS(kill(c, SIGTERM));
    int st;
    REQUIRE(wait_soon(c, &st, 0) == c);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
}

/* Its handler runs at once, though the loop never enters the kernel. */
static void test_spin_handler(void)
{
    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    pid_t c = start("--spin-handler", -1, p[1]);
    close(p[1]);
    char r;
    CHECK_EQ(read(p[0], &r, 1), 1); /* the handler is in place */
    close(p[0]);
    REQUIRE(c > 0);
    SYS(kill(c, SIGUSR1));
    int st;
    REQUIRE(wait_soon(c, &st, 0) == c);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Stopped, a computing child makes no progress (its CPU clock stands still), is reported by
 * waitid and wait4 with Linux's encodings and shows T in /proc; continued, it computes again. */
static void test_stop_and_continue(void)
{
    pid_t c = start("--spin", -1, -1);
    REQUIRE(c > 0);
    clockid_t clk;
    CHECK_ERR(clock_getcpuclockid(c, &clk), 0);
    gt_sleep_ms(20);
    SYS(kill(c, SIGSTOP));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PID, c, &si, WSTOPPED), 0);
    CHECK_EQ(si.si_pid, c);
    CHECK_EQ(si.si_code, CLD_STOPPED);
    CHECK_EQ(si.si_status, SIGSTOP);
    CHECK_EQ(proc_state(c), 'T');
    char path[64], text[2048];
    snprintf(path, sizeof path, "/proc/%d/status", (int)c);
    CHECK(gt_read_file(path, text, sizeof text) > 0);
    CHECK(strstr(text, "\nState:\tT (stopped)\n") != NULL);
    long t0 = cpu_ns(clk);
    gt_sleep_ms(60);
    CHECK_EQ(cpu_ns(clk), t0); /* no progress while stopped */
    int st;
    CHECK_EQ(waitpid(c, &st, WUNTRACED | WNOHANG), 0); /* reported once */
    SYS(kill(c, SIGCONT));
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PID, c, &si, WCONTINUED), 0);
    CHECK_EQ(si.si_code, CLD_CONTINUED);
    CHECK_EQ(si.si_status, SIGCONT);
    gt_sleep_ms(60);
    CHECK(cpu_ns(clk) > t0); /* computing again */
    /* wait4's status words; WNOWAIT leaves a report for the next waiter */
    SYS(kill(c, SIGSTOP));
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PID, c, &si, WSTOPPED | WNOWAIT), 0);
    CHECK_EQ(si.si_code, CLD_STOPPED);
    CHECK_EQ(waitpid(c, &st, WUNTRACED), c);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(st, 0x137f);
    SYS(kill(c, SIGCONT));
    CHECK_EQ(waitpid(c, &st, WCONTINUED), c);
    CHECK(WIFCONTINUED(st));
    CHECK_EQ(st, 0xffff);
    /* SIGKILL ends a stopped process */
    SYS(kill(c, SIGSTOP));
    CHECK_EQ(waitpid(c, &st, WUNTRACED), c);
    SYS(kill(c, SIGKILL));
    REQUIRE(wait_soon(c, &st, 0) == c);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
}

static volatile sig_atomic_t chld_codes[8], chld_status[8], nchld;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (nchld < 8) {
        chld_codes[nchld] = si->si_code;
        chld_status[nchld] = si->si_status;
        nchld++;
    }
}

/* SIGCHLD tells of a stop and a continue (si_code CLD_STOPPED, CLD_CONTINUED), unless
 * SA_NOCLDSTOP. */
static void test_sigchld_codes(void)
{
    struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART}, old;
    sigaction(SIGCHLD, &sa, &old);
    nchld = 0;
    pid_t c = start("--spin", -1, -1);
    REQUIRE(c > 0);
    int st;
    SYS(kill(c, SIGSTOP));
    CHECK_EQ(waitpid(c, &st, WUNTRACED), c);
    SYS(kill(c, SIGCONT));
    CHECK_EQ(waitpid(c, &st, WCONTINUED), c);
    for (int i = 0; i < 200 && nchld < 2; i++)
        gt_sleep_ms(5);
    CHECK_EQ(nchld, 2);
    CHECK_EQ(chld_codes[0], CLD_STOPPED);
    CHECK_EQ(chld_status[0], SIGSTOP);
    CHECK_EQ(chld_codes[1], CLD_CONTINUED);
    CHECK_EQ(chld_status[1], SIGCONT);
    /* SA_NOCLDSTOP: nothing for either; the exit is still told */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    nchld = 0;
    SYS(kill(c, SIGSTOP));
    CHECK_EQ(waitpid(c, &st, WUNTRACED), c);
    SYS(kill(c, SIGCONT));
    CHECK_EQ(waitpid(c, &st, WCONTINUED), c);
    CHECK_EQ(nchld, 0);
    SYS(kill(c, SIGKILL));
    CHECK_EQ(waitpid(c, &st, 0), c);
    CHECK_EQ(nchld, 1);
    CHECK_EQ(chld_codes[0], CLD_KILLED);
    CHECK_EQ(chld_status[0], SIGKILL);
    sigaction(SIGCHLD, &old, NULL);
}

/* The helper `mode`, in a background group of its own, stops with sig; then it is ended. */
static void expect_stop(const char *mode, int sig)
{
    int st;
    pid_t c = start(mode, 0, -1);
    REQUIRE(c > 0);
    REQUIRE(wait_soon(c, &st, WUNTRACED) == c);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), sig);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
}

/* A child of a background group that reads the terminal stops with SIGTTIN; one that ignores or
 * blocks SIGTTIN gets EIO. */
static void test_background_read(void)
{
    if (!on_terminal()) {
        gt_note("not in the terminal's foreground: skipped");
        return;
    }
    expect_stop("--read", SIGTTIN);
    const char *modes[] = {"--read-ign", "--read-blk"};
    for (int i = 0; i < 2; i++) {
        int st;
        pid_t c = start(modes[i], 0, -1);
        REQUIRE(c > 0);
        REQUIRE(wait_soon(c, &st, WUNTRACED) == c);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 5); /* EIO */
    }
}

/* Under TOSTOP a background write stops with SIGTTOU; without, it goes out. A background
 * tcsetpgrp stops with SIGTTOU, unless SIGTTOU is ignored. */
static void test_background_write_and_tcsetpgrp(void)
{
    if (!on_terminal()) {
        gt_note("not in the terminal's foreground: skipped");
        return;
    }
    int st;
    pid_t c = start("--write", 0, -1);
    REQUIRE(c > 0);
    REQUIRE(wait_soon(c, &st, WUNTRACED) == c);
    CHECK(WIFEXITED(st));
    struct termios t, saved;
    REQUIRE(tcgetattr(0, &saved) == 0);
    t = saved;
    t.c_lflag |= TOSTOP;
    SYS(tcsetattr(0, TCSANOW, &t));
    expect_stop("--write", SIGTTOU);
    SYS(tcsetattr(0, TCSANOW, &saved));
    expect_stop("--tcsetpgrp", SIGTTOU);
    CHECK_EQ(tcgetpgrp(0), getpgrp());
    /* ignoring SIGTTOU, it takes the terminal; we take it back with SIGTTOU blocked */
    c = start("--tcsetpgrp-ign", 0, -1);
    REQUIRE(c > 0);
    REQUIRE(wait_soon(c, &st, WUNTRACED) == c);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(tcgetpgrp(0), c);
    sigset_t s, os;
    sigemptyset(&s);
    sigaddset(&s, SIGTTOU);
    sigprocmask(SIG_BLOCK, &s, &os);
    CHECK_EQ(tcsetpgrp(0, getpgrp()), 0);
    sigprocmask(SIG_SETMASK, &os, NULL);
    CHECK_EQ(tcgetpgrp(0), getpgrp());
    /* a group of another session is refused; so is a group that does not exist */
    CHECK_ERRNO(tcsetpgrp(0, 0x3fffffff), ESRCH);
    CHECK_EQ(tcgetsid(0), getsid(0));
}

/* times, getrusage and the CPU clocks grow with work; the children's after the wait. */
static void test_cpu_time(void)
{
    struct tms a, b;
    struct rusage ra, rb;
    times(&a);
    getrusage(RUSAGE_SELF, &ra);
    long p0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK_EQ(helper("--busy"), 0); /* 50 ms of our own CPU time */
    times(&b);
    getrusage(RUSAGE_SELF, &rb);
    long p1 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), t1 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK(p1 - p0 >= 50000000L);
    CHECK(t1 - t0 >= 50000000L);
    CHECK(b.tms_utime + b.tms_stime >= a.tms_utime + a.tms_stime + 3); /* >= 30 ms of ticks */
    long ua = ra.ru_utime.tv_sec * 1000000L + ra.ru_utime.tv_usec + ra.ru_stime.tv_sec * 1000000L +
              ra.ru_stime.tv_usec;
    long ub = rb.ru_utime.tv_sec * 1000000L + rb.ru_utime.tv_usec + rb.ru_stime.tv_sec * 1000000L +
              rb.ru_stime.tv_usec;
    CHECK(ub - ua >= 40000);
    /* a child's time is the parent's children's time once reaped */
    struct rusage rc0, rc1;
    getrusage(RUSAGE_CHILDREN, &rc0);
    pid_t c = start("--busy", -1, -1);
    REQUIRE(c > 0);
    int st;
    struct rusage rw;
    REQUIRE(wait4(c, &st, 0, &rw) == c);
    CHECK(WIFEXITED(st));
    getrusage(RUSAGE_CHILDREN, &rc1);
    long cw = rw.ru_utime.tv_sec * 1000000L + rw.ru_utime.tv_usec + rw.ru_stime.tv_usec;
    CHECK(cw >= 40000);
    long c0 = rc0.ru_utime.tv_sec * 1000000L + rc0.ru_utime.tv_usec + rc0.ru_stime.tv_usec;
    long c1 = rc1.ru_utime.tv_sec * 1000000L + rc1.ru_utime.tv_usec + rc1.ru_stime.tv_usec;
    CHECK(c1 - c0 >= 40000);
    /* clock_getcpuclockid: a process that is gone (the kernel says EINVAL; musl 1.2.4 and
     * later turn that into ESRCH, 1.2.3 passes it on) */
    clockid_t clk;
    int e = clock_getcpuclockid(c, &clk);
    CHECK(e == ESRCH || e == EINVAL);
    CHECK_ERR(clock_getcpuclockid(getpid(), &clk), 0);
    struct timespec ts;
    CHECK_EQ(clock_getres(clk, &ts), 0);
}

static void test_proc_status(void)
{
    struct sigaction sa = {.sa_handler = on_signal}, old;
    sigaction(SIGUSR2, &sa, &old);
    char text[4096], want[64];
    REQUIRE(gt_read_file("/proc/self/status", text, sizeof text) > 0);
    CHECK(strncmp(text, "Name:\tt_jobctl\n", 15) == 0);
    CHECK(strstr(text, "\nState:\tR (running)\n") != NULL);
    snprintf(want, sizeof want, "\nPid:\t%d\n", (int)getpid());
    CHECK(strstr(text, want) != NULL);
    snprintf(want, sizeof want, "\nPPid:\t%d\n", (int)getppid());
    CHECK(strstr(text, want) != NULL);
    CHECK(strstr(text, "\nSigCgt:\t") != NULL);
    char *cgt = strstr(text, "\nSigCgt:\t");
    if (cgt) {
        unsigned long long m = strtoull(cgt + 9, NULL, 16);
        CHECK(m & (1ull << (SIGUSR2 - 1)));
        CHECK_EQ(strcspn(cgt + 9, "\n"), 16);
    }
    CHECK(strstr(text, "\nVmSize:\t") != NULL);
    CHECK(strstr(text, "\nThreads:\t1\n") != NULL);
    sigaction(SIGUSR2, &old, NULL);
}

int main(int argc, char **argv)
{
    gt_test_prog(self, sizeof self, "t_jobctl");
    if (argc > 1 && strncmp(argv[1], "--", 2) == 0 && strcmp(argv[1], "--list") != 0 &&
        strcmp(argv[1], "--run") != 0)
        return helper(argv[1]);
    if (getpid() == 1) {
        /* as init: run the tests in a child, whose groups have a parent in the session */
        char *cargv[argc + 2];
        cargv[0] = "t_jobctl";
        cargv[1] = "--run";
        for (int i = 1; i < argc; i++)
            cargv[i + 1] = argv[i];
        cargv[argc + 1] = NULL;
        return gt_run_child(self, cargv);
    }
    if (argc > 1 && strcmp(argv[1], "--run") == 0) {
        argv[1] = argv[0];
        argv++, argc--;
    }
    static const struct gt_test tests[] = {
        GT_TEST(sessions_and_groups),
        GT_TEST(spin_killed),
        GT_TEST(spin_handler),
        GT_TEST(stop_and_continue),
        GT_TEST(sigchld_codes),
        GT_TEST(background_read),
        GT_TEST(background_write_and_tcsetpgrp),
        GT_TEST(cpu_time),
        GT_TEST(proc_status),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
