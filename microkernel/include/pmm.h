/* Physical frame allocator and frame table: a bitmap over all RAM the firmware reports as usable,
 * with the kernel image, the boot modules and the multiboot info reserved, and one struct frame
 * per frame (reference count; for a page-table frame its used entries and summary word). A
 * reserve of frames is kept for system allocations (docs/memory.md, "Exhaustion"). Pure logic,
 * host-testable: the caller gives it the regions and the memory for its bitmap and table.
 * Entry points: pmm_init, pmm_reserve, pmm_set_reserve, pmm_alloc, pmm_alloc_class,
 * pmm_alloc_contig, pmm_free, pmm_free_contig, pmm_ref, pmm_unref, pmm_frame, pmm_free_count. */
#ifndef KERN_PMM_H
#define KERN_PMM_H
#include <stddef.h>
#include <stdint.h>

#define PMM_FRAME 4096ull

struct pmm_region {
    uint64_t base, len;
};

/* One per physical frame. refs: holders of the frame (0 = free or never handed out, e.g. boot
 * modules); a page-table frame also counts its non-zero entries (used) and keeps a summary word:
 * bit i set = entries 8i..8i+7 are not all zero, so walks visit only populated entries. */
struct frame {
    uint32_t refs;
    uint16_t used;
    uint16_t flags;
    uint64_t summary;
};
_Static_assert(sizeof(struct frame) == 16, "the frame table costs 16 bytes a frame");

/* allocation classes: user allocations may not take the reserve */
enum pmm_class { PMM_SYSTEM = 0, PMM_USER = 1 };

struct pmm {
    uint64_t *bitmap;     /* bit set = frame used (or not RAM) */
    struct frame *frames; /* nframes entries */
    uint64_t nframes;     /* frames covered: [0, nframes * 4096) */
    uint64_t free;        /* frames currently free */
    uint64_t hint;        /* word index where the last allocation found space */
    uint64_t reserve;     /* free frames only system allocations may take */
};

/* Number of bytes the bitmap and the frame table need for physical memory up to max_phys. */
size_t pmm_bitmap_bytes(uint64_t max_phys);
size_t pmm_table_bytes(uint64_t max_phys);
/* Marks every frame used, then frees the frames fully inside the usable regions. Frame 0 stays
 * used so that 0 can mean "no frame". The frame table is zeroed. */
void pmm_init(struct pmm *p, uint64_t *bitmap, struct frame *frames, uint64_t max_phys,
              const struct pmm_region *usable, size_t n);
/* Marks [base, base+len) used (rounded outwards to frames). */
void pmm_reserve(struct pmm *p, uint64_t base, uint64_t len);
/* The reserve: max(min_frames, free frames / divisor) of the frames free now. */
void pmm_set_reserve(struct pmm *p, uint64_t min_frames, uint64_t divisor);
/* A frame with refs = 1 (physical address), or 0: none left, or only the reserve for a user one */
uint64_t pmm_alloc_class(struct pmm *p, enum pmm_class cls);
static inline uint64_t pmm_alloc(struct pmm *p) { return pmm_alloc_class(p, PMM_SYSTEM); }
uint64_t pmm_alloc_contig(struct pmm *p, size_t n); /* n contiguous frames (system), or 0 */
void pmm_free(struct pmm *p, uint64_t pa);          /* whatever its count */
void pmm_free_contig(struct pmm *p, uint64_t pa, size_t n);
uint64_t pmm_free_count(const struct pmm *p);

static inline struct frame *pmm_frame(const struct pmm *p, uint64_t pa)
{
    return &p->frames[pa / PMM_FRAME];
}
static inline void pmm_ref(struct pmm *p, uint64_t pa) { pmm_frame(p, pa)->refs++; }
/* drops one reference; frees the frame at 0 and returns 1 then */
int pmm_unref(struct pmm *p, uint64_t pa);

/* The kernel's one allocator instance (kern/mem.c), zeroed frames through the direct map. */
extern struct pmm kernel_pmm;
uint64_t frame_alloc(void);                        /* zeroed system frame (refs 1) or 0 */
uint64_t frame_alloc_class(enum pmm_class cls);    /* zeroed frame of a class or 0 */
void frame_free(uint64_t pa);                      /* drops a reference (frees at 0) */
static inline struct frame *frame_of(uint64_t pa) { return pmm_frame(&kernel_pmm, pa); }
static inline void frame_ref(uint64_t pa) { frame_of(pa)->refs++; }
static inline int frame_unref(uint64_t pa) { return pmm_unref(&kernel_pmm, pa); }

#endif
