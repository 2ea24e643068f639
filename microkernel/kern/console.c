/* Console device (see include/console.h). Output bytes go out unchanged: the line discipline
 * (CR/LF, echo, editing) belongs to vfs. */
#include "arch.h"
#include "console.h"
#include "ipc.h"

#define RING 65536

static char ring[RING];
static size_t head, tail; /* head: next write, tail: next read */
static struct endpoint *bound;
static uint64_t bound_bits;

void console_init(void)
{
    arch_serial_irq_enable();
}

void console_write(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        arch_serial_putc(buf[i]);
        arch_vga_putc(buf[i]);
    }
}

size_t console_read(char *buf, size_t n)
{
    size_t done = 0;
    while (done < n && tail != head) {
        buf[done++] = ring[tail];
        tail = (tail + 1) % RING;
    }
    return done;
}

void console_bind(struct endpoint *ep, uint64_t bits)
{
    if (bound)
        obj_put(&bound->o);
    bound = ep;
    bound_bits = bits;
    obj_get(&ep->o);
    if (head != tail)
        ipc_notify(bound, bound_bits); /* input that came before anyone listened */
}

void console_irq(void)
{
    int c, got = 0;
    while ((c = arch_serial_getc()) >= 0) {
        if ((head + 1) % RING == tail)
            break; /* full: leave the rest in the UART; QEMU holds it back until we read */
        ring[head] = (char)c;
        head = (head + 1) % RING;
        got = 1;
    }
    if (got && bound)
        ipc_notify(bound, bound_bits);
}
