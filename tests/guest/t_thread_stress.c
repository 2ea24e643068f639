/* t_thread_stress: 10,000 pthread_create + pthread_join must leave free memory, threads and
 * descriptors as they were. KESTREL: exactly (free memory from sysinfo, the kernel's live
 * threads from /proc/kstat, open descriptions from /proc/sys/fs/file-nr), after a warm-up; on
 * Linux memory moves for unrelated reasons, so it is only reported, but the process's own thread
 * count (/proc's Threads) and descriptors must come back there too. Also: rounds of 200 detached
 * threads, all alive at once (so that the servers' heaps peak the same in every round), that
 * unmap their own stacks on the way out (musl), the same accounting between two rounds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "gt_snap.h"
#include "gtest.h"

struct snapshot {
    struct gt_snap sys;
    int threads;        /* /proc/self/status */
    int fds;            /* our descriptors below 256 */
};

static void take(struct snapshot *s)
{
    gt_snap_take(&s->sys);
    s->threads = (int)gt_proc_number("/proc/self/status", "\nThreads:");
    s->fds = 0;
    for (int fd = 0; fd < 256; fd++)
        s->fds += gt_fd_is_open(fd);
}

/* slack: bytes of free memory the servers may keep as a high-water mark (0: exact) */
static void check_same(const struct snapshot *a, const struct snapshot *b, long long slack)
{
    CHECK_EQ(b->threads, a->threads);
    CHECK_EQ(b->threads, 1);
    CHECK_EQ(b->fds, a->fds);
    gt_snap_same(&a->sys, &b->sys, slack);   /* KESTREL: exact accounting */
}

static void *ret_arg(void *arg)
{
    return arg;
}

static void test_create_join_10000(void)
{
    pthread_t t;
    struct snapshot before, after;
    /* warm-up: first-use allocations (of a thread, of reading the counters, and of libc's first
     * clock_gettime, which writes its vDSO pointer into a copy-on-write data page) */
    REQUIRE(pthread_create(&t, NULL, ret_arg, NULL) == 0);
    REQUIRE(pthread_join(t, NULL) == 0);
    (void)gt_now_ns();
    take(&before);
    take(&before);
    long long t0 = gt_now_ns();
    int failed = 0, wrong = 0;
    for (intptr_t i = 0; i < 10000; i++) {
        int e = pthread_create(&t, NULL, ret_arg, (void *)i);
        if (e) {
            if (failed++ == 0)
                gt_fail(__FILE__, __LINE__, "create %ld: %s", (long)i, strerror(e));
            if (failed > 10)
                break;
            continue;
        }
        void *r = NULL;
        if (pthread_join(t, &r) != 0 || (intptr_t)r != i)
            wrong++;
    }
    long long el = gt_now_ns() - t0;
    take(&after);
    CHECK_EQ(failed, 0);
    CHECK_EQ(wrong, 0);
    gt_note("10000 create+join in %lld ms, %lld us each", el / 1000000, el / 1000 / 10000);
    check_same(&before, &after, 0);
}

static _Atomic int detached_left;
static sem_t detached_go;

static void *detached(void *arg)
{
    (void)arg;
    sem_wait(&detached_go); /* all 200 alive at once, every round: the same peak */
    atomic_fetch_sub(&detached_left, 1);
    return NULL;
}

/* 200 detached threads alive at once, until all have unmapped their stacks and gone. */
static void detached_round(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    atomic_store(&detached_left, 200);
    sem_init(&detached_go, 0, 0);
    for (int i = 0; i < 200; i++) {
        pthread_t t;
        CHECK_ERR(pthread_create(&t, &a, detached, NULL), 0);
    }
    pthread_attr_destroy(&a);
    for (int i = 0; i < 200; i++)
        sem_post(&detached_go);
    for (int i = 0; i < 5000 && atomic_load(&detached_left) > 0; i++)
        gt_sleep_ms(1);
    CHECK_EQ(atomic_load(&detached_left), 0);
    /* the last ones may still be on their way out of pthread_exit: wait for /proc to agree */
    for (int i = 0; i < 5000 && gt_proc_number("/proc/self/status", "\nThreads:") != 1; i++)
        gt_sleep_ms(1);
    sem_destroy(&detached_go);
}

static void test_detached_200(void)
{
    struct snapshot before, after;
    /* warm-up: the servers' heaps grow once to hold 200 threads at a time, and keep that */
    detached_round();
    take(&before);
    detached_round();
    /* the last threads' ends may still be under way in the servers after /proc says 1 thread:
     * give them a moment (a leak never settles, and fails below) */
    for (int i = 0; i < 200; i++) {
        take(&after);
        if (after.sys.freeram == before.sys.freeram && after.sys.kthreads == before.sys.kthreads)
            break;
        gt_sleep_ms(5);
    }
    /* 200 threads end in an order the scheduler picks, and the stacks they unmap leave the
     * mapping list (procmgr's heap) as fragmented as that order makes it: the servers' heaps
     * may keep a page or two more than after the warm-up round. A leak of anything per thread
     * is 200 times larger. */
    check_same(&before, &after, 16 * 4096);
}

static const struct gt_test tests[] = {
    GT_TEST(create_join_10000),
    GT_TEST(detached_200),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
