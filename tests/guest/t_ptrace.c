/* t_ptrace: ptrace(2) requests and stops, checked against Linux's behaviour (and run on Linux by
 * run_on_host.sh). Every test forks its own tracee and reaps everything it started; tracer and
 * tracee keep in step through pipes and stops only, never sleeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gtest.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static char child_path[256];

/* A child that makes itself a tracee of the caller and stops (SIGSTOP), then runs body and
 * exits with its result. The caller has seen the stop when this returns (or -1). */
static pid_t fork_tracee(int (*body)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(100);
        raise(SIGSTOP);
        _exit(body(arg));
    }
    if (pid < 0) return -1;
    int st = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
        gt_fail(__FILE__, __LINE__, "first stop of %d: status %#x", pid, st);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return -1;
    }
    return pid;
}

/* Ends a tracee whatever state it is in and reaps it. */
static void kill_reap(pid_t pid)
{
    int st;
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
        ;
}

/* Resumes with PTRACE_SYSCALL and waits for the next stop; the wait status (0 on error). */
static int syscall_stop(pid_t pid, struct user_regs_struct *r)
{
    int st = 0;
    if (ptrace(PTRACE_SYSCALL, pid, 0, 0) != 0 || waitpid(pid, &st, 0) != pid) return 0;
    if (WIFSTOPPED(st) && r) ptrace(PTRACE_GETREGS, pid, 0, r);
    return st;
}

/* From a stop outside a syscall, runs to the entry stop of system call nr (stops alternate
 * entry, exit). 0 if it was found. */
static int run_to_entry(pid_t pid, long nr, struct user_regs_struct *r)
{
    for (int i = 0; i < 40; i++) {
        int st = syscall_stop(pid, r);
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80)) return -1;
        if ((long)r->orig_rax == nr) return 0;
        st = syscall_stop(pid, r); /* its exit */
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80)) return -1;
    }
    return -1;
}

/* Continues a tracee, passing on any signal it stops with, until it exits: its wait status. */
static int cont_to_end(pid_t pid, int sig)
{
    int st = 0;
    for (int i = 0; i < 100; i++) {
        if (ptrace(PTRACE_CONT, pid, 0, sig) != 0 || waitpid(pid, &st, 0) != pid) return -1;
        if (!WIFSTOPPED(st)) return st;
        sig = (st >> 16) == 0 && WSTOPSIG(st) != SIGTRAP && WSTOPSIG(st) != (SIGTRAP | 0x80)
                  ? WSTOPSIG(st)
                  : 0;
    }
    return -1;
}

static int body_exit0(void *arg)
{
    (void)arg;
    return 0;
}

static void test_traceme(void)
{
    pid_t pid = fork_tracee(body_exit0, NULL);
    REQUIRE(pid > 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    CHECK_EQ(si.si_signo, SIGSTOP);
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    ssize_t n = gt_read_file(path, buf, sizeof buf);
    CHECK(n > 0);
    const char *tp = n > 0 ? strstr(buf, "TracerPid:") : NULL;
    CHECK(tp != NULL);
    if (tp) CHECK_EQ(atoi(tp + 10), getpid());
    /* SIGSTOP passed on: a group stop, which has no siginfo (how a tracer tells one) */
    int st = 0;
    CHECK_EQ(ptrace(PTRACE_CONT, pid, 0, SIGSTOP), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && (st >> 16) == 0);
    CHECK_ERRNO(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), EINVAL);
    st = cont_to_end(pid, 0); /* PTRACE_CONT runs it out of the group stop */
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (st == -1) kill_reap(pid);
}

static int body_getppid(void *arg)
{
    (void)arg;
    return syscall(SYS_getppid) == getppid() ? 0 : 1;
}

static void test_syscall_stops(void)
{
    pid_t pid = fork_tracee(body_getppid, NULL);
    REQUIRE(pid > 0);
    CHECK_EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    struct user_regs_struct r;
    if (run_to_entry(pid, SYS_getppid, &r) != 0) {
        gt_fail(__FILE__, __LINE__, "no entry stop of getppid");
        kill_reap(pid);
        return;
    }
    CHECK_EQ(r.orig_rax, SYS_getppid);
    CHECK_EQ((long)r.rax, -ENOSYS);
    errno = 0;
    long o = ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, orig_rax), 0);
    CHECK_EQ(errno, 0);
    CHECK_EQ(o, SYS_getppid);
    int st = syscall_stop(pid, &r);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGTRAP | 0x80);
    CHECK_EQ(r.orig_rax, SYS_getppid);
    CHECK_EQ((long)r.rax, getpid());
    errno = 0;
    CHECK_EQ(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, rax), 0), getpid());
    CHECK_EQ(errno, 0);
    st = cont_to_end(pid, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (st == -1) kill_reap(pid);
}

