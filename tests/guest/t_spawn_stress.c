/* t_spawn_stress: 1000 posix_spawn + waitpid cycles must not leak memory, processes or open file
 * descriptions. KESTREL: free memory, process count and the open-file count must be exactly as
 * before; on Linux they move for unrelated reasons, so they are only reported. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gt_snap.h"
#include "gtest.h"

extern char **environ;

static char child_path[512];

static int spawn_one(void)
{
    char *argv[] = {"t_child", "exit", "0", NULL};
    pid_t pid;
    int e = posix_spawn(&pid, child_path, NULL, NULL, argv, environ);
    if (e) {
        errno = e;
        return -1;
    }
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static void test_spawn_1000(void)
{
    struct gt_snap before, after;
    /* warm-up: first-use allocations happen here, the clock's and the snapshot's among them (a
     * program's data pages arrive at their first write, copied from the file's pages: libc's
     * first clock_gettime writes where it found the vDSO), and the servers' spare ranges of each
     * block size a spawn frees (libsys/rt/rt.c) */
    gt_snap_take(&before);
    (void)gt_now_ns();
    for (int i = 0; i < 3; i++)
        REQUIRE(spawn_one() == 0);
    gt_snap_take(&before);
    long long t0 = gt_now_ns();
    int failed_spawns = 0, bad_status = 0;
    for (int i = 0; i < 1000; i++) {
        int r = spawn_one();
        if (r < 0 && failed_spawns++ == 0)
            gt_fail(__FILE__, __LINE__, "spawn %d failed: %s", i, strerror(errno));
        if (r > 0) bad_status++;
        if (failed_spawns > 10) break;
    }
    long long el = gt_now_ns() - t0;
    gt_snap_take(&after);
    CHECK_EQ(failed_spawns, 0);
    CHECK_EQ(bad_status, 0);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    gt_note("1000 spawns in %lld ms, %lld us each", el / 1000000, el / 1000 / 1000);
    /* KESTREL: exact accounting */
    gt_snap_same(&before, &after, 0);
}

/* KESTREL: a child that touches more memory than the machine has dies of SIGKILL (Linux's OOM
 * killer), nobody else is hurt, and its memory comes back. (On Linux the host's memory and
 * overcommit policy decide: not run there.) */
static void test_memory_exhaustion(void)
{
    if (!os_is_kestrel()) {
        gt_note("not on Kestrel: skipped");
        return;
    }
    struct sysinfo before, after;
    CHECK_EQ(sysinfo(&before), 0);
    char *argv[] = {"t_child", "hog", "4096", NULL};
    extern char **environ;
    pid_t pid;
    CHECK_EQ(posix_spawn(&pid, child_path, NULL, NULL, argv, environ), 0);
    int st = 0;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
    CHECK_EQ(sysinfo(&after), 0);
    /* everything it had is free again (a few pages of servers' bookkeeping may stay) */
    CHECK(after.freeram + 64 * 4096 >= before.freeram);
    /* and the survivor can still allocate and touch memory */
    size_t n = 16u << 20;
    char *m = malloc(n);
    CHECK(m != NULL);
    if (m) {
        memset(m, 7, n);
        CHECK_EQ(m[n - 1], 7);
        free(m);
    }
}

static const struct gt_test tests[] = {
    GT_TEST(spawn_1000),
    GT_TEST(memory_exhaustion),
};

int main(int argc, char **argv)
{
    gt_test_prog(child_path, sizeof child_path, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
