/* Runtime of native servers (see rt.c). */
#ifndef LIBSYS_RT_H
#define LIBSYS_RT_H
#include <stdarg.h>
#include "kabi/boot.h"

extern const struct kboot_info *rt_boot;
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
__attribute__((noreturn)) void rt_exit(void);
/* a server cannot go on: say why and halt the machine with status 3 (QEMU exits 7) */
__attribute__((noreturn, format(printf, 1, 2))) void rt_panic(const char *fmt, ...);

#endif
