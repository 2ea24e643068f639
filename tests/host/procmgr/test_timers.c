/* Host tests of procmgr's timers (issue 14): alarm and the three itimers (arming, reading back,
 * firing, reloading, EINVAL/EFAULT, SIGALRM killing or running a handler), the CPU-time ones
 * through the kernel's CPU alarm, and POSIX timers (ids, clocks, sigevents, absolute and
 * relative times, intervals, overruns counted while the signal is pending and for skipped
 * periods, SIGEV_NONE, deletion, not inherited, gone at exec). Time is the fake's clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/time.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SYS FK_SYS
#define MS 1000000ull
#define SEC 1000000000ull

#define boot fk_new_booted

static uint64_t put(fake_t *fk, uint64_t badge, const void *data, uint64_t len)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    return fk_ubuf_bytes(&u, data, len);
}

static uint64_t last_timer_arm(fake_t *fk)
{
    for (int i = fk->nev - 1; i >= 0; i--)
        if (fk->ev[i].kind == FK_EV_TIMER_ARM)
            return fk->ev[i].x;
    return 0;
}

static void advance(fake_t *fk, uint64_t ns)
{
    fk->mono += ns;
    fk->real += ns;
    pm_timer_fired(fk->pm, fk->mono);
}

static void handle(fake_t *fk, uint64_t badge, int sig)
{
    struct lx_sigaction a = {.sa_handler = 0x401000, .sa_flags = LX_SA_RESTORER | LX_SA_SIGINFO,
                             .sa_restorer = 0x401100};
    uint64_t va = put(fk, badge, &a, sizeof(a));
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigaction, (uint64_t)sig, va, 0, 8), 0);
}

static void block(fake_t *fk, uint64_t badge, int how, int sig)
{
    uint64_t set = LX_SIGBIT(sig);
    uint64_t va = put(fk, badge, &set, 8);
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigprocmask, (uint64_t)how, va, 0, 8), 0);
}

static uint64_t pending(fake_t *fk, uint64_t badge)
{
    uint64_t z = 0, va = put(fk, badge, &z, 8), set;
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigpending, va, 8), 0);
    fk_mem_read(fk, badge, &set, va, 8);
    return set;
}

static struct lx_itimerval getitimer(fake_t *fk, uint64_t badge, int which)
{
    struct lx_itimerval v;
    memset(&v, 0xff, sizeof(v));
    uint64_t va = put(fk, badge, &v, sizeof(v));
    assert_int_equal(SYS(fk, badge, LX_SYS_getitimer, (uint64_t)which, va), 0);
    fk_mem_read(fk, badge, &v, va, sizeof(v));
    return v;
}

static int64_t setitimer(fake_t *fk, uint64_t badge, int which, int64_t val_us, int64_t int_us)
{
    struct lx_itimerval v = {{int_us / 1000000, int_us % 1000000},
                             {val_us / 1000000, val_us % 1000000}};
    return SYS(fk, badge, LX_SYS_setitimer, (uint64_t)which, put(fk, badge, &v, sizeof(v)), 0);
}

static void test_alarm(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    assert_int_equal(SYS(fk, a, LX_SYS_alarm, 5), 0);
    assert_int_equal(last_timer_arm(fk), fk->mono + 5 * SEC);
    fk->mono += 1400 * MS;
    assert_int_equal(SYS(fk, a, LX_SYS_alarm, 10), 4);   /* 3.6 s left: rounded */
    fk->mono += 9800 * MS;
    assert_int_equal(SYS(fk, a, LX_SYS_alarm, 10), 1);   /* 0.2 s left: never 0 */
    assert_int_equal(SYS(fk, a, LX_SYS_alarm, 0), 10);   /* cancelled */
    struct lx_itimerval v = getitimer(fk, a, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_sec, 0);
    assert_int_equal(v.it_value.tv_usec, 0);
    /* due: SIGALRM, whose default action ends the process */
    assert_int_equal(SYS(fk, a, LX_SYS_alarm, 2), 0);
    advance(fk, 1999 * MS);
    struct pm_stats st;
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.zombies, 0);
    advance(fk, 1 * MS);
    pm_stats_get(fk->pm, &st);
    assert_int_equal(st.zombies, 1);
    uint64_t sva = put(fk, 1, &(int){0}, 4);
    assert_int_equal(SYS(fk, 1, LX_SYS_wait4, a, sva, 0, 0), (int64_t)a);
    int status;
    fk_mem_read(fk, 1, &status, sva, 4);
    assert_int_equal(status, LX_SIGALRM);
    /* with a handler, a thread sleeping in procmgr is cut short with EINTR by it */
    uint64_t b = fk_spawn(fk, 1);
    handle(fk, b, LX_SIGALRM);
    assert_int_equal(SYS(fk, b, LX_SYS_alarm, 1), 0);
    struct lx_timespec ts = {100, 0};
    uint64_t tok = fk_call(fk, b, LX_SYS_nanosleep, put(fk, b, &ts, sizeof(ts)), 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    advance(fk, 1 * SEC);
    assert_int_equal(fk_tok_value(fk, tok), 0);                /* resumed in the handler */
    assert_int_equal(fk_thread_of(fk, b)->regs.rip, 0x401000);
    assert_int_equal(fk_thread_of(fk, b)->regs.rdi, LX_SIGALRM);
    fk_free(fk);
}

