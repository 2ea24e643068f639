/*
 * exec.c - walks command trees: lists, and-or lists, pipelines, compound commands,
 * function calls and simple commands (builtins in-process, external programs and
 * subshells through posix_spawn; see subshell.c for why the shell never forks).
 *
 * Entry points: exec_node, exec_unwinding, exec_argv_external.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "shell.h"

bool exec_unwinding(shell_t *sh)
{
    return sh->brk || sh->cont || sh->returning || sh->aborting;
}

/* ---- prefix assignments ------------------------------------------------------- */

typedef struct {
    char *name;
    char *old; /* previous value, NULL if it was unset */
    bool exported;
} saved_var_t;

typedef struct {
    saved_var_t *v;
    size_t n;
} var_saves_t;

/* Expands "name=value" words into a vector of "name=value" strings. */
static int expand_assigns(shell_t *sh, const words_t *w, strvec_t *out)
{
    for (size_t i = 0; i < w->n; i++) {
        const char *a = w->v[i];
        size_t nl = parse_assign_len(a);
        char *val = expand_str(&sh->eh, a + nl + 1, EXPAND_ASSIGN);
        if (!val) return -1;
        strbuf_t b = {0};
        sb_putn(&b, a, nl + 1);
        sb_puts(&b, val);
        free(val);
        sv_push(out, sb_take(&b));
    }
    return 0;
}

/* Sets name=value assignments; with saves, remembers the old values for undo_assigns. */
static int do_assigns(shell_t *sh, char **assigns, size_t n, var_saves_t *saves, bool export)
{
    if (saves) {
        saves->v = xmalloc((n ? n : 1) * sizeof *saves->v);
        saves->n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(assigns[i], '=');
        char *name = xstrndup(assigns[i], (size_t)(eq - assigns[i]));
        if (saves) {
            var_t *v = var_find(sh, name);
            saved_var_t *s = &saves->v[saves->n++];
            s->name = xstrdup(name);
            s->old = v && v->value ? xstrdup(v->value) : NULL;
            s->exported = v && v->exported;
        }
        int r = var_set(sh, name, eq + 1, export);
        free(name);
        if (r != 0) return -1;
    }
    return 0;
}

static void undo_assigns(shell_t *sh, var_saves_t *saves)
{
    for (size_t i = saves->n; i-- > 0;) {
        saved_var_t *s = &saves->v[i];
        var_t *v = var_find(sh, s->name);
        if (v && v->readonly) {
            /* readonly inside the command: keep it */
        } else if (s->old) {
            var_set(sh, s->name, s->old, false);
            v = var_find(sh, s->name);
            v->exported = s->exported;
        } else {
            var_unset(sh, s->name);
        }
        free(s->name);
        free(s->old);
    }
    free(saves->v);
    saves->v = NULL;
    saves->n = 0;
}

/* ---- tracing ------------------------------------------------------------------ */

