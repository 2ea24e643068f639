/* gtest: the tiny harness of the guest test programs (static musl, run inside the OS).
 *
 * A program is a table of {name, fn}; each fn checks things with the macros below, which record
 * failures (file:line and the values) and carry on. gt_main() runs every test, or only those named
 * on the command line, prints "PASS <name>" or "FAIL <name>: <why>" for each, then exactly the line
 * "N passed, M failed", and returns 0 iff M == 0.
 *
 *   CHECK(cond)                  cond is true
 *   CHECK_EQ(a, b)               integer (or pointer) equality, both values printed on failure
 *   CHECK_STREQ(a, b)            C strings equal
 *   CHECK_MEMEQ(a, b, n)         n bytes equal
 *   CHECK_ERRNO(call, E)         call returns -1 and sets errno to E
 *   CHECK_ERRNO_NULL(call, E)    call returns NULL and sets errno to E
 *   CHECK_ERR(call, E)           call returns the error number E (posix_spawn style, 0 = success)
 *   SYS(call)                    evaluates call; a -1 result is a failure reporting errno; yields
 *                                the result (as long long)
 *   REQUIRE(cond)                like CHECK but returns from the (void) test function on failure
 *
 * A test must leave nothing behind: the harness fails a test that leaks file descriptors.
 * Temporary files go under /tmp with names from gt_tmp() (unique per program run and per call).
 */
#ifndef GTEST_H
#define GTEST_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct gt_test {
    const char *name;
    void (*fn)(void);
};
#define GT_TEST(name)                                                                              \
    {                                                                                              \
#name, test_##name                                                                         \
    } /* runs test_<name>() as "<name>" */
#define GT_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* Counters of the whole program (t_exec carries them across execve). */
extern int gt_passed, gt_failed;

void gt_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An informational line ("  note: ...") inside the current test; does not affect the result. */
void gt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Number of failures recorded so far by the test being run. */
int gt_current_failures(void);

/* Runs every test (or the ones named in argv[1..]) and prints the summary; the exit status. */
int gt_main(int argc, char **argv, const struct gt_test *tests, size_t n);
/* The pieces of gt_main, for programs that need to split the run (t_exec). */
void gt_init(const char *argv0);
void gt_run_one(const char *name, void (*fn)(void));
int gt_run_selected(int argc, char **argv, const struct gt_test *tests,
                    size_t n); /* 0 ok, 2 bad name */
int gt_summary(void);          /* prints "N passed, M failed"; returns 0 iff M == 0 */

/* True when running on our OS (uname sysname "Kestrel"): guards the OS-specific assertions. */
bool os_is_kestrel(void);
/* Directory holding the test programs: $GTEST_DIR, default "/tests" (lets the host run them). */
const char *gt_tests_dir(void);
/* Writes "<tests dir>/<name>" into buf and returns buf. */
char *gt_test_prog(char *buf, size_t n, const char *name);
/* A fresh unique path "/tmp/gt_<prog>_<pid>_<tag>_<k>" (nothing is created). */
char *gt_tmp(char *buf, size_t n, const char *tag);
/* Removes a file or a directory tree (no error if absent). */
void gt_rm_rf(const char *path);

/* Small helpers. */
long long gt_now_ns(void);                         /* CLOCK_MONOTONIC */
ssize_t gt_read_full(int fd, void *buf, size_t n); /* reads until n bytes or EOF/error */
ssize_t gt_write_full(int fd, const void *buf, size_t n);
int gt_write_file(const char *path, const void *data, size_t n, int mode); /* 0 or -1 */
ssize_t gt_read_file(const char *path, void *buf,
                     size_t cap); /* bytes read or -1; NUL-terminates if room */
bool gt_fd_is_open(int fd);
void gt_sleep_ms(long ms);

/* posix_spawn helpers (envp NULL: our environment). They fail the current test, with the reason,
 * and return -1 if the spawn or the wait fails; otherwise they return the child's wait status. */
int gt_spawn_wait(const char *path, char *const argv[], char *const envp[]);
/* Runs path (argv) as a child and waits for it, for a program that must not run its tests as
 * init: the child's exit status, or 128 + the signal that killed it, or 127 if it cannot start.
 * No test is failed (nothing runs yet). */
