/* trace_decode.c: one syscall's arguments and result, as text.
 *
 * Each syscall we decode has a spec: one letter per argument (the table below says what each
 * letter prints). Arguments the kernel fills in (a read buffer, pipe's fds, a struct stat, a
 * wait status, an output timespec) are printed at the exit stop, together with every argument
 * after them; all others at the entry stop, while their memory still holds what the call was
 * given (execve's strings are gone after a successful exec). A syscall without a spec prints
 * its name and "(...)".
 *
 * Entry points: decode_enter, decode_exit, print_flags, print_sig. */
#define _GNU_SOURCE
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STR_MAX 32   /* bytes of a string or buffer shown, like strace's default -s 32 */
#define ARGV_MAX 32  /* argv elements shown */
#define ENV_MAX 4096 /* envp elements counted */

/* Argument letters. Printed at entry:
 *   d int  l long  u unsigned long  x hex  p pointer or NULL  F fd  D dirfd (AT_FDCWD)
 *   s string  b buffer whose length is the next argument  o open flags (with access mode)
 *   O open-style flags (O_CLOEXEC|O_NONBLOCK, 0)  M mode, only if the flags before had O_CREAT
 *   m mode  c clone flags and exit signal  q clone3's struct clone_args  w wait options
 *   g signal  P mmap prot  f mmap flags  a AT_* flags  A access mode  C clock id
 *   h sigprocmask how  n fcntl command  v argv  e envp (its count)  t struct timespec
 * Printed at exit (kernel-filled):
 *   B buffer of the result's length  K int[2]  T struct timespec  S struct stat  W wait status */
#define EXIT_LETTERS "BKTSW"

struct spec {
    const char *name;
    const char *args;
    char ret; /* 'd' decimal, 'x' hex, 'o' octal */
};

