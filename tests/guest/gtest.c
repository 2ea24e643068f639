/* gtest: see gtest.h. */
#define _GNU_SOURCE
#include "gtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int gt_passed, gt_failed;

static const char *gt_prog = "gtest";
static int cur_failures;
static char first_failure[1200];

/* Descriptors probed for leaks around each test. */
#define GT_FD_SCAN 256

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void gt_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("  %s:%d: %s\n", base_name(file), line, msg);
    fflush(stdout);
    if (cur_failures++ == 0)
        snprintf(first_failure, sizeof first_failure, "%s:%d: %s", base_name(file), line, msg);
}

void gt_note(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("  note: %s\n", msg);
    fflush(stdout);
}

int gt_current_failures(void)
{
    return cur_failures;
}

bool gt_fd_is_open(int fd)
{
    int saved = errno;
    bool open = fcntl(fd, F_GETFD) != -1;
    errno = saved;
    return open;
}

void gt_init(const char *argv0)
{
    gt_prog = base_name(argv0 && *argv0 ? argv0 : "gtest");
    /* Line buffered even into a pipe or a file, so that our lines and those of children we spawn
     * come out in order. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The tests need a writable /tmp; create it if the root file system lacks one. */
    int saved = errno;
    mkdir("/tmp", 01777);
    errno = saved;
}

void gt_run_one(const char *name, void (*fn)(void))
{
    static bool open_before[GT_FD_SCAN];
    for (int fd = 0; fd < GT_FD_SCAN; fd++)
        open_before[fd] = gt_fd_is_open(fd);
    cur_failures = 0;
    first_failure[0] = 0;

    fn();

    for (int fd = 0; fd < GT_FD_SCAN; fd++) {
        bool open_now = gt_fd_is_open(fd);
        if (open_now && !open_before[fd]) {
            gt_fail(__FILE__, __LINE__, "test leaked file descriptor %d", fd);
            close(fd);
        } else if (!open_now && open_before[fd]) {
            gt_fail(__FILE__, __LINE__, "test closed pre-existing file descriptor %d", fd);
        }
    }
    if (cur_failures == 0) {
        gt_passed++;
        printf("PASS %s\n", name);
    } else {
        gt_failed++;
        if (cur_failures > 1)
            printf("FAIL %s: %s (and %d more)\n", name, first_failure, cur_failures - 1);
        else
            printf("FAIL %s: %s\n", name, first_failure);
    }
    fflush(stdout);
}

int gt_run_selected(int argc, char **argv, const struct gt_test *tests, size_t n)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", tests[i].name);
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(argv[a], tests[i].name) == 0;
        if (!found) {
            printf("%s: no test named '%s' (--list lists them)\n", gt_prog, argv[a]);
            return 2;
        }
    }
    for (size_t i = 0; i < n; i++) {
        bool selected = argc <= 1;
        for (int a = 1; a < argc; a++)
            selected |= strcmp(argv[a], tests[i].name) == 0;
        if (selected) gt_run_one(tests[i].name, tests[i].fn);
    }
    return 0;
}

int gt_summary(void)
{
    printf("%d passed, %d failed\n", gt_passed, gt_failed);
    fflush(stdout);
    return gt_failed == 0 ? 0 : 1;
}

int gt_main(int argc, char **argv, const struct gt_test *tests, size_t n)
{
    gt_init(argv[0]);
    int r = gt_run_selected(argc, argv, tests, n);
    if (r == 2) return argc > 1 && strcmp(argv[1], "--list") == 0 ? 0 : 2;
    return gt_summary();
}

bool os_is_kestrel(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.sysname, "Kestrel") == 0;
}

const char *gt_tests_dir(void)
{
    const char *d = getenv("GTEST_DIR");
    return d && *d ? d : "/tests";
}

char *gt_test_prog(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", gt_tests_dir(), name);
    return buf;
}

char *gt_tmp(char *buf, size_t n, const char *tag)
{
    static unsigned counter;
    snprintf(buf, n, "/tmp/gt_%s_%d_%s_%u", gt_prog, (int)getpid(), tag, counter++);
    return buf;
}

