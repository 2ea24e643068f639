/* t_thread_exit: how threads end and what ends them. exit ends one thread (the main thread may go
 * first; the process reports its code when its last thread ends); exit_group, a fatal signal and
 * a fault end every thread, including threads blocked in a futex, a pipe read, a sleep and a
 * vfork park; execve from a thread that is not the main one ends the others, and the new program
 * has the process's pid; vfork from one thread parks that thread only: a sibling keeps counting
 * while it waits; CLONE_THREAD|CLONE_VFORK waits for the new thread's end; a stop stops every
 * thread. Each case runs in a child process (fork), whose end the test watches. */
#define _GNU_SOURCE
#include <fcntl.h>
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

#define FUTEX_WAIT_PRIVATE 128

/* waitpid with a bound: the status, or -1 (and a failure) if the child is still there after
 * `ms`, in which case it is killed so that nothing hangs. */
static int reap_within(pid_t pid, int ms)
{
    int st = 0;
    for (int i = 0; i < ms; i++) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0) {
            gt_fail(__FILE__, __LINE__, "waitpid(%d): %s", (int)pid, strerror(errno));
            return -1;
        }
        gt_sleep_ms(1);
    }
    gt_fail(__FILE__, __LINE__, "child %d still alive after %d ms: killed", (int)pid, ms);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
}

/* On Kestrel the test is init: orphans (a vfork grandchild) come back to it. Collect them. */
static void reap_orphans(void)
{
    if (getpid() != 1)
        return;
    for (int i = 0; i < 5000; i++) {
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r < 0)
            return;
        if (r == 0)
            gt_sleep_ms(1);
    }
}

static void *exit_raw(void *arg)
{
    gt_sleep_ms(30);
    syscall(SYS_exit, (int)(uintptr_t)arg);
    return NULL;
}

/* The main thread ends first (SYS_exit); the process lives on in its other thread, and reports
 * the code of its last thread when that one ends. */
static void test_main_thread_exits_first(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        pthread_t t;
        if (pthread_create(&t, NULL, exit_raw, (void *)9) != 0)
            _exit(100);
        write(p[1], "m", 1);
        syscall(SYS_exit, 3); /* the main thread only */
        _exit(101);
    }
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    gt_sleep_ms(5);
    /* the main thread is gone, the process is not */
    CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0);
    CHECK_EQ(kill(pid, 0), 0);
    int st = reap_within(pid, 5000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 9);
    close(p[0]);
}

static void *exit_group_later(void *arg)
{
    gt_sleep_ms(20);
    exit((int)(uintptr_t)arg); /* exit_group, from a thread that is not the main one */
    return NULL;
}

static void test_exit_group_from_a_thread(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exit_group_later, (void *)11);
        for (;;)
            pause();
    }
    int st = reap_within(pid, 5000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 11);
}

/* ---- exit_group with threads blocked everywhere ---- */

static _Atomic uint32_t futex_word;
static int pipe_rd = -1;
static _Atomic int blocked_ready;

static void *block_futex(void *arg)
{
    (void)arg;
    atomic_fetch_add(&blocked_ready, 1);
    syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}

static void *block_read(void *arg)
{
    (void)arg;
    char c;
    atomic_fetch_add(&blocked_ready, 1);
    read(pipe_rd, &c, 1);
    return NULL;
}

static void *block_sleep(void *arg)
{
    (void)arg;
    atomic_fetch_add(&blocked_ready, 1);
    sleep(100);
    return NULL;
}

static int vfork_release_fd = -1;

static void *block_vfork(void *arg)
{
    (void)arg;
    atomic_fetch_add(&blocked_ready, 1);
    pid_t c = vfork();
    if (c == 0) {
        /* the grandchild holds its parent thread parked until the test lets it go; its copy
         * of the pipe's read end goes first */
        char ch;
        close(pipe_rd);
        read(vfork_release_fd, &ch, 1);
        _exit(0);
    }
    return NULL;
}

