/* stdio.h of the freestanding libc: formatting only (there are no FILE streams in servers). */
#ifndef LIBSYS_STDIO_H
#define LIBSYS_STDIO_H
#include <stdarg.h>
#include <stddef.h>

/* The formatter behind every printf-like function: calls out(c, ctx) per character.
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-' '0' and width/precision (incl. '*'),
 * and length modifiers hh h l ll z t j. Returns the number of characters produced. */
int fmt_vformat(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
