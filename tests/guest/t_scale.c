/* t_scale: the system at size (issue 13). 1,000 processes alive at once (forked children, each
 * blocked reading a pipe until it is let go), then every one reaped with the status it chose;
 * 10,000 descriptors opened and closed in rounds near RLIMIT_NOFILE, the lowest-free-fd rule and
 * dup2/F_DUPFD at the limit checked after; close_range over 400 open descriptors. KESTREL:
 * free memory, processes, kernel threads and open descriptions exactly as before (gt_snap.h);
 * for the descriptors that means the table shrank back (a table left at 4096 slots keeps 17
 * pages). On Linux these are only reported. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gt_snap.h"
#include "gtest.h"

#define LIVE 1000
#define OPENS 10000

static pid_t kids[LIVE];

static int status_of(int i)
{
    return i % 200 + 1;
}

/* LIVE children forked, all blocked at once on hold's read end; let go by closing the write
 * ends (EOF), each exits with status_of(its index) and is reaped once with it. */
static void live_round(void)
{
    int hold[2];
    REQUIRE(pipe(hold) == 0);
    int n = 0;
    for (; n < LIVE; n++) {
        pid_t pid = fork();
        if (pid < 0) {
            gt_fail(__FILE__, __LINE__, "fork %d: %s", n, strerror(errno));
            break;
        }
        if (pid == 0) {
            close(hold[1]);
            char c;
            _exit(read(hold[0], &c, 1) == 0 ? status_of(n) : 255);
        }
        kids[n] = pid;
    }
    /* all alive together: none has ended, each can be signalled */
    CHECK_EQ(waitpid(-1, NULL, WNOHANG), 0);
    int alive = 0;
    for (int i = 0; i < n; i++)
        alive += kill(kids[i], 0) == 0;
    CHECK_EQ(alive, n);
    if (os_is_kestrel()) {
        struct gt_snap during;
        gt_snap_take(&during);
        gt_note("%d children alive, the system counts %ld processes", n, during.procs);
        CHECK(during.procs > n);
    }
    close(hold[0]);
    close(hold[1]);
    static bool seen[LIVE];
    memset(seen, 0, sizeof seen);
    int reaped = 0, wrong = 0;
    while (reaped < n) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0) {
            gt_fail(__FILE__, __LINE__, "waitpid after %d: %s", reaped, strerror(errno));
            break;
        }
        int i = 0;
        while (i < n && kids[i] != w)
            i++;
        if (i == n || seen[i] || !WIFEXITED(st) || WEXITSTATUS(st) != status_of(i)) {
            if (wrong++ == 0)
                gt_fail(__FILE__, __LINE__, "pid %d (child %d): status %#x", (int)w, i, st);
        } else {
            seen[i] = true;
        }
        reaped++;
    }
    CHECK_EQ(reaped, LIVE);
    CHECK_EQ(wrong, 0);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_live_1000(void)
{
    /* warm-up: the servers' heaps grow once to hold 1,000 processes at a time, and keep that */
    live_round();
    struct gt_snap before, after;
    gt_snap_take(&before);
    long long t0 = gt_now_ns();
    live_round();
    gt_note("%d processes alive at once, then reaped: %lld ms", LIVE,
            (gt_now_ns() - t0) / 1000000);
    /* 1,000 processes end in the order the scheduler picks, and the servers' and the kernel's
     * heaps are left as fragmented as that order makes them: they may keep a page or so more
     * than after the warm-up round. The smallest leak per process (32 bytes) is 8 pages. */
    gt_snap_settle(&before, &after);
    gt_snap_same(&before, &after, 4 * 4096);
}

/* per descriptors of /dev/null opened (each the lowest free fd), then closed: in rounds, in
 * both orders, with holes reopened lowest first. */
static void fd_round(int *fds, int per, int round)
{
    int n = 0;
    for (; n < per; n++) {
        fds[n] = open("/dev/null", O_RDONLY);
        if (fds[n] < 0) {
            gt_fail(__FILE__, __LINE__, "open %d of round %d: %s", n, round, strerror(errno));
            break;
        }
        if (n && fds[n] <= fds[n - 1]) {
            gt_fail(__FILE__, __LINE__, "fd %d after %d: not the lowest free", fds[n], fds[n - 1]);
            break;
        }
    }
    if (round % 2) {
        /* every other one closed, then reopened: the lowest hole first */
        for (int i = 1; i < n; i += 2)
            close(fds[i]);
        for (int i = 1; i < n; i += 2) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd != fds[i]) {
                CHECK_EQ(fd, fds[i]);
                close(fd);
            }
        }
        for (int i = n - 1; i >= 0; i--)
            close(fds[i]);
    } else {
        for (int i = 0; i < n; i++)
            close(fds[i]);
    }
}

