/* Address spaces (see include/aspace.h and docs/memory.md). A space is a sorted array of regions
 * and page tables (kern/ptable.c) holding only what was touched: mapping records a region, the
 * first touch of a page (a user fault or a checked copy) asks the region what belongs there. */
#include <string.h>
#include "aspace.h"
#include "heap.h"
#include "kabi/kcalls.h"
#include "memobj.h"
#include "ptable.h"

uint64_t aspace_count, stat_zero_fill, stat_cow_copied, stat_cow_reused;

struct aspace *aspace_create(enum pmm_class cls)
{
    struct aspace *as = kzalloc(sizeof *as);
    if (!as)
        return NULL;
    as->pml4 = arch_pml4_create(cls);
    if (!as->pml4) {
        kfree(as);
        return NULL;
    }
    as->o.type = KOBJ_ASPACE;
    as->o.refs = 1;
    as->cls = cls;
    as->ptables = 1;
    aspace_count++;
    return as;
}

void aspace_destroy(struct aspace *as)
{
    arch_leave_pml4(as->pml4); /* never free the tables the CPU is using */
    pt_destroy(as);
    region_clear(&as->regions);
    aspace_count--;
    kfree(as);
}

struct aspace *aspace_fork(struct aspace *as, int *err)
{
    struct aspace *c = aspace_create(PMM_USER); /* a fork is never a system space */
    if (!c || region_copy(&c->regions, &as->regions) < 0 || pt_fork(as, c) < 0) {
        if (c)
            obj_put(&c->o);
        *err = -KE_NOMEM;
        return NULL;
    }
    return c;
}

static int range_ok(uint64_t va, uint64_t len)
{
    return (va & 0xFFF) == 0 && (len & 0xFFF) == 0 && len && va < USER_TOP && len <= USER_TOP - va;
}

int aspace_mapped(struct aspace *as, uint64_t va)
{
    return region_find(&as->regions, va) >= 0;
}

/* Adds region r over a free range; -KE_EXIST if any of it is mapped. */
static int add_region(struct aspace *as, const struct kregion *r)
{
    if (region_overlaps(&as->regions, r->start, r->end))
        return -KE_EXIST;
    return region_insert(&as->regions, r);
}

int aspace_map(struct aspace *as, uint64_t va, uint64_t len, uint32_t prot)
{
    if (!range_ok(va, len))
        return -KE_INVAL;
    if (prot & KMAP_SHARED) { /* shared anonymous memory: an object of its own */
        struct kmem *m = memobj_create(len, (enum pmm_class)as->cls);
        if (!m)
            return -KE_NOMEM;
        int e = aspace_map_mem(as, va, len, prot, KREG_SHARED, m, 0);
        obj_put(&m->o); /* the region holds it now (or nobody does) */
        return e;
    }
    struct kregion r = {va, va + len, prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC), 0, NULL, 0};
    return add_region(as, &r);
}

int aspace_map_mem(struct aspace *as, uint64_t va, uint64_t len, uint32_t prot, uint32_t flags,
                   struct kmem *m, uint64_t offset)
{
    if (!range_ok(va, len) || (offset & 0xFFF) || offset > MEMOBJ_MAX_SIZE)
        return -KE_INVAL;
    struct kregion r = {va, va + len, prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC),
                        flags & (KREG_SHARED | KREG_NOWRITE), m, offset};
    if (region_overlaps(&as->regions, va, va + len))
        return -KE_EXIST;
    if (region_hold(&as->regions, &r) < 0)
        return -KE_NOMEM;
    int e = region_insert(&as->regions, &r);
    if (e < 0)
        region_drop(&as->regions, &r);
    return e;
}

