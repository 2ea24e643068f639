/*
 * jobs.c - waiting for children: foreground commands, and the table of asynchronous
 * ones behind $! and the wait builtin. No job control (no process groups).
 *
 * Entry points: jobs_add, jobs_wait_fg, jobs_wait, jobs_wait_all, jobs_reap,
 * status_from_wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

enum { JOBS_MAX_DONE = 256 };

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
    return 128;
}

static int wait_pid(pid_t pid, int *ws)
{
    for (;;) {
        pid_t r = waitpid(pid, ws, 0);
        if (r == pid) return 0;
        if (r < 0 && errno == EINTR) continue;
        return -1;
    }
}

static void jobs_compact(shell_t *sh)
{
    size_t done = 0;
    for (size_t i = 0; i < sh->njobs; i++)
        done += sh->jobs[i].done;
    if (done < JOBS_MAX_DONE) return;
    size_t j = 0;
    for (size_t i = 0; i < sh->njobs; i++)
        if (!sh->jobs[i].done) sh->jobs[j++] = sh->jobs[i];
    sh->njobs = j;
}

void jobs_add(shell_t *sh, pid_t pid)
{
    jobs_compact(sh);
    if (sh->njobs == sh->capjobs) {
        sh->capjobs = sh->capjobs ? sh->capjobs * 2 : 16;
        sh->jobs = xrealloc(sh->jobs, sh->capjobs * sizeof *sh->jobs);
    }
    sh->jobs[sh->njobs++] = (job_t){.pid = pid};
}

int jobs_wait_fg(shell_t *sh, pid_t pid)
{
    (void)sh;
    int ws;
    if (wait_pid(pid, &ws) != 0) return 127;
    return status_from_wait(ws, true);
}

static void job_remove(shell_t *sh, size_t i)
{
    sh->jobs[i] = sh->jobs[--sh->njobs];
}

int jobs_wait(shell_t *sh, pid_t pid)
{
    for (size_t i = 0; i < sh->njobs; i++) {
        job_t *j = &sh->jobs[i];
        if (j->pid != pid) continue;
        int st = j->status;
        if (!j->done) {
            /* Like dash, a job that wait itself finds killed is reported. */
            int ws;
            st = wait_pid(pid, &ws) == 0 ? status_from_wait(ws, true) : 127;
        }
        job_remove(sh, i);
        return st;
    }
    return 127;
}

int jobs_wait_all(shell_t *sh)
{
    for (size_t i = 0; i < sh->njobs; i++) {
        job_t *j = &sh->jobs[i];
        int ws;
        if (!j->done && wait_pid(j->pid, &ws) == 0) j->status = status_from_wait(ws, false);
    }
    sh->njobs = 0;
    return 0;
}

void jobs_reap(shell_t *sh)
{
    for (size_t i = 0; i < sh->njobs; i++) {
        job_t *j = &sh->jobs[i];
        int ws;
        if (!j->done && waitpid(j->pid, &ws, WNOHANG) == j->pid) {
            j->done = true;
            j->status = status_from_wait(ws, false);
        }
    }
}
