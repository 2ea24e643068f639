/*
 * strbuf.h - growable byte string used by the parser, expander and executor.
 *
 * Entry points: sb_putc, sb_putn, sb_puts, sb_printf, sb_take, sb_free, sb_reset.
 */
#ifndef SH_STRBUF_H
#define SH_STRBUF_H

#include <stddef.h>

typedef struct {
    char *s;      /* always NUL-terminated once anything was added */
    size_t len, cap;
} strbuf_t;

void sb_putc(strbuf_t *b, char c);
void sb_putn(strbuf_t *b, const char *s, size_t n);
void sb_puts(strbuf_t *b, const char *s);
void sb_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf_t *b);   /* returns the malloc'd string ("" if empty) and resets b */
void sb_reset(strbuf_t *b);   /* empties b, keeping its storage */
void sb_free(strbuf_t *b);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