static const struct spec specs[] = {
    {"read", "FBu", 'd'},       {"write", "Fbu", 'd'},         {"open", "soM", 'd'},
    {"close", "F", 'd'},        {"stat", "sS", 'd'},           {"fstat", "FS", 'd'},
    {"lstat", "sS", 'd'},       {"poll", "pdd", 'd'},          {"lseek", "Fld", 'd'},
    {"mmap", "puPfFx", 'x'},    {"mprotect", "puP", 'd'},      {"munmap", "pu", 'd'},
    {"brk", "p", 'x'},          {"rt_sigaction", "gppu", 'd'}, {"rt_sigprocmask", "hppu", 'd'},
    {"rt_sigreturn", "", 'd'},  {"ioctl", "Fxx", 'd'},         {"pread64", "FBul", 'd'},
    {"pwrite64", "Fbul", 'd'},  {"readv", "Fpd", 'd'},         {"writev", "Fpd", 'd'},
    {"access", "sA", 'd'},      {"pipe", "K", 'd'},            {"select", "dpppp", 'd'},
    {"sched_yield", "", 'd'},   {"mremap", "puuxp", 'x'},      {"madvise", "pud", 'd'},
    {"dup", "F", 'd'},          {"dup2", "FF", 'd'},           {"pause", "", 'd'},
    {"nanosleep", "tp", 'd'},   {"getpid", "", 'd'},           {"clone", "cpppx", 'd'},
    {"fork", "", 'd'},          {"vfork", "", 'd'},            {"execve", "sve", 'd'},
    {"exit", "d", 'd'},         {"wait4", "dWwp", 'd'},        {"kill", "dg", 'd'},
    {"uname", "p", 'd'},        {"fcntl", "Fnx", 'd'},         {"fsync", "F", 'd'},
    {"truncate", "sl", 'd'},    {"ftruncate", "Fl", 'd'},      {"getdents", "Fpu", 'd'},
    {"getcwd", "pu", 'd'},      {"chdir", "s", 'd'},           {"fchdir", "F", 'd'},
    {"rename", "ss", 'd'},      {"mkdir", "sm", 'd'},          {"rmdir", "s", 'd'},
    {"creat", "sm", 'd'},       {"link", "ss", 'd'},           {"unlink", "s", 'd'},
    {"symlink", "ss", 'd'},     {"readlink", "sBu", 'd'},      {"chmod", "sm", 'd'},
    {"fchmod", "Fm", 'd'},      {"chown", "sdd", 'd'},         {"umask", "m", 'o'},
    {"gettimeofday", "pp", 'd'}, {"getrlimit", "dp", 'd'},     {"sysinfo", "p", 'd'},
    {"getuid", "", 'd'},        {"getgid", "", 'd'},           {"setuid", "d", 'd'},
    {"setgid", "d", 'd'},       {"geteuid", "", 'd'},          {"getegid", "", 'd'},
    {"setpgid", "dd", 'd'},     {"getppid", "", 'd'},          {"getpgrp", "", 'd'},
    {"setsid", "", 'd'},        {"getpgid", "d", 'd'},         {"getsid", "d", 'd'},
    {"rt_sigpending", "pu", 'd'}, {"rt_sigsuspend", "pu", 'd'}, {"sigaltstack", "pp", 'd'},
    {"arch_prctl", "xx", 'd'},  {"chroot", "s", 'd'},          {"sync", "", 'd'},
    {"gettid", "", 'd'},        {"tkill", "dg", 'd'},          {"time", "p", 'd'},
    {"futex", "pdupxd", 'd'},   {"getdents64", "Fpu", 'd'},    {"set_tid_address", "p", 'd'},
    {"clock_gettime", "CT", 'd'}, {"clock_nanosleep", "Cdtp", 'd'}, {"exit_group", "d", 'd'},
    {"tgkill", "ddg", 'd'},     {"waitid", "ddpwp", 'd'},      {"openat", "DsoM", 'd'},
    {"mkdirat", "Dsm", 'd'},    {"newfstatat", "DsSa", 'd'},   {"unlinkat", "Dsa", 'd'},
    {"renameat", "DsDs", 'd'},  {"linkat", "DsDsa", 'd'},      {"symlinkat", "sDs", 'd'},
    {"readlinkat", "DsBu", 'd'}, {"fchmodat", "Dsm", 'd'},     {"faccessat", "DsA", 'd'},
    {"pselect6", "dppppp", 'd'}, {"ppoll", "pdppu", 'd'},      {"set_robust_list", "pu", 'd'},
    {"utimensat", "Dspa", 'd'}, {"epoll_create1", "O", 'd'},   {"dup3", "FFO", 'd'},
    {"pipe2", "KO", 'd'},       {"prlimit64", "ddpp", 'd'},    {"getrandom", "pux", 'd'},
    {"statx", "Dsaxp", 'd'},    {"rseq", "pudx", 'd'},         {"clone3", "qu", 'd'},
    {"close_range", "FFx", 'd'}, {"faccessat2", "DsAa", 'd'},  {"eventfd2", "uO", 'd'},
    {"sendfile", "FFpu", 'd'},  {"socket", "ddd", 'd'},        {"prctl", "dxxxx", 'd'},
    {"alarm", "u", 'd'},       {"fadvise64", "Flld", 'd'},        {"setitimer", "dpp", 'd'},     {"getitimer", "dp", 'd'},
    {"rt_sigtimedwait", "pppu", 'd'}, {"sched_getaffinity", "dup", 'd'},
    {"epoll_wait", "Fpdd", 'd'}, {"epoll_ctl", "dddp", 'd'},   {"msync", "pux", 'd'},
};

static const struct spec *spec_of(long nr)
{
    static const struct spec **by_nr;
    if (!by_nr) {
        by_nr = calloc((size_t)sys_table_size(), sizeof *by_nr);
        if (!by_nr)
            return NULL;
        for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
            long n = sys_number(specs[i].name);
            if (n >= 0)
                by_nr[n] = &specs[i];
        }
    }
    if (nr < 0 || nr >= sys_table_size())
        return NULL;
    return by_nr[nr];
}

/* ---- small printers ---- */