int gt_run_child(const char *path, char *const argv[]);
/* posix_spawn with the options a job-control test needs: pgroup >= 0 puts the child in that
 * process group (0: a new one), fd3 >= 0 is dup'ed to the child's fd 3, sigdef (or NULL) are the
 * signals reset to their defaults. The pid, or -1 (the current test fails with the reason). */
pid_t gt_spawn_job(const char *path, char *const argv[], int pgroup, int fd3,
                   const sigset_t *sigdef);
/* Same, with the child's stdout in a pipe: up to cap-1 bytes are collected into out
 * (NUL-terminated). */
int gt_spawn_capture(const char *path, char *const argv[], char *const envp[], char *out,
                     size_t cap);
/* t_child with these actions (a NULL-terminated list, at most 14), running beside the caller,
 * which waits for it later with gt_reap: its pid, or -1 (and a failure). */
pid_t gt_spawn_child(const char *const *actions);
int gt_reap(pid_t pid);   /* its wait status, or -1 (and a failure) */

#define GT_STR_(x) #x
#define GT_STR(x) GT_STR_(x)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) gt_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                              \
    } while (0)

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            gt_fail(__FILE__, __LINE__, "REQUIRE(%s) (test stopped)", #cond);                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long gt_a_ = (long long)(a), gt_b_ = (long long)(b);                                  \
        if (gt_a_ != gt_b_)                                                                        \
            gt_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)", #a, #b,  \
                    gt_a_, (unsigned long long)gt_a_, gt_b_, (unsigned long long)gt_b_);           \
    } while (0)

#define CHECK_STREQ(a, b)                                                                          \
    do {                                                                                           \
        const char *gt_a_ = (a), *gt_b_ = (b);                                                     \
        if (!gt_a_ || !gt_b_ || strcmp(gt_a_, gt_b_) != 0)                                         \
            gt_fail(__FILE__, __LINE__, "CHECK_STREQ(%s, %s): \"%s\" != \"%s\"", #a, #b,           \
                    gt_a_ ? gt_a_ : "(null)", gt_b_ ? gt_b_ : "(null)");                           \
    } while (0)

#define CHECK_MEMEQ(a, b, n)                                                                       \
    do {                                                                                           \
        size_t gt_n_ = (n);                                                                        \
        if (memcmp((a), (b), gt_n_) != 0)                                                          \
            gt_fail(__FILE__, __LINE__, "CHECK_MEMEQ(%s, %s, %zu): contents differ", #a, #b,       \
                    gt_n_);                                                                        \
    } while (0)

#define CHECK_ERRNO(call, E)                                                                       \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long long gt_r_ = (long long)(call);                                                       \
        int gt_e_ = errno;                                                                         \
        if (gt_r_ != -1 || gt_e_ != (E))                                                           \
            gt_fail(__FILE__, __LINE__, "CHECK_ERRNO(%s, %s): returned %lld, errno %d (%s)",       \
                    #call, #E, gt_r_, gt_e_,                                                       \
                    gt_r_ == -1 ? strerror(gt_e_) : "not set by a failure");                       \
    } while (0)

#define CHECK_ERRNO_NULL(call, E)                                                                  \
    do {                                                                                           \
        errno = 0;                                                                                 \
        const void *gt_p_ = (call);                                                                \
        int gt_e_ = errno;                                                                         \
        if (gt_p_ != NULL || gt_e_ != (E))                                                         \
            gt_fail(__FILE__, __LINE__, "CHECK_ERRNO_NULL(%s, %s): returned %p, errno %d (%s)",    \
                    #call, #E, gt_p_, gt_e_, strerror(gt_e_));                                     \
    } while (0)

#define CHECK_ERR(call, E)                                                                         \
    do {                                                                                           \
        int gt_r_ = (call);                                                                        \
        if (gt_r_ != (E))                                                                          \
            gt_fail(__FILE__, __LINE__, "CHECK_ERR(%s, %s): returned %d (%s)", #call, #E, gt_r_,   \
                    strerror(gt_r_));                                                              \
    } while (0)

#define SYS(call)                                                                                  \
    ({                                                                                             \
        errno = 0;                                                                                 \
        long long gt_r_ = (long long)(call);                                                       \
        if (gt_r_ == -1)                                                                           \
            gt_fail(__FILE__, __LINE__, "%s failed: errno %d (%s)", #call, errno,                  \
                    strerror(errno));                                                              \
        gt_r_;                                                                                     \
    })

#endif
