/* The batch runner: warm-up, BENCH_BATCHES timed batches, median per operation, and the
 * line-oriented output the harness (bench/run.py) reads from the serial log.
 *
 * Entry points: bench_measure_run, bench_measure_print, bench_measure_median.
 */
#include "bench_measure.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_clock.h"

void bench_measure_print(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if ((size_t)len > sizeof(line) - 2) len = sizeof(line) - 2;
    line[len++] = '\n';
    /* One write per line keeps lines whole on a serial console shared with kernel messages. */
    for (const char *p = line; len > 0;) {
        ssize_t done = write(1, p, (size_t)len);
        if (done <= 0) return;
        p += done;
        len -= (int)done;
    }
}

double bench_measure_median(double *values, size_t count)
{
    /* Insertion sort: seven values. */
    for (size_t i = 1; i < count; i++) {
        double v = values[i];
        size_t j = i;
        for (; j > 0 && values[j - 1] > v; j--)
            values[j] = values[j - 1];
        values[j] = v;
    }
    return values[count / 2];
}

int bench_measure_run(const char *name, bench_op_fn op, void *ctx, unsigned long n)
{
    double per_op[BENCH_BATCHES];
    int err;

    /* The warm-up fills caches, TLBs and (on Linux) the page cache and slab caches, and
     * faults in our own code and stack, so the first timed batch is not an outlier. */
    err = op(ctx, n);
    if (err != 0) {
        bench_measure_print("BENCH_FAIL %s %s", name, strerror(err));
        return err;
    }
    for (int b = 0; b < BENCH_BATCHES; b++) {
        uint64_t t0 = bench_clock_read();
        err = op(ctx, n);
        uint64_t t1 = bench_clock_read();
        if (err != 0) {
            bench_measure_print("BENCH_FAIL %s %s", name, strerror(err));
            return err;
        }
        per_op[b] = (double)(t1 - t0) / (double)n;
    }
    double median = bench_measure_median(per_op, BENCH_BATCHES);
    bench_measure_print("BENCH %s %.0f instr", name, median);
    bench_measure_print("BENCH_RANGE %s %.0f %.0f %lu", name, per_op[0], per_op[BENCH_BATCHES - 1],
                        n);
    return 0;
}
