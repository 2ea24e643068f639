/*
 * builtins.h - the builtin commands, one function each, grouped by file:
 *   bi_flow.c   :, true, false, exit, return, break, continue, eval, ., exec
 *   bi_jobs.c   jobs, fg, bg, wait
 *   bi_vars.c   export, readonly, unset, set, shift
 *   bi_misc.c   cd, pwd, echo, type, command, umask, kill, poweroff
 *   builtins.c  help
 *   bi_read.c   read
 *   bi_printf.c printf
 *   bi_test.c   test, [
 *   bi_trap.c   trap
 * The table that names them is in builtins.c.
 */
#ifndef SH_BUILTINS_H
#define SH_BUILTINS_H

#include "shell.h"

#define BUILTIN(name) int bi_##name(shell_t *sh, int argc, char **argv)

BUILTIN(colon);
BUILTIN(false);
BUILTIN(exit);
BUILTIN(return );
BUILTIN(break);
BUILTIN(continue);
BUILTIN(eval);
BUILTIN(dot);
BUILTIN(exec);
BUILTIN(wait);
BUILTIN(jobs);
BUILTIN(fg);
BUILTIN(bg);
BUILTIN(help);
BUILTIN(export);
BUILTIN(readonly);
BUILTIN(unset);
BUILTIN(set);
BUILTIN(shift);
BUILTIN(cd);
BUILTIN(pwd);
BUILTIN(echo);
BUILTIN(type);
BUILTIN(command);
BUILTIN(umask);
BUILTIN(kill);
BUILTIN(poweroff);
BUILTIN(read);
BUILTIN(printf);
BUILTIN(test);
BUILTIN(trap);

/* bi_printf.c: writes s with printf-style backslash escapes to out; returns false if
 * a \c asked to stop all further output. octal0: \0NNN (echo, %b) rather than \NNN. */
bool escapes_write(strbuf_t *out, const char *s, bool octal0);

/* bi_jobs.c: the job a spec (%n, %%, %-, %name, %?text) names, or NULL after saying why. */
job_t *jobs_lookup(shell_t *sh, const char *who, const char *spec);

/* bi_vars.c: applies one option letter (e, u, x, f, n, v); false if unknown. */
bool set_option(shell_t *sh, char c, bool on);

#endif
