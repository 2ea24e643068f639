/*
 * sort.c - sort [-r] [-n] [-u] [file...]: sorts lines (byte order; -n by leading
 * number, ties by bytes), -r reversed, -u dropping lines that compare equal.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool opt_r, opt_n, opt_u;

static char **lines;
static size_t nlines, cap;

static int read_lines(FILE *f)
{
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[len - 1] = '\0';
        if (nlines == cap)
            lines = util_xrealloc(lines, (cap = cap ? cap * 2 : 256) * sizeof *lines);
        lines[nlines++] = strdup(line);
    }
    free(line);
    return ferror(f) ? 2 : 0;
}

/* Key comparison alone (what -u uses to decide equality). */
static int key_cmp(const char *a, const char *b)
{
    if (!opt_n) return strcmp(a, b);
    double x = strtod(a, NULL), y = strtod(b, NULL);
    return x < y ? -1 : x > y;
}

static int line_cmp(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int c = key_cmp(a, b);
    if (c == 0 && opt_n && !opt_u) c = strcmp(a, b);
    return opt_r ? -c : c;
}

int main(int argc, char **argv)
{
    util_prog = "sort";
    bool f[3];
    int i = util_flags(argc, argv, "rnu", f);
    if (i < 0)
        return 2;
    opt_r = f[0], opt_n = f[1], opt_u = f[2];
    int st = 0;
    if (i >= argc) st = read_lines(stdin);
    for (; i < argc; i++) {
        FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
        if (!f) {
            util_perror(argv[i]);
            return 2;
        }
        st |= read_lines(f);
        if (f != stdin) fclose(f);
    }
    qsort(lines, nlines, sizeof *lines, line_cmp);
    for (size_t k = 0; k < nlines; k++) {
        if (opt_u && k > 0 && key_cmp(lines[k], lines[k - 1]) == 0) continue;
        puts(lines[k]);
    }
    return st;
}
