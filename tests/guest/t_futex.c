/* t_futex: the futex system call itself, raw (musl's locks use only WAIT and WAKE): a word that
 * differs (EAGAIN), relative and absolute timeouts (ETIMEDOUT, FUTEX_CLOCK_REALTIME), wake
 * counts, bitsets, REQUEUE and CMP_REQUEUE, WAKE_OP, a signal while waiting (EINTR, or the wait
 * restarted under SA_RESTART), private and shared operations being different futexes, a shared
 * futex across fork on MAP_SHARED memory, a waiter killed while queued, and robust futexes: a
 * dead owner's futex gets FUTEX_OWNER_DIED (a robust mutex: EOWNERDEAD), set_robust_list and
 * get_robust_list. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

/* linux/futex.h (musl-gcc sees no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg)                                                           \
    ((((op) & 0xfu) << 28) | (((cmp) & 0xfu) << 24) | (((oparg) & 0xfffu) << 12) |                 \
     ((cmparg) & 0xfffu))
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
struct robust_list {
    struct robust_list *next;
};
struct robust_list_head {
    struct robust_list list;
    long futex_offset;
    struct robust_list *list_op_pending;
};

static long futex(void *uaddr, int op, uint32_t val, const void *ts_or_val2, void *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

static pid_t gettid_(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* A waiter thread: waits on word (op, val, bitset) and records the result and errno. */
struct waiter {
    _Atomic uint32_t *word;
    int op;
    uint32_t val, bitset;
    const struct timespec *ts;
    _Atomic int done;
    long ret;
    int err;
};

static void *waiter_fn(void *arg)
{
    struct waiter *w = arg;
    w->ret = futex((void *)w->word, w->op, w->val, w->ts, NULL, w->bitset);
    w->err = errno;
    atomic_store(&w->done, 1);
    return NULL;
}

/* How many waiters are queued on word (with op's PRIVATE flag), waking none: they are moved to
 * a scratch word and back (REQUEUE keeps their bitsets, and their order among themselves). */
static int queued(_Atomic uint32_t *word, int op)
{
    static _Atomic uint32_t scratch;
    int priv = op & FUTEX_PRIVATE_FLAG;
    long n = futex((void *)word, FUTEX_REQUEUE | priv, 0, (void *)(uintptr_t)INT_MAX,
                   (void *)&scratch, 0);
    futex((void *)&scratch, FUTEX_REQUEUE | priv, 0, (void *)(uintptr_t)INT_MAX, (void *)word, 0);
    return n < 0 ? 0 : (int)n;
}

/* Waits (up to 5 s) until `want` waiters are queued on the words of w[0..n). */
static void settle(struct waiter *w, int n, int want)
{
    for (int tries = 0; tries < 5000; tries++) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            bool seen = false;
            for (int j = 0; j < i; j++)
                seen |= w[j].word == w[i].word &&
                        (w[j].op & FUTEX_PRIVATE_FLAG) == (w[i].op & FUTEX_PRIVATE_FLAG);
            if (!seen)
                total += queued(w[i].word, w[i].op);
        }
        if (total >= want)
            return;
        gt_sleep_ms(1);
    }
    gt_fail(__FILE__, __LINE__, "%d waiters never queued", want);
}

/* Starts n waiters and waits until all are queued. */
static void start_waiters(struct waiter *w, pthread_t *t, int n)
{
    for (int i = 0; i < n; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, waiter_fn, &w[i]), 0);
    settle(w, n, n);
}

static int count_done(struct waiter *w, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += atomic_load(&w[i].done);
    return k;
}

static void wait_done(struct waiter *w, int n, int want)
{
    for (int i = 0; i < 3000 && count_done(w, n) < want; i++)
        gt_sleep_ms(1);
}

