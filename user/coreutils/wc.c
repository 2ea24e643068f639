/*
 * wc.c - wc [-l] [-w] [-c] [file...]: counts lines, words and bytes (all three by
 * default), with a total line for several files. A single count of standard input is
 * printed bare, so "$(wc -l < file)" is just the number.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static bool opt_l, opt_w, opt_c;

typedef struct {
    long long lines, words, bytes;
} counts_t;

static int count(FILE *f, counts_t *c)
{
    int ch;
    bool inword = false;
    while ((ch = getc(f)) != EOF) {
        c->bytes++;
        if (ch == '\n') c->lines++;
        if (isspace(ch)) {
            inword = false;
        } else if (!inword) {
            inword = true;
            c->words++;
        }
    }
    return ferror(f) ? 1 : 0;
}

static void print(const counts_t *c, const char *name)
{
    int cols = opt_l + opt_w + opt_c;
    bool bare = cols == 1 && !name;
    const char *fmt = bare ? "%lld" : "%7lld";
    bool first = true;
    if (opt_l) {
        printf(fmt, c->lines);
        first = false;
    }
    if (opt_w) {
        printf(first ? fmt : " %7lld", c->words);
        first = false;
    }
    if (opt_c) printf(first ? fmt : " %7lld", c->bytes);
    if (name) printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    util_prog = "wc";
    bool f[3];
    int i = util_flags(argc, argv, "lwc", f);
    if (i < 0)
        return 2;
    opt_l = f[0], opt_w = f[1], opt_c = f[2];
    if (!opt_l && !opt_w && !opt_c) opt_l = opt_w = opt_c = true;
    if (i >= argc) {
        counts_t c = {0};
        int st = count(stdin, &c);
        print(&c, NULL);
        return st;
    }
    int st = 0;
    counts_t total = {0};
    int nfiles = 0;
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            util_perror(argv[i]);
            st = 1;
            continue;
        }
        counts_t c = {0};
        st |= count(f, &c);
        fclose(f);
        print(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
        nfiles++;
    }
    if (nfiles > 1) print(&total, "total");
    return st;
}
