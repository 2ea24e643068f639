/* kmain: the kernel's C entry point, called from boot.asm in long mode on the boot stack.
 * Order matters: the log first (so every later failure is visible), then memory (everything else
 * allocates), then CPU tables, then interrupts. */
#include <string.h>
#include "arch.h"
#include "clockpage.h"
#include "cmdline.h"
#include "kern.h"
#include "kprintf.h"
#include "mb2.h"
#include "mem.h"
#include "pmm.h"
#include "console.h"
#include "sched.h"
#include "tcontrol.h"
#include "timerq.h"

void roots_start(const struct mb2_info *mb);

char kernel_cmdline[KERNEL_CMDLINE_MAX];
volatile uint64_t kern_ticks;
struct mb2_info boot_info;

/* Interrupts arrive only while a thread runs in user mode or the idle thread halts (the kernel
 * itself runs with IF clear), so this is a safe place to switch threads. */
void kern_irq(struct trap_frame *f, unsigned irq)
{
    bool from_user = (f->cs & 3) != 0;
    if (from_user)
        tctl_enter();
    if (irq == 7 || irq == 15) {
        /* spurious: the PIC raised and withdrew a request; no EOI for the spurious line itself */
        if (irq == 15)
            arch_pic_eoi(2);
        if (from_user)
            tctl_leave();
        return;
    }
    arch_pic_eoi(irq);
    if (irq == 0) {
        kern_ticks++;
        timerq_tick(arch_clock_ns());
        sched_tick();
    } else if (irq == 4) {
        console_irq();
    }
    if (need_resched && sched_running)
        schedule();
    if (from_user)
        tctl_leave(); /* an interrupted thread (or one whose CPU alarm is due) stops here */
}

static void build_cmdline(const char *mb_cmdline)
{
    char extra[512];
    arch_fw_cfg_cmdline(extra, sizeof extra);
    size_t n = strnlen(mb_cmdline, KERNEL_CMDLINE_MAX - 1);
    memcpy(kernel_cmdline, mb_cmdline, n);
    kernel_cmdline[n] = 0;
    if (extra[0] && n + 1 + strlen(extra) < KERNEL_CMDLINE_MAX) {
        /* fw_cfg words go before any " -- init args" so they are parsed as kernel words */
        char tail[KERNEL_CMDLINE_MAX];
        size_t head = (size_t)(cmdline_args_sep(kernel_cmdline) - kernel_cmdline);
        strcpy(tail, kernel_cmdline + head);
        kernel_cmdline[head] = 0;
        strcpy(kernel_cmdline + strlen(kernel_cmdline), " ");
        strcpy(kernel_cmdline + strlen(kernel_cmdline), extra);
        strcpy(kernel_cmdline + strlen(kernel_cmdline), tail);
    }
}

void kmain(uint32_t magic, uint64_t mbi_phys)
{
    arch_serial_init();
    arch_vga_init();
    kputs("\nKestrel microkernel booting\n");
    if (magic != MB2_BOOT_MAGIC)
        panic("not started by a Multiboot2 loader (magic %x)", magic);

    uint32_t mbi_size = *(uint32_t *)phys_to_virt(mbi_phys);
    if (mb2_parse(phys_to_virt(mbi_phys), &boot_info) < 0)
        panic("malformed Multiboot2 information");
    build_cmdline(boot_info.cmdline);
    kprintf("cmdline: %s\n", kernel_cmdline);

    mem_init(&boot_info, mbi_phys, mbi_size);
    arch_gdt_init();
    arch_idt_init();
    arch_cpu_init();
    for (size_t i = 0; i < boot_info.nmodules; i++)
        kprintf("module %s: %lx-%lx (%lu KiB)\n", boot_info.modules[i].name,
                boot_info.modules[i].start, boot_info.modules[i].end,
                (boot_info.modules[i].end - boot_info.modules[i].start) >> 10);
    arch_timer_init(KERN_HZ);
    clockpage_init(); /* the timer's calibration is what it publishes */

    char which[128];
    if (cmdline_get(kernel_cmdline, "ktest", which, sizeof which)) {
        arch_irq_enable(); /* the self-tests need the tick */
        ktest_run(which);
    }

    /* Interrupts stay off until the idle thread halts for the first time: a tick in the middle
     * of starting the root servers would switch away from this boot context for good. */
    sched_init();
    console_init();
    roots_start(&boot_info);
    kprintf("boot complete: %lu frames free\n", pmm_free_count(&kernel_pmm));
    sched_start();
}
