/*
 * ast_dump.c - renders a command tree as an S-expression, e.g.
 *   (and (pipe (cmd a) (cmd b)) (cmd c (> 1 out)))
 * so parser tests can compare a whole tree with one string.
 *
 * Entry point: ast_dump.
 */
#include <stdlib.h>

#include "ast.h"
#include "strbuf.h"

static const char *const redir_ops[] = {
    [REDIR_IN] = "<",     [REDIR_OUT] = ">",    [REDIR_CLOBBER] = ">|", [REDIR_APPEND] = ">>",
    [REDIR_INOUT] = "<>", [REDIR_DUPIN] = "<&", [REDIR_DUPOUT] = ">&",  [REDIR_HEREDOC] = "<<",
};

static void dump(strbuf_t *b, const node_t *n);

static void dump_escaped(strbuf_t *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '\n')
            sb_puts(b, "\\n");
        else if (*s == '\t')
            sb_puts(b, "\\t");
        else if (*s == '"' || *s == '\\')
            sb_printf(b, "\\%c", *s);
        else
            sb_putc(b, *s);
    }
    sb_putc(b, '"');
}

static void dump_redirs(strbuf_t *b, const redir_t *r)
{
    for (; r; r = r->next) {
        const char *op = redir_ops[r->kind];
        if (r->kind == REDIR_HEREDOC && r->strip_tabs) op = "<<-";
        sb_printf(b, " (%s %d %s", op, r->fd, r->word);
        if (r->kind == REDIR_HEREDOC) {
            sb_puts(b, r->quoted ? " quoted " : " ");
            dump_escaped(b, r->body ? r->body : "");
        }
        sb_putc(b, ')');
    }
}

static void dump_words(strbuf_t *b, const words_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        sb_printf(b, " %s", w->v[i]);
}

static void dump_child(strbuf_t *b, const node_t *n)
{
    sb_putc(b, ' ');
    if (n)
        dump(b, n);
    else
        sb_putc(b, '-');
}

static void dump(strbuf_t *b, const node_t *n)
{
    static const char *const names[] = {
        [NODE_CMD] = "cmd", [NODE_PIPE] = "pipe",    [NODE_AND] = "and",
        [NODE_OR] = "or",   [NODE_SEQ] = "seq",      [NODE_BG] = "bg",
        [NODE_NOT] = "not", [NODE_SUBSHELL] = "sub", [NODE_GROUP] = "group",
        [NODE_IF] = "if",   [NODE_WHILE] = "while",  [NODE_UNTIL] = "until",
        [NODE_FOR] = "for", [NODE_CASE] = "case",    [NODE_FUNC] = "func",
    };
    sb_printf(b, "(%s", names[n->kind]);
    switch (n->kind) {
    case NODE_CMD:
        dump_words(b, &n->u.cmd.assigns);
        dump_words(b, &n->u.cmd.words);
        break;
    case NODE_PIPE:
        for (size_t i = 0; i < n->u.pipe.n; i++)
            dump_child(b, n->u.pipe.cmds[i]);
        break;
    case NODE_AND:
    case NODE_OR:
    case NODE_SEQ:
        dump_child(b, n->u.bin.left);
        dump_child(b, n->u.bin.right);
        break;
    case NODE_BG:
    case NODE_NOT:
    case NODE_SUBSHELL:
    case NODE_GROUP:
        dump_child(b, n->u.sub.body);
        break;
    case NODE_IF:
        dump_child(b, n->u.ifn.cond);
        dump_child(b, n->u.ifn.then);
        if (n->u.ifn.els) dump_child(b, n->u.ifn.els);
        break;
    case NODE_WHILE:
    case NODE_UNTIL:
        dump_child(b, n->u.loop.cond);
        dump_child(b, n->u.loop.body);
        break;
    case NODE_FOR:
        sb_printf(b, " %s", n->u.forn.var);
        if (n->u.forn.has_in) {
            sb_puts(b, " (in");
            dump_words(b, &n->u.forn.words);
            sb_putc(b, ')');
        }
        dump_child(b, n->u.forn.body);
        break;
    case NODE_CASE:
        sb_printf(b, " %s", n->u.casen.word);
        for (const case_item_t *it = n->u.casen.items; it; it = it->next) {
            sb_puts(b, " ((");
            for (size_t i = 0; i < it->patterns.n; i++)
                sb_printf(b, "%s%s", i ? " " : "", it->patterns.v[i]);
            sb_putc(b, ')');
            dump_child(b, it->body);
            sb_putc(b, ')');
        }
        break;
    case NODE_FUNC:
        sb_printf(b, " %s", n->u.func.name);
        dump_child(b, n->u.func.body);
        break;
    }
    dump_redirs(b, n->redirs);
    sb_putc(b, ')');
}

char *ast_dump(const node_t *n)
{
    strbuf_t b = {0};
    if (n) dump(&b, n);
    return sb_take(&b);
}
