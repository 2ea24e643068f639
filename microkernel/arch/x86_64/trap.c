/* Trap dispatch: CPU exceptions and hardware interrupts arrive here from isr.asm.
 * A fault in kernel mode is a kernel bug: full register dump, then halt (status PANIC_STATUS, which
 * a test sees through isa-debug-exit). Faults in user mode and interrupts go to generic code.
 * Entry points: trap_dispatch (from isr.asm), arch_dump_frame. */
#include "arch.h"
#include "io.h"
#include "kprintf.h"
#include "kern.h"

static const char *const exc_names[32] = {
    "DIVIDE ERROR", "DEBUG", "NMI", "BREAKPOINT", "OVERFLOW", "BOUND RANGE", "INVALID OPCODE",
    "DEVICE NOT AVAILABLE", "DOUBLE FAULT", "COPROCESSOR SEGMENT", "INVALID TSS",
    "SEGMENT NOT PRESENT", "STACK FAULT", "GENERAL PROTECTION FAULT", "PAGE FAULT", "RESERVED 15",
    "X87 FP ERROR", "ALIGNMENT CHECK", "MACHINE CHECK", "SIMD FP ERROR", "VIRTUALIZATION",
    "CONTROL PROTECTION", "RESERVED 22", "RESERVED 23", "RESERVED 24", "RESERVED 25",
    "RESERVED 26", "RESERVED 27", "HYPERVISOR INJECTION", "VMM COMMUNICATION", "SECURITY",
    "RESERVED 31"};

/* Walks saved frame pointers (the kernel keeps them: -fno-omit-frame-pointer). */
static void backtrace(uint64_t rbp)
{
    kprintf("  backtrace:");
    for (int depth = 0; depth < 16 && rbp >= KERNEL_VMA && (rbp & 7) == 0; depth++) {
        uint64_t *fp = (uint64_t *)rbp;
        if (!fp[1])
            break;
        kprintf(" %lx", fp[1]);
        rbp = fp[0];
    }
    kprintf("\n");
}

uint64_t arch_fault_address(void)
{
    return read_cr2();
}

void arch_dump_frame(const struct trap_frame *f)
{
    kprintf("  RIP=%016lx CS=%04lx RFLAGS=%016lx\n", f->rip, f->cs, f->rflags);
    kprintf("  RSP=%016lx SS=%04lx ERR=%016lx\n", f->rsp, f->ss, f->error);
    kprintf("  RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("  RSI=%016lx RDI=%016lx RBP=%016lx\n", f->rsi, f->rdi, f->rbp);
    kprintf("  R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n", f->r8, f->r9, f->r10, f->r11);
    kprintf("  R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n", f->r12, f->r13, f->r14, f->r15);
    kprintf("  CR2=%016lx CR3=%016lx FS.base=%016lx\n", read_cr2(), read_cr3(), rdmsr(MSR_FS_BASE));
}

static void kernel_fault(struct trap_frame *f)
{
    kprintf("\n*** KERNEL EXCEPTION %lu: %s ***\n", f->vector, exc_names[f->vector]);
    if (f->vector == 14)
        kprintf("  page fault at %016lx: %s, %s, %s mode%s\n", read_cr2(),
                f->error & 1 ? "protection violation" : "page not present",
                f->error & 2 ? "write" : "read", f->error & 4 ? "user" : "kernel",
                f->error & 16 ? ", instruction fetch" : "");
    arch_dump_frame(f);
    backtrace(f->rbp);
    panic("unrecoverable exception %lu in kernel mode", f->vector);
}

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < 32) {
        if ((f->cs & 3) == 0)
            kernel_fault(f);
        kern_user_exception(f);
        return;
    }
    kern_irq(f, (unsigned)(f->vector - 32));
}
