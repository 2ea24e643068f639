/*
 * main.c - the shell's entry point: option parsing, the three ways of getting
 * commands (sh -c string, sh file, standard input -- interactive with line editing
 * on a terminal), the read-parse-execute loop, error and exit policy, and the
 * callbacks that bind the pure expander to this shell.
 *
 * Entry points: main, sh_error, sh_exit, sh_fail, sh_run_string, sh_global.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "lineedit.h"
#include "parse.h"
#include "shell.h"

extern char **environ;

shell_t *sh_global;

void sh_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    strbuf_t b = {0};
    sb_puts(&b, "sh: ");
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_puts(&b, tmp);
    sb_putc(&b, '\n');
    if (write(2, b.s, b.len) < 0) {
        /* standard error is gone: nothing to report it on */
    }
    sb_free(&b);
}

_Noreturn void sh_exit(shell_t *sh, int status)
{
    sh->status = status;
    trap_run_exit(sh);
    fflush(NULL);
    jobs_control_off(sh, true);
    exit(status & 255);
}

void sh_abort(shell_t *sh, int status)
{
    sh->aborting = true;
    sh->abort_status = status;
    sh->status = status;
}

void sh_fail(shell_t *sh, int status)
{
    if (!sh->interactive) sh_exit(sh, status);
    sh_abort(sh, status);
}

/* ---- expander callbacks ----------------------------------------------------- */

static const char *host_getvar(void *ud, const char *name)
{
    return var_get(ud, name);
}

static int host_setvar(void *ud, const char *name, const char *value)
{
    return var_set(ud, name, value, false);
}

static char **host_params(void *ud, int *n)
{
    shell_t *sh = ud;
    *n = sh->nparams;
    return sh->params;
}

static char *host_cmdsubst(void *ud, const char *cmd)
{
    return subshell_capture(ud, cmd);
}

static void host_error(void *ud, const char *msg)
{
    (void)ud;
    sh_error("%s", msg);
}

/* ---- line editor callbacks -------------------------------------------------- */

static void le_complete(void *ud, const char *word, bool command, strvec_t *out)
{
    complete_candidates(ud, word, command, out);
}

static bool le_interrupted(void *ud)
{
    (void)ud;
    return intr_take(SIGINT);
}

/* ---- running text ----------------------------------------------------------- */

static bool text_is_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
            i++;
        } else if (s[i] == '#') {
            while (i < n && s[i] != '\n')
                i++;
        } else {
            return false;
        }
    }
    return true;
}

static void syntax_error(shell_t *sh, const char *msg)
{
    sh_error("syntax error: %s", msg);
    sh->status = 2;
    sh_fail(sh, 2);
}

int sh_run_string(shell_t *sh, const char *src, int flags)
{
    size_t len = strlen(src), off = 0;
    bool ran = false; /* $? stays visible to the first command, as in eval 'echo $?' */
    while (off < len) {
        parse_out_t o;
        parse_status_t st = parse_next(src + off, len - off, true, &o);
        if (st == PARSE_OK) {
            off += o.consumed;
            int f = (flags & EV_EXIT) && text_is_blank(src + off, len - off) ? EV_EXIT : 0;
            if (sh->opt.verbose) fprintf(stderr, "%.*s", (int)o.consumed, src + off - o.consumed);
            exec_node(sh, o.node, f);
            ran = true;
            arena_unref(o.arena);
            if (exec_unwinding(sh)) break;
            continue;
        }
        arena_unref(o.arena);
        if (st == PARSE_ERROR) {
            syntax_error(sh, o.err);
            return sh->status;
        }
        break;
    }
    if (!ran) sh->status = 0;
    return sh->status;
}

/* Reads one line (with its newline) from fd a byte at a time, so that commands run
 * by the script see the rest of the input. Returns false at end of input. */
static bool read_line_fd(int fd, strbuf_t *b)
{
    bool any = false;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return any;
        any = true;
        sb_putc(b, c);
        if (c == '\n') return true;
    }
}

/* Reads the next line at the prompt into buf; false at end of input (^D). */
static bool read_interactive(shell_t *sh, strbuf_t *buf)
{
    for (;;) {
        jobs_notify(sh);
        intr_clear(); /* keyboard signals meant for what ran before */
        const char *ps = var_get(sh, buf->len ? "PS2" : "PS1");
        char *line = lineedit_read(ps ? ps : "");
        if (line) {
            if (lineedit_interrupted()) {
                sh->status = 128 + SIGINT;
                sb_reset(buf);
                free(line);
                continue;
            }
            lineedit_history_add(line);
            sb_puts(buf, line);
            sb_putc(buf, '\n');
            free(line);
            return true;
        }
        if (!jobs_exit_blocked(sh)) return false;
    }
}

