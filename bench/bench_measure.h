/* Runs one figure (warm-up, then the median of BENCH_BATCHES batches) and prints the result
 * lines the harness parses:
 *   BENCH <name> <value> <unit>        value per operation, median of the batches
 *   BENCH_RANGE <name> <min> <max> <n> the fastest and slowest batch per operation; n per batch
 *   BENCH_FAIL <name> <reason>         the operation failed; no figure
 *
 * Entry points: bench_measure_run, bench_measure_print, bench_measure_median.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stddef.h>

#define BENCH_BATCHES 7

/* One batch: perform the operation n times; 0 on success, else a positive errno. */
typedef int (*bench_op_fn)(void *ctx, unsigned long n);

/* Warm-up batch, then BENCH_BATCHES timed batches of n operations; prints the lines above.
 * Returns 0 when the figure was printed, else the failing errno. */
int bench_measure_run(const char *name, bench_op_fn op, void *ctx, unsigned long n);

/* Writes one formatted line to standard output, unbuffered (nothing is left in a stdio buffer
 * for a child to inherit, and no TIOCGWINSZ probe from musl's stdio). */
void bench_measure_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Median of count values (count odd); sorts the array in place. */
double bench_measure_median(double *values, size_t count);

#endif
