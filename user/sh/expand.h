/*
 * expand.h - word expansion (POSIX XCU 2.6): tilde, parameter, command substitution,
 * arithmetic, field splitting, pathname expansion and quote removal. Pure apart from
 * pathname expansion (glob(3)): variables, positional parameters and command
 * substitution are reached through the callbacks in exp_host_t, so the expander is
 * tested on the host with a fake shell (tests/host/sh/).
 *
 * Entry points: expand_words, expand_str, expand_pattern, expand_heredoc,
 * expand_pattern_match.
 */
#ifndef SH_EXPAND_H
#define SH_EXPAND_H

#include <stdbool.h>

#include "strbuf.h"

typedef struct {
    void *ud;
    /* Value of a variable or special parameter ("?", "$", "!", "#", "-", "0", "1", ...);
     * NULL if unset. The string must stay valid until the next call. */
    const char *(*getvar)(void *ud, const char *name);
    /* 0 on success; on failure the callback has already reported the error. */
    int (*setvar)(void *ud, const char *name, const char *value);
    /* Positional parameters $1..$n, for $@ and $*. */
    char **(*params)(void *ud, int *n);
    /* Runs cmd in a subshell; returns its standard output (malloc'd), NULL on failure. */
    char *(*cmdsubst)(void *ud, const char *cmd);
    /* Reports an expansion error (message without the "sh: " prefix). */
    void (*error)(void *ud, const char *msg);
    bool nounset; /* set -u */
    bool noglob;  /* set -f */
} exp_host_t;

/* Full expansion of command words into fields appended to out. Returns 0, or -1 on error. */
int expand_words(const exp_host_t *h, const char *const *words, size_t n, strvec_t *out);

enum {
    EXPAND_ASSIGN = 1, /* assignment value: tilde expansion also after ":" */
};

/* One word to one string, without field splitting or pathname expansion (assignment
 * values, redirection targets, case subjects). malloc'd, or NULL on error. */
char *expand_str(const exp_host_t *h, const char *word, int flags);

/* A case pattern: as expand_str, but quoted characters come out backslash-escaped
 * so fnmatch(3) takes them literally. */
char *expand_pattern(const exp_host_t *h, const char *word);

/* Body of a here-document with an unquoted delimiter: $, ` and \ are active,
 * quotes are not. */
char *expand_heredoc(const exp_host_t *h, const char *body);

/* Does string match the pattern as produced by expand_pattern? */
bool expand_pattern_match(const char *pattern, const char *string);

#endif
