/* The vDSO: clock_gettime, gettimeofday, time and getcpu without entering the kernel, for
 * unmodified Linux programs (musl and glibc look these symbols up by name and version in the
 * image AT_SYSINFO_EHDR points at). procmgr maps this image into every process with the kernel's
 * clock page (kabi/clock.h) in the page just below it, and the clocks are computed from the TSC
 * exactly as the kernel computes its own (kclock_tsc_to_ns), so a reading here and one through
 * a syscall agree and never go backwards between them.
 *
 * Served here as Linux's vDSO serves them: CLOCK_REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME
 * (= MONOTONIC: nothing suspends), TAI (= REALTIME) and the two _COARSE clocks; any other clock
 * (the CPU-time clocks) is the clock_gettime syscall, made from here.
 *
 * Built freestanding as a position-independent shared object with no relocations
 * (libsys/vdso/CMakeLists.txt); everything but the exported functions is hidden.
 * Entry points: __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time, __vdso_getcpu,
 * __vdso_clock_getres (and the plain names as weak aliases, as Linux's). */
#include <stdint.h>
#include "kabi/clock.h"

#define NSEC 1000000000ull
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define COARSE_NS 4000000   /* procmgr's resolution of the _COARSE clocks (HZ=250's jiffy) */

struct vts { int64_t sec, nsec; };
struct vtv { int64_t sec, usec; };
struct vtz { int minuteswest, dsttime; };

/* The clock page is the page before the image's own ELF header (the linker's __ehdr_start),
 * found relative to the code wherever procmgr put the image. */
static inline const struct kclock_page *clock_page(void)
{
    uintptr_t ehdr;
    __asm__("lea __ehdr_start(%%rip), %0" : "=r"(ehdr));
    return (const struct kclock_page *)(ehdr - 4096);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline long syscall2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

/* ns of a clock served here into *ns: 0, or -1 for a clock that is not */
static int clock_ns(int clk, uint64_t *ns)
{
    int real;
    switch (clk) {
    case 0:  /* REALTIME */
    case 5:  /* REALTIME_COARSE */
    case 11: /* TAI */
        real = 1;
        break;
    case 1: /* MONOTONIC */
    case 4: /* MONOTONIC_RAW */
    case 6: /* MONOTONIC_COARSE */
    case 7: /* BOOTTIME */
        real = 0;
        break;
    default:
        return -1;
    }
    const struct kclock_page *cp = clock_page();
    uint64_t hz, boot, realtime;
    kclock_read(cp, &hz, &boot, &realtime);
    if (!hz || !(cp->flags & KCLOCK_TSC_USER))
        return -1;
    *ns = kclock_tsc_to_ns(rdtsc() - boot, hz) + (real ? realtime : 0);
    return 0;
}

int __vdso_clock_gettime(int clk, struct vts *ts)
{
    uint64_t ns;
    if (clock_ns(clk, &ns) < 0)
        return (int)syscall2(SYS_clock_gettime, clk, (long)ts);
    ts->sec = (int64_t)(ns / NSEC);
    ts->nsec = (int64_t)(ns % NSEC);
    return 0;
}

int __vdso_gettimeofday(struct vtv *tv, struct vtz *tz)
{
    uint64_t ns;
    clock_ns(0, &ns);
    if (tv) {
        tv->sec = (int64_t)(ns / NSEC);
        tv->usec = (int64_t)(ns % NSEC / 1000);
    }
    if (tz) {
        tz->minuteswest = 0;
        tz->dsttime = 0;
    }
    return 0;
}

int64_t __vdso_time(int64_t *t)
{
    uint64_t ns;
    clock_ns(0, &ns);
    int64_t s = (int64_t)(ns / NSEC);
    if (t)
        *t = s;
    return s;
}

int __vdso_clock_getres(int clk, struct vts *res)
{
    uint64_t ns;
    if (clock_ns(clk, &ns) < 0)
        return (int)syscall2(SYS_clock_getres, clk, (long)res);
    if (res) {
        res->sec = 0;
        res->nsec = clk == 5 || clk == 6 ? COARSE_NS : 1;
    }
    return 0;
}

/* one CPU, one node */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    (void)unused;
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

int clock_gettime(int, struct vts *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vtv *, struct vtz *) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct vts *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
