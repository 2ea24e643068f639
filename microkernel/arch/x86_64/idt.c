/* IDT: vectors 0..31 (CPU exceptions) and 32..47 (the remapped legacy PIC), all through the stubs
 * in isr.asm. Double fault runs on IST1 (see gdt.c). Entry point: arch_idt_init. */
#include "arch.h"
#include "gdt.h"

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint64_t isr_table[48];
static struct idt_entry idt[256];

void arch_idt_init(void)
{
    for (int v = 0; v < 48; v++) {
        uint64_t a = isr_table[v];
        idt[v].off_lo = a & 0xFFFF;
        idt[v].sel = SEL_KCODE;
        idt[v].ist = v == 8 ? 1 : 0;
        /* interrupt gate; int3 (3) is callable from user mode (DPL 3) so it raises #BP as on Linux */
        idt[v].type = v == 3 ? 0xEE : 0x8E;
        idt[v].off_mid = (a >> 16) & 0xFFFF;
        idt[v].off_hi = a >> 32;
        idt[v].zero = 0;
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) p = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}