static void test_itimer_real(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    block(fk, a, LX_SIG_BLOCK, LX_SIGALRM);
    assert_int_equal(setitimer(fk, a, LX_ITIMER_REAL, 250000, 100000), 0);
    struct lx_itimerval v = getitimer(fk, a, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_usec, 250000);
    assert_int_equal(v.it_interval.tv_usec, 100000);
    fk->mono += 50 * MS;
    v = getitimer(fk, a, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_usec, 200000);
    advance(fk, 200 * MS);
    assert_int_equal(pending(fk, a), LX_SIGBIT(LX_SIGALRM));
    v = getitimer(fk, a, LX_ITIMER_REAL);                /* reloaded from the interval */
    assert_int_equal(v.it_value.tv_usec, 100000);
    assert_int_equal(last_timer_arm(fk), fk->mono + 100 * MS);
    /* the old setting comes back; a NULL new value disarms */
    struct lx_itimerval old;
    memset(&old, 0, sizeof(old));
    uint64_t old_va = put(fk, a, &old, sizeof(old));
    assert_int_equal(SYS(fk, a, LX_SYS_setitimer, LX_ITIMER_REAL, 0, old_va), 0);
    fk_mem_read(fk, a, &old, old_va, sizeof(old));
    assert_int_equal(old.it_interval.tv_usec, 100000);
    assert_int_equal(old.it_value.tv_usec, 100000);
    v = getitimer(fk, a, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_usec, 0);
    /* errors */
    assert_int_equal(setitimer(fk, a, 3, 1, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_getitimer, 3, old_va), -LX_EINVAL);
    struct lx_itimerval bad = {{0, 0}, {0, 1000000}};
    assert_int_equal(SYS(fk, a, LX_SYS_setitimer, LX_ITIMER_REAL, put(fk, a, &bad, sizeof(bad)),
                         0),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_setitimer, LX_ITIMER_REAL, 0x10, 0), -LX_EFAULT);
    assert_int_equal(SYS(fk, a, LX_SYS_getitimer, LX_ITIMER_REAL, 0x10), -LX_EFAULT);
    fk_free(fk);
}

