/* t_threads: musl's pthreads, which are real threads (clone with CLONE_THREAD and the thread
 * group's sharing, futexes, set_tid_address/CLONE_CHILD_CLEARTID for joins): create and join,
 * detach, __thread variables per thread, mutexes, condition variables, rwlocks, barriers,
 * semaphores, cancellation, 64 threads counting under one mutex; a signal to one chosen thread
 * (tgkill), a process signal taken by the thread that does not block it, per-thread masks,
 * sigwaitinfo/sigtimedwait; a thread blocked reading a pipe while another writes; getpid and
 * gettid in threads; /proc's Threads count. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

static pid_t gettid_(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* ---- create, join, detach, TLS ---- */

static void *ret_arg_plus_one(void *arg)
{
    return (void *)((uintptr_t)arg + 1);
}

static void test_create_join(void)
{
    pthread_t t[8];
    for (uintptr_t i = 0; i < 8; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, ret_arg_plus_one, (void *)(i * 10)), 0);
    for (uintptr_t i = 0; i < 8; i++) {
        void *r = NULL;
        CHECK_ERR(pthread_join(t[i], &r), 0);
        CHECK_EQ((uintptr_t)r, i * 10 + 1);
    }
}

struct ids {
    pid_t pid, tid, ppid;
};

static void *get_ids(void *arg)
{
    struct ids *ids = arg;
    ids->pid = getpid();
    ids->tid = gettid_();
    ids->ppid = getppid();
    return NULL;
}

static void test_ids_in_threads(void)
{
    struct ids a = {0}, b = {0};
    pthread_t ta, tb;
    CHECK_ERR(pthread_create(&ta, NULL, get_ids, &a), 0);
    CHECK_ERR(pthread_create(&tb, NULL, get_ids, &b), 0);
    CHECK_ERR(pthread_join(ta, NULL), 0);
    CHECK_ERR(pthread_join(tb, NULL), 0);
    CHECK_EQ(a.pid, getpid());
    CHECK_EQ(b.pid, getpid());
    CHECK_EQ(a.ppid, getppid());
    CHECK(a.tid != getpid() && b.tid != getpid() && a.tid != b.tid);
    CHECK(a.tid > 0 && b.tid > 0);
    CHECK_EQ(gettid_(), getpid()); /* the main thread's tid is the pid */
}

static _Atomic int detached_done;

static void *detached_fn(void *arg)
{
    (void)arg;
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static void test_detach(void)
{
    atomic_store(&detached_done, 0);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 16; i++) {
        pthread_t t;
        CHECK_ERR(pthread_create(&t, &at, detached_fn, NULL), 0);
    }
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, detached_fn, NULL), 0);
    CHECK_ERR(pthread_detach(t), 0);
    pthread_attr_destroy(&at);
    for (int i = 0; i < 2000 && atomic_load(&detached_done) < 17; i++)
        gt_sleep_ms(1);
    CHECK_EQ(atomic_load(&detached_done), 17);
}

static __thread int tls_counter = 5;
static __thread char tls_name[16];

static void *tls_fn(void *arg)
{
    int k = (int)(uintptr_t)arg;
    if (tls_counter != 5)
        return (void *)1; /* each thread starts from the initial image */
    for (int i = 0; i < 1000; i++) {
        tls_counter += k;
        if (i % 100 == 0)
            sched_yield(); /* let the others run in between */
    }
    snprintf(tls_name, sizeof tls_name, "t%d", k);
    char want[16];
    snprintf(want, sizeof want, "t%d", k);
    return (void *)(uintptr_t)(tls_counter == 5 + 1000 * k && strcmp(tls_name, want) == 0 ? 2 : 3);
}

static void test_tls_per_thread(void)
{
    tls_counter = 99;
    pthread_t t[6];
    for (uintptr_t i = 0; i < 6; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, tls_fn, (void *)(i + 1)), 0);
    for (int i = 0; i < 6; i++) {
        void *r;
        CHECK_ERR(pthread_join(t[i], &r), 0);
        CHECK_EQ((uintptr_t)r, 2);
    }
    CHECK_EQ(tls_counter, 99); /* the main thread's own copy is untouched */
}

/* ---- synchronisation ---- */

