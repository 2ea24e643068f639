/*
 * builtins.c - the table of builtin commands. "special" marks POSIX special builtins
 * (XCU 2.14): found before functions, their assignments persist, and their errors
 * end a non-interactive shell.
 *
 * Entry point: builtin_find.
 */
#include <string.h>

#include "builtins.h"

static const builtin_t table[] = {
    {".", bi_dot, true},
    {":", bi_colon, true},
    {"[", bi_test, false},
    {"break", bi_break, true},
    {"cd", bi_cd, false},
    {"command", bi_command, false},
    {"continue", bi_continue, true},
    {"echo", bi_echo, false},
    {"eval", bi_eval, true},
    {"exec", bi_exec, true},
    {"exit", bi_exit, true},
    {"export", bi_export, true},
    {"false", bi_false, false},
    {"kill", bi_kill, false},
    {"poweroff", bi_poweroff, false},
    {"printf", bi_printf, false},
    {"pwd", bi_pwd, false},
    {"read", bi_read, false},
    {"readonly", bi_readonly, true},
    {"return", bi_return, true},
    {"set", bi_set, true},
    {"shift", bi_shift, true},
    {"test", bi_test, false},
    {"trap", bi_trap, true},
    {"true", bi_colon, false},
    {"type", bi_type, false},
    {"umask", bi_umask, false},
    {"unset", bi_unset, true},
    {"wait", bi_wait, false},
};

const builtin_t *builtin_find(const char *name)
{
    size_t lo = 0, hi = sizeof table / sizeof table[0];
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
