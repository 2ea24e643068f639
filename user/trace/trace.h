/* trace: an strace-like tracer built on Linux ptrace only (see docs/trace.md).
 *
 * The same sources build as Kestrel's /bin/trace (static musl) and natively on a Linux host.
 * This header is what the files share:
 *
 *   trace.c         options, starting or attaching the tracees, the waitpid loop (main)
 *   trace_tracee.c  the table of traced threads (tracee_find, tracee_get, tracee_drop, ...)
 *   trace_out.c     the output stream and its lines: prefixes, <unfinished ...>, resumed lines
 *   trace_mem.c     reading a tracee's memory (process_vm_readv, else PTRACE_PEEKDATA)
 *   trace_names.c   name tables: syscalls (from lx/syscalls.h), errno, signals, flag bits
 *   trace_decode.c  one syscall's arguments and result, printed at its entry and exit stops
 *   trace_signal.c  signal-delivery stops (siginfo) and exits of tracees
 *   trace_vfork.c   the vfork protocol's markers (park, borrowing child, exec commit, release)
 *   trace_route.c   --route: Kestrel's PTRACE_KESTREL_ROUTE line after a syscall */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* ---- one traced thread (trace_tracee.c) ---- */
struct tracee {
    pid_t tid;
    int started;        /* its first stop (attach or auto-attach) has been seen and swallowed */
    int in_syscall;     /* between its syscall-entry and syscall-exit stops */
    int shown;          /* the current syscall is printed (-e) */
    int args_closed;    /* ")" already printed for the current syscall (vfork park line) */
    int next_arg;       /* first argument left to print at the exit stop */
    long nr;            /* the current syscall's number (orig_rax at entry) */
    unsigned long args[6];
    /* the vfork protocol (trace_vfork.c) */
    pid_t borrowing_from; /* we are a vfork child running in this parent's memory, or 0 */
    pid_t parked_child;   /* we are a parent parked in vfork for this child, or 0 */
    struct timespec parked_at;
};

struct tracee *tracee_find(pid_t tid);
struct tracee *tracee_get(pid_t tid); /* find, or add an unstarted one */
void tracee_drop(struct tracee *t);
int tracee_count(void);
struct tracee *tracee_at(int i); /* 0 <= i < tracee_count() */

/* ---- output (trace_out.c) ---- */
extern FILE *out;
void out_open(FILE *f);
void out_begin(struct tracee *t);  /* a new line about t, with its [pid N] prefix */
void out_resume(struct tracee *t); /* continue t's unfinished call: same line or a resumed one */
void out_suspend(struct tracee *t); /* t's line stays open until its exit stop */
void out_end(void);                 /* end the current line */
void out_finish_unfinished(void);   /* close any open line with " <unfinished ...>" */

/* ---- memory (trace_mem.c) ---- */
size_t mem_read(pid_t pid, unsigned long addr, void *buf, size_t len); /* bytes read */
int mem_word(pid_t pid, unsigned long addr, unsigned long *w);           /* 0 or -1 */

/* ---- names (trace_names.c) ---- */
struct flag_name {
    unsigned long val;
    const char *name;
};
const char *sys_name(long nr);        /* NULL if unknown */
long sys_number(const char *name);    /* -1 if unknown */
long sys_table_size(void);
const char *errno_name(int e);        /* NULL if unknown */
const char *sig_name(int sig);        /* "SIGCHLD", or "SIG40" (static buffer) */
extern const struct flag_name open_flags[], clone_flags[], wait_flags[], prot_flags[],
    mmap_flags[], at_flags[], access_flags[], clock_names[], sigmask_hows[], fcntl_cmds[],
    si_codes[], cld_codes[], segv_codes[];

/* ---- decoding (trace_decode.c) ---- */
void decode_enter(struct tracee *t); /* "name(args known at entry" */
void decode_exit(struct tracee *t, long ret); /* "rest) = result" */
void print_flags(const struct flag_name *tab, unsigned long v, const char *zero);
void print_sig(int sig);

/* ---- signals and exits (trace_signal.c) ---- */
void show_signal(struct tracee *t, const void *siginfo); /* --- SIGx {...} --- */
void show_stop(struct tracee *t, int sig);               /* --- stopped by SIGx --- */
void show_exit(struct tracee *t, int status);            /* +++ exited with N +++ */

/* ---- the vfork protocol (trace_vfork.c) ---- */
void vfork_park(struct tracee *parent, pid_t child);     /* at PTRACE_EVENT_VFORK */
void vfork_release(struct tracee *parent);              /* at VFORK_DONE or the parent's exit */
void vfork_exec_note(struct tracee *t, long ret);       /* after an execve's result */
void vfork_child_gone(struct tracee *t);                /* the child exited */

/* ---- --route (trace_route.c) ---- */
struct kestrel_route;
void route_show(struct tracee *t);
void route_print(const struct kestrel_route *r, long nr); /* the line, for syscall nr */

#endif
