/* t_proc: /proc as ps uses it (Linux's procfs): /proc/self, the /proc listing, and
 * /proc/<pid>/stat ("pid (comm) S ppid pgrp session ...", 52 fields), cmdline (argv, each
 * NUL-terminated) and comm ("name\n"), read whole, in small pieces, with pread and after lseek;
 * a vfork parent seen by its child while parked; a spawned child's files, and ESRCH once it is
 * gone. KESTREL: a vfork parent's state is V (Linux shows D, uninterruptible). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

static char child_path[512];
static int g_argc;
static char **g_argv;

/* The whole file, read `chunk` bytes at a time (so the offset must advance); -1 on error. */
static ssize_t read_all(const char *path, char *buf, size_t cap, size_t chunk)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = 0;
    ssize_t r = 0;
    while (len < cap - 1) {
        size_t want = cap - 1 - len < chunk ? cap - 1 - len : chunk;
        r = read(fd, buf + len, want);
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    return r < 0 ? -1 : (ssize_t)len;
}

struct pstat {
    long pid, ppid, pgrp, session;
    char comm[64];
    char state;
    int nfields;
};

/* Parses a stat line: the comm ends at the LAST ')' (it may hold spaces and parentheses). */
static int parse_stat(const char *text, struct pstat *s)
{
    memset(s, 0, sizeof *s);
    const char *open = strchr(text, '('), *close = strrchr(text, ')');
    if (!open || !close || close < open) return -1;
    s->pid = strtol(text, NULL, 10);
    snprintf(s->comm, sizeof s->comm, "%.*s", (int)(close - open - 1), open + 1);
    if (sscanf(close + 1, " %c %ld %ld %ld", &s->state, &s->ppid, &s->pgrp, &s->session) != 4)
        return -1;
    s->nfields = 2;
    for (const char *p = close + 1; *p && *p != '\n'; p++)
        if (*p == ' ' && p[1] != ' ' && p[1] != '\n' && p[1]) s->nfields++;
    return 0;
}

static void test_self_stat(void)
{
    char buf[1024];
    REQUIRE(read_all("/proc/self/stat", buf, sizeof buf, 4096) > 0);
    struct pstat s;
    REQUIRE(parse_stat(buf, &s) == 0);
    CHECK_EQ(s.pid, getpid());
    CHECK_EQ(s.ppid, getppid());
    CHECK_EQ(s.pgrp, getpgrp());
    CHECK_EQ(s.session, getsid(0));
    CHECK_EQ(s.state, 'R');
    CHECK_STREQ(s.comm, "t_proc");
    CHECK_EQ(s.nfields, 52);
    CHECK(buf[strlen(buf) - 1] == '\n');
    /* the same text read 5 bytes at a time: the offset advances by what each read gave */
    char small[1024];
    REQUIRE(read_all("/proc/self/stat", small, sizeof small, 5) > 0);
    struct pstat s2;
    REQUIRE(parse_stat(small, &s2) == 0);
    CHECK_EQ(s2.pid, s.pid);
    CHECK_EQ(s2.ppid, s.ppid);
    CHECK_EQ(s2.state, 'R');
    CHECK_EQ(s2.nfields, 52);
    /* and through /proc/<pid> */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)getpid());
    REQUIRE(read_all(path, small, sizeof small, 4096) > 0);
    REQUIRE(parse_stat(small, &s2) == 0);
    CHECK_EQ(s2.pid, getpid());
}

static void test_pread_and_lseek(void)
{
    int fd = open("/proc/self/stat", O_RDONLY);
    REQUIRE(fd >= 0);
    char a[64] = {0}, b[64] = {0}, c[64] = {0};
    CHECK_EQ(read(fd, a, 12), 12);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_EQ(pread(fd, b, 12, 0), 12); /* its own offset, the position stays */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_MEMEQ(a, b, 12);
    CHECK_EQ(pread(fd, c, 6, 3), 6);
    CHECK_MEMEQ(c, a + 3, 6);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    memset(b, 0, sizeof b);
    CHECK_EQ(read(fd, b, 12), 12);
    CHECK_MEMEQ(a, b, 12);
    CHECK_EQ(read(fd, b, 0), 0);
    close(fd);
}

static void test_self_link(void)
{
    char target[32] = {0}, want[32];
    snprintf(want, sizeof want, "%d", (int)getpid());
    ssize_t n = readlink("/proc/self", target, sizeof target - 1);
    REQUIRE(n > 0);
    CHECK_STREQ(target, want);
    struct stat sl, sd, ss;
    REQUIRE(SYS(lstat("/proc/self", &sl)) == 0);
    CHECK(S_ISLNK(sl.st_mode));
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d", (int)getpid());
    REQUIRE(SYS(stat(dir, &sd)) == 0);
    REQUIRE(SYS(stat("/proc/self", &ss)) == 0);
    CHECK(S_ISDIR(ss.st_mode));
    CHECK_EQ(ss.st_ino, sd.st_ino);
    REQUIRE(SYS(stat("/proc/self/stat", &ss)) == 0);
    CHECK(S_ISREG(ss.st_mode));
    CHECK_EQ(ss.st_mode & 07777, 0444);
    CHECK_EQ(ss.st_size, 0);
    REQUIRE(SYS(stat("/proc/self/cmdline", &ss)) == 0);
    CHECK_EQ(ss.st_mode & 07777, 0444);
}

static bool dir_has(const char *path, const char *name)
{
    DIR *d = opendir(path);
    if (!d) return false;
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, name) == 0) found = true;
    closedir(d);
    return found;
}

