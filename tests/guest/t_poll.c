/* t_poll: the readiness calls and the descriptors made to be waited on (Linux semantics):
 * poll, ppoll, select, pselect6 and epoll on pipes, regular files, /dev/null, /dev/zero, the
 * console, eventfds, timerfds and epoll descriptors; timeouts (never before they are due),
 * wake-ups by another process, EINTR from a signal (never restarted, whatever SA_RESTART), the
 * signal mask of ppoll/pselect6/epoll_pwait, and the errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

#define MS 1000000LL

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s)
{
    (void)s;
    got_usr1++;
}

static void handle_usr1(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigaction(SIGUSR1, &sa, NULL);
    got_usr1 = 0;
}

static void default_usr1(void)
{
    signal(SIGUSR1, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void test_poll_pipe(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK_EQ(poll(f, 2, 0), 1);          /* empty: only the write end is ready */
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(f[1].revents, POLLOUT);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(poll(f, 2, 0), 2);
    CHECK_EQ(f[0].revents, POLLIN);
    /* the writer gone: POLLHUP (asked or not); the reader gone: POLLERR */
    close(p[1]);
    f[0].events = 0;
    CHECK_EQ(poll(f, 1, 0), 1);
    CHECK_EQ(f[0].revents, POLLHUP);
    close(p[0]);
    REQUIRE(pipe(p) == 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    struct pollfd w = {p[1], POLLOUT, 0};
    CHECK_EQ(poll(&w, 1, 0), 1);
    CHECK_EQ(w.revents, POLLOUT | POLLERR);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);
    /* a descriptor that is not open: POLLNVAL; a negative one: ignored */
    struct pollfd bad[2] = {{999, POLLIN, 0}, {-1, POLLIN, 0x7}};
    CHECK_EQ(poll(bad, 2, 0), 1);
    CHECK_EQ(bad[0].revents, POLLNVAL);
    CHECK_EQ(bad[1].revents, 0);
}

static void test_poll_files(void)
{
    char path[128];
    gt_tmp(path, sizeof path, "f");
    int reg = open(path, O_RDWR | O_CREAT, 0600);
    int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
    REQUIRE(reg >= 0 && null >= 0 && zero >= 0);
    /* never waiting: ready for reading and writing at once */
    struct pollfd f[3] = {{reg, POLLIN | POLLOUT, 0}, {null, POLLIN | POLLOUT, 0},
                          {zero, POLLIN, 0}};
    CHECK_EQ(poll(f, 3, -1), 3);
    CHECK_EQ(f[0].revents, POLLIN | POLLOUT);
    CHECK_EQ(f[1].revents, POLLIN | POLLOUT);
    CHECK_EQ(f[2].revents, POLLIN);
    /* the console (stdout here) takes output at once */
    struct pollfd out = {1, POLLOUT, 0};
    CHECK_EQ(poll(&out, 1, 0), 1);
    if (os_is_kestrel()) {
        /* stdin is the console and nobody types: not readable */
        struct pollfd in = {0, POLLIN, 0};
        CHECK_EQ(poll(&in, 1, 0), 0);
    }
    close(reg);
    close(null);
    close(zero);
    unlink(path);
}

static void test_poll_timeout(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f = {p[0], POLLIN, 0};
    long long t0 = gt_now_ns();
    CHECK_EQ(poll(&f, 1, 60), 0);
    CHECK(gt_now_ns() - t0 >= 60 * MS);   /* not before it was due */
    /* ppoll's timespec */
    struct timespec ts = {0, 40 * MS};
    t0 = gt_now_ns();
    CHECK_EQ(ppoll(&f, 1, &ts, NULL), 0);
    CHECK(gt_now_ns() - t0 >= 40 * MS);
    close(p[0]);
    close(p[1]);
}

