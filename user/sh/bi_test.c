/*
 * bi_test.c - test and [ (XCU test): file tests, string and integer comparisons,
 * !, -a, -o and parentheses. Up to four arguments follow POSIX's rules by argument
 * count (so "test -n" or "test ! =" mean what POSIX says); longer expressions are
 * parsed by recursive descent with -o below -a below !.
 *
 * Entry point: bi_test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"

typedef struct {
    char **a;
    int n, i;
    bool error;
} tst_t;

static bool is_unary(const char *op)
{
    return op[0] == '-' && op[1] && !op[2] && strchr("bcdefghLnprsStuwxz", op[1]);
}

static bool is_binary(const char *op)
{
    static const char *const ops[] = {"=",   "!=",  "-eq", "-ne", "-lt", "-le", "-gt",
                                      "-ge", "-nt", "-ot", "-ef", "==",  "<",   ">"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(op, ops[i]) == 0) return true;
    return false;
}

static long long to_int(tst_t *t, const char *s)
{
    char *end;
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (!*p || *end || errno) {
        sh_error("test: %s: bad number", s);
        t->error = true;
        return 0;
    }
    return v;
}

static bool unary(tst_t *t, const char *op, const char *arg)
{
    struct stat st;
    char c = op[1];
    if (c == 'n') return arg[0] != '\0';
    if (c == 'z') return arg[0] == '\0';
    if (c == 't') return isatty((int)to_int(t, arg));
    if (c == 'h' || c == 'L') return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
    if (c == 'r') return access(arg, R_OK) == 0;
    if (c == 'w') return access(arg, W_OK) == 0;
    if (c == 'x') return access(arg, X_OK) == 0;
    if (stat(arg, &st) != 0) return false;
    switch (c) {
    case 'b':
        return S_ISBLK(st.st_mode);
    case 'c':
        return S_ISCHR(st.st_mode);
    case 'd':
        return S_ISDIR(st.st_mode);
    case 'e':
        return true;
    case 'f':
        return S_ISREG(st.st_mode);
    case 'g':
        return (st.st_mode & S_ISGID) != 0;
    case 'p':
        return S_ISFIFO(st.st_mode);
    case 's':
        return st.st_size > 0;
    case 'S':
        return S_ISSOCK(st.st_mode);
    case 'u':
        return (st.st_mode & S_ISUID) != 0;
    }
    return false;
}

static bool binary(tst_t *t, const char *l, const char *op, const char *r)
{
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(l, r) == 0;
    if (strcmp(op, "!=") == 0) return strcmp(l, r) != 0;
    if (strcmp(op, "<") == 0) return strcmp(l, r) < 0;
    if (strcmp(op, ">") == 0) return strcmp(l, r) > 0;
    if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0) {
        struct stat a, b;
        bool ha = stat(l, &a) == 0, hb = stat(r, &b) == 0;
        if (op[1] == 'e') return ha && hb && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
        if (op[1] == 'n') return ha && (!hb || a.st_mtime > b.st_mtime);
        return hb && (!ha || a.st_mtime < b.st_mtime);
    }
    long long x = to_int(t, l), y = to_int(t, r);
    if (strcmp(op, "-eq") == 0) return x == y;
    if (strcmp(op, "-ne") == 0) return x != y;
    if (strcmp(op, "-lt") == 0) return x < y;
    if (strcmp(op, "-le") == 0) return x <= y;
    if (strcmp(op, "-gt") == 0) return x > y;
    return x >= y;
}

static bool expr_or(tst_t *t);

static const char *peek(tst_t *t, int k)
{
    return t->i + k < t->n ? t->a[t->i + k] : NULL;
}

static bool primary(tst_t *t)
{
    const char *a = peek(t, 0);
    if (!a) {
        sh_error("test: argument expected");
        t->error = true;
        return false;
    }
    if (strcmp(a, "!") == 0) {
        t->i++;
        return !primary(t);
    }
    if (strcmp(a, "(") == 0 && !(peek(t, 1) && peek(t, 2) && is_binary(peek(t, 1)))) {
        t->i++;
        bool v = expr_or(t);
        const char *c = peek(t, 0);
        if (!c || strcmp(c, ")") != 0) {
            sh_error("test: closing paren expected");
            t->error = true;
            return false;
        }
        t->i++;
        return v;
    }
    if (peek(t, 1) && is_binary(peek(t, 1)) && peek(t, 2)) {
        t->i += 3;
        return binary(t, a, t->a[t->i - 2], t->a[t->i - 1]);
    }
    if (is_unary(a) && peek(t, 1)) {
        t->i += 2;
        return unary(t, a, t->a[t->i - 1]);
    }
    t->i++;
    return a[0] != '\0';
}

static bool expr_and(tst_t *t)
{
    bool v = primary(t);
    while (peek(t, 0) && strcmp(peek(t, 0), "-a") == 0) {
        t->i++;
        bool r = primary(t);
        v = v && r;
    }
    return v;
}

static bool expr_or(tst_t *t)
{
    bool v = expr_and(t);
    while (peek(t, 0) && strcmp(peek(t, 0), "-o") == 0) {
        t->i++;
        bool r = expr_and(t);
        v = v || r;
    }
    return v;
}

/* POSIX's rules for 0 to 4 arguments; -1 when they do not apply. */
static int by_count(tst_t *t)
{
    char **a = t->a;
    switch (t->n) {
    case 0:
        return 0;
    case 1:
        return a[0][0] != '\0';
    case 2:
        if (strcmp(a[0], "!") == 0) return a[1][0] == '\0';
        if (is_unary(a[0])) return unary(t, a[0], a[1]);
        return -1;
    case 3:
        if (is_binary(a[1])) return binary(t, a[0], a[1], a[2]);
        if (strcmp(a[0], "!") == 0) {
            tst_t sub = {a + 1, 2, 0, false};
            int r = by_count(&sub);
            t->error |= sub.error;
            return r < 0 ? -1 : !r;
        }
        if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0) return a[1][0] != '\0';
        return -1;
    case 4:
        if (strcmp(a[0], "!") == 0) {
            tst_t sub = {a + 1, 3, 0, false};
            int r = by_count(&sub);
            t->error |= sub.error;
            return r < 0 ? -1 : !r;
        }
        if (strcmp(a[0], "(") == 0 && strcmp(a[3], ")") == 0) {
            tst_t sub = {a + 1, 2, 0, false};
            int r = by_count(&sub);
            t->error |= sub.error;
            return r;
        }
        return -1;
    }
    return -1;
}

BUILTIN(test)
{
    (void)sh;
    int n = argc - 1;
    if (strcmp(argv[0], "[") == 0) {
        if (n < 1 || strcmp(argv[n], "]") != 0) {
            sh_error("[: missing ]");
            return 2;
        }
        n--;
    }
    tst_t t = {argv + 1, n, 0, false};
    int r = by_count(&t);
    if (r < 0 && !t.error) {
        t.i = 0;
        r = expr_or(&t);
        if (!t.error && t.i < t.n) {
            sh_error("test: %s: unexpected operator", t.a[t.i]);
            t.error = true;
        }
    }
    if (t.error) return 2;
    return r ? 0 : 1;
}
