/*
 * ast.h - the command tree produced by the parser and walked by the executor.
 *
 * Words are kept as their raw source text (quotes, $ and backquotes intact, line
 * continuations removed): the expander interprets them at run time, and the
 * unparser can reproduce the command text exactly for a spawned subshell.
 * Every node, redirection and string of one tree lives in one arena (arena.h).
 *
 * Entry points: ast_dump (ast_dump.c), unparse (unparse.c).
 */
#ifndef SH_AST_H
#define SH_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef enum {
    NODE_CMD,      /* simple command: assignments, words, redirections */
    NODE_PIPE,     /* a | b | c */
    NODE_AND,      /* a && b */
    NODE_OR,       /* a || b */
    NODE_SEQ,      /* a ; b  (also newline-separated lists) */
    NODE_BG,       /* a &    (body run asynchronously) */
    NODE_NOT,      /* ! pipeline */
    NODE_SUBSHELL, /* ( list ) */
    NODE_GROUP,    /* { list; } */
    NODE_IF,       /* if cond; then a; else b; fi  (elif = NODE_IF in els) */
    NODE_WHILE,
    NODE_UNTIL,
    NODE_FOR,
    NODE_CASE,
    NODE_FUNC, /* name() compound-command */
} node_kind_t;

typedef enum {
    REDIR_IN,      /* <   */
    REDIR_OUT,     /* >   */
    REDIR_CLOBBER, /* >|  */
    REDIR_APPEND,  /* >>  */
    REDIR_INOUT,   /* <>  */
    REDIR_DUPIN,   /* <&  */
    REDIR_DUPOUT,  /* >&  */
    REDIR_HEREDOC, /* << and <<- */
} redir_kind_t;

typedef struct redir {
    redir_kind_t kind;
    int fd;           /* the descriptor being redirected */
    const char *word; /* raw target word; for here-documents the delimiter as written */
    const char *body; /* here-document body (tabs already stripped for <<-) */
    bool strip_tabs;  /* <<- */
    bool quoted;      /* here-document delimiter was quoted: body is literal */
    struct redir *next;
} redir_t;

typedef struct {
    const char **v;
    size_t n;
} words_t;

typedef struct case_item {
    words_t patterns;
    struct node *body; /* NULL for an empty item */
    struct case_item *next;
} case_item_t;

typedef struct node {
    node_kind_t kind;
    int line;
    redir_t *redirs; /* simple and compound commands */
    union {
        struct {
            words_t assigns, words;
        } cmd;
        struct {
            struct node **cmds;
            size_t n;
        } pipe;
        struct {
            struct node *left, *right;
        } bin; /* AND OR SEQ */
        struct {
            struct node *body;
        } sub; /* BG NOT SUBSHELL GROUP */
        struct {
            struct node *cond, *then, *els;
        } ifn;
        struct {
            struct node *cond, *body;
        } loop; /* WHILE UNTIL */
        struct {
            const char *var;
            words_t words;
            bool has_in;
            struct node *body;
        } forn;
        struct {
            const char *word;
            case_item_t *items;
        } casen;
        struct {
            const char *name;
            struct node *body;
            arena_t *arena;
        } func;
    } u;
} node_t;

/* S-expression rendering of a tree, for tests and debugging; malloc'd. */
char *ast_dump(const node_t *n);

#endif
