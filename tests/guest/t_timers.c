/* t_timers: alarm cutting a blocking read short (EINTR without SA_RESTART, restarted with it),
 * the three interval timers firing (ITIMER_REAL on time, ITIMER_VIRTUAL and ITIMER_PROF at a rate
 * checked against the process's own CPU time, never the wall clock), POSIX timers (SI_TIMER and
 * sigev_value in the handler, overruns counted while the signal is pending, SIGEV_NONE, a CPU-time
 * clock), and timers not inherited by a child. Linux semantics. No assertion is about how long
 * anything took: the clock of the guest is not the machine's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;
static char self[512];

static volatile sig_atomic_t hits[65];
static volatile long cpu_at[8];
static volatile int ncpu;
static volatile int wake_fd = -1;
static volatile int last_code, last_overrun, last_value;
static volatile unsigned long spins;

static long cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits[sig]++;
    last_code = si->si_code;
    if (si->si_code == SI_TIMER) {
        last_overrun = si->si_overrun;
        last_value = si->si_value.sival_int;
    }
    if (ncpu < 8)
        cpu_at[ncpu++] = cpu_ns();
    if (wake_fd >= 0) {
        int fd = wake_fd;
        if (write(fd, "x", 1) != 1)
            hits[0]++;
    }
}

static void catch(int sig, int flags)
{
    struct sigaction sa = {.sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | flags};
    sigaction(sig, &sa, NULL);
    hits[sig] = 0;
    ncpu = 0;
}

static void uncatch(int sig)
{
    signal(sig, SIG_DFL);
}

/* Computes until cond() or until `limit_ms` of our own CPU time is spent; the CPU time used. */
static long compute_until(volatile sig_atomic_t *counter, int want, long limit_ms)
{
    long t0 = cpu_ns();
    while (*counter < want && cpu_ns() - t0 < limit_ms * 1000000L)
        for (int i = 0; i < 20000; i++)
            spins++;
    return cpu_ns() - t0;
}

/* alarm cuts a blocking read short: EINTR without SA_RESTART */
static void test_alarm_eintr(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    catch(SIGALRM, 0);
    CHECK_EQ(alarm(1), 0);
    char c;
    CHECK_ERRNO(read(p[0], &c, 1), EINTR);
    CHECK_EQ(hits[SIGALRM], 1);
    CHECK_EQ(last_code, SI_KERNEL);
    CHECK_EQ(alarm(0), 0);
    uncatch(SIGALRM);
    close(p[0]);
    close(p[1]);
}

/* with SA_RESTART the read goes on, and gets what the handler wrote */
static void test_alarm_restart(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    catch(SIGALRM, SA_RESTART);
    wake_fd = p[1];
    CHECK_EQ(alarm(1), 0);
    char c = 0;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'x');
    CHECK_EQ(hits[SIGALRM], 1);
    wake_fd = -1;
    uncatch(SIGALRM);
    /* alarm reports what was left, and 0 cancels */
    CHECK_EQ(alarm(100), 0);
    unsigned left = alarm(0);
    CHECK(left >= 99 && left <= 100);
    close(p[0]);
    close(p[1]);
}

static void test_itimer_real(void)
{
    catch(SIGALRM, SA_RESTART);
    struct itimerval v = {{0, 20000}, {0, 20000}}, g;
    SYS(setitimer(ITIMER_REAL, &v, NULL));
    SYS(getitimer(ITIMER_REAL, &g));
    CHECK_EQ(g.it_interval.tv_usec, 20000);
    CHECK(g.it_value.tv_sec == 0 && g.it_value.tv_usec <= 20000);
    for (int i = 0; i < 1000 && hits[SIGALRM] < 3; i++)
        gt_sleep_ms(5);
    CHECK(hits[SIGALRM] >= 3);
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    SYS(setitimer(ITIMER_REAL, &off, &old));
    CHECK_EQ(old.it_interval.tv_usec, 20000);
    SYS(getitimer(ITIMER_REAL, &g));
    CHECK_EQ(g.it_value.tv_usec, 0);
    CHECK_ERRNO(setitimer(7, &v, NULL), EINVAL);
    uncatch(SIGALRM);
}

/* VIRTUAL and PROF fire while we compute, no faster than our CPU time allows */
static void check_cpu_itimer(int which, int sig)
{
    catch(sig, SA_RESTART);
    struct itimerval v = {{0, 10000}, {0, 10000}};
    long t0 = cpu_ns();
    SYS(setitimer(which, &v, NULL));
    compute_until(&hits[sig], 3, 5000);
    struct itimerval off = {{0, 0}, {0, 0}};
    SYS(setitimer(which, &off, NULL));
    CHECK(hits[sig] >= 3);
    /* the third firing came after 30 ms of our CPU time, less the tick's granularity */
    if (ncpu >= 3)
        CHECK(cpu_at[2] - t0 >= 20000000L);
    for (int i = 1; i < ncpu && i < 3; i++)
        CHECK(cpu_at[i] > cpu_at[i - 1]);
    uncatch(sig);
}

static void test_itimer_virtual(void)
{
    check_cpu_itimer(ITIMER_VIRTUAL, SIGVTALRM);
}

static void test_itimer_prof(void)
{
    check_cpu_itimer(ITIMER_PROF, SIGPROF);
}

