/*
 * jobtab.h - the shell's table of jobs as pure data, with no system calls, so the host tests
 * (tests/host/sh/test_jobtab.c) drive it with made-up pids and wait statuses.
 *
 * A job is what the shell started as one unit: a pipeline (one process per element), a
 * ( subshell ), or an asynchronous list. It has a number (%1, the lowest above every number in
 * use), a process group when job control is on, the command text, and its processes' states.
 * The current job (+, the default of fg and bg) is the most recent of the stopped jobs if any
 * job is stopped, else the most recent job; the previous job (-) is the next one by the same
 * order. "Recent" means started, stopped, or continued last.
 *
 * Entry points: jobtab_add, job_add_proc, jobtab_update, jobtab_find, jobtab_find_pid,
 * jobtab_remove, jobtab_free, jobtab_touch, jobtab_current, jobtab_previous, job_state,
 * job_status, job_format, job_state_text.
 */
#ifndef SH_JOBTAB_H
#define SH_JOBTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

#include "strbuf.h"

typedef enum { JOB_RUNNING, JOB_STOPPED, JOB_DONE } job_state_t;

typedef struct {
    pid_t pid;
    job_state_t state;
    int ws; /* the last wait status (exit, signal, or stop) */
} jproc_t;

typedef struct job {
    int id;
    pid_t pgid; /* its process group; 0 when it has none of its own (no job control) */
    char *cmd;  /* the command text, for messages */
    jproc_t *procs;
    size_t nprocs, capprocs;
    bool bg;           /* runs (or ran) in the background: "&" after its text while running */
    bool changed;      /* its state changed since it was last reported */
    unsigned long seq; /* recency, for + and - */
    bool tmodes_saved; /* it stopped with the terminal in these modes (restored by fg) */
    struct termios tmodes;
} job_t;

typedef struct {
    job_t **v;
    size_t n, cap;
    unsigned long seq;
} jobtab_t;

/* A new job numbered above every job in the table; cmd is copied (NULL: ""). */
job_t *jobtab_add(jobtab_t *t, const char *cmd, pid_t pgid);
void job_add_proc(job_t *j, pid_t pid);
/* Records a wait status of pid: stopped, continued, exited or killed. Returns its job, or NULL
 * if no job has that pid. A job that stops becomes the most recent. */
job_t *jobtab_update(jobtab_t *t, pid_t pid, int ws);
/* The job whose process is pid, or NULL. */
job_t *jobtab_find_pid(const jobtab_t *t, pid_t pid);
void jobtab_remove(jobtab_t *t, job_t *j);
void jobtab_free(jobtab_t *t);
/* Makes j the most recent job. */
void jobtab_touch(jobtab_t *t, job_t *j);
job_t *jobtab_current(const jobtab_t *t);
job_t *jobtab_previous(const jobtab_t *t);

typedef enum { JOBSPEC_OK, JOBSPEC_NONE, JOBSPEC_AMBIGUOUS } jobspec_result_t;
/* Job specs: %n, %% %+ and % (current), %- (previous), %string (a command that starts with
 * string), %?string (a command that contains string). */
jobspec_result_t jobtab_find(const jobtab_t *t, const char *spec, job_t **out);

/* Running if a process runs, else stopped if one is stopped, else done. */
job_state_t job_state(const job_t *j);
/* The status $? takes from a job: its last process's (128+n if killed by, or stopped by,
 * signal n). */
int job_status(const job_t *j);

typedef enum {
    JF_STATUS, /* "[1]+  Stopped                 sleep 100": jobs, and notices */
    JF_LONG,   /* "[1]+ 1234 Stopped                 sleep 100": jobs -l (the group's pid) */
    JF_PIDS,   /* "1234": jobs -p */
    JF_BG,     /* "[1]+ sleep 100 &": bg */
    JF_START,  /* "[1] 1234": an asynchronous list started (its last process's pid) */
} job_format_t;

/* Appends the line (with its newline) that describes j in format f. */
void job_format(const jobtab_t *t, const job_t *j, job_format_t f, strbuf_t *out);
/* "Running", "Stopped", "Stopped (tty input)", "Done", "Exit 3", "Terminated",
 * "Segmentation fault (core dumped)"... */
void job_state_text(const job_t *j, strbuf_t *out);

#endif