int aspace_map_phys(struct aspace *as, uint64_t va, uint64_t pa, uint64_t len, uint32_t prot,
                    int ref)
{
    if (!range_ok(va, len) || (pa & 0xFFF))
        return -KE_INVAL;
    prot &= KPROT_READ | KPROT_WRITE | KPROT_EXEC;
    struct kregion r = {va, va + len, prot, KREG_PHYS | (ref ? KREG_PHYS_REF : 0), NULL, pa};
    int e = add_region(as, &r);
    if (e < 0)
        return e;
    uint64_t bits = PTE_P | PTE_SHARED | pt_bits(prot) | (ref ? PTE_REF : 0);
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *slot = pt_slot(as, va + off, 1);
        if (!slot) {
            aspace_unmap(as, va, len);
            return -KE_NOMEM;
        }
        if (ref)
            frame_ref(pa + off);
        pt_install(as, slot, va + off, (pa + off) | bits);
    }
    return 0;
}

int aspace_unmap(struct aspace *as, uint64_t va, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!range_ok(va, len))
        return -KE_INVAL;
    /* unsharing first: it may fail, and it changes nothing a program sees */
    int e = pt_prepare(as, va, va + len, 1);
    if (e == 0)
        e = region_remove(&as->regions, va, va + len);
    if (e == 0)
        pt_clear(as, va, va + len);
    return e;
}

int aspace_protect(struct aspace *as, uint64_t va, uint64_t len, uint32_t prot)
{
    if (!range_ok(va, len))
        return -KE_INVAL;
    prot &= KPROT_READ | KPROT_WRITE | KPROT_EXEC;
    if (!region_covered(&as->regions, va, va + len))
        return -KE_FAULT;
    if (prot & KPROT_WRITE)
        for (uint32_t i = region_lower(&as->regions, va);
             i < as->regions.n && as->regions.v[i].start < va + len; i++)
            if (as->regions.v[i].flags & KREG_NOWRITE)
                return -KE_PERM;
    int e = pt_prepare(as, va, va + len, 0);
    if (e == 0)
        e = region_protect(&as->regions, va, va + len, prot);
    if (e == 0)
        pt_protect(as, va, va + len, prot);
    return e;
}

static int access_ok(const struct kregion *r, unsigned acc)
{
    if (!(r->prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC)))
        return 0;
    if (acc & AT_WRITE)
        return (r->prot & KPROT_WRITE) || ((acc & AT_FORCE) && !(r->flags & KREG_NOWRITE));
    if (acc & AT_EXEC)
        return r->prot & KPROT_EXEC;
    return 1;
}

/* A write to the present, not writable page *slot (the table private): a window's or shared
 * page is written in place; a private page is claimed if nobody else holds its frame, else
 * copied. */
static int break_cow(struct aspace *as, const struct kregion *r, uint64_t *slot, uint64_t va)
{
    uint64_t e = *slot;
    uint64_t w = r->prot & KPROT_WRITE ? PTE_W : 0;
    if (!(e & PTE_REF) || (e & PTE_SHARED)) {
        *slot = e | w; /* a forced write (w = 0) writes the frame as it is */
        return 0;
    }
    uint64_t pa = e & PTE_ADDR;
    if (frame_of(pa)->refs == 1) {
        stat_cow_reused += !!(e & PTE_COW);
        *slot = (e & ~PTE_COW) | w; /* only more permissive (or the same): no flush */
        return 0;
    }
    uint64_t n = pmm_alloc_class(&kernel_pmm, (enum pmm_class)as->cls);
    if (!n)
        return -KE_NOMEM;
    memcpy(phys_to_virt(n), phys_to_virt(pa), PAGE_SIZE);
    pt_install(as, slot, va, n | PTE_P | PTE_REF | pt_bits(r->prot));
    frame_unref(pa);
    stat_cow_copied++;
    return 0;
}

/* The entry for a missing page of region r at va, its frame reference taken: a zeroed frame
 * (anonymous), the object's page (shared, or a private read: copy-on-write over it), or a copy of
 * the object's page (a private write). */