/* The CLOCK_REALTIME deadline ms from now (the timed waits of pthreads and semaphores). */
static struct timespec realtime_after_ms(long ms)
{
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += ms * 1000000;
    if (at.tv_nsec >= 1000000000) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000;
    }
    return at;
}

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_fn(void *arg)
{
    int n = (int)(uintptr_t)arg;
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&count_lock);
        long v = counter;
        if (i % 64 == 0)
            sched_yield(); /* inside the lock: others must wait on the futex */
        counter = v + 1;
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

static void test_mutex_64_threads(void)
{
    enum { N = 64, EACH = 500 };
    pthread_t t[N];
    counter = 0;
    int made = 0;
    for (int i = 0; i < N; i++)
        if (pthread_create(&t[i], NULL, count_fn, (void *)(uintptr_t)EACH) == 0)
            made++;
    CHECK_EQ(made, N);
    for (int i = 0; i < made; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    CHECK_EQ(counter, (long)made * EACH);
}

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_ready, cv_seen;

static void *cv_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cv_lock);
    while (!cv_ready)
        pthread_cond_wait(&cv, &cv_lock);
    cv_seen++;
    pthread_mutex_unlock(&cv_lock);
    return NULL;
}

static void test_condvar(void)
{
    cv_ready = cv_seen = 0;
    pthread_t t[5];
    for (int i = 0; i < 5; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, cv_waiter, NULL), 0);
    gt_sleep_ms(20);
    pthread_mutex_lock(&cv_lock);
    CHECK_EQ(cv_seen, 0);
    cv_ready = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&cv_lock);
    for (int i = 0; i < 5; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    CHECK_EQ(cv_seen, 5);
    /* a timed wait that times out */
    struct timespec at = realtime_after_ms(20);
    pthread_mutex_lock(&cv_lock);
    CHECK_ERR(pthread_cond_timedwait(&cv, &cv_lock, &at), ETIMEDOUT);
    pthread_mutex_unlock(&cv_lock);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static _Atomic int readers_in, max_readers, writer_in, rw_bad;

static void *rw_reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_rdlock(&rw);
        int n = atomic_fetch_add(&readers_in, 1) + 1;
        if (atomic_load(&writer_in))
            atomic_store(&rw_bad, 1);
        int m = atomic_load(&max_readers);
        while (n > m && !atomic_compare_exchange_weak(&max_readers, &m, n))
            ;
        if (i % 16 == 0)
            sched_yield();
        atomic_fetch_sub(&readers_in, 1);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_rwlock_wrlock(&rw);
        atomic_store(&writer_in, 1);
        if (atomic_load(&readers_in))
            atomic_store(&rw_bad, 1);
        if (i % 8 == 0)
            sched_yield();
        atomic_store(&writer_in, 0);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void test_rwlock(void)
{
    pthread_t r[4], w[2];
    for (int i = 0; i < 4; i++)
        CHECK_ERR(pthread_create(&r[i], NULL, rw_reader, NULL), 0);
    for (int i = 0; i < 2; i++)
        CHECK_ERR(pthread_create(&w[i], NULL, rw_writer, NULL), 0);
    for (int i = 0; i < 4; i++)
        CHECK_ERR(pthread_join(r[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        CHECK_ERR(pthread_join(w[i], NULL), 0);
    CHECK_EQ(atomic_load(&rw_bad), 0);
    CHECK(atomic_load(&max_readers) >= 1);
    /* a writer excludes a second writer and readers: trylock says so */
    CHECK_ERR(pthread_rwlock_wrlock(&rw), 0);
    CHECK_ERR(pthread_rwlock_tryrdlock(&rw), EBUSY);
    CHECK_ERR(pthread_rwlock_unlock(&rw), 0);
}

static pthread_barrier_t bar;
static _Atomic int bar_phase[3];

static void *bar_fn(void *arg)
{
    int serial = 0;
    (void)arg;
    for (int round = 0; round < 3; round++) {
        atomic_fetch_add(&bar_phase[round], 1);
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
            serial++;
        /* everyone arrived before anyone left */
        if (atomic_load(&bar_phase[round]) != 4)
            return (void *)100;
    }
    return (void *)(uintptr_t)serial;
}

static void test_barrier(void)
{
    for (int i = 0; i < 3; i++)
        atomic_store(&bar_phase[i], 0);
    CHECK_ERR(pthread_barrier_init(&bar, NULL, 4), 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, bar_fn, NULL), 0);
    uintptr_t serials = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        CHECK_ERR(pthread_join(t[i], &r), 0);
        CHECK((uintptr_t)r <= 3);
        serials += (uintptr_t)r;
    }
    CHECK_EQ(serials, 3); /* one serial thread per round */
    pthread_barrier_destroy(&bar);
}

static sem_t sem_items, sem_done;
static _Atomic int sem_taken;

static void *sem_consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++) {
        sem_wait(&sem_items);
        atomic_fetch_add(&sem_taken, 1);
    }
    sem_post(&sem_done);
    return NULL;
}

