/*
 * shell.h - the running shell's state and the interfaces between its I/O and
 * process modules: variables (vars.c), the tree walker (exec.c), redirections
 * (redir.c), process creation and waiting (spawn.c, jobs.c), fork-less subshells
 * (subshell.c), builtins (builtins.c and bi_*.c) and the input loop (main.c).
 */
#ifndef SH_SHELL_H
#define SH_SHELL_H

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ast.h"
#include "expand.h"
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

typedef struct job {
    pid_t pid;
    int status; /* shell status ($? form) once done */
    bool done;
} job_t;

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
        bool errexit, nounset, xtrace, noglob, noexec, verbose;
    } opt;
    bool interactive;
    bool subshell;       /* started by another shell for a subshell */
    const char *sh_path; /* the shell binary spawned for subshells */
    job_t *jobs;
    size_t njobs, capjobs;
    int loop_depth;
    int brk, cont;       /* pending break / continue levels */
    bool returning;      /* return executed, unwinding to the function or . */
    int ret_status;      /* the status given to return */
    bool aborting;       /* error: unwind to the top level (interactive only) */
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
int exec_argv_external(shell_t *sh, char **argv, redir_t *redirs, char *const *assigns, int flags);

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
void jobs_add(shell_t *sh, pid_t pid);
int jobs_wait_fg(shell_t *sh, pid_t pid); /* waits for a foreground child; $? form */
int jobs_wait(shell_t *sh, pid_t pid);    /* wait builtin for one pid: 127 if unknown */
int jobs_wait_all(shell_t *sh);
void jobs_reap(shell_t *sh); /* non-blocking collection of finished jobs */
int status_from_wait(int ws, bool report);

/* builtins.c */
typedef int (*builtin_fn)(shell_t *sh, int argc, char **argv);
typedef struct {
    const char *name;
    builtin_fn fn;
    bool special;
} builtin_t;
const builtin_t *builtin_find(const char *name);

/* bi_trap.c */
void trap_run_pending(shell_t *sh); /* runs the actions of signals that arrived */
void trap_run_exit(shell_t *sh);    /* runs the EXIT trap, once */
bool trap_exit_set(void);           /* an EXIT trap forbids replacing the shell by exec */

/* unparse.c */
char *unparse(const node_t *n);
char *unparse_func(const char *name, const node_t *body);

#endif