struct change_res {
    long pid_seen, skipped, skipped_errno, wrote;
};

static int body_change(void *arg)
{
    int fd = *(int *)arg;
    struct change_res res;
    res.pid_seen = syscall(SYS_getpid);
    res.skipped = syscall(SYS_getppid);
    res.skipped_errno = errno;
    res.wrote = syscall(SYS_write, 1000, "Z", 1); /* fd 1000: changed to the pipe */
    return write(fd, &res, sizeof res) == sizeof res ? 0 : 1;
}

static void test_change_call(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork_tracee(body_change, &p[1]);
    close(p[1]);
    if (pid <= 0) {
        close(p[0]);
        return;
    }
    struct user_regs_struct r;
    CHECK_EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    int ok = run_to_entry(pid, SYS_getpid, &r) == 0;
    CHECK(ok);
    if (ok) { /* at its exit, the result becomes 12345 */
        int st = syscall_stop(pid, &r);
        CHECK_EQ(WSTOPSIG(st), SIGTRAP | 0x80);
        CHECK_EQ((long)r.rax, pid);
        r.rax = 12345;
        CHECK_EQ(ptrace(PTRACE_SETREGS, pid, 0, &r), 0);
        ok = run_to_entry(pid, SYS_getppid, &r) == 0;
        CHECK(ok);
    }
    if (ok) { /* orig_rax -1 at the entry: skipped, -ENOSYS */
        r.orig_rax = (unsigned long)-1;
        CHECK_EQ(ptrace(PTRACE_SETREGS, pid, 0, &r), 0);
        int st = syscall_stop(pid, &r);
        CHECK_EQ(WSTOPSIG(st), SIGTRAP | 0x80);
        CHECK_EQ((long)r.rax, -ENOSYS);
        ok = run_to_entry(pid, SYS_write, &r) == 0;
        CHECK(ok);
    }
    if (ok) { /* the first argument changed: the write goes to the pipe */
        CHECK_EQ(r.rdi, 1000);
        r.rdi = p[1]; /* the same number in the child, which inherited it */
        CHECK_EQ(ptrace(PTRACE_SETREGS, pid, 0, &r), 0);
        int st = syscall_stop(pid, &r);
        CHECK_EQ(WSTOPSIG(st), SIGTRAP | 0x80);
        CHECK_EQ((long)r.rax, 1);
    }
    int st = ok ? cont_to_end(pid, 0) : -1;
    if (st == -1) {
        kill_reap(pid);
    } else {
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        char z = 0;
        struct change_res res;
        CHECK_EQ(read(p[0], &z, 1), 1);
        CHECK_EQ(z, 'Z');
        CHECK_EQ(read(p[0], &res, sizeof res), sizeof res);
        CHECK_EQ(res.pid_seen, 12345);
        CHECK_EQ(res.skipped, -1);
        CHECK_EQ(res.skipped_errno, ENOSYS);
        CHECK_EQ(res.wrote, 1);
    }
    close(p[0]);
}

static volatile long peek_var = 0x1111;

struct peek_arg {
    int fd;
    volatile long *ro;
};

static int body_peek(void *arg)
{
    struct peek_arg *a = arg;
    long v[2] = {peek_var, *a->ro};
    return write(a->fd, v, sizeof v) == sizeof v ? 0 : 1;
}

