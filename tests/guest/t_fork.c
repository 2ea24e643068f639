/* t_fork: fork and clone without CLONE_VM (issue 11). Isolation both ways after fork for data,
 * bss, heap, stack and private mmap (pages touched before the fork and pages first touched
 * after); MAP_SHARED anonymous memory seen by both; a read() into a copy-on-write buffer lands
 * in the reader's copy only; fork+exec; forks of forks and reparenting; the tid words of glibc's
 * fork flags; SIGCHLD and waiting for the right child; a child that faults dies alone; 10,000
 * fork+exit+wait leave no trace (KESTREL: free memory, processes and open files exactly as
 * before); a fork bomb gets EAGAIN and the system recovers (KESTREL only: on Linux, root is
 * exempt from RLIMIT_NPROC and the bomb would reach the host).
 *
 * A child reports through its exit status: 0 for success, otherwise the number of the check that
 * failed (each check in a child has its own number). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash.h"
#include "gt_snap.h"
#include "gtest.h"

extern char **environ;

/* Waits for pid and returns its exit status, or 1000 + the signal that killed it. */
static int reap(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : -2;
}

/* ---- isolation ---- */

static char g_data[64] = "parent-data";
static char g_bss[64];

#define PAGE 4096

static void fill(char *p, size_t n, char c)
{
    memset(p, c, n);
}

static int all_are(const char *p, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

/* The child sees the parent's values and writes its own; the parent's stay. */
static void test_isolation_child_writes(void)
{
    char stack[256];
    char *heap = malloc(3 * PAGE);
    char *priv = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(heap && priv != MAP_FAILED);
    strcpy(g_data, "parent-data");
    fill(g_bss, sizeof g_bss, 'b');
    fill(stack, sizeof stack, 's');
    fill(heap, 3 * PAGE, 'h');
    fill(priv, 2 * PAGE, 'm');   /* pages 2 and 3 are untouched at the fork */
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (strcmp(g_data, "parent-data")) _exit(1);
        if (!all_are(g_bss, sizeof g_bss, 'b')) _exit(2);
        if (!all_are(stack, sizeof stack, 's')) _exit(3);
        if (!all_are(heap, 3 * PAGE, 'h')) _exit(4);
        if (!all_are(priv, 2 * PAGE, 'm')) _exit(5);
        if (!all_are(priv + 2 * PAGE, 2 * PAGE, 0)) _exit(6);
        strcpy(g_data, "child-data");
        fill(g_bss, sizeof g_bss, 'B');
        fill(stack, sizeof stack, 'S');
        fill(heap, 3 * PAGE, 'H');
        fill(priv, 4 * PAGE, 'M');
        _exit(0);
    }
    CHECK_EQ(reap(pid), 0);
    CHECK_STREQ(g_data, "parent-data");
    CHECK(all_are(g_bss, sizeof g_bss, 'b'));
    CHECK(all_are(stack, sizeof stack, 's'));
    CHECK(all_are(heap, 3 * PAGE, 'h'));
    CHECK(all_are(priv, 2 * PAGE, 'm'));
    CHECK(all_are(priv + 2 * PAGE, 2 * PAGE, 0));
    munmap(priv, 4 * PAGE);
    free(heap);
}

/* The parent writes after the fork (the child waits on a pipe); the child keeps the old values. */
static void test_isolation_parent_writes(void)
{
    char stack[256];
    char *heap = malloc(2 * PAGE);
    char *priv = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(heap && priv != MAP_FAILED);
    strcpy(g_data, "before");
    fill(g_bss, sizeof g_bss, 'x');
    fill(stack, sizeof stack, 'x');
    fill(heap, 2 * PAGE, 'x');
    fill(priv, PAGE, 'x');   /* pages 1 and 2 untouched: the parent touches them first */
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 1) _exit(10);
        if (strcmp(g_data, "before")) _exit(1);
        if (!all_are(g_bss, sizeof g_bss, 'x')) _exit(2);
        if (!all_are(stack, sizeof stack, 'x')) _exit(3);
        if (!all_are(heap, 2 * PAGE, 'x')) _exit(4);
        if (!all_are(priv, PAGE, 'x')) _exit(5);
        if (!all_are(priv + PAGE, 2 * PAGE, 0)) _exit(6);
        _exit(0);
    }
    close(go[0]);
    strcpy(g_data, "after");
    fill(g_bss, sizeof g_bss, 'y');
    fill(stack, sizeof stack, 'y');
    fill(heap, 2 * PAGE, 'y');
    fill(priv, 3 * PAGE, 'y');
    CHECK_EQ(write(go[1], "g", 1), 1);
    close(go[1]);
    CHECK_EQ(reap(pid), 0);
    CHECK(all_are(priv, 3 * PAGE, 'y'));
    munmap(priv, 3 * PAGE);
    free(heap);
}

