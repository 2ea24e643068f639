/*
 * jobs.c - running jobs: starting them, waiting for them, and job control.
 *
 * Every pipeline, ( subshell ) and asynchronous list the shell starts is a job in the table of
 * jobtab.c. exec.c opens one with job_begin, spawns its processes (spawn.c reports each one
 * with jobs_spawned), and closes it with job_run_fg (wait) or job_run_bg (&).
 *
 * With job control (an interactive shell on a terminal, or set -m) each job gets a process
 * group of its own, its first process's pid: spawn.c passes POSIX_SPAWN_SETPGROUP, so the
 * child joins the group before it execs. A foreground job gets the terminal (tcsetpgrp) once
 * all its processes are started, the shell waits for it with WUNTRACED, and takes the terminal
 * back when it is done or stopped, restoring the terminal modes the shell had if the job
 * stopped or was killed (a stopped job's modes are given back to it by fg).
 *
 * Why only then: posix_spawn's child (CLONE_VM|CLONE_VFORK) lives in the shell's group until
 * its setpgid, then in the job's group until it execs, with every signal blocked; a stop signal
 * the terminal sends to its group in that time is delivered when the child unblocks signals
 * just before execve, so the child stops before it execs and the shell, parked until the child
 * execs, waits for ever. Keeping the terminal with the shell's group while a job starts leaves
 * that window only between clone and setpgid, a few system calls; ^Z, ^C and ^\ that reach the
 * shell meanwhile are passed on to the job (intr.c). A job that reaches the terminal before it
 * owns it is stopped by SIGTTIN or SIGTTOU, after its exec, and continued once it owns it.
 *
 * The shell itself gets its own group and the terminal at start-up (jobs_control_on); a session
 * leader without a controlling terminal -- the console's shell that init starts -- first makes
 * the terminal its own with TIOCSCTTY. At exit, stopped jobs get SIGHUP and SIGCONT, as the
 * kernel does to an orphaned group, and the terminal goes back to the group that had it.
 *
 * Without job control (scripts), jobs run in the shell's group and asynchronous lists read
 * /dev/null; the table still serves $!, wait, jobs and kill %n.
 *
 * Entry points: jobs_control_on, jobs_control_off, jobs_exit_blocked, job_begin, jobs_spawned,
 * jobs_spawn_pgroup, job_run_fg, job_run_bg, job_continue, job_kill, jobs_wait_job,
 * jobs_wait_all, jobs_wait_pid, jobs_reap, jobs_notify, jobs_print, status_from_wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"

enum { JOBS_KEEP = 256 }; /* finished asynchronous jobs a script may still wait for */

static void say(strbuf_t *b)
{
    fflush(stdout);
    if (b->len && write(2, b->s, b->len) < 0) {
        /* standard error is gone */
    }
    sb_free(b);
}

int status_from_wait(int ws, bool report)
{
    if (WIFEXITED(ws)) return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws)) {
        int sig = WTERMSIG(ws);
        if (report && sig == SIGINT && sh_global && sh_global->interactive) {
            /* The terminal showed ^C; start the prompt on a fresh line, as dash does. */
            fputc('\n', stderr);
        } else if (report && sig != SIGINT && sig != SIGPIPE) {
            const char *d = strsignal(sig);
            fflush(stdout);
            fprintf(stderr, "%s%s\n", d ? d : "Signal", WCOREDUMP(ws) ? " (core dumped)" : "");
        }
        return 128 + sig;
    }
    if (WIFSTOPPED(ws)) return 128 + WSTOPSIG(ws);
    return 128;
}

/* ---- job control on and off ------------------------------------------------------------- */