static void test_listing(void)
{
    char me[32], dir[64];
    snprintf(me, sizeof me, "%d", (int)getpid());
    CHECK(dir_has("/proc", me));
    CHECK(dir_has("/proc", "self"));
    CHECK(!dir_has("/proc", "999999"));
    snprintf(dir, sizeof dir, "/proc/%s", me);
    CHECK(dir_has(dir, "stat"));
    CHECK(dir_has(dir, "cmdline"));
    CHECK(dir_has(dir, "comm"));
}

static void test_cmdline_and_comm(void)
{
    char buf[4096], want[4096];
    size_t wlen = 0;
    for (int i = 0; i < g_argc; i++) {
        size_t n = strlen(g_argv[i]) + 1;
        REQUIRE(wlen + n < sizeof want);
        memcpy(want + wlen, g_argv[i], n);
        wlen += n;
    }
    ssize_t n = read_all("/proc/self/cmdline", buf, sizeof buf, 4096);
    CHECK_EQ(n, (ssize_t)wlen);
    if (n == (ssize_t)wlen) CHECK_MEMEQ(buf, want, wlen);
    n = read_all("/proc/self/cmdline", buf, sizeof buf, 3);
    CHECK_EQ(n, (ssize_t)wlen);
    if (n == (ssize_t)wlen) CHECK_MEMEQ(buf, want, wlen);
    n = read_all("/proc/self/comm", buf, sizeof buf, 4096);
    CHECK_EQ(n, 7);
    CHECK_STREQ(buf, "t_proc\n");
}

/* A spawned child has its own files with its own argv; once reaped, its directory is gone and
 * a descriptor still open on its stat reads ESRCH. */
static void test_child_and_gone(void)
{
    char *argv[] = {"t_child", "sleep", "400", NULL};
    pid_t pid;
    REQUIRE(posix_spawn(&pid, child_path, NULL, NULL, argv, environ) == 0);
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    /* Linux lets posix_spawn return (the CLOEXEC pipe closes) before the new argument area is
     * set up, so an early read may find it empty: try again for a while */
    ssize_t n = 0;
    for (int tries = 0; tries < 50 && n == 0; tries++) {
        n = read_all(path, buf, sizeof buf, 4096);
        if (n == 0) gt_sleep_ms(2);
    }
    static const char want[] = "t_child\0sleep\0"
                               "400";
    CHECK_EQ(n, (ssize_t)sizeof want);
    if (n == (ssize_t)sizeof want) CHECK_MEMEQ(buf, want, sizeof want);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    REQUIRE(read_all(path, buf, sizeof buf, 4096) > 0);
    struct pstat s;
    REQUIRE(parse_stat(buf, &s) == 0);
    CHECK_EQ(s.pid, pid);
    CHECK_EQ(s.ppid, getpid());
    CHECK_STREQ(s.comm, "t_child");
    char me[32];
    snprintf(me, sizeof me, "%d", (int)pid);
    CHECK(dir_has("/proc", me));
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(!dir_has("/proc", me));
    struct stat sb;
    CHECK_ERRNO(stat(path, &sb), ENOENT);
    if (fd >= 0) {
        CHECK_ERRNO(read(fd, buf, sizeof buf), ESRCH);
        close(fd);
    }
}

/* Only system calls in the vfork child: it borrows our stack and memory. */
static volatile char vf_state;
static volatile long vf_pid, vf_fields_ok;

static void vfork_child_look(void)
{
    char path[32] = "/proc/", digits[16];
    long ppid = syscall(SYS_getppid);
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + ppid % 10);
        ppid /= 10;
    } while (ppid);
    int at = 6;
    while (nd)
        path[at++] = digits[--nd];
    memcpy(path + at, "/stat", 6);
    char buf[512];
    int fd = (int)syscall(SYS_open, path, O_RDONLY);
    if (fd < 0) return;
    long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
    syscall(SYS_close, fd);
    if (n <= 0) return;
    buf[n] = '\0';
    long pid = 0;
    for (int i = 0; buf[i] >= '0' && buf[i] <= '9'; i++)
        pid = pid * 10 + (buf[i] - '0');
    vf_pid = pid;
    char *close = NULL;
    for (char *p = buf; *p; p++)
        if (*p == ')') close = p;
    if (close && close[1] == ' ') {
        vf_state = close[2];
        vf_fields_ok = 1;
    }
}

static void test_vfork_parent_state(void)
{
    vf_state = 0;
    vf_pid = 0;
    vf_fields_ok = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        vfork_child_look();
        _exit(0);
    }
    REQUIRE(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(vf_fields_ok, 1);
    CHECK_EQ(vf_pid, getpid());
    /* KESTREL: V, "parked in vfork"; Linux: D (an uninterruptible, killable wait) */
    CHECK_EQ(vf_state, os_is_kestrel() ? 'V' : 'D');
    /* released, the parent is running again */
    char buf[1024];
    REQUIRE(read_all("/proc/self/stat", buf, sizeof buf, 4096) > 0);
    struct pstat s;
    REQUIRE(parse_stat(buf, &s) == 0);
    CHECK_EQ(s.state, 'R');
}

static const struct gt_test tests[] = {
    GT_TEST(self_stat),          GT_TEST(pread_and_lseek),
    GT_TEST(self_link),          GT_TEST(listing),
    GT_TEST(cmdline_and_comm),   GT_TEST(child_and_gone),
    GT_TEST(vfork_parent_state),
};

int main(int argc, char **argv)
{
    g_argc = argc;
    g_argv = argv;
    gt_test_prog(child_path, sizeof child_path, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
