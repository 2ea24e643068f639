/*
 * strbuf.h - growable byte strings and string vectors used throughout the shell, and
 * allocation helpers that abort instead of returning NULL.
 *
 * Entry points: sb_putc, sb_putn, sb_puts, sb_printf, sb_take, sb_free, sb_reset,
 * sv_push, sv_free, xmalloc, xrealloc, xstrdup, xstrndup.
 */
#ifndef SH_STRBUF_H
#define SH_STRBUF_H

#include <stddef.h>

typedef struct {
    char *s; /* always NUL-terminated once anything was added */
    size_t len, cap;
} strbuf_t;

void sb_putc(strbuf_t *b, char c);
void sb_putn(strbuf_t *b, const char *s, size_t n);
void sb_puts(strbuf_t *b, const char *s);
void sb_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf_t *b); /* returns the malloc'd string ("" if empty) and resets b */
void sb_reset(strbuf_t *b); /* empties b, keeping its storage */
void sb_free(strbuf_t *b);

/* NULL-terminated vector of malloc'd strings (v[n] == NULL once anything was pushed). */
typedef struct {
    char **v;
    size_t n, cap;
} strvec_t;

void sv_push(strvec_t *sv, char *s); /* takes ownership of s */
void sv_free(strvec_t *sv);          /* frees the strings and the vector */

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
