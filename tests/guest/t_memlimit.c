/* t_memlimit: the limits on memory (Linux semantics) and what mapping programs saves.
 * RLIMIT_AS and RLIMIT_DATA against mmap, brk and malloc (set in a forked child); a private
 * writable mapping larger than the machine fails with ENOMEM under the heuristic overcommit unless
 * MAP_NORESERVE; a second process running a program with 1 MiB of read-only data costs far less
 * than 1 MiB (its pages are the page cache's, shared; asserted on Kestrel, where nothing else
 * runs), and its file cannot be written while it runs (ETXTBSY); filling /tmp ends in ENOSPC,
 * and vfs goes on answering (only on a tmpfs /tmp of at most 1 GiB free, which Kestrel's is;
 * skipped elsewhere). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <spawn.h>
#include <unistd.h>
#include "gtest.h"

#define MiB (1UL << 20)
#define TMPFS_MAGIC 0x01021994

/* Runs fn in a forked child (so its limits go with it): fn's result is the exit status. */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* bytes mapped now (/proc/self/stat's vsize) */
static unsigned long mapped_bytes(void)
{
    static char stat[2048];
    if (gt_read_file("/proc/self/stat", stat, sizeof stat) <= 0)
        return 0;
    char *p = strrchr(stat, ')');
    for (int field = 2; p && field < 23; field++)   /* vsize is field 23 */
        p = strchr(p + 1, ' ');
    return p ? strtoul(p + 1, NULL, 10) : 0;
}

static int as_child(void)
{
    unsigned long now = mapped_bytes();
    if (!now)
        return 1;
    struct rlimit r = {now + 16 * MiB, now + 16 * MiB};
    if (setrlimit(RLIMIT_AS, &r))
        return 2;
    if (mmap(NULL, 32 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED ||
        errno != ENOMEM)
        return 3;
    void *small = mmap(NULL, MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (small == MAP_FAILED)
        return 4;
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    if ((uintptr_t)syscall(SYS_brk, cur + 32 * MiB) != cur)
        return 5;   /* the break stays */
    if (malloc(32 * MiB) != NULL)
        return 6;
    return 0;
}

static void test_rlimit_as(void)
{
    CHECK_EQ(in_child(as_child), 0);
}

static int data_child(void)
{
    struct rlimit r = {8 * MiB, 8 * MiB};
    if (setrlimit(RLIMIT_DATA, &r))
        return 1;
    /* private writable memory counts; read-only and shared memory do not */
    if (mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
            MAP_FAILED || errno != ENOMEM)
        return 2;
    if (mmap(NULL, 16 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
        return 3;
    if (mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) ==
        MAP_FAILED)
        return 4;
    if (malloc(16 * MiB) != NULL)
        return 5;
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    if ((uintptr_t)syscall(SYS_brk, cur + 16 * MiB) != cur)
        return 6;
    void *ok = malloc(MiB);   /* under the limit: fine */
    if (!ok)
        return 7;
    memset(ok, 1, MiB);
    return 0;
}

static void test_rlimit_data(void)
{
    CHECK_EQ(in_child(data_child), 0);
}

static void test_huge_private_mapping(void)
{
    char mode[8] = "0";
    if (gt_read_file("/proc/sys/vm/overcommit_memory", mode, sizeof mode) > 0 && mode[0] != '0') {
        gt_note("vm.overcommit_memory is %c, not the heuristic: skipped", mode[0]);
        return;
    }
    struct sysinfo si;
    REQUIRE(sysinfo(&si) == 0);
    size_t huge = (si.totalram + si.totalswap) * si.mem_unit + 64 * MiB;
    CHECK_ERRNO(mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                ENOMEM);
    CHECK_ERRNO(mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
                ENOMEM);
    CHECK(malloc(huge) == NULL);
    /* not committed: MAP_NORESERVE, or nothing to write */
    void *p = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    CHECK(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        ((volatile char *)p)[huge / 2] = 1;   /* one page of it is fine */
        CHECK_EQ(munmap(p, huge), 0);
    }
    p = mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    if (p != MAP_FAILED)
        CHECK_EQ(munmap(p, huge), 0);
}

/* t_bigtext (or a copy of it at path) running beside us, its stdin the returned fd (close it to
 * end it); -1 on failure, with the spawn's error in errno */
static int start_bigtext_at(const char *path, pid_t *pid)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = {"t_bigtext", NULL};
    extern char **environ;
    int e = posix_spawn(pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    char line[2];
    if (e || gt_read_full(out[0], line, 2) != 2) {
        close(in[1]);
        close(out[0]);
        errno = e;
        return -1;
    }
    close(out[0]);
    return in[1];
}

static int start_bigtext(pid_t *pid)
{
    char path[256];
    gt_test_prog(path, sizeof path, "t_bigtext");
    return start_bigtext_at(path, pid);
}

static unsigned long long free_bytes(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (unsigned long long)si.freeram * si.mem_unit : 0;
}

static void test_program_pages_are_shared(void)
{
    pid_t a, b;
    int fa = start_bigtext(&a);   /* the first one may bring the file's pages in */
    REQUIRE(fa >= 0);
    unsigned long long before = free_bytes();
    int fb = start_bigtext(&b);
    unsigned long long after = free_bytes();
    REQUIRE(fb >= 0);
    long long cost = (long long)before - (long long)after;
    gt_note("a second process of a 1 MiB program took %lld KiB", cost / 1024);
    if (os_is_kestrel())
        CHECK(cost < (long long)MiB / 2);   /* copying its data would take 1 MiB */
    close(fa);
    close(fb);
    int st;
    CHECK_EQ(waitpid(a, &st, 0), a);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(waitpid(b, &st, 0), b);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_tmpfs_fills_up(void)
{
    struct statfs sf;
    REQUIRE(statfs("/tmp", &sf) == 0);
    unsigned long long avail = (unsigned long long)sf.f_bavail * sf.f_bsize;
    if (sf.f_type != TMPFS_MAGIC || avail > 1024 * MiB) {
        gt_note("/tmp is not a tmpfs with at most 1 GiB free: skipped");
        return;
    }
    char path[128], other[128];
    gt_tmp(path, sizeof path, "fill");
    gt_tmp(other, sizeof other, "after");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    char *chunk = malloc(MiB);
    REQUIRE(chunk != NULL);
    memset(chunk, 'x', MiB);
    unsigned long long total = 0;
    ssize_t n;
    errno = 0;
    while ((n = write(fd, chunk, MiB)) > 0)
        total += (unsigned long long)n;
    CHECK_EQ(n, -1);
    CHECK_EQ(errno, ENOSPC);
    gt_note("/tmp took %llu MiB of %llu MiB free", total / MiB, avail / MiB);
    CHECK(total + 4 * MiB >= avail);   /* all of it (tmpfs keeps a little for itself) */
    CHECK(total <= avail);
    /* vfs goes on: other calls, another file (none of the space), then space again */
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ((unsigned long long)st.st_size, total);
    CHECK_EQ(gt_write_file(other, "", 0, 0600), 0);
    close(fd);
    CHECK_EQ(unlink(path), 0);
    CHECK_EQ(gt_write_file(other, "hello", 5, 0600), 0);
    char buf[8];
    CHECK_EQ(gt_read_file(other, buf, sizeof buf), 5);
    CHECK_EQ(unlink(other), 0);
    REQUIRE(statfs("/tmp", &sf) == 0);
    CHECK((unsigned long long)sf.f_bavail * sf.f_bsize + 4 * MiB >= avail);
    free(chunk);
}

/* A running program's file cannot be written or truncated, and a file open for writing cannot be
 * run: ETXTBSY, as Linux's (its processes map its pages). */
static void test_running_program_is_busy(void)
{
    char src[256], path[128];
    gt_test_prog(src, sizeof src, "t_bigtext");
    gt_tmp(path, sizeof path, "busy");
    static char img[4 << 20];
    ssize_t n = gt_read_file(src, img, sizeof img);
    REQUIRE(n > 0);
    REQUIRE(gt_write_file(path, img, (size_t)n, 0755) == 0);
    pid_t pid;
    int in = start_bigtext_at(path, &pid);
    if (in < 0 && (errno == EACCES || errno == EPERM)) {
        gt_note("/tmp does not allow running programs: skipped");
        unlink(path);
        return;
    }
    REQUIRE(in >= 0);
    CHECK_ERRNO(open(path, O_WRONLY), ETXTBSY);
    CHECK_ERRNO(open(path, O_RDWR), ETXTBSY);
    CHECK_ERRNO(truncate(path, 0), ETXTBSY);
    int ro = open(path, O_RDONLY);   /* reading it is fine */
    CHECK(ro >= 0);
    if (ro >= 0)
        close(ro);
    close(in);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* it ended: writable again; and open for writing, it cannot be run */
    int w = open(path, O_WRONLY);
    CHECK(w >= 0);
    CHECK_EQ(start_bigtext_at(path, &pid), -1);
    CHECK_EQ(errno, ETXTBSY);
    if (w >= 0)
        close(w);
    CHECK_EQ(unlink(path), 0);
}

static const struct gt_test tests[] = {
    GT_TEST(rlimit_as),
    GT_TEST(rlimit_data),
    GT_TEST(huge_private_mapping),
    GT_TEST(program_pages_are_shared),
    GT_TEST(running_program_is_busy),
    GT_TEST(tmpfs_fills_up),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
