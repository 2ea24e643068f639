/* Segment selectors (see gdt.c for why they are in this order). */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#ifndef __ASSEMBLER__
#include <stdint.h>
uint64_t arch_tss_base(void); /* the TSS: also the kernel's GS base (cpu.c, syscall.asm) */
#endif
#endif