void gt_rm_rf(const char *path)
{
    int saved = errno;
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(path);
            if (d) {
                struct dirent *e;
                while ((e = readdir(d)) != NULL) {
                    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                    char sub[4096];
                    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                    gt_rm_rf(sub);
                }
                closedir(d);
            }
            rmdir(path);
        } else {
            unlink(path);
        }
    }
    errno = saved;
}

long long gt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

ssize_t gt_read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return got ? (ssize_t)got : -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

ssize_t gt_write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char *)buf + done, n - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

int gt_write_file(const char *path, const void *data, size_t n, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return -1;
    ssize_t w = gt_write_full(fd, data, n);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == (ssize_t)n ? 0 : -1;
}

ssize_t gt_read_file(const char *path, void *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t r = gt_read_full(fd, buf, cap);
    int saved = errno;
    close(fd);
    errno = saved;
    if (r >= 0 && (size_t)r < cap) ((char *)buf)[r] = 0;
    return r;
}

void gt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static int wait_for(pid_t pid, const char *path)
{
    int status;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) == -1 && errno == EINTR) {
    }
    if (w != pid) {
        gt_fail(__FILE__, __LINE__, "waitpid(%d) for %s returned %d: %s", (int)pid, path, (int)w,
                strerror(errno));
        return -1;
    }
    return status;
}

int gt_spawn_wait(const char *path, char *const argv[], char *const envp[])
{
    pid_t pid;
    int e = posix_spawn(&pid, path, NULL, NULL, argv, envp ? envp : environ);
    if (e != 0) {
        gt_fail(__FILE__, __LINE__, "posix_spawn(%s) failed: %s", path, strerror(e));
        return -1;
    }
    return wait_for(pid, path);
}

pid_t gt_spawn_child(const char *const *actions)
{
    static char path[256];
    char *argv[16];
    int n = 0;
    argv[n++] = gt_test_prog(path, sizeof path, "t_child");
    for (; *actions && n < 15; actions++)
        argv[n++] = (char *)*actions;
    argv[n] = NULL;
    pid_t pid;
    int e = posix_spawn(&pid, path, NULL, NULL, argv, environ);
    if (e != 0) {
        gt_fail(__FILE__, __LINE__, "posix_spawn(%s) failed: %s", path, strerror(e));
        return -1;
    }
    return pid;
}

int gt_run_child(const char *path, char *const argv[])
{
    pid_t pid;
    if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0)
        return 127;
    int st;
    while (waitpid(pid, &st, 0) != pid)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

pid_t gt_spawn_job(const char *path, char *const argv[], int pgroup, int fd3,
                   const sigset_t *sigdef)
{
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    short flags = 0;
    if (pgroup >= 0) {
        posix_spawnattr_setpgroup(&at, pgroup);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    if (sigdef) {
        posix_spawnattr_setsigdefault(&at, sigdef);
        flags |= POSIX_SPAWN_SETSIGDEF;
    }
    posix_spawnattr_setflags(&at, flags);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (fd3 >= 0)
        posix_spawn_file_actions_adddup2(&fa, fd3, 3);
    pid_t pid = -1;
    int e = posix_spawn(&pid, path, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e) {
        gt_fail(__FILE__, __LINE__, "posix_spawn %s: %s", path, strerror(e));
        return -1;
    }
    return pid;
}

int gt_reap(pid_t pid)
{
    return pid > 0 ? wait_for(pid, "t_child") : -1;
}

int gt_spawn_capture(const char *path, char *const argv[], char *const envp[], char *out,
                     size_t cap)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        gt_fail(__FILE__, __LINE__, "pipe2 failed: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid;
    int e = posix_spawn(&pid, path, &fa, NULL, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (e != 0) {
        close(p[0]);
        gt_fail(__FILE__, __LINE__, "posix_spawn(%s) failed: %s", path, strerror(e));
        return -1;
    }
    size_t got = 0;
    char sink[256];
    for (;;) {
        ssize_t r;
        if (got + 1 < cap)
            r = read(p[0], out + got, cap - 1 - got);
        else
            r = read(p[0], sink, sizeof sink); /* drain what does not fit */
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (got + 1 < cap) got += (size_t)r;
    }
    if (cap) out[got] = 0;
    close(p[0]);
    return wait_for(pid, path);
}