static void xtrace(shell_t *sh, char **assigns, size_t na, char **argv)
{
    if (!sh->opt.xtrace) return;
    const char *ps4 = var_get(sh, "PS4");
    strbuf_t b = {0};
    sb_puts(&b, ps4 ? ps4 : "+ ");
    bool first = true;
    for (size_t i = 0; i < na; i++) {
        sb_printf(&b, "%s%s", first ? "" : " ", assigns[i]);
        first = false;
    }
    for (char **a = argv; a && *a; a++) {
        bool plain = **a && strspn(*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_-./=:,+%@") == strlen(*a);
        char *q = plain ? xstrdup(*a) : shell_quote(*a);
        sb_printf(&b, "%s%s", first ? "" : " ", q);
        free(q);
        first = false;
    }
    sb_putc(&b, '\n');
    fflush(stdout);
    if (write(2, b.s, b.len) < 0) {
        /* nothing sensible to do */
    }
    sb_free(&b);
}

/* ---- external commands -------------------------------------------------------- */

static void close_all(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* Replaces the shell (last command of sh -c): redirections applied in place. */
_Noreturn static void exec_replace(shell_t *sh, char **argv, redir_t *redirs, char *const *assigns)
{
    if (redir_apply(sh, redirs, NULL) != 0) sh_exit(sh, 2);
    char *path = NULL;
    int err = strchr(argv[0], '/') ? 0 : path_search(sh, argv[0], &path);
    if (err) {
        sh_error(err == EACCES ? "%s: Permission denied" : "%s: not found", argv[0]);
        sh_exit(sh, err == EACCES ? ST_NOEXEC : ST_NOTFOUND);
    }
    char **env = vars_environ(sh, assigns);
    fflush(NULL);
    execve(path ? path : argv[0], argv, env);
    err = errno;
    if (err == ENOEXEC) {
        /* A script without #!: run it with this shell, as POSIX asks. */
        size_t n = 0;
        while (argv[n])
            n++;
        char **nargv = xmalloc((n + 2) * sizeof *nargv);
        nargv[0] = (char *)sh->sh_path;
        nargv[1] = path ? path : argv[0];
        memcpy(nargv + 2, argv + 1, n * sizeof *nargv);
        execve(sh->sh_path, nargv, env);
        err = errno;
    }
    if (err == ENOENT)
        sh_error("%s: not found", argv[0]);
    else
        sh_error("%s: %s", argv[0], strerror(err));
    sh_exit(sh, err == ENOENT ? ST_NOTFOUND : ST_NOEXEC);
}

/*
 * Reports that a command could not be run, on the command's own standard error (its
 * redirections applied around the message, as a forked child would have them), and
 * returns the status POSIX gives it.
 */
static int cmd_error(shell_t *sh, const redir_t *redirs, const char *name, int err)
{
    redir_save_t save = {0};
    redir_apply(sh, redirs, &save);
    if (err == ENOENT)
        sh_error("%s: not found", name);
    else if (err == EACCES)
        sh_error("%s: Permission denied", name);
    else
        sh_error("%s: %s", name, strerror(err));
    redir_restore(&save);
    return err == ENOENT ? ST_NOTFOUND : ST_NOEXEC;
}

/* Starts an external command with fa (pipe set-up) plus its redirections.
 * Returns its pid, or -status if nothing was started. */
static pid_t start_external(shell_t *sh, char **argv, const redir_t *redirs, char *const *assigns,
                            posix_spawn_file_actions_t *fa)
{
    char *path = NULL;
    int err = cmd_resolve(sh, argv[0], &path);
    if (err) return -cmd_error(sh, redirs, argv[0], err);
    int pclose[16], npclose = 0;
    pid_t pid;
    if (redir_actions(sh, redirs, fa, pclose, &npclose) != 0) {
        pid = -2;
    } else {
        char **env = vars_environ(sh, assigns);
        pid = spawn_external(sh, path, argv, env, fa);
        vars_free_environ(env);
        close_all(pclose, npclose);
        if (pid < 0) pid = -cmd_error(sh, redirs, argv[0], (int)-pid);
    }
    free(path);
    return pid;
}

/* Runs an external command (argv[0] is not a builtin or function) and waits for it. */
int exec_argv_external(shell_t *sh, char **argv, redir_t *redirs, char *const *assigns, int flags,
                       const node_t *src)
{
    if ((flags & EV_EXIT) && !sh->interactive && !trap_exit_set())
        exec_replace(sh, argv, redirs, assigns);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    job_t *j = job_begin(sh, src, argv, false);
    pid_t pid = start_external(sh, argv, redirs, assigns, &fa);
    posix_spawn_file_actions_destroy(&fa);
    return job_run_fg(sh, j, pid < 0 ? (int)-pid : 0);
}

/* ---- simple commands ---------------------------------------------------------- */

static int expansion_failed(shell_t *sh)
{
    sh_fail(sh, 2);
    return 2;
}

static int run_builtin(shell_t *sh, const builtin_t *bi, strvec_t *argv, node_t *n)
{
    redir_save_t save = {0};
    int st;
    /* exec with no command: its redirections stay (the point of "exec >file"). */
    if (strcmp(bi->name, "exec") == 0 && argv->n == 1) {
        if (redir_apply(sh, n->redirs, NULL) != 0) {
            sh_fail(sh, 2);
            return 2;
        }
        return 0;
    }
    if (redir_apply(sh, n->redirs, &save) != 0) {
        redir_restore(&save);
        if (bi->special) sh_fail(sh, 2);
        return 2;
    }
    st = bi->fn(sh, (int)argv->n, argv->v);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        clearerr(stdout);
        sh_error("%s: write error: %s", bi->name, strerror(e));
        if (st == 0) st = 1;
    }
    redir_restore(&save);
    return st;
}

static int run_function(shell_t *sh, func_t *f, strvec_t *argv, node_t *n, int flags)
{
    redir_save_t save = {0};
    if (redir_apply(sh, n->redirs, &save) != 0) {
        redir_restore(&save);
        return 2;
    }
    arena_t *arena = f->arena;
    node_t *body = f->body;
    arena_ref(arena); /* the function may redefine or unset itself */
    char **oldp = sh->params;
    int oldn = sh->nparams;
    sh->params = NULL;
    sh->nparams = 0;
    params_set(sh, argv->v + 1, (int)argv->n - 1);
    sh->func_depth++;
    int st = exec_node(sh, body, flags & ~EV_EXIT);
    sh->func_depth--;
    if (sh->returning) {
        sh->returning = false;
        st = sh->ret_status;
    }
    params_free(sh->params, sh->nparams);
    sh->params = oldp;
    sh->nparams = oldn;
    arena_unref(arena);
    redir_restore(&save);
    return st;
}

static int exec_simple(shell_t *sh, node_t *n, int flags)
{
    strvec_t argv = {0}, assigns = {0};
    sh->cmdsubst_status = 0;
    if (expand_words(&sh->eh, n->u.cmd.words.v, n->u.cmd.words.n, &argv) != 0) {
        sv_free(&argv);
        return expansion_failed(sh);
    }
    if (argv.n == 0) {
        /* Assignments and redirections only: both happen in the shell itself. */
        int st = 0;
        if (expand_assigns(sh, &n->u.cmd.assigns, &assigns) != 0) {
            sv_free(&assigns);
            return expansion_failed(sh);
        }
        xtrace(sh, assigns.v, assigns.n, NULL);
        if (do_assigns(sh, assigns.v, assigns.n, NULL, false) != 0) {
            sv_free(&assigns);
            sh_fail(sh, 2);
            return 2;
        }
        sv_free(&assigns);
        st = sh->cmdsubst_status;
        if (n->redirs) {
            redir_save_t save = {0};
            if (redir_apply(sh, n->redirs, &save) != 0) st = 2;
            redir_restore(&save);
        }
        return st;
    }
    if (expand_assigns(sh, &n->u.cmd.assigns, &assigns) != 0) {
        sv_free(&argv);
        sv_free(&assigns);
        return expansion_failed(sh);
    }
    xtrace(sh, assigns.v, assigns.n, argv.v);

    int st;
    const builtin_t *bi = builtin_find(argv.v[0]);
    func_t *f = (bi && bi->special) ? NULL : func_find(sh, argv.v[0]);
    if (bi && bi->special) {
        if (do_assigns(sh, assigns.v, assigns.n, NULL, false) != 0)
            st = 1;
        else
            st = run_builtin(sh, bi, &argv, n);
    } else if (f || bi) {
        var_saves_t saves = {0};
        /* Assignments before a function or regular builtin last for the command. */
        if (do_assigns(sh, assigns.v, assigns.n, &saves, f != NULL) != 0)
            st = 1;
        else
            st = f ? run_function(sh, f, &argv, n, flags) : run_builtin(sh, bi, &argv, n);
        undo_assigns(sh, &saves);
    } else {
        st = exec_argv_external(sh, argv.v, n->redirs, assigns.v, flags, n);
    }
    sv_free(&argv);
    sv_free(&assigns);
    return st;
}

/* ---- pipelines and asynchronous lists ----------------------------------------- */

static bool word_is_literal(const char *w)
{
    return strpbrk(w, "$`'\"\\*?[~") == NULL;
}

/* Expansions whose side effects (assignment) must stay in a subshell. */
static bool word_has_side_effects(const char *w)
{
    const char *b = strstr(w, "${");
    if (b && strpbrk(b, "=")) return true;
    const char *a = strstr(w, "$((");
    return a && strchr(a, '=');
}

/* Can this pipeline element / background command be spawned directly (an external
 * program), with its words expanded by this shell? */
static bool is_plain_external(shell_t *sh, const node_t *n)
{
    if (n->kind != NODE_CMD || n->u.cmd.words.n == 0) return false;
    const char *w0 = n->u.cmd.words.v[0];
    if (!word_is_literal(w0) || builtin_find(w0) || func_find(sh, w0)) return false;
    for (size_t i = 0; i < n->u.cmd.words.n; i++)
        if (word_has_side_effects(n->u.cmd.words.v[i])) return false;
    for (size_t i = 0; i < n->u.cmd.assigns.n; i++)
        if (word_has_side_effects(n->u.cmd.assigns.v[i])) return false;
    for (const redir_t *r = n->redirs; r; r = r->next)
        if (word_has_side_effects(r->word)) return false;
    return true;
}

/* Spawns n with fa already holding the pipe / stdin set-up; returns pid, or -status
 * when nothing could be started. */
static pid_t spawn_element(shell_t *sh, node_t *n, posix_spawn_file_actions_t *fa)
{
    if (!is_plain_external(sh, n)) return subshell_spawn(sh, n, fa);
    strvec_t argv = {0}, assigns = {0};
    pid_t pid;
    if (expand_words(&sh->eh, n->u.cmd.words.v, n->u.cmd.words.n, &argv) != 0 ||
        expand_assigns(sh, &n->u.cmd.assigns, &assigns) != 0) {
        pid = -2;
    } else if (argv.n == 0 || builtin_find(argv.v[0]) || func_find(sh, argv.v[0])) {
        pid = subshell_spawn(sh, n, fa);
    } else {
        xtrace(sh, assigns.v, assigns.n, argv.v);
        pid = start_external(sh, argv.v, n->redirs, assigns.v, fa);
    }
    sv_free(&argv);
    sv_free(&assigns);
    return pid;
}

static int exec_pipeline(shell_t *sh, node_t *n)
{
    size_t k = n->u.pipe.n;
    pid_t last = 0;
    int prev_read = -1;
    job_t *j = job_begin(sh, n, NULL, false);
    for (size_t i = 0; i < k; i++) {
        int p[2] = {-1, -1};
        if (i + 1 < k && pipe2(p, O_CLOEXEC) != 0) {
            sh_error("pipe: %s", strerror(errno));
            p[0] = p[1] = -1;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        if (prev_read >= 0) posix_spawn_file_actions_adddup2(&fa, prev_read, 0);
        if (p[1] >= 0) posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        last = spawn_element(sh, n->u.pipe.cmds[i], &fa);
        posix_spawn_file_actions_destroy(&fa);
        if (prev_read >= 0) close(prev_read);
        if (p[1] >= 0) close(p[1]);
        prev_read = p[0];
    }
    int st = job_run_fg(sh, j, last < 0 ? (int)-last : 0);
    /* the last element's status, also when it could not be started */
    return last < 0 ? (int)-last : st;
}

static int exec_background(shell_t *sh, node_t *body)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    /* Without job control an asynchronous list reads /dev/null, not the terminal. */
    int null = sh->jobctl ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) posix_spawn_file_actions_adddup2(&fa, null, 0);
    job_t *j = job_begin(sh, body, NULL, true);
    pid_t pid = spawn_element(sh, body, &fa);
    if (null >= 0) close(null);
    posix_spawn_file_actions_destroy(&fa);
    return job_run_bg(sh, j, pid < 0 ? (int)-pid : 0);
}