static void test_wait_value_differs(void)
{
    _Atomic uint32_t word = 7;
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 8, NULL, NULL, 0), EAGAIN);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT, 8, NULL, NULL, 0), EAGAIN);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE, 8, NULL, NULL, 1), EAGAIN);
    /* misaligned, unmapped, bitset 0, an unknown op */
    CHECK_ERRNO(futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 7, NULL, NULL, 0), EINVAL);
    CHECK_ERRNO(futex((void *)16, FUTEX_WAIT_PRIVATE, 7, NULL, NULL, 0), EFAULT);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE, 7, NULL, NULL, 0), EINVAL);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL);
    CHECK_ERRNO(futex((void *)&word, 99, 1, NULL, NULL, 0), ENOSYS);
    /* FUTEX_CLOCK_REALTIME only with WAIT_BITSET (Linux 5.13 on) */
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 8, NULL, NULL, 0), ENOSYS);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
    /* nobody waits: a wake wakes nobody */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
}

static struct timespec abs_after(clockid_t clk, long ms)
{
    struct timespec t;
    clock_gettime(clk, &t);
    t.tv_nsec += ms * 1000000L;
    while (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void test_timeouts(void)
{
    _Atomic uint32_t word = 0;
    struct timespec rel = {0, 30 * 1000000};
    long long t0 = gt_now_ns();
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), ETIMEDOUT);
    CHECK(gt_now_ns() - t0 >= 30 * 1000000LL);
    /* WAIT_BITSET's is absolute: CLOCK_MONOTONIC, or CLOCK_REALTIME when asked */
    struct timespec at = abs_after(CLOCK_MONOTONIC, 30);
    t0 = gt_now_ns();
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY),
                ETIMEDOUT);
    CHECK(gt_now_ns() - t0 >= 25 * 1000000LL);
    at = abs_after(CLOCK_REALTIME, 30);
    t0 = gt_now_ns();
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &at, NULL,
                      FUTEX_BITSET_MATCH_ANY),
                ETIMEDOUT);
    CHECK(gt_now_ns() - t0 >= 25 * 1000000LL);
    /* a deadline already past, a zero relative timeout */
    struct timespec past = {0, 1}, zero = {0, 0};
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, NULL, 1), ETIMEDOUT);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0), ETIMEDOUT);
    /* a bad timespec */
    struct timespec bad = {0, 1000000000L}, neg = {-1, 0};
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0), EINVAL);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, &neg, NULL, 0), EINVAL);
    CHECK_ERRNO(futex((void *)&word, FUTEX_WAIT_PRIVATE, 0, (void *)16, NULL, 0), EFAULT);
}

static void test_wake_counts(void)
{
    _Atomic uint32_t word = 0;
    struct waiter w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        w[i] = (struct waiter){.word = &word, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    start_waiters(w, t, 4);
    CHECK_EQ(count_done(w, 4), 0);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
    wait_done(w, 4, 1);
    CHECK_EQ(count_done(w, 4), 1);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 2);
    wait_done(w, 4, 3);
    /* a count of 0 still wakes one (Linux's loop wakes before it counts) */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
    wait_done(w, 4, 4);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
    for (int i = 0; i < 4; i++) {
        CHECK_ERR(pthread_join(t[i], NULL), 0);
        CHECK_EQ(w[i].ret, 0);
    }
}

static void test_bitsets(void)
{
    _Atomic uint32_t word = 0;
    struct waiter w[3];
    pthread_t t[3];
    uint32_t bits[3] = {0x1, 0x2, 0x3};
    for (int i = 0; i < 3; i++)
        w[i] = (struct waiter){.word = &word, .op = FUTEX_WAIT_BITSET_PRIVATE, .val = 0,
                               .bitset = bits[i]};
    start_waiters(w, t, 3);
    /* bit 2 reaches the waiters with 0x2 and 0x3 */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x2), 2);
    wait_done(w, 3, 2);
    CHECK(!atomic_load(&w[0].done) && atomic_load(&w[1].done) && atomic_load(&w[2].done));
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x4), 0);
    /* a plain WAKE matches any bitset */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
}

