/* t_misc: identity, time, randomness, limits, sessions, signal bookkeeping, the terminal.
 * Linux semantics; the OS-specific assertions (guarded by os_is_kestrel()) are marked KESTREL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

static void test_ids(void)
{
    pid_t pid = getpid();
    CHECK(pid > 0);
    CHECK_EQ(getpid(), pid);
    /* Single-threaded: the thread id is the process id. */
    CHECK_EQ(syscall(SYS_gettid), pid);
    pid_t ppid = getppid();
    if (pid == 1)
        CHECK_EQ(ppid, 0); /* the first process has no parent */
    else
        CHECK(ppid > 0 && ppid != pid);
    gt_note("pid %d, ppid %d", (int)pid, (int)ppid);
}

static void test_uname(void)
{
    struct utsname u;
    memset(&u, 0, sizeof u);
    REQUIRE(SYS(uname(&u)) == 0);
    CHECK_STREQ(u.machine, "x86_64");
    CHECK(u.sysname[0] != 0);
    CHECK(u.release[0] != 0);
    CHECK(u.version[0] != 0);
    CHECK(memchr(u.nodename, 0, sizeof u.nodename) != NULL);
    gt_note("%s %s %s %s", u.sysname, u.nodename, u.release, u.machine);
    if (os_is_kestrel())
        CHECK_STREQ(u.sysname, "Kestrel"); /* KESTREL (tautological, documents it) */
}

static long long ts_ns(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void test_clocks(void)
{
    struct timespec a, b;
    REQUIRE(SYS(clock_gettime(CLOCK_MONOTONIC, &a)) == 0);
    bool ok = true;
    for (int i = 0; i < 1000; i++) {
        SYS(clock_gettime(CLOCK_MONOTONIC, &b));
        ok &= b.tv_nsec >= 0 && b.tv_nsec < 1000000000L;
        ok &= ts_ns(b) >= ts_ns(a);
        a = b;
    }
    CHECK(ok);
    /* REALTIME: after 2023-01-01 and before 2100, nanoseconds in range. */
    struct timespec r;
    SYS(clock_gettime(CLOCK_REALTIME, &r));
    CHECK(r.tv_sec > 1672531200L);
    CHECK(r.tv_sec < 4102444800L);
    CHECK(r.tv_nsec >= 0 && r.tv_nsec < 1000000000L);
    time_t t = time(NULL);
    CHECK(t >= r.tv_sec && t <= r.tv_sec + 2);
    /* gettimeofday agrees with CLOCK_REALTIME. */
    struct timeval tv;
    CHECK_EQ(gettimeofday(&tv, NULL), 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tv.tv_sec >= r.tv_sec && tv.tv_sec <= r.tv_sec + 2);
    /* The monotonic clock has a resolution. */
    struct timespec res;
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    CHECK(ts_ns(res) > 0 && ts_ns(res) <= 10000000);
    CHECK_ERRNO(clock_gettime((clockid_t)12345, &r), EINVAL);
}

static void test_nanosleep(void)
{
    struct timespec a, b;
    SYS(clock_gettime(CLOCK_MONOTONIC, &a));
    struct timespec req = {0, 50 * 1000000L}, rem = {7, 7};
    CHECK_EQ(nanosleep(&req, &rem), 0);
    SYS(clock_gettime(CLOCK_MONOTONIC, &b));
    long long el = ts_ns(b) - ts_ns(a);
    CHECK(el >= 50 * 1000000LL);
    CHECK(el < 5000 * 1000000LL);
    gt_note("nanosleep(50 ms) took %lld us", el / 1000);
    /* Zero sleeps return at once; a bad tv_nsec is EINVAL. */
    struct timespec zero = {0, 0};
    CHECK_EQ(nanosleep(&zero, NULL), 0);
    struct timespec bad = {0, 1000000000L};
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL);
    struct timespec neg = {-1, 0};
    CHECK_ERRNO(nanosleep(&neg, NULL), EINVAL);
    /* clock_nanosleep with an absolute deadline. */
    SYS(clock_gettime(CLOCK_MONOTONIC, &a));
    struct timespec dl = a;
    dl.tv_nsec += 20 * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
    SYS(clock_gettime(CLOCK_MONOTONIC, &b));
    CHECK(ts_ns(b) >= ts_ns(dl));
}

static void test_sched_yield(void)
{
    for (int i = 0; i < 10; i++)
        CHECK_EQ(sched_yield(), 0);
}

static void test_getrandom(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_EQ(getrandom(a, sizeof a, 0), (ssize_t)sizeof a);
    CHECK_EQ(getrandom(b, sizeof b, 0), (ssize_t)sizeof b);
    bool all_equal = true;
    for (size_t i = 1; i < sizeof a; i++)
        all_equal &= a[i] == a[0];
    CHECK(!all_equal);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_EQ(getrandom(a, 0, 0), 0);
    CHECK_EQ(getrandom(a, 16, GRND_NONBLOCK), 16);
    CHECK_ERRNO(getrandom(a, 16, 0x40000000), EINVAL);
}

