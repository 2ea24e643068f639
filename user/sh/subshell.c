/*
 * subshell.c - subshells without fork.
 *
 * Design. Our OS has no fork: the only way to make a process is posix_spawn (clone
 * with CLONE_VM|CLONE_VFORK, then exec). Whatever a fork-based shell runs in a forked
 * copy of itself -- a pipeline element that is a builtin, function or compound command,
 * ( list ), an asynchronous list that is not a plain external command, a command
 * substitution -- is run here by spawning the shell binary again:
 *
 *     argv: sh -c <command text> <$0> <$1> ... <$n>
 *     envp: the exported variables, plus _SH_STATE=<state>
 *
 * The command text is the subtree turned back into shell text by unparse.c (or, for
 * $( ), the substitution's own text). The state is everything else a forked child
 * would have inherited from memory:
 *
 *     line 1:  <$$> <$!> <$?> <options letters or "-">
 *     rest:    a prelude of shell text: name='value' for every unexported variable,
 *              "readonly name" lines, and every function definition (unparsed)
 *
 * Exported variables already travel in envp. The working directory, umask, ignored
 * signals and open descriptors (the pipe ends placed by file actions) are inherited
 * through posix_spawn itself. The child (subshell_restore, called from main before it
 * runs -c) drops _SH_STATE from its variables, runs the prelude, then sets $$ to the
 * top shell's pid, $! and $? and the options, so "$$" in a subshell still names the
 * top shell. A ( list ) that is the last thing a sh -c runs is executed in place
 * instead: nothing would be left to restore.
 *
 * The environment (not an argument) carries the state so that ps shows the plain
 * "sh -c <command>" and the argument list is exactly what a user would type.
 *
 * Entry points: subshell_spawn, subshell_capture, subshell_restore.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

static const char state_var[] = "_SH_STATE";

static char *state_serialize(shell_t *sh)
{
    strbuf_t b = {0};
    char opts[8], *o = opts;
    if (sh->opt.errexit) *o++ = 'e';
    if (sh->opt.noglob) *o++ = 'f';
    if (sh->opt.noexec) *o++ = 'n';
    if (sh->opt.nounset) *o++ = 'u';
    if (sh->opt.verbose) *o++ = 'v';
    if (sh->opt.xtrace) *o++ = 'x';
    *o = '\0';
    sb_printf(&b, "%s=%ld %ld %d %s\n", state_var, (long)sh->toppid, (long)sh->lastbg, sh->status,
              opts[0] ? opts : "-");
    var_t **vars;
    size_t n;
    vars_sorted(sh, &vars, &n);
    for (size_t i = 0; i < n; i++) {
        if (!vars[i]->exported && vars[i]->value) {
            char *q = shell_quote(vars[i]->value);
            sb_printf(&b, "%s=%s\n", vars[i]->name, q);
            free(q);
        }
        if (vars[i]->readonly) sb_printf(&b, "readonly %s\n", vars[i]->name);
    }
    free(vars);
    for (func_t *f = sh->funcs; f; f = f->next) {
        char *t = unparse_func(f->name, f->body);
        sb_puts(&b, t);
        free(t);
    }
    return sb_take(&b);
}

static pid_t spawn_text(shell_t *sh, const char *text, const posix_spawn_file_actions_t *fa)
{
    strvec_t argv = {0};
    sv_push(&argv, xstrdup("sh"));
    sv_push(&argv, xstrdup("-c"));
    sv_push(&argv, xstrdup(text));
    sv_push(&argv, xstrdup(sh->arg0));
    for (int i = 0; i < sh->nparams; i++)
        sv_push(&argv, xstrdup(sh->params[i]));
    char *state = state_serialize(sh);
    char *extra[] = {state, NULL};
    char **env = vars_environ(sh, extra);
    pid_t pid = spawn_cmd(sh, sh->sh_path, argv.v, env, fa);
    if (pid < 0) {
        sh_error("%s: %s", sh->sh_path, strerror((int)-pid));
        pid = -ST_NOEXEC;
    }
    vars_free_environ(env);
    free(state);
    sv_free(&argv);
    return pid;
}

pid_t subshell_spawn(shell_t *sh, const node_t *n, const posix_spawn_file_actions_t *fa)
{
    char *text = unparse(n);
    pid_t pid = spawn_text(sh, text, fa);
    free(text);
    return pid;
}

char *subshell_capture(shell_t *sh, const char *cmd)
{
    if (cmd[strspn(cmd, " \t\n")] == '\0') {
        sh->cmdsubst_status = 0;
        return xstrdup("");
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        sh_error("pipe: %s", strerror(errno));
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    /* not a process of the job being started: it runs in the shell's own group */
    job_t *building = sh->job_building;
    sh->job_building = NULL;
    pid_t pid = spawn_text(sh, cmd, &fa);
    sh->job_building = building;
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    strbuf_t out = {0};
    char buf[4096];
    for (;;) {
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        sb_putn(&out, buf, (size_t)r);
    }
    close(p[0]);
    sh->cmdsubst_status = pid > 0 ? jobs_wait_pid(sh, pid) : (int)-pid;
    return sb_take(&out);
}

int subshell_restore(shell_t *sh)
{
    var_t *v = var_find(sh, state_var);
    if (!v) return 0;
    char *state = xstrdup(v->value);
    var_unset(sh, state_var);
    unsetenv(state_var);
    long pid = 0, bg = 0;
    int status = 0, used = 0;
    char opts[16] = "";
    if (sscanf(state, "%ld %ld %d %15s%n", &pid, &bg, &status, opts, &used) < 4) {
        free(state);
        return -1;
    }
    sh->subshell = true;
    const char *prelude = state + used;
    if (*prelude == '\n') prelude++;
    sh_run_string(sh, prelude, 0);
    sh->toppid = (pid_t)pid;
    sh->lastbg = (pid_t)bg;
    sh->status = status;
    for (char *o = opts; *o; o++) {
        switch (*o) {
        case 'e':
            sh->opt.errexit = true;
            break;
        case 'f':
            sh->opt.noglob = true;
            sh->eh.noglob = true;
            break;
        case 'n':
            sh->opt.noexec = true;
            break;
        case 'u':
            sh->opt.nounset = true;
            sh->eh.nounset = true;
            break;
        case 'v':
            sh->opt.verbose = true;
            break;
        case 'x':
            sh->opt.xtrace = true;
            break;
        }
    }
    free(state);
    return 0;
}
