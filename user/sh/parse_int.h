/*
 * parse_int.h - state shared by the lexer (lex.c) and the grammar (parse.c).
 * Not used outside the parser.
 */
#ifndef SH_PARSE_INT_H
#define SH_PARSE_INT_H

#include <setjmp.h>

#include "parse.h"
#include "strbuf.h"

typedef enum {
    TK_WORD,
    TK_IONUM,
    TK_NEWLINE,
    TK_EOF,
    TK_AMP,
    TK_ANDAND,
    TK_PIPE,
    TK_OROR,
    TK_SEMI,
    TK_DSEMI,
    TK_LPAREN,
    TK_RPAREN,
    TK_LESS,
    TK_GREAT,
    TK_DLESS,
    TK_DLESSDASH,
    TK_DGREAT,
    TK_LESSAND,
    TK_GREATAND,
    TK_LESSGREAT,
    TK_CLOBBER,
} tok_kind_t;

typedef struct {
    tok_kind_t kind;
    const char *text; /* TK_WORD, TK_IONUM: raw word in the arena */
    int line;
} token_t;

typedef struct pending_hd {
    redir_t *r;
    struct pending_hd *next;
} pending_hd_t;

typedef struct parser {
    const char *src;
    size_t len, pos;
    bool final;
    int line;
    arena_t *arena;
    jmp_buf *jb;            /* parse_fail jumps here; shared with nested $( ) parsers */
    parse_status_t *status; /* where parse_fail records INCOMPLETE or ERROR */
    char *err;              /* 160-byte message buffer */
    token_t peek;
    bool have_peek;
    pending_hd_t *pending; /* here-documents whose bodies start after the next newline */
    int depth;             /* nesting of $( ) */
} parser_t;

_Noreturn void parse_fail(parser_t *p, bool at_eof, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
token_t lex_peek(parser_t *p);
token_t lex_next(parser_t *p);
void lex_add_heredoc(parser_t *p, redir_t *r);
const char *lex_tok_name(const token_t *t);
/* Parses a compound list up to ")" on behalf of the lexer ($( ) substitutions). */
void parse_nested_list(parser_t *p);

#endif