int jobs_control_on(shell_t *sh)
{
    if (sh->jobctl) return 0;
    int fd = fcntl(isatty(0) ? 0 : 2, F_DUPFD_CLOEXEC, 10);
    if (fd < 0 || !isatty(fd)) goto fail;
    pid_t me = getpid();
    bool leader = getsid(0) == me;
    /* A session leader without a terminal takes this one; if another session still holds it
     * (init, which opened the console first), root may take it over (TIOCSCTTY's argument 1),
     * as login programs do. */
    if (leader && tcgetpgrp(fd) < 0 && ioctl(fd, TIOCSCTTY, 0) < 0 && errno == EPERM)
        ioctl(fd, TIOCSCTTY, 1);
    for (int tries = 0;; tries++) {
        pid_t fg = tcgetpgrp(fd);
        if (fg < 0) goto fail;
        /* A session leader's terminal is its own to give; anyone else waits in the
         * background (stopped by SIGTTIN) until its parent brings it to the foreground. */
        if (fg == getpgrp() || leader) break;
        if (tries == 20) goto fail;
        signal(SIGTTIN, SIG_DFL);
        kill(0, SIGTTIN);
    }
    sh->orig_pgrp = getpgrp();
    if (sh->orig_pgrp != me && setpgid(0, me) != 0) goto fail;
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    if (tcsetpgrp(fd, me) != 0) {
        if (sh->orig_pgrp != me) setpgid(0, sh->orig_pgrp);
        goto fail;
    }
    sh->pgid = me;
    sh->ttyfd = fd;
    sh->tmodes_ok = tcgetattr(fd, &sh->tmodes) == 0;
    sh->jobctl = true;
    intr_reset_sig(sh, SIGTSTP);
    return 0;
fail:
    if (fd >= 0) close(fd);
    sh_error("can't access tty; job control turned off");
    return -1;
}

void jobs_control_off(shell_t *sh, bool hangup)
{
    if (!sh->jobctl) return;
    for (size_t i = 0; hangup && i < sh->jobtab.n; i++) {
        job_t *j = sh->jobtab.v[i];
        if (job_state(j) == JOB_STOPPED && j->pgid > 0) {
            killpg(j->pgid, SIGHUP);
            killpg(j->pgid, SIGCONT);
        }
    }
    if (sh->orig_pgrp != sh->pgid) {
        tcsetpgrp(sh->ttyfd, sh->orig_pgrp);
        setpgid(0, sh->orig_pgrp);
    }
    close(sh->ttyfd);
    sh->ttyfd = -1;
    sh->jobctl = false;
    intr_reset_sig(sh, SIGTSTP);
}

bool jobs_exit_blocked(shell_t *sh)
{
    if (!sh->jobctl || !sh->interactive || sh->exit_warned) return false;
    for (size_t i = 0; i < sh->jobtab.n; i++) {
        if (job_state(sh->jobtab.v[i]) != JOB_STOPPED) continue;
        sh->exit_warned = true;
        strbuf_t b = {0};
        sb_puts(&b, "There are stopped jobs.\n");
        say(&b);
        return true;
    }
    return false;
}

/* ---- starting jobs ------------------------------------------------------------------------ */

/* The text jobs shows: the command as unparsed, its newlines made "; " (not after do, then,
 * else, {), so that a loop reads as it was typed. */
static char *job_text(const node_t *n, char *const *argv)
{
    strbuf_t b = {0};
    sb_puts(&b, "");
    if (n) {
        char *u = unparse(n);
        size_t len = strlen(u);
        while (len && u[len - 1] == '\n')
            len--;
        for (size_t i = 0; i < len; i++) {
            if (u[i] != '\n') {
                sb_putc(&b, u[i]);
                continue;
            }
            size_t k = b.len;
            while (k && b.s[k - 1] == ' ')
                k--;
            bool opener = false;
            static const char *const open_words[] = {"do", "then", "else", "{", "in"};
            for (size_t w = 0; w < sizeof open_words / sizeof open_words[0]; w++) {
                size_t wl = strlen(open_words[w]);
                if (k >= wl && memcmp(b.s + k - wl, open_words[w], wl) == 0 &&
                    (k == wl || b.s[k - wl - 1] == ' '))
                    opener = true;
            }
            b.len = k;
            b.s[k] = '\0';
            sb_puts(&b, opener ? " " : "; ");
        }
        free(u);
    } else {
        for (size_t i = 0; argv && argv[i]; i++)
            sb_printf(&b, "%s%s", i ? " " : "", argv[i]);
    }
    return sb_take(&b);
}