/* VIRTUAL counts user time, PROF user + system: the kernel's CPU alarm says when to look. */
static void test_itimer_cpu(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    fk_thread_t *th = fk_thread_of(fk, a);
    th->utime = 1 * SEC;
    th->stime = 0;
    block(fk, a, LX_SIG_BLOCK, LX_SIGVTALRM);
    block(fk, a, LX_SIG_BLOCK, LX_SIGPROF);
    assert_int_equal(setitimer(fk, a, LX_ITIMER_VIRTUAL, 100000, 100000), 0);
    assert_int_equal(th->cpu_alarm, 1 * SEC + 100 * MS);
    /* 60 ms of system time and 50 of user: the alarm comes, user time is short: armed again */
    th->utime += 50 * MS;
    th->stime += 60 * MS;
    uint64_t tok = fk_interrupted(fk, a, PM_INTR_CPU_ALARM);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    assert_int_equal(pending(fk, a), 0);
    assert_int_equal(th->cpu_alarm, th->utime + th->stime + 50 * MS);
    th->utime += 50 * MS;
    fk_interrupted(fk, a, PM_INTR_CPU_ALARM);
    assert_int_equal(pending(fk, a), LX_SIGBIT(LX_SIGVTALRM));
    struct lx_itimerval v = getitimer(fk, a, LX_ITIMER_VIRTUAL);
    assert_int_equal(v.it_value.tv_usec, 100000);          /* reloaded */
    /* PROF counts the system time too */
    assert_int_equal(setitimer(fk, a, LX_ITIMER_VIRTUAL, 0, 0), 0);
    assert_int_equal(setitimer(fk, a, LX_ITIMER_PROF, 30000, 0), 0);
    th->stime += 30 * MS;
    fk_interrupted(fk, a, PM_INTR_CPU_ALARM);
    assert_int_equal(pending(fk, a), LX_SIGBIT(LX_SIGVTALRM) | LX_SIGBIT(LX_SIGPROF));
    v = getitimer(fk, a, LX_ITIMER_PROF);
    assert_int_equal(v.it_value.tv_usec, 0);              /* one-shot: disarmed */
    assert_int_equal(th->cpu_alarm, 0);                   /* nothing left to watch */
    /* a handler of SIGPROF runs at the interrupt itself */
    uint64_t b = fk_spawn(fk, 1);
    handle(fk, b, LX_SIGPROF);
    assert_int_equal(setitimer(fk, b, LX_ITIMER_PROF, 10000, 0), 0);
    fk_thread_of(fk, b)->utime += 10 * MS;
    tok = fk_interrupted(fk, b, PM_INTR_CPU_ALARM);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    assert_int_equal(fk_thread_of(fk, b)->regs.rip, 0x401000);
    assert_int_equal(fk_thread_of(fk, b)->regs.rdi, LX_SIGPROF);
    fk_free(fk);
}

static int32_t timer_create(fake_t *fk, uint64_t badge, int32_t clock, const struct lx_sigevent *ev)
{
    int32_t id = -1;
    uint64_t id_va = put(fk, badge, &id, 4);
    uint64_t ev_va = ev ? put(fk, badge, ev, sizeof(*ev)) : 0;
    int64_t r = SYS(fk, badge, LX_SYS_timer_create, (uint64_t)(int64_t)clock, ev_va, id_va);
    if (r)
        return (int32_t)r;
    fk_mem_read(fk, badge, &id, id_va, 4);
    return id;
}

static int64_t timer_settime(fake_t *fk, uint64_t badge, int32_t id, int flags, uint64_t value,
                             uint64_t interval)
{
    struct lx_itimerspec v = {{(int64_t)(interval / SEC), (int64_t)(interval % SEC)},
                              {(int64_t)(value / SEC), (int64_t)(value % SEC)}};
    return SYS(fk, badge, LX_SYS_timer_settime, (uint64_t)id, (uint64_t)flags,
               put(fk, badge, &v, sizeof(v)), 0);
}

static struct lx_itimerspec timer_gettime(fake_t *fk, uint64_t badge, int32_t id)
{
    struct lx_itimerspec v;
    memset(&v, 0xff, sizeof(v));
    uint64_t va = put(fk, badge, &v, sizeof(v));
    assert_int_equal(SYS(fk, badge, LX_SYS_timer_gettime, (uint64_t)id, va), 0);
    fk_mem_read(fk, badge, &v, va, sizeof(v));
    return v;
}

