/* printf-style formatting for freestanding code (kernel log, servers' messages).
 * Entry points: fmt_vformat (character callback), vsnprintf, snprintf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct spec {
    int left, zero, plus, space, alt;
    int width, prec;
};

static int emit_padded(void (*out)(char, void *), void *ctx, const struct spec *sp,
                       const char *prefix, const char *body, int body_len)
{
    int plen = (int)strlen(prefix);
    int zeros = 0;
    if (sp->prec >= 0 && body_len < sp->prec)
        zeros = sp->prec - body_len;
    int total = plen + zeros + body_len;
    int pad = sp->width > total ? sp->width - total : 0;
    int n = 0;
    if (sp->zero && !sp->left && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        for (; pad > 0; pad--, n++)
            out(' ', ctx);
    for (int i = 0; i < plen; i++, n++)
        out(prefix[i], ctx);
    for (; zeros > 0; zeros--, n++)
        out('0', ctx);
    for (int i = 0; i < body_len; i++, n++)
        out(body[i], ctx);
    for (; pad > 0; pad--, n++)
        out(' ', ctx);
    return n;
}

int fmt_vformat(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap)
{
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out(*p, ctx);
            n++;
            continue;
        }
        struct spec sp = {0, 0, 0, 0, 0, 0, -1};
        for (p++;; p++) {
            if (*p == '-') sp.left = 1;
            else if (*p == '0') sp.zero = 1;
            else if (*p == '+') sp.plus = 1;
            else if (*p == ' ') sp.space = 1;
            else if (*p == '#') sp.alt = 1;
            else break;
        }
        if (*p == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = 1;
                sp.width = -sp.width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                sp.width = sp.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            sp.prec = 0;
            if (*p == '*') {
                sp.prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    sp.prec = sp.prec * 10 + (*p++ - '0');
            }
        }
        int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        for (;; p++) {
            if (*p == 'l') lng++;
            else if (*p == 'h') lng--;
            else if (*p == 'z' || *p == 't' || *p == 'j') lng = 2;
            else break;
        }
        char buf[72];
        int len = 0;
        const char *prefix = "";
        switch (*p) {
        case '%':
            out('%', ctx);
            n++;
            break;
        case 'c': {
            buf[0] = (char)va_arg(ap, int);
            n += emit_padded(out, ctx, &sp, "", buf, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int l = sp.prec >= 0 ? (int)strnlen(s, (size_t)sp.prec) : (int)strlen(s);
            struct spec sp2 = sp;
            sp2.prec = -1;
            sp2.zero = 0;
            n += emit_padded(out, ctx, &sp2, "", s, l);
            break;
        }
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long)
                          : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng <= -2) v = (signed char)v;
            unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
            prefix = v < 0 ? "-" : sp.plus ? "+" : sp.space ? " " : "";
            char tmp[24];
            int t = 0;
            do tmp[t++] = (char)('0' + u % 10); while (u /= 10);
            if (sp.prec == 0 && v == 0) t = 0;
            while (t) buf[len++] = tmp[--t];
            n += emit_padded(out, ctx, &sp, prefix, buf, len);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'p': {
            unsigned long long u;
            unsigned base = *p == 'o' ? 8 : *p == 'u' ? 10 : 16;
            if (*p == 'p') {
                u = (uintptr_t)va_arg(ap, void *);
                prefix = "0x";
            } else {
                u = lng >= 2 ? va_arg(ap, unsigned long long)
                    : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
                if (lng == -1) u = (unsigned short)u;
                if (lng <= -2) u = (unsigned char)u;
                if (sp.alt && u && base == 16) prefix = *p == 'X' ? "0X" : "0x";
                if (sp.alt && base == 8) prefix = "0";
            }
            const char *digits = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char tmp[24];
            int t = 0;
            do tmp[t++] = digits[u % base]; while (u /= base);
            if (sp.prec == 0 && u == 0 && *p != 'p') t = 0;
            while (t) buf[len++] = tmp[--t];
            n += emit_padded(out, ctx, &sp, prefix, buf, len);
            break;
        }
        default: /* unknown conversion: print it verbatim so the mistake is visible */
            out('%', ctx);
            n++;
            if (!*p)
                return n;
            out(*p, ctx);
            n++;
        }
    }
    return n;
}

struct sbuf {
    char *buf;
    size_t size, pos;
};

static void sbuf_put(char c, void *ctx)
{
    struct sbuf *b = ctx;
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sbuf b = {buf, size, 0};
    int n = fmt_vformat(sbuf_put, &b, fmt, ap);
    if (size)
        buf[b.pos < size ? b.pos : size - 1] = 0;
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
