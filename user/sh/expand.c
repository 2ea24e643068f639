/*
 * expand.c - word expansion (see expand.h).
 *
 * A word is expanded left to right into "fields under construction": arrays of
 * characters with a flag per character saying whether it was quoted (never split,
 * literal in patterns), produced by an unquoted expansion (subject to field splitting)
 * or is a zero-width mark recording that quotes were present (so "" and '' yield an
 * empty field, as in dash). "$@" ends a field and starts another; then each field is
 * split on IFS where its characters came from unquoted expansions, and every resulting
 * field with unquoted *, ? or [ goes through glob(3) with its quoted characters escaped.
 *
 * Entry points: expand_words, expand_str, expand_pattern, expand_heredoc,
 * expand_pattern_match.
 */
#include "expand.h"

#include <ctype.h>
#include <fnmatch.h>
#include <glob.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "parse.h"

enum { F_QUOTED = 1, F_EXP = 2, F_MARK = 4 };
enum {
    CTX_DQ = 1,       /* inside double quotes */
    CTX_HEREDOC = 2,  /* here-document body: quotes are literal */
    CTX_ASSIGN = 4,   /* assignment value: tilde after ':' too */
    CTX_SPLITLIT = 8, /* word of an unquoted ${x-word}: its literal text splits too */
};

static const char default_ifs[] = " \t\n";

typedef struct {
    char *c;
    unsigned char *f;
    size_t n, cap;
} fbuf_t;

typedef struct {
    const exp_host_t *h;
    fbuf_t cur;
    fbuf_t *fields;
    size_t nfields, capfields;
    bool nosplit; /* one string out: "$@" separators become spaces */
    bool failed;
} exp_t;

static void fb_put(fbuf_t *b, char c, unsigned char f)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->c = xrealloc(b->c, b->cap);
        b->f = xrealloc(b->f, b->cap);
    }
    b->c[b->n] = c;
    b->f[b->n] = f;
    b->n++;
}

static void fb_free(fbuf_t *b)
{
    free(b->c);
    free(b->f);
    b->c = NULL;
    b->f = NULL;
    b->n = b->cap = 0;
}

static void put(exp_t *e, char c, unsigned char f)
{
    fb_put(&e->cur, c, f);
}

static void put_mark(exp_t *e)
{
    fb_put(&e->cur, '\0', F_MARK);
}