/* ---- shared memory ---- */

static void test_map_shared_counters(void)
{
    volatile long *sh = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                             -1, 0);
    REQUIRE(sh != MAP_FAILED);
    sh[0] = 0;   /* page 0 touched before the fork, page 1 not */
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 1000; i++)
            sh[0]++;
        sh[PAGE / sizeof(long)] = 4242;   /* first touch of page 1, in the child */
        _exit(0);
    }
    CHECK_EQ(reap(pid), 0);
    CHECK_EQ(sh[0], 1000);
    CHECK_EQ(sh[PAGE / sizeof(long)], 4242);
    /* and the other way: the parent's writes after the fork reach a second child */
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 1) _exit(10);
        if (sh[0] != 2000) _exit(1);
        _exit(0);
    }
    close(go[0]);
    for (int i = 0; i < 1000; i++)
        sh[0]++;
    CHECK_EQ(write(go[1], "g", 1), 1);
    close(go[1]);
    CHECK_EQ(reap(pid), 0);
    /* a private mapping beside it is not shared */
    volatile long *pv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                             0);
    REQUIRE(pv != MAP_FAILED);
    *pv = 1;
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        *pv = 2;
        _exit(*pv == 2 ? 0 : 1);
    }
    CHECK_EQ(reap(pid), 0);
    CHECK_EQ(*pv, 1);
    munmap((void *)pv, PAGE);
    munmap((void *)sh, 2 * PAGE);
}

/* ---- the kernel writing into a copy-on-write page ---- */

static void test_read_into_cow_buffer(void)
{
    static char buf[2 * PAGE];   /* bss: touched by the parent before the fork */
    fill(buf, sizeof buf, 'P');
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        /* vfs writes the read's bytes into the child's buffer: its own copy */
        char want[100];
        memset(want, 'c', sizeof want);
        if (read(p[0], buf + PAGE - 50, 100) != 100) _exit(1);
        if (memcmp(buf + PAGE - 50, want, 100)) _exit(2);
        if (!all_are(buf, PAGE - 50, 'P')) _exit(3);
        _exit(0);
    }
    close(p[0]);
    char data[100];
    memset(data, 'c', sizeof data);
    CHECK_EQ(write(p[1], data, sizeof data), 100);
    close(p[1]);
    CHECK_EQ(reap(pid), 0);
    CHECK(all_are(buf, sizeof buf, 'P'));   /* the parent's pages never changed */
    /* the other way: the parent reads into its buffer while the child holds the old one */
    int q[2], go[2];
    REQUIRE(pipe(q) == 0 && pipe(go) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(q[0]);
        close(go[1]);
        if (write(q[1], "xyz", 3) != 3) _exit(1);
        char c;
        if (read(go[0], &c, 1) != 1) _exit(2);
        _exit(all_are(buf, sizeof buf, 'P') ? 0 : 3);
    }
    close(q[1]);
    close(go[0]);
    CHECK_EQ(read(q[0], buf, 3), 3);
    CHECK_MEMEQ(buf, "xyz", 3);
    CHECK_EQ(write(go[1], "g", 1), 1);
    close(q[0]);
    close(go[1]);
    CHECK_EQ(reap(pid), 0);
}

/* ---- exec, nesting ---- */

static void test_fork_exec(void)
{
    char path[256];
    gt_test_prog(path, sizeof path, "t_child");
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *argv[] = {"t_child", "exit", "7", NULL};
        execve(path, argv, environ);
        _exit(99);
    }
    CHECK_EQ(reap(pid), 7);
    /* posix_spawn and system from inside a forked child */
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char *argv[] = {"t_child", "exit", "5", NULL};
        pid_t c;
        if (posix_spawn(&c, path, NULL, NULL, argv, environ)) _exit(1);
        int st;
        if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 5) _exit(2);
        pid_t v = vfork();
        if (v == 0) {
            char *av[] = {"t_child", "exit", "6", NULL};
            execve(path, av, environ);
            _exit(99);
        }
        if (v < 0 || waitpid(v, &st, 0) != v || WEXITSTATUS(st) != 6) _exit(3);
        _exit(0);
    }
    CHECK_EQ(reap(pid), 0);
}