/* Standard input: a terminal (interactive) or a pipe/file, read line by line. */
static int run_stdin(shell_t *sh)
{
    strbuf_t buf = {0};
    bool eof = false;
    while (!eof) {
        if (sh->interactive)
            eof = !read_interactive(sh, &buf);
        else if (!read_line_fd(0, &buf))
            eof = true;
        size_t off = 0;
        for (;;) {
            parse_out_t o;
            parse_status_t st = parse_next(buf.s ? buf.s + off : "", buf.len - off, eof, &o);
            if (st == PARSE_OK) {
                if (sh->opt.verbose) fprintf(stderr, "%.*s", (int)o.consumed, buf.s + off);
                off += o.consumed;
                exec_node(sh, o.node, 0);
                arena_unref(o.arena);
                if (sh->aborting) sh->status = sh->abort_status;
                sh->aborting = false;
                sh->brk = sh->cont = 0;
                sh->returning = false;
                fflush(stdout);
                continue;
            }
            arena_unref(o.arena);
            if (st == PARSE_EOF) off = buf.len;
            if (st == PARSE_ERROR) {
                syntax_error(sh, o.err);
                sh->aborting = false;
                off = buf.len;
            }
            break;
        }
        memmove(buf.s ? buf.s : "", buf.s ? buf.s + off : "", buf.len - off);
        buf.len -= off;
        if (buf.s) buf.s[buf.len] = '\0';
    }
    sb_free(&buf);
    return sh->status;
}

static char *read_script(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    strbuf_t b = {0};
    char tmp[4096];
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        sb_putn(&b, tmp, (size_t)r);
    }
    close(fd);
    return sb_take(&b);
}

static void set_defaults(shell_t *sh)
{
    var_set(sh, "IFS", " \t\n", false);
    var_set(sh, "PS1", "$ ", false);
    var_set(sh, "PS2", "> ", false);
    var_set(sh, "PS4", "+ ", false);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", (long)getppid());
    var_set(sh, "PPID", buf, false);
    const char *pwd = var_get(sh, "PWD");
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) && (!pwd || strcmp(pwd, cwd) != 0)) {
        /* Keep an inherited PWD only if it names this directory (it may be a symlink). */
        bool keep = false;
        if (pwd && pwd[0] == '/') {
            char *save = getcwd(NULL, 0);
            if (save && chdir(pwd) == 0) {
                char now[4096];
                keep = getcwd(now, sizeof now) && strcmp(now, cwd) == 0;
                if (chdir(save) != 0) {
                    /* cannot happen: we were just there */
                }
            }
            free(save);
        }
        if (!keep) var_set(sh, "PWD", cwd, true);
    }
}

static void usage(void)
{
    sh_error("usage: sh [-eufxnvim] [-c string [name [arg...]] | file [arg...]]");
    exit(2);
}

int main(int argc, char **argv)
{
    static shell_t shell;
    shell_t *sh = &shell;
    sh_global = sh;
    sh->toppid = getpid();
    const char *sp = getenv("SH_PATH");
    sh->sh_path = sp && *sp ? sp : "/bin/sh";
    sh->eh = (exp_host_t){sh,         host_getvar, host_setvar, host_params, host_cmdsubst,
                          host_error, false,       false};
    vars_init(sh, environ);

    const char *cmd = NULL;
    bool cflag = false, sflag = false, iflag = false;
    int mflag = -1; /* -m / +m; by default job control is on when interactive */
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0 || strcmp(a, "-") == 0) {
            i++;
            break;
        }
        if ((a[0] != '-' && a[0] != '+') || !a[1]) break;
        bool on = a[0] == '-';
        for (const char *c = a + 1; *c; c++) {
            if (*c == 'c')
                cflag = true;
            else if (*c == 's')
                sflag = true;
            else if (*c == 'i')
                iflag = true;
            else if (*c == 'm')
                mflag = on;
            else if (!set_option(sh, *c, on))
                usage();
        }
    }
    if (cflag) {
        if (i >= argc) usage();
        cmd = argv[i++];
    }
    const char *script = NULL;
    if (!cflag && !sflag && i < argc) script = argv[i++];
    sh->arg0 = xstrdup(cflag && i < argc ? argv[i++] : script ? script : argv[0]);
    params_set(sh, argv + i, argc - i);

    bool restored = subshell_restore(sh) == 0 && sh->subshell;
    if (!restored) set_defaults(sh);
    sh->interactive = iflag || (!cflag && !script && isatty(0) && isatty(2));
    sh->ttyfd = -1;
    if (sh->interactive) {
        intr_install(sh);
        lineedit_set_hooks(&(lineedit_hooks_t){le_complete, le_interrupted, sh});
    }
    if (mflag < 0 ? sh->interactive : mflag) set_option(sh, 'm', true);

    if (cflag) {
        sh_run_string(sh, cmd, EV_EXIT);
    } else if (script) {
        char *text = read_script(script);
        if (!text) {
            sh_error("cannot open %s: %s", script, strerror(errno));
            sh_exit(sh, ST_NOTFOUND);
        }
        sh_run_string(sh, text, 0);
        free(text);
    } else {
        run_stdin(sh);
    }
    sh_exit(sh, sh->status);
}