static void test_exit_group_ends_blocked_threads(void)
{
    int p[2], release[2];
    REQUIRE(pipe(p) == 0);
    REQUIRE(pipe(release) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        close(release[1]);
        pipe_rd = p[0];
        vfork_release_fd = release[0];
        void *(*fns[4])(void *) = {block_futex, block_read, block_sleep, block_vfork};
        for (int i = 0; i < 4; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, fns[i], NULL) != 0)
                _exit(100 + i);
        }
        while (atomic_load(&blocked_ready) < 4)
            sched_yield();
        gt_sleep_ms(30); /* each is blocked in the kernel by now */
        _exit(42);
    }
    close(p[0]);
    close(release[0]);
    int st = reap_within(pid, 10000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
    /* the pipe's read end died with the reader: a write sees no reader */
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
    close(release[1]); /* the vfork grandchild (now an orphan) reads EOF and exits */
    reap_orphans();
}

static void *spin(void *arg)
{
    (void)arg;
    for (;;)
        ;
    return NULL;
}

/* A child whose main thread pauses beside two others (fns); it ends with the status the
 * parent sees, after `kill_with` (0: none) from the parent. */
static int threads_child_status(void *(*a)(void *), void *(*b)(void *), int kill_with)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, a, NULL);
        pthread_create(&t, NULL, b, NULL);
        for (;;)
            pause();
    }
    if (kill_with) {
        gt_sleep_ms(20);
        CHECK_EQ(kill(pid, kill_with), 0);
    }
    return reap_within(pid, 5000);
}

static void test_fatal_signal_ends_all_threads(void)
{
    int st = threads_child_status(spin, block_sleep, SIGTERM);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
}

static void *fault(void *arg)
{
    (void)arg;
    gt_sleep_ms(10);
    *(volatile int *)(uintptr_t)arg = 1; /* NULL */
    return NULL;
}

static void test_fault_in_a_thread_ends_all(void)
{
    int st = threads_child_status(block_sleep, fault, 0);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

/* ---- execve from a thread that is not the main one ---- */

static char child_prog[256];

static void *exec_from_thread(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", fd);
    gt_sleep_ms(10);
    char *argv[] = {child_prog, "pid", NULL};
    dup2(fd, 1);
    execv(child_prog, argv);
    _exit(127);
}

static void test_exec_from_non_main_thread(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        pthread_t t;
        pthread_create(&t, NULL, block_sleep, NULL);
        pthread_create(&t, NULL, exec_from_thread, (void *)(intptr_t)p[1]);
        for (;;)
            pause(); /* the main thread is ended by the exec */
    }
    close(p[1]);
    char buf[128] = {0};
    ssize_t n = gt_read_full(p[0], buf, sizeof buf - 1);
    close(p[0]);
    CHECK(n > 0);
    char want[64];
    snprintf(want, sizeof want, "pid=%d ppid=%d\n", (int)pid, (int)getpid());
    CHECK_STREQ(buf, want); /* the new program has the process's pid */
    int st = reap_within(pid, 5000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

/* ---- vfork from a threaded parent ---- */

static _Atomic long ticks;
static _Atomic int counting;

static void *count_forever(void *arg)
{
    (void)arg;
    while (atomic_load(&counting))
        atomic_fetch_add(&ticks, 1);
    return NULL;
}

static void test_vfork_from_threaded_parent(void)
{
    atomic_store(&ticks, 0);
    atomic_store(&counting, 1);
    pthread_t t;
    CHECK_ERR(pthread_create(&t, NULL, count_forever, NULL), 0);
    while (atomic_load(&ticks) == 0)
        sched_yield();
    pid_t pid = vfork();
    if (pid == 0) {
        /* we run in the parent's memory while only the parent's vforking thread waits: the
         * sibling's counter moves meanwhile */
        long a = atomic_load(&ticks);
        struct timespec ts = {0, 10 * 1000000};
        for (int i = 0; i < 300 && atomic_load(&ticks) == a; i++)
            nanosleep(&ts, NULL);
        _exit(atomic_load(&ticks) > a ? 0 : 1);
    }
    REQUIRE(pid > 0);
    int st = reap_within(pid, 5000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    atomic_store(&counting, 0);
    CHECK_ERR(pthread_join(t, NULL), 0);
}

/* A stop stops every thread, computing ones included; SIGCONT lets them all go on. */
static _Atomic long *stop_counts;

static void *count_shared(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (;;)
        atomic_fetch_add(&stop_counts[k], 1);
    return NULL;
}

static void test_stop_stops_every_thread(void)
{
    stop_counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(stop_counts != MAP_FAILED);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, count_shared, (void *)1);
        count_shared((void *)0);
    }
    while (atomic_load(&stop_counts[0]) == 0 || atomic_load(&stop_counts[1]) == 0)
        sched_yield();
    CHECK_EQ(kill(pid, SIGSTOP), 0);
    int st = 0;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    long a0 = atomic_load(&stop_counts[0]), a1 = atomic_load(&stop_counts[1]);
    gt_sleep_ms(30);
    CHECK_EQ(atomic_load(&stop_counts[0]), a0);
    CHECK_EQ(atomic_load(&stop_counts[1]), a1);
    CHECK_EQ(kill(pid, SIGCONT), 0);
    for (int i = 0; i < 5000 && (atomic_load(&stop_counts[0]) == a0 ||
                                 atomic_load(&stop_counts[1]) == a1); i++)
        gt_sleep_ms(1);
    CHECK(atomic_load(&stop_counts[0]) > a0);
    CHECK(atomic_load(&stop_counts[1]) > a1);
    CHECK_EQ(kill(pid, SIGKILL), 0);
    st = reap_within(pid, 5000);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    munmap((void *)stop_counts, 4096);
}

/* CLONE_THREAD | CLONE_VFORK (musl's raw clone()): the caller waits until the new thread ends. */
static _Atomic int vfork_thread_done;

static int vfork_thread_fn(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 30 * 1000000};
    syscall(SYS_nanosleep, &ts, NULL); /* raw: this thread has no TLS of its own */
    atomic_store(&vfork_thread_done, 1);
    return 0; /* musl's clone() then makes the raw exit of this thread */
}

