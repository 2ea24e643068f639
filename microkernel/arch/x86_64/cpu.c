/* Per-CPU state, SYSCALL set-up, FPU/SSE, FS base and new kernel stacks.
 *
 * GS base holds the per-CPU block while in the kernel (swapgs on every entry from and exit to user
 * mode): the TSS (gdt.c), whose rsp0 syscall.asm reads as the kernel stack pointer before it
 * touches anything else.
 * Entry points: arch_cpu_init, arch_fpu_save, arch_fpu_restore, arch_fpu_default,
 * arch_set_fs_base, arch_kstack_prepare. */
#include <string.h>
#include "arch.h"
#include "gdt.h"
#include "io.h"

extern void syscall_entry(void);

void arch_cpu_init(void)
{
    wrmsr(MSR_GS_BASE, arch_tss_base());
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    /* SYSCALL: kernel CS 0x08 (SS 0x10); SYSRET: base 0x10, so user SS = 0x18|3, CS = 0x20|3 */
    wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* SFMASK: clear IF (no interrupts in the kernel), DF (C ABI), TF (no single-step into the
     * kernel), AC (no alignment checks on kernel accesses), NT */
    wrmsr(MSR_SFMASK, (1u << 9) | (1u << 10) | (1u << 8) | (1u << 18) | (1u << 14));
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* SCE */

    /* SSE for user code: CR0.MP on, EM off, TS off; CR4.OSFXSR and OSXMMEXCPT */
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | (1u << 1)) & ~((1u << 2) | (1u << 3));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1u << 9) | (1u << 10);
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    __asm__ volatile("fninit");
}

void arch_fpu_save(uint8_t *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const uint8_t *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_default(uint8_t *area)
{
    memset(area, 0, 512);
    area[0] = 0x7F; /* FCW 0x037F: all x87 exceptions masked, double extended precision */
    area[1] = 0x03;
    uint32_t mxcsr = 0x1F80; /* all SSE exceptions masked, round to nearest */
    memcpy(area + 24, &mxcsr, 4);
    uint32_t mask = 0xFFFF;
    memcpy(area + 28, &mask, 4);
}

void arch_set_fs_base(uint64_t v)
{
    wrmsr(MSR_FS_BASE, v);
}

uint64_t arch_kstack_prepare(uint8_t *kstack_top, void (*entry)(void))
{
    /* what arch_switch pops: r15 r14 r13 r12 rbx rbp, then the return address */
    uint64_t *sp = (uint64_t *)kstack_top;
    *--sp = (uint64_t)entry;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    return (uint64_t)sp;
}
