/* The interface between generic kernel code and the architecture (arch/x86_64/). Generic code
 * includes only this header, never an x86 detail. */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pmm.h"

#define PAGE_SIZE 4096ull
#define KERNEL_VMA 0xFFFFFFFF80000000ull
#define DIRECT_MAP 0xFFFF800000000000ull /* all physical memory, mapped at boot */

static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}

/* The register frame of a thread that entered the kernel (interrupt, exception or syscall), saved at
 * the top of its kernel stack. Field order is fixed by arch/x86_64/isr.asm and syscall.asm. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* as pushed by the CPU */
};

/* early console and log output */
void arch_serial_init(void);
void arch_serial_putc(char c);
int arch_serial_getc(void); /* -1 when nothing is waiting */
void arch_vga_init(void);
void arch_vga_putc(char c);

/* CPU tables and traps */
void arch_gdt_init(void);
void arch_idt_init(void);
void arch_set_kernel_stack(uint64_t rsp0); /* TSS rsp0: interrupts' and SYSCALL's stack */
void arch_dump_frame(const struct trap_frame *f);
uint64_t arch_fault_address(void); /* CR2: the address of the last page fault */
void arch_serial_irq_enable(void);

/* interrupts and time */
void arch_timer_init(unsigned hz);
uint64_t arch_tsc(void);
uint64_t arch_tsc_hz(void);
uint64_t arch_tsc_boot(void); /* the TSC at monotonic time 0 */
uint64_t arch_clock_ns(void); /* monotonic, from the TSC */
uint64_t arch_tsc_to_ns(uint64_t cycles);
uint64_t arch_ns_to_tsc(uint64_t ns);
uint64_t arch_rtc_seconds(void); /* wall-clock seconds since 1970 from the CMOS clock (0 if unreadable) */
static inline void arch_irq_enable(void) { __asm__ volatile("sti"); }
static inline void arch_irq_disable(void) { __asm__ volatile("cli"); }
static inline void arch_halt(void) { __asm__ volatile("hlt"); }
void arch_irq_unmask(unsigned irq);

/* paging (4-level, 4 KiB pages for user, 2 MiB for the direct map) */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
void arch_paging_init(uint64_t max_phys);
uint64_t arch_kernel_pml4(void);
/* new top level sharing the kernel half, its user half empty; 0 if out of memory. The user half
 * is kern/ptable.c's business. */
uint64_t arch_pml4_create(enum pmm_class cls);
bool arch_switch_pml4(uint64_t pml4); /* true if CR3 changed (an address-space switch) */
uint64_t arch_current_pml4(void); /* the top level the CPU uses */
void arch_flush_page(uint64_t va);
void arch_flush_all(void);        /* every user TLB entry of the CPU's space */
void arch_leave_pml4(uint64_t pml4); /* if the CPU uses pml4, switch to the kernel's tables */

/* threads: per-CPU data, SYSCALL, FPU and the context switch (arch/x86_64/cpu.c, context.asm) */
void arch_cpu_init(void);
void arch_fpu_save(uint8_t *area);
void arch_fpu_restore(const uint8_t *area);
void arch_fpu_default(uint8_t *area);       /* the state a new thread starts with */
void arch_set_fs_base(uint64_t v);
/* prepares a kernel stack so that arch_switch to the returned sp enters `entry` with rsp at
 * kstack_top: a kernel function (pass an address = 8 mod 16), or thread_user_entry with a trap
 * frame at kstack_top (a new user thread) */
uint64_t arch_kstack_prepare(uint8_t *kstack_top, void (*entry)(void));
void arch_switch(uint64_t *save_sp, uint64_t new_sp);
void trap_return(void);
void thread_user_entry(void);
/* a ucont thread's way back (syscall.asm): entered with rsp at its frame by arch_switch, it runs
 * the syscall tail (kcall.c syscall_resume) and leaves to user mode */
void syscall_continue(void);
/* leaves to user mode from frame f (its every register restored): SYSRET if f is a plain syscall
 * frame, else IRETQ. For a thread whose kernel stack holds nothing but f. */
__attribute__((noreturn)) void arch_user_return(struct trap_frame *f);

/* machine control */
void arch_fw_cfg_cmdline(char *buf, size_t size); /* QEMU fw_cfg "opt/os/cmdline", "" if none */
__attribute__((noreturn)) void arch_halt_system(int status); /* 0: ACPI off; n: debug-exit n */

#endif