static void fail(exp_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(exp_t *e, const char *fmt, ...)
{
    if (e->failed) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    e->failed = true;
    e->h->error(e->h->ud, msg);
}

static unsigned char value_flags(int ctx)
{
    return (ctx & (CTX_DQ | CTX_HEREDOC)) ? F_QUOTED : F_EXP;
}

static void emit(exp_t *e, const char *s, size_t n, int ctx)
{
    unsigned char f = value_flags(ctx);
    for (size_t i = 0; i < n; i++)
        if (s[i]) put(e, s[i], f);
}

/* End the current field and start another (between the words of "$@"). */
static void hard_break(exp_t *e, int ctx)
{
    if (e->nosplit) {
        put(e, ' ', value_flags(ctx));
        return;
    }
    if (e->nfields == e->capfields) {
        e->capfields = e->capfields ? e->capfields * 2 : 8;
        e->fields = xrealloc(e->fields, e->capfields * sizeof *e->fields);
    }
    e->fields[e->nfields++] = e->cur;
    memset(&e->cur, 0, sizeof e->cur);
    if (ctx & CTX_DQ) put_mark(e);
}

static const char *ifs_value(exp_t *e)
{
    const char *ifs = e->h->getvar(e->h->ud, "IFS");
    return ifs ? ifs : default_ifs;
}

static char **get_params(exp_t *e, int *n)
{
    *n = 0;
    char **p = e->h->params(e->h->ud, n);
    return p;
}

static void expand_span(exp_t *e, const char *s, size_t len, int ctx);

/* Expands s into a plain string (nothing split); quoted glob characters are escaped
 * with a backslash when as_pattern. Errors propagate to e. */
static char *sub_expand(exp_t *e, const char *s, size_t len, int ctx, bool as_pattern)
{
    exp_t sub = {.h = e->h, .nosplit = true};
    expand_span(&sub, s, len, ctx);
    strbuf_t b = {0};
    for (size_t i = 0; i < sub.cur.n; i++) {
        char c = sub.cur.c[i];
        unsigned char f = sub.cur.f[i];
        if (f & F_MARK) continue;
        if (as_pattern && (f & F_QUOTED) && strchr("*?[]\\", c)) sb_putc(&b, '\\');
        sb_putc(&b, c);
    }
    fb_free(&sub.cur);
    if (sub.failed) e->failed = true;
    return sb_take(&b);
}

static void emit_params(exp_t *e, char which, int ctx)
{
    int n;
    char **p = get_params(e, &n);
    if (which == '*' && (ctx & (CTX_DQ | CTX_HEREDOC))) {
        const char *ifs = ifs_value(e);
        for (int i = 0; i < n; i++) {
            if (i && ifs[0]) put(e, ifs[0], F_QUOTED);
            emit(e, p[i], strlen(p[i]), ctx);
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        if (i) hard_break(e, ctx);
        emit(e, p[i], strlen(p[i]), ctx);
    }
}

/* Reads a parameter name at s[i]: a NAME, all digits after "{" (braced) or one digit,
 * or one special character. Returns its length, 0 if none. */
static size_t param_name_len(const char *s, size_t len, size_t i, bool braced)
{
    if (i >= len) return 0;
    if (isalpha((unsigned char)s[i]) || s[i] == '_') {
        size_t j = i + 1;
        while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_'))
            j++;
        return j - i;
    }
    if (isdigit((unsigned char)s[i])) {
        size_t j = i + 1;
        if (braced)
            while (j < len && isdigit((unsigned char)s[j]))
                j++;
        return j - i;
    }
    if (strchr("@*#?-$!", s[i])) return 1;
    return 0;
}

static const char *lookup(exp_t *e, const char *name)
{
    if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
        int n;
        get_params(e, &n);
        return n ? "" : NULL;
    }
    return e->h->getvar(e->h->ud, name);
}

/* Removes the shortest/longest prefix (#, ##) or suffix (%, %%) matching pat. */
static char *remove_affix(const char *val, const char *pat, char op, bool longest)
{
    size_t n = strlen(val);
    char *tmp = xstrdup(val);
    for (size_t k = 0; k <= n; k++) {
        size_t i = longest ? n - k : k; /* length of the prefix / suffix tried */
        bool m;
        if (op == '#') {
            char save = tmp[i];
            tmp[i] = '\0';
            m = fnmatch(pat, tmp, 0) == 0;
            tmp[i] = save;
            if (m) {
                free(tmp);
                return xstrdup(val + i);
            }
        } else {
            m = fnmatch(pat, val + n - i, 0) == 0;
            if (m) {
                free(tmp);
                return xstrndup(val, n - i);
            }
        }
    }
    free(tmp);
    return xstrdup(val);
}

static void expand_brace(exp_t *e, const char *in, size_t len, int ctx)
{
    size_t p = 0;
    bool length = false;
    if (len >= 2 && in[0] == '#' && param_name_len(in, len, 1, true) == len - 1) {
        length = true;
        p = 1;
    }
    size_t nl = param_name_len(in, len, p, true);
    if (nl == 0) {
        fail(e, "${%.*s}: bad substitution", (int)len, in);
        return;
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)nl, in + p);
    p += nl;
    const char *val = lookup(e, name);
    bool is_at = strcmp(name, "@") == 0 || strcmp(name, "*") == 0;

    if (length) {
        char buf[32];
        if (is_at) {
            int n;
            get_params(e, &n);
            snprintf(buf, sizeof buf, "%d", n);
        } else {
            if (!val && e->h->nounset) {
                fail(e, "%s: parameter not set", name);
                return;
            }
            snprintf(buf, sizeof buf, "%zu", val ? strlen(val) : 0);
        }
        emit(e, buf, strlen(buf), ctx);
        return;
    }
    if (p == len) {
        if (is_at) {
            emit_params(e, name[0], ctx);
        } else if (!val && e->h->nounset) {
            fail(e, "%s: parameter not set", name);
        } else if (val) {
            emit(e, val, strlen(val), ctx);
        }
        return;
    }

    bool colon = false;
    if (in[p] == ':' && p + 1 < len && strchr("-=?+", in[p + 1])) {
        colon = true;
        p++;
    }
    char op = in[p];
    bool twice = false;
    if (!colon && (op == '#' || op == '%') && p + 1 < len && in[p + 1] == op) twice = true;
    if (!strchr("-=?+#%", op)) {
        fail(e, "${%.*s}: bad substitution", (int)len, in);
        return;
    }
    p += twice ? 2 : 1;
    const char *word = in + p;
    size_t wlen = len - p;
    bool unset = val == NULL;
    bool null = unset || (!is_at && val[0] == '\0');
    bool cond = colon ? null : unset;

    switch (op) {
    case '-':
        if (cond)
            expand_span(e, word, wlen, ctx | CTX_SPLITLIT);
        else if (is_at)
            emit_params(e, name[0], ctx);
        else
            emit(e, val, strlen(val), ctx);
        return;
    case '+':
        if (!cond) expand_span(e, word, wlen, ctx | CTX_SPLITLIT);
        return;
    case '=':
        if (cond) {
            if (!parse_is_name(name, strlen(name))) {
                fail(e, "%s: cannot assign in this way", name);
                return;
            }
            char *v = sub_expand(e, word, wlen, ctx & ~CTX_ASSIGN, false);
            if (!e->failed && e->h->setvar(e->h->ud, name, v) != 0) e->failed = true;
            if (!e->failed) emit(e, v, strlen(v), ctx);
            free(v);
        } else if (is_at) {
            emit_params(e, name[0], ctx);
        } else {
            emit(e, val, strlen(val), ctx);
        }
        return;
    case '?':
        if (cond) {
            char *msg = wlen ? sub_expand(e, word, wlen, ctx, false)
                             : xstrdup(colon ? "parameter not set or null" : "parameter not set");
            fail(e, "%s: %s", name, msg);
            free(msg);
        } else if (is_at) {
            emit_params(e, name[0], ctx);
        } else {
            emit(e, val, strlen(val), ctx);
        }
        return;
    default: { /* # ## % %% */
        if (unset && e->h->nounset) {
            fail(e, "%s: parameter not set", name);
            return;
        }
        char *pat = sub_expand(e, word, wlen, ctx & ~CTX_DQ, true);
        char *res = remove_affix(val ? val : "", pat, op, twice);
        emit(e, res, strlen(res), ctx);
        free(pat);
        free(res);
        return;
    }
    }
}