static void test_peek_poke(void)
{
    long *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(ro != MAP_FAILED && gone != MAP_FAILED);
    ro[0] = 0x3333;
    SYS(mprotect(ro, 4096, PROT_READ));
    SYS(munmap(gone, 4096)); /* unmapped in the child too */
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct peek_arg a = {p[1], ro};
    pid_t pid = fork_tracee(body_peek, &a);
    close(p[1]);
    if (pid > 0) {
        errno = 0;
        CHECK_EQ(ptrace(PTRACE_PEEKDATA, pid, &peek_var, 0), 0x1111);
        CHECK_EQ(errno, 0);
        CHECK_EQ(ptrace(PTRACE_POKEDATA, pid, &peek_var, 0x2222), 0);
        CHECK_EQ(ptrace(PTRACE_PEEKDATA, pid, &peek_var, 0), 0x2222);
        CHECK_EQ(ptrace(PTRACE_POKETEXT, pid, ro, 0x4444), 0); /* forced, as a debugger does */
        CHECK_EQ(ptrace(PTRACE_PEEKTEXT, pid, ro, 0), 0x4444);
        CHECK_ERRNO(ptrace(PTRACE_PEEKDATA, pid, gone, 0), EIO);
        CHECK_ERRNO(ptrace(PTRACE_POKEDATA, pid, gone, 1), EIO);
        int st = cont_to_end(pid, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        if (st == -1) kill_reap(pid);
        long v[2] = {0, 0};
        CHECK_EQ(read(p[0], v, sizeof v), sizeof v);
        CHECK_EQ(v[0], 0x2222);
        CHECK_EQ(v[1], 0x4444);
        CHECK_EQ(peek_var, 0x1111); /* ours untouched */
        CHECK_EQ(ro[0], 0x3333);
    }
    close(p[0]);
    munmap(ro, 4096);
}

static volatile sig_atomic_t usr1_runs, usr2_runs;
static void on_usr1(int s)
{
    (void)s;
    usr1_runs++;
}
static void on_usr2(int s)
{
    (void)s;
    usr2_runs++;
}

static int body_signals(void *arg)
{
    raise(SIGUSR1);          /* suppressed */
    raise(SIGUSR1);          /* passed on */
    raise(SIGUSR1);          /* replaced by SIGUSR2 */
    kill(getpid(), SIGUSR1); /* SI_USER, passed on */
    int v[2] = {usr1_runs, usr2_runs};
    return write(*(int *)arg, v, sizeof v) == sizeof v ? 0 : 1;
}

static void test_signal_stops(void)
{
    struct sigaction sa = {.sa_handler = on_usr1}, o1, o2;
    sigaction(SIGUSR1, &sa, &o1);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, &o2);
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork_tracee(body_signals, &p[1]);
    close(p[1]);
    sigaction(SIGUSR1, &o1, NULL);
    sigaction(SIGUSR2, &o2, NULL);
    if (pid <= 0) {
        close(p[0]);
        return;
    }
    /* what is passed when resuming from each SIGUSR1 stop */
    int pass[4] = {0, SIGUSR1, SIGUSR2, SIGUSR1}, st = 0, ok = 1;
    for (int i = 0; i < 4 && ok; i++) {
        ok = ptrace(PTRACE_CONT, pid, 0, i == 0 ? 0 : pass[i - 1]) == 0 &&
             waitpid(pid, &st, 0) == pid && WIFSTOPPED(st);
        CHECK(ok);
        if (!ok) break;
        CHECK_EQ(WSTOPSIG(st), SIGUSR1);
        CHECK_EQ(st >> 16, 0);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        CHECK_EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
        CHECK_EQ(si.si_signo, SIGUSR1);
        CHECK_EQ(si.si_code, i < 3 ? SI_TKILL : SI_USER); /* musl's raise is tkill */
        CHECK_EQ(si.si_pid, pid);
    }
    st = ok ? cont_to_end(pid, pass[3]) : -1;
    if (st == -1) {
        kill_reap(pid);
    } else {
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        int v[2] = {-1, -1};
        CHECK_EQ(read(p[0], v, sizeof v), sizeof v);
        CHECK_EQ(v[0], 2);
        CHECK_EQ(v[1], 1);
    }
    close(p[0]);
}

static int body_spawn_fork(void *arg)
{
    (void)arg;
    char *argv[] = {child_path, "exit", "5", NULL};
    pid_t c;
    int st;
    if (posix_spawn(&c, child_path, NULL, NULL, argv, NULL) != 0) return 1;
    if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 5) return 2;
    c = fork();
    if (c == 0) _exit(6);
    if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 6) return 3;
    return 0;
}

