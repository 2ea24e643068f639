/*
 * bi_vars.c - builtins that change variables, options and positional parameters:
 * export, readonly, unset, set and shift.
 *
 * Entry points: bi_export, bi_readonly, bi_unset, bi_set, bi_shift, set_option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "parse.h"

/* Creates name if needed; a name=value argument also assigns. */
static int mark_var(shell_t *sh, const char *arg, bool export, bool readonly)
{
    const char *eq = strchr(arg, '=');
    size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
    if (!parse_is_name(arg, nl)) {
        sh_error("%s: %.*s: bad variable name", export ? "export" : "readonly", (int)nl, arg);
        sh_fail(sh, 2);
        return 2;
    }
    char *name = xstrndup(arg, nl);
    int r = 0;
    if (eq) {
        r = var_set(sh, name, eq + 1, export);
    } else if (!var_find(sh, name)) {
        /* Exported or readonly but unset: exists with no value. */
        var_set(sh, name, "", false);
        var_t *v = var_find(sh, name);
        free(v->value);
        v->value = NULL;
    }
    var_t *v = var_find(sh, name);
    if (v && r == 0) {
        if (export) v->exported = true;
        if (readonly) v->readonly = true;
    }
    free(name);
    return r ? 1 : 0;
}

static void print_marked(shell_t *sh, const char *cmd, bool export)
{
    var_t **vars;
    size_t n;
    vars_sorted(sh, &vars, &n);
    for (size_t i = 0; i < n; i++) {
        if (export ? !vars[i]->exported : !vars[i]->readonly) continue;
        if (vars[i]->value) {
            char *q = shell_quote(vars[i]->value);
            printf("%s %s=%s\n", cmd, vars[i]->name, q);
            free(q);
        } else {
            printf("%s %s\n", cmd, vars[i]->name);
        }
    }
    free(vars);
}

static int export_or_readonly(shell_t *sh, int argc, char **argv, bool export)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "-p") == 0) i++;
    if (i >= argc) {
        print_marked(sh, argv[0], export);
        return 0;
    }
    int st = 0;
    for (; i < argc; i++)
        st |= mark_var(sh, argv[i], export, !export);
    return st;
}

BUILTIN(export)
{
    return export_or_readonly(sh, argc, argv, true);
}

BUILTIN(readonly)
{
    return export_or_readonly(sh, argc, argv, false);
}

BUILTIN(unset)
{
    bool funcs = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-f") == 0)
            funcs = true;
        else if (strcmp(argv[i], "-v") == 0)
            funcs = false;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            sh_error("unset: Illegal option %s", argv[i]);
            sh_fail(sh, 2);
            return 2;
        }
    }
    int st = 0;
    for (; i < argc; i++) {
        if (funcs)
            func_unset(sh, argv[i]);
        else if (var_unset(sh, argv[i]) != 0)
            st = 1;
    }
    return st;
}

static const struct {
    const char *name;
    char letter;
} long_opts[] = {
    {"errexit", 'e'}, {"noglob", 'f'},  {"monitor", 'm'}, {"noexec", 'n'},
    {"nounset", 'u'}, {"verbose", 'v'}, {"xtrace", 'x'},
};

bool set_option(shell_t *sh, char c, bool on)
{
    switch (c) {
    case 'e':
        sh->opt.errexit = on;
        break;
    case 'f':
        sh->opt.noglob = on;
        sh->eh.noglob = on;
        break;
    case 'n':
        sh->opt.noexec = on;
        break;
    case 'u':
        sh->opt.nounset = on;
        sh->eh.nounset = on;
        break;
    case 'v':
        sh->opt.verbose = on;
        break;
    case 'x':
        sh->opt.xtrace = on;
        break;
    case 'm':
        if (on && !sh->jobctl) on = jobs_control_on(sh) == 0;
        if (!on) jobs_control_off(sh, false);
        sh->opt.monitor = on;
        break;
    default:
        return false;
    }
    return true;
}

static bool option_on(shell_t *sh, char c)
{
    switch (c) {
    case 'e':
        return sh->opt.errexit;
    case 'f':
        return sh->opt.noglob;
    case 'n':
        return sh->opt.noexec;
    case 'u':
        return sh->opt.nounset;
    case 'v':
        return sh->opt.verbose;
    case 'x':
        return sh->opt.xtrace;
    case 'm':
        return sh->opt.monitor;
    }
    return false;
}

static void print_vars(shell_t *sh)
{
    var_t **vars;
    size_t n;
    vars_sorted(sh, &vars, &n);
    for (size_t i = 0; i < n; i++) {
        if (!vars[i]->value) continue;
        char *q = shell_quote(vars[i]->value);
        printf("%s=%s\n", vars[i]->name, q);
        free(q);
    }
    free(vars);
}

BUILTIN(set)
{
    if (argc == 1) {
        print_vars(sh);
        return 0;
    }
    int i = 1;
    bool have_args = false;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            have_args = true;
            break;
        }
        if ((a[0] != '-' && a[0] != '+') || !a[1]) break;
        bool on = a[0] == '-';
        if (strcmp(a + 1, "o") == 0) {
            if (i + 1 >= argc) {
                for (size_t k = 0; k < sizeof long_opts / sizeof long_opts[0]; k++) {
                    bool v = option_on(sh, long_opts[k].letter);
                    if (on)
                        printf("%-16s%s\n", long_opts[k].name, v ? "on" : "off");
                    else
                        printf("set %co %s\n", v ? '-' : '+', long_opts[k].name);
                }
                return 0;
            }
            const char *name = argv[++i];
            size_t k = 0;
            for (; k < sizeof long_opts / sizeof long_opts[0]; k++)
                if (strcmp(long_opts[k].name, name) == 0) break;
            if (k == sizeof long_opts / sizeof long_opts[0]) {
                sh_error("set: Illegal option -o %s", name);
                sh_fail(sh, 2);
                return 2;
            }
            set_option(sh, long_opts[k].letter, on);
            continue;
        }
        for (const char *c = a + 1; *c; c++) {
            if (!set_option(sh, *c, on)) {
                sh_error("set: Illegal option %c%c", a[0], *c);
                sh_fail(sh, 2);
                return 2;
            }
        }
    }
    if (i < argc || have_args) params_set(sh, argv + i, argc - i);
    return 0;
}

BUILTIN(shift)
{
    long n = 1;
    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 10);
        if (*end || !*argv[1] || n < 0) {
            sh_error("shift: Illegal number: %s", argv[1]);
            sh_fail(sh, 2);
            return 2;
        }
    }
    if (n > sh->nparams) {
        sh_error("shift: can't shift that many");
        sh_fail(sh, 2);
        return 2;
    }
    for (long k = 0; k < n; k++)
        free(sh->params[k]);
    memmove(sh->params, sh->params + n, (size_t)(sh->nparams - n + 1) * sizeof *sh->params);
    sh->nparams -= (int)n;
    return 0;
}