static void test_semaphore(void)
{
    atomic_store(&sem_taken, 0);
    CHECK_EQ(sem_init(&sem_items, 0, 0), 0);
    CHECK_EQ(sem_init(&sem_done, 0, 0), 0);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, sem_consumer, NULL), 0);
    gt_sleep_ms(10);
    CHECK_EQ(atomic_load(&sem_taken), 0);
    for (int i = 0; i < 30; i++)
        sem_post(&sem_items);
    for (int i = 0; i < 3; i++)
        sem_wait(&sem_done);
    CHECK_EQ(atomic_load(&sem_taken), 30);
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    struct timespec at = realtime_after_ms(10);
    CHECK_ERRNO(sem_timedwait(&sem_items, &at), ETIMEDOUT);
    sem_destroy(&sem_items);
    sem_destroy(&sem_done);
}

static _Atomic int cancel_cleanup;

static void cancel_cleanup_fn(void *arg)
{
    (void)arg;
    atomic_store(&cancel_cleanup, 1);
}

static void *cancel_sleeper(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cancel_cleanup_fn, NULL);
    for (;;)
        sleep(10); /* a cancellation point, blocked in the kernel */
    pthread_cleanup_pop(0);
    return NULL;
}

static void *cancel_reader(void *arg)
{
    int fd = (int)(uintptr_t)arg;
    char c;
    for (;;)
        read(fd, &c, 1); /* a cancellation point, blocked reading an empty pipe */
    return NULL;
}

static void test_cancel(void)
{
    atomic_store(&cancel_cleanup, 0);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, cancel_sleeper, NULL), 0);
    gt_sleep_ms(10);
    CHECK_ERR(pthread_cancel(t), 0);
    void *r = NULL;
    CHECK_ERR(pthread_join(t, &r), 0);
    CHECK(r == PTHREAD_CANCELED);
    CHECK_EQ(atomic_load(&cancel_cleanup), 1);

    int p[2];
    REQUIRE(pipe(p) == 0);
    CHECK_ERR(pthread_create(&t, NULL, cancel_reader, (void *)(uintptr_t)p[0]), 0);
    gt_sleep_ms(10);
    CHECK_ERR(pthread_cancel(t), 0);
    CHECK_ERR(pthread_join(t, &r), 0);
    CHECK(r == PTHREAD_CANCELED);
    close(p[0]);
    close(p[1]);
}

/* ---- pipes between threads ---- */

static void *pipe_reader(void *arg)
{
    int fd = (int)(uintptr_t)arg;
    char buf[16] = {0};
    ssize_t n = gt_read_full(fd, buf, 5);
    return (void *)(uintptr_t)(n == 5 && memcmp(buf, "hello", 5) == 0 ? 1 : 2);
}

static void test_pipe_read_while_other_writes(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, pipe_reader, (void *)(uintptr_t)p[0]), 0);
    gt_sleep_ms(20); /* the reader is blocked in read by now */
    /* this thread goes on meanwhile: the whole process is not held by the blocked read */
    CHECK_EQ(write(p[1], "hel", 3), 3);
    gt_sleep_ms(5);
    CHECK_EQ(write(p[1], "lo", 2), 2);
    void *r;
    CHECK_ERR(pthread_join(t, &r), 0);
    CHECK_EQ((uintptr_t)r, 1);
    close(p[0]);
    close(p[1]);
}

/* ---- signals and threads ---- */