struct evlog {
    pid_t pid;
    char seq[160];
    unsigned long msg[8];
    int nmsg;
};

static struct evlog *evlog_of(struct evlog *l, int *n, pid_t pid)
{
    for (int i = 0; i < *n; i++)
        if (l[i].pid == pid) return &l[i];
    if (*n == 4) return NULL;
    memset(&l[*n], 0, sizeof l[*n]);
    l[*n].pid = pid;
    return &l[(*n)++];
}

/* The traced child spawns (vfork + exec) and forks; every event of the three processes is
 * logged per process. seize: the tracer seized the child (new children start with
 * PTRACE_EVENT_STOP) rather than being chosen by TRACEME (they start with SIGSTOP). */
static void events_case(bool seize)
{
    long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE |
                PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;
    pid_t pid;
    int ok;
    if (seize) {
        int p[2];
        REQUIRE(pipe(p) == 0);
        pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            _exit(read(p[0], &c, 1) == 1 ? body_spawn_fork(NULL) : 8);
        }
        close(p[0]);
        ok = pid > 0 && ptrace(PTRACE_SEIZE, pid, 0, opts) == 0;
        CHECK(ok);
        CHECK_EQ(write(p[1], "x", 1), 1); /* it goes on, traced */
        close(p[1]);
        if (!ok) {
            if (pid > 0) kill_reap(pid);
            return;
        }
    } else {
        pid = fork_tracee(body_spawn_fork, NULL);
        REQUIRE(pid > 0);
        CHECK_EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, opts), 0);
        ok = ptrace(PTRACE_CONT, pid, 0, 0) == 0;
    }
    struct evlog log[4];
    int nlog = 0, exits = 0;
    static const char *names[] = {"", "FORK", "VFORK", "CLONE", "EXEC", "VFORK_DONE", "EXIT"};
    while (ok && exits < 3) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        struct evlog *e = w > 0 ? evlog_of(log, &nlog, w) : NULL;
        if (!e) {
            ok = 0;
            break;
        }
        char tok[24];
        int sig = 0;
        if (WIFEXITED(st)) {
            snprintf(tok, sizeof tok, "exit%d ", WEXITSTATUS(st));
            exits++;
        } else if (WIFSIGNALED(st)) {
            snprintf(tok, sizeof tok, "killed%d ", WTERMSIG(st));
            exits++;
        } else if (st >> 16) {
            int ev = st >> 16;
            snprintf(tok, sizeof tok, "%s ", ev <= 6 ? names[ev] : "EVSTOP");
            unsigned long m = 0;
            CHECK_EQ(ptrace(PTRACE_GETEVENTMSG, w, 0, &m), 0);
            if (e->nmsg < 8 && ev != PTRACE_EVENT_STOP) e->msg[e->nmsg++] = m;
            siginfo_t si;
            memset(&si, 0, sizeof si);
            CHECK_EQ(ptrace(PTRACE_GETSIGINFO, w, 0, &si), 0);
            CHECK_EQ(si.si_signo, SIGTRAP);
            CHECK_EQ(si.si_code, st >> 8);
        } else if (WSTOPSIG(st) == SIGSTOP) {
            snprintf(tok, sizeof tok, "STOP "); /* a new child's first stop: suppressed */
        } else {
            tok[0] = 0; /* SIGCHLD of the parent: passed on, not part of the order */
            sig = WSTOPSIG(st);
        }
        if (strlen(e->seq) + strlen(tok) < sizeof e->seq) strcat(e->seq, tok);
        if (WIFSTOPPED(st)) ok = ptrace(PTRACE_CONT, w, 0, sig) == 0;
    }
    CHECK(ok);
    if (!ok) {
        kill_reap(pid);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        return;
    }
    struct evlog *par = evlog_of(log, &nlog, pid);
    REQUIRE(par && par->nmsg == 4);
    CHECK_STREQ(par->seq, "VFORK VFORK_DONE FORK EXIT exit0 ");
    pid_t vc = (pid_t)par->msg[0], fc = (pid_t)par->msg[2];
    CHECK_EQ(par->msg[1], vc); /* VFORK_DONE's message is the child too */
    CHECK_EQ(par->msg[3], 0);  /* EXIT's: the exit status, 0 */
    struct evlog *v = evlog_of(log, &nlog, vc), *f = evlog_of(log, &nlog, fc);
    REQUIRE(v && f && nlog == 3);
    CHECK_STREQ(v->seq, seize ? "EVSTOP EXEC EXIT exit5 " : "STOP EXEC EXIT exit5 ");
    if (v->nmsg == 2) {
        CHECK_EQ(v->msg[0], vc);     /* EXEC: the former tid */
        CHECK_EQ(v->msg[1], 5 << 8); /* EXIT: the wait status to come */
    }
    CHECK_STREQ(f->seq, seize ? "EVSTOP EXIT exit6 " : "STOP EXIT exit6 ");
    if (f->nmsg == 1) CHECK_EQ(f->msg[0], 6 << 8);
}

