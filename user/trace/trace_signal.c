/* trace_signal.c: the lines for signals and for the end of a tracee.
 *
 *   [pid N] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6, si_uid=0, si_status=0} ---
 *   [pid N] --- stopped by SIGTSTP ---
 *   [pid N] +++ exited with 0 +++          [pid N] +++ killed by SIGKILL +++
 *
 * Entry points: show_signal (a signal-delivery stop, from PTRACE_GETSIGINFO), show_stop (a
 * group-stop), show_exit (a wait status of exit or death; closes a call left open by it). */
#define _GNU_SOURCE
#include "trace.h"

#include <signal.h>
#include <sys/wait.h>

static void print_code(const siginfo_t *si)
{
    unsigned long code = (unsigned long)(long)si->si_code;
    const struct flag_name *tab = si_codes;
    if (si->si_code > 0 && si->si_code < 0x80) {
        if (si->si_signo == SIGCHLD)
            tab = cld_codes;
        else if (si->si_signo == SIGSEGV)
            tab = segv_codes;
    }
    for (const struct flag_name *f = tab; f->name; f++) {
        if (f->val == code) {
            fputs(f->name, out);
            return;
        }
    }
    fprintf(out, "%d", si->si_code);
}

void show_signal(struct tracee *t, const void *siginfo)
{
    const siginfo_t *si = siginfo;
    out_begin(t);
    fprintf(out, "--- %s {si_signo=%s, si_code=", sig_name(si->si_signo), sig_name(si->si_signo));
    print_code(si);
    if (si->si_code <= 0) { /* sent by a process: kill, tkill, sigqueue */
        fprintf(out, ", si_pid=%d, si_uid=%u", (int)si->si_pid, (unsigned)si->si_uid);
    } else if (si->si_signo == SIGCHLD) {
        fprintf(out, ", si_pid=%d, si_uid=%u, si_status=", (int)si->si_pid, (unsigned)si->si_uid);
        if (si->si_code == CLD_EXITED)
            fprintf(out, "%d", si->si_status);
        else
            print_sig(si->si_status);
    } else if (si->si_signo == SIGSEGV || si->si_signo == SIGBUS || si->si_signo == SIGILL ||
               si->si_signo == SIGFPE) {
        fprintf(out, ", si_addr=%p", si->si_addr);
    }
    fputs("} ---", out);
    out_end();
}

void show_stop(struct tracee *t, int sig)
{
    out_begin(t);
    fprintf(out, "--- stopped by %s ---", sig_name(sig));
    out_end();
}

void show_exit(struct tracee *t, int status)
{
    if (t->in_syscall && t->shown) { /* exit, exit_group, execve of another thread, a kill */
        out_resume(t);
        fputs(t->args_closed ? " = ?" : ") = ?", out);
        out_end();
    }
    out_begin(t);
    if (WIFEXITED(status))
        fprintf(out, "+++ exited with %d +++", WEXITSTATUS(status));
    else
        fprintf(out, "+++ killed by %s%s +++", sig_name(WTERMSIG(status)),
                WCOREDUMP(status) ? " (core dumped)" : "");
    out_end();
}
