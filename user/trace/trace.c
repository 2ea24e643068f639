/* trace.c: an strace-like tracer built on Linux ptrace only (docs/trace.md).
 *
 *   trace [-f] [-e NAMES] [-o FILE] [--route] CMD [ARGS...]
 *   trace [-f] [-e NAMES] [-o FILE] [--route] -p PID
 *
 * CMD is started with PTRACE_TRACEME and a SIGSTOP before its execve; PID is attached with
 * PTRACE_SEIZE and PTRACE_INTERRUPT, and detached with PTRACE_DETACH on Ctrl-C (SIGINT),
 * SIGTERM or SIGHUP. Then one loop: waitpid(-1, __WALL), and for each stop (syscall entry or
 * exit, PTRACE_EVENT_*, signal delivery, group-stop) print what it means and restart the thread
 * with PTRACE_SYSCALL.
 *
 * Entry point: main. The exit status is CMD's (128+N if a signal N killed it), 0 after -p, and
 * 1 if tracing could not start (ptrace refused, bad options). */
#define _GNU_SOURCE
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lx/syscalls.h"

#ifndef __WALL
#define __WALL 0x40000000
#endif

static struct {
    int follow;           /* -f */
    int route;            /* --route */
    unsigned char *shown; /* -e: shown[nr], or NULL for every call */
    const char *outfile;  /* -o */
    pid_t attach;         /* -p */
    char **cmd;
} opt;

static volatile sig_atomic_t interrupted;
static pid_t main_pid;          /* CMD's pid, whose status trace exits with */
static int main_status = -1;
static pid_t hide_until_execve; /* CMD's own calls before its execve are not shown */

static void usage(void)
{
    fputs("usage: trace [-f] [-e NAMES] [-o FILE] [--route] CMD [ARGS...]\n"
          "       trace [-f] [-e NAMES] [-o FILE] [--route] -p PID\n"
          "  -f        follow fork, vfork and clone (and mark the vfork protocol)\n"
          "  -e NAMES  show only these syscalls (comma-separated names)\n"
          "  -o FILE   write the trace to FILE instead of standard error\n"
          "  --route   after each call, Kestrel's route line (nothing on Linux)\n",
          stderr);
    exit(1);
}

static void parse_filter(const char *names)
{
    long size = sys_table_size();
    if (!opt.shown) {
        opt.shown = calloc((size_t)size, 1);
        if (!opt.shown) {
            perror("trace: calloc");
            exit(1);
        }
    }
    char *copy = strdup(names);
    if (!copy) {
        perror("trace: strdup");
        exit(1);
    }
    for (char *save, *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
        long nr = sys_number(n);
        if (nr < 0) {
            fprintf(stderr, "trace: unknown syscall name '%s'\n", n);
            exit(1);
        }
        opt.shown[nr] = 1;
    }
    free(copy);
}

static void parse_args(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "-f") == 0) {
            opt.follow = 1;
        } else if (strcmp(a, "--route") == 0) {
            opt.route = 1;
        } else if (strcmp(a, "-e") == 0 && i + 1 < argc) {
            parse_filter(argv[++i]);
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            opt.outfile = argv[++i];
        } else if (strcmp(a, "-p") == 0 && i + 1 < argc) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end || p <= 0 || p > INT_MAX) {
                fprintf(stderr, "trace: bad pid '%s'\n", argv[i]);
                exit(1);
            }
            opt.attach = (pid_t)p;
        } else {
            usage();
        }
    }
    if (i < argc)
        opt.cmd = &argv[i];
    if (!opt.cmd == !opt.attach)
        usage();
}

static int is_shown(long nr)
{
    return !opt.shown || (nr >= 0 && nr < sys_table_size() && opt.shown[nr]);
}

static long ptrace_options(void)
{
    long o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;
    if (opt.follow)
        o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
             PTRACE_O_TRACEVFORKDONE;
    return o;
}

static void die_ptrace(int err)
{
    fprintf(stderr, "trace: ptrace: %s\n", strerror(err));
    exit(1);
}