static void test_requeue(void)
{
    _Atomic uint32_t a = 0, b = 0;
    struct waiter w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        w[i] = (struct waiter){.word = &a, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    start_waiters(w, t, 4);
    /* CMP_REQUEUE whose word differs: EAGAIN, nothing moves */
    CHECK_ERRNO(futex((void *)&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(uintptr_t)2, (void *)&b, 5),
                EAGAIN);
    /* wake one, move two to b: 3 */
    CHECK_EQ(futex((void *)&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(uintptr_t)2, (void *)&b, 0), 3);
    wait_done(w, 4, 1);
    CHECK_EQ(count_done(w, 4), 1);
    /* two on b now, one left on a */
    CHECK_EQ(futex((void *)&b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 2);
    wait_done(w, 4, 3);
    /* plain REQUEUE: wake none, move the last one to b */
    CHECK_EQ(futex((void *)&a, FUTEX_REQUEUE_PRIVATE, 0, (void *)(uintptr_t)INT_MAX, (void *)&b, 0), 1);
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
    CHECK_EQ(futex((void *)&b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
    for (int i = 0; i < 4; i++) {
        CHECK_ERR(pthread_join(t[i], NULL), 0);
        CHECK_EQ(w[i].ret, 0);
    }
    /* negative counts */
    CHECK_ERRNO(futex((void *)&a, FUTEX_REQUEUE_PRIVATE, (uint32_t)-1, NULL, (void *)&b, 0), EINVAL);
}

#define OP(op, oparg, cmp, cmparg) FUTEX_OP(op, oparg, cmp, cmparg)

static void test_wake_op(void)
{
    _Atomic uint32_t a = 0, b = 5;
    struct waiter w[2];
    pthread_t t[2];
    w[0] = (struct waiter){.word = &a, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    w[1] = (struct waiter){.word = &b, .op = FUTEX_WAIT_PRIVATE, .val = 5};
    start_waiters(w, t, 2);
    /* b += 1 (old 5 == 5): wakes one on a and one on b */
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b,
                   OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 5)),
             2);
    CHECK_EQ(atomic_load(&b), 6);
    wait_done(w, 2, 2);
    for (int i = 0; i < 2; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    /* the comparison false: only the first word's waiters; the shift form of oparg */
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b,
                   OP(FUTEX_OP_OR | (FUTEX_OP_OPARG_SHIFT << 0), 4, FUTEX_OP_CMP_GT, 100)),
             0);
    CHECK_EQ(atomic_load(&b), 6 | 16);
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b,
                   OP(FUTEX_OP_SET, 3, FUTEX_OP_CMP_NE, 0)),
             0);
    CHECK_EQ(atomic_load(&b), 3);
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b,
                   OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_EQ, 0)),
             0);
    CHECK_EQ(atomic_load(&b), 2);
    CHECK_EQ(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b,
                   OP(FUTEX_OP_XOR, 7, FUTEX_OP_CMP_LT, 0)),
             0);
    CHECK_EQ(atomic_load(&b), 5);
    /* an unknown op or comparison; the second word unwritable */
    CHECK_ERRNO(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b, 7u << 28),
                ENOSYS);
    CHECK_ERRNO(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)&b, 9u << 24),
                ENOSYS);
    CHECK_ERRNO(futex((void *)&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (void *)16, 0), EFAULT);
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void test_signal_while_waiting(void)
{
    _Atomic uint32_t word = 0;
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: the wait ends with EINTR */
    struct waiter w = {.word = &word, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    pthread_t t;
    start_waiters(&w, &t, 1);
    CHECK_ERR(pthread_kill(t, SIGUSR1), 0);
    wait_done(&w, 1, 1);
    CHECK_ERR(pthread_join(t, NULL), 0);
    CHECK_EQ(w.ret, -1);
    CHECK_EQ(w.err, EINTR);
    /* the waiter was taken off the queue: a wake finds nobody */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);

    /* SA_RESTART and no timeout: the wait goes on after the handler (Linux's ERESTARTSYS) */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    w = (struct waiter){.word = &word, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    start_waiters(&w, &t, 1);
    CHECK_ERR(pthread_kill(t, SIGUSR1), 0);
    gt_sleep_ms(20);
    settle(&w, 1, 1); /* queued again after its handler */
    CHECK_EQ(atomic_load(&w.done), 0);
    int woken = 0;
    for (int i = 0; i < 1000 && !woken; i++) {
        woken = (int)futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
        if (!woken)
            gt_sleep_ms(1);
    }
    CHECK_EQ(woken, 1);
    CHECK_ERR(pthread_join(t, NULL), 0);
    CHECK_EQ(w.ret, 0);
    signal(SIGUSR1, SIG_DFL);
}

static void test_private_and_shared_differ(void)
{
    _Atomic uint32_t word = 0;
    struct waiter w = {.word = &word, .op = FUTEX_WAIT_PRIVATE, .val = 0};
    pthread_t t;
    start_waiters(&w, &t, 1);
    /* a non-private wake of a private word is another futex (Linux's FUT_OFF_MMSHARED) */
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
    CHECK_ERR(pthread_join(t, NULL), 0);
    w = (struct waiter){.word = &word, .op = FUTEX_WAIT, .val = 0};
    start_waiters(&w, &t, 1);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
    CHECK_EQ(futex((void *)&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 1);
    CHECK_ERR(pthread_join(t, NULL), 0);
}

/* A child process waits on a word of MAP_SHARED memory; the parent wakes it: one futex in two
 * address spaces. */
static void test_shared_across_fork(void)
{
    _Atomic uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                                  -1, 0);
    REQUIRE(word != MAP_FAILED);
    word[0] = 0;
    word[1] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        atomic_store(&word[1], 1);
        long r = futex((void *)word, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == 0 ? 0 : 1);
    }
    REQUIRE(pid > 0);
    while (!atomic_load(&word[1]))
        sched_yield();
    int woken = 0;
    for (int i = 0; i < 2000 && !woken; i++) {
        woken = (int)futex((void *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
        if (!woken)
            gt_sleep_ms(1);
    }
    CHECK_EQ(woken, 1);
    CHECK_EQ(gt_reap(pid), 0);
    /* a private wake reaches no process but this one's own */
    pid = fork();
    if (pid == 0) {
        atomic_store(&word[1], 2);
        struct timespec rel = {0, 100 * 1000000};
        long r = futex((void *)word, FUTEX_WAIT, 0, &rel, NULL, 0);
        _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    while (atomic_load(&word[1]) != 2)
        sched_yield();
    gt_sleep_ms(10);
    CHECK_EQ(futex((void *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
    CHECK_EQ(gt_reap(pid), 0);
    munmap((void *)word, 4096);
}

/* A waiter killed while queued is unlinked: the next wake does not count it. */
static void test_waiter_killed_while_queued(void)
{
    _Atomic uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                                  -1, 0);
    REQUIRE(word != MAP_FAILED);
    word[1] = 0;
    pid_t victim = fork();
    if (victim == 0) {
        atomic_fetch_add(&word[1], 1);
        futex((void *)word, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(3);
    }
    pid_t other = fork();
    if (other == 0) {
        atomic_fetch_add(&word[1], 1);
        long r = futex((void *)word, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == 0 ? 0 : 1);
    }
    while (atomic_load(&word[1]) != 2)
        sched_yield();
    gt_sleep_ms(20);
    CHECK_EQ(kill(victim, SIGKILL), 0);
    int st = 0;
    CHECK_EQ(waitpid(victim, &st, 0), victim);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    CHECK_EQ(futex((void *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 1);
    CHECK_EQ(gt_reap(other), 0);
    CHECK_EQ(futex((void *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    munmap((void *)word, 4096);
}

/* ---- robust futexes ---- */

struct robust_lock {
    struct robust_list list; /* must be where the robust list's entries point */
    _Atomic uint32_t word;
};

static struct robust_list_head rhead;
static struct robust_lock rlock;
static _Atomic int robust_taken;

static void *robust_owner(void *arg)
{
    (void)arg;
    rhead.list.next = &rlock.list;
    rhead.futex_offset = (long)offsetof(struct robust_lock, word);
    rhead.list_op_pending = NULL;
    rlock.list.next = &rhead.list;
    syscall(SYS_set_robust_list, &rhead, sizeof rhead);
    atomic_store(&rlock.word, (uint32_t)gettid_() | FUTEX_WAITERS);
    atomic_store(&robust_taken, 1);
    syscall(SYS_exit, 0); /* dies holding it, as a killed thread would: no pthread_exit */
    return NULL;
}

static void test_robust_list_owner_died(void)
{
    atomic_store(&robust_taken, 0);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, robust_owner, NULL), 0);
    while (!atomic_load(&robust_taken))
        sched_yield();
    uint32_t v = atomic_load(&rlock.word);
    /* wait for the death: the word changes from the owner's tid to OWNER_DIED */
    struct timespec rel = {2, 0};
    if (!(v & FUTEX_OWNER_DIED))
        futex((void *)&rlock.word, FUTEX_WAIT, v, &rel, NULL, 0); /* woken: WAITERS was set */
    v = atomic_load(&rlock.word);
    CHECK_EQ(v, FUTEX_OWNER_DIED | FUTEX_WAITERS);
    /* the thread used SYS_exit directly: musl never learns it ended; do not join it */
}

static void test_robust_mutex_eownerdead(void)
{
    pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    CHECK_ERR(pthread_mutex_init(m, &a), 0);
    pthread_mutexattr_destroy(&a);
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        pthread_mutex_lock(m);
        write(p[1], "x", 1);
        for (;;)
            pause(); /* killed holding the lock: the kernel's walk of its robust list */
    }
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    close(p[0]);
    CHECK_EQ(kill(pid, SIGKILL), 0);
    CHECK_EQ(gt_reap(pid), SIGKILL);
    CHECK_ERR(pthread_mutex_lock(m), EOWNERDEAD);
    CHECK_ERR(pthread_mutex_consistent(m), 0);
    CHECK_ERR(pthread_mutex_unlock(m), 0);
    CHECK_ERR(pthread_mutex_lock(m), 0);
    CHECK_ERR(pthread_mutex_unlock(m), 0);
    pthread_mutex_destroy(m);
    munmap(m, 4096);
}

static void *get_robust_of(void *arg)
{
    struct robust_list_head **out = arg;
    static __thread struct robust_list_head mine;
    mine.list.next = &mine.list;
    syscall(SYS_set_robust_list, &mine, sizeof mine);
    *out = &mine;
    return NULL;
}

static void test_set_get_robust_list(void)
{
    struct robust_list_head h = {{&h.list}, 0, NULL}, *got = NULL;
    size_t len = 0;
    struct robust_list_head *saved = NULL;
    size_t saved_len = 0;
    CHECK_EQ(syscall(SYS_get_robust_list, 0, &saved, &saved_len), 0);
    CHECK_ERRNO(syscall(SYS_set_robust_list, &h, sizeof h - 1), EINVAL);
    CHECK_EQ(syscall(SYS_set_robust_list, &h, sizeof h), 0);
    CHECK_EQ(syscall(SYS_get_robust_list, 0, &got, &len), 0);
    CHECK(got == &h);
    CHECK_EQ(len, sizeof h);
    CHECK_EQ(syscall(SYS_get_robust_list, gettid_(), &got, &len), 0);
    CHECK(got == &h);
    CHECK_EQ(syscall(SYS_set_robust_list, saved, sizeof h), 0);
    CHECK_ERRNO(syscall(SYS_get_robust_list, 0, (void *)16, &len), EFAULT);
    CHECK_ERRNO(syscall(SYS_get_robust_list, INT_MAX, &got, &len), ESRCH);
    /* another thread's */
    struct robust_list_head *theirs = NULL;
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, get_robust_of, &theirs), 0);
    CHECK_ERR(pthread_join(t, NULL), 0);
    CHECK(theirs != NULL);
}

static const struct gt_test tests[] = {
    GT_TEST(wait_value_differs),
    GT_TEST(timeouts),
    GT_TEST(wake_counts),
    GT_TEST(bitsets),
    GT_TEST(requeue),
    GT_TEST(wake_op),
    GT_TEST(signal_while_waiting),
    GT_TEST(private_and_shared_differ),
    GT_TEST(shared_across_fork),
    GT_TEST(waiter_killed_while_queued),
    GT_TEST(robust_list_owner_died),
    GT_TEST(robust_mutex_eownerdead),
    GT_TEST(set_get_robust_list),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
