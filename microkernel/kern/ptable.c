/* User page tables (see include/ptable.h). Levels: PML4 (user half: entries 0..255), PDPT, PD,
 * leaf table. Every change of an entry between zero and non-zero goes through ent_set, which keeps
 * the table frame's used count and summary word; upper entries are permissive (P, W, U) except a
 * PD entry with W clear, which points at a leaf table shared with other spaces. */
#include <string.h>
#include "aspace.h"
#include "kprintf.h"
#include "pmm.h"
#include "ptable.h"

#define PT_UPPER (PTE_P | PTE_W | PTE_U)
#define PT_KEEP (PTE_ADDR | PTE_P | PTE_REF | PTE_COW | PTE_SHARED) /* what protect keeps */
#define FLUSH_PAGES 32 /* more changed pages than this in the CPU's space: reload CR3 instead */

uint64_t stat_pt_shared, stat_pt_unshared;

static inline uint64_t *tbl(uint64_t e) { return phys_to_virt(e & PTE_ADDR); }

/* entry i of table t (of frame f) becomes v, keeping f's used count and summary word */
static inline void ent_set(uint64_t *t, struct frame *f, unsigned i, uint64_t v)
{
    uint64_t old = t[i];
    t[i] = v;
    if (!old == !v)
        return;
    if (v) {
        f->used++;
        f->summary |= 1ull << (i >> 3);
        return;
    }
    f->used--;
    const uint64_t *g = &t[i & ~7u];
    if (!(g[0] | g[1] | g[2] | g[3] | g[4] | g[5] | g[6] | g[7]))
        f->summary &= ~(1ull << (i >> 3));
}

/* the first populated entry of t (frame f) in [i, last], or 512 */
static inline unsigned next_used(const uint64_t *t, const struct frame *f, unsigned i,
                                 unsigned last)
{
    while (i <= last) {
        uint64_t s = f->summary >> (i >> 3);
        if (!s)
            return 512;
        unsigned g = (unsigned)__builtin_ctzll(s) + (i >> 3); /* first populated group from i's */
        if (g > i >> 3)
            i = g << 3;
        for (unsigned end = (g << 3) + 8; i < end && i <= last; i++)
            if (t[i])
                return i;
    }
    return 512;
}

static int is_current(const struct aspace *as) { return arch_current_pml4() == as->pml4; }

static uint64_t table_alloc(struct aspace *as)
{
    uint64_t pa = frame_alloc_class((enum pmm_class)as->cls);
    if (pa)
        as->ptables++;
    return pa;
}

/* a table of this space (an upper one, or a private leaf) whose entries are all gone */
static void table_free(struct aspace *as, uint64_t pa)
{
    as->ptables--;
    pmm_free(&kernel_pmm, pa);
}

/* Drops this space's reference on a leaf table (its whole 2 MiB leaves the space); the last
 * reference drops the references its entries hold. */
static void leaf_put(struct aspace *as, uint64_t pa)
{
    struct frame *f = frame_of(pa);
    as->pages -= f->used;
    as->ptables--;
    if (--f->refs)
        return;
    const uint64_t *t = tbl(pa);
    for (unsigned i = next_used(t, f, 0, 511); i < 512; i = next_used(t, f, i + 1, 511))
        if (t[i] & PTE_REF)
            frame_unref(t[i] & PTE_ADDR);
    pmm_free(&kernel_pmm, pa);
}

/* Makes the leaf table behind *pde (a PD entry with W clear) private to as: a table nobody else
 * holds any more just gets W back; otherwise a copy, whose entries take their own references and
 * whose private pages become copy-on-write, in the copy and in the original (the frames are
 * shared now). 0 or -KE_NOMEM. */
static int unshare(struct aspace *as, uint64_t *pde, uint64_t va)
{
    uint64_t old = *pde & PTE_ADDR;
    struct frame *of = frame_of(old);
    if (of->refs == 1) {
        *pde |= PTE_W;
        return 0;
    }
    uint64_t n = pmm_alloc_class(&kernel_pmm, (enum pmm_class)as->cls); /* every entry is written */
    if (!n)
        return -KE_NOMEM;
    uint64_t *src = tbl(old), *dst = tbl(n);
    for (unsigned g = 0; g < 64; g++) {
        if (!(of->summary & (1ull << g))) {
            memset(&dst[g * 8], 0, 64);
            continue;
        }
        for (unsigned i = g * 8; i < g * 8 + 8; i++) {
            uint64_t e = src[i];
            if (e & PTE_REF) {
                frame_ref(e & PTE_ADDR);
                if (!(e & PTE_SHARED))
                    src[i] = e = (e & ~PTE_W) | PTE_COW;
            }
            dst[i] = e;
        }
    }
    struct frame *nf = frame_of(n);
    nf->used = of->used;
    nf->summary = of->summary;
    of->refs--;
    *pde = n | PT_UPPER;
    stat_pt_unshared++;
    if (is_current(as))
        arch_flush_page(va); /* and the CPU's cached view of the PD entry */
    return 0;
}