/* CMD's path as execvp would find it, so the trace starts with exactly one execve */
static const char *find_program(const char *name)
{
    static char buf[PATH_MAX];
    if (strchr(name, '/'))
        return name;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/bin:/usr/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        struct stat st;
        snprintf(buf, sizeof buf, "%.*s/%s", (int)(len ? len : 1), len ? path : ".", name);
        if (access(buf, X_OK) == 0 && stat(buf, &st) == 0 && S_ISREG(st.st_mode))
            return buf;
        path += len + (path[len] == ':');
    }
    fprintf(stderr, "trace: %s: command not found\n", name);
    exit(127);
}

static void start_cmd(void)
{
    const char *path = find_program(opt.cmd[0]);
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        perror("trace: pipe2");
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("trace: fork");
        exit(1);
    }
    if (pid == 0) {
        int err = 0;
        if (ptrace(PTRACE_TRACEME, 0, (void *)0, (void *)0) < 0) {
            err = errno;
            if (write(errpipe[1], &err, sizeof err) < 0)
                _exit(1);
            _exit(1);
        }
        kill(getpid(), SIGSTOP); /* the tracer sets its options; then the execve is traced */
        execv(path, opt.cmd);
        fprintf(stderr, "trace: exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(errpipe[1]);
    int st;
    while (waitpid(pid, &st, __WALL) < 0) {
        if (errno != EINTR) {
            perror("trace: waitpid");
            exit(1);
        }
    }
    if (!WIFSTOPPED(st)) {
        int err = 0;
        if (read(errpipe[0], &err, sizeof err) == (ssize_t)sizeof err)
            die_ptrace(err);
        fprintf(stderr, "trace: %s ended before it could be traced\n", opt.cmd[0]);
        exit(1);
    }
    close(errpipe[0]);
    if (ptrace(PTRACE_SETOPTIONS, pid, (void *)0, (void *)ptrace_options()) < 0) {
        int err = errno;
        kill(pid, SIGKILL);
        die_ptrace(err);
    }
    struct tracee *t = tracee_get(pid);
    t->started = 1;
    main_pid = pid;
    hide_until_execve = pid;
    ptrace(PTRACE_SYSCALL, pid, (void *)0, (void *)0);
}

static int seize(pid_t tid)
{
    if (ptrace(PTRACE_SEIZE, tid, (void *)0, (void *)ptrace_options()) < 0)
        return -1;
    if (ptrace(PTRACE_INTERRUPT, tid, (void *)0, (void *)0) < 0)
        return -1;
    tracee_get(tid); /* unstarted: its first stop (the interrupt) is swallowed */
    return 0;
}

/* -p: every thread of the process (from /proc/PID/task if there is one) */
static void attach_pid(pid_t pid)
{
    if (seize(pid) < 0)
        die_ptrace(errno);
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid > 0 && tid != pid && seize(tid) < 0)
            fprintf(stderr, "trace: cannot attach thread %d: %s\n", (int)tid, strerror(errno));
    }
    closedir(d);
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void set_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (opt.attach) {
        sa.sa_handler = on_signal; /* no SA_RESTART: waitpid returns EINTR */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
    } else {
        sa.sa_handler = SIG_IGN; /* ^C is for CMD, which trace sees die of it */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGQUIT, &sa, NULL);
    }
}

static void resume(struct tracee *t, int sig)
{
    ptrace(PTRACE_SYSCALL, t->tid, (void *)0, (void *)(long)sig);
}

/* Stop every tracee (PTRACE_INTERRUPT) and let it go (PTRACE_DETACH), handing back a signal it
 * was stopped with. */
static void detach_all(void)
{
    while (tracee_count() > 0) {
        struct tracee *t = tracee_at(0);
        int sig = 0, st = 0;
        pid_t got;
        ptrace(PTRACE_INTERRUPT, t->tid, (void *)0, (void *)0);
        while ((got = waitpid(t->tid, &st, __WALL)) < 0 && errno == EINTR)
            ;
        int stopped = got == t->tid && WIFSTOPPED(st);
        if (stopped && (st >> 16) == 0 && WSTOPSIG(st) != (SIGTRAP | 0x80))
            sig = WSTOPSIG(st);
        if (stopped && ptrace(PTRACE_DETACH, t->tid, (void *)0, (void *)(long)sig) == 0) {
            out_begin(t);
            fputs("--- detached ---", out);
            out_end();
        }
        tracee_drop(t);
    }
}