/* ( list ): spawned, except as the very last thing the shell does. */
static int exec_subshell(shell_t *sh, node_t *n, int flags)
{
    if ((flags & EV_EXIT) && !n->redirs && !sh->interactive)
        return exec_node(sh, n->u.sub.body, flags);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int pclose[16], npclose = 0;
    int st;
    if (redir_actions(sh, n->redirs, &fa, pclose, &npclose) != 0) {
        st = 2;
    } else {
        job_t *j = job_begin(sh, n, NULL, false);
        pid_t pid = subshell_spawn(sh, n->u.sub.body, &fa);
        st = job_run_fg(sh, j, pid < 0 ? (int)-pid : 0);
    }
    close_all(pclose, npclose);
    posix_spawn_file_actions_destroy(&fa);
    return st;
}

/* ---- compound commands -------------------------------------------------------- */

/* After a loop body: 1 = leave the loop, 0 = go on. */
static int loop_check(shell_t *sh)
{
    if (sh->brk) {
        sh->brk--;
        return 1;
    }
    if (sh->cont) {
        sh->cont--;
        return sh->cont ? 1 : 0;
    }
    return sh->returning || sh->aborting;
}

static int exec_while(shell_t *sh, node_t *n, int flags)
{
    int st = 0;
    sh->loop_depth++;
    for (;;) {
        int c = exec_node(sh, n->u.loop.cond, (flags & ~EV_EXIT) | EV_TESTED);
        if (exec_unwinding(sh)) {
            if (loop_check(sh)) break;
            continue;
        }
        if ((n->kind == NODE_WHILE) != (c == 0)) break;
        st = exec_node(sh, n->u.loop.body, flags & ~EV_EXIT);
        if (loop_check(sh)) break;
    }
    sh->loop_depth--;
    return st;
}

