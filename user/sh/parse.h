/*
 * parse.h - shell grammar: source text in, command trees out. Pure (no I/O), so it
 * is unit-tested on the host (tests/host/sh/).
 *
 * parse_next parses exactly one complete command (a list ended by a newline or the
 * end of the input) and says how much of the text it used, so callers can feed the
 * shell line by line: PARSE_INCOMPLETE means "give me more text and call again".
 *
 * Entry points: parse_next, parse_skip_quoted, parse_is_name, parse_assign_len.
 */
#ifndef SH_PARSE_H
#define SH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

typedef enum {
    PARSE_OK,         /* out->node is one complete command */
    PARSE_EOF,        /* nothing but blank lines and comments */
    PARSE_INCOMPLETE, /* the text ends inside a construct and final was false */
    PARSE_ERROR,      /* syntax error, message in out->err */
} parse_status_t;

typedef struct {
    node_t *node;
    arena_t *arena;  /* owns node; the caller must arena_unref it (also set on EOF) */
    size_t consumed; /* bytes used, including the ending newline and here-doc bodies */
    int lines;       /* newlines among them */
    char err[160];
} parse_out_t;

/* final: no more text will follow (end of a -c string or of a file). */
parse_status_t parse_next(const char *src, size_t len, bool final, parse_out_t *out);

/*
 * s[pos] is a quote, backquote or "$": returns the index just after the quoted string
 * or the $ construct that starts there ($name, ${ }, $( ), $(( ))), or (size_t)-1 if
 * it is unterminated. Used by the expander to walk raw words with the lexer's rules.
 */
size_t parse_skip_quoted(const char *s, size_t len, size_t pos);

bool parse_is_name(const char *s, size_t n);
/* Length of NAME in "NAME=value", 0 if word is not an assignment. */
size_t parse_assign_len(const char *word);

#endif