/* Scripts that start many asynchronous lists and never wait: forget the finished ones. */
static void jobs_trim(shell_t *sh)
{
    if (sh->jobtab.n < JOBS_KEEP) return;
    jobs_reap(sh);
    for (size_t i = sh->jobtab.n; i-- > 0;)
        if (job_state(sh->jobtab.v[i]) == JOB_DONE) jobtab_remove(&sh->jobtab, sh->jobtab.v[i]);
}

job_t *job_begin(shell_t *sh, const node_t *n, char *const *argv, bool bg)
{
    if (bg) jobs_trim(sh);
    /* Only jobs that can be listed need their text. */
    char *text = sh->jobctl || bg ? job_text(n, argv) : NULL;
    job_t *j = jobtab_add(&sh->jobtab, text, 0);
    free(text);
    j->bg = bg;
    if (sh->jobctl && !bg) sh->tmodes_ok = tcgetattr(sh->ttyfd, &sh->tmodes) == 0;
    sh->job_building = j;
    return j;
}

pid_t jobs_spawn_pgroup(shell_t *sh)
{
    return sh->jobctl && sh->job_building ? sh->job_building->pgid : -1;
}

void jobs_spawned(shell_t *sh, pid_t pid)
{
    job_t *j = sh->job_building;
    if (!j) return;
    job_add_proc(j, pid);
    if (sh->jobctl && j->pgid == 0) j->pgid = pid;
}

int job_run_bg(shell_t *sh, job_t *j, int empty_status)
{
    sh->job_building = NULL;
    if (j->nprocs == 0) {
        jobtab_remove(&sh->jobtab, j);
        return empty_status;
    }
    sh->lastbg = j->procs[j->nprocs - 1].pid;
    if (sh->interactive) {
        strbuf_t b = {0};
        job_format(&sh->jobtab, j, JF_START, &b);
        say(&b);
    }
    return 0;
}

/* ---- waiting ------------------------------------------------------------------------------ */

/* Waits for one status change of j's processes (pid: only that process). Returns false if
 * there is nothing to wait for (the processes were collected elsewhere: they count as done). */
static bool wait_change(shell_t *sh, job_t *j, pid_t pid)
{
    int ws;
    pid_t target = pid;
    if (!target && j->pgid > 0) {
        target = -j->pgid;
    } else if (!target) {
        for (size_t i = 0; i < j->nprocs && !target; i++)
            if (j->procs[i].state == JOB_RUNNING) target = j->procs[i].pid;
    }
    for (;;) {
        if (sh->interactive && !j->bg) intr_forward(j);
        pid_t w = waitpid(target, &ws, sh->jobctl ? WUNTRACED : 0);
        if (w > 0) {
            jobtab_update(&sh->jobtab, w, ws);
            return true;
        }
        if (errno != EINTR) break;
        /* ^C at the wait builtin (the job in the background) */
        if (sh->interactive && j->bg && intr_pending()) return false;
    }
    /* ECHILD: mark what we waited for as gone */
    for (size_t i = 0; i < j->nprocs; i++)
        if (j->procs[i].state == JOB_RUNNING && (!pid || j->procs[i].pid == pid))
            jobtab_update(&sh->jobtab, j->procs[i].pid, 0);
    return true;
}

static bool owns_terminal(shell_t *sh, const job_t *j)
{
    return sh->jobctl && j->pgid > 0 && tcgetpgrp(sh->ttyfd) == j->pgid;
}

static void mark_continued(job_t *j)
{
    for (size_t i = 0; i < j->nprocs; i++)
        if (j->procs[i].state == JOB_STOPPED) j->procs[i].state = JOB_RUNNING;
    j->changed = false;
}

