/*
 * parse.c - recursive-descent parser for the POSIX shell grammar (XCU 2.10):
 * lists, and-or lists, pipelines, simple commands with assignments and
 * redirections, ( ), { }, if, while, until, for, case and function definitions.
 *
 * Errors unwind with longjmp to parse_next; nothing needs freeing on the way out
 * because every allocation is in the tree's arena.
 *
 * Entry points: parse_next, parse_is_name, parse_assign_len, parse_nested_list (for
 * the lexer).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

static node_t *parse_and_or(parser_t *p);
static node_t *parse_list(parser_t *p);

bool parse_is_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return false;
    return true;
}

size_t parse_assign_len(const char *word)
{
    const char *eq = strchr(word, '=');
    if (!eq || !parse_is_name(word, (size_t)(eq - word))) return 0;
    return (size_t)(eq - word);
}

static node_t *node_new(parser_t *p, node_kind_t kind, int line)
{
    node_t *n = arena_alloc(p->arena, sizeof *n);
    n->kind = kind;
    n->line = line;
    return n;
}

static node_t *node_bin(parser_t *p, node_kind_t kind, node_t *l, node_t *r)
{
    node_t *n = node_new(p, kind, l->line);
    n->u.bin.left = l;
    n->u.bin.right = r;
    return n;
}

static node_t *node_wrap(parser_t *p, node_kind_t kind, node_t *body)
{
    node_t *n = node_new(p, kind, body->line);
    n->u.sub.body = body;
    return n;
}

/* Growable word vector; storage in the arena so a syntax error leaks nothing. */
typedef struct {
    const char **v;
    size_t n, cap;
} wvec_t;

static void wvec_push(parser_t *p, wvec_t *w, const char *s)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        const char **v = arena_alloc(p->arena, cap * sizeof *v);
        if (w->n) memcpy(v, w->v, w->n * sizeof *v);
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = s;
}

static words_t wvec_freeze(wvec_t *w)
{
    return (words_t){w->v, w->n};
}

static bool tok_is(const token_t *t, const char *word)
{
    return t->kind == TK_WORD && strcmp(t->text, word) == 0;
}

static bool peek_is(parser_t *p, const char *word)
{
    token_t t = lex_peek(p);
    return tok_is(&t, word);
}

_Noreturn static void unexpected(parser_t *p, token_t t, const char *expecting)
{
    if (expecting)
        parse_fail(p, t.kind == TK_EOF, "unexpected %s (expecting \"%s\")", lex_tok_name(&t),
                   expecting);
    parse_fail(p, t.kind == TK_EOF, "unexpected %s", lex_tok_name(&t));
}

static void expect_word(parser_t *p, const char *word)
{
    token_t t = lex_next(p);
    if (!tok_is(&t, word)) unexpected(p, t, word);
}

static void skip_newlines(parser_t *p)
{
    while (lex_peek(p).kind == TK_NEWLINE)
        lex_next(p);
}

/* Tokens that end a compound list when seen where a command would start. */
static bool at_list_end(parser_t *p)
{
    static const char *const ends[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}"};
    token_t t = lex_peek(p);
    if (t.kind == TK_EOF || t.kind == TK_RPAREN || t.kind == TK_DSEMI) return true;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (tok_is(&t, ends[i])) return true;
    return false;
}

static bool is_redir_tok(tok_kind_t k)
{
    return k == TK_IONUM || k == TK_LESS || k == TK_GREAT || k == TK_DLESS || k == TK_DLESSDASH ||
           k == TK_DGREAT || k == TK_LESSAND || k == TK_GREATAND || k == TK_LESSGREAT ||
           k == TK_CLOBBER;
}