static int fill(struct aspace *as, const struct kregion *r, uint64_t va, unsigned acc,
                uint64_t *entry)
{
    enum pmm_class cls = (enum pmm_class)as->cls;
    uint64_t bits = PTE_P | PTE_REF | pt_bits(r->prot), pa;
    if (r->flags & KREG_PHYS)
        return -KE_FAULT; /* windows are complete from the start */
    if (!r->mem) {
        if (!(pa = frame_alloc_class(cls)))
            return -KE_NOMEM;
        stat_zero_fill++;
        *entry = pa | bits;
        return 0;
    }
    uint64_t off = r->offset + (va - r->start);
    if (off >= r->mem->size)
        return -KE_RANGE;
    if ((r->flags & KREG_SHARED) || !(acc & AT_WRITE)) {
        if (!(pa = memobj_page(r->mem, off, 1, cls)))
            return -KE_NOMEM;
        frame_ref(pa);
        *entry = pa | (r->flags & KREG_SHARED ? bits | PTE_SHARED : (bits & ~PTE_W) | PTE_COW);
        return 0;
    }
    uint64_t src = memobj_page(r->mem, off, 0, cls);
    if (!(pa = src ? pmm_alloc_class(&kernel_pmm, cls) : frame_alloc_class(cls)))
        return -KE_NOMEM;
    if (src)
        memcpy(phys_to_virt(pa), phys_to_virt(src), PAGE_SIZE);
    *entry = pa | bits;
    return 0;
}

int aspace_touch(struct aspace *as, uint64_t va, unsigned acc)
{
    const struct kregion *r = as->last < as->regions.n ? &as->regions.v[as->last] : NULL;
    if (!r || va < r->start || va >= r->end) { /* not the region of the last touch */
        int ri = va < USER_TOP ? region_find(&as->regions, va) : -1;
        if (ri < 0)
            return -KE_FAULT;
        as->last = (uint32_t)ri;
        r = &as->regions.v[ri];
    }
    if (!access_ok(r, acc))
        return -KE_FAULT;
    va &= ~0xFFFull;
    uint64_t *slot = pt_slot(as, va, acc & AT_WRITE);
    if (!slot)
        return -KE_NOMEM;
    if (*slot) /* present: a read finds it now (a stale TLB entry); a write may need a copy */
        return !(acc & AT_WRITE) || (*slot & PTE_W) ? 0 : break_cow(as, r, slot, va);
    uint64_t e;
    int err = fill(as, r, va, acc, &e);
    if (err == 0)
        pt_install_new(as, slot, e);
    return err;
}

int aspace_fault(struct aspace *as, uint64_t va, uint64_t error)
{
    unsigned acc = error & 2 ? AT_WRITE : error & 16 ? AT_EXEC : AT_READ;
    return aspace_touch(as, va, acc);
}

/* A walk remembered across the pages of one copy: the page-directory entry of the 2 MiB that
 * the last page of a space was in, so the next page there costs one table read, not four (a
 * copy of a few KiB that is aligned differently on each side makes three chunks per side). A
 * touch (a fill, a copy-on-write break, a table made private) may change the tables: it bumps
 * walk_gen, which makes every remembered walk stale. */
struct uwalk {
    const struct aspace *as;
    uint64_t va2m, gen, pde;
};
static uint64_t walk_gen = 1; /* a zeroed uwalk (gen 0) is stale */

/* The leaf entry of va as the CPU sees it (pt_peek), through w. */
static inline uint64_t walk_peek(struct uwalk *w, const struct aspace *as, uint64_t va)
{
    if (w->as != as || w->va2m != va >> 21 || w->gen != walk_gen) {
        const uint64_t *pde = pt_pde(as, va);
        *w = (struct uwalk){as, va >> 21, walk_gen, pde ? *pde : 0};
    }
    if (!w->pde)
        return 0;
    uint64_t e = pt_table(w->pde)[(va >> 12) & 511];
    return w->pde & PTE_W ? e : e & ~PTE_W;
}

/* user_ptr's way when the page does not allow the access yet: touch it (a fill, a copy-on-write
 * break), which may change the tables, so every remembered walk goes stale. */
