/* t_mmap: mappings of files (Linux semantics). MAP_PRIVATE is copy-on-write over the file's pages
 * (it sees the file until it writes a page), MAP_SHARED is the file itself (coherent with read
 * and write both ways, across fork); munmap, truncate (pages past the end leave every mapping:
 * SIGBUS, and the last page's tail reads zero), an access past the end of the file (SIGBUS),
 * EACCES for a shared writable mapping of a read-only descriptor (also through mprotect), the
 * other errors, msync, /dev/zero, and /proc/self/maps naming the files (the program's own
 * segments included). Accesses that must kill are made in a forked child. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gtest.h"

#define PAGE 4096UL

/* A temporary file of n bytes, byte i being pattern(i); its fd (O_RDWR) and path. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)('a' + (i / PAGE) % 26);
}

static int make_file(char *path, size_t cap, const char *tag, size_t n)
{
    gt_tmp(path, cap, tag);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return -1;
    unsigned char *buf = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(i);
    if (gt_write_full(fd, buf, n) != (ssize_t)n) {
        free(buf);
        close(fd);
        return -1;
    }
    free(buf);
    return fd;
}

/* Runs fn(arg) in a forked child, which exits 0 if fn returns: the wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    if (pid < 0)
        return -1;
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

static void touch_read(void *p)
{
    volatile unsigned char c = *(volatile unsigned char *)p;
    (void)c;
}

static void touch_write(void *p)
{
    *(volatile unsigned char *)p = 1;
}

static bool killed_by(int st, int sig)
{
    return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static void test_private_copy_on_write(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "priv", 2 * PAGE);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(m != MAP_FAILED);
    unsigned char *m2 = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    REQUIRE(m2 != MAP_FAILED);
    CHECK_EQ(m[0], 'a');
    CHECK_EQ(m[PAGE], 'b');
    m[10] = 'X';   /* a private copy of page 0 */
    CHECK_EQ(m[10], 'X');
    unsigned char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 10), 1);
    CHECK_EQ(c, 'a');    /* the file never sees it */
    CHECK_EQ(m2[10], 'a'); /* nor another private mapping */
    /* a page not yet written still shows the file: a write() to it is seen */
    CHECK_EQ(pwrite(fd, "Q", 1, PAGE + 5), 1);
    CHECK_EQ(m[PAGE + 5], 'Q');
    CHECK_EQ(m2[PAGE + 5], 'Q');
    /* the copied page does not */
    CHECK_EQ(pwrite(fd, "Z", 1, 11), 1);
    CHECK_EQ(m[11], 'a');
    CHECK_EQ(m2[11], 'Z');
    CHECK_EQ(munmap(m, 2 * PAGE), 0);
    CHECK_EQ(munmap(m2, 2 * PAGE), 0);
    close(fd);
    unlink(path);
}

static void test_shared_coherent_with_read_write(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "shared", 3 * PAGE);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
    REQUIRE(m != MAP_FAILED);
    unsigned char *m2 = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(m2 != MAP_FAILED);
    CHECK_EQ(m[0], 'b');   /* offset one page */
    memcpy(m + 100, "through the mapping", 19);
    char buf[32] = {0};
    CHECK_EQ(pread(fd, buf, 19, PAGE + 100), 19);
    CHECK_MEMEQ(buf, "through the mapping", 19);   /* read() sees the mapping's writes */
    CHECK_MEMEQ(m2 + PAGE + 100, "through the mapping", 19);
    CHECK_EQ(pwrite(fd, "by write", 8, 2 * PAGE + 7), 8);
    CHECK_MEMEQ(m + PAGE + 7, "by write", 8);       /* the mapping sees write()'s */
    CHECK_MEMEQ(m2 + 2 * PAGE + 7, "by write", 8);
    CHECK_EQ(msync(m, 2 * PAGE, MS_SYNC), 0);
    CHECK_EQ(munmap(m, 2 * PAGE), 0);
    CHECK_EQ(munmap(m2, 3 * PAGE), 0);
    /* and it stays in the file */
    CHECK_EQ(pread(fd, buf, 19, PAGE + 100), 19);
    CHECK_MEMEQ(buf, "through the mapping", 19);
    close(fd);
    unlink(path);
}