static redir_t *parse_redirect(parser_t *p)
{
    token_t t = lex_next(p);
    redir_t *r = arena_alloc(p->arena, sizeof *r);
    r->fd = -1;
    if (t.kind == TK_IONUM) {
        r->fd = atoi(t.text);
        t = lex_next(p);
    }
    switch (t.kind) {
    case TK_LESS:
        r->kind = REDIR_IN;
        break;
    case TK_GREAT:
        r->kind = REDIR_OUT;
        break;
    case TK_CLOBBER:
        r->kind = REDIR_CLOBBER;
        break;
    case TK_DGREAT:
        r->kind = REDIR_APPEND;
        break;
    case TK_LESSGREAT:
        r->kind = REDIR_INOUT;
        break;
    case TK_LESSAND:
        r->kind = REDIR_DUPIN;
        break;
    case TK_GREATAND:
        r->kind = REDIR_DUPOUT;
        break;
    case TK_DLESS:
        r->kind = REDIR_HEREDOC;
        break;
    case TK_DLESSDASH:
        r->kind = REDIR_HEREDOC;
        r->strip_tabs = true;
        break;
    default:
        unexpected(p, t, NULL);
    }
    if (r->fd < 0)
        r->fd = (r->kind == REDIR_IN || r->kind == REDIR_INOUT || r->kind == REDIR_DUPIN ||
                 r->kind == REDIR_HEREDOC)
                    ? 0
                    : 1;
    token_t w = lex_next(p);
    if (w.kind != TK_WORD) unexpected(p, w, NULL);
    r->word = w.text;
    if (r->kind == REDIR_HEREDOC) lex_add_heredoc(p, r);
    return r;
}

static void append_redir(redir_t **list, redir_t *r)
{
    while (*list)
        list = &(*list)->next;
    *list = r;
}

static void parse_trailing_redirs(parser_t *p, node_t *n)
{
    while (is_redir_tok(lex_peek(p).kind))
        append_redir(&n->redirs, parse_redirect(p));
}

/* first: the command's first word, already consumed (or kind TK_EOF if none). */
static node_t *parse_simple(parser_t *p, token_t first)
{
    node_t *n = node_new(p, NODE_CMD, p->line);
    wvec_t assigns = {0}, words = {0};
    token_t t = first.kind == TK_WORD ? first : lex_peek(p);
    n->line = t.line;
    if (first.kind == TK_WORD) {
        if (parse_assign_len(first.text))
            wvec_push(p, &assigns, first.text);
        else
            wvec_push(p, &words, first.text);
    }
    for (;;) {
        t = lex_peek(p);
        if (is_redir_tok(t.kind)) {
            append_redir(&n->redirs, parse_redirect(p));
        } else if (t.kind == TK_WORD) {
            lex_next(p);
            if (words.n == 0 && parse_assign_len(t.text))
                wvec_push(p, &assigns, t.text);
            else
                wvec_push(p, &words, t.text);
        } else {
            break;
        }
    }
    n->u.cmd.assigns = wvec_freeze(&assigns);
    n->u.cmd.words = wvec_freeze(&words);
    if (!n->u.cmd.assigns.n && !n->u.cmd.words.n && !n->redirs) unexpected(p, lex_peek(p), NULL);
    return n;
}

/* A compound list that must not be empty (if/while/for bodies, groups). */
static node_t *parse_body(parser_t *p)
{
    node_t *n = parse_list(p);
    if (!n) unexpected(p, lex_peek(p), NULL);
    return n;
}

static node_t *parse_if(parser_t *p, int line)
{
    node_t *n = node_new(p, NODE_IF, line);
    n->u.ifn.cond = parse_body(p);
    expect_word(p, "then");
    n->u.ifn.then = parse_body(p);
    token_t t = lex_next(p);
    if (tok_is(&t, "elif")) {
        n->u.ifn.els = parse_if(p, t.line);
        return n;
    }
    if (tok_is(&t, "else")) {
        n->u.ifn.els = parse_body(p);
        t = lex_next(p);
    }
    if (!tok_is(&t, "fi")) unexpected(p, t, "fi");
    return n;
}

static node_t *parse_loop(parser_t *p, node_kind_t kind, int line)
{
    node_t *n = node_new(p, kind, line);
    n->u.loop.cond = parse_body(p);
    expect_word(p, "do");
    n->u.loop.body = parse_body(p);
    expect_word(p, "done");
    return n;
}

static node_t *parse_for(parser_t *p, int line)
{
    node_t *n = node_new(p, NODE_FOR, line);
    token_t t = lex_next(p);
    if (t.kind != TK_WORD || !parse_is_name(t.text, strlen(t.text)))
        parse_fail(p, t.kind == TK_EOF, "bad for loop variable");
    n->u.forn.var = t.text;
    skip_newlines(p);
    if (peek_is(p, "in")) {
        lex_next(p);
        wvec_t words = {0};
        while (lex_peek(p).kind == TK_WORD)
            wvec_push(p, &words, lex_next(p).text);
        n->u.forn.words = wvec_freeze(&words);
        n->u.forn.has_in = true;
        t = lex_next(p);
        if (t.kind != TK_SEMI && t.kind != TK_NEWLINE) unexpected(p, t, "do");
    } else if (lex_peek(p).kind == TK_SEMI) {
        lex_next(p);
    }
    skip_newlines(p);
    expect_word(p, "do");
    n->u.forn.body = parse_body(p);
    expect_word(p, "done");
    return n;
}

