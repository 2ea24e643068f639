/*
 * lex.c - shell token recognition (POSIX XCU 2.3): operators, words with their
 * quoting and nested $( ), $(( )), ${ } and backquotes kept verbatim, IO numbers,
 * comments, line continuations and here-document bodies.
 *
 * Reserved words are not decided here: the grammar (parse.c) looks at a TK_WORD's
 * raw text where a reserved word may appear.
 *
 * Entry points: lex_peek, lex_next, lex_add_heredoc, lex_tok_name, parse_fail,
 * parse_skip_quoted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse_int.h"

_Noreturn void parse_fail(parser_t *p, bool at_eof, const char *fmt, ...)
{
    if (at_eof && !p->final) {
        *p->status = PARSE_INCOMPLETE;
        p->err[0] = '\0';
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, 160, fmt, ap);
        va_end(ap);
        *p->status = PARSE_ERROR;
    }
    longjmp(*p->jb, 1);
}

/*
 * Word and here-document text is accumulated in the tree's arena (old copies are
 * simply abandoned when it grows) so that a longjmp out of a syntax error leaks nothing.
 */
typedef struct {
    parser_t *p;
    char *s;
    size_t len, cap;
} abuf_t;

static void ab_putn(abuf_t *b, const char *s, size_t n)
{
    if (!b) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = arena_alloc(b->p->arena, cap);
        if (b->len) memcpy(ns, b->s, b->len);
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void ab_putc(abuf_t *b, char c)
{
    ab_putn(b, &c, 1);
}

static const char *ab_str(abuf_t *b)
{
    return b->s ? b->s : "";
}

static int cur(parser_t *p)
{
    return p->pos < p->len ? (unsigned char)p->src[p->pos] : -1;
}

static int at(parser_t *p, size_t off)
{
    return p->pos + off < p->len ? (unsigned char)p->src[p->pos + off] : -1;
}

static void advance(parser_t *p, abuf_t *out)
{
    if (p->src[p->pos] == '\n') p->line++;
    if (out) ab_putc(out, p->src[p->pos]);
    p->pos++;
}

/* Skips backslash-newline pairs at pos (they vanish before tokenising). */
static void skip_continuations(parser_t *p)
{
    while (cur(p) == '\\' && at(p, 1) == '\n') {
        p->pos += 2;
        p->line++;
    }
    if (cur(p) == '\\' && at(p, 1) == -1 && !p->final)
        parse_fail(p, true, "unexpected end of file");
}

static bool is_meta(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
           c == '>' || c == '(' || c == ')';
}

static void scan_dollar(parser_t *p, abuf_t *out);

static void scan_squote(parser_t *p, abuf_t *out)
{
    advance(p, out);
    for (;;) {
        if (cur(p) < 0) parse_fail(p, true, "unterminated quoted string");
        if (cur(p) == '\'') {
            advance(p, out);
            return;
        }
        advance(p, out);
    }
}

static void scan_backquote(parser_t *p, abuf_t *out)
{
    advance(p, out);
    for (;;) {
        int c = cur(p);
        if (c < 0) parse_fail(p, true, "unterminated backquote");
        if (c == '`') {
            advance(p, out);
            return;
        }
        if (c == '\\' && at(p, 1) >= 0) advance(p, out);
        advance(p, out);
    }
}

static void scan_dquote(parser_t *p, abuf_t *out)
{
    advance(p, out);
    for (;;) {
        int c = cur(p);
        if (c < 0) parse_fail(p, true, "unterminated quoted string");
        if (c == '"') {
            advance(p, out);
            return;
        }
        if (c == '\\') {
            if (at(p, 1) == '\n') {
                p->pos += 2;
                p->line++;
                continue;
            }
            if (at(p, 1) < 0) parse_fail(p, true, "unterminated quoted string");
            advance(p, out);
            advance(p, out);
        } else if (c == '$') {
            scan_dollar(p, out);
        } else if (c == '`') {
            scan_backquote(p, out);
        } else {
            advance(p, out);
        }
    }
}

/* ${ ... }: quotes and nested expansions inside may contain "}". */
static void scan_brace(parser_t *p, abuf_t *out)
{
    advance(p, out);
    advance(p, out);
    for (;;) {
        int c = cur(p);
        if (c < 0) parse_fail(p, true, "missing '}'");
        if (c == '}') {
            advance(p, out);
            return;
        }
        if (c == '\\' && at(p, 1) == '\n') {
            p->pos += 2;
            p->line++;
        } else if (c == '\\') {
            advance(p, out);
            if (cur(p) >= 0) advance(p, out);
        } else if (c == '\'') {
            scan_squote(p, out);
        } else if (c == '"') {
            scan_dquote(p, out);
        } else if (c == '`') {
            scan_backquote(p, out);
        } else if (c == '$') {
            scan_dollar(p, out);
        } else {
            advance(p, out);
        }
    }
}

/* $(( ... )): balanced parentheses up to "))". */
static void scan_arith(parser_t *p, abuf_t *out)
{
    advance(p, out);
    advance(p, out);
    advance(p, out);
    int depth = 0;
    for (;;) {
        int c = cur(p);
        if (c < 0) parse_fail(p, true, "missing '))'");
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (depth == 0) {
                if (at(p, 1) != ')') parse_fail(p, at(p, 1) < 0, "missing '))'");
                advance(p, out);
                advance(p, out);
                return;
            }
            depth--;
        } else if (c == '$' && at(p, 1) == '(' && at(p, 2) != '(') {
            scan_dollar(p, out);
            continue;
        } else if (c == '\\' && at(p, 1) == '\n') {
            p->pos += 2;
            p->line++;
            continue;
        }
        advance(p, out);
    }
}