void print_flags(const struct flag_name *tab, unsigned long v, const char *zero)
{
    if (v == 0) {
        fputs(zero, out);
        return;
    }
    const char *sep = "";
    for (const struct flag_name *f = tab; f->name; f++) {
        if (f->val && (v & f->val) == f->val) {
            fprintf(out, "%s%s", sep, f->name);
            sep = "|";
            v &= ~f->val;
        }
    }
    if (v)
        fprintf(out, "%s%#lx", sep, v);
}

static void print_value(const struct flag_name *tab, unsigned long v)
{
    for (const struct flag_name *f = tab; f->name; f++) {
        if (f->val == v) {
            fputs(f->name, out);
            return;
        }
    }
    fprintf(out, "%ld", (long)v);
}

void print_sig(int sig)
{
    if (sig == 0)
        fputs("0", out);
    else
        fputs(sig_name(sig), out);
}

static void print_ptr(unsigned long v)
{
    if (v == 0)
        fputs("NULL", out);
    else
        fprintf(out, "%#lx", v);
}

static void print_quoted(const unsigned char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fprintf(out, "\\%03o", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

/* A NUL-terminated string of the tracee: at most STR_MAX bytes, then "..." */
static void print_string(pid_t pid, unsigned long addr)
{
    if (!addr) {
        fputs("NULL", out);
        return;
    }
    unsigned char buf[STR_MAX + 1];
    size_t n = mem_read(pid, addr, buf, sizeof buf);
    if (n == 0) {
        print_ptr(addr);
        return;
    }
    unsigned char *nul = memchr(buf, 0, n);
    if (nul) {
        print_quoted(buf, (size_t)(nul - buf));
        return;
    }
    print_quoted(buf, n < STR_MAX ? n : STR_MAX);
    fputs("...", out);
}

/* len bytes at addr: at most STR_MAX, then "..." */
static void print_buffer(pid_t pid, unsigned long addr, unsigned long len)
{
    unsigned char buf[STR_MAX];
    size_t want = len < STR_MAX ? len : STR_MAX;
    size_t n = mem_read(pid, addr, buf, want);
    if (n < want) {
        print_ptr(addr);
        return;
    }
    print_quoted(buf, n);
    if (len > STR_MAX)
        fputs("...", out);
}

static void print_argv(pid_t pid, unsigned long addr)
{
    if (!addr) {
        fputs("NULL", out);
        return;
    }
    fputc('[', out);
    for (int i = 0;; i++) {
        unsigned long p;
        if (mem_read(pid, addr + (unsigned long)i * sizeof p, &p, sizeof p) != sizeof p) {
            fputs(i ? ", ?" : "?", out);
            break;
        }
        if (!p)
            break;
        if (i)
            fputs(", ", out);
        if (i == ARGV_MAX) {
            fputs("...", out);
            break;
        }
        print_string(pid, p);
    }
    fputc(']', out);
}

static void print_envp(pid_t pid, unsigned long addr)
{
    print_ptr(addr);
    if (!addr)
        return;
    int n = 0;
    unsigned long p = 1;
    while (n < ENV_MAX && mem_read(pid, addr + (unsigned long)n * sizeof p, &p, sizeof p) ==
                              sizeof p && p)
        n++;
    fprintf(out, " /* %d var%s%s */", n, n == 1 ? "" : "s", n == ENV_MAX ? " or more" : "");
}

static void print_timespec(pid_t pid, unsigned long addr)
{
    long long ts[2];
    if (!addr || mem_read(pid, addr, ts, sizeof ts) != sizeof ts) {
        print_ptr(addr);
        return;
    }
    fprintf(out, "{tv_sec=%lld, tv_nsec=%lld}", ts[0], ts[1]);
}

static void print_stat(pid_t pid, unsigned long addr)
{
    static const struct flag_name types[] = {
        {S_IFREG, "S_IFREG"}, {S_IFDIR, "S_IFDIR"},   {S_IFCHR, "S_IFCHR"}, {S_IFBLK, "S_IFBLK"},
        {S_IFIFO, "S_IFIFO"}, {S_IFLNK, "S_IFLNK"},   {S_IFSOCK, "S_IFSOCK"}, {0, NULL},
    };
    struct stat st; /* x86_64: musl's and glibc's struct stat are the kernel's */
    if (!addr || mem_read(pid, addr, &st, sizeof st) != sizeof st) {
        print_ptr(addr);
        return;
    }
    fputs("{st_mode=", out);
    print_value(types, st.st_mode & S_IFMT);
    fprintf(out, "|%#o, st_size=%lld, ...}", (unsigned)(st.st_mode & 07777), (long long)st.st_size);
}

static void print_wstatus(pid_t pid, unsigned long addr)
{
    int s;
    if (!addr || mem_read(pid, addr, &s, sizeof s) != sizeof s) {
        print_ptr(addr);
        return;
    }
    if ((s & 0x7f) == 0)
        fprintf(out, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (s >> 8) & 0xff);
    else if ((s & 0xff) == 0x7f)
        fprintf(out, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", sig_name((s >> 8) & 0xff));
    else if (s == 0xffff)
        fputs("[{WIFCONTINUED(s)}]", out);
    else
        fprintf(out, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", sig_name(s & 0x7f),
                (s & 0x80) ? " && WCOREDUMP(s)" : "");
}

static void print_fds(pid_t pid, unsigned long addr)
{
    int fd[2];
    if (!addr || mem_read(pid, addr, fd, sizeof fd) != sizeof fd) {
        print_ptr(addr);
        return;
    }
    fprintf(out, "[%d, %d]", fd[0], fd[1]);
}

static void print_clone_flags(unsigned long v)
{
    unsigned long sig = v & 0xff;
    if (v & ~0xffUL) {
        print_flags(clone_flags, v & ~0xffUL, "0");
        if (sig)
            fputc('|', out);
    } else if (!sig) {
        fputs("0", out);
    }
    if (sig)
        print_sig((int)sig);
}

static void print_clone_args(pid_t pid, unsigned long addr, unsigned long size)
{
    unsigned long long a[8] = {0}; /* flags pidfd child_tid parent_tid exit_signal stack
                                       stack_size tls */
    if (size > sizeof a)
        size = sizeof a;
    if (!addr || size < 8 * 6 || mem_read(pid, addr, a, size) != size) {
        print_ptr(addr);
        return;
    }
    fputs("{flags=", out);
    print_flags(clone_flags, (unsigned long)a[0], "0");
    fputs(", exit_signal=", out);
    print_sig((int)a[4]);
    fprintf(out, ", stack=%#llx, stack_size=%#llx}", a[5], a[6]);
}

static void print_open_flags(unsigned long v)
{
    static const char *const modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    fputs(modes[v & 3], out);
    if (v & ~3UL) {
        fputc('|', out);
        print_flags(open_flags, v & ~3UL, "0");
    }
}

static void print_mmap_flags(unsigned long v)
{
    static const char *const types[] = {"", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
    fputs(types[v & 3], out);
    if (v & ~3UL) {
        if (v & 3)
            fputc('|', out);
        print_flags(mmap_flags, v & ~3UL, "0");
    } else if (!(v & 3)) {
        fputs("0", out);
    }
}

/* ---- one argument ---- */

static int is_error(long ret)
{
    return ret < 0 && ret >= -4095;
}

static void print_arg(struct tracee *t, const char *spec, int i, long ret)
{
    unsigned long v = t->args[i];
    pid_t pid = t->tid;
    switch (spec[i]) {
    case 'd': fprintf(out, "%d", (int)v); break;
    case 'l': fprintf(out, "%ld", (long)v); break;
    case 'u': fprintf(out, "%lu", v); break;
    case 'x': fprintf(out, "%#lx", v); break;
    case 'p': print_ptr(v); break;
    case 'F': fprintf(out, "%d", (int)v); break;
    case 'D':
        if ((int)v == -100)
            fputs("AT_FDCWD", out);
        else
            fprintf(out, "%d", (int)v);
        break;
    case 's': print_string(pid, v); break;
    case 'b': print_buffer(pid, v, i < 5 ? t->args[i + 1] : 0); break;
    case 'o': print_open_flags(v); break;
    case 'O': print_flags(open_flags, v, "0"); break;
    case 'M':
    case 'm': fprintf(out, "%#lo", v); break;
    case 'c': print_clone_flags(v); break;
    case 'q': print_clone_args(pid, v, i < 5 ? t->args[i + 1] : 0); break;
    case 'w': print_flags(wait_flags, v, "0"); break;
    case 'g': print_sig((int)v); break;
    case 'P': print_flags(prot_flags, v, "PROT_NONE"); break;
    case 'f': print_mmap_flags(v); break;
    case 'a': print_flags(at_flags, v, "0"); break;
    case 'A': print_flags(access_flags, v, "F_OK"); break;
    case 'C': print_value(clock_names, v); break;
    case 'h': print_value(sigmask_hows, v); break;
    case 'n': print_value(fcntl_cmds, v); break;
    case 'v': print_argv(pid, v); break;
    case 'e': print_envp(pid, v); break;
    case 't': print_timespec(pid, v); break;
    /* kernel-filled: only worth reading when the call succeeded */
    case 'B':
        if (is_error(ret) || ret <= 0)
            print_ptr(v);
        else
            print_buffer(pid, v, (unsigned long)ret);
        break;
    case 'K': is_error(ret) ? print_ptr(v) : print_fds(pid, v); break;
    case 'T': is_error(ret) ? print_ptr(v) : print_timespec(pid, v); break;
    case 'S': is_error(ret) ? print_ptr(v) : print_stat(pid, v); break;
    case 'W': ret <= 0 ? print_ptr(v) : print_wstatus(pid, v); break;
    default: fprintf(out, "%#lx", v); break;
    }
}

/* Prints the arguments from index `from` up to the first kernel-filled one (at entry) or to the
 * end (at exit); returns the index it stopped at. */
static int print_args(struct tracee *t, const char *spec, int from, int at_exit, long ret)
{
    int i;
    for (i = from; spec[i] && i < 6; i++) {
        if (!at_exit && strchr(EXIT_LETTERS, spec[i]))
            break;
        /* open's mode means something only with O_CREAT or O_TMPFILE */
        if (spec[i] == 'M' && !(t->args[i - 1] & 020000100))
            continue;
        if (i)
            fputs(", ", out);
        print_arg(t, spec, i, ret);
    }
    return i;
}

void decode_enter(struct tracee *t)
{
    const char *name = sys_name(t->nr);
    if (name)
        fprintf(out, "%s(", name);
    else
        fprintf(out, "syscall_%ld(", t->nr);
    const struct spec *s = spec_of(t->nr);
    if (!s) {
        fputs("...", out);
        t->next_arg = 6;
        return;
    }
    t->next_arg = print_args(t, s->args, 0, 0, 0);
}

static void print_result(long ret, char kind)
{
    if (is_error(ret)) {
        int e = (int)-ret;
        const char *n = errno_name(e);
        if (e >= 512 && e <= 516)
            fprintf(out, " = ? %s (to be restarted)", n);
        else if (n)
            fprintf(out, " = -1 %s (%s)", n, strerror(e));
        else
            fprintf(out, " = -1 E%d (%s)", e, strerror(e));
    } else if (kind == 'x') {
        fprintf(out, " = %#lx", (unsigned long)ret);
    } else if (kind == 'o') {
        fprintf(out, " = %#lo", (unsigned long)ret);
    } else {
        fprintf(out, " = %ld", ret);
    }
}

void decode_exit(struct tracee *t, long ret)
{
    const struct spec *s = spec_of(t->nr);
    if (s && t->next_arg < 6)
        print_args(t, s->args, t->next_arg, 1, ret);
    if (!t->args_closed)
        fputc(')', out);
    print_result(ret, s ? s->ret : 'd');
}