static _Atomic pid_t handled_by;
static _Atomic int handled_count;

static void note_handler(int sig)
{
    (void)sig;
    atomic_store(&handled_by, gettid_());
    atomic_fetch_add(&handled_count, 1);
}

struct spinner {
    _Atomic int stop;
    _Atomic pid_t tid;
    bool block_usr1;
};

static void *spin_fn(void *arg)
{
    struct spinner *s = arg;
    if (s->block_usr1) {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &m, NULL);
    }
    atomic_store(&s->tid, gettid_());
    while (!atomic_load(&s->stop))
        ; /* computing in user mode: a signal must interrupt it */
    return NULL;
}

static void install_usr1(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = note_handler;
    sigaction(SIGUSR1, &sa, NULL);
}

static void test_tgkill_chosen_thread(void)
{
    install_usr1();
    struct spinner s[3] = {{0}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, spin_fn, &s[i]), 0);
    for (int i = 0; i < 3; i++)
        while (!atomic_load(&s[i].tid))
            sched_yield();
    for (int round = 0; round < 3; round++) {
        int k = (round + 1) % 3;
        atomic_store(&handled_by, 0);
        CHECK_EQ(syscall(SYS_tgkill, getpid(), s[k].tid, SIGUSR1), 0);
        for (int i = 0; i < 2000 && !atomic_load(&handled_by); i++)
            gt_sleep_ms(1);
        CHECK_EQ(atomic_load(&handled_by), s[k].tid);
    }
    /* pthread_kill is the same */
    atomic_store(&handled_by, 0);
    CHECK_ERR(pthread_kill(t[0], SIGUSR1), 0);
    for (int i = 0; i < 2000 && !atomic_load(&handled_by); i++)
        gt_sleep_ms(1);
    CHECK_EQ(atomic_load(&handled_by), s[0].tid);
    /* wrong group, gone thread, bad numbers */
    CHECK_ERRNO(syscall(SYS_tgkill, getpid() + 100000, s[0].tid, 0), ESRCH);
    CHECK_ERRNO(syscall(SYS_tgkill, 0, s[0].tid, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), s[0].tid, 65), EINVAL);
    for (int i = 0; i < 3; i++) {
        atomic_store(&s[i].stop, 1);
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    }
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), s[0].tid, 0), ESRCH);
    CHECK_ERRNO(syscall(SYS_tkill, s[0].tid, 0), ESRCH);
    signal(SIGUSR1, SIG_DFL);
}

static void test_process_signal_to_unblocked_thread(void)
{
    install_usr1();
    struct spinner s[3] = {{0}};
    s[0].block_usr1 = s[2].block_usr1 = true; /* two of three block it... */
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, spin_fn, &s[i]), 0);
    for (int i = 0; i < 3; i++)
        while (!atomic_load(&s[i].tid))
            sched_yield();
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &m, &old); /* ... and so does the main thread */
    atomic_store(&handled_by, 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    for (int i = 0; i < 2000 && !atomic_load(&handled_by); i++)
        gt_sleep_ms(1);
    CHECK_EQ(atomic_load(&handled_by), s[1].tid);
    /* pending for the process while everyone blocks it: rt_sigpending shows it */
    atomic_store(&s[1].stop, 1);
    CHECK_ERR(pthread_join(t[1], NULL), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    sigset_t pend;
    sigemptyset(&pend);
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1));
    /* the main thread unblocks it: it runs the handler itself, at once */
    atomic_store(&handled_by, 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    CHECK_EQ(atomic_load(&handled_by), getpid());
    atomic_store(&s[0].stop, 1);
    atomic_store(&s[2].stop, 1);
    CHECK_ERR(pthread_join(t[0], NULL), 0);
    CHECK_ERR(pthread_join(t[2], NULL), 0);
    signal(SIGUSR1, SIG_DFL);
}

static void *masks_fn(void *arg)
{
    sigset_t *out = arg;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &m, NULL);
    pthread_sigmask(SIG_BLOCK, NULL, out);
    return NULL;
}

