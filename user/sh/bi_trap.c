/*
 * bi_trap.c - the trap builtin and running trap actions. "trap action sig..." sets an
 * action (shell text run between commands after the signal arrives), "trap '' sig"
 * ignores the signal (children inherit that), "trap - sig" restores the default, and
 * EXIT (or 0) runs when the shell exits. "trap" alone lists the traps.
 *
 * Traps are not passed to spawned subshells, as POSIX resets them in subshells;
 * ignored signals are, through posix_spawn.
 *
 * Entry points: bi_trap, trap_run_pending, trap_run_exit, trap_exit_set.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "signames.h"

enum { TRAP_MAX = 65 }; /* 0 = EXIT, then signal numbers */

static char *actions[TRAP_MAX];
static volatile sig_atomic_t pending[TRAP_MAX];
static volatile sig_atomic_t any_pending;

static void on_signal(int sig)
{
    if (sig > 0 && sig < TRAP_MAX) {
        pending[sig] = 1;
        any_pending = 1;
    }
}

static int trap_number(const char *name)
{
    if (strcmp(name, "EXIT") == 0 || strcmp(name, "0") == 0) return 0;
    int s = sig_from_name(name);
    return s > 0 && s < TRAP_MAX ? s : -1;
}

static void run_action(shell_t *sh, const char *action)
{
    int saved = sh->status;
    char *text = xstrdup(action);
    sh_run_string(sh, text, 0);
    free(text);
    sh->status = saved;
}

void trap_run_pending(shell_t *sh)
{
    while (any_pending) {
        any_pending = 0;
        for (int s = 1; s < TRAP_MAX; s++) {
            if (!pending[s]) continue;
            pending[s] = 0;
            if (actions[s] && *actions[s]) run_action(sh, actions[s]);
        }
    }
}

void trap_run_exit(shell_t *sh)
{
    char *a = actions[0];
    actions[0] = NULL; /* once, even if the action itself exits */
    if (a && *a) run_action(sh, a);
    free(a);
}

bool trap_exit_set(void)
{
    return actions[0] && *actions[0];
}

static void print_traps(void)
{
    for (int s = 0; s < TRAP_MAX; s++) {
        if (!actions[s]) continue;
        char *q = shell_quote(actions[s]);
        printf("trap -- %s %s\n", q, s == 0 ? "EXIT" : sig_name(s) ? sig_name(s) : "?");
        free(q);
    }
}

BUILTIN(trap)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (i >= argc) {
        print_traps();
        return 0;
    }
    const char *action = argv[i];
    /* "trap N..." with a signal number first resets those signals (POSIX). */
    if (trap_number(action) >= 0 && action[0] >= '0' && action[0] <= '9') {
        action = "-";
    } else {
        i++;
    }
    int st = 0;
    for (; i < argc; i++) {
        int s = trap_number(argv[i]);
        if (s < 0 || s == SIGKILL || s == SIGSTOP) {
            sh_error("trap: %s: bad trap", argv[i]);
            st = 1;
            continue;
        }
        free(actions[s]);
        actions[s] = strcmp(action, "-") == 0 ? NULL : xstrdup(action);
        if (s == 0) continue;
        /* the interactive shell's own disposition is its default */
        if (!actions[s] && intr_reset_sig(sh, s)) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        if (!actions[s])
            sa.sa_handler = SIG_DFL;
        else if (!*actions[s])
            sa.sa_handler = SIG_IGN;
        else
            sa.sa_handler = on_signal;
        sigaction(s, &sa, NULL);
    }
    return st;
}
