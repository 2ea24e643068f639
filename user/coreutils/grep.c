/*
 * grep.c - grep [-v] [-i] [-c] [-n] [-E] [-q] [-l] [-h] [-e pattern] pattern [file...]:
 * prints lines matching a basic (or, with -E, extended) regular expression, through
 * musl's regcomp. Exit status 0 if something matched, 1 if not, 2 on error.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool opt_v, opt_c, opt_n, opt_q, opt_l, opt_h;

static int grep_stream(regex_t *re, FILE *f, const char *name, bool show_name, bool *matched)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, count = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        bool m = regexec(re, line, 0, NULL, 0) == 0;
        if (m == opt_v) continue;
        count++;
        *matched = true;
        if (opt_q) break;
        if (opt_l) {
            printf("%s\n", name);
            break;
        }
        if (opt_c) continue;
        if (show_name) printf("%s:", name);
        if (opt_n) printf("%ld:", lineno);
        printf("%s\n", line);
    }
    free(line);
    if (opt_c && !opt_q) {
        if (show_name) printf("%s:", name);
        printf("%ld\n", count);
    }
    return ferror(f) ? 2 : 0;
}

int main(int argc, char **argv)
{
    util_prog = "grep";
    int cflags = REG_NOSUB;
    const char *pattern = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'v':
                opt_v = true;
                break;
            case 'i':
                cflags |= REG_ICASE;
                break;
            case 'c':
                opt_c = true;
                break;
            case 'n':
                opt_n = true;
                break;
            case 'E':
                cflags |= REG_EXTENDED;
                break;
            case 'q':
                opt_q = true;
                break;
            case 'l':
                opt_l = true;
                break;
            case 'h':
                opt_h = true;
                break;
            case 'e':
                if (o[1]) {
                    pattern = o + 1;
                } else if (i + 1 < argc) {
                    pattern = argv[++i];
                } else {
                    util_err("option requires an argument -- 'e'");
                    return 2;
                }
                goto next_arg; /* the rest of this word was the pattern */
            default:
                util_err("invalid option -- '%c'", *o);
                return 2;
            }
        }
    next_arg:;
    }
    if (!pattern) {
        if (i >= argc) {
            util_err("usage: grep [-vicnEqlh] [-e pattern] pattern [file...]");
            return 2;
        }
        pattern = argv[i++];
    }
    regex_t re;
    int rc = regcomp(&re, pattern, cflags);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re, msg, sizeof msg);
        util_err("%s: %s", pattern, msg);
        return 2;
    }
    bool matched = false;
    int st = 0;
    if (i >= argc) {
        st = grep_stream(&re, stdin, "(standard input)", false, &matched);
    } else {
        bool show = argc - i > 1 && !opt_h;
        for (; i < argc && !(opt_q && matched); i++) {
            FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
            if (!f) {
                util_perror(argv[i]);
                st = 2;
                continue;
            }
            st |= grep_stream(&re, f, argv[i], show, &matched);
            if (f != stdin) fclose(f);
        }
    }
    regfree(&re);
    if (st && !(opt_q && matched)) return 2;
    return matched ? 0 : 1;
}
