/*
 * bi_read.c - the read builtin: read [-r] [-p prompt] [name...]. Reads one byte at a
 * time so it never consumes input beyond the line (the rest belongs to whatever runs
 * next), then splits the line on IFS like field splitting, the last name taking the
 * remainder.
 *
 * Entry point: bi_read.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "parse.h"

static bool in_set(const char *set, char c)
{
    return c && strchr(set, c);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

BUILTIN(read)
{
    bool raw = false;
    const char *prompt = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-r") == 0) {
            raw = true;
        } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            prompt = argv[++i];
        } else {
            sh_error("read: Illegal option %s", argv[i]);
            return 2;
        }
    }
    for (int k = i; k < argc; k++)
        if (!parse_is_name(argv[k], strlen(argv[k]))) {
            sh_error("read: %s: bad variable name", argv[k]);
            return 2;
        }
    if (prompt && isatty(0)) {
        fputs(prompt, stderr);
        fflush(stderr);
    }

    /* The line, with a flag per byte: escaped bytes never split. */
    strbuf_t line = {0};
    strbuf_t esc = {0};
    int st = 0;
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r < 0 && errno == EINTR) {
            if (!intr_pending()) continue;
            /* ^C at the interactive shell's read: abandoned (exec_node unwinds) */
            sb_free(&line);
            sb_free(&esc);
            return 128 + SIGINT;
        }
        if (r <= 0) {
            st = 1;
            break;
        }
        if (c == '\n') break;
        if (c == '\\' && !raw) {
            r = read(0, &c, 1);
            if (r <= 0) {
                st = 1;
                break;
            }
            if (c == '\n') continue;
            sb_putc(&line, c);
            sb_putc(&esc, 1);
            continue;
        }
        sb_putc(&line, c);
        sb_putc(&esc, 0);
    }

    const char *ifs = var_get(sh, "IFS");
    if (!ifs) ifs = " \t\n";
    size_t n = line.len, p = 0;
    const char *s = line.s ? line.s : "";
    const char *e = esc.s ? esc.s : "";
#define DELIM(k) (!e[k] && in_set(ifs, s[k]))
    while (p < n && DELIM(p) && is_ws(s[p]))
        p++;
    int nvars = argc - i;
    for (int v = 0; v < (nvars ? nvars : 1); v++) {
        const char *name = nvars ? argv[i + v] : "REPLY";
        strbuf_t val = {0};
        bool last = v == (nvars ? nvars : 1) - 1;
        if (last) {
            size_t end = n;
            while (end > p && DELIM(end - 1) && is_ws(s[end - 1]))
                end--;
            sb_putn(&val, s + p, end - p);
            p = n;
        } else {
            while (p < n && !DELIM(p))
                sb_putc(&val, s[p++]);
            /* One delimiter: IFS white space around at most one other IFS byte. */
            while (p < n && DELIM(p) && is_ws(s[p]))
                p++;
            if (p < n && DELIM(p) && !is_ws(s[p])) p++;
            while (p < n && DELIM(p) && is_ws(s[p]))
                p++;
        }
        if (var_set(sh, name, val.s ? val.s : "", false) != 0) st = 2;
        sb_free(&val);
    }
#undef DELIM
    sb_free(&line);
    sb_free(&esc);
    return st;
}
