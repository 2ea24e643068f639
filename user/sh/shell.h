/*
 * shell.h - the running shell's state and the interfaces between its I/O and
 * process modules: variables (vars.c), the tree walker (exec.c), redirections
 * (redir.c), process creation and waiting (spawn.c, jobs.c, jobtab.c, intr.c), fork-less subshells
 * (subshell.c), builtins (builtins.c and bi_*.c) and the input loop (main.c).
 */
#ifndef SH_SHELL_H
#define SH_SHELL_H

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "ast.h"
#include "expand.h"
#include "jobtab.h"
#include "strbuf.h"

typedef struct var {
    char *name;
    char *value;
    bool exported;
    bool readonly;
    struct var *next;
} var_t;

typedef struct func {
    char *name;
    node_t *body;
    arena_t *arena; /* reference on the tree the definition was parsed in */
    struct func *next;
} func_t;

enum { VAR_BUCKETS = 64 };

typedef struct shell {
    var_t *vars[VAR_BUCKETS];
    func_t *funcs;
    char *arg0;    /* $0 */
    char **params; /* $1.. (malloc'd strings), NULL-terminated */
    int nparams;
    int status;   /* $? */
    pid_t toppid; /* $$: the top shell's pid, also in subshells */
    pid_t lastbg; /* $!, 0 if none */
    struct {
        bool errexit, nounset, xtrace, noglob, noexec, verbose, monitor;
    } opt;
    bool interactive;
    bool subshell;         /* started by another shell for a subshell */
    const char *sh_path;   /* the shell binary spawned for subshells */
    jobtab_t jobtab;       /* jobs (jobs.c) */
    job_t *job_building;   /* the job whose processes are being spawned, or NULL */
    bool jobctl;           /* job control is on: jobs get process groups and the terminal */
    int ttyfd;             /* with job control: the terminal */
    pid_t pgid;            /* with job control: the shell's process group */
    pid_t orig_pgrp;       /* the group that had the terminal before (given back at exit) */
    struct termios tmodes; /* the shell's terminal modes, restored after a job stops or dies */
    bool tmodes_ok;
    bool exit_warned; /* "There are stopped jobs." was said; the next exit goes */
    int loop_depth;
    int brk, cont;       /* pending break / continue levels */
    bool returning;      /* return executed, unwinding to the function or . */
    int ret_status;      /* the status given to return */
    bool aborting;       /* error: unwind to the top level (interactive only) */
    int abort_status;    /* $? once unwound */
    int func_depth;      /* functions and . scripts being run (return allowed) */
    int errexit_off;     /* > 0 inside conditions, where set -e does not apply */
    int cmdsubst_status; /* status of the last command substitution */
    exp_host_t eh;       /* expander callbacks bound to this shell */
    char numbuf[4][32];
    int numbuf_next;
} shell_t;

/* Flags for exec_node. */
enum {
    EV_EXIT = 1,   /* last command of sh -c: an external command may replace the shell */
    EV_TESTED = 2, /* status is tested (if/while condition, && || left side, !): no set -e */
};

/* Special exit statuses. */
enum { ST_NOTFOUND = 127, ST_NOEXEC = 126 };

/* main.c */
extern shell_t *sh_global;
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void sh_exit(shell_t *sh, int status);
/* Runs every complete command of src (eval, ., sh -c, subshell preludes). */
int sh_run_string(shell_t *sh, const char *src, int flags);
/* Fatal error in a non-interactive shell (POSIX 2.8.1): exit; else unwind to the prompt. */
void sh_fail(shell_t *sh, int status);
/* Unwinds to the prompt, where $? becomes status (interactive ^C, errors). */
void sh_abort(shell_t *sh, int status);

/* vars.c */
void vars_init(shell_t *sh, char **envp);
const char *var_get(shell_t *sh, const char *name); /* also special parameters */
int var_set(shell_t *sh, const char *name, const char *value, bool export);
int var_unset(shell_t *sh, const char *name);
var_t *var_find(shell_t *sh, const char *name);
void var_export(shell_t *sh, const char *name);
char **vars_environ(shell_t *sh, char *const *extra); /* malloc'd; free with vars_free_environ */
void vars_free_environ(char **env);
void vars_sorted(shell_t *sh, var_t ***out, size_t *n); /* *out malloc'd */
void params_set(shell_t *sh, char **argv, int n);       /* copies */
void params_free(char **params, int n);
func_t *func_find(shell_t *sh, const char *name);
void func_define(shell_t *sh, const char *name, node_t *body, arena_t *arena);
int func_unset(shell_t *sh, const char *name);
char *shell_quote(const char *s); /* 'single-quoted', malloc'd */

/* exec.c */
int exec_node(shell_t *sh, node_t *n, int flags);
bool exec_unwinding(shell_t *sh);
/* Runs argv as an external command and waits; src, if given, is its text for job messages. */
int exec_argv_external(shell_t *sh, char **argv, redir_t *redirs, char *const *assigns, int flags,
                       const node_t *src);