static void scan_cmdsubst(parser_t *p, abuf_t *out)
{
    size_t start = p->pos;
    parser_t sub = *p;
    sub.pos = p->pos + 2;
    sub.have_peek = false;
    sub.pending = NULL;
    sub.depth = p->depth + 1;
    parse_nested_list(&sub);
    token_t t = lex_next(&sub);
    if (t.kind != TK_RPAREN)
        parse_fail(&sub, t.kind == TK_EOF, "unexpected %s (expecting \")\")", lex_tok_name(&t));
    p->line = sub.line;
    p->pos = sub.pos;
    ab_putn(out, p->src + start, p->pos - start);
}

static void scan_dollar(parser_t *p, abuf_t *out)
{
    if (at(p, 1) == '(' && at(p, 2) == '(')
        scan_arith(p, out);
    else if (at(p, 1) == '(')
        scan_cmdsubst(p, out);
    else if (at(p, 1) == '{')
        scan_brace(p, out);
    else
        advance(p, out);
}

static void scan_word(parser_t *p, abuf_t *out)
{
    for (;;) {
        skip_continuations(p);
        int c = cur(p);
        if (c < 0 || is_meta(c)) return;
        if (c == '\\') {
            advance(p, out);
            if (cur(p) >= 0) advance(p, out);
        } else if (c == '\'') {
            scan_squote(p, out);
        } else if (c == '"') {
            scan_dquote(p, out);
        } else if (c == '`') {
            scan_backquote(p, out);
        } else if (c == '$') {
            scan_dollar(p, out);
        } else {
            advance(p, out);
        }
    }
}

void lex_add_heredoc(parser_t *p, redir_t *r)
{
    pending_hd_t *h = arena_alloc(p->arena, sizeof *h);
    h->r = r;
    pending_hd_t **tail = &p->pending;
    while (*tail)
        tail = &(*tail)->next;
    *tail = h;
}

/* The delimiter is the word after quote removal; any quoting makes the body literal. */
static const char *heredoc_delim(parser_t *p, const char *w, bool *quoted)
{
    abuf_t b = {.p = p};
    *quoted = false;
    for (const char *s = w; *s; s++) {
        if (*s == '\'' || *s == '"') {
            *quoted = true;
        } else if (*s == '\\' && s[1]) {
            *quoted = true;
            ab_putc(&b, *++s);
        } else {
            ab_putc(&b, *s);
        }
    }
    return ab_str(&b);
}

/* Called just after a newline token: reads the bodies of pending here-documents. */
static void read_heredocs(parser_t *p)
{
    while (p->pending) {
        redir_t *r = p->pending->r;
        p->pending = p->pending->next;
        bool quoted;
        const char *delim = heredoc_delim(p, r->word, &quoted);
        size_t dlen = strlen(delim);
        abuf_t body = {.p = p};
        r->quoted = quoted;
        for (;;) {
            if (p->pos >= p->len) {
                if (!p->final) parse_fail(p, true, "here-document");
                break;
            }
            size_t s = p->pos;
            if (r->strip_tabs)
                while (s < p->len && p->src[s] == '\t')
                    s++;
            const char *nl = memchr(p->src + s, '\n', p->len - s);
            size_t e = nl ? (size_t)(nl - p->src) : p->len;
            if (!nl && !p->final) parse_fail(p, true, "here-document");
            p->pos = nl ? e + 1 : e;
            if (nl) p->line++;
            if (e - s == dlen && memcmp(p->src + s, delim, dlen) == 0) break;
            ab_putn(&body, p->src + s, e - s);
            ab_putc(&body, '\n');
        }
        r->body = ab_str(&body);
    }
}