static void emit_cmdsubst(exp_t *e, const char *cmd, int ctx)
{
    char *out = e->h->cmdsubst(e->h->ud, cmd);
    if (!out) return;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '\n')
        n--;
    emit(e, out, n, ctx);
    free(out);
}

static const char *arith_getvar(void *ud, const char *name)
{
    const exp_host_t *h = ud;
    return h->getvar(h->ud, name);
}

static int arith_setvar(void *ud, const char *name, const char *value)
{
    const exp_host_t *h = ud;
    return h->setvar(h->ud, name, value);
}

static void expand_arith(exp_t *e, const char *s, size_t len, int ctx)
{
    char *expr = sub_expand(e, s, len, CTX_DQ, false);
    if (e->failed) {
        free(expr);
        return;
    }
    arith_host_t ah = {(void *)e->h, arith_getvar, arith_setvar};
    long v;
    char err[160];
    if (arith_eval(expr, &ah, &v, err, sizeof err) != 0)
        fail(e, "%s", err);
    else {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", v);
        emit(e, buf, strlen(buf), ctx);
    }
    free(expr);
}

/* s[i] == '$'; returns the index after the construct. */
static size_t expand_dollar(exp_t *e, const char *s, size_t len, size_t i, int ctx)
{
    unsigned char lit = (ctx & (CTX_DQ | CTX_HEREDOC)) ? F_QUOTED : 0;
    if (i + 1 >= len) {
        put(e, '$', lit);
        return i + 1;
    }
    char n = s[i + 1];
    if (n == '(' || n == '{') {
        size_t j = parse_skip_quoted(s, len, i);
        if (j == (size_t)-1 || j > len) {
            fail(e, "%.*s: bad substitution", (int)(len - i), s + i);
            return len;
        }
        if (n == '{') {
            expand_brace(e, s + i + 2, j - i - 3, ctx);
        } else if (i + 2 < len && s[i + 2] == '(') {
            expand_arith(e, s + i + 3, j - i - 5, ctx);
        } else {
            char *cmd = xstrndup(s + i + 2, j - i - 3);
            emit_cmdsubst(e, cmd, ctx);
            free(cmd);
        }
        return j;
    }
    size_t nl = param_name_len(s, len, i + 1, false);
    if (nl == 0) {
        put(e, '$', lit);
        return i + 1;
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)nl, s + i + 1);
    if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
        emit_params(e, name[0], ctx);
    } else {
        const char *v = lookup(e, name);
        if (!v && e->h->nounset && strcmp(name, "!") != 0)
            fail(e, "%s: parameter not set", name);
        else if (v)
            emit(e, v, strlen(v), ctx);
    }
    return i + 1 + nl;
}

