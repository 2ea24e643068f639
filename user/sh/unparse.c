/*
 * unparse.c - turns a command tree back into shell text that parses to the same
 * tree. This is how a subshell's commands and the functions it may call reach the
 * spawned shell (see subshell.c). Lists are separated by newlines, which are valid in
 * every list context and give here-document bodies a place to go: bodies are written
 * after the next newline, under fresh delimiters that cannot occur in them.
 *
 * Entry points: unparse, unparse_func.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

typedef struct {
    strbuf_t b;
    const redir_t *pending[32];
    int npending;
    int ndelim;
} up_t;

static void up_node(up_t *u, const node_t *n);

static void delim_for(const redir_t *r, int k, char *buf, size_t len)
{
    /* Pick a delimiter that is not a line of the body. */
    for (;; k += 1000) {
        snprintf(buf, len, "SH_EOF_%d", k);
        size_t dl = strlen(buf);
        const char *s = r->body;
        bool clash = false;
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t ll = nl ? (size_t)(nl - s) : strlen(s);
            if (ll == dl && memcmp(s, buf, dl) == 0) clash = true;
            s += ll + (nl != NULL);
        }
        if (!clash) return;
    }
}

static void newline(up_t *u)
{
    sb_putc(&u->b, '\n');
    for (int i = 0; i < u->npending; i++) {
        const redir_t *r = u->pending[i];
        char d[32];
        delim_for(r, u->ndelim - u->npending + i, d, sizeof d);
        sb_puts(&u->b, r->body);
        sb_printf(&u->b, "%s\n", d);
    }
    u->npending = 0;
}

static void up_redirs(up_t *u, const redir_t *r)
{
    static const char *const ops[] = {
        [REDIR_IN] = "<",     [REDIR_OUT] = ">",    [REDIR_CLOBBER] = ">|", [REDIR_APPEND] = ">>",
        [REDIR_INOUT] = "<>", [REDIR_DUPIN] = "<&", [REDIR_DUPOUT] = ">&",  [REDIR_HEREDOC] = "<<",
    };
    for (; r; r = r->next) {
        sb_printf(&u->b, " %d%s", r->fd, ops[r->kind]);
        if (r->kind == REDIR_HEREDOC) {
            char d[32];
            delim_for(r, u->ndelim++, d, sizeof d);
            sb_printf(&u->b, r->quoted ? "'%s'" : "%s", d);
            if (u->npending < 32) u->pending[u->npending++] = r;
        } else {
            sb_puts(&u->b, r->word);
        }
    }
}

static void up_words(up_t *u, const words_t *w, bool *first)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!*first) sb_putc(&u->b, ' ');
        sb_puts(&u->b, w->v[i]);
        *first = false;
    }
}

static void up_list(up_t *u, const node_t *n)
{
    up_node(u, n);
    newline(u);
}

static void up_node(up_t *u, const node_t *n)
{
    bool first = true;
    switch (n->kind) {
    case NODE_CMD:
        up_words(u, &n->u.cmd.assigns, &first);
        up_words(u, &n->u.cmd.words, &first);
        up_redirs(u, n->redirs);
        return;
    case NODE_PIPE:
        for (size_t i = 0; i < n->u.pipe.n; i++) {
            if (i) sb_puts(&u->b, " | ");
            up_node(u, n->u.pipe.cmds[i]);
        }
        return;
    case NODE_AND:
    case NODE_OR:
        up_node(u, n->u.bin.left);
        sb_puts(&u->b, n->kind == NODE_AND ? " && " : " || ");
        up_node(u, n->u.bin.right);
        return;
    case NODE_SEQ:
        up_node(u, n->u.bin.left);
        newline(u);
        up_node(u, n->u.bin.right);
        return;
    case NODE_BG:
        up_node(u, n->u.sub.body);
        sb_puts(&u->b, " &");
        return;
    case NODE_NOT:
        sb_puts(&u->b, "! ");
        up_node(u, n->u.sub.body);
        return;
    case NODE_SUBSHELL:
        sb_puts(&u->b, "( ");
        up_list(u, n->u.sub.body);
        sb_putc(&u->b, ')');
        break;
    case NODE_GROUP:
        sb_puts(&u->b, "{ ");
        up_list(u, n->u.sub.body);
        sb_putc(&u->b, '}');
        break;
    case NODE_IF:
        sb_puts(&u->b, "if ");
        up_list(u, n->u.ifn.cond);
        sb_puts(&u->b, "then ");
        up_list(u, n->u.ifn.then);
        if (n->u.ifn.els) {
            sb_puts(&u->b, "else ");
            up_list(u, n->u.ifn.els);
        }
        sb_puts(&u->b, "fi");
        break;
    case NODE_WHILE:
    case NODE_UNTIL:
        sb_puts(&u->b, n->kind == NODE_WHILE ? "while " : "until ");
        up_list(u, n->u.loop.cond);
        sb_puts(&u->b, "do ");
        up_list(u, n->u.loop.body);
        sb_puts(&u->b, "done");
        break;
    case NODE_FOR:
        sb_printf(&u->b, "for %s", n->u.forn.var);
        if (n->u.forn.has_in) {
            sb_puts(&u->b, " in");
            for (size_t i = 0; i < n->u.forn.words.n; i++)
                sb_printf(&u->b, " %s", n->u.forn.words.v[i]);
        }
        newline(u);
        sb_puts(&u->b, "do ");
        up_list(u, n->u.forn.body);
        sb_puts(&u->b, "done");
        break;
    case NODE_CASE:
        sb_printf(&u->b, "case %s in", n->u.casen.word);
        newline(u);
        for (const case_item_t *it = n->u.casen.items; it; it = it->next) {
            sb_putc(&u->b, '(');
            for (size_t i = 0; i < it->patterns.n; i++)
                sb_printf(&u->b, "%s%s", i ? " | " : "", it->patterns.v[i]);
            sb_puts(&u->b, ") ");
            if (it->body) up_list(u, it->body);
            sb_puts(&u->b, ";;");
            newline(u);
        }
        sb_puts(&u->b, "esac");
        break;
    case NODE_FUNC:
        sb_printf(&u->b, "%s() ", n->u.func.name);
        up_node(u, n->u.func.body);
        return;
    }
    up_redirs(u, n->redirs);
}

char *unparse(const node_t *n)
{
    up_t u = {0};
    if (n) up_node(&u, n);
    if (u.npending) newline(&u);
    return sb_take(&u.b);
}

char *unparse_func(const char *name, const node_t *body)
{
    up_t u = {0};
    sb_printf(&u.b, "%s() ", name);
    up_node(&u, body);
    newline(&u);
    return sb_take(&u.b);
}