static void syscall_stop(struct tracee *t)
{
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, t->tid, (void *)0, &r) < 0)
        return;
    if (!t->in_syscall) {
        t->in_syscall = 1;
        t->nr = (long)r.orig_rax;
        unsigned long a[6] = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9};
        memcpy(t->args, a, sizeof a);
        t->args_closed = 0;
        if (hide_until_execve == t->tid && t->nr != LX_SYS_execve) {
            t->shown = 0;
            return;
        }
        hide_until_execve = 0;
        t->shown = is_shown(t->nr);
        if (t->shown) {
            out_begin(t);
            decode_enter(t);
            out_suspend(t);
        }
        return;
    }
    long ret = (long)r.rax;
    if (t->parked_child) /* released without a VFORK_DONE stop */
        vfork_release(t);
    if (t->shown) {
        out_resume(t);
        decode_exit(t, ret);
    }
    vfork_exec_note(t, ret);
    if (t->shown) {
        out_end();
        if (opt.route)
            route_show(t);
    }
    t->in_syscall = 0;
}

static void event_stop(struct tracee *t, int event, int sig)
{
    unsigned long msg = 0;
    switch (event) {
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_CLONE:
        if (ptrace(PTRACE_GETEVENTMSG, t->tid, (void *)0, &msg) == 0)
            tracee_get((pid_t)msg);
        break;
    case PTRACE_EVENT_VFORK:
        if (ptrace(PTRACE_GETEVENTMSG, t->tid, (void *)0, &msg) == 0)
            vfork_park(t, (pid_t)msg);
        break;
    case PTRACE_EVENT_VFORK_DONE:
        vfork_release(t);
        break;
    case PTRACE_EVENT_STOP:
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
            show_stop(t, sig); /* a group-stop: stay stopped until SIGCONT */
            if (ptrace(PTRACE_LISTEN, t->tid, (void *)0, (void *)0) == 0)
                return;
        }
        break;
    default: /* EXEC (the execve's exit stop follows), EXIT (the exit status follows) */
        break;
    }
    resume(t, 0);
}

static void signal_stop(struct tracee *t, int sig)
{
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, t->tid, (void *)0, &si) < 0) {
        /* a group-stop of a tracee attached without PTRACE_SEIZE: it cannot stay stopped */
        show_stop(t, sig);
        resume(t, 0);
        return;
    }
    show_signal(t, &si);
    resume(t, sig);
}

static void exited(pid_t pid, int st)
{
    struct tracee *t = tracee_find(pid);
    if (!t)
        return;
    show_exit(t, st);
    vfork_child_gone(t);
    if (pid == main_pid)
        main_status = st;
    tracee_drop(t);
}

static void trace_loop(void)
{
    while (tracee_count() > 0) {
        if (interrupted) {
            detach_all();
            return;
        }
        int st;
        pid_t pid = waitpid(-1, &st, __WALL);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            if (errno != ECHILD)
                perror("trace: waitpid");
            return;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            exited(pid, st);
            continue;
        }
        if (!WIFSTOPPED(st))
            continue;
        struct tracee *t = tracee_get(pid);
        int sig = WSTOPSIG(st), event = (st >> 16) & 0xff;
        if (!t->started) {
            t->started = 1;
            if (sig == SIGSTOP || event == PTRACE_EVENT_STOP) { /* the attach stop */
                resume(t, 0);
                continue;
            }
        }
        if (sig == (SIGTRAP | 0x80)) {
            syscall_stop(t);
            resume(t, 0);
        } else if (event) {
            event_stop(t, event, sig);
        } else {
            signal_stop(t, sig);
        }
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    FILE *f = stderr;
    if (opt.outfile) {
        f = fopen(opt.outfile, "we");
        if (!f) {
            fprintf(stderr, "trace: %s: %s\n", opt.outfile, strerror(errno));
            return 1;
        }
    }
    out_open(f);
    if (opt.attach)
        attach_pid(opt.attach);
    else
        start_cmd();
    set_signals();
    trace_loop();
    out_finish_unfinished();
    fflush(out);
    if (main_status < 0)
        return 0;
    if (WIFEXITED(main_status))
        return WEXITSTATUS(main_status);
    return 128 + WTERMSIG(main_status);
}