/* s[i] == '`'; returns the index after the closing backquote. */
static size_t expand_backquote(exp_t *e, const char *s, size_t len, size_t i, int ctx)
{
    size_t j = parse_skip_quoted(s, len, i);
    if (j == (size_t)-1 || j > len) j = len + 1;
    strbuf_t cmd = {0};
    for (size_t k = i + 1; k + 1 < j; k++) {
        if (s[k] == '\\' && k + 2 < j &&
            (s[k + 1] == '$' || s[k + 1] == '`' || s[k + 1] == '\\' ||
             ((ctx & CTX_DQ) && s[k + 1] == '"')))
            k++;
        sb_putc(&cmd, s[k]);
    }
    char *c = sb_take(&cmd);
    emit_cmdsubst(e, c, ctx);
    free(c);
    return j > len ? len : j;
}

/* s[i] == '~' at the start of a word or after ":" in an assignment. */
static size_t expand_tilde(exp_t *e, const char *s, size_t len, size_t i, int ctx)
{
    size_t j = i + 1;
    while (j < len && s[j] != '/' && !((ctx & CTX_ASSIGN) && s[j] == ':')) {
        if (strchr("'\"\\$`", s[j])) return i;
        j++;
    }
    const char *home = NULL;
    if (j == i + 1) {
        home = e->h->getvar(e->h->ud, "HOME");
    } else {
        char user[256];
        snprintf(user, sizeof user, "%.*s", (int)(j - i - 1), s + i + 1);
        struct passwd *pw = getpwnam(user);
        if (pw) home = pw->pw_dir;
    }
    if (!home) return i;
    put_mark(e);
    for (const char *h = home; *h; h++)
        put(e, *h, F_QUOTED);
    return j;
}

static bool is_empty_at(exp_t *e, const char *s, size_t len)
{
    if (!((len == 2 && memcmp(s, "$@", 2) == 0) || (len == 4 && memcmp(s, "${@}", 4) == 0)))
        return false;
    int n;
    get_params(e, &n);
    return n == 0;
}

static void expand_span(exp_t *e, const char *s, size_t len, int ctx)
{
    size_t i = 0;
    bool quoted_ctx = ctx & (CTX_DQ | CTX_HEREDOC);
    if (!quoted_ctx && len && s[0] == '~') i = expand_tilde(e, s, len, 0, ctx);
    while (i < len && !e->failed) {
        char c = s[i];
        if (c == '\'' && !quoted_ctx) {
            const char *q = memchr(s + i + 1, '\'', len - i - 1);
            size_t end = q ? (size_t)(q - s) : len;
            put_mark(e);
            for (size_t k = i + 1; k < end; k++)
                put(e, s[k], F_QUOTED);
            i = end + 1;
        } else if (c == '"' && !(ctx & CTX_HEREDOC)) {
            size_t j = parse_skip_quoted(s, len, i);
            if (j == (size_t)-1 || j > len) j = len + 1; /* unterminated: take the rest */
            const char *in = s + i + 1;
            size_t n = j - i - 2;
            if (!is_empty_at(e, in, n)) put_mark(e);
            expand_span(e, in, n, (ctx | CTX_DQ) & ~(CTX_ASSIGN | CTX_SPLITLIT));
            i = j;
        } else if (c == '\\') {
            if (i + 1 >= len) {
                put(e, '\\', F_QUOTED);
                i++;
                continue;
            }
            char n = s[i + 1];
            bool special = n == '$' || n == '`' || n == '\\' || n == '\n' ||
                           (n == '"' && (ctx & CTX_DQ) && !(ctx & CTX_HEREDOC));
            if (quoted_ctx && !special) {
                put(e, '\\', F_QUOTED);
                i++;
            } else if (n == '\n') {
                i += 2;
            } else {
                put(e, n, F_QUOTED);
                i += 2;
            }
        } else if (c == '$') {
            i = expand_dollar(e, s, len, i, ctx);
        } else if (c == '`') {
            i = expand_backquote(e, s, len, i, ctx);
        } else if (c == ':' && (ctx & CTX_ASSIGN) && !quoted_ctx) {
            put(e, c, 0);
            i++;
            if (i < len && s[i] == '~') i = expand_tilde(e, s, len, i, ctx);
        } else {
            put(e, c, quoted_ctx ? F_QUOTED : (ctx & CTX_SPLITLIT) ? F_EXP : 0);
            i++;
        }
    }
}