static void test_poll_woken_by_other_process(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    char fd[16];
    snprintf(fd, sizeof fd, "%d", p[1]);
    pid_t c = gt_spawn_child((const char *[]){"sleep", "50", "write", fd, "wake", NULL});
    close(p[1]);
    struct pollfd f = {p[0], POLLIN, 0};
    CHECK_EQ(poll(&f, 1, -1), 1);
    CHECK_EQ(f.revents & POLLIN, POLLIN);
    char buf[8];
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);
    CHECK_EQ(gt_reap(c), 0);
    /* its end is closed now: POLLHUP comes after the data */
    CHECK_EQ(poll(&f, 1, -1), 1);
    CHECK_EQ(f.revents, POLLHUP);
    close(p[0]);
}

static void test_select(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));
    /* a closed descriptor in a set: EBADF */
    int gone = dup(p[0]);
    close(gone);
    FD_ZERO(&r);
    FD_SET(gone, &r);
    CHECK_ERRNO(select(gone + 1, &r, NULL, NULL, &tv), EBADF);
    /* the raw syscall writes the time left back into the timeval (Linux) */
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval left = {0, 50000};
    long long t0 = gt_now_ns();
    CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &left), 0);
    CHECK(gt_now_ns() - t0 >= 50 * MS);
    CHECK_EQ(left.tv_sec, 0);
    CHECK_EQ(left.tv_usec, 0);
    CHECK(!FD_ISSET(p[0], &r));
    /* woken early: less left than given */
    CHECK_EQ(write(p[1], "x", 1), 1);
    FD_SET(p[0], &r);
    left = (struct timeval){5, 0};
    CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &left), 1);
    CHECK(left.tv_sec <= 5 && left.tv_sec >= 0);
    /* pselect6 with a timespec */
    FD_SET(p[0], &r);
    struct timespec ts = {0, 10 * MS};
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), 1);
    CHECK_ERRNO(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    close(p[0]);
    close(p[1]);
}

static void test_poll_errors(void)
{
    struct rlimit rl;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    struct pollfd f = {0, 0, 0};
    CHECK_ERRNO(poll(&f, rl.rlim_cur + 1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_poll, (void *)8, 1, 0), EFAULT);
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(syscall(SYS_ppoll, &f, 1, &bad, NULL, 8), EINVAL);
    sigset_t none;
    sigemptyset(&none);
    struct timespec zero = {0, 0};
    CHECK_ERRNO(syscall(SYS_ppoll, &f, 1, &zero, &none, 4), EINVAL);   /* sigsetsize */
    CHECK_ERRNO(syscall(SYS_ppoll, &f, 1, &zero, (void *)8, 8), EFAULT);
}

static void test_eintr(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f = {p[0], POLLIN, 0};
    char sig[8];
    snprintf(sig, sizeof sig, "%d", SIGUSR1);
    /* a handler interrupts poll: EINTR, even under SA_RESTART (Linux never restarts it) */
    handle_usr1(SA_RESTART);
    pid_t c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, NULL});
    CHECK_ERRNO(poll(&f, 1, -1), EINTR);
    CHECK_EQ(got_usr1, 1);
    CHECK_EQ(gt_reap(c), 0);
    /* select and epoll_wait too */
    c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, NULL});
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERRNO(select(p[0] + 1, &r, NULL, NULL, NULL), EINTR);
    CHECK_EQ(gt_reap(c), 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, NULL});
    CHECK_ERRNO(epoll_wait(ep, &ev, 1, -1), EINTR);
    CHECK_EQ(gt_reap(c), 0);
    CHECK_EQ(got_usr1, 3);
    close(ep);
    close(p[0]);
    close(p[1]);
    default_usr1();
}

