/* The guest TSC as an instruction counter, and the process entry hook that samples it before
 * musl's start-up code runs (the "boot to first instruction of init" figure).
 *
 * Entry points: bench_clock_read, bench_clock_at_entry; bench_entry (ELF entry, linked with
 * `-Wl,-e,bench_entry`).
 */
#include "bench_clock.h"

/* Written by the asm below: pinned name, and `used` so it is not optimised out as unread. */
static uint64_t bench_entry_tsc __asm__("bench_entry_tsc") __attribute__((used));

/* The ELF entry point: read the TSC, then continue into musl's _start with the initial stack
 * and registers untouched. RDX carries the ABI's exit-handler pointer (0 from Linux; musl
 * ignores it), preserved anyway through RCX, which the entry state leaves undefined. LFENCE
 * keeps RDTSC from being sampled before earlier instructions retire on real hardware; under
 * TCG it costs one instruction. */
__asm__(".text\n"
        ".globl bench_entry\n"
        ".type bench_entry,@function\n"
        "bench_entry:\n"
        "    mov %rdx, %rcx\n"
        "    lfence\n"
        "    rdtsc\n"
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    mov %rax, bench_entry_tsc(%rip)\n"
        "    mov %rcx, %rdx\n"
        "    jmp _start\n"
        ".size bench_entry, .-bench_entry\n");

uint64_t bench_clock_read(void)
{
    uint32_t lo, hi;

    /* Fence on both sides so the measured region neither leaks out nor in. */
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

uint64_t bench_clock_at_entry(void)
{
    return bench_entry_tsc;
}
