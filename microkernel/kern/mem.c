/* Boot-time memory set-up: the frame allocator and frame table over the Multiboot2 memory map
 * (with the kernel, the modules and the info block reserved), the reserve, then paging, then the
 * kernel heap (whose pages are system allocations).
 * Entry points: mem_init, frame_alloc, frame_alloc_class, frame_free, kernel_pmm. */
#include <string.h>
#include "arch.h"
#include "heap.h"
#include "kprintf.h"
#include "mb2.h"
#include "mem.h"
#include "pmm.h"

struct pmm kernel_pmm;
extern char _kernel_start[], _kernel_end[];

uint64_t frame_alloc_class(enum pmm_class cls)
{
    int zero;
    uint64_t pa = pmm_alloc_zero(&kernel_pmm, cls, &zero);
    if (pa && !zero)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

uint64_t frame_alloc(void)
{
    return frame_alloc_class(PMM_SYSTEM);
}

void frame_free(uint64_t pa)
{
    pmm_unref(&kernel_pmm, pa);
}

uint64_t heap_frames;

static void *heap_page_alloc(size_t n)
{
    uint64_t pa = n == 1 ? pmm_alloc(&kernel_pmm) : pmm_alloc_contig(&kernel_pmm, n);
    heap_frames += pa ? n : 0;
    return pa ? phys_to_virt(pa) : NULL;
}

static void heap_page_free(void *p, size_t n)
{
    heap_frames -= n;
    pmm_free_contig(&kernel_pmm, virt_to_phys(p), n);
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

void mem_init(const struct mb2_info *mb, uint64_t mbi_phys, uint32_t mbi_size)
{
    struct pmm_region usable[MB2_MAX_REGIONS];
    size_t n = 0;
    for (size_t i = 0; i < mb->nregions; i++)
        if (mb->regions[i].type == 1) {
            usable[n].base = mb->regions[i].base;
            usable[n].len = mb->regions[i].len;
            n++;
        }
    uint64_t kstart = virt_to_phys(_kernel_start), kend = virt_to_phys(_kernel_end);

    /* The bitmap and the frame table go in the first usable spot above 1 MiB that collides with
     * nothing we keep and lies in the first GiB (all the boot page tables map). */
    size_t bmbytes = (pmm_bitmap_bytes(mb->max_phys) + 15) & ~(size_t)15;
    size_t bytes = bmbytes + pmm_table_bytes(mb->max_phys);
    uint64_t spot = 0;
    for (size_t i = 0; i < n && !spot; i++) {
        uint64_t cand = (usable[i].base + 0xFFF) & ~0xFFFull;
        if (cand < 0x100000)
            cand = 0x100000;
        while (cand + bytes <= usable[i].base + usable[i].len && cand + bytes < (1ull << 30)) {
            uint64_t bump = 0;
            if (overlaps(cand, bytes, kstart, kend - kstart))
                bump = kend;
            if (overlaps(cand, bytes, mbi_phys, mbi_size))
                bump = mbi_phys + mbi_size;
            for (size_t m = 0; m < mb->nmodules; m++)
                if (overlaps(cand, bytes, mb->modules[m].start,
                             mb->modules[m].end - mb->modules[m].start))
                    bump = mb->modules[m].end;
            if (!bump) {
                spot = cand;
                break;
            }
            cand = (bump + 0xFFF) & ~0xFFFull;
        }
    }
    if (!spot)
        panic("mem: no room for the frame bitmap and table (%zu bytes)", bytes);

    pmm_init(&kernel_pmm, phys_to_virt(spot), phys_to_virt(spot + bmbytes), mb->max_phys, usable,
             n);
    pmm_reserve(&kernel_pmm, 0, 0x100000); /* BIOS data, EBDA, VGA, option ROMs */
    pmm_reserve(&kernel_pmm, kstart, kend - kstart);
    pmm_reserve(&kernel_pmm, mbi_phys, mbi_size);
    pmm_reserve(&kernel_pmm, spot, bytes);
    for (size_t m = 0; m < mb->nmodules; m++)
        pmm_reserve(&kernel_pmm, mb->modules[m].start, mb->modules[m].end - mb->modules[m].start);

    /* the reserve: max(2 MiB, RAM/64), for system allocations only */
    pmm_set_reserve(&kernel_pmm, (2ull << 20) / PAGE_SIZE, 64);
    kprintf("mem: %lu MiB usable, %lu frames free (%lu reserved for the system), frame table at "
            "%lx\n", mb->max_phys >> 20, pmm_free_count(&kernel_pmm), kernel_pmm.reserve, spot);
    arch_paging_init(mb->max_phys);
    static const struct heap_pages src = {heap_page_alloc, heap_page_free};
    heap_init(&src);
}
