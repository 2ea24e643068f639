/* Time: the legacy PIC (remapped to vectors 32..47), the PIT as the periodic tick, and the TSC as
 * the monotonic clock, calibrated against PIT channel 2. Under QEMU's -icount the TSC counts guest
 * instructions, which is what the benchmarks rely on.
 * Entry points: arch_timer_init, arch_irq_unmask, arch_pic_eoi, arch_tsc, arch_tsc_hz, arch_clock_ns,
 * arch_tsc_to_ns, arch_ns_to_tsc, arch_tsc_boot. */
#include "arch.h"
#include "io.h"
#include "kabi/clock.h"
#include "kprintf.h"

#define PIC1 0x20
#define PIC2 0xA0
#define PIT_HZ 1193182u

static uint64_t tsc_hz;
static uint64_t tsc_boot;

uint64_t arch_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void pic_init(void)
{
    outb(PIC1, 0x11); /* ICW1: init, ICW4 follows */
    outb(PIC2, 0x11);
    outb(PIC1 + 1, 32); /* vector offsets */
    outb(PIC2 + 1, 40);
    outb(PIC1 + 1, 4); /* slave on IRQ2 */
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, 1); /* 8086 mode */
    outb(PIC2 + 1, 1);
    outb(PIC1 + 1, 0xFB); /* everything masked except the cascade */
    outb(PIC2 + 1, 0xFF);
}

void arch_irq_unmask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1 + 1 : PIC2 + 1;
    outb(port, inb(port) & ~(1u << (irq & 7)));
}

void arch_pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2, 0x20);
    outb(PIC1, 0x20);
}

/* Counts TSC ticks across ~10 ms of PIT channel 2 (gate-controlled one-shot). */
static uint64_t calibrate_tsc(void)
{
    const uint16_t count = PIT_HZ / 100;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(0x43, 0xB0);                       /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xFF);
    outb(0x42, count >> 8);
    uint64_t t0 = arch_tsc();
    uint64_t spins = 0;
    while (!(inb(0x61) & 0x20) && ++spins < 100000000ull)
        ;
    uint64_t t1 = arch_tsc();
    uint64_t hz = (t1 - t0) * 100;
    if (hz < 1000000)
        hz = 1000000000ull; /* implausible (no PIT?): assume 1 GHz rather than divide by ~0 */
    return hz;
}

void arch_timer_init(unsigned hz)
{
    pic_init();
    tsc_hz = calibrate_tsc();
    tsc_boot = 0; /* nanoseconds count from reset, like the TSC itself */
    uint16_t div = (uint16_t)(PIT_HZ / hz);
    outb(0x43, 0x34); /* channel 0, lo/hi, rate generator */
    outb(0x40, div & 0xFF);
    outb(0x40, div >> 8);
    arch_irq_unmask(0);
    kprintf("timer: PIT %u Hz, TSC %lu.%03lu MHz\n", hz, tsc_hz / 1000000, (tsc_hz / 1000) % 1000);
}

uint64_t arch_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t arch_tsc_boot(void)
{
    return tsc_boot;
}

uint64_t arch_tsc_to_ns(uint64_t t)
{
    /* the clock page's conversion: user programs reading the page get the same nanoseconds */
    return kclock_tsc_to_ns(t, tsc_hz);
}

uint64_t arch_ns_to_tsc(uint64_t ns)
{
    uint64_t s = ns / 1000000000ull;
    if (s > UINT64_MAX / tsc_hz - 1)
        return UINT64_MAX; /* centuries: never */
    return s * tsc_hz + (ns % 1000000000ull) * tsc_hz / 1000000000ull;
}

uint64_t arch_clock_ns(void)
{
    return arch_tsc_to_ns(arch_tsc() - tsc_boot);
}