/* both at once: the shorter one first */
static void test_itimers_in_order(void)
{
    catch(SIGPROF, SA_RESTART);
    hits[SIGVTALRM] = 0;
    struct sigaction sa = {.sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigaction(SIGVTALRM, &sa, NULL);
    struct itimerval prof = {{0, 0}, {0, 10000}}, virt = {{0, 0}, {0, 60000}};
    SYS(setitimer(ITIMER_VIRTUAL, &virt, NULL));
    SYS(setitimer(ITIMER_PROF, &prof, NULL));
    compute_until(&hits[SIGPROF], 1, 5000);
    CHECK_EQ(hits[SIGPROF], 1);
    CHECK_EQ(hits[SIGVTALRM], 0);
    compute_until(&hits[SIGVTALRM], 1, 5000);
    CHECK_EQ(hits[SIGVTALRM], 1);
    uncatch(SIGPROF);
    uncatch(SIGVTALRM);
}

static void test_posix_timer(void)
{
    catch(SIGUSR1, SA_RESTART);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 77;
    timer_t t;
    REQUIRE(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
    struct itimerspec v = {{0, 0}, {0, 10000000}}, g;
    SYS(timer_settime(t, 0, &v, NULL));
    for (int i = 0; i < 1000 && hits[SIGUSR1] < 1; i++)
        gt_sleep_ms(5);
    CHECK_EQ(hits[SIGUSR1], 1);
    CHECK_EQ(last_code, SI_TIMER);
    CHECK_EQ(last_value, 77);
    SYS(timer_gettime(t, &g));
    CHECK(g.it_value.tv_sec == 0 && g.it_value.tv_nsec == 0); /* one-shot: done */
    CHECK_EQ(timer_getoverrun(t), 0);
    SYS(timer_delete(t));
    CHECK_ERRNO(timer_settime(t, 0, &v, NULL), EINVAL);
    uncatch(SIGUSR1);
}

/* expirations while the signal waits (blocked) are counted, and reported at delivery */
static void test_posix_timer_overruns(void)
{
    catch(SIGUSR2, SA_RESTART);
    sigset_t s, os;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, &os);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    timer_t t;
    REQUIRE(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
    struct itimerspec v = {{0, 10000000}, {0, 10000000}}, g;
    SYS(timer_settime(t, 0, &v, NULL));
    gt_sleep_ms(100);       /* about ten periods pass while the first signal is pending */
    SYS(timer_gettime(t, &g));
    CHECK_EQ(g.it_interval.tv_nsec, 10000000);
    CHECK(g.it_value.tv_sec == 0 && g.it_value.tv_nsec <= 10000000);
    sigprocmask(SIG_SETMASK, &os, NULL); /* delivered now */
    CHECK_EQ(hits[SIGUSR2], 1);
    CHECK(last_overrun >= 1);
    CHECK_EQ(timer_getoverrun(t), last_overrun);
    SYS(timer_delete(t));
    uncatch(SIGUSR2);
}

static void test_posix_timer_none_and_cpu(void)
{
    /* SIGEV_NONE: nothing is sent, the countdown shows */
    struct sigevent ev = {.sigev_notify = SIGEV_NONE};
    timer_t t;
    REQUIRE(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
    struct itimerspec v = {{0, 0}, {100, 0}}, g1, g2;
    SYS(timer_settime(t, 0, &v, NULL));
    SYS(timer_gettime(t, &g1));
    gt_sleep_ms(20);
    SYS(timer_gettime(t, &g2));
    CHECK(g1.it_value.tv_sec <= 100 && g1.it_value.tv_sec >= 99);
    CHECK(g2.it_value.tv_sec < g1.it_value.tv_sec ||
          (g2.it_value.tv_sec == g1.it_value.tv_sec && g2.it_value.tv_nsec < g1.it_value.tv_nsec));
    SYS(timer_delete(t));
    /* on our own CPU-time clock: it fires after 20 ms of our computing */
    catch(SIGRTMIN, SA_RESTART);
    struct sigevent ce = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    REQUIRE(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ce, &t) == 0);
    struct itimerspec cv = {{0, 0}, {0, 20000000}};
    long t0 = cpu_ns();
    SYS(timer_settime(t, 0, &cv, NULL));
    compute_until(&hits[SIGRTMIN], 1, 5000);
    CHECK_EQ(hits[SIGRTMIN], 1);
    if (ncpu >= 1)
        CHECK(cpu_at[0] - t0 >= 15000000L);
    SYS(timer_delete(t));
    uncatch(SIGRTMIN);
    CHECK_ERRNO(timer_create(CLOCK_MONOTONIC_RAW, &ev, &t), EOPNOTSUPP);
}

/* a child starts with no timers of its parent's */
static void test_not_inherited(void)
{
    struct itimerval v = {{0, 0}, {100, 0}};
    SYS(setitimer(ITIMER_REAL, &v, NULL));
    timer_t t;
    REQUIRE(timer_create(CLOCK_MONOTONIC, NULL, &t) == 0);
    char *argv[] = {"t_timers", "--child", NULL};
    int st = gt_spawn_wait(self, argv, NULL);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    struct itimerval off = {{0, 0}, {0, 0}};
    SYS(setitimer(ITIMER_REAL, &off, NULL));
    SYS(timer_delete(t));
}

static int child(void)
{
    struct itimerval g;
    if (getitimer(ITIMER_REAL, &g) != 0 || g.it_value.tv_sec || g.it_value.tv_usec)
        return 1;
    struct itimerspec s;
    if (timer_gettime((timer_t)0, &s) != -1 || errno != EINVAL)
        return 2;
    return 0;
}

int main(int argc, char **argv)
{
    gt_test_prog(self, sizeof self, "t_timers");
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child();
    static const struct gt_test tests[] = {
        GT_TEST(alarm_eintr),
        GT_TEST(alarm_restart),
        GT_TEST(itimer_real),
        GT_TEST(itimer_virtual),
        GT_TEST(itimer_prof),
        GT_TEST(itimers_in_order),
        GT_TEST(posix_timer),
        GT_TEST(posix_timer_overruns),
        GT_TEST(posix_timer_none_and_cpu),
        GT_TEST(not_inherited),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