static void test_descriptors_10000(void)
{
    struct rlimit old, lim;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
    lim = old;
    lim.rlim_cur = old.rlim_max > 4096 ? 4096 : old.rlim_max;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lim) == 0);
    int per = (int)lim.rlim_cur - 64 < 2500 ? (int)lim.rlim_cur - 64 : 2500;
    REQUIRE(per > 100);
    static int fds[4096];
    /* warm-up in a child: vfs's heap grows once to hold `per` descriptions, which it keeps */
    pid_t w = fork();
    REQUIRE(w >= 0);
    if (w == 0) {
        fd_round(fds, per, 1);
        _exit(gt_current_failures() ? 1 : 0);
    }
    int st;
    CHECK_EQ(waitpid(w, &st, 0), w);
    CHECK_EQ(st, 0);
    memset(fds, -1, sizeof fds);   /* our own pages of it, before the count starts */
    int first = (int)SYS(open("/dev/null", O_RDONLY));
    close(first);
    struct gt_snap before, after;
    gt_snap_take(&before);
    long long t0 = gt_now_ns();
    int rounds = (OPENS + per - 1) / per;
    for (int r = 0; r < rounds && !gt_current_failures(); r++)
        fd_round(fds, per, r);
    gt_note("%d rounds of %d descriptors: %lld ms", rounds, per, (gt_now_ns() - t0) / 1000000);
    /* the rules after: the lowest free fd, dup2 and F_DUPFD up to the limit */
    int top = (int)lim.rlim_cur - 1;
    CHECK_EQ(open("/dev/null", O_RDONLY), first);
    CHECK_EQ(dup2(first, top), top);
    CHECK_ERRNO(dup2(first, top + 1), EBADF);
    CHECK_EQ(fcntl(first, F_DUPFD, top - 10), top - 10);
    CHECK_EQ(fcntl(first, F_DUPFD, top - 10), top - 9);
    CHECK_ERRNO(fcntl(first, F_DUPFD, top + 1), EINVAL);
    close(top - 10);
    close(top - 9);
    close(top);
    close(first);
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
    gt_snap_settle(&before, &after);
    gt_snap_same(&before, &after, 0);
}

#define NR_CLOSE_RANGE 436   /* musl 1.2.3 has neither the wrapper nor the number */

/* close_range over 400 open descriptors from fd 600 up (above whatever the harness or the
 * host left open): the upper half marked FD_CLOEXEC, then all closed with last = ~0 (the usual
 * call), and nothing below 600 touched. */
static void test_close_range(void)
{
    int src = (int)SYS(open("/dev/null", O_RDONLY));
    for (int i = 0; i < 400; i++)
        REQUIRE(fcntl(src, F_DUPFD, 600) == 600 + i);
    CHECK_EQ(syscall(NR_CLOSE_RANGE, 800, ~0u, 4 /* CLOSE_RANGE_CLOEXEC */), 0);
    CHECK_EQ(fcntl(799, F_GETFD), 0);
    CHECK_EQ(fcntl(800, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(999, F_GETFD), FD_CLOEXEC);
    CHECK_ERRNO(syscall(NR_CLOSE_RANGE, 601, 600, 0), EINVAL);
    CHECK_EQ(syscall(NR_CLOSE_RANGE, 600, ~0u, 0), 0);
    CHECK_ERRNO(fcntl(600, F_GETFD), EBADF);
    CHECK_ERRNO(fcntl(999, F_GETFD), EBADF);
    CHECK_EQ(fcntl(src, F_GETFD), 0);
    CHECK_EQ(fcntl(src, F_DUPFD, 600), 600);
    close(600);
    close(src);
}

static const struct gt_test tests[] = {
    GT_TEST(live_1000),
    GT_TEST(descriptors_10000),
    GT_TEST(close_range),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
