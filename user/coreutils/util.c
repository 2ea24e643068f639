/*
 * util.c - shared error reporting and allocation for user/coreutils (see util.h).
 *
 * Entry points: util_err, util_perror, util_xmalloc, util_xrealloc.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

const char *util_prog = "?";

void util_err(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", util_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void util_perror(const char *what)
{
    int e = errno;
    util_err("%s: %s", what, strerror(e));
}

void *util_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        util_err("out of memory");
        exit(1);
    }
    return p;
}

void *util_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        util_err("out of memory");
        exit(1);
    }
    return p;
}

int util_flags(int argc, char **argv, const char *letters, bool *set)
{
    for (size_t k = 0; letters[k]; k++)
        set[k] = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1;
        for (const char *o = argv[i] + 1; *o; o++) {
            const char *at = strchr(letters, *o);
            if (!at) {
                util_err("invalid option -- '%c'", *o);
                return -1;
            }
            set[at - letters] = true;
        }
    }
    return i;
}

char *util_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = util_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

const char *util_base(const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    const char *s = p + n;
    while (s > p && s[-1] != '/')
        s--;
    return s;
}

int util_to_target(int argc, char **argv, int i, int (*act)(const char *src, const char *dst))
{
    int n = argc - i;
    if (n < 2) {
        util_err("missing %s operand", n == 0 ? "file" : "destination file");
        return 1;
    }
    const char *dst = argv[argc - 1];
    struct stat ds;
    bool to_dir = stat(dst, &ds) == 0 && S_ISDIR(ds.st_mode);
    if (n > 2 && !to_dir) {
        util_err("target '%s' is not a directory", dst);
        return 1;
    }
    int st = 0;
    for (; i < argc - 1; i++) {
        if (to_dir) {
            char *t = util_join(dst, util_base(argv[i]));
            st |= act(argv[i], t);
            free(t);
        } else {
            st |= act(argv[i], dst);
        }
    }
    return st;
}

int util_each_file(int argc, char **argv, int i, int (*fn)(FILE *f, void *ctx), void *ctx)
{
    if (i >= argc)
        return fn(stdin, ctx);
    int st = 0;
    bool headers = argc - i > 1;
    for (int k = i; k < argc; k++) {
        FILE *f = strcmp(argv[k], "-") == 0 ? stdin : fopen(argv[k], "r");
        if (!f) {
            util_perror(argv[k]);
            st = 1;
            continue;
        }
        if (headers)
            printf("%s==> %s <==\n", k > i ? "\n" : "", argv[k]);
        fflush(stdout); /* the header before what fn writes, whatever fn writes with */
        st |= fn(f, ctx);
        if (f != stdin)
            fclose(f);
    }
    return st;
}
