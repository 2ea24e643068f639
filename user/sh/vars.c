/*
 * vars.c - shell variables (a small hash table), special parameters, positional
 * parameters, the environment handed to children, and the function table.
 *
 * Entry points: vars_init, var_get, var_set, var_unset, var_find, var_export,
 * vars_environ, vars_free_environ, vars_sorted, params_set, params_free, func_find,
 * func_define, func_unset, shell_quote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "shell.h"

static unsigned hash(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h % VAR_BUCKETS;
}

var_t *var_find(shell_t *sh, const char *name)
{
    for (var_t *v = sh->vars[hash(name)]; v; v = v->next)
        if (strcmp(v->name, name) == 0) return v;
    return NULL;
}

static char *numstr(shell_t *sh, long v)
{
    char *b = sh->numbuf[sh->numbuf_next++ % 4];
    snprintf(b, sizeof sh->numbuf[0], "%ld", v);
    return b;
}

const char *var_get(shell_t *sh, const char *name)
{
    if (name[0] && !name[1]) {
        switch (name[0]) {
        case '?':
            return numstr(sh, sh->status);
        case '$':
            return numstr(sh, sh->toppid);
        case '!':
            return sh->lastbg ? numstr(sh, sh->lastbg) : NULL;
        case '#':
            return numstr(sh, sh->nparams);
        case '0':
            return sh->arg0;
        case '-': {
            char *b = sh->numbuf[sh->numbuf_next++ % 4];
            char *p = b;
            if (sh->opt.errexit) *p++ = 'e';
            if (sh->opt.noglob) *p++ = 'f';
            if (sh->interactive) *p++ = 'i';
            if (sh->opt.monitor) *p++ = 'm';
            if (sh->opt.noexec) *p++ = 'n';
            if (sh->opt.nounset) *p++ = 'u';
            if (sh->opt.verbose) *p++ = 'v';
            if (sh->opt.xtrace) *p++ = 'x';
            *p = '\0';
            return b;
        }
        }
    }
    if (name[0] >= '1' && name[0] <= '9') {
        long n = strtol(name, NULL, 10);
        return n <= sh->nparams ? sh->params[n - 1] : NULL;
    }
    var_t *v = var_find(sh, name);
    return v ? v->value : NULL;
}

int var_set(shell_t *sh, const char *name, const char *value, bool export)
{
    var_t *v = var_find(sh, name);
    if (v && v->readonly) {
        sh_error("%s: is read only", name);
        return -1;
    }
    if (!v) {
        v = xmalloc(sizeof *v);
        v->name = xstrdup(name);
        v->value = NULL;
        v->exported = false;
        v->readonly = false;
        unsigned h = hash(name);
        v->next = sh->vars[h];
        sh->vars[h] = v;
    }
    char *nv = xstrdup(value);
    free(v->value);
    v->value = nv;
    if (export) v->exported = true;
    return 0;
}

int var_unset(shell_t *sh, const char *name)
{
    var_t **pp = &sh->vars[hash(name)];
    for (; *pp; pp = &(*pp)->next) {
        var_t *v = *pp;
        if (strcmp(v->name, name) != 0) continue;
        if (v->readonly) {
            sh_error("%s: is read only", name);
            return -1;
        }
        *pp = v->next;
        free(v->name);
        free(v->value);
        free(v);
        return 0;
    }
    return 0;
}

void var_export(shell_t *sh, const char *name)
{
    var_t *v = var_find(sh, name);
    if (v) v->exported = true;
}

void vars_init(shell_t *sh, char **envp)
{
    for (char **e = envp; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || !parse_is_name(*e, (size_t)(eq - *e))) continue;
        char *name = xstrndup(*e, (size_t)(eq - *e));
        var_set(sh, name, eq + 1, true);
        free(name);
    }
}

char **vars_environ(shell_t *sh, char *const *extra)
{
    strvec_t env = {0};
    for (int b = 0; b < VAR_BUCKETS; b++) {
        for (var_t *v = sh->vars[b]; v; v = v->next) {
            if (!v->exported || !v->value) continue;
            bool overridden = false;
            size_t nl = strlen(v->name);
            for (char *const *x = extra; x && *x; x++)
                if (strncmp(*x, v->name, nl) == 0 && (*x)[nl] == '=') overridden = true;
            if (overridden) continue;
            strbuf_t s = {0};
            sb_printf(&s, "%s=%s", v->name, v->value);
            sv_push(&env, sb_take(&s));
        }
    }
    for (char *const *x = extra; x && *x; x++)
        sv_push(&env, xstrdup(*x));
    if (!env.v) sv_push(&env, NULL), env.n = 0;
    return env.v;
}

void vars_free_environ(char **env)
{
    for (char **e = env; e && *e; e++)
        free(*e);
    free(env);
}

static int var_cmp(const void *a, const void *b)
{
    return strcmp((*(var_t *const *)a)->name, (*(var_t *const *)b)->name);
}

void vars_sorted(shell_t *sh, var_t ***out, size_t *n)
{
    size_t cnt = 0, cap = 16;
    var_t **v = xmalloc(cap * sizeof *v);
    for (int b = 0; b < VAR_BUCKETS; b++)
        for (var_t *x = sh->vars[b]; x; x = x->next) {
            if (cnt == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[cnt++] = x;
        }
    qsort(v, cnt, sizeof *v, var_cmp);
    *out = v;
    *n = cnt;
}

void params_free(char **params, int n)
{
    for (int i = 0; i < n; i++)
        free(params[i]);
    free(params);
}

void params_set(shell_t *sh, char **argv, int n)
{
    char **p = xmalloc((size_t)(n + 1) * sizeof *p);
    for (int i = 0; i < n; i++)
        p[i] = xstrdup(argv[i]);
    p[n] = NULL;
    params_free(sh->params, sh->nparams);
    sh->params = p;
    sh->nparams = n;
}

func_t *func_find(shell_t *sh, const char *name)
{
    for (func_t *f = sh->funcs; f; f = f->next)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

void func_define(shell_t *sh, const char *name, node_t *body, arena_t *arena)
{
    arena_ref(arena);
    func_t *f = func_find(sh, name);
    if (f) {
        /* The old body may be running right now (a function redefining itself), so its
         * arena is released only when nothing else holds it. */
        arena_unref(f->arena);
    } else {
        f = xmalloc(sizeof *f);
        f->name = xstrdup(name);
        f->next = sh->funcs;
        sh->funcs = f;
    }
    f->body = body;
    f->arena = arena;
}

int func_unset(shell_t *sh, const char *name)
{
    for (func_t **pp = &sh->funcs; *pp; pp = &(*pp)->next) {
        func_t *f = *pp;
        if (strcmp(f->name, name) == 0) {
            *pp = f->next;
            arena_unref(f->arena);
            free(f->name);
            free(f);
            return 0;
        }
    }
    return 0;
}

char *shell_quote(const char *s)
{
    strbuf_t b = {0};
    sb_putc(&b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sb_puts(&b, "'\\''");
        else
            sb_putc(&b, *s);
    }
    sb_putc(&b, '\'');
    return sb_take(&b);
}