/* redir.c */
typedef struct {
    int fd[16], saved[16];
    int n;
} redir_save_t;
/* In-process: saves the old descriptors in *save (NULL = permanent, for exec). */
int redir_apply(shell_t *sh, const redir_t *r, redir_save_t *save);
void redir_restore(redir_save_t *save);
/* For a child: adds file actions; parent-side descriptors to close after the spawn go in
 * pclose (up to 16). Returns 0, or -1 after reporting the error. */
int redir_actions(shell_t *sh, const redir_t *r, posix_spawn_file_actions_t *fa, int *pclose,
                  int *npclose);

/* spawn.c */
/* Finds name in PATH: 0 and *path (malloc'd), or ENOENT / EACCES. */
int path_search(shell_t *sh, const char *name, char **path);
/* posix_spawn with the shell's signal policy; returns pid or -errno. */
pid_t spawn_cmd(shell_t *sh, const char *path, char *const *argv, char *const *envp,
                const posix_spawn_file_actions_t *fa);
/* Finds a command: a name with "/" as is, else through PATH (0, ENOENT or EACCES). */
int cmd_resolve(shell_t *sh, const char *name, char **path);
/* Spawns the program at path; returns pid or -errno. */
pid_t spawn_external(shell_t *sh, const char *path, char **argv, char *const *envp,
                     const posix_spawn_file_actions_t *fa);

/* subshell.c */
pid_t subshell_spawn(shell_t *sh, const node_t *n, const posix_spawn_file_actions_t *fa);
char *subshell_capture(shell_t *sh, const char *cmd);
int subshell_restore(shell_t *sh); /* in a spawned subshell: loads the parent's state */

/* jobs.c */
int jobs_control_on(shell_t *sh);                /* 0, or -1 (said why) */
void jobs_control_off(shell_t *sh, bool hangup); /* hangup: SIGHUP+SIGCONT to stopped jobs */
bool jobs_exit_blocked(shell_t *sh);             /* says "There are stopped jobs." once */
/* Opens a job; the processes spawn_cmd starts until job_run_* belong to it. Its text is n
 * unparsed, or argv joined when n is NULL. */
job_t *job_begin(shell_t *sh, const node_t *n, char *const *argv, bool bg);
pid_t jobs_spawn_pgroup(shell_t *sh); /* -1: none, 0: a new group, or the group */
void jobs_spawned(shell_t *sh, pid_t pid);
/* Closes a job: waits for it in the foreground ($? form), or leaves it in the background.
 * A job without processes is dropped and empty_status returned. */
int job_run_fg(shell_t *sh, job_t *j, int empty_status);
int job_run_bg(shell_t *sh, job_t *j, int empty_status);
int job_continue(shell_t *sh, job_t *j, bool fg);    /* fg and bg */
int job_kill(shell_t *sh, job_t *j, int sig);        /* 0 or -1 (errno) */
int jobs_wait_job(shell_t *sh, job_t *j, pid_t pid); /* wait: the job, or its process pid */
int jobs_wait_all(shell_t *sh);
int jobs_wait_pid(shell_t *sh, pid_t pid); /* a process outside the table */
void jobs_reap(shell_t *sh);               /* collects status changes, no waiting */
void jobs_notify(shell_t *sh);             /* before a prompt: Done and Stopped notices */
void jobs_print(shell_t *sh, job_format_t f, job_t *only); /* the jobs builtin */
int status_from_wait(int ws, bool report);

/* intr.c */
void intr_install(shell_t *sh);
void intr_uninstall(shell_t *sh);          /* before exec: the defaults back */
bool intr_reset_sig(shell_t *sh, int sig); /* trap - sig: the shell's own disposition, if any */
bool intr_check(shell_t *sh);              /* ^C reached the shell: unwinds, returns true */
bool intr_take(int sig);
bool intr_pending(void);           /* ^C arrived and is not handled yet */
void intr_forward(const job_t *j); /* keys that reached the shell, to a fg job */
void intr_clear(void);

/* complete.c */
void complete_candidates(shell_t *sh, const char *word, bool command, strvec_t *out);
/* Adds the names of the executable files in dir that start with prefix (unsorted). */
void complete_programs(const char *dir, const char *prefix, strvec_t *out);

/* builtins.c */
typedef int (*builtin_fn)(shell_t *sh, int argc, char **argv);
typedef struct {
    const char *name;
    builtin_fn fn;
    bool special;
    const char *usage; /* for help */
} builtin_t;
const builtin_t *builtin_find(const char *name);
const builtin_t *builtin_at(size_t i); /* the i-th in name order, NULL past the end */

/* bi_trap.c */
void trap_run_pending(shell_t *sh); /* runs the actions of signals that arrived */
void trap_run_exit(shell_t *sh);    /* runs the EXIT trap, once */
bool trap_exit_set(void);           /* an EXIT trap forbids replacing the shell by exec */

/* unparse.c */
char *unparse(const node_t *n);
char *unparse_func(const char *name, const node_t *body);

#endif
