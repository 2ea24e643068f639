/* kcore_per_op_text: count/calls as decimal text for kbench's `BENCH <name> <value> per-op` lines.
 * A header of its own, with no libc, so bench/test_bench_report.py can compile it on the host and
 * check that what kcoretest writes is what the harness's checker accepts. */
#ifndef KCORE_PEROP_H
#define KCORE_PEROP_H
#include <stdint.h>

#define KCORE_PER_OP_TEXT 32

/* libsys's printf has no %g, and two fixed decimals print a rare event (5 in 4000 calls) as
 * "0.00", which the report takes for "never". So: at or above 1 (or exactly 0), two decimals
 * (three significant digits or more); below 1, long division until three significant digits
 * (truncated, not rounded). buf holds KCORE_PER_OP_TEXT bytes. */
static inline void kcore_per_op_text(char *buf, uint64_t count, uint64_t calls)
{
    char *p = buf, tmp[24];
    uint64_t c = calls ? calls : 1;
    uint64_t whole = count / c;
    int n = 0;
    do {
        tmp[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (n)
        *p++ = tmp[--n];
    *p++ = '.';
    uint64_t rem = count % c;
    int digits = 0, sig = count >= c ? 1 : 0;
    /* at least two decimals; below 1, on until three significant digits (bounded by the buffer) */
    while ((digits < 2 || (count < c && count && sig < 3)) && p < buf + KCORE_PER_OP_TEXT - 1) {
        rem *= 10; /* rem < calls: no overflow for any real call count */
        uint64_t d = rem / c;
        rem %= c;
        *p++ = (char)('0' + d);
        digits++;
        if (d || sig)
            sig++;
    }
    *p = 0;
}

#endif
