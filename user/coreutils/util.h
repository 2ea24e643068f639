/*
 * util.h - the little every utility in user/coreutils shares: error messages in the
 * "prog: what: reason" form on standard error, and checked allocation.
 *
 * Entry points: util_prog, util_err, util_perror, util_xmalloc, util_xrealloc, util_flags,
 * util_join, util_base, util_to_target, util_each_file.
 */
#ifndef COREUTILS_UTIL_H
#define COREUTILS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

extern const char *util_prog; /* set by each program's main before anything else */

void util_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: what: strerror(errno)" */
void util_perror(const char *what);
void *util_xmalloc(size_t n);
void *util_xrealloc(void *p, size_t n);
/* Single-letter options, clustered or not ("-rf", "-r -f"), up to "--" or the first operand.
 * set[k] becomes true when letters[k] is given. Returns the index of the first operand, or -1
 * after "invalid option -- 'x'" on standard error (the caller exits 2). */
int util_flags(int argc, char **argv, const char *letters, bool *set);
/* The file operands argv[i..argc-1] ("-" is stdin; none: stdin alone), each opened and given to
 * fn with ctx, with a "==> name <==" header before each when there are several (head, tail).
 * An unopenable file is reported and skipped. Returns the OR of fn's results, 1 for a failure. */
int util_each_file(int argc, char **argv, int i, int (*fn)(FILE *f, void *ctx), void *ctx);
/* "dir/name", allocated */
char *util_join(const char *dir, const char *name);
/* the last component of a path (trailing slashes kept out of the count) */
const char *util_base(const char *p);
/* The operands of cp and mv, argv[i..argc-1] = "SRC... DEST": with several sources DEST must be
 * a directory; a source goes to DEST/basename(SRC) when DEST is a directory, else to DEST.
 * Calls act(src, target) for each; returns the OR of the results, or 1 after a message. */
int util_to_target(int argc, char **argv, int i, int (*act)(const char *src, const char *dst));

#endif