/* The foreground job is done or stopped: the terminal comes back to the shell. */
static int fg_finish(shell_t *sh, job_t *j)
{
    job_state_t st = job_state(j);
    bool killed = false, by_intr = false;
    for (size_t i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state != JOB_DONE || !WIFSIGNALED(j->procs[i].ws)) continue;
        killed = true;
        by_intr |= WTERMSIG(j->procs[i].ws) == SIGINT;
    }
    if (sh->jobctl) {
        tcsetpgrp(sh->ttyfd, sh->pgid);
        if (st == JOB_STOPPED) j->tmodes_saved = tcgetattr(sh->ttyfd, &j->tmodes) == 0;
        if ((st == JOB_STOPPED || killed) && sh->tmodes_ok)
            tcsetattr(sh->ttyfd, TCSADRAIN, &sh->tmodes);
    }
    int status = job_status(j);
    if (st == JOB_STOPPED) {
        j->bg = false;
        j->changed = false;
        sh->exit_warned = false;
        strbuf_t b = {0};
        sb_putc(&b, '\n');
        job_format(&sh->jobtab, j, JF_STATUS, &b);
        say(&b);
        return status;
    }
    status_from_wait(j->procs[j->nprocs - 1].ws, true);
    if (by_intr && sh->interactive) {
        /* ^C killed the job: the rest of the command line is abandoned too. The shell may
         * have got the SIGINT itself (without job control it shares the job's group). */
        if (!WIFSIGNALED(j->procs[j->nprocs - 1].ws) ||
            WTERMSIG(j->procs[j->nprocs - 1].ws) != SIGINT)
            fputc('\n', stderr);
        intr_take(SIGINT);
        sh_abort(sh, status);
    }
    jobtab_remove(&sh->jobtab, j);
    return status;
}

/* Continues the processes of a foreground job that were stopped by SIGTTIN or SIGTTOU: they
 * reached the terminal before the job was given it (a foreground process gets neither). Not
 * when another process of the job was stopped otherwise: then the user stopped the job. */
static bool continue_tty_stops(shell_t *sh, job_t *j)
{
    bool tty = false;
    for (size_t i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state != JOB_STOPPED) continue;
        int s = WSTOPSIG(j->procs[i].ws);
        if (s != SIGTTIN && s != SIGTTOU) return false;
        tty = true;
    }
    if (!tty || !owns_terminal(sh, j)) return false;
    for (size_t i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state != JOB_STOPPED) continue;
        j->procs[i].state = JOB_RUNNING;
        kill(j->procs[i].pid, SIGCONT);
    }
    j->changed = false;
    return true;
}

static int wait_fg(shell_t *sh, job_t *j)
{
    int rounds = 0; /* a program that keeps stopping itself with SIGTTIN is left stopped */
    for (;;) {
        if (rounds < 8 && continue_tty_stops(sh, j)) rounds++;
        if (job_state(j) != JOB_RUNNING) break;
        wait_change(sh, j, 0);
    }
    return fg_finish(sh, j);
}

int job_run_fg(shell_t *sh, job_t *j, int empty_status)
{
    sh->job_building = NULL;
    if (j->nprocs == 0) {
        jobtab_remove(&sh->jobtab, j);
        return empty_status;
    }
    /* Only now, when none of its processes is between clone and exec (see above). */
    if (sh->jobctl) tcsetpgrp(sh->ttyfd, j->pgid);
    return wait_fg(sh, j);
}

int jobs_wait_pid(shell_t *sh, pid_t pid)
{
    (void)sh;
    int ws;
    for (;;) {
        pid_t r = waitpid(pid, &ws, 0);
        if (r == pid) return status_from_wait(ws, true);
        if (r < 0 && errno == EINTR) continue;
        return 127;
    }
}

/* ---- fg, bg, kill, wait --------------------------------------------------------------------- */

int job_continue(shell_t *sh, job_t *j, bool fg)
{
    jobtab_touch(&sh->jobtab, j);
    strbuf_t b = {0};
    if (fg) {
        sb_printf(&b, "%s\n", j->cmd);
    } else if (job_state(j) == JOB_RUNNING && j->bg) {
        sb_printf(&b, "sh: bg: job %d already in background\n", j->id);
        say(&b);
        return 0;
    } else {
        job_format(&sh->jobtab, j, JF_BG, &b);
    }
    fputs(b.s, stdout);
    fflush(stdout);
    sb_free(&b);
    j->bg = !fg;
    if (fg && sh->jobctl) {
        sh->tmodes_ok = tcgetattr(sh->ttyfd, &sh->tmodes) == 0;
        if (j->tmodes_saved) tcsetattr(sh->ttyfd, TCSADRAIN, &j->tmodes);
        tcsetpgrp(sh->ttyfd, j->pgid);
    }
    if (job_state(j) == JOB_STOPPED) job_kill(sh, j, SIGCONT);
    return fg ? wait_fg(sh, j) : 0;
}

