/* t_exhaust: what issue 12 found a user program could do to the whole system, each checked
 * against the system rather than the program (every one failed before the memory layer: the
 * huge mapping built page tables for all of it, unmapping kept them, a hog or a bomb took the
 * machine down):
 *
 *   huge_mmap             mmap(NULL, 0x7ff000000000, RW, PRIVATE|ANON|NORESERVE) succeeds, pages
 *                         at both ends can be used, and spawn, a pipe and file I/O work after it
 *   map_unmap_64g         mmap + touch both ends + munmap of 64 GiB, 100 times: free memory is
 *                         exactly what it was
 *   sleeper_huge_mmap     a second process sleeping 1 ms at a time records its longest gap
 *                         while this one maps 0x7ff000000000 bytes: REPORTED (a note), never
 *                         asserted (no test may depend on speed); the target is under 50 ms
 *   sleeper_huge_bss      the same during the exec of t_bigbss, an ELF with a 1 TiB bss (built
 *                         by this directory's CMake): the program runs (or, under an overcommit
 *                         heuristic as Linux's, the exec fails with ENOMEM), the system intact
 *   memory_hog            a child touching 4 GiB (the machine has 1) dies of SIGKILL while this
 *                         process's pipe round trips and /proc reads keep succeeding, during
 *                         and after; its memory comes back; the sleeper's longest gap over it
 *                         all is reported (KESTREL only)
 *   sleeper_big_read      the sleeper's longest gap while this process reads 1 GiB of /dev/zero
 *                         into a MAP_NORESERVE buffer in one read(): reported
 *   killed_in_select, killed_in_poll, killed_in_epoll_wait, killed_in_select_sleep
 *                         a child with 32 MiB touched, killed while it waits there, gives its
 *                         memory back at once (a server holding its reply must not keep it)
 *   spawn_bomb            posix_spawn of children that wait on a pipe, until it fails: EAGAIN;
 *                         once they are let go and reaped, spawning works and the process
 *                         count is back (KESTREL only: root has no limit on Linux)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "gtest.h"

extern char **environ;

#define HUGE_LEN 0x7ff000000000ull
#define MAP_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

static unsigned long long free_ram(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0) return 0;
    return (unsigned long long)si.freeram * (si.mem_unit ? si.mem_unit : 1);
}

static long procs(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? si.procs : -1;
}

/* spawn, a pipe and a file: the servers answer */
static void system_works(void)
{
    char path[256];
    gt_test_prog(path, sizeof path, "t_child");
    char *argv[] = {"t_child", "exit", "5", NULL};
    int st = gt_spawn_wait(path, argv, NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
    int p[2];
    REQUIRE(pipe(p) == 0);
    char b[8] = {0};
    CHECK_EQ(write(p[1], "ping", 4), 4);
    CHECK_EQ(read(p[0], b, sizeof b), 4);
    CHECK_MEMEQ(b, "ping", 4);
    close(p[0]);
    close(p[1]);
    char tmp[128];
    gt_tmp(tmp, sizeof tmp, "io");
    CHECK_EQ(gt_write_file(tmp, "data", 4, 0600), 0);
    CHECK_EQ(gt_read_file(tmp, b, sizeof b), 4);
    CHECK_MEMEQ(b, "data", 4);
    unlink(tmp);
}

static void test_huge_mmap(void)
{
    long long t0 = gt_now_ns();
    char *m = mmap(NULL, HUGE_LEN, PROT_READ | PROT_WRITE, MAP_FLAGS, -1, 0);
    long long t1 = gt_now_ns();
    if (m == MAP_FAILED && !os_is_kestrel() && errno == ENOMEM) {
        /* Linux: ASLR may leave less than that much room below its mmap base */
        gt_note("not on Kestrel: no room for %#llx bytes here", HUGE_LEN);
        return;
    }
    REQUIRE(m != MAP_FAILED);
    gt_note("mmap of %#llx bytes took %lld us", HUGE_LEN, (t1 - t0) / 1000);
    m[0] = 1;
    m[HUGE_LEN - 1] = 2;
    CHECK_EQ(m[0] + m[HUGE_LEN - 1], 3);
    system_works();
    CHECK_EQ(munmap(m, HUGE_LEN), 0);
    system_works();
}

static void test_map_unmap_64g(void)
{
    const size_t len = 64ull << 30;
    unsigned long long before = 0;
    for (int i = 0; i <= 100; i++) {
        if (i == 1) before = free_ram(); /* after one round: first-use allocations are done */
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_FLAGS, -1, 0);
        if (m == MAP_FAILED) {
            gt_fail(__FILE__, __LINE__, "round %d: mmap of 64 GiB: %s", i, strerror(errno));
            return;
        }
        m[0] = 1, m[len / 2] = 2, m[len - 1] = 3; /* three sets of page tables */
        if (munmap(m, len) != 0) {
            gt_fail(__FILE__, __LINE__, "round %d: munmap: %s", i, strerror(errno));
            return;
        }
    }
    unsigned long long after = free_ram();
    gt_note("free memory %llu -> %llu KiB", before >> 10, after >> 10);
    if (os_is_kestrel())
        CHECK_EQ(after, before); /* every page and page table came back (Linux caches some) */
}