static void test_clone_thread_vfork_waits(void)
{
    static char stack[16384] __attribute__((aligned(16)));
    atomic_store(&vfork_thread_done, 0);
    int tid = clone(vfork_thread_fn, stack + sizeof stack,
                    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                        CLONE_SYSVSEM | CLONE_VFORK,
                    NULL);
    CHECK(tid > 0);
    CHECK_EQ(atomic_load(&vfork_thread_done), 1); /* it ran to its end before we went on */
}

/* A thread's exit wakes its joiner (CLONE_CHILD_CLEARTID) only once the thread is gone: joining
 * many threads that end at once, each stack freed by the joiner, never crashes. */
static void *quick(void *arg)
{
    return arg;
}

static void test_join_after_clear_tid(void)
{
    for (int round = 0; round < 50; round++) {
        pthread_t t[8];
        for (int i = 0; i < 8; i++)
            CHECK_ERR(pthread_create(&t[i], NULL, quick, (void *)(intptr_t)i), 0);
        for (int i = 0; i < 8; i++) {
            void *r;
            CHECK_ERR(pthread_join(t[i], &r), 0);
            CHECK_EQ((intptr_t)r, i);
        }
    }
}

static const struct gt_test tests[] = {
    GT_TEST(main_thread_exits_first),
    GT_TEST(exit_group_from_a_thread),
    GT_TEST(exit_group_ends_blocked_threads),
    GT_TEST(fatal_signal_ends_all_threads),
    GT_TEST(fault_in_a_thread_ends_all),
    GT_TEST(exec_from_non_main_thread),
    GT_TEST(vfork_from_threaded_parent),
    GT_TEST(clone_thread_vfork_waits),
    GT_TEST(stop_stops_every_thread),
    GT_TEST(join_after_clear_tid),
};

int main(int argc, char **argv)
{
    gt_test_prog(child_prog, sizeof child_prog, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