static uint8_t *user_ptr_touch(struct aspace *as, uint64_t uva, unsigned acc)
{
    walk_gen++;
    if (aspace_touch(as, uva, acc) < 0)
        return NULL;
    uint64_t e = pt_peek(as, uva); /* a forced write may leave W clear: the frame is ours now */
    if ((e & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
        return NULL;
    return (uint8_t *)phys_to_virt(e & PTE_ADDR) + (uva & 0xFFF);
}

/* Kernel pointer to the user byte at uva, or NULL; the page is made to allow the access.
 * Inline: the common case (present, allowed) is a few instructions per page of every copy. */
static inline __attribute__((always_inline)) uint8_t *user_ptr(struct aspace *as, uint64_t uva,
                                                               unsigned acc, struct uwalk *w)
{
    if (uva >= USER_TOP)
        return NULL;
    uint64_t e = walk_peek(w, as, uva);
    const uint64_t need = PTE_P | PTE_U | (acc & AT_WRITE ? PTE_W : 0);
    if (__builtin_expect((e & need) != need, 0))
        return user_ptr_touch(as, uva, acc);
    return (uint8_t *)phys_to_virt(e & PTE_ADDR) + (uva & 0xFFF);
}

/* Copies between kernel memory k and user memory at uva, page by page (out: to the user). */
static int copy_user(struct aspace *as, uint64_t uva, uint8_t *k, uint64_t len, int out)
{
    if (len > USER_TOP || uva + len < uva)
        return -KE_FAULT;
    struct uwalk w = {0};
    while (len) {
        uint64_t chunk = PAGE_SIZE - (uva & 0xFFF);
        if (chunk > len)
            chunk = len;
        uint8_t *u = user_ptr(as, uva, out ? AT_WRITE : AT_READ, &w);
        if (!u)
            return -KE_FAULT;
        if (out)
            memcpy(u, k, chunk);
        else
            memcpy(k, u, chunk);
        k += chunk, uva += chunk, len -= chunk;
    }
    return 0;
}

int aspace_copy_in(struct aspace *as, void *dst, uint64_t uva, uint64_t len)
{
    return copy_user(as, uva, dst, len, 0);
}

int aspace_copy_out(struct aspace *as, uint64_t uva, const void *src, uint64_t len)
{
    return copy_user(as, uva, (uint8_t *)src, len, 1);
}

int aspace_copy(struct aspace *src, uint64_t sva, struct aspace *dst, uint64_t dva, uint64_t len,
                int force)
{
    if (len > USER_TOP || sva + len < sva || dva + len < dva)
        return -KE_FAULT;
    struct uwalk dw = {0}, sw = {0}; /* a touch of either makes both stale (walk_gen) */
    /* each side's page is looked up when the copy enters it, not at every chunk: two sides
     * aligned differently make three chunks per page but two lookups per side */
    uint8_t *d = NULL, *s = NULL;
    uint64_t dleft = 0, sleft = 0, sgen = 0;
    const unsigned dacc = AT_WRITE | (force ? AT_FORCE : 0);
    while (len) {
        /* the destination first: breaking its copy-on-write may replace its frame, and the
         * source (perhaps that very page) is looked up after any touch, so it reads the frame
         * in place */
        if (!dleft) {
            if (!(d = user_ptr(dst, dva, dacc, &dw)))
                return -KE_FAULT;
            dleft = PAGE_SIZE - (dva & 0xFFF);
        }
        if (!sleft || sgen != walk_gen) {
            if (!(s = user_ptr(src, sva, AT_READ, &sw)))
                return -KE_FAULT;
            sleft = PAGE_SIZE - (sva & 0xFFF);
            sgen = walk_gen;
        }
        uint64_t chunk = len < dleft ? len : dleft;
        if (sleft < chunk)
            chunk = sleft;
        memmove(d, s, chunk);
        d += chunk, s += chunk, dleft -= chunk, sleft -= chunk;
        sva += chunk, dva += chunk, len -= chunk;
    }
    return 0;
}
