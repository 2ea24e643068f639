/* 4-level paging. The kernel half (PML4 slots 256..511) is built once at boot: the direct map of
 * all physical memory at DIRECT_MAP (2 MiB pages) and the kernel image at KERNEL_VMA. Every address
 * space copies those slots, and they never change afterwards, so no address space ever needs an
 * update when the kernel allocates memory. User halves use 4 KiB pages.
 * Entry points: arch_paging_init, arch_kernel_pml4, arch_pml4_create, arch_pml4_destroy, arch_map,
 * arch_unmap, arch_lookup, arch_protect, arch_switch_pml4, arch_flush_page, arch_pte_slot. */
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

uint64_t arch_pml4_create(void)
{
    uint64_t pa = frame_alloc();
    if (!pa)
        return 0;
    memcpy(table(pa) + 256, table(kernel_pml4) + 256, 256 * sizeof(uint64_t));
    return pa;
}

static void free_level(uint64_t pa, int level)
{
    uint64_t *t = table(pa);
    if (level > 1)
        for (int i = 0; i < 512; i++)
            if (t[i] & PTE_P)
                free_level(t[i] & PTE_ADDR, level - 1);
    frame_free(pa);
}

void arch_pml4_destroy(uint64_t pml4)
{
    uint64_t *t = table(pml4);
    for (int i = 0; i < 256; i++)
        if (t[i] & PTE_P)
            free_level(t[i] & PTE_ADDR, 3);
    frame_free(pml4);
}

/* The PTE slot for va, creating intermediate tables if create is set. */
static uint64_t *walk(uint64_t pml4, uint64_t va, int create)
{
    uint64_t *t = table(pml4);
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t n = frame_alloc();
            if (!n)
                return NULL;
            /* permissive intermediate entries: the leaf decides */
            *e = n | PTE_P | PTE_W | PTE_U;
        }
        if (*e & PTE_PS)
            return NULL; /* a huge page: only in the kernel half */
        t = table(*e);
    }
    return &t[(va >> 12) & 511];
}

uint64_t *arch_pte_slot(uint64_t pml4, uint64_t va, int create)
{
    return walk(pml4, va, create);
}

int arch_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *e = walk(pml4, va, 1);
    if (!e)
        return -1;
    *e = (pa & PTE_ADDR) | flags | PTE_P;
    return 0;
}

uint64_t arch_unmap(uint64_t pml4, uint64_t va)
{
    uint64_t *e = walk(pml4, va, 0);
    if (!e || !(*e & PTE_P))
        return 0;
    uint64_t old = *e;
    *e = 0;
    return old;
}

uint64_t arch_lookup(uint64_t pml4, uint64_t va)
{
    uint64_t *e = walk(pml4, va, 0);
    return e && (*e & PTE_P) ? *e : 0;
}

int arch_protect(uint64_t pml4, uint64_t va, uint64_t flags)
{
    uint64_t *e = walk(pml4, va, 0);
    if (!e || !(*e & PTE_P))
        return -1;
    *e = (*e & PTE_ADDR) | flags | PTE_P;
    return 0;
}

void arch_switch_pml4(uint64_t pml4)
{
    if (read_cr3() != pml4)
        write_cr3(pml4);
}

void arch_flush_page(uint64_t va)
{
    invlpg(va);
}

void arch_leave_pml4(uint64_t pml4)
{
    if (read_cr3() == pml4)
        write_cr3(kernel_pml4);
}
