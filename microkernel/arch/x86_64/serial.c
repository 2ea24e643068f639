/* COM1 16550 UART: the kernel log and the system console.
 * Entry points: arch_serial_init, arch_serial_putc, arch_serial_getc, arch_serial_irq_enable. */
#include "arch.h"
#include "io.h"

#define COM1 0x3F8

/* Bytes that arrived before the FIFO was switched on: enabling it resets the receiver, and the
 * first key a user typed ahead (held in the receive register) would be lost. */
static char early[16];
static int nearly, early_pos;

void arch_serial_init(void)
{
    while ((inb(COM1 + 5) & 0x01) && nearly < (int)sizeof early)
        early[nearly++] = (char)inb(COM1);
    outb(COM1 + 1, 0x00); /* no interrupts until the console driver wants them */
    outb(COM1 + 3, 0x80); /* DLAB on */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 (OUT2 gates the IRQ line on PCs) */
}

void arch_serial_putc(char c)
{
    /* bounded wait: a missing UART must not hang the kernel */
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

int arch_serial_getc(void)
{
    if (early_pos < nearly)
        return (unsigned char)early[early_pos++];
    if (!(inb(COM1 + 5) & 0x01))
        return -1;
    return inb(COM1);
}

void arch_serial_irq_enable(void)
{
    outb(COM1 + 1, 0x01); /* interrupt when a byte arrives */
    arch_irq_unmask(4);
}
