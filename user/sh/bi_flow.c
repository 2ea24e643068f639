/*
 * bi_flow.c - builtins that steer execution: :, true, false, exit, return, break,
 * continue, eval, . (dot) and exec.
 *
 * Entry points: bi_colon, bi_false, bi_exit, bi_return, bi_break, bi_continue,
 * bi_eval, bi_dot, bi_exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

static bool parse_num(const char *s, long *out)
{
    char *end;
    if (!*s) return false;
    long v = strtol(s, &end, 10);
    if (*end) return false;
    *out = v;
    return true;
}

BUILTIN(colon)
{
    (void)sh, (void)argc, (void)argv;
    return 0;
}

BUILTIN(false)
{
    (void)sh, (void)argc, (void)argv;
    return 1;
}

BUILTIN(exit)
{
    long n = sh->status;
    if (argc > 1 && !parse_num(argv[1], &n)) {
        sh_error("exit: Illegal number: %s", argv[1]);
        n = 2;
    }
    if (jobs_exit_blocked(sh)) return 1;
    fflush(stdout);
    sh_exit(sh, (int)(n & 255));
}

BUILTIN(return )
{
    long n = sh->status;
    if (argc > 1 && !parse_num(argv[1], &n)) {
        sh_error("return: Illegal number: %s", argv[1]);
        n = 2;
    }
    if (sh->func_depth == 0) {
        fflush(stdout);
        sh_exit(sh, (int)(n & 255));
    }
    sh->returning = true;
    sh->ret_status = (int)(n & 255);
    return sh->ret_status;
}

static int loop_ctl(shell_t *sh, int argc, char **argv, int *counter)
{
    long n = 1;
    if (argc > 1 && (!parse_num(argv[1], &n) || n < 1)) {
        sh_error("%s: Illegal number: %s", argv[0], argv[1]);
        return 1;
    }
    if (sh->loop_depth == 0) return 0;
    if (n > sh->loop_depth) n = sh->loop_depth;
    *counter = (int)n;
    return 0;
}

BUILTIN(break)
{
    return loop_ctl(sh, argc, argv, &sh->brk);
}

BUILTIN(continue)
{
    return loop_ctl(sh, argc, argv, &sh->cont);
}

BUILTIN(eval)
{
    strbuf_t b = {0};
    for (int i = 1; i < argc; i++) {
        if (i > 1) sb_putc(&b, ' ');
        sb_puts(&b, argv[i]);
    }
    char *text = sb_take(&b);
    int st = sh_run_string(sh, text, 0);
    free(text);
    return st;
}

static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    strbuf_t b = {0};
    char buf[4096];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0) sb_putn(&b, buf, (size_t)r);
    close(fd);
    return sb_take(&b);
}

BUILTIN(dot)
{
    if (argc < 2) {
        sh_error(".: filename argument required");
        return 2;
    }
    char *path = NULL;
    if (!strchr(argv[1], '/')) {
        /* PATH first, as POSIX says; then the current directory, for convenience. */
        const char *p = var_get(sh, "PATH");
        while (p && *p && !path) {
            const char *c = strchr(p, ':');
            size_t dl = c ? (size_t)(c - p) : strlen(p);
            strbuf_t cand = {0};
            sb_printf(&cand, "%.*s%s%s", (int)dl, p, dl ? "/" : "", argv[1]);
            if (access(cand.s, R_OK) == 0)
                path = sb_take(&cand);
            else
                sb_free(&cand);
            p = c ? c + 1 : NULL;
        }
    }
    char *text = read_file(path ? path : argv[1]);
    free(path);
    if (!text) {
        sh_error(".: cannot open %s: %s", argv[1], strerror(errno));
        sh_fail(sh, 2);
        return 2;
    }
    char **oldp = sh->params;
    int oldn = sh->nparams;
    bool newparams = argc > 2;
    if (newparams) {
        sh->params = NULL;
        sh->nparams = 0;
        params_set(sh, argv + 2, argc - 2);
    }
    sh->func_depth++;
    int st = sh_run_string(sh, text, 0);
    sh->func_depth--;
    if (sh->returning) {
        sh->returning = false;
        st = sh->ret_status;
    }
    if (newparams) {
        params_free(sh->params, sh->nparams);
        sh->params = oldp;
        sh->nparams = oldn;
    }
    free(text);
    return st;
}

BUILTIN(exec)
{
    (void)argc;
    char **args = argv + 1;
    char *path = NULL;
    int err = strchr(args[0], '/') ? 0 : path_search(sh, args[0], &path);
    if (!err) {
        char **env = vars_environ(sh, NULL);
        fflush(NULL);
        /* the program gets the terminal as it is, and default dispositions */
        intr_uninstall(sh);
        execve(path ? path : args[0], args, env);
        err = errno;
        intr_install(sh);
        vars_free_environ(env);
    }
    free(path);
    if (err == ENOENT)
        sh_error("exec: %s: not found", args[0]);
    else
        sh_error("exec: %s: %s", args[0], strerror(err));
    int st = err == ENOENT ? ST_NOTFOUND : ST_NOEXEC;
    if (!sh->interactive) sh_exit(sh, st);
    return st;
}
