/* The regions of an address space: a sorted array of non-overlapping ranges, each saying what
 * backs it (anonymous zero pages, a memory object's pages at an offset, or a physical window) and
 * with which protection. Page tables hold only what was touched; a fault asks the region.
 * Pure logic over the heap, host-tested (tests/host/kernel/test_region.c).
 * Entry points: region_find, region_lower, region_overlaps, region_covered, region_insert,
 * region_remove, region_protect, region_copy, region_clear. */
#ifndef KERN_REGION_H
#define KERN_REGION_H
#include <stdint.h>

#define REGION_MAX 65530 /* regions per space, as Linux's vm.max_map_count */

struct kmem;

#define KREG_SHARED 0x1  /* the object's pages themselves (else private: copy-on-write) */
#define KREG_PHYS 0x2    /* a physical window (offset = physical address): entries made at map */
#define KREG_PHYS_REF 0x4 /* the window's entries hold frame references (IPC buffers) */
#define KREG_NOWRITE 0x8 /* shared, mapped without the right to write: never made writable */

struct kregion {
    uint64_t start, end; /* page-aligned, end exclusive */
    uint32_t prot;       /* KPROT_* */
    uint32_t flags;      /* KREG_* */
    struct kmem *mem;    /* backing object, or NULL (anonymous private, or KREG_PHYS) */
    uint64_t offset;     /* object offset (or physical address) of start */
};

struct kmem_user;
struct region_set {
    struct kregion *v;
    uint32_t n, cap;
    struct kmem_user *users;   /* kern/memobj.c's: the objects its regions map */
    uint32_t nusers;           /* the length of users */
};

/* Hooks for regions with an object (kern/memobj.c): another region of rs maps r->mem now
 * (a split, a copy: -KE_NOMEM possible only for the first region of rs on that object), or one
 * is gone. */
int region_hold(struct region_set *rs, const struct kregion *r);
void region_drop(struct region_set *rs, const struct kregion *r);

/* The index of the region containing va, or -1. A binary search. */
static inline int region_find(const struct region_set *rs, uint64_t va)
{
    uint32_t lo = 0, hi = rs->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        const struct kregion *r = &rs->v[mid];
        if (va < r->start)
            hi = mid;
        else if (va >= r->end)
            lo = mid + 1;
        else
            return (int)mid;
    }
    return -1;
}
/* The index of the first region ending after va (rs->n if none). */
uint32_t region_lower(const struct region_set *rs, uint64_t va);
int region_overlaps(const struct region_set *rs, uint64_t start, uint64_t end);
int region_covered(const struct region_set *rs, uint64_t start, uint64_t end); /* no gap */

/* Adds r over a free range (the caller checked), merging it with compatible neighbours; r's hold
 * on its object passes to the set. 0 or -KE_NOMEM (the limit, or no memory: nothing changed). */
int region_insert(struct region_set *rs, const struct kregion *r);
/* Removes [start, end) from every region it touches, splitting where it cuts one. 0 or
 * -KE_NOMEM (a cut in the middle of a region at the limit: nothing changed). */
int region_remove(struct region_set *rs, uint64_t start, uint64_t end);
/* Sets the protection of [start, end) (which regions must cover), splitting at its ends and
 * merging what becomes compatible. 0 or -KE_NOMEM (nothing changed). */
int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint32_t prot);
/* dst (empty) becomes a copy of src, holding each object again. 0 or -KE_NOMEM (dst empty). */
int region_copy(struct region_set *dst, const struct region_set *src);
/* Drops every region and the array. */
void region_clear(struct region_set *rs);

#endif