static void test_shared_survives_fork(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "fork", PAGE);
    REQUIRE(fd >= 0);
    unsigned char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *pr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(sh != MAP_FAILED && pr != MAP_FAILED);
    pid_t pid = fork();
    if (pid == 0) {
        sh[0] = 'C';   /* the parent and the file see it */
        pr[0] = 'P';   /* nobody else does */
        _exit(sh[1] == 'a' ? 0 : 1);
    }
    REQUIRE(pid > 0);
    int st = 0;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(sh[0], 'C');
    CHECK_EQ(pr[0], 'C');   /* untouched private page: the file's, which changed */
    char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 0), 1);
    CHECK_EQ(c, 'C');
    CHECK_EQ(munmap(sh, PAGE), 0);
    CHECK_EQ(munmap(pr, PAGE), 0);
    close(fd);
    unlink(path);
}

static void test_munmap(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "unmap", 2 * PAGE);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    m[0] = 'M';
    CHECK_EQ(munmap(m, PAGE), 0);
    CHECK(killed_by(in_child(touch_read, m), SIGSEGV));
    CHECK_EQ(m[PAGE], 'b');   /* the rest stays */
    CHECK_EQ(munmap(m + PAGE, PAGE), 0);
    char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 0), 1);
    CHECK_EQ(c, 'M');
    close(fd);   /* the mapping outlives the descriptor, the file the name */
    unsigned char *again;
    fd = open(path, O_RDONLY);
    REQUIRE(fd >= 0);
    again = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    unlink(path);
    REQUIRE(again != MAP_FAILED);
    CHECK_EQ(again[0], 'M');
    CHECK_EQ(munmap(again, PAGE), 0);
}

static void test_sigbus_past_end_of_file(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "bus", 100);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);   /* mapping past the end is allowed */
    CHECK_EQ(m[99], 'a');
    CHECK_EQ(m[100], 0);        /* the rest of the last page reads zero */
    CHECK_EQ(m[PAGE - 1], 0);
    CHECK(killed_by(in_child(touch_read, m + PAGE), SIGBUS));
    CHECK(killed_by(in_child(touch_write, m + 2 * PAGE + 8), SIGBUS));
    /* the file grows (write): the page is there now, for this mapping too */
    CHECK_EQ(pwrite(fd, "grown", 5, PAGE + 10), 5);
    CHECK_MEMEQ(m + PAGE + 10, "grown", 5);
    CHECK_EQ(m[PAGE], 0);
    CHECK_EQ(munmap(m, 3 * PAGE), 0);
    close(fd);
    unlink(path);
}

static void test_truncate(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "trunc", 3 * PAGE);
    REQUIRE(fd >= 0);
    unsigned char *sh = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *pr = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(sh != MAP_FAILED && pr != MAP_FAILED);
    pr[2 * PAGE] = 'p';   /* a private copy of the last page */
    CHECK_EQ(ftruncate(fd, PAGE + 100), 0);
    /* pages past the new end leave every mapping, private copies included */
    CHECK(killed_by(in_child(touch_read, sh + 2 * PAGE), SIGBUS));
    CHECK(killed_by(in_child(touch_read, pr + 2 * PAGE), SIGBUS));
    CHECK_EQ(sh[PAGE + 99], 'b');
    CHECK_EQ(sh[PAGE + 100], 0);   /* the tail of the new last page is zero */
    CHECK_EQ(pr[PAGE + 100], 0);
    /* growing again: zero pages where the old ones were */
    CHECK_EQ(ftruncate(fd, 3 * PAGE), 0);
    CHECK_EQ(sh[2 * PAGE], 0);
    CHECK_EQ(pr[2 * PAGE], 0);
    CHECK_EQ(munmap(sh, 3 * PAGE), 0);
    CHECK_EQ(munmap(pr, 3 * PAGE), 0);
    close(fd);
    unlink(path);
}

static void test_access_rules(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "acc", PAGE);
    REQUIRE(fd >= 0);
    close(fd);
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
    REQUIRE(ro >= 0 && wo >= 0);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
    /* a private writable mapping of a read-only file is fine: the writes stay private */
    unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        p[0] = 'x';
        CHECK_EQ(munmap(p, PAGE), 0);
    }
    /* a shared read-only one can never become writable */
    unsigned char *s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
    REQUIRE(s != MAP_FAILED);
    CHECK_ERRNO(mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES);
    CHECK(killed_by(in_child(touch_write, s), SIGSEGV));
    CHECK_EQ(munmap(s, PAGE), 0);
    char c = 0;
    CHECK_EQ(pread(ro, &c, 1, 0), 1);
    CHECK_EQ(c, 'a');
    close(ro);
    close(wo);
    unlink(path);
}