static void test_posix_timer_basics(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    /* ids from 0; without a sigevent: SIGALRM carrying the id */
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, NULL), 0);
    struct lx_sigevent ev = {.sigev_value = 0x1234, .sigev_signo = LX_SIGUSR1,
                             .sigev_notify = LX_SIGEV_SIGNAL};
    assert_int_equal(timer_create(fk, a, LX_CLOCK_REALTIME, &ev), 1);
    /* errors */
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC_RAW, &ev), -LX_EOPNOTSUPP);
    assert_int_equal(timer_create(fk, a, 99, &ev), -LX_EINVAL);
    struct lx_sigevent bad = ev;
    bad.sigev_signo = 0;
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, &bad), -LX_EINVAL);
    bad = ev;
    bad.sigev_notify = 99;
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, &bad), -LX_EINVAL);
    bad = ev;
    bad.sigev_notify = LX_SIGEV_THREAD_ID;
    bad.sigev_tid = 1;                                   /* not a thread of a */
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, &bad), -LX_EINVAL);
    bad.sigev_tid = (int32_t)a;
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, &bad), 2);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_create, LX_CLOCK_MONOTONIC, 0, 0x10), -LX_EFAULT);
    assert_int_equal(timer_settime(fk, a, 77, 0, SEC, 0), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_settime, 1, 0, 0, 0), -LX_EINVAL);
    struct lx_itimerspec badts = {{0, 0}, {0, 1000000000}};
    assert_int_equal(SYS(fk, a, LX_SYS_timer_settime, 1, 0, put(fk, a, &badts, sizeof(badts)), 0),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_getoverrun, 77), -LX_EINVAL);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_delete, 77), -LX_EINVAL);
    /* absolute on the wall clock: 3 s from now */
    assert_int_equal(timer_settime(fk, a, 1, LX_TIMER_ABSTIME, fk->real + 3 * SEC, 0), 0);
    assert_int_equal(last_timer_arm(fk), fk->mono + 3 * SEC);
    struct lx_itimerspec v = timer_gettime(fk, a, 1);
    assert_int_equal(v.it_value.tv_sec, 3);
    assert_int_equal(v.it_interval.tv_sec, 0);
    /* the handler gets SI_TIMER, the timer's id and sigev_value */
    struct lx_sigaction act = {.sa_handler = 0x401000,
                               .sa_flags = LX_SA_RESTORER | LX_SA_SIGINFO,
                               .sa_restorer = 0x401100};
    assert_int_equal(SYS(fk, a, LX_SYS_rt_sigaction, LX_SIGUSR1, put(fk, a, &act, sizeof(act)), 0,
                         8),
                     0);
    fk_thread_t *th = fk_thread_of(fk, a);
    int kicks = th->interrupts;
    advance(fk, 3 * SEC - 1);
    assert_int_equal(th->interrupts, kicks);
    advance(fk, 1);
    assert_int_equal(th->interrupts, kicks + 1);                 /* a computes: kicked */
    uint64_t tok = fk_interrupted(fk, a, PM_INTR_REQUEST);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    assert_int_equal(th->regs.rip, 0x401000);
    struct lx_siginfo si;
    fk_mem_read(fk, a, &si, th->regs.rsi, sizeof(si));
    assert_int_equal(si.si_code, LX_SI_TIMER);
    assert_int_equal(si.si_pid, 1);            /* si_timerid */
    uint64_t value;
    memcpy(&value, si.rest, 8);                /* si_value at offset 24 */
    assert_int_equal(value, 0x1234);
    v = timer_gettime(fk, a, 1);
    assert_int_equal(v.it_value.tv_sec, 0);    /* one-shot: done */
    assert_int_equal(v.it_value.tv_nsec, 0);
    /* deleted; ids are not reused at once */
    assert_int_equal(SYS(fk, a, LX_SYS_timer_delete, 1), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_delete, 1), -LX_EINVAL);
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, NULL), 3);
    /* SIGEV_NONE: nothing is sent; the countdown and its periods still show */
    ev.sigev_notify = LX_SIGEV_NONE;
    int32_t none = timer_create(fk, a, LX_CLOCK_MONOTONIC, &ev);
    assert_int_equal(timer_settime(fk, a, none, 0, 100 * MS, 100 * MS), 0);
    fk->mono += 350 * MS;
    v = timer_gettime(fk, a, none);
    assert_int_equal(v.it_value.tv_nsec, 50 * MS);
    assert_int_equal(v.it_interval.tv_nsec, 100 * MS);
    fk_free(fk);
}