static void test_credentials(void)
{
    uid_t u = getuid(), eu = geteuid();
    gid_t g = getgid(), eg = getegid();
    /* Not a set-id program: real and effective ids agree, and they are stable. */
    CHECK_EQ(u, eu);
    CHECK_EQ(g, eg);
    CHECK_EQ(getuid(), u);
    CHECK_EQ(getgid(), g);
    gt_note("uid %u gid %u", (unsigned)u, (unsigned)g);
}

static void test_umask(void)
{
    mode_t orig = umask(022);
    CHECK_EQ(umask(077), 022);
    CHECK_EQ(umask(0777 | 07000), 077); /* only the permission bits are kept */
    CHECK_EQ(umask(077), 0777);
    /* The mask applies to file creation. */
    char p[256];
    gt_tmp(p, sizeof p, "umask");
    int fd = SYS(open(p, O_WRONLY | O_CREAT | O_EXCL, 0666));
    close(fd);
    struct stat st;
    SYS(stat(p, &st));
    CHECK_EQ(st.st_mode & 0777, 0600);
    unlink(p);
    CHECK_EQ(umask(orig), 077);
}

static void test_rlimits(void)
{
    struct rlimit r, r2;
    REQUIRE(SYS(getrlimit(RLIMIT_NOFILE, &r)) == 0);
    CHECK(r.rlim_cur >= 20);
    CHECK(r.rlim_max == RLIM_INFINITY || r.rlim_cur <= r.rlim_max);
    CHECK_EQ(prlimit(0, RLIMIT_NOFILE, NULL, &r2), 0);
    CHECK_EQ(r2.rlim_cur, r.rlim_cur);
    CHECK_EQ(r2.rlim_max, r.rlim_max);
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r2), 0);
    CHECK_EQ(r2.rlim_cur, r.rlim_cur);
    SYS(getrlimit(RLIMIT_STACK, &r2));
    CHECK(r2.rlim_cur == RLIM_INFINITY || r2.rlim_cur >= 64 * 1024);
    gt_note("RLIMIT_NOFILE %llu/%llu, RLIMIT_STACK %llu", (unsigned long long)r.rlim_cur,
            (unsigned long long)r.rlim_max, (unsigned long long)r2.rlim_cur);
    CHECK_ERRNO(getrlimit(9999, &r2), EINVAL);
    /* Lowering the soft descriptor limit takes effect at once, and can be undone. */
    if (r.rlim_cur > 64) {
        struct rlimit low = {64, r.rlim_max}, old;
        CHECK_EQ(prlimit(0, RLIMIT_NOFILE, &low, &old), 0);
        CHECK_EQ(old.rlim_cur, r.rlim_cur);
        SYS(getrlimit(RLIMIT_NOFILE, &r2));
        CHECK_EQ(r2.rlim_cur, 64);
        CHECK_ERRNO(dup2(1, 100), EBADF);
        CHECK_ERRNO(fcntl(1, F_DUPFD, 64), EINVAL);
        CHECK_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
        SYS(getrlimit(RLIMIT_NOFILE, &r2));
        CHECK_EQ(r2.rlim_cur, r.rlim_cur);
    }
    /* soft > hard is refused. */
    if (r.rlim_max != RLIM_INFINITY) {
        struct rlimit bad = {r.rlim_max + 1, r.rlim_max};
        CHECK_ERRNO(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
    }
}

static void test_sessions(void)
{
    pid_t pid = getpid();
    pid_t pgid = getpgid(0), sid = getsid(0);
    CHECK(pgid > 0 || pid == 1);
    CHECK_EQ(getpgrp(), pgid);
    CHECK_EQ(getpgid(pid), pgid);
    CHECK_EQ(getsid(pid), sid);
    gt_note("pid %d pgid %d sid %d", (int)pid, (int)pgid, (int)sid);
    if (pgid == pid) {
        /* A process-group leader cannot create a session. */
        CHECK_ERRNO(setsid(), EPERM);
    } else {
        CHECK_EQ(setsid(), pid);
        CHECK_EQ(getsid(0), pid);
        CHECK_EQ(getpgid(0), pid);
        sid = pgid = pid;
    }
    if (sid == pid) {
        /* A session leader cannot change its process group. */
        CHECK_ERRNO(setpgid(0, 0), EPERM);
    } else {
        CHECK_EQ(setpgid(0, 0), 0);
        CHECK_EQ(getpgid(0), pid);
    }
    CHECK_ERRNO(setpgid(0, -1), EINVAL);
    CHECK_ERRNO(getpgid(0x3fffffff), ESRCH);
    CHECK_ERRNO(getsid(0x3fffffff), ESRCH);
    CHECK_ERRNO(setpgid(0x3fffffff, 0), ESRCH);
}

static void handler_a(int s)
{
    (void)s;
}
static void handler_b(int s)
{
    (void)s;
}