static token_t lex_scan(parser_t *p)
{
    token_t t = {.kind = TK_EOF};
    for (;;) {
        skip_continuations(p);
        int c = cur(p);
        if (c == ' ' || c == '\t') {
            p->pos++;
        } else if (c == '#') {
            while (cur(p) >= 0 && cur(p) != '\n')
                p->pos++;
        } else {
            break;
        }
    }
    t.line = p->line;
    int c = cur(p), n = at(p, 1);
    if (c < 0) {
        if (!p->final) parse_fail(p, true, "unexpected end of file");
        read_heredocs(p);
        return t;
    }
    struct {
        const char *s;
        tok_kind_t k;
    } ops[] = {
        {"<<-", TK_DLESSDASH}, {"&&", TK_ANDAND},  {"||", TK_OROR},    {";;", TK_DSEMI},
        {"<<", TK_DLESS},      {">>", TK_DGREAT},  {"<&", TK_LESSAND}, {">&", TK_GREATAND},
        {"<>", TK_LESSGREAT},  {">|", TK_CLOBBER}, {"&", TK_AMP},      {"|", TK_PIPE},
        {";", TK_SEMI},        {"(", TK_LPAREN},   {")", TK_RPAREN},   {"<", TK_LESS},
        {">", TK_GREAT},       {"\n", TK_NEWLINE},
    };
    (void)n;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t l = strlen(ops[i].s);
        if (p->pos + l <= p->len && memcmp(p->src + p->pos, ops[i].s, l) == 0) {
            p->pos += l;
            t.kind = ops[i].k;
            if (t.kind == TK_NEWLINE) {
                p->line++;
                read_heredocs(p);
            }
            return t;
        }
    }
    abuf_t w = {.p = p};
    scan_word(p, &w);
    t.kind = TK_WORD;
    t.text = ab_str(&w);
    if ((cur(p) == '<' || cur(p) == '>') && t.text[0] &&
        strspn(t.text, "0123456789") == strlen(t.text))
        t.kind = TK_IONUM;
    return t;
}

token_t lex_peek(parser_t *p)
{
    if (!p->have_peek) {
        p->peek = lex_scan(p);
        p->have_peek = true;
    }
    return p->peek;
}

token_t lex_next(parser_t *p)
{
    token_t t = lex_peek(p);
    p->have_peek = false;
    return t;
}

const char *lex_tok_name(const token_t *t)
{
    static const char *names[] = {
        [TK_NEWLINE] = "newline", [TK_EOF] = "end of file",   [TK_AMP] = "\"&\"",
        [TK_ANDAND] = "\"&&\"",   [TK_PIPE] = "\"|\"",        [TK_OROR] = "\"||\"",
        [TK_SEMI] = "\";\"",      [TK_DSEMI] = "\";;\"",      [TK_LPAREN] = "\"(\"",
        [TK_RPAREN] = "\")\"",    [TK_LESS] = "\"<\"",        [TK_GREAT] = "\">\"",
        [TK_DLESS] = "\"<<\"",    [TK_DLESSDASH] = "\"<<-\"", [TK_DGREAT] = "\">>\"",
        [TK_LESSAND] = "\"<&\"",  [TK_GREATAND] = "\">&\"",   [TK_LESSGREAT] = "\"<>\"",
        [TK_CLOBBER] = "\">|\"",
    };
    if (t->kind == TK_WORD || t->kind == TK_IONUM) {
        static char buf[64];
        snprintf(buf, sizeof buf, "\"%.40s\"", t->text);
        return buf;
    }
    return names[t->kind];
}

size_t parse_skip_quoted(const char *s, size_t len, size_t pos)
{
    jmp_buf jb;
    parse_status_t status = PARSE_OK;
    char err[160];
    parser_t p = {
        .src = s,
        .len = len,
        .pos = pos,
        .final = true,
        .arena = arena_new(),
        .jb = &jb,
        .status = &status,
        .err = err,
        .depth = 1,
    };
    size_t end = (size_t)-1;
    if (!setjmp(jb)) {
        switch (s[pos]) {
        case '\'':
            scan_squote(&p, NULL);
            break;
        case '"':
            scan_dquote(&p, NULL);
            break;
        case '`':
            scan_backquote(&p, NULL);
            break;
        case '$':
            scan_dollar(&p, NULL);
            break;
        default:
            p.pos++;
        }
        end = p.pos;
    }
    arena_unref(p.arena);
    return end;
}
