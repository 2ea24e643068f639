/* The console device: output to the serial port (and VGA); input from the serial port's interrupt
 * into a ring buffer, so nothing typed before a reader asks is lost; one endpoint is notified when
 * input arrives. Entry points: console_init, console_write, console_read, console_bind, console_irq. */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H
#include <stddef.h>
#include <stdint.h>
#include "obj.h"

void console_init(void);
void console_write(const char *buf, size_t n);
size_t console_read(char *buf, size_t n);
void console_bind(struct endpoint *ep, uint64_t bits);
void console_irq(void);

#endif
