/* Machine control under QEMU: halting with a status the host can read, and the fw_cfg command line.
 *   status 0: ACPI S5 power-off (QEMU exits 0);
 *   status n: isa-debug-exit at port 0xf4 (QEMU exits 2n+1), then ACPI off and hlt as fall-backs.
 * fw_cfg lets a test runner append kernel command line words without rebuilding the ISO
 * (qemu -fw_cfg name=opt/os/cmdline,string=...).
 * Entry points: arch_halt_system, arch_fw_cfg_cmdline. */
#include <string.h>
#include "arch.h"
#include "io.h"

#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511

static void acpi_poweroff(void)
{
    outw(0x604, 0x2000); /* QEMU q35/pc (PIIX4 PM at 0x600): SLP_TYP=S5 | SLP_EN */
    outw(0xB004, 0x2000); /* older QEMU / Bochs */
}

void arch_halt_system(int status)
{
    arch_irq_disable();
    if (status != 0)
        outl(0xF4, (uint32_t)status);
    acpi_poweroff();
    for (;;)
        arch_halt();
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

void arch_fw_cfg_cmdline(char *buf, size_t size)
{
    buf[0] = 0;
    outw(FW_CFG_SEL, 0x0000); /* signature */
    char sig[4];
    for (int i = 0; i < 4; i++)
        sig[i] = (char)inb(FW_CFG_DATA);
    if (memcmp(sig, "QEMU", 4) != 0)
        return;
    outw(FW_CFG_SEL, 0x0019); /* file directory */
    uint8_t b[64];
    for (int i = 0; i < 4; i++)
        b[i] = inb(FW_CFG_DATA);
    uint32_t count = be32(b);
    for (uint32_t f = 0; f < count && f < 256; f++) {
        for (int i = 0; i < 64; i++)
            b[i] = inb(FW_CFG_DATA);
        uint32_t fsize = be32(b);
        uint16_t sel = (uint16_t)(b[4] << 8 | b[5]);
        if (strcmp((const char *)b + 8, "opt/os/cmdline") != 0)
            continue;
        outw(FW_CFG_SEL, sel);
        size_t n = fsize < size - 1 ? fsize : size - 1;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)inb(FW_CFG_DATA);
        buf[n] = 0;
        return;
    }
}
