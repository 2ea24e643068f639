/*
 * builtins.c - the table of builtin commands, and help, which lists it. "special" marks
 * POSIX special builtins (XCU 2.14): found before functions, their assignments persist,
 * and their errors end a non-interactive shell.
 *
 * Entry points: builtin_find, builtin_at, bi_help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "lineedit_core.h"

static const builtin_t table[] = {
    {".", bi_dot, true, ". file [arg...]"},
    {":", bi_colon, true, ": [arg...]"},
    {"[", bi_test, false, "[ expression ]"},
    {"bg", bi_bg, false, "bg [%job...]"},
    {"break", bi_break, true, "break [n]"},
    {"cd", bi_cd, false, "cd [-L|-P] [dir|-]"},
    {"command", bi_command, false, "command [-v|-V] name [arg...]"},
    {"continue", bi_continue, true, "continue [n]"},
    {"echo", bi_echo, false, "echo [-n] [arg...]"},
    {"eval", bi_eval, true, "eval [arg...]"},
    {"exec", bi_exec, true, "exec [command [arg...]]"},
    {"exit", bi_exit, true, "exit [n]"},
    {"export", bi_export, true, "export [-p] [name[=value]...]"},
    {"false", bi_false, false, "false"},
    {"fg", bi_fg, false, "fg [%job]"},
    {"help", bi_help, false, "help [builtin...]"},
    {"jobs", bi_jobs, false, "jobs [-l|-p] [%job...]"},
    {"kill", bi_kill, false, "kill [-s sig|-sig] pid|%job...  or  kill -l [status]"},
    {"poweroff", bi_poweroff, false, "poweroff"},
    {"printf", bi_printf, false, "printf format [arg...]"},
    {"pwd", bi_pwd, false, "pwd [-L|-P]"},
    {"read", bi_read, false, "read [-r] [-p prompt] [name...]"},
    {"readonly", bi_readonly, true, "readonly [-p] [name[=value]...]"},
    {"return", bi_return, true, "return [n]"},
    {"set", bi_set, true, "set [-efmnuvx] [-o name] [--] [arg...]"},
    {"shift", bi_shift, true, "shift [n]"},
    {"test", bi_test, false, "test expression"},
    {"trap", bi_trap, true, "trap [action] [signal...]"},
    {"true", bi_colon, false, "true"},
    {"type", bi_type, false, "type name..."},
    {"umask", bi_umask, false, "umask [-S] [mode]"},
    {"unset", bi_unset, true, "unset [-v|-f] name..."},
    {"wait", bi_wait, false, "wait [pid|%job...]"},
};

enum { NBUILTINS = sizeof table / sizeof table[0] };

const builtin_t *builtin_find(const char *name)
{
    size_t lo = 0, hi = NBUILTINS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, table[mid].name);
        if (c == 0) return &table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const builtin_t *builtin_at(size_t i)
{
    return i < NBUILTINS ? &table[i] : NULL;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* help: the builtins and the programs in /bin; help name...: how to call those builtins. */
BUILTIN(help)
{
    (void)sh;
    if (argc > 1) {
        int st = 0;
        for (int i = 1; i < argc; i++) {
            const builtin_t *b = builtin_find(argv[i]);
            if (b)
                printf("%s: %s\n", b->name, b->usage);
            else {
                sh_error("help: no help for %s (not a builtin; try %s --help)", argv[i], argv[i]);
                st = 1;
            }
        }
        return st;
    }
    strbuf_t out = {0};
    char *names[NBUILTINS];
    for (size_t i = 0; i < NBUILTINS; i++)
        names[i] = (char *)table[i].name;
    sb_puts(&out, "Shell builtins (help NAME shows how to call one):\n");
    le_columns(names, NBUILTINS, 78, &out);
    strvec_t progs = {0};
    complete_programs("/bin", "", &progs);
    if (progs.n) qsort(progs.v, progs.n, sizeof *progs.v, cmp_name);
    sb_puts(&out, "\nPrograms in /bin:\n");
    le_columns(progs.v, progs.n, 78, &out);
    sb_puts(&out,
            "\nKeys: Tab completes; arrows, Home, End, ^A ^E ^K ^U ^W edit; Up/Down recall;\n"
            "^C interrupts, ^Z stops (then fg, bg, jobs); ^D on an empty line ends the shell.\n"
            "See docs/shell.md.\n");
    fputs(out.s, stdout);
    sb_free(&out);
    sv_free(&progs);
    return 0;
}
