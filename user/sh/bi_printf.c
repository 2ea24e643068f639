/*
 * bi_printf.c - the printf builtin (XCU printf: %s %b %c %d %i %o %u %x %X %e %f %g
 * %%, flags, width, precision, * widths, the format reused while arguments remain)
 * and the backslash-escape writer shared with echo.
 *
 * Entry points: bi_printf, escapes_write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

/* Reads one escape after the backslash at *sp; returns false on \c. */
static bool one_escape(strbuf_t *out, const char **sp, bool octal0)
{
    const char *s = *sp; /* at the character after '\' */
    int c = (unsigned char)*s;
    static const char from[] = "abfnrtv\\\"'";
    static const char to[] = "\a\b\f\n\r\t\v\\\"'";
    const char *f = c ? strchr(from, c) : NULL;
    if (f) {
        sb_putc(out, to[f - from]);
        *sp = s + 1;
        return true;
    }
    if (c == 'c') {
        *sp = s + 1;
        return false;
    }
    if ((octal0 && c == '0') || (!octal0 && c >= '0' && c <= '7')) {
        if (octal0) s++;
        int v = 0, k = 0;
        while (k < 3 && *s >= '0' && *s <= '7') {
            v = v * 8 + (*s - '0');
            s++;
            k++;
        }
        sb_putc(out, (char)v);
        *sp = s;
        return true;
    }
    sb_putc(out, '\\');
    if (c) {
        sb_putc(out, (char)c);
        s++;
    }
    *sp = s;
    return true;
}

bool escapes_write(strbuf_t *out, const char *s, bool octal0)
{
    while (*s) {
        if (*s != '\\') {
            sb_putc(out, *s++);
            continue;
        }
        s++;
        if (!one_escape(out, &s, octal0)) return false;
    }
    return true;
}

typedef struct {
    char **args;
    int n, i;
    int status;
} pf_args_t;

static const char *next_arg(pf_args_t *a)
{
    return a->i < a->n ? a->args[a->i++] : NULL;
}

static long long arg_int(pf_args_t *a, bool *have)
{
    const char *s = next_arg(a);
    *have = s != NULL;
    if (!s) return 0;
    if (s[0] == '\'' || s[0] == '"') return (unsigned char)s[1];
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (*s == '\0' || *end || errno) {
        sh_error("printf: %s: %s", s, *end ? "expected numeric value" : strerror(errno));
        a->status = 1;
    }
    return v;
}

static double arg_double(pf_args_t *a)
{
    const char *s = next_arg(a);
    if (!s) return 0;
    if (s[0] == '\'' || s[0] == '"') return (unsigned char)s[1];
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end) {
        sh_error("printf: %s: expected numeric value", s);
        a->status = 1;
    }
    return v;
}

/* Formats once through fmt; returns false if \c or %b's \c stopped output. */
static bool format_once(strbuf_t *out, const char *fmt, pf_args_t *a)
{
    const char *p = fmt;
    while (*p) {
        if (*p == '\\') {
            p++;
            if (!one_escape(out, &p, false)) return false;
            continue;
        }
        if (*p != '%') {
            sb_putc(out, *p++);
            continue;
        }
        if (p[1] == '%') {
            sb_putc(out, '%');
            p += 2;
            continue;
        }
        /* Build a C conversion spec: %[flags][width][.prec]conv */
        char spec[64];
        size_t sl = 0;
        spec[sl++] = *p++;
        while (*p && strchr("-+ #0", *p) && sl < 20)
            spec[sl++] = *p++;
        bool have;
        if (*p == '*') {
            sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", (int)arg_int(a, &have));
            p++;
        } else {
            while (*p >= '0' && *p <= '9' && sl < 40)
                spec[sl++] = *p++;
        }
        if (*p == '.') {
            spec[sl++] = *p++;
            if (*p == '*') {
                sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", (int)arg_int(a, &have));
                p++;
            } else {
                while (*p >= '0' && *p <= '9' && sl < 60)
                    spec[sl++] = *p++;
            }
        }
        char conv = *p;
        if (!conv) {
            sh_error("printf: %%: invalid directive");
            a->status = 1;
            return true;
        }
        p++;
        char buf[512];
        int len = 0;
        switch (conv) {
        case 's':
        case 'b': {
            const char *s = next_arg(a);
            strbuf_t tmp = {0};
            bool go = true;
            if (conv == 'b')
                go = escapes_write(&tmp, s ? s : "", true);
            else
                sb_puts(&tmp, s ? s : "");
            spec[sl++] = 's';
            spec[sl] = '\0';
            int need = snprintf(NULL, 0, spec, tmp.s ? tmp.s : "");
            char *o = xmalloc((size_t)need + 1);
            snprintf(o, (size_t)need + 1, spec, tmp.s ? tmp.s : "");
            sb_puts(out, o);
            free(o);
            sb_free(&tmp);
            if (!go) return false;
            continue;
        }
        case 'c': {
            const char *s = next_arg(a);
            spec[sl++] = 'c';
            spec[sl] = '\0';
            if (!s || !*s) continue;
            len = snprintf(buf, sizeof buf, spec, s[0]);
            break;
        }
        case 'd':
        case 'i':
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
            long long v = arg_int(a, &have);
            spec[sl++] = 'l';
            spec[sl++] = 'l';
            spec[sl++] = conv;
            spec[sl] = '\0';
            len = snprintf(buf, sizeof buf, spec, v);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G': {
            double v = arg_double(a);
            spec[sl++] = conv;
            spec[sl] = '\0';
            len = snprintf(buf, sizeof buf, spec, v);
            break;
        }
        default:
            sh_error("printf: %%%c: invalid directive", conv);
            a->status = 1;
            return true;
        }
        if (len > 0) sb_putn(out, buf, (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);
    }
    return true;
}

BUILTIN(printf)
{
    (void)sh;
    if (argc < 2) {
        sh_error("printf: usage: printf format [arg ...]");
        return 2;
    }
    pf_args_t a = {argv + 2, argc - 2, 0, 0};
    strbuf_t out = {0};
    for (;;) {
        int before = a.i;
        if (!format_once(&out, argv[1], &a)) break;
        if (a.i >= a.n || a.i == before) break;
    }
    if (out.len) fwrite(out.s, 1, out.len, stdout);
    sb_free(&out);
    return a.status;
}
