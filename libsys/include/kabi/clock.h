/* The clock page: one read-only page of clock parameters the kernel publishes as a memory object,
 * so that a program can read the clocks without entering the kernel (the vDSO, libsys/vdso).
 * Root servers hold it as ROOT_H_CLOCK (rights KR_READ: map it read-only or private); procmgr
 * maps it into every process. The kernel's own clock (kernel call `clock`, timers) uses the same
 * conversion, kclock_tsc_to_ns, so a reading through the page and one through the kernel agree to
 * the nanosecond and never go backwards between them.
 *
 * Reading: take seq; if odd, the kernel is changing the page: try again; read the fields; if seq
 * changed meanwhile, try again (kclock_read below). */
#ifndef KABI_CLOCK_H
#define KABI_CLOCK_H
#include <stdint.h>

#define KCLOCK_VERSION 1

struct kclock_page {
    volatile uint32_t seq;   /* even: stable; odd: being changed */
    uint32_t version;        /* KCLOCK_VERSION */
    uint64_t tsc_hz;         /* TSC ticks per second: the scale (ns = ticks * 10^9 / tsc_hz) */
    uint64_t tsc_boot;       /* the TSC at monotonic time 0 */
    uint64_t realtime_ns;    /* the wall clock (ns since 1970) at monotonic time 0 */
    uint64_t flags;          /* KCLOCK_TSC_USER: user code may execute rdtsc */
    uint64_t realtime_sec;   /* realtime_ns split: seconds */
    uint64_t realtime_nsec;  /* ... and the nanoseconds under a second */
};
#define KCLOCK_TSC_USER 0x1

/* TSC ticks to ns, exactly (split so that ticks * 10^9 cannot overflow): whole seconds and the
 * nanoseconds of the rest, which a reader wanting a timespec takes as they are. */
static inline uint64_t kclock_tsc_to_ns(uint64_t ticks, uint64_t hz)
{
    return (ticks / hz) * 1000000000ull + (ticks % hz) * 1000000000ull / hz;
}

/* A consistent copy of the parameters the clocks need. */
static inline void kclock_read(const struct kclock_page *p, uint64_t *hz, uint64_t *boot,
                               uint64_t *real)
{
    uint32_t s;
    do {
        s = p->seq;
        __asm__ volatile("" ::: "memory");
        *hz = p->tsc_hz;
        *boot = p->tsc_boot;
        *real = p->realtime_ns;
        __asm__ volatile("" ::: "memory");
    } while ((s & 1) || s != p->seq);
}

#endif
