/* stdlib.h of the native servers' libc: memory allocation only (libsys/rt/rt.c). */
#ifndef LIBSYS_STDLIB_H
#define LIBSYS_STDLIB_H
#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void free(void *p);

#endif