/* the PD entry of va, creating the upper tables if create; NULL if absent or no memory */
static uint64_t *pd_entry(struct aspace *as, uint64_t va, int create)
{
    uint64_t tpa = as->pml4;
    for (int shift = 39; shift > 21; shift -= 9) {
        uint64_t *t = tbl(tpa);
        unsigned i = (va >> shift) & 511;
        if (!t[i]) {
            uint64_t n = create ? table_alloc(as) : 0;
            if (!n)
                return NULL;
            ent_set(t, frame_of(tpa), i, n | PT_UPPER);
        }
        tpa = t[i] & PTE_ADDR;
    }
    return &tbl(tpa)[(va >> 21) & 511];
}

uint64_t pt_peek(struct aspace *as, uint64_t va)
{
    uint64_t *pde = pd_entry(as, va, 0);
    if (!pde || !*pde)
        return 0;
    uint64_t e = tbl(*pde)[(va >> 12) & 511];
    return *pde & PTE_W ? e : e & ~PTE_W;
}

uint64_t *pt_slot(struct aspace *as, uint64_t va, int modify)
{
    uint64_t *pde = pd_entry(as, va, 1);
    if (!pde)
        return NULL;
    if (!*pde) {
        uint64_t n = table_alloc(as);
        if (!n)
            return NULL;
        uint64_t pd_pa = virt_to_phys(pde) & ~0xFFFull;
        ent_set(tbl(pd_pa), frame_of(pd_pa), ((uint64_t)pde & 0xFFF) / 8, n | PT_UPPER);
    } else if (modify && !(*pde & PTE_W) && unshare(as, pde, va) < 0) {
        return NULL;
    }
    return &tbl(*pde)[(va >> 12) & 511];
}

void pt_install(struct aspace *as, uint64_t *slot, uint64_t va, uint64_t v)
{
    uint64_t pa = virt_to_phys(slot) & ~0xFFFull;
    uint64_t old = *slot;
    ent_set(tbl(pa), frame_of(pa), ((uint64_t)slot & 0xFFF) / 8, v);
    as->pages += !old - !v;
    if (old && is_current(as))
        arch_flush_page(va);
}

/* ---- range walks ------------------------------------------------------------------------ */

enum { OP_PREPARE, OP_CLEAR, OP_PROTECT };

struct walk {
    struct aspace *as;
    uint64_t start, end;
    int op, whole_drop, err, current;
    uint64_t bits;    /* protect: the new hardware bits */
    uint64_t flushed; /* pages changed in the CPU's space */
};

static void changed(struct walk *w, uint64_t va)
{
    if (w->current && w->flushed++ < FLUSH_PAGES)
        arch_flush_page(va);
}

/* the entries of the leaf table at pa (va base) that lie in the walk's range */
static void walk_leaf(struct walk *w, uint64_t pa, uint64_t base, unsigned first, unsigned last)
{
    uint64_t *t = tbl(pa);
    struct frame *f = frame_of(pa);
    for (unsigned i = next_used(t, f, first, last); i <= last && i < 512;
         i = next_used(t, f, i + 1, last)) {
        uint64_t e = t[i];
        if (w->op == OP_CLEAR) {
            ent_set(t, f, i, 0);
            w->as->pages--;
            if (e & PTE_REF)
                frame_unref(e & PTE_ADDR);
        } else {
            uint64_t v = (e & PT_KEEP) | w->bits;
            t[i] = e & PTE_COW ? v & ~PTE_W : v;
        }
        changed(w, base + ((uint64_t)i << 12));
    }
}

