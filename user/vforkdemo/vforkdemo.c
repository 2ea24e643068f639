/* vforkdemo: shows, with narrated output, how vfork() works on this system.
 *
 *   Round 1  vfork(); the child, running in the parent's memory, changes a variable, sleeps 1 s
 *            and calls _exit(); the parent, parked all that time, resumes and sees the change.
 *   Round 2  the same, but the child calls execve("/bin/hello") after its sleep: the parent
 *            resumes at the execve, as soon as the child has a memory of its own.
 *   Round 3  posix_spawn("/bin/hello"), which musl builds from the same mechanism.
 *
 * Everything is printed with write(2), from both sides, so the output is in a fixed order; only
 * the times and the PIDs differ from run to run.
 *
 *   vforkdemo [--hello PATH]      run PATH instead of /bin/hello (e.g. to try it on Linux)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long t_start;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One line, timestamped, written with a single write(2): safe in the vfork child. */
static void say(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *who, const char *fmt, ...)
{
    char line[512];
    long long ms = (now_ns() - t_start) / 1000000;
    int n = snprintf(line, sizeof line, "[+%lld.%03llds] %-6s: ", ms / 1000, ms % 1000, who);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    write(1, line, (size_t)n);
}

static void plain(const char *text)
{
    write(1, text, strlen(text));
}

static void sleep_1s(void)
{
    struct timespec ts = {1, 0};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static void describe_status(const char *who, int st)
{
    if (WIFEXITED(st))
        say(who, "waitpid: the child exited with status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        say(who, "waitpid: the child was killed by signal %d", WTERMSIG(st));
    else
        say(who, "waitpid: status %#x", st);
}

static int show_ps; /* --ps: the child runs ps while the parent is parked */
extern char **environ;

/* Run from the vfork child: ps lists the parent with state V, "parked in vfork". */
static void child_runs_ps(void)
{
    say("child", "running ps now, while the parent is parked:");
    char *argv[] = {"ps", NULL};
    pid_t ps;
    if (posix_spawn(&ps, "/bin/ps", NULL, NULL, argv, environ) == 0) {
        int st;
        waitpid(ps, &st, 0);
    } else {
        say("child", "could not run /bin/ps");
    }
}

static void round1(void)
{
    plain("\nRound 1: vfork() then _exit()\n");
    volatile int shared = 1;
    say("parent", "pid %d; the variable 'shared' is %d; calling vfork()", (int)getpid(), shared);
    long long t0 = now_ns();
    pid_t pid = vfork();
    if (pid == 0) {
        say("child", "pid %d, running in the parent's memory, on the parent's stack",
            (int)getpid());
        shared = 2;
        say("child", "set 'shared' to %d", shared);
        say("child",
            "sleeping 1 s; meanwhile `ps` in another shell would show the parent (pid %d) "
            "parked in vfork",
            (int)getppid());
        if (show_ps)
            child_runs_ps();
        sleep_1s();
        say("child", "calling _exit(7)");
        _exit(7);
    }
    long long parked = now_ns() - t0;
    if (pid < 0) {
        say("parent", "vfork failed: %s", strerror(errno));
        return;
    }
    say("parent", "vfork returned %d after %lld ms parked: the child is done with our memory",
        (int)pid, parked / 1000000);
    say("parent", "'shared' is now %d: the child's store landed in our memory", shared);
    int st;
    if (waitpid(pid, &st, 0) == pid) describe_status("parent", st);
}

static void round2(const char *hello)
{
    plain("\nRound 2: vfork() then execve()\n");
    char *argv[] = {"hello", NULL};
    volatile int exec_failed = 0;
    say("parent", "calling vfork()");
    long long t0 = now_ns();
    pid_t pid = vfork();
    if (pid == 0) {
        say("child", "pid %d; sleeping 1 s; `ps` would show the parent (pid %d) parked in vfork",
            (int)getpid(), (int)getppid());
        sleep_1s();
        say("child", "calling execve(\"%s\"): the parent resumes once it succeeds", hello);
        execve(hello, argv, environ);
        exec_failed = 1;
        say("child", "execve failed: %s; _exit(127)", strerror(errno));
        _exit(127);
    }
    long long resumed = now_ns() - t0;
    if (pid < 0) {
        say("parent", "vfork failed: %s", strerror(errno));
        return;
    }
    /* Say nothing until the child is gone, so that its output and ours do not interleave. */
    int st;
    pid_t w = waitpid(pid, &st, 0);
    long long ended = now_ns() - t0;
    if (exec_failed) {
        say("parent",
            "vfork returned %d after %lld ms parked: the execve failed, so the child "
            "released us by _exit",
            (int)pid, resumed / 1000000);
    } else {
        say("parent",
            "vfork returned %d after %lld ms parked, when the child's execve took it onto a "
            "memory of its own",
            (int)pid, resumed / 1000000);
        say("parent", "the child (now %s) ended %lld ms after the vfork", hello, ended / 1000000);
    }
    if (w == pid) describe_status("parent", st);
}

static void round3(const char *hello)
{
    plain("\nRound 3: posix_spawn()\n");
    char *argv[] = {"hello", NULL};
    say("parent",
        "calling posix_spawn(\"%s\"): musl makes it with clone(CLONE_VM|CLONE_VFORK), "
        "so nothing of the parent is copied",
        hello);
    long long t0 = now_ns();
    pid_t pid;
    int e = posix_spawn(&pid, hello, NULL, NULL, argv, environ);
    long long returned = now_ns() - t0;
    if (e != 0) {
        say("parent", "posix_spawn failed: %s", strerror(e));
        return;
    }
    int st;
    pid_t w = waitpid(pid, &st, 0);
    say("parent",
        "posix_spawn returned child pid %d after %lld ms (it returns once the child has "
        "exec'd)",
        (int)pid, returned / 1000000);
    if (w == pid) describe_status("parent", st);
}

int main(int argc, char **argv)
{
    const char *hello = "/bin/hello";
    if (argc == 3 && strcmp(argv[1], "--hello") == 0) {
        hello = argv[2];
    } else if (argc == 2 && strcmp(argv[1], "--ps") == 0) {
        show_ps = 1;
    } else if (argc != 1) {
        fprintf(stderr, "usage: vforkdemo [--hello PATH | --ps]\n");
        return 2;
    }
    t_start = now_ns();
    plain("vforkdemo: vfork() lends the parent's memory to the child and parks the parent until\n"
          "the child calls _exit() or execve(). Times are since the start of the demo.\n");
    round1();
    round2(hello);
    round3(hello);
    plain("\nDone.\n");
    return 0;
}