static int job_signal(job_t *j, int sig)
{
    if (j->pgid > 0) return killpg(j->pgid, sig);
    int r = 0;
    for (size_t i = 0; i < j->nprocs; i++)
        if (j->procs[i].state != JOB_DONE && kill(j->procs[i].pid, sig) != 0) r = -1;
    return r;
}

int job_kill(shell_t *sh, job_t *j, int sig)
{
    (void)sh;
    int r = job_signal(j, sig);
    if (r == 0 && job_state(j) == JOB_STOPPED && sig != SIGKILL) {
        /* a stopped job cannot act on the signal until it runs */
        if (sig != SIGCONT) job_signal(j, SIGCONT);
        mark_continued(j);
    }
    return r;
}

int jobs_wait_job(shell_t *sh, job_t *j, pid_t pid)
{
    jproc_t *p = NULL;
    for (size_t i = 0; pid && i < j->nprocs; i++)
        if (j->procs[i].pid == pid) p = &j->procs[i];
    bool was_running = p ? p->state == JOB_RUNNING : job_state(j) == JOB_RUNNING;
    while (p ? p->state == JOB_RUNNING : job_state(j) == JOB_RUNNING) {
        if (!wait_change(sh, j, pid)) return 128 + SIGINT;
    }
    int ws = p ? p->ws : j->procs[j->nprocs - 1].ws;
    int st = p ? status_from_wait(ws, false) : job_status(j);
    /* Like dash, a job that wait itself finds killed is reported. */
    if (was_running && job_state(j) == JOB_DONE) status_from_wait(ws, true);
    if (job_state(j) == JOB_DONE) jobtab_remove(&sh->jobtab, j);
    return st;
}

int jobs_wait_all(shell_t *sh)
{
    for (size_t i = 0; i < sh->jobtab.n;) {
        job_t *j = sh->jobtab.v[i];
        if (job_state(j) == JOB_RUNNING) {
            if (!wait_change(sh, j, 0)) return 128 + SIGINT;
            continue;
        }
        if (job_state(j) == JOB_DONE)
            jobtab_remove(&sh->jobtab, j);
        else
            i++;
    }
    return 0;
}

/* ---- notices ------------------------------------------------------------------------------ */

void jobs_reap(shell_t *sh)
{
    int ws;
    pid_t w;
    int flags = WNOHANG | (sh->jobctl ? WUNTRACED | WCONTINUED : 0);
    while ((w = waitpid(-1, &ws, flags)) > 0 || (w < 0 && errno == EINTR))
        if (w > 0) jobtab_update(&sh->jobtab, w, ws);
}

void jobs_print(shell_t *sh, job_format_t f, job_t *only)
{
    strbuf_t b = {0};
    for (size_t i = 0; i < sh->jobtab.n; i++) {
        job_t *j = sh->jobtab.v[i];
        if (only && j != only) continue;
        job_format(&sh->jobtab, j, f, &b);
        j->changed = false;
    }
    if (b.len) fputs(b.s, stdout);
    sb_free(&b);
    for (size_t i = sh->jobtab.n; i-- > 0;) {
        job_t *j = sh->jobtab.v[i];
        if ((!only || j == only) && job_state(j) == JOB_DONE) jobtab_remove(&sh->jobtab, j);
    }
}

void jobs_notify(shell_t *sh)
{
    jobs_reap(sh);
    strbuf_t b = {0};
    for (size_t i = 0; i < sh->jobtab.n; i++) {
        job_t *j = sh->jobtab.v[i];
        if (!j->changed) continue;
        j->changed = false;
        job_state_t st = job_state(j);
        if (st == JOB_RUNNING) continue;
        if (st == JOB_STOPPED) sh->exit_warned = false;
        job_format(&sh->jobtab, j, JF_STATUS, &b);
    }
    say(&b);
    for (size_t i = sh->jobtab.n; i-- > 0;)
        if (job_state(sh->jobtab.v[i]) == JOB_DONE) jobtab_remove(&sh->jobtab, sh->jobtab.v[i]);
}