/* ---- the sleeper ---- */

struct sleeper {
    volatile long long max_gap_ns;
    volatile long rounds;
};

/* a process that sleeps 1 ms at a time and records the longest time between two wake-ups */
static pid_t sleeper_start(struct sleeper *s)
{
    s->max_gap_ns = 0;
    s->rounds = 0;
    pid_t pid = fork();
    if (pid == 0) {
        long long last = gt_now_ns();
        for (;;) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            long long now = gt_now_ns();
            if (now - last > s->max_gap_ns && s->rounds > 2) s->max_gap_ns = now - last;
            last = now;
            s->rounds++;
        }
    }
    while (pid > 0 && s->rounds < 10) /* it runs */
        gt_sleep_ms(1);
    s->max_gap_ns = 0;
    return pid;
}

/* ends the sleeper after a few more rounds; the longest gap seen, ns */
static long long sleeper_stop(struct sleeper *s, pid_t pid)
{
    long r = s->rounds;
    while (s->rounds < r + 5)
        gt_sleep_ms(1);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return s->max_gap_ns;
}

static struct sleeper *sleeper_mem(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void test_sleeper_huge_mmap(void)
{
    struct sleeper *s = sleeper_mem();
    REQUIRE(s != NULL);
    pid_t pid = sleeper_start(s);
    REQUIRE(pid > 0);
    char *m = mmap(NULL, HUGE_LEN, PROT_READ | PROT_WRITE, MAP_FLAGS, -1, 0);
    CHECK(m != MAP_FAILED || !os_is_kestrel()); /* (see huge_mmap) */
    long long gap = sleeper_stop(s, pid);
    gt_note("the sleeper's longest gap during mmap of %#llx bytes: %lld us (target: under 50 ms; "
            "the clock tick, 10 ms on Kestrel, is the least it can be)",
            HUGE_LEN, gap / 1000);
    if (m != MAP_FAILED) munmap(m, HUGE_LEN);
    munmap(s, 4096);
}

static void test_sleeper_huge_bss(void)
{
    struct sleeper *s = sleeper_mem();
    REQUIRE(s != NULL);
    pid_t pid = sleeper_start(s);
    REQUIRE(pid > 0);
    char path[256];
    gt_test_prog(path, sizeof path, "t_bigbss");
    char *argv[] = {"t_bigbss", NULL};
    pid_t child;
    int st = -1, err = posix_spawn(&child, path, NULL, NULL, argv, environ);
    if (err == 0) CHECK_EQ(waitpid(child, &st, 0), child);
    long long gap = sleeper_stop(s, pid);
    /* it ran with its 1 TiB of zeroes, or (an overcommit heuristic that refuses a private
     * writable terabyte) the exec failed with ENOMEM: either way at once, the system intact.
     * (Linux refuses the bss after the exec's point of no return: SIGSEGV.) */
    if (!os_is_kestrel())
        ;
    else if (err == 0)
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    else
        CHECK_EQ(err, ENOMEM);
    gt_note("exec of a 1 TiB bss: %s; the sleeper's longest gap meanwhile: %lld us (target: "
            "under 50 ms)",
            err                                 ? strerror(err)
            : WIFEXITED(st) && !WEXITSTATUS(st) ? "ran"
                                                : "killed",
            gap / 1000);
    munmap(s, 4096);
    system_works();
}

/* ---- exhaustion ---- */

/* a pipe round trip and a /proc read: 1 if both worked */
static int servers_answer(void)
{
    static char buf[4096]; /* static: no new stack page when memory is gone */
    int p[2];
    if (pipe(p) != 0) return 0;
    int ok = write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1 && buf[0] == 'x';
    close(p[0]);
    close(p[1]);
    return ok && gt_read_file("/proc/meminfo", buf, sizeof buf) > 0 && strstr(buf, "MemFree");
}

static void test_memory_hog(void)
{
    if (!os_is_kestrel()) {
        gt_note("not on Kestrel: skipped (the host's own memory would be the one exhausted)");
        return;
    }
    servers_answer(); /* its pages and the servers' first-use allocations, before the hog */
    struct sleeper *s = sleeper_mem();
    REQUIRE(s != NULL);
    unsigned long long before = free_ram();
    pid_t sl = sleeper_start(s);
    REQUIRE(sl > 0);
    char path[256];
    gt_test_prog(path, sizeof path, "t_child");
    char *argv[] = {"t_child", "hog", "4096", NULL};
    pid_t pid;
    REQUIRE(posix_spawn(&pid, path, NULL, NULL, argv, environ) == 0);
    int st = 0, during = 0, failed = 0;
    pid_t r;
    while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
        servers_answer() ? during++ : failed++;
        gt_sleep_ms(2);
    }
    CHECK_EQ(r, pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    long long gap = sleeper_stop(s, sl);
    munmap(s, 4096);
    gt_note("the sleeper's longest gap while the hog filled memory and died: %lld us", gap / 1000);
    gt_note("%d round trips and /proc reads while the hog ran, %d failed", during, failed);
    CHECK_EQ(failed, 0);
    CHECK(during > 0);
    CHECK(servers_answer());
    unsigned long long after = free_ram();
    gt_note("free memory %llu -> %llu KiB", before >> 10, after >> 10);
    CHECK(after + (256u << 10) >= before); /* its gigabyte is back (servers' bookkeeping aside) */
}

static void test_sleeper_big_read(void)
{
    const size_t len = 1ull << 30;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_FLAGS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    int fd = open("/dev/zero", O_RDONLY);
    REQUIRE(fd >= 0);
    struct sleeper *s = sleeper_mem();
    REQUIRE(s != NULL);
    pid_t pid = sleeper_start(s);
    REQUIRE(pid > 0);
    long long t0 = gt_now_ns();
    ssize_t n = read(fd, m, len);
    long long t1 = gt_now_ns();
    long long gap = sleeper_stop(s, pid);
    CHECK(n > 0); /* all of it, or as much as memory allowed */
    gt_note("read of %zd bytes of /dev/zero took %lld ms; the sleeper's longest gap meanwhile: "
            "%lld us",
            n, (t1 - t0) / 1000000, gap / 1000);
    close(fd);
    munmap(s, 4096);
    munmap(m, len);
}

/* A process killed while it waits in select, poll or epoll_wait (vfs holds its reply) gives its
 * memory back at once, not when the wait would have timed out (found by sysfuzz). */
static void killed_while_waiting(int how)
{
    const size_t len = 32u << 20;
    int p[2];
    REQUIRE(pipe(p) == 0);
    unsigned long long before = free_ram();
    pid_t pid = fork();
    if (pid == 0) {
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) _exit(1);
        memset(m, 1, len);
        close(p[1]);
        if (how == 0) {
            fd_set r;
            FD_ZERO(&r);
            FD_SET(p[0], &r);
            struct timeval tv = {100000, 0};
            select(p[0] + 1, &r, NULL, NULL, &tv);
        } else if (how == 1) {
            struct pollfd pf = {p[0], POLLIN, 0};
            poll(&pf, 1, -1);
        } else if (how == 3) {
            struct timeval tv = {100000, 0}; /* no descriptor: a sleep */
            select(0, NULL, NULL, NULL, &tv);
        } else {
            int ep = epoll_create1(0);
            struct epoll_event ev = {.events = EPOLLIN}, out;
            epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
            epoll_wait(ep, &out, 1, -1);
        }
        _exit(2);
    }
    REQUIRE(pid > 0);
    gt_sleep_ms(300); /* it touched its memory and waits */
    CHECK_EQ(kill(pid, SIGKILL), 0);
    int st = 0;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(p[0]);
    close(p[1]);
    unsigned long long after = free_ram();
    gt_note("free memory %llu -> %llu KiB", before >> 10, after >> 10);
    CHECK(after + (1u << 20) >= before); /* its 32 MiB are back */
}