static void test_nested_and_reparented(void)
{
    int rep[2], go[2], ready[2];
    REQUIRE(pipe(rep) == 0 && pipe(go) == 0 && pipe(ready) == 0);
    pid_t mid = fork();
    REQUIRE(mid >= 0);
    if (mid == 0) {
        pid_t me = getpid();
        pid_t g = fork();
        if (g < 0) _exit(1);
        if (g == 0) {
            close(go[1]);
            int32_t before = getppid() == me;
            (void)write(ready[1], "r", 1);   /* the middle one may die now */
            char c;
            (void)read(go[0], &c, 1);   /* EOF once the middle process and the test closed it */
            int32_t out[2] = {before, (int32_t)getppid()};
            (void)write(rep[1], out, sizeof out);
            _exit(0);
        }
        char c;
        if (read(ready[0], &c, 1) != 1) _exit(2);
        _exit(0);   /* the middle one dies first */
    }
    close(go[0]);
    close(rep[1]);
    close(ready[0]);
    close(ready[1]);
    CHECK_EQ(reap(mid), 0);
    close(go[1]);
    int32_t got[2] = {0, 0};
    CHECK_EQ(gt_read_full(rep[0], got, sizeof got), (ssize_t)sizeof got);
    close(rep[0]);
    CHECK_EQ(got[0], 1);                /* the grandchild's parent was the middle one */
    CHECK(got[1] != (int32_t)mid);      /* ... and is not any more */
    if (os_is_kestrel() && getpid() == 1) {
        CHECK_EQ(got[1], 1);            /* init: this test program */
        int st;
        CHECK(waitpid(-1, &st, 0) > 0); /* and init reaps it */
    }
}

/* ---- glibc's fork: clone(CHILD_SETTID|CHILD_CLEARTID|SIGCHLD) ---- */

static void test_glibc_fork_tid_words(void)
{
    /* a shared word: the child's SETTID store and its exit-time CLEARTID store are visible here */
    volatile int32_t *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
                               0);
    REQUIRE(w != MAP_FAILED);
    static int32_t priv_tid;   /* private: the child's store must not reach the parent */
    priv_tid = 0;
    w[0] = 0x5555;
    int go[2];
    REQUIRE(pipe(go) == 0);
    long r = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, NULL,
                     (void *)w, 0);
    REQUIRE(r >= 0);
    if (r == 0) {
        close(go[1]);
        pid_t tid = (pid_t)syscall(SYS_gettid);
        if (w[0] != tid) _exit(1);
        char c;
        (void)read(go[0], &c, 1);
        _exit(0);
    }
    close(go[0]);
    /* the child stored its tid before it ran; wait until it has, then release it */
    for (int i = 0; i < 1000 && w[0] == 0x5555; i++)
        gt_sleep_ms(1);
    CHECK_EQ(w[0], r);
    close(go[1]);
    CHECK_EQ(reap((pid_t)r), 0);
    /* not cleared at the child's exit: Linux clears it only while another user of the child's
     * memory remains (a thread, a vfork parent); a forked child's copy has none */
    CHECK_EQ(w[0], r);
    /* CHILD_SETTID into private memory: the parent's copy keeps 0 */
    r = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, NULL, &priv_tid, 0);
    REQUIRE(r >= 0);
    if (r == 0)
        _exit(priv_tid == (int32_t)syscall(SYS_gettid) ? 0 : 1);
    CHECK_EQ(reap((pid_t)r), 0);
    CHECK_EQ(priv_tid, 0);
    /* PARENT_SETTID: in the parent's memory */
    r = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &priv_tid, NULL, 0);
    REQUIRE(r >= 0);
    if (r == 0)
        _exit(0);
    CHECK_EQ(priv_tid, r);
    CHECK_EQ(reap((pid_t)r), 0);
    munmap((void *)w, PAGE);
}

/* ---- signals and waiting ---- */

static volatile sig_atomic_t g_chld;
static void on_chld(int sig)
{
    (void)sig;
    g_chld++;
}

static void test_sigchld_and_right_child(void)
{
    struct sigaction sa = {.sa_handler = on_chld, .sa_flags = SA_RESTART}, old;
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGCHLD, &sa, &old) == 0);
    g_chld = 0;
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        REQUIRE(kids[i] >= 0);
        if (kids[i] == 0)
            _exit(20 + i);
    }
    /* each child's own status, waited for in reverse order */
    for (int i = 2; i >= 0; i--)
        CHECK_EQ(reap(kids[i]), 20 + i);
    CHECK(g_chld >= 1);   /* SIGCHLD does not queue: at least one arrived */
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    sigaction(SIGCHLD, &old, NULL);
}

