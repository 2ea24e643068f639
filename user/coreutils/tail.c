/*
 * tail.c - tail [-n [+]count | -count] [file...]: the last lines (default 10) of each
 * file or of standard input; with +count, everything from line count on.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int tail_stream(FILE *f, long n, bool from_start)
{
    char *data = NULL;
    size_t len = 0, cap = 0;
    char buf[8192];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + r > cap) data = util_xrealloc(data, cap = (len + r) * 2);
        memcpy(data + len, buf, r);
        len += r;
    }
    size_t start = 0;
    if (from_start) {
        long line = 1;
        while (start < len && line < n) {
            if (data[start++] == '\n') line++;
        }
    } else {
        /* Walk back over n line ends (a final newline does not start a line). */
        size_t p = len;
        if (p > 0 && data[p - 1] == '\n') p--;
        long seen = 0;
        while (p > 0) {
            if (data[p - 1] == '\n' && ++seen == n) break;
            p--;
        }
        start = n == 0 ? len : p;
    }
    fwrite(data + start, 1, len - start, stdout);
    free(data);
    return ferror(f) ? 1 : 0;
}

struct tail_args {
    long n;
    bool from_start;
};

static int tail_one(FILE *f, void *ctx)
{
    struct tail_args *a = ctx;
    return tail_stream(f, a->n, a->from_start);
}

int main(int argc, char **argv)
{
    util_prog = "tail";
    long n = 10;
    bool from_start = false;
    int i = 1;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
        const char *v;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "-n", 2) == 0)
            v = argv[i] + 2;
        else if (argv[i][0] == '+')
            v = argv[i];
        else
            v = argv[i] + 1;
        from_start = v[0] == '+';
        if (from_start) v++;
        char *end;
        n = strtol(v, &end, 10);
        if (!*v || *end || n < 0) {
            util_err("invalid number of lines: '%s'", v);
            return 1;
        }
    }
    struct tail_args args = {n, from_start};
    return util_each_file(argc, argv, i, tail_one, &args);
}