/* Overruns: expirations while the signal is pending, and whole periods skipped. */
static void test_posix_timer_overruns(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    handle(fk, a, LX_SIGUSR2);
    block(fk, a, LX_SIG_BLOCK, LX_SIGUSR2);
    struct lx_sigevent ev = {.sigev_value = 7, .sigev_signo = LX_SIGUSR2,
                             .sigev_notify = LX_SIGEV_SIGNAL};
    int32_t id = timer_create(fk, a, LX_CLOCK_MONOTONIC, &ev);
    assert_int_equal(id, 0);
    assert_int_equal(timer_settime(fk, a, id, 0, 100 * MS, 100 * MS), 0);
    advance(fk, 100 * MS);                       /* queued */
    advance(fk, 100 * MS);                       /* pending: 1 overrun */
    advance(fk, 100 * MS);                       /* 2 */
    advance(fk, 350 * MS);                       /* three periods passed: 5 (and 50 ms into the next) */
    assert_int_equal(pending(fk, a), LX_SIGBIT(LX_SIGUSR2));
    assert_int_equal(SYS(fk, a, LX_SYS_timer_getoverrun, (uint64_t)id), 0);  /* not delivered */
    /* unblocked: delivered at the end of that call, si_overrun 5 */
    fk_thread_t *th = fk_thread_of(fk, a);
    block(fk, a, LX_SIG_UNBLOCK, LX_SIGUSR2);
    assert_int_equal(th->regs.rip, 0x401000);
    struct lx_siginfo si;
    fk_mem_read(fk, a, &si, th->regs.rsi, sizeof(si));
    assert_int_equal(si.si_code, LX_SI_TIMER);
    int32_t overrun;
    memcpy(&overrun, (char *)&si + 20, 4);
    assert_int_equal(overrun, 5);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_getoverrun, (uint64_t)id), 5);
    struct lx_itimerspec v = timer_gettime(fk, a, id);
    assert_int_equal(v.it_value.tv_nsec, 50 * MS);
    /* the next one finds nothing pending: no overrun */
    block(fk, a, LX_SIG_BLOCK, LX_SIGUSR2);
    advance(fk, 50 * MS);
    block(fk, a, LX_SIG_UNBLOCK, LX_SIGUSR2);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_getoverrun, (uint64_t)id), 0);
    /* re-arming resets the counts */
    assert_int_equal(timer_settime(fk, a, id, 0, 0, 0), 0);
    v = timer_gettime(fk, a, id);
    assert_int_equal(v.it_value.tv_nsec, 0);
    assert_int_equal(v.it_interval.tv_nsec, 0);
    fk_free(fk);
}

/* Timers are not inherited; exec deletes POSIX timers and keeps the itimers. */
static void test_timers_and_processes(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t a = fk_spawn(fk, 1);
    assert_int_equal(setitimer(fk, a, LX_ITIMER_REAL, 5000000, 0), 0);
    assert_int_equal(timer_create(fk, a, LX_CLOCK_MONOTONIC, NULL), 0);
    uint64_t b = fk_spawn(fk, a);
    struct lx_itimerval v = getitimer(fk, b, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_sec, 0);
    assert_int_equal(SYS(fk, b, LX_SYS_timer_delete, 0), -LX_EINVAL);
    /* a execs itself again: its POSIX timer is gone, its itimer stays */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, a, 4096);
    assert_int_equal(SYS(fk, a, LX_SYS_execve, fk_ubuf_str(&u, "/bin/prog"), 0, 0), 0);
    assert_int_equal(SYS(fk, a, LX_SYS_timer_delete, 0), -LX_EINVAL);
    v = getitimer(fk, a, LX_ITIMER_REAL);
    assert_int_equal(v.it_value.tv_sec, 5);
    /* a CPU-clock timer of one's own process: the CPU alarm; another's: EINVAL */
    assert_int_equal(timer_create(fk, a, LX_MAKE_PROCESS_CPUCLOCK(1, LX_CPUCLOCK_SCHED), NULL),
                     -LX_EINVAL);
    fk_thread_t *th = fk_thread_of(fk, a);
    th->utime = 2 * SEC;
    int32_t id = timer_create(fk, a, LX_CLOCK_PROCESS_CPUTIME_ID, NULL);
    assert_true(id >= 0);
    block(fk, a, LX_SIG_BLOCK, LX_SIGALRM);
    assert_int_equal(timer_settime(fk, a, id, 0, 20 * MS, 0), 0);
    assert_int_equal(th->cpu_alarm, 2 * SEC + 20 * MS);
    th->utime += 20 * MS;
    fk_interrupted(fk, a, PM_INTR_CPU_ALARM);
    assert_int_equal(pending(fk, a), LX_SIGBIT(LX_SIGALRM));
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_itimer_real),
        cmocka_unit_test(test_itimer_cpu),
        cmocka_unit_test(test_posix_timer_basics),
        cmocka_unit_test(test_posix_timer_overruns),
        cmocka_unit_test(test_timers_and_processes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