static void test_killed_in_select(void)
{
    killed_while_waiting(0);
}

static void test_killed_in_poll(void)
{
    killed_while_waiting(1);
}

static void test_killed_in_select_sleep(void)
{
    killed_while_waiting(3);
}

static void test_killed_in_epoll_wait(void)
{
    killed_while_waiting(2);
}

static void test_spawn_bomb(void)
{
    if (!os_is_kestrel()) {
        gt_note("not on Kestrel: skipped (root is exempt from the process limit on Linux)");
        return;
    }
    static pid_t kids[40000];
    long before = procs();
    int hold[2];
    REQUIRE(pipe(hold) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, hold[0], 0);
    posix_spawn_file_actions_addclose(&fa, hold[1]);
    char path[256];
    gt_test_prog(path, sizeof path, "t_child");
    char *argv[] = {"t_child", "cat", NULL}; /* waits on the pipe until every writer is gone */
    int n = 0, err = 0;
    while (n < 40000) {
        err = posix_spawn(&kids[n], path, &fa, NULL, argv, environ);
        if (err) break;
        n++;
    }
    posix_spawn_file_actions_destroy(&fa);
    gt_note("%d children, then %s", n, strerror(err));
    CHECK_EQ(err, EAGAIN);
    CHECK(n > 10);
    CHECK(servers_answer()); /* at the limit, the servers still answer */
    close(hold[1]);
    close(hold[0]);
    for (int i = 0; i < n; i++)
        waitpid(kids[i], NULL, 0);
    char *argv2[] = {"t_child", "exit", "4", NULL};
    int st = gt_spawn_wait(path, argv2, NULL); /* recovered */
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
    CHECK_EQ(procs(), before);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(huge_mmap),
        GT_TEST(map_unmap_64g),
        GT_TEST(sleeper_huge_mmap),
        GT_TEST(sleeper_huge_bss),
        GT_TEST(memory_hog),
        GT_TEST(sleeper_big_read),
        GT_TEST(killed_in_select),
        GT_TEST(killed_in_poll),
        GT_TEST(killed_in_epoll_wait),
        GT_TEST(killed_in_select_sleep),
        GT_TEST(spawn_bomb),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
