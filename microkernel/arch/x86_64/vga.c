/* VGA text console (80x25 at physical 0xB8000), a mirror of the kernel log when a display exists.
 * Entry points: arch_vga_init, arch_vga_putc. */
#include "arch.h"
#include "io.h"

#define COLS 80
#define ROWS 25
#define ATTR 0x0700

static volatile uint16_t *vga;
static int row, col;

void arch_vga_init(void)
{
    vga = phys_to_virt(0xB8000);
    for (int i = 0; i < COLS * ROWS; i++)
        vga[i] = ATTR | ' ';
    row = col = 0;
}

static void scroll(void)
{
    for (int i = 0; i < COLS * (ROWS - 1); i++)
        vga[i] = vga[i + COLS];
    for (int i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
        vga[i] = ATTR | ' ';
    row = ROWS - 1;
}

void arch_vga_putc(char c)
{
    if (!vga)
        return;
    if (c == '\n') {
        col = 0;
        if (++row == ROWS)
            scroll();
        return;
    }
    if (c == '\r') {
        col = 0;
        return;
    }
    if (c == '\b') {
        if (col)
            col--;
        return;
    }
    vga[row * COLS + col] = ATTR | (uint8_t)c;
    if (++col == COLS) {
        col = 0;
        if (++row == ROWS)
            scroll();
    }
}
