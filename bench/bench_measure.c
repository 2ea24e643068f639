/* The batch runner: warm-up, BENCH_BATCHES timed batches, median per operation, and the
 * line-oriented output the harness (bench/run.py) reads from the serial log.
 *
 * Entry points: bench_measure_run, bench_measure_print, bench_measure_median.
 */
#include "bench_measure.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

/* Our OS's kernel counters from /proc/kstat, "name value" lines: kernel entries, IPC messages,
 * address-space switches, then the memory layer's (page tables shared at fork and unshared,
 * copy-on-write copies and reuses, zero fills). False where there is no such file (Linux). */
#define KSTAT_N 8
static const char *const kstat_names[KSTAT_N] = {
    "kernel_entries", "ipc_messages", "as_switches", "pt_shared",
    "pt_unshared",    "cow_copied",   "cow_reused",  "zero_fill"};
#define KSTAT_ALWAYS 3 /* printed for every figure; the others only where they moved */

static bool kstat_read(uint64_t c[KSTAT_N])
{
    int fd = open("/proc/kstat", O_RDONLY);
    if (fd < 0)
        return false;
    char buf[512];
    ssize_t r = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (r <= 0)
        return false;
    buf[r] = '\0';
    int found = 0;
    for (int i = 0; i < KSTAT_N; i++) {
        c[i] = 0;
        const char *p = strstr(buf, kstat_names[i]);
        unsigned long long v;
        if (p && sscanf(p + strlen(kstat_names[i]), " %llu", &v) == 1) {
            c[i] = v;
            found++;
        }
    }
    return found >= KSTAT_ALWAYS;
}

/* What one kstat_read itself adds to the counters (measured once): subtracted from a figure. */
static bool kstat_cost(uint64_t cost[KSTAT_N])
{
    static bool done, ok;
    static uint64_t saved[KSTAT_N];
    if (!done) {
        uint64_t a[KSTAT_N], b[KSTAT_N];
        done = true;
        ok = kstat_read(a) && kstat_read(b);
        for (int i = 0; ok && i < KSTAT_N; i++)
            saved[i] = b[i] - a[i];
    }
    for (int i = 0; i < KSTAT_N; i++)
        cost[i] = saved[i];
    return ok;
}

int bench_measure_run(const char *name, bench_op_fn op, void *ctx, unsigned long n)
{
    uint64_t k0[KSTAT_N], k1[KSTAT_N], kcost[KSTAT_N];
    bool counters = kstat_cost(kcost);
    double per_op[BENCH_BATCHES];
    int err;

    /* The warm-up fills caches, TLBs and (on Linux) the page cache and slab caches, and
     * faults in our own code and stack, so the first timed batch is not an outlier. */
    err = op(ctx, n);
    if (err != 0) {
        bench_measure_print("BENCH_FAIL %s %s", name, strerror(err));
        return err;
    }
    counters = counters && kstat_read(k0); /* after the warm-up: the timed batches only */
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
    if (counters && kstat_read(k1)) {
        double ops = (double)BENCH_BATCHES * (double)n;
        for (int i = 0; i < KSTAT_N; i++) {
            uint64_t d = k1[i] - k0[i];
            d = d > kcost[i] ? d - kcost[i] : 0;
            /* %g: a rare event (0.00125 per operation) must not print as 0.00 */
            if (i < KSTAT_ALWAYS || d)
                bench_measure_print("BENCH %s_%s %.4g per-op", name, kstat_names[i],
                                    (double)d / ops);
        }
    }
    double median = bench_measure_median(per_op, BENCH_BATCHES);
    bench_measure_print("BENCH %s %.0f instr", name, median);
    bench_measure_print("BENCH_RANGE %s %.0f %.0f %lu", name, per_op[0], per_op[BENCH_BATCHES - 1],
                        n);
    return 0;
}
