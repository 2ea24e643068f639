/*
 * arith.h - shell arithmetic $(( )): signed long C-like expressions with variables,
 * assignment operators, ?:, logical and bitwise operators. Pure: variables are read
 * and written through callbacks.
 *
 * Entry point: arith_eval.
 */
#ifndef SH_ARITH_H
#define SH_ARITH_H

#include <stddef.h>

typedef struct {
    void *ud;
    const char *(*getvar)(void *ud, const char *name);            /* NULL if unset */
    int (*setvar)(void *ud, const char *name, const char *value); /* 0 on success */
} arith_host_t;

/* Returns 0 and sets *result, or -1 with a message in err. */
int arith_eval(const char *expr, const arith_host_t *h, long *result, char *err, size_t errlen);

#endif
