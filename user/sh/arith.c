/*
 * arith.c - evaluator for $(( )) (POSIX XCU 2.6.4): integer constants (decimal,
 * 0octal, 0xhex), variables, unary + - ! ~, binary * / % + - << >> < <= > >= == !=
 * & ^ | && ||, ?: and the assignment operators. Parsing and evaluation happen in one
 * recursive-descent pass; the untaken side of && || ?: is parsed with evaluation
 * switched off so it neither assigns nor divides by zero.
 *
 * Entry point: arith_eval.
 */
#include "arith.h"

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    const arith_host_t *h;
    int noeval; /* > 0 while parsing a branch that is not taken */
    char *err;
    size_t errlen;
    jmp_buf jb;
} ar_t;

_Noreturn static void ar_fail(ar_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->err, a->errlen, fmt, ap);
    va_end(ap);
    longjmp(a->jb, 1);
}

static void skip_ws(ar_t *a)
{
    while (isspace((unsigned char)*a->s))
        a->s++;
}

/* Matches operator op at the cursor, but not when it is a prefix of a longer one. */
static bool accept(ar_t *a, const char *op)
{
    skip_ws(a);
    size_t n = strlen(op);
    if (strncmp(a->s, op, n) != 0) return false;
    char next = a->s[n];
    /* "<" must not match "<<" or "<=", "&" not "&&", "=" never alone here, etc. */
    if (n == 1 && strchr("<>&|", op[0]) && (next == op[0] || next == '=')) return false;
    if (n == 1 && strchr("*/%+-^!=", op[0]) && next == '=') return false;
    if (n == 2 && (strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0) && next == '=') return false;
    a->s += n;
    return true;
}

static long parse_number(ar_t *a, const char *text, bool from_var)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0' && from_var) return 0;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 0);
    while (isspace((unsigned char)*end))
        end++;
    if (end == p || *end || errno) ar_fail(a, "Illegal number: %s", text);
    return v;
}

static long var_value(ar_t *a, const char *name)
{
    const char *v = a->h->getvar(a->h->ud, name);
    return v ? parse_number(a, v, true) : 0;
}

static void var_assign(ar_t *a, const char *name, long v)
{
    if (a->noeval) return;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", v);
    if (a->h->setvar(a->h->ud, name, buf) != 0) ar_fail(a, "%s: is read only", name);
}

static long parse_assign(ar_t *a);

static long parse_primary(ar_t *a)
{
    skip_ws(a);
    if (accept(a, "(")) {
        long v = parse_assign(a);
        if (!accept(a, ")")) ar_fail(a, "arithmetic syntax error: missing ')'");
        return v;
    }
    if (isdigit((unsigned char)*a->s)) {
        const char *start = a->s;
        while (isalnum((unsigned char)*a->s))
            a->s++;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(a->s - start), start);
        return parse_number(a, buf, false);
    }
    if (isalpha((unsigned char)*a->s) || *a->s == '_') {
        const char *start = a->s;
        while (isalnum((unsigned char)*a->s) || *a->s == '_')
            a->s++;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(a->s - start), start);
        return var_value(a, name);
    }
    if (*a->s == '\0') ar_fail(a, "arithmetic syntax error: unexpected end of expression");
    ar_fail(a, "arithmetic syntax error: unexpected \"%c\"", *a->s);
}

static long parse_unary(ar_t *a)
{
    if (accept(a, "+")) return parse_unary(a);
    if (accept(a, "-")) return -(unsigned long)parse_unary(a);
    if (accept(a, "!")) return !parse_unary(a);
    if (accept(a, "~")) return ~parse_unary(a);
    return parse_primary(a);
}

