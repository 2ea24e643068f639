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

static int head_one(FILE *f, void *ctx)
{
    return head_stream(f, *(long *)ctx);
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
    return util_each_file(argc, argv, i, head_one, &n);
}
