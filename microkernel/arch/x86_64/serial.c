/* COM1 16550 UART: the kernel log and the system console.
 * Entry points: arch_serial_init, arch_serial_putc, arch_serial_getc, arch_serial_irq_enable. */
#include "arch.h"
#include "io.h"

#define COM1 0x3F8

static int uart_absent;

void arch_serial_init(void)
{
    outb(COM1 + 7, 0x5A); /* the scratch register reads back only if a UART is there */
    uart_absent = inb(COM1 + 7) != 0x5A;
    if (uart_absent)
        return;
    outb(COM1 + 1, 0x00); /* no interrupts until the console driver wants them */
    outb(COM1 + 3, 0x80); /* DLAB on */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
    /* The FIFO control register is left alone: changing its enable bit resets the receiver (QEMU
     * does so too), which loses what the user typed ahead while we boot. The interrupt handler
     * drains whatever is there, FIFO or single holding register. */
    outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 (OUT2 gates the IRQ line on PCs) */
}

void arch_serial_putc(char c)
{
    if (uart_absent)
        return;
    /* wait for the transmitter, however long: writing before it is empty loses a byte (a slow
     * host, many QEMUs on two cores) */
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

int arch_serial_getc(void)
{
    if (uart_absent)
        return -1;
    if (!(inb(COM1 + 5) & 0x01))
        return -1;
    return inb(COM1);
}

void arch_serial_irq_enable(void)
{
    outb(COM1 + 1, 0x01); /* interrupt when a byte arrives */
    arch_irq_unmask(4);
}