static long apply(ar_t *a, const char *op, long l, long r)
{
    switch (op[0]) {
    case '*':
        return (long)((unsigned long)l * (unsigned long)r);
    case '/':
    case '%':
        if (a->noeval) return 0;
        if (r == 0) ar_fail(a, "division by zero");
        if (r == -1) return op[0] == '/' ? (long)(0 - (unsigned long)l) : 0;
        return op[0] == '/' ? l / r : l % r;
    case '+':
        return (long)((unsigned long)l + (unsigned long)r);
    case '-':
        return (long)((unsigned long)l - (unsigned long)r);
    case '<':
        if (op[1] == '<') return (long)((unsigned long)l << (r & 63));
        if (op[1] == '=') return l <= r;
        return l < r;
    case '>':
        if (op[1] == '>') return l >> (r & 63);
        if (op[1] == '=') return l >= r;
        return l > r;
    case '=':
        return l == r;
    case '!':
        return l != r;
    case '&':
        return l & r;
    case '^':
        return l ^ r;
    case '|':
        return l | r;
    }
    return 0;
}

/* Binary operators by precedence level, loosest first (&& and || are handled apart). */
static const char *const levels[][5] = {
    {"|"},        {"^"},      {"&"},           {"==", "!="}, {"<=", ">=", "<", ">"},
    {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
};
enum { NLEVELS = sizeof levels / sizeof levels[0] };

static long parse_binary(ar_t *a, int level)
{
    if (level == NLEVELS) return parse_unary(a);
    long l = parse_binary(a, level + 1);
    for (;;) {
        const char *op = NULL;
        for (int i = 0; i < 5 && levels[level][i]; i++)
            if (accept(a, levels[level][i])) {
                op = levels[level][i];
                break;
            }
        if (!op) return l;
        long r = parse_binary(a, level + 1);
        l = apply(a, op, l, r);
    }
}

static long parse_and(ar_t *a)
{
    long l = parse_binary(a, 0);
    while (accept(a, "&&")) {
        if (!l) a->noeval++;
        long r = parse_binary(a, 0);
        if (!l) a->noeval--;
        l = l && r;
    }
    return l;
}

static long parse_or(ar_t *a)
{
    long l = parse_and(a);
    while (accept(a, "||")) {
        if (l) a->noeval++;
        long r = parse_and(a);
        if (l) a->noeval--;
        l = l || r;
    }
    return l;
}

static long parse_cond(ar_t *a)
{
    long c = parse_or(a);
    if (!accept(a, "?")) return c;
    if (!c) a->noeval++;
    long t = parse_assign(a);
    if (!c) a->noeval--;
    if (!accept(a, ":")) ar_fail(a, "arithmetic syntax error: expecting ':'");
    if (c) a->noeval++;
    long f = parse_cond(a);
    if (c) a->noeval--;
    return c ? t : f;
}

static long parse_assign(ar_t *a)
{
    static const char *const ops[] = {
        "=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|="};
    skip_ws(a);
    const char *save = a->s;
    if (isalpha((unsigned char)*a->s) || *a->s == '_') {
        const char *start = a->s;
        while (isalnum((unsigned char)*a->s) || *a->s == '_')
            a->s++;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(a->s - start), start);
        skip_ws(a);
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
            size_t n = strlen(ops[i]);
            if (strncmp(a->s, ops[i], n) == 0 && !(n == 1 && a->s[1] == '=')) {
                a->s += n;
                long r = parse_assign(a);
                long v = r;
                if (n > 1) {
                    char op[3] = {ops[i][0], n == 3 ? ops[i][1] : '\0', '\0'};
                    v = apply(a, op, var_value(a, name), r);
                }
                var_assign(a, name, v);
                return v;
            }
        }
    }
    a->s = save;
    return parse_cond(a);
}

int arith_eval(const char *expr, const arith_host_t *h, long *result, char *err, size_t errlen)
{
    ar_t a = {.s = expr, .h = h, .err = err, .errlen = errlen};
    if (setjmp(a.jb)) return -1;
    skip_ws(&a);
    if (*a.s == '\0') {
        *result = 0;
        return 0;
    }
    long v = parse_assign(&a);
    skip_ws(&a);
    if (*a.s) ar_fail(&a, "arithmetic syntax error: unexpected \"%s\"", a.s);
    *result = v;
    return 0;
}