static void finish_fields(exp_t *e)
{
    hard_break(e, 0);
    fb_free(&e->cur);
}

static void exp_free(exp_t *e)
{
    for (size_t i = 0; i < e->nfields; i++)
        fb_free(&e->fields[i]);
    free(e->fields);
    fb_free(&e->cur);
}

static bool is_ifs_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Pathname expansion of one field [b, end) of f, then push to out. */
static void glob_push(exp_t *e, const fbuf_t *f, size_t b, size_t end, strvec_t *out)
{
    strbuf_t lit = {0}, pat = {0};
    bool magic = false;
    for (size_t i = b; i < end; i++) {
        char c = f->c[i];
        unsigned char fl = f->f[i];
        if (fl & F_MARK) continue;
        sb_putc(&lit, c);
        if ((fl & F_QUOTED) || c == '\\') {
            if (strchr("*?[]\\", c)) sb_putc(&pat, '\\');
        } else if (strchr("*?[", c)) {
            magic = true;
        }
        sb_putc(&pat, c);
    }
    glob_t g;
    if (magic && !e->h->noglob && glob(pat.s, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            sv_push(out, xstrdup(g.gl_pathv[i]));
        globfree(&g);
        sb_free(&lit);
    } else {
        if (magic && !e->h->noglob) globfree(&g);
        sv_push(out, sb_take(&lit));
    }
    sb_free(&pat);
}

/* Field splitting of f on IFS where characters came from unquoted expansions
 * (same algorithm as dash's ifsbreakup). */
static void split_push(exp_t *e, const fbuf_t *f, strvec_t *out)
{
    const char *ifs = ifs_value(e);
    size_t start = 0, p = 0;
    if (*ifs) {
        while (p < f->n) {
            char c = f->c[p];
            if (!(f->f[p] & F_EXP) || !c || !strchr(ifs, c)) {
                p++;
                continue;
            }
            bool ws = is_ifs_ws(c);
            if (p == start && ws) {
                start = ++p;
                continue;
            }
            glob_push(e, f, start, p, out);
            p++;
            while (p < f->n && (f->f[p] & F_EXP) && f->c[p] && strchr(ifs, f->c[p])) {
                if (!is_ifs_ws(f->c[p])) {
                    if (!ws) break;
                    ws = false;
                }
                p++;
            }
            start = p;
        }
    }
    if (start < f->n) glob_push(e, f, start, f->n, out);
}

int expand_words(const exp_host_t *h, const char *const *words, size_t n, strvec_t *out)
{
    for (size_t w = 0; w < n; w++) {
        exp_t e = {.h = h};
        expand_span(&e, words[w], strlen(words[w]), 0);
        finish_fields(&e);
        if (!e.failed)
            for (size_t i = 0; i < e.nfields; i++)
                split_push(&e, &e.fields[i], out);
        bool failed = e.failed;
        exp_free(&e);
        if (failed) return -1;
    }
    return 0;
}

static char *expand_one(const exp_host_t *h, const char *s, int ctx, bool as_pattern)
{
    exp_t e = {.h = h, .nosplit = true};
    char *r = sub_expand(&e, s, strlen(s), ctx, as_pattern);
    if (e.failed) {
        free(r);
        return NULL;
    }
    return r;
}

char *expand_str(const exp_host_t *h, const char *word, int flags)
{
    return expand_one(h, word, (flags & EXPAND_ASSIGN) ? CTX_ASSIGN : 0, false);
}

char *expand_pattern(const exp_host_t *h, const char *word)
{
    return expand_one(h, word, 0, true);
}

char *expand_heredoc(const exp_host_t *h, const char *body)
{
    return expand_one(h, body, CTX_HEREDOC, false);
}

bool expand_pattern_match(const char *pattern, const char *string)
{
    return fnmatch(pattern, string, 0) == 0;
}
