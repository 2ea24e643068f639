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
#define SYS_gettimeofday 96
#define SYS_time 201
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
    uintptr_t page;
    __asm__("lea __ehdr_start-4096(%%rip), %0" : "=r"(page));
    return (const struct kclock_page *)page;
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

/* The clocks served here (bit = clock id) and which of them are the wall clock: REALTIME (0),
 * MONOTONIC (1), MONOTONIC_RAW (4), REALTIME_COARSE (5), MONOTONIC_COARSE (6), BOOTTIME (7),
 * TAI (11). */
#define SERVED ((1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 11))
#define WALL ((1u << 0) | (1u << 5) | (1u << 11))

/* The time of a served clock into *ts: 0, or -1 if the TSC may not be read here. The seconds and
 * nanoseconds come straight from one division by the frequency (the quotient and the remainder),
 * the same numbers kclock_tsc_to_ns makes for the kernel. */
static inline __attribute__((always_inline)) int vclock(unsigned clk, struct vts *ts)
{
    const struct kclock_page *cp = clock_page();
    uint32_t s;
    uint64_t hz, boot, rsec, rnsec;
    if (!(cp->flags & KCLOCK_TSC_USER))
        return -1;   /* set once at boot, never changed */
    do {
        s = cp->seq;
        __asm__ volatile("" ::: "memory");
        hz = cp->tsc_hz;
        boot = cp->tsc_boot;
        rsec = cp->realtime_sec;
        rnsec = cp->realtime_nsec;
        __asm__ volatile("" ::: "memory");
    } while ((s & 1) || s != cp->seq);
    uint64_t t = rdtsc() - boot;
    uint64_t sec = t / hz, nsec = (t % hz) * NSEC / hz;
    if ((1u << clk) & WALL) {
        sec += rsec;
        nsec += rnsec;
        if (nsec >= NSEC) {
            nsec -= NSEC;
            sec++;
        }
    }
    ts->sec = (int64_t)sec;
    ts->nsec = (int64_t)nsec;
    return 0;
}

int __vdso_clock_gettime(int clk, struct vts *ts)
{
    if ((unsigned)clk < 32 && ((1u << clk) & SERVED) && vclock((unsigned)clk, ts) == 0)
        return 0;
    return (int)syscall2(SYS_clock_gettime, clk, (long)ts);
}

int __vdso_gettimeofday(struct vtv *tv, struct vtz *tz)
{
    struct vts ts;
    if (vclock(0, &ts) < 0)
        return (int)syscall2(SYS_gettimeofday, (long)tv, (long)tz);
    if (tv) {
        tv->sec = ts.sec;
        tv->usec = ts.nsec / 1000;
    }
    if (tz) {
        tz->minuteswest = 0;
        tz->dsttime = 0;
    }
    return 0;
}

int64_t __vdso_time(int64_t *t)
{
    struct vts ts;
    if (vclock(0, &ts) < 0)
        return syscall2(SYS_time, (long)t, 0);
    if (t)
        *t = ts.sec;
    return ts.sec;
}

int __vdso_clock_getres(int clk, struct vts *res)
{
    if ((unsigned)clk >= 32 || !((1u << clk) & SERVED))
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