static node_t *parse_case(parser_t *p, int line)
{
    node_t *n = node_new(p, NODE_CASE, line);
    token_t t = lex_next(p);
    if (t.kind != TK_WORD) unexpected(p, t, NULL);
    n->u.casen.word = t.text;
    skip_newlines(p);
    expect_word(p, "in");
    case_item_t **tail = &n->u.casen.items;
    for (;;) {
        skip_newlines(p);
        if (peek_is(p, "esac")) {
            lex_next(p);
            return n;
        }
        if (lex_peek(p).kind == TK_LPAREN) lex_next(p);
        case_item_t *item = arena_alloc(p->arena, sizeof *item);
        wvec_t pats = {0};
        for (;;) {
            t = lex_next(p);
            if (t.kind != TK_WORD) unexpected(p, t, NULL);
            wvec_push(p, &pats, t.text);
            if (lex_peek(p).kind != TK_PIPE) break;
            lex_next(p);
        }
        item->patterns = wvec_freeze(&pats);
        t = lex_next(p);
        if (t.kind != TK_RPAREN) unexpected(p, t, ")");
        item->body = parse_list(p);
        *tail = item;
        tail = &item->next;
        t = lex_next(p);
        if (tok_is(&t, "esac")) return n;
        if (t.kind != TK_DSEMI) unexpected(p, t, ";;");
    }
}

static node_t *parse_compound(parser_t *p)
{
    token_t t = lex_next(p);
    node_t *n;
    if (t.kind == TK_LPAREN) {
        n = node_new(p, NODE_SUBSHELL, t.line);
        n->u.sub.body = parse_body(p);
        token_t e = lex_next(p);
        if (e.kind != TK_RPAREN) unexpected(p, e, ")");
    } else if (tok_is(&t, "{")) {
        n = node_new(p, NODE_GROUP, t.line);
        n->u.sub.body = parse_body(p);
        expect_word(p, "}");
    } else if (tok_is(&t, "if")) {
        n = parse_if(p, t.line);
    } else if (tok_is(&t, "while")) {
        n = parse_loop(p, NODE_WHILE, t.line);
    } else if (tok_is(&t, "until")) {
        n = parse_loop(p, NODE_UNTIL, t.line);
    } else if (tok_is(&t, "for")) {
        n = parse_for(p, t.line);
    } else if (tok_is(&t, "case")) {
        n = parse_case(p, t.line);
    } else {
        unexpected(p, t, NULL);
    }
    parse_trailing_redirs(p, n);
    return n;
}

static bool starts_compound(const token_t *t)
{
    static const char *const words[] = {"{", "if", "while", "until", "for", "case"};
    if (t->kind == TK_LPAREN) return true;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tok_is(t, words[i])) return true;
    return false;
}