static void test_per_thread_masks(void)
{
    sigset_t m, mine, theirs;
    sigemptyset(&m);
    sigaddset(&m, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &m, NULL);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, masks_fn, &theirs), 0);
    CHECK_ERR(pthread_join(t, NULL), 0);
    pthread_sigmask(SIG_BLOCK, NULL, &mine);
    CHECK(sigismember(&theirs, SIGHUP));  /* inherited from the creator */
    CHECK(sigismember(&theirs, SIGUSR2)); /* its own */
    CHECK(!sigismember(&mine, SIGUSR2));  /* not ours */
    pthread_sigmask(SIG_UNBLOCK, &m, NULL);
}

static void *send_later(void *arg)
{
    pid_t tid = (pid_t)(uintptr_t)arg;
    gt_sleep_ms(20);
    syscall(SYS_tgkill, getpid(), tid, SIGUSR2);
    return NULL;
}

static void test_sigwaitinfo(void)
{
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &m, &old);
    /* already pending: taken at once, with its siginfo */
    CHECK_EQ(raise(SIGUSR2), 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(sigwaitinfo(&m, &si), SIGUSR2);
    CHECK_EQ(si.si_signo, SIGUSR2);
    CHECK_EQ(si.si_pid, getpid());
    /* sent later by another thread: the wait blocks until it comes */
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, send_later, (void *)(uintptr_t)gettid_()), 0);
    memset(&si, 0, sizeof si);
    CHECK_EQ(sigwaitinfo(&m, &si), SIGUSR2);
    CHECK_EQ(si.si_code, SI_TKILL);
    CHECK_ERR(pthread_join(t, NULL), 0);
    /* a timeout: EAGAIN, at once for a zero one */
    struct timespec zero = {0, 0}, short_ = {0, 20 * 1000000};
    CHECK_ERRNO(sigtimedwait(&m, &si, &zero), EAGAIN);
    long long t0 = gt_now_ns();
    CHECK_ERRNO(sigtimedwait(&m, &si, &short_), EAGAIN);
    CHECK(gt_now_ns() - t0 >= 20 * 1000000LL);
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(sigtimedwait(&m, &si, &bad), EINVAL);
    /* a process signal goes to the thread waiting for it */
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ(sigtimedwait(&m, &si, &zero), SIGUSR2);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void *sigwait_other(void *arg)
{
    (void)arg;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    int sig = 0;
    return (void *)(uintptr_t)(sigwait(&m, &sig) == 0 ? sig : -1);
}

static void test_sigwait_in_a_thread(void)
{
    /* every thread blocks SIGUSR2 (the mask is inherited); one waits for it */
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &m, &old);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, sigwait_other, NULL), 0);
    gt_sleep_ms(20);
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    void *r;
    CHECK_ERR(pthread_join(t, &r), 0);
    CHECK_EQ((uintptr_t)r, SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR2)); /* taken by the waiter, not left pending */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- /proc ---- */

static int proc_threads(void)
{
    char buf[2048];
    if (gt_read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

static void *park_fn(void *arg)
{
    sem_t *s = arg;
    sem_wait(s);
    return NULL;
}

static void test_proc_threads_count(void)
{
    sem_t s;
    sem_init(&s, 0, 0);
    CHECK_EQ(proc_threads(), 1);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_create(&t[i], NULL, park_fn, &s), 0);
    CHECK_EQ(proc_threads(), 4);
    for (int i = 0; i < 3; i++)
        sem_post(&s);
    for (int i = 0; i < 3; i++)
        CHECK_ERR(pthread_join(t[i], NULL), 0);
    CHECK_EQ(proc_threads(), 1);
    sem_destroy(&s);
}

static const struct gt_test tests[] = {
    GT_TEST(create_join),
    GT_TEST(ids_in_threads),
    GT_TEST(detach),
    GT_TEST(tls_per_thread),
    GT_TEST(mutex_64_threads),
    GT_TEST(condvar),
    GT_TEST(rwlock),
    GT_TEST(barrier),
    GT_TEST(semaphore),
    GT_TEST(cancel),
    GT_TEST(pipe_read_while_other_writes),
    GT_TEST(tgkill_chosen_thread),
    GT_TEST(process_signal_to_unblocked_thread),
    GT_TEST(per_thread_masks),
    GT_TEST(sigwaitinfo),
    GT_TEST(sigwait_in_a_thread),
    GT_TEST(proc_threads_count),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