static int exec_for(shell_t *sh, node_t *n, int flags)
{
    strvec_t words = {0};
    if (n->u.forn.has_in) {
        if (expand_words(&sh->eh, n->u.forn.words.v, n->u.forn.words.n, &words) != 0) {
            sv_free(&words);
            return expansion_failed(sh);
        }
    } else {
        for (int i = 0; i < sh->nparams; i++)
            sv_push(&words, xstrdup(sh->params[i]));
    }
    int st = 0;
    sh->loop_depth++;
    for (size_t i = 0; i < words.n; i++) {
        if (var_set(sh, n->u.forn.var, words.v[i], false) != 0) {
            st = 1;
            break;
        }
        st = exec_node(sh, n->u.forn.body, flags & ~EV_EXIT);
        if (loop_check(sh)) break;
    }
    sh->loop_depth--;
    sv_free(&words);
    return st;
}

static int exec_case(shell_t *sh, node_t *n, int flags)
{
    char *word = expand_str(&sh->eh, n->u.casen.word, 0);
    if (!word) return expansion_failed(sh);
    int st = 0;
    for (case_item_t *it = n->u.casen.items; it; it = it->next) {
        for (size_t i = 0; i < it->patterns.n; i++) {
            char *pat = expand_pattern(&sh->eh, it->patterns.v[i]);
            if (!pat) {
                free(word);
                return expansion_failed(sh);
            }
            bool m = expand_pattern_match(pat, word);
            free(pat);
            if (m) {
                st = it->body ? exec_node(sh, it->body, flags) : 0;
                free(word);
                return st;
            }
        }
    }
    free(word);
    return st;
}