static void test_events(void)
{
    events_case(false);
}

static void test_events_seized(void)
{
    events_case(true);
}

/* A child blocked reading p[0] until it gets a byte (or EOF): exits with 7 after it. */
static pid_t fork_reader(int p[2])
{
    if (pipe(p) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? 7 : 8);
    }
    close(p[0]);
    if (pid < 0) close(p[1]);
    return pid;
}

static void test_seize_interrupt_listen(void)
{
    int p[2];
    pid_t pid = fork_reader(p);
    REQUIRE(pid > 0);
    int st = 0;
    CHECK_EQ(ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    CHECK_EQ(ptrace(PTRACE_INTERRUPT, pid, 0, 0), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(st >> 16, PTRACE_EVENT_STOP);
    CHECK_EQ(WSTOPSIG(st), SIGTRAP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0); /* made up by Linux */
    CHECK_EQ(si.si_signo, SIGTRAP);
    CHECK_EQ(si.si_code, SIGTRAP | PTRACE_EVENT_STOP << 8);
    /* SIGSTOP: its signal-delivery stop, then (passed on) the group stop */
    CHECK_EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    SYS(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(st >> 16, 0);
    CHECK_EQ(ptrace(PTRACE_CONT, pid, 0, SIGSTOP), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(st >> 16, PTRACE_EVENT_STOP);
    memset(&si, 0, sizeof si); /* a seized group stop has a siginfo, unlike traceme's */
    CHECK_EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    CHECK_EQ(si.si_signo, SIGSTOP);
    CHECK_EQ(si.si_code, SIGSTOP | PTRACE_EVENT_STOP << 8);
    /* LISTEN: stays stopped (the byte is not read), a SIGCONT re-traps it */
    CHECK_EQ(ptrace(PTRACE_LISTEN, pid, 0, 0), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    SYS(kill(pid, SIGCONT));
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(st >> 16, PTRACE_EVENT_STOP);
    st = WIFSTOPPED(st) ? cont_to_end(pid, 0) : st;
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    if (st == -1 || !(WIFEXITED(st) || WIFSIGNALED(st))) kill_reap(pid);
    close(p[1]);
}

static void test_attach_detach(void)
{
    int p[2];
    pid_t pid = fork_reader(p);
    REQUIRE(pid > 0);
    int st = 0;
    CHECK_EQ(ptrace(PTRACE_ATTACH, pid, 0, 0), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
    CHECK_ERRNO(ptrace(PTRACE_GETREGS, pid, 0, &(struct user_regs_struct){0}), ESRCH);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    if (!WIFEXITED(st) && !WIFSIGNALED(st)) kill_reap(pid);
    close(p[1]);
}

/* The test process traces its grandchild G: G's exit is reported to it first; the middle
 * process (G's parent) reaps G after, and tells the status it got. */
static void test_tracer_not_parent(void)
{
    int gp[2], rep[2];
    REQUIRE(pipe(rep) == 0);
    if (pipe(gp) != 0) {
        close(rep[0]), close(rep[1]);
        REQUIRE(0);
    }
    pid_t m = fork();
    if (m == 0) {
        close(rep[0]);
        pid_t g = fork();
        if (g == 0) {
            char c;
            close(gp[1]);
            _exit(read(gp[0], &c, 1) == 1 ? 9 : 8);
        }
        int st = -1;
        if (write(rep[1], &g, sizeof g) != sizeof g || waitpid(g, &st, 0) != g) st = -1;
        _exit(write(rep[1], &st, sizeof st) == sizeof st ? 0 : 1);
    }
    close(rep[1]);
    close(gp[0]);
    pid_t g = 0;
    int st = 0;
    CHECK_EQ(read(rep[0], &g, sizeof g), sizeof g);
    if (g > 0) {
        CHECK_EQ(ptrace(PTRACE_ATTACH, g, 0, 0), 0);
        CHECK_EQ(waitpid(g, &st, 0), g);
        CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
        CHECK_EQ(ptrace(PTRACE_CONT, g, 0, 0), 0);
        CHECK_EQ(write(gp[1], "x", 1), 1);
        st = 0;
        CHECK_EQ(waitpid(g, &st, 0), g); /* the tracer's report of the exit */
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    }
    close(gp[1]);
    int mst = 0;
    CHECK_EQ(read(rep[0], &mst, sizeof mst), sizeof mst); /* and the parent reaped it after */
    CHECK(WIFEXITED(mst) && WEXITSTATUS(mst) == 9);
    close(rep[0]);
    CHECK_EQ(waitpid(m, &st, 0), m);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* A tracer process (not the parent) seizes the reader and stops it, then exits; the reader is
 * then killed (EXITKILL) or detached and runs on (reading the byte: exit 7). */
static void exitkill_case(int exitkill)
{
    int p[2], ready[2];
    pid_t pid = fork_reader(p);
    REQUIRE(pid > 0);
    if (pipe(ready) != 0) {
        kill_reap(pid);
        close(p[1]);
        REQUIRE(0);
    }
    pid_t t = fork();
    if (t == 0) {
        int st;
        char ok = ptrace(PTRACE_SEIZE, pid, 0, exitkill ? PTRACE_O_EXITKILL : 0) == 0 &&
                  ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 && waitpid(pid, &st, 0) == pid &&
                  WIFSTOPPED(st);
        _exit(write(ready[1], &ok, 1) == 1 ? 0 : 1);
    }
    close(ready[1]);
    char ok = 0;
    CHECK_EQ(read(ready[0], &ok, 1), 1);
    CHECK(ok);
    close(ready[0]);
    int st = 0;
    CHECK_EQ(waitpid(t, &st, 0), t); /* the tracer is gone: its tracee killed or detached */
    ssize_t w = write(p[1], "x", 1); /* EPIPE once a killed reader is gone */
    if (!exitkill) CHECK_EQ(w, 1);
    close(p[1]);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    if (exitkill)
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    else
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    if (!WIFEXITED(st) && !WIFSIGNALED(st)) kill_reap(pid);
}

static void test_exitkill(void)
{
    exitkill_case(1);
    exitkill_case(0);
}

static int body_traceme_twice(void *arg)
{
    (void)arg;
    errno = 0;
    return ptrace(PTRACE_TRACEME, 0, 0, 0) == -1 && errno == EPERM ? 0 : 1;
}

static void test_kill_and_errors(void)
{
    int p[2];
    pid_t pid = fork_reader(p);
    REQUIRE(pid > 0);
    struct user_regs_struct r;
    CHECK_ERRNO(ptrace(PTRACE_GETREGS, pid, 0, &r), ESRCH);    /* not traced */
    CHECK_ERRNO(ptrace(PTRACE_SEIZE, pid, (void *)1, 0), EIO); /* addr != 0 */
    CHECK_ERRNO(ptrace(PTRACE_SEIZE, pid, 0, 1L << 30), EIO);  /* bad options: EIO here */
    CHECK_ERRNO(ptrace(PTRACE_ATTACH, getpid(), 0, 0), EPERM); /* oneself */
    CHECK_EQ(ptrace(PTRACE_SEIZE, pid, 0, 0), 0);
    CHECK_ERRNO(ptrace(PTRACE_GETREGS, pid, 0, &r), ESRCH); /* running */
    CHECK_ERRNO(ptrace(PTRACE_ATTACH, pid, 0, 0), EPERM);   /* traced already */
    CHECK_EQ(ptrace(PTRACE_INTERRUPT, pid, 0, 0), 0);
    int st = 0;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(ptrace(PTRACE_GETREGS, pid, 0, &r), 0);
    CHECK_ERRNO(ptrace(12345, pid, 0, 0), EIO); /* unknown */
    CHECK_ERRNO(ptrace(PTRACE_SETOPTIONS, pid, 0, 1L << 30), EINVAL);
    CHECK_EQ(ptrace(PTRACE_KILL, pid, 0, 0), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    if (!WIFSIGNALED(st) && !WIFEXITED(st)) kill_reap(pid);
    close(p[1]);

    /* TRACEME twice: EPERM (the child checks it and exits 0) */
    pid = fork_tracee(body_traceme_twice, NULL);
    if (pid > 0) {
        st = cont_to_end(pid, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        if (st == -1) kill_reap(pid);
    }

    /* GETSIGINFO at a syscall stop: Linux makes up a SIGTRAP siginfo (ptrace_do_notify) */
    pid = fork_tracee(body_getppid, NULL);
    if (pid > 0) {
        CHECK_EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
        st = syscall_stop(pid, &r);
        CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == (SIGTRAP | 0x80));
        siginfo_t si;
        memset(&si, 0, sizeof si);
        CHECK_EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
        CHECK_EQ(si.si_signo, SIGTRAP);
        CHECK_EQ(si.si_code, SIGTRAP | 0x80);
        CHECK_EQ(si.si_pid, pid);
        kill_reap(pid);
    }
}

static const uint32_t xmm_before[4] = {0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00};
static const uint32_t xmm_after[4] = {0xcafef00d, 0x12345678, 0x0badbeef, 0x87654321};

static int body_fp(void *arg)
{
    uint32_t out[4];
    long pid = getpid(), ret;
    /* xmm0 holds the pattern across the stop: the raw kill, so no C code can clobber it */
    __asm__ volatile("movdqu (%[in]), %%xmm0\n\t"
                     "syscall\n\t"
                     "movdqu %%xmm0, (%[out])"
                     : "=a"(ret)
                     : "a"((long)SYS_kill), "D"(pid),
                       "S"((long)SIGSTOP), [in] "r"(xmm_before), [out] "r"(out)
                     : "rcx", "r11", "xmm0", "memory");
    (void)ret;
    return write(*(int *)arg, out, sizeof out) == sizeof out ? 0 : 1;
}

static void test_fpregs(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork_tracee(body_fp, &p[1]);
    close(p[1]);
    if (pid <= 0) {
        close(p[0]);
        return;
    }
    int st = 0;
    int ok = ptrace(PTRACE_CONT, pid, 0, 0) == 0 && waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) &&
             WSTOPSIG(st) == SIGSTOP; /* the raw kill's stop */
    CHECK(ok);
    struct user_fpregs_struct fp;
    memset(&fp, 0, sizeof fp);
    if (ok) {
        CHECK_EQ(ptrace(PTRACE_GETFPREGS, pid, 0, &fp), 0);
        CHECK_MEMEQ(fp.xmm_space, xmm_before, 16);
        memcpy(fp.xmm_space, xmm_after, 16);
        CHECK_EQ(ptrace(PTRACE_SETFPREGS, pid, 0, &fp), 0);
        memset(&fp, 0, sizeof fp);
        CHECK_EQ(ptrace(PTRACE_GETFPREGS, pid, 0, &fp), 0);
        CHECK_MEMEQ(fp.xmm_space, xmm_after, 16);
    }
    st = ok ? cont_to_end(pid, 0) : -1;
    if (st == -1) {
        kill_reap(pid);
    } else {
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        uint32_t out[4] = {0};
        CHECK_EQ(read(p[0], out, sizeof out), sizeof out);
        CHECK_MEMEQ(out, xmm_after, 16);
    }
    close(p[0]);
}

static const struct gt_test tests[] = {
    GT_TEST(traceme),       GT_TEST(syscall_stops),
    GT_TEST(change_call),   GT_TEST(peek_poke),
    GT_TEST(signal_stops),  GT_TEST(events),
    GT_TEST(events_seized), GT_TEST(seize_interrupt_listen),
    GT_TEST(attach_detach), GT_TEST(tracer_not_parent),
    GT_TEST(exitkill),      GT_TEST(kill_and_errors),
    GT_TEST(fpregs),
};

int main(int argc, char **argv)
{
    gt_test_prog(child_path, sizeof child_path, "t_child");
    signal(SIGPIPE, SIG_IGN); /* a write to a killed reader is EPIPE, checked */
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
