/* Physical frame allocator: a bitmap over all RAM the firmware reports as usable, with the
 * kernel image, the boot modules and the multiboot info reserved. Pure logic, host-testable:
 * the caller gives it the regions and the memory for its bitmap.
 * Entry points: pmm_init, pmm_reserve, pmm_alloc, pmm_alloc_contig, pmm_free, pmm_free_count. */
#ifndef KERN_PMM_H
#define KERN_PMM_H
#include <stddef.h>
#include <stdint.h>

#define PMM_FRAME 4096ull

struct pmm_region {
    uint64_t base, len;
};

struct pmm {
    uint64_t *bitmap; /* bit set = frame used (or not RAM) */
    uint64_t nframes; /* frames covered: [0, nframes * 4096) */
    uint64_t free;    /* frames currently free */
    uint64_t hint;    /* word index where the last allocation found space */
};

/* Number of bytes the bitmap needs for physical memory up to max_phys. */
size_t pmm_bitmap_bytes(uint64_t max_phys);
/* Marks every frame used, then frees the frames fully inside the usable regions. Frame 0 stays
 * used so that 0 can mean "no frame". */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t max_phys, const struct pmm_region *usable,
              size_t n);
/* Marks [base, base+len) used (rounded outwards to frames). */
void pmm_reserve(struct pmm *p, uint64_t base, uint64_t len);
uint64_t pmm_alloc(struct pmm *p);                  /* physical address, or 0 */
uint64_t pmm_alloc_contig(struct pmm *p, size_t n); /* n contiguous frames, or 0 */
void pmm_free(struct pmm *p, uint64_t pa);
void pmm_free_contig(struct pmm *p, uint64_t pa, size_t n);
uint64_t pmm_free_count(const struct pmm *p);

/* The kernel's one allocator instance (kern/mem.c), zeroed frames through the direct map. */
extern struct pmm kernel_pmm;
uint64_t frame_alloc(void);          /* zeroed frame or 0 */
void frame_free(uint64_t pa);

#endif
