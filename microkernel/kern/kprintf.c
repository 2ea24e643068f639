/* Kernel log output: every character goes to COM1 and the VGA text console, and into the log
 * ring servers read (klog.c).
 * Entry points: kprintf, kvprintf, kputs, panic. */
#include <stdio.h>
#include "arch.h"
#include "klog.h"
#include "kprintf.h"

static void log_putc(char c, void *ctx)
{
    (void)ctx;
    klog_putc(c);
    if (c == '\n')
        arch_serial_putc('\r'); /* terminals expect CRLF */
    arch_serial_putc(c);
    arch_vga_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    return fmt_vformat(log_putc, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void kputs(const char *s)
{
    while (*s)
        log_putc(*s++, NULL);
}

void panic(const char *fmt, ...)
{
    arch_irq_disable();
    va_list ap;
    va_start(ap, fmt);
    kputs("\nPANIC: ");
    kvprintf(fmt, ap);
    kputs("\n");
    va_end(ap);
    arch_halt_system(PANIC_STATUS);
}