static void test_sigmask(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f = {p[0], POLLIN, 0};
    handle_usr1(0);
    sigset_t usr1, none, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    /* pending and blocked: ppoll's mask lets it in, at once */
    raise(SIGUSR1);
    CHECK_EQ(got_usr1, 0);
    CHECK_ERRNO(ppoll(&f, 1, NULL, &none), EINTR);
    CHECK_EQ(got_usr1, 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1));    /* the caller's mask is back */
    /* sent while waiting: delivered during the call */
    char sig[8];
    snprintf(sig, sizeof sig, "%d", SIGUSR1);
    pid_t c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, NULL});
    CHECK_ERRNO(ppoll(&f, 1, NULL, &none), EINTR);
    CHECK_EQ(got_usr1, 2);
    CHECK_EQ(gt_reap(c), 0);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1));
    /* a mask that keeps it blocked: the timeout ends the call, the signal stays pending */
    c = gt_spawn_child((const char *[]){"killparent", sig, NULL});
    CHECK_EQ(gt_reap(c), 0);
    struct timespec ts = {0, 30 * MS};
    CHECK_EQ(ppoll(&f, 1, &ts, &usr1), 0);
    CHECK_EQ(got_usr1, 2);
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1));
    /* pselect and epoll_pwait take a mask too */
    CHECK_ERRNO(pselect(0, NULL, NULL, NULL, NULL, &none), EINTR);
    CHECK_EQ(got_usr1, 3);
    raise(SIGUSR1);
    int ep = epoll_create1(0);
    struct epoll_event ev;
    CHECK_ERRNO(epoll_pwait(ep, &ev, 1, -1, &none), EINTR);
    CHECK_EQ(got_usr1, 4);
    close(ep);
    close(p[0]);
    close(p[1]);
    default_usr1();
}

/* ppoll's mask ends as the call returns, as Linux's: a signal that came while the call's mask
 * held it back acts before the caller's next instruction (it makes no syscall in between, and
 * its next calls could be file calls that never pass procmgr). A child too quick for the parent
 * (the signal before the call) gets the handler run before ppoll: the checks hold either way. */
static void test_sigmask_ends_on_return(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd f = {p[0], POLLIN, 0};
    handle_usr1(0);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    char sig[8], fd[8];
    snprintf(sig, sizeof sig, "%d", SIGUSR1);
    snprintf(fd, sizeof fd, "%d", p[1]);
    pid_t c = gt_spawn_child(
        (const char *[]){"sleep", "50", "killparent", sig, "write", fd, "x", NULL});
    int n = ppoll(&f, 1, NULL, &usr1);
    int seen = got_usr1; /* nothing between the call's return and this load */
    CHECK_EQ(n, 1);
    CHECK_EQ(seen, 1);
    char x;
    CHECK_EQ(read(p[0], &x, 1), 1);
    CHECK_EQ(gt_reap(c), 0);
    /* epoll_pwait's the same */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    got_usr1 = 0;
    c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, "write", fd, "x", NULL});
    n = epoll_pwait(ep, &ev, 1, -1, &usr1);
    seen = got_usr1;
    CHECK_EQ(n, 1);
    CHECK_EQ(seen, 1);
    CHECK_EQ(gt_reap(c), 0);
    close(ep);
    close(p[0]);
    close(p[1]);
    default_usr1();
}

