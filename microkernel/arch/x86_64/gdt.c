/* GDT and TSS. The selector order is fixed by SYSCALL/SYSRET (see STAR in syscall.c):
 *   0x08 kernel code, 0x10 kernel data, 0x18 user data, 0x20 user code (64-bit), 0x28 TSS.
 * The TSS gives the CPU the kernel stack for interrupts from user mode (rsp0) and a separate stack
 * for double faults (IST1), so a kernel stack overflow still produces a register dump. It is also
 * the per-CPU block SYSCALL entry finds through GS (cpu.c): rsp0 is the stack it loads, and rsp2,
 * which the CPU never uses (no ring 2), parks the user's stack pointer, as Linux does; so a switch
 * sets the kernel stack with one store.
 * Entry points: arch_gdt_init, arch_set_kernel_stack, arch_tss_base. */
#include <string.h>
#include "arch.h"
#include "gdt.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

static uint64_t gdt[7];
static struct tss tss;
static uint8_t df_stack[8192] __attribute__((aligned(16)));

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

void arch_gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00AF9A000000FFFFull; /* kernel code: L=1, DPL 0 */
    gdt[2] = 0x00CF92000000FFFFull; /* kernel data */
    gdt[3] = 0x00CFF2000000FFFFull; /* user data: DPL 3 */
    gdt[4] = 0x00AFFA000000FFFFull; /* user code: L=1, DPL 3 */

    memset(&tss, 0, sizeof tss);
    tss.ist[0] = (uint64_t)(df_stack + sizeof df_stack);
    tss.iomap_base = sizeof tss; /* no I/O bitmap: user mode gets no ports */
    uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;

    struct desc_ptr p = {sizeof gdt - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1:\n"
                     "movw $0x10, %%ax\n"
                     "movw %%ax, %%ds\n"
                     "movw %%ax, %%es\n"
                     "movw %%ax, %%ss\n"
                     "movw $0x28, %%ax\n"
                     "ltr %%ax\n"
                     : : "m"(p) : "rax", "memory");
}

_Static_assert(__builtin_offsetof(struct tss, rsp) == 4, "syscall.asm's TSS_RSP0 and TSS_RSP2");

uint64_t arch_tss_base(void)
{
    return (uint64_t)&tss;
}

void arch_set_kernel_stack(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
