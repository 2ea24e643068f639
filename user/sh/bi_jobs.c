/*
 * bi_jobs.c - the job builtins: jobs [-l|-p] [%job...], fg [%job], bg [%job...] and
 * wait [pid|%job...], and the job-spec lookup kill shares. The work is in jobs.c.
 *
 * Entry points: bi_jobs, bi_fg, bi_bg, bi_wait, jobs_lookup.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

job_t *jobs_lookup(shell_t *sh, const char *who, const char *spec)
{
    job_t *j;
    switch (jobtab_find(&sh->jobtab, spec, &j)) {
    case JOBSPEC_OK:
        return j;
    case JOBSPEC_AMBIGUOUS:
        sh_error("%s: %s: ambiguous job spec", who, spec);
        return NULL;
    default:
        sh_error("%s: %s: no such job", who, spec[0] == '%' && spec[1] ? spec : "current");
        return NULL;
    }
}

BUILTIN(jobs)
{
    job_format_t f = JF_STATUS;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'l') {
                f = JF_LONG;
            } else if (*c == 'p') {
                f = JF_PIDS;
            } else {
                sh_error("jobs: Illegal option -%c", *c);
                return 2;
            }
        }
    }
    jobs_reap(sh);
    if (i == argc) {
        jobs_print(sh, f, NULL);
        return 0;
    }
    int st = 0;
    for (; i < argc; i++) {
        job_t *j = jobs_lookup(sh, "jobs", argv[i]);
        if (j)
            jobs_print(sh, f, j);
        else
            st = 1;
    }
    return st;
}

/* fg and bg: the job named, or the current one. */
static job_t *job_operand(shell_t *sh, const char *who, const char *spec)
{
    if (!sh->jobctl) {
        sh_error("%s: no job control", who);
        return NULL;
    }
    return jobs_lookup(sh, who, spec ? spec : "%+");
}

BUILTIN(fg)
{
    job_t *j = job_operand(sh, "fg", argc > 1 ? argv[1] : NULL);
    return j ? job_continue(sh, j, true) : 1;
}

BUILTIN(bg)
{
    int st = 0;
    for (int i = 1; i < argc || i == 1; i++) {
        job_t *j = job_operand(sh, "bg", i < argc ? argv[i] : NULL);
        if (!j)
            st = 1;
        else
            job_continue(sh, j, false);
        if (argc == 1) break;
    }
    return st;
}

BUILTIN(wait)
{
    if (argc < 2) return jobs_wait_all(sh);
    int st = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        job_t *j;
        pid_t pid = 0;
        if (a[0] == '%') {
            j = jobs_lookup(sh, "wait", a);
        } else {
            char *end;
            long n = strtol(a, &end, 10);
            if (*end || !*a || n <= 0) {
                sh_error("wait: Illegal number: %s", a);
                return 2;
            }
            pid = (pid_t)n;
            j = jobtab_find_pid(&sh->jobtab, pid);
        }
        st = j ? jobs_wait_job(sh, j, pid) : 127;
        if (st == 128 + SIGINT && intr_pending()) break; /* ^C */
    }
    return st;
}