/* entries of table pa at `level` (4: PML4, 3: PDPT, 2: PD) whose span meets the range */
static void walk_level(struct walk *w, uint64_t pa, int level, uint64_t base)
{
    uint64_t *t = tbl(pa);
    struct frame *f = frame_of(pa);
    int shift = 12 + 9 * (level - 1);
    uint64_t span = 1ull << shift;
    unsigned first = w->start <= base ? 0 : (unsigned)((w->start - base) >> shift);
    uint64_t top = base + (span << 9);
    unsigned last = (unsigned)(((w->end < top ? w->end : top) - 1 - base) >> shift);
    for (unsigned i = next_used(t, f, first, last); i <= last && i < 512 && !w->err;
         i = next_used(t, f, i + 1, last)) {
        uint64_t va = base + ((uint64_t)i << shift), e = t[i], cpa = e & PTE_ADDR;
        int whole = w->start <= va && va + span <= w->end;
        if (level > 2) {
            walk_level(w, cpa, level - 1, va);
        } else {
            unsigned lf = whole || w->start <= va ? 0 : (unsigned)((w->start - va) >> 12);
            unsigned ll = whole || w->end >= va + span ? 511 : (unsigned)((w->end - 1 - va) >> 12);
            int shared = !(e & PTE_W);
            if (w->op == OP_CLEAR && whole) {
                leaf_put(w->as, cpa);
                ent_set(t, f, i, 0);
                changed(w, va);
                continue;
            }
            if (shared && next_used(tbl(cpa), frame_of(cpa), lf, ll) == 512)
                continue; /* nothing of the range in it: no need to touch it */
            if (w->op == OP_PREPARE) {
                if (shared && !(whole && w->whole_drop))
                    w->err = unshare(w->as, &t[i], va);
                continue;
            }
            if (shared) {
                if (frame_of(cpa)->refs > 1)
                    panic("ptable: change of a shared table at %lx without pt_prepare", va);
                t[i] |= PTE_W;
            }
            walk_leaf(w, cpa, va, lf, ll);
        }
        if (w->op == OP_CLEAR && !frame_of(cpa)->used) { /* emptied: the table goes */
            ent_set(t, f, i, 0);
            table_free(w->as, cpa);
            changed(w, va);
        }
    }
}

static int walk_range(struct aspace *as, uint64_t start, uint64_t end, int op, int whole_drop,
                      uint64_t bits)
{
    struct walk w = {as, start, end, op, whole_drop, 0, is_current(as), bits, 0};
    if (start < end)
        walk_level(&w, as->pml4, 4, 0);
    if (w.flushed > FLUSH_PAGES)
        arch_flush_all();
    return w.err;
}

int pt_prepare(struct aspace *as, uint64_t start, uint64_t end, int whole_drop)
{
    return walk_range(as, start, end, OP_PREPARE, whole_drop, 0);
}

void pt_clear(struct aspace *as, uint64_t start, uint64_t end)
{
    walk_range(as, start, end, OP_CLEAR, 1, 0);
}

void pt_protect(struct aspace *as, uint64_t start, uint64_t end, uint32_t prot)
{
    walk_range(as, start, end, OP_PROTECT, 0, pt_bits(prot));
}

/* ---- fork and teardown ------------------------------------------------------------------ */

/* Copies the table at pa (level 4..2) into child's table cpa: upper tables get copies, and a PD's
 * leaf tables are shared (W cleared in both PD entries, one more reference). */
static int fork_level(struct aspace *child, uint64_t pa, uint64_t cpa, int level)
{
    uint64_t *t = tbl(pa), *ct = tbl(cpa);
    struct frame *f = frame_of(pa), *cf = frame_of(cpa);
    unsigned last = level == 4 ? 255 : 511;
    for (unsigned i = next_used(t, f, 0, last); i <= last && i < 512;
         i = next_used(t, f, i + 1, last)) {
        if (level == 2) {
            t[i] &= ~PTE_W;
            struct frame *lf = frame_of(t[i] & PTE_ADDR);
            lf->refs++;
            ent_set(ct, cf, i, t[i]);
            child->ptables++;
            child->pages += lf->used;
            stat_pt_shared++;
            continue;
        }
        uint64_t n = table_alloc(child);
        if (!n)
            return -KE_NOMEM;
        ent_set(ct, cf, i, n | PT_UPPER);
        if (fork_level(child, t[i] & PTE_ADDR, n, level - 1) < 0)
            return -KE_NOMEM;
    }
    return 0;
}

int pt_fork(struct aspace *parent, struct aspace *child)
{
    int r = fork_level(child, parent->pml4, child->pml4, 4);
    if (is_current(parent))
        arch_flush_all(); /* its TLB may still allow writes through the tables now shared */
    return r;
}

void pt_destroy(struct aspace *as)
{
    walk_range(as, 0, USER_TOP, OP_CLEAR, 1, 0);
    pmm_free(&kernel_pmm, as->pml4);
    as->ptables = 0;
}
