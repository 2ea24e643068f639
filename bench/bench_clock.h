/* The benchmark's clock: the guest TSC, which under QEMU's `-icount shift=0` counts guest
 * instructions (one tick per instruction, idle time warped over with sleep=off).
 *
 * Entry points:
 *   bench_clock_read()      serialised rdtsc
 *   bench_clock_at_entry()  the TSC taken by the program's very first instruction (bench_entry),
 *                           or 0 when the binary was linked without `-e bench_entry`
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdint.h>

uint64_t bench_clock_read(void);
uint64_t bench_clock_at_entry(void);

#endif
