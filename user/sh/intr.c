/*
 * intr.c - the interactive shell's own handling of the keyboard's signals.
 *
 * An interactive shell must survive ^C, ^\ and ^Z, and the commands it starts must not
 * inherit that (spawn.c resets them with POSIX_SPAWN_SETSIGDEF). The shell ignores SIGTERM,
 * SIGTTIN and SIGTTOU (with job control it sets the terminal's foreground group from the
 * background). SIGINT, SIGQUIT and (with job control) SIGTSTP it catches rather than ignores,
 * and notes that they arrived:
 *
 *   - ^C while the shell itself computes (a loop of builtins) abandons the command line: the
 *     next intr_check, made around every command, unwinds to the prompt with status 130;
 *   - a keyboard signal that reaches the shell while it starts or waits for a foreground job
 *     was typed before the job had the terminal (the shell hands the terminal over only after
 *     posix_spawn returns), or, without job control, before the job's processes existed; it is
 *     passed on to the job (intr_forward), as the user meant it for the job;
 *   - without job control the shell ignores SIGTSTP, and so do the commands it starts: no one
 *     could continue a job ^Z stopped;
 *   - otherwise ^\ and ^Z are dropped, and everything still pending is forgotten when the
 *     next line is read.
 *
 * The handlers are installed without SA_RESTART so a blocking read or wait returns EINTR and
 * the loop around it can look at what arrived.
 *
 * Entry points: intr_install, intr_uninstall, intr_check, intr_take, intr_pending,
 * intr_forward, intr_clear, intr_reset_sig.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

static volatile sig_atomic_t got_int, got_quit, got_tstp;

static void on_key_signal(int sig)
{
    if (sig == SIGINT) got_int = 1;
    if (sig == SIGQUIT) got_quit = 1;
    if (sig == SIGTSTP) got_tstp = 1;
}

static void set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

bool intr_reset_sig(shell_t *sh, int sig)
{
    if (!sh->interactive) return false;
    switch (sig) {
    case SIGINT:
    case SIGQUIT:
        set_handler(sig, on_key_signal);
        return true;
    case SIGTSTP:
        /* without job control the children inherit the ignoring (spawn.c) */
        set_handler(sig, sh->jobctl ? on_key_signal : SIG_IGN);
        return true;
    case SIGTERM:
    case SIGTTIN:
    case SIGTTOU:
        set_handler(sig, SIG_IGN);
        return true;
    }
    return false;
}

static const int shell_sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTERM, SIGTTIN, SIGTTOU};

void intr_install(shell_t *sh)
{
    for (size_t i = 0; i < sizeof shell_sigs / sizeof shell_sigs[0]; i++)
        intr_reset_sig(sh, shell_sigs[i]);
}

void intr_uninstall(shell_t *sh)
{
    for (size_t i = 0; sh->interactive && i < sizeof shell_sigs / sizeof shell_sigs[0]; i++)
        set_handler(shell_sigs[i], SIG_DFL);
}

bool intr_take(int sig)
{
    volatile sig_atomic_t *f = sig == SIGINT ? &got_int : sig == SIGQUIT ? &got_quit : &got_tstp;
    if (!*f) return false;
    *f = 0;
    return true;
}

bool intr_pending(void)
{
    return got_int;
}

void intr_clear(void)
{
    got_int = got_quit = got_tstp = 0;
}

bool intr_check(shell_t *sh)
{
    if (!got_int || !sh->interactive) return false;
    got_int = 0;
    /* the terminal echoed ^C; the prompt starts on a fresh line */
    if (write(2, "\n", 1) < 0) {
        /* nowhere to say it */
    }
    sh_abort(sh, 128 + SIGINT);
    return true;
}

void intr_forward(const job_t *j)
{
    static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (!intr_take(sigs[i])) continue;
        if (j->pgid > 0) {
            killpg(j->pgid, sigs[i]);
            continue;
        }
        /* no group of its own: the job shares the shell's (no job control), and the key
         * reached the shell before the processes existed */
        for (size_t k = 0; k < j->nprocs; k++)
            if (j->procs[k].state == JOB_RUNNING) kill(j->procs[k].pid, sigs[i]);
    }
}