static void test_errors(void)
{
    char path[128];
    int fd = make_file(path, sizeof path, "err", PAGE);
    REQUIRE(fd >= 0);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 999, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100), EINVAL);
    CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL);
    int p[2];
    REQUIRE(pipe(p) == 0);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, p[0], 0), ENODEV);
    close(p[0]);
    close(p[1]);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    REQUIRE(dir >= 0);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dir, 0), ENODEV);
    close(dir);
    /* msync: flags and alignment checked, unmapped parts ENOMEM */
    void *m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    CHECK_EQ(msync(m, PAGE, MS_ASYNC), 0);
    CHECK_EQ(msync(m, PAGE, MS_SYNC | MS_INVALIDATE), 0);
    CHECK_ERRNO(msync(m, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERRNO(msync((char *)m + 1, PAGE, MS_SYNC), EINVAL);
    CHECK_EQ(munmap(m, PAGE), 0);
    CHECK_ERRNO(msync(m, PAGE, MS_SYNC), ENOMEM);
    close(fd);
    unlink(path);
}

static void test_dev_zero(void)
{
    int fd = open("/dev/zero", O_RDWR);
    REQUIRE(fd >= 0);
    unsigned char *pr = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    unsigned char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    REQUIRE(pr != MAP_FAILED && sh != MAP_FAILED);
    CHECK_EQ(pr[3 * PAGE + 7], 0);
    pr[0] = 1;   /* anonymous memory: writable, private */
    CHECK_EQ(pr[0], 1);
    pid_t pid = fork();
    if (pid == 0) {
        pr[0] = 2;
        sh[0] = 3;
        _exit(0);
    }
    REQUIRE(pid > 0);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK_EQ(pr[0], 1);   /* private: the child's write was its own */
    CHECK_EQ(sh[0], 3);   /* shared: one memory */
    CHECK_EQ(munmap(pr, 4 * PAGE), 0);
    CHECK_EQ(munmap(sh, PAGE), 0);
}

/* The line of /proc/self/maps that covers addr, into line. */
static bool maps_line(const void *addr, char *line, size_t cap)
{
    static char text[65536];
    ssize_t n = gt_read_file("/proc/self/maps", text, sizeof text);
    if (n <= 0)
        return false;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        if (sscanf(l, "%lx-%lx", &lo, &hi) == 2 && lo <= (uintptr_t)addr && (uintptr_t)addr < hi) {
            snprintf(line, cap, "%s", l);
            return true;
        }
    }
    return false;
}

static void test_proc_maps_names_files(void)
{
    char path[128], line[512], want[300];
    int fd = make_file(path, sizeof path, "maps", 3 * PAGE);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
    REQUIRE(m != MAP_FAILED);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    REQUIRE(maps_line(m, line, sizeof line));
    unsigned long lo, hi, off, ino;
    char perms[8], dev[16], name[256] = "";
    CHECK_EQ(sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &lo, &hi, perms, &off, dev, &ino,
                    name), 7);
    CHECK_EQ(lo, (uintptr_t)m);
    CHECK_EQ(hi - lo, 2 * PAGE);
    CHECK_STREQ(perms, "r--s");
    CHECK_EQ(off, PAGE);
    CHECK_EQ(ino, st.st_ino);
    CHECK_STREQ(name, path);
    CHECK_EQ(munmap(m, 2 * PAGE), 0);
    /* the program's own code is a mapping of its file */
    char exe[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    REQUIRE(n > 0);
    exe[n] = 0;
    REQUIRE(maps_line((void *)test_proc_maps_names_files, line, sizeof line));
    snprintf(want, sizeof want, " %s", exe);
    CHECK(strstr(line, want) != NULL);
    CHECK(strstr(line, "r-xp") != NULL);
    close(fd);
    unlink(path);
}

static const struct gt_test tests[] = {
    GT_TEST(private_copy_on_write), GT_TEST(shared_coherent_with_read_write),
    GT_TEST(shared_survives_fork),  GT_TEST(munmap),
    GT_TEST(sigbus_past_end_of_file), GT_TEST(truncate),
    GT_TEST(access_rules),          GT_TEST(errors),
    GT_TEST(dev_zero),              GT_TEST(proc_maps_names_files),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