static void test_sigaction_store(void)
{
    struct sigaction orig, a, old;
    REQUIRE(SYS(sigaction(SIGUSR1, NULL, &orig)) == 0);
    CHECK(orig.sa_handler == SIG_DFL);
    memset(&a, 0, sizeof a);
    a.sa_handler = handler_a;
    sigemptyset(&a.sa_mask);
    sigaddset(&a.sa_mask, SIGUSR2);
    sigaddset(&a.sa_mask, SIGTERM);
    a.sa_flags = SA_RESTART;
    CHECK_EQ(sigaction(SIGUSR1, &a, NULL), 0);
    struct sigaction b = {0};
    b.sa_handler = handler_b;
    sigemptyset(&b.sa_mask);
    b.sa_flags = SA_NODEFER;
    memset(&old, 0, sizeof old);
    CHECK_EQ(sigaction(SIGUSR1, &b, &old), 0);
    CHECK(old.sa_handler == handler_a);
    CHECK(sigismember(&old.sa_mask, SIGUSR2) == 1);
    CHECK(sigismember(&old.sa_mask, SIGTERM) == 1);
    CHECK(sigismember(&old.sa_mask, SIGINT) == 0);
    CHECK(old.sa_flags & SA_RESTART);
    CHECK(!(old.sa_flags & SA_NODEFER));
    memset(&old, 0, sizeof old);
    CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0); /* query only */
    CHECK(old.sa_handler == handler_b);
    CHECK(old.sa_flags & SA_NODEFER);
    /* SIG_IGN is stored too. */
    struct sigaction ign = {0};
    ign.sa_handler = SIG_IGN;
    CHECK_EQ(sigaction(SIGUSR1, &ign, &old), 0);
    CHECK(old.sa_handler == handler_b);
    CHECK_EQ(sigaction(SIGUSR1, &orig, &old), 0);
    CHECK(old.sa_handler == SIG_IGN);
    SYS(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_handler == SIG_DFL);
    /* SIGKILL and SIGSTOP cannot be caught; bad numbers are refused. */
    CHECK_ERRNO(sigaction(SIGKILL, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(0, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(65, &a, NULL), EINVAL);
}

static void test_sigprocmask_store(void)
{
    sigset_t orig, set, old;
    REQUIRE(SYS(sigprocmask(SIG_BLOCK, NULL, &orig)) == 0);
    CHECK(sigismember(&orig, SIGUSR1) == 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL); /* silently not blocked */
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK(sigismember(&old, SIGUSR1) == 0);
    SYS(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1) == 1);
    CHECK(sigismember(&old, SIGKILL) == 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK(sigismember(&old, SIGUSR1) == 1);
    CHECK(sigismember(&old, SIGUSR2) == 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, &old), 0);
    CHECK(sigismember(&old, SIGUSR1) == 1);
    CHECK(sigismember(&old, SIGUSR2) == 1);
    SYS(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1) == 0);
    CHECK(sigismember(&old, SIGUSR2) == 1);
    /* SIG_SETMASK replaces, and returns the previous mask. */
    CHECK_EQ(sigprocmask(SIG_SETMASK, &orig, &old), 0);
    CHECK(sigismember(&old, SIGUSR2) == 1);
    SYS(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR2) == 0);
    CHECK_ERRNO(sigprocmask(12345, &set, NULL), EINVAL);
    /* Nothing pending. */
    sigset_t pend;
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1) == 0);
}

static void test_console_tty(void)
{
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    int tty = isatty(1);
    if (os_is_kestrel()) CHECK_EQ(tty, 1); /* KESTREL: stdout of a guest test is the console */
    if (tty) {
        CHECK_EQ(ioctl(1, TIOCGWINSZ, &ws), 0);
        gt_note("stdout is a terminal, %u rows x %u columns", ws.ws_row, ws.ws_col);
        struct termios t;
        CHECK_EQ(tcgetattr(1, &t), 0);
    } else {
        gt_note("stdout is not a terminal here: checking the ENOTTY answers instead");
        CHECK_ERRNO(ioctl(1, TIOCGWINSZ, &ws), ENOTTY);
    }
    /* A regular file or a pipe is never a terminal. */
    int p[2];
    SYS(pipe(p));
    errno = 0;
    CHECK_EQ(isatty(p[0]), 0);
    CHECK_EQ(errno, ENOTTY);
    CHECK_ERRNO(ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
    close(p[0]);
    close(p[1]);
    errno = 0;
    CHECK_EQ(isatty(-1), 0);
    CHECK_EQ(errno, EBADF);
}

static const struct gt_test tests[] = {
    GT_TEST(ids),         GT_TEST(uname),     GT_TEST(clocks),          GT_TEST(nanosleep),
    GT_TEST(sched_yield), GT_TEST(getrandom), GT_TEST(credentials),     GT_TEST(umask),
    GT_TEST(rlimits),     GT_TEST(sessions),  GT_TEST(sigaction_store), GT_TEST(sigprocmask_store),
    GT_TEST(console_tty),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
