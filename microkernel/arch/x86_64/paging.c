/* 4-level paging. The kernel half (PML4 slots 256..511) is built once at boot: the direct map of
 * all physical memory at DIRECT_MAP (2 MiB pages) and the kernel image at KERNEL_VMA. Every address
 * space copies those slots, and they never change afterwards, so no address space ever needs an
 * update when the kernel allocates memory. User halves use 4 KiB pages and are built and torn down
 * by kern/ptable.c.
 * Entry points: arch_paging_init, arch_kernel_pml4, arch_pml4_create, arch_switch_pml4,
 * arch_current_pml4, arch_flush_page, arch_flush_all, arch_leave_pml4. */
#include <string.h>
#include "arch.h"
#include "io.h"
#include "kprintf.h"
#include "pmm.h"

static uint64_t kernel_pml4;

static uint64_t *table(uint64_t pa) { return phys_to_virt(pa & PTE_ADDR); }

void arch_paging_init(uint64_t max_phys)
{
    kernel_pml4 = frame_alloc();
    if (!kernel_pml4)
        panic("paging: no memory for the kernel page tables");
    uint64_t *pml4 = table(kernel_pml4);

    /* direct map: one PDPT (512 GiB), as many PDs as there are GiBs of RAM */
    uint64_t gib = (max_phys + (1ull << 30) - 1) >> 30;
    if (gib > 512)
        gib = 512;
    uint64_t pdpt = frame_alloc();
    if (!pdpt)
        panic("paging: no memory for the direct map");
    for (uint64_t g = 0; g < gib; g++) {
        uint64_t pd = frame_alloc();
        if (!pd)
            panic("paging: no memory for the direct map");
        uint64_t *pde = table(pd);
        for (int i = 0; i < 512; i++)
            pde[i] = ((g << 30) + ((uint64_t)i << 21)) | PTE_P | PTE_W | PTE_PS | PTE_NX;
        table(pdpt)[g] = pd | PTE_P | PTE_W;
    }
    pml4[256] = pdpt | PTE_P | PTE_W;

    /* kernel image: the first GiB of physical memory at KERNEL_VMA (PDPT slot 510) */
    uint64_t kpdpt = frame_alloc(), kpd = frame_alloc();
    if (!kpdpt || !kpd)
        panic("paging: no memory for the kernel window");
    for (int i = 0; i < 512; i++)
        table(kpd)[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS;
    table(kpdpt)[510] = kpd | PTE_P | PTE_W;
    pml4[511] = kpdpt | PTE_P | PTE_W;

    write_cr3(kernel_pml4); /* drops the boot identity map */
}

uint64_t arch_kernel_pml4(void)
{
    return kernel_pml4;
}

uint64_t arch_pml4_create(enum pmm_class cls)
{
    uint64_t pa = frame_alloc_class(cls);
    if (!pa)
        return 0;
    memcpy(table(pa) + 256, table(kernel_pml4) + 256, 256 * sizeof(uint64_t));
    return pa;
}

bool arch_switch_pml4(uint64_t pml4)
{
    if (read_cr3() == pml4)
        return false;
    write_cr3(pml4);
    return true;
}

uint64_t arch_current_pml4(void)
{
    return read_cr3() & PTE_ADDR;
}

void arch_flush_page(uint64_t va)
{
    invlpg(va);
}

void arch_flush_all(void)
{
    write_cr3(read_cr3());
}

void arch_leave_pml4(uint64_t pml4)
{
    if (read_cr3() == pml4)
        write_cr3(kernel_pml4);
}