static void test_faulting_child_dies_alone(void)
{
    static int keep = 77;
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        keep = 1;
        crash_segv();
        _exit(0);
    }
    CHECK_EQ(reap(pid), 1000 + SIGSEGV);
    CHECK_EQ(keep, 77);
    pid = fork();   /* and forking still works */
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(3);
    CHECK_EQ(reap(pid), 3);
}

/* ---- no trace left ---- */

static void test_fork_10000_no_leak(void)
{
    static char touched[8 * PAGE];
    fill(touched, sizeof touched, 1);   /* the child writes these: copy-on-write faults */
    pid_t w = fork();                   /* warm-up: first-use allocations happen here */
    REQUIRE(w >= 0);
    if (w == 0)
        _exit(0);
    CHECK_EQ(reap(w), 0);
    struct gt_snap before, after;
    gt_snap_take(&before);
    int failed = 0;
    for (int i = 0; i < 10000 && failed < 5; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            if (failed++ == 0)
                gt_fail(__FILE__, __LINE__, "fork %d failed: %s", i, strerror(errno));
            continue;
        }
        if (pid == 0) {
            touched[(i % 8) * PAGE] = 2;
            _exit(0);
        }
        if (reap(pid) != 0 && failed++ == 0)
            gt_fail(__FILE__, __LINE__, "child %d did not exit 0", i);
    }
    gt_snap_take(&after);
    gt_snap_same(&before, &after, 0);
}

/* ---- the bomb ---- */

/* Forks children that each wait on a pipe (hold[0]) until they are let go (EOF: every write end
 * closed), until fork fails. */
static int bomb(int *err, pid_t *kids, int max, const int hold[2])
{
    int n = 0;
    *err = 0;
    while (n < max) {
        pid_t pid = fork();
        if (pid < 0) {
            *err = errno;
            break;
        }
        if (pid == 0) {
            close(hold[1]);
            char c;
            (void)read(hold[0], &c, 1);
            _exit(0);
        }
        kids[n++] = pid;
    }
    return n;
}

static void test_fork_bomb_eagain(void)
{
    if (!os_is_kestrel()) {
        gt_note("skipped off Kestrel: root is exempt from RLIMIT_NPROC there");
        return;
    }
    static pid_t kids[20000];
    struct gt_snap before, after;
    gt_snap_take(&before);
    for (int round = 0; round < 2; round++) {
        /* round 0: RLIMIT_NPROC; round 1: no rlimit, the system's own limit */
        struct rlimit old, lim = {64, 64};
        getrlimit(RLIMIT_NPROC, &old);
        if (round == 0)
            REQUIRE(setrlimit(RLIMIT_NPROC, &lim) == 0);
        int hold[2];
        REQUIRE(pipe(hold) == 0);
        int err;
        int n = bomb(&err, kids, 20000, hold);
        gt_note("round %d: %d children, then errno %d", round, n, err);
        CHECK_EQ(err, EAGAIN);
        CHECK(n > 10);
        if (round == 0)
            CHECK(n < 64);
        /* the system still answers: a spawn fails with EAGAIN too, a pipe works */
        char path[256];
        gt_test_prog(path, sizeof path, "t_child");
        char *argv[] = {"t_child", "exit", "0", NULL};
        pid_t sp;
        CHECK_ERR(posix_spawn(&sp, path, NULL, NULL, argv, environ), EAGAIN);
        close(hold[1]);   /* let them all go */
        close(hold[0]);
        for (int i = 0; i < n; i++)
            if (reap(kids[i]) != 0 && i < 3)
                gt_fail(__FILE__, __LINE__, "bomb child %d did not exit 0", i);
        setrlimit(RLIMIT_NPROC, &old);
        pid_t pid = fork();   /* recovered */
        REQUIRE(pid >= 0);
        if (pid == 0)
            _exit(9);
        CHECK_EQ(reap(pid), 9);
    }
    gt_snap_take(&after);
    CHECK_EQ(after.procs, before.procs);
    CHECK_EQ(after.files, before.files);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(isolation_child_writes),
        GT_TEST(isolation_parent_writes),
        GT_TEST(map_shared_counters),
        GT_TEST(read_into_cow_buffer),
        GT_TEST(fork_exec),
        GT_TEST(nested_and_reparented),
        GT_TEST(glibc_fork_tid_words),
        GT_TEST(sigchld_and_right_child),
        GT_TEST(faulting_child_dies_alone),
        GT_TEST(fork_10000_no_leak),
        GT_TEST(fork_bomb_eagain),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
