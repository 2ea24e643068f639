/*
 * head.c - head [-n count | -count] [file...]: the first lines (default 10) of each
 * file or of standard input, with "==> name <==" headers for several files.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int head_stream(FILE *f, long n)
{
    int c;
    long lines = 0;
    while (lines < n && (c = getc(f)) != EOF) {
        putchar(c);
        if (c == '\n') lines++;
    }
    return ferror(f) ? 1 : 0;
}

static bool parse_count(const char *s, long *n)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0) return false;
    *n = v;
    return true;
}

int main(int argc, char **argv)
{
    util_prog = "head";
    long n = 10;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "-n", 2) == 0)
            v = argv[i] + 2;
        else
            v = argv[i] + 1;
        if (!parse_count(v, &n)) {
            util_err("invalid number of lines: '%s'", v);
            return 1;
        }
    }
    if (i >= argc) return head_stream(stdin, n);
    int st = 0;
    bool headers = argc - i > 1;
    for (int k = i; k < argc; k++) {
        FILE *f = strcmp(argv[k], "-") == 0 ? stdin : fopen(argv[k], "r");
        if (!f) {
            util_perror(argv[k]);
            st = 1;
            continue;
        }
        if (headers) printf("%s==> %s <==\n", k > i ? "\n" : "", argv[k]);
        st |= head_stream(f, n);
        if (f != stdin) fclose(f);
    }
    return st;
}
