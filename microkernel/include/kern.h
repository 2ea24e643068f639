/* Generic kernel entry points called from the architecture layer, and boot-wide state. */
#ifndef KERN_KERN_H
#define KERN_KERN_H
#include <stdint.h>
#include "arch.h"

#define KERNEL_CMDLINE_MAX 1024
extern char kernel_cmdline[KERNEL_CMDLINE_MAX];

/* a hardware interrupt (legacy PIC line irq) */
void kern_irq(struct trap_frame *f, unsigned irq);
/* a CPU exception raised in user mode */
void kern_user_exception(struct trap_frame *f);
/* timer ticks since boot */
extern volatile uint64_t kern_ticks;
#define KERN_HZ 100

void arch_pic_eoi(unsigned irq);

/* boot self-tests (kern/ktest.c): run those named by ktest= and halt with the verdict */
void ktest_run(const char *which);

#endif