static node_t *parse_command(parser_t *p)
{
    token_t t = lex_peek(p);
    if (starts_compound(&t)) return parse_compound(p);
    static const char *const bad[] = {"then", "else", "elif", "fi", "do",
                                      "done", "esac", "}",    "in"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (tok_is(&t, bad[i])) unexpected(p, t, NULL);
    if (t.kind != TK_WORD) return parse_simple(p, (token_t){.kind = TK_EOF});
    lex_next(p);
    if (lex_peek(p).kind == TK_LPAREN && parse_is_name(t.text, strlen(t.text))) {
        lex_next(p);
        token_t r = lex_next(p);
        if (r.kind != TK_RPAREN) unexpected(p, r, ")");
        skip_newlines(p);
        token_t b = lex_peek(p);
        if (!starts_compound(&b)) unexpected(p, b, NULL);
        node_t *n = node_new(p, NODE_FUNC, t.line);
        n->u.func.name = t.text;
        n->u.func.arena = p->arena;
        n->u.func.body = parse_compound(p);
        return n;
    }
    return parse_simple(p, t);
}

static node_t *parse_pipeline(parser_t *p)
{
    bool bang = false;
    token_t t = lex_peek(p);
    if (tok_is(&t, "!")) {
        lex_next(p);
        bang = true;
    }
    node_t *first = parse_command(p);
    node_t *n = first;
    if (lex_peek(p).kind == TK_PIPE) {
        node_t *cmds[64];
        size_t nc = 0;
        cmds[nc++] = first;
        while (lex_peek(p).kind == TK_PIPE) {
            lex_next(p);
            skip_newlines(p);
            if (nc == sizeof cmds / sizeof cmds[0]) parse_fail(p, false, "pipeline too long");
            cmds[nc++] = parse_command(p);
        }
        n = node_new(p, NODE_PIPE, first->line);
        n->u.pipe.cmds = arena_alloc(p->arena, nc * sizeof *cmds);
        memcpy(n->u.pipe.cmds, cmds, nc * sizeof *cmds);
        n->u.pipe.n = nc;
    }
    return bang ? node_wrap(p, NODE_NOT, n) : n;
}

static node_t *parse_and_or(parser_t *p)
{
    node_t *n = parse_pipeline(p);
    for (;;) {
        token_t t = lex_peek(p);
        if (t.kind != TK_ANDAND && t.kind != TK_OROR) return n;
        lex_next(p);
        skip_newlines(p);
        n = node_bin(p, t.kind == TK_ANDAND ? NODE_AND : NODE_OR, n, parse_pipeline(p));
    }
}

static node_t *seq_append(parser_t *p, node_t *list, node_t *n)
{
    return list ? node_bin(p, NODE_SEQ, list, n) : n;
}

/* compound_list: and-or lists separated by ; & or newlines, up to a closing word. */
static node_t *parse_list(parser_t *p)
{
    node_t *list = NULL;
    skip_newlines(p);
    while (!at_list_end(p)) {
        node_t *n = parse_and_or(p);
        token_t t = lex_peek(p);
        if (t.kind == TK_AMP) {
            lex_next(p);
            n = node_wrap(p, NODE_BG, n);
        } else if (t.kind == TK_SEMI || t.kind == TK_NEWLINE) {
            lex_next(p);
        } else {
            list = seq_append(p, list, n);
            if (!at_list_end(p)) unexpected(p, lex_peek(p), NULL);
            break;
        }
        list = seq_append(p, list, n);
        skip_newlines(p);
    }
    return list;
}

void parse_nested_list(parser_t *p)
{
    parse_list(p);
}

/* One complete command: and-or lists up to a newline (or the end of the text). */
static node_t *parse_complete(parser_t *p)
{
    node_t *list = NULL;
    for (;;) {
        node_t *n = parse_and_or(p);
        token_t t = lex_peek(p);
        if (t.kind == TK_AMP) {
            lex_next(p);
            n = node_wrap(p, NODE_BG, n);
        } else if (t.kind == TK_SEMI) {
            lex_next(p);
        } else if (t.kind != TK_NEWLINE && t.kind != TK_EOF) {
            unexpected(p, t, NULL);
        }
        list = seq_append(p, list, n);
        t = lex_peek(p);
        if (t.kind == TK_NEWLINE) {
            lex_next(p);
            return list;
        }
        if (t.kind == TK_EOF) return list;
    }
}

parse_status_t parse_next(const char *src, size_t len, bool final, parse_out_t *out)
{
    jmp_buf jb;
    parse_status_t status = PARSE_OK;
    parser_t p = {
        .src = src,
        .len = len,
        .final = final,
        .line = 0,
        .arena = arena_new(),
        .jb = &jb,
        .status = &status,
        .err = out->err,
    };
    out->err[0] = '\0';
    out->node = NULL;
    out->arena = p.arena;
    out->consumed = 0;
    out->lines = 0;
    if (setjmp(jb)) return status;
    /* Blank lines and comments alone are not an incomplete command, even mid-input. */
    while (p.pos < p.len) {
        char c = src[p.pos];
        if (c == ' ' || c == '\t' || c == '\n') {
            p.line += c == '\n';
            p.pos++;
        } else if (c == '\\' && p.pos + 1 < len && src[p.pos + 1] == '\n') {
            p.line++;
            p.pos += 2;
        } else if (c == '#') {
            while (p.pos < p.len && src[p.pos] != '\n')
                p.pos++;
        } else {
            break;
        }
    }
    if (p.pos >= p.len) {
        out->consumed = p.len;
        out->lines = p.line;
        return PARSE_EOF;
    }
    out->node = parse_complete(&p);
    out->consumed = p.pos;
    out->lines = p.line;
    return PARSE_OK;
}