static int exec_group(shell_t *sh, node_t *n, int flags)
{
    if (!n->redirs) return exec_node(sh, n->u.sub.body, flags);
    redir_save_t save = {0};
    int st;
    if (redir_apply(sh, n->redirs, &save) != 0)
        st = 2;
    else
        st = exec_node(sh, n->u.sub.body, flags & ~EV_EXIT);
    redir_restore(&save);
    return st;
}

/* Compound commands other than ( ) and { } with redirections: saved around them. */
static int exec_redirected(shell_t *sh, node_t *n, int flags, int (*fn)(shell_t *, node_t *, int))
{
    if (!n->redirs) return fn(sh, n, flags);
    redir_save_t save = {0};
    int st;
    if (redir_apply(sh, n->redirs, &save) != 0)
        st = 2;
    else
        st = fn(sh, n, flags & ~EV_EXIT);
    redir_restore(&save);
    return st;
}

static int exec_if(shell_t *sh, node_t *n, int flags)
{
    int c = exec_node(sh, n->u.ifn.cond, (flags & ~EV_EXIT) | EV_TESTED);
    if (exec_unwinding(sh)) return c;
    if (c == 0) return exec_node(sh, n->u.ifn.then, flags);
    if (n->u.ifn.els) return exec_node(sh, n->u.ifn.els, flags);
    return 0;
}

