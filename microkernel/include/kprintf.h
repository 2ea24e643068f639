/* Kernel log: formatted output to the serial port (and VGA), and panics.
 * Entry points: kprintf, kputs, panic. */
#ifndef KERN_KPRINTF_H
#define KERN_KPRINTF_H
#include <stdarg.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void kputs(const char *s);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* status the system halts with after a kernel panic (QEMU then exits with 2*2+1 = 5) */
#define PANIC_STATUS 2

#endif