static void test_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0);
    CHECK_EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
    int a[2], b[2];
    REQUIRE(pipe(a) == 0 && pipe(b) == 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &ev), 0);
    ev = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 2};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, b[0], &ev), 0);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &ev), EEXIST);
    struct epoll_event out[4];
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    CHECK_EQ(write(a[1], "x", 1), 1);
    CHECK_EQ(write(b[1], "y", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
    /* level-triggered: again; edge-triggered: not until more comes */
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(out[0].data.u64, 1);
    CHECK_EQ(write(b[1], "y", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
    /* the timeout */
    char c;
    CHECK_EQ(read(a[0], &c, 1), 1);
    long long t0 = gt_now_ns();
    CHECK_EQ(epoll_wait(ep, out, 4, 40), 0);
    CHECK(gt_now_ns() - t0 >= 40 * MS);
    /* nothing to wait for on a regular file: EPERM */
    char path[128];
    gt_tmp(path, sizeof path, "reg");
    int reg = open(path, O_RDWR | O_CREAT, 0600);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    close(reg);
    unlink(path);
    /* the epoll descriptor itself polls readable when it has events */
    CHECK_EQ(write(a[1], "x", 1), 1);
    struct pollfd pf = {ep, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, a[0], NULL), 0);
    CHECK_EQ(poll(&pf, 1, 0), 0);
    CHECK_ERRNO(epoll_wait(ep, out, 0, 0), EINVAL);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    close(ep);
}

static void test_eventfd(void)
{
    int e = eventfd(2, EFD_NONBLOCK);
    REQUIRE(e >= 0);
    uint64_t v = 3;
    CHECK_EQ(write(e, &v, 8), 8);
    CHECK_EQ(read(e, &v, 8), 8);
    CHECK_EQ(v, 5);
    CHECK_ERRNO(read(e, &v, 8), EAGAIN);
    CHECK_ERRNO(read(e, &v, 4), EINVAL);
    struct pollfd pf = {e, POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(pf.revents, POLLOUT);
    close(e);
    e = eventfd(2, EFD_SEMAPHORE);
    CHECK_EQ(read(e, &v, 8), 8);
    CHECK_EQ(v, 1);
    /* a blocking read ends with a write (here from a poll-woken check of our own) */
    CHECK_EQ(read(e, &v, 8), 8);
    struct pollfd rd = {e, POLLIN, 0};
    CHECK_EQ(poll(&rd, 1, 0), 0);
    v = 7;
    CHECK_EQ(write(e, &v, 8), 8);
    CHECK_EQ(poll(&rd, 1, 0), 1);
    CHECK_EQ(read(e, &v, 8), 8);
    CHECK_EQ(v, 1);   /* semaphore: one at a time */
    v = UINT64_MAX;
    CHECK_ERRNO(write(e, &v, 8), EINVAL);
    close(e);
    CHECK_ERRNO(eventfd(0, 0x10), EINVAL);
}

static void test_timerfd(void)
{
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    REQUIRE(t >= 0);
    uint64_t n = 0;
    /* one-shot in 30 ms: a blocking read returns 1, not before */
    struct itimerspec its = {{0, 0}, {0, 30 * MS}};
    long long t0 = gt_now_ns();
    CHECK_EQ(timerfd_settime(t, 0, &its, NULL), 0);
    CHECK_EQ(read(t, &n, 8), 8);
    CHECK(gt_now_ns() - t0 >= 30 * MS);
    CHECK_EQ(n, 1);
    struct itimerspec cur;
    CHECK_EQ(timerfd_gettime(t, &cur), 0);
    CHECK_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
    /* periodic: the expirations add up while nobody reads */
    its = (struct itimerspec){{0, 10 * MS}, {0, 10 * MS}};
    t0 = gt_now_ns();
    CHECK_EQ(timerfd_settime(t, 0, &its, NULL), 0);
    gt_sleep_ms(45);
    CHECK_EQ(read(t, &n, 8), 8);
    CHECK(n >= 4);
    CHECK(n <= (uint64_t)((gt_now_ns() - t0) / (10 * MS)));
    CHECK_EQ(timerfd_gettime(t, &cur), 0);
    CHECK_EQ(cur.it_interval.tv_nsec, 10 * MS);
    /* poll and epoll see it */
    struct pollfd pf = {t, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, -1), 1);
    CHECK_EQ(read(t, &n, 8), 8);
    CHECK(n >= 1);
    its = (struct itimerspec){{0, 0}, {0, 0}};
    CHECK_EQ(timerfd_settime(t, 0, &its, NULL), 0);   /* disarmed */
    CHECK_EQ(poll(&pf, 1, 30), 0);
    close(t);
    /* non-blocking, and the errors */
    t = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK_ERRNO(read(t, &n, 8), EAGAIN);
    CHECK_ERRNO(read(t, &n, 4), EINVAL);
    its.it_value.tv_nsec = 1000000000;
    CHECK_ERRNO(timerfd_settime(t, 0, &its, NULL), EINVAL);
    CHECK_ERRNO(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    int p[2];
    REQUIRE(pipe(p) == 0);
    CHECK_ERRNO(timerfd_gettime(p[0], &cur), EINVAL);   /* not a timerfd */
    close(p[0]);
    close(p[1]);
    close(t);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(poll_pipe),     GT_TEST(poll_files),   GT_TEST(poll_timeout),
        GT_TEST(poll_woken_by_other_process),          GT_TEST(select),
        GT_TEST(poll_errors),   GT_TEST(eintr),        GT_TEST(sigmask),
        GT_TEST(sigmask_ends_on_return),
        GT_TEST(epoll),         GT_TEST(eventfd),      GT_TEST(timerfd),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