int exec_node(shell_t *sh, node_t *n, int flags)
{
    if (!n) return 0;
    if (sh->opt.noexec && !sh->interactive) return 0;
    if (intr_check(sh)) return sh->status;
    int st = 0;
    switch (n->kind) {
    case NODE_CMD:
        st = exec_simple(sh, n, flags);
        break;
    case NODE_PIPE:
        st = exec_pipeline(sh, n);
        break;
    case NODE_AND:
    case NODE_OR:
        st = exec_node(sh, n->u.bin.left, (flags & ~EV_EXIT) | EV_TESTED);
        if (!exec_unwinding(sh) && (n->kind == NODE_AND) == (st == 0))
            st = exec_node(sh, n->u.bin.right, flags);
        break;
    case NODE_SEQ:
        st = exec_node(sh, n->u.bin.left, flags & ~EV_EXIT);
        if (!exec_unwinding(sh)) st = exec_node(sh, n->u.bin.right, flags);
        break;
    case NODE_BG:
        st = exec_background(sh, n->u.sub.body);
        break;
    case NODE_NOT:
        st = !exec_node(sh, n->u.sub.body, (flags & ~EV_EXIT) | EV_TESTED);
        break;
    case NODE_SUBSHELL:
        st = exec_subshell(sh, n, flags);
        break;
    case NODE_GROUP:
        st = exec_group(sh, n, flags);
        break;
    case NODE_IF:
        st = exec_redirected(sh, n, flags, exec_if);
        break;
    case NODE_WHILE:
    case NODE_UNTIL:
        st = exec_redirected(sh, n, flags, exec_while);
        break;
    case NODE_FOR:
        st = exec_redirected(sh, n, flags, exec_for);
        break;
    case NODE_CASE:
        st = exec_redirected(sh, n, flags, exec_case);
        break;
    case NODE_FUNC:
        func_define(sh, n->u.func.name, n->u.func.body, n->u.func.arena);
        st = 0;
        break;
    }
    if (sh->returning) st = sh->ret_status;
    sh->status = st;
    trap_run_pending(sh);
    intr_check(sh);
    if (st != 0 && sh->opt.errexit && !(flags & EV_TESTED) && !exec_unwinding(sh) &&
        (n->kind == NODE_CMD || n->kind == NODE_PIPE || n->kind == NODE_SUBSHELL))
        sh_exit(sh, st);
    return st;
}
