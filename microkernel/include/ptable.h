/* The page tables of user address spaces (x86_64 4-level format, through arch.h's entry bits),
 * with the frame table's bookkeeping: every table frame counts its used entries and keeps a
 * summary word, so walks visit only populated entries and empty tables are freed at once; a leaf
 * table may be shared by several spaces after a fork (its PD entries then have W clear and its
 * frame's reference count is the number of PD entries pointing at it) until one of them changes
 * it. See docs/memory.md. Entry points: pt_slot, pt_peek, pt_install, pt_prepare, pt_clear,
 * pt_protect, pt_fork, pt_destroy, pt_bits. */
#ifndef KERN_PTABLE_H
#define KERN_PTABLE_H
#include <stdint.h>
#include "arch.h"
#include "obj.h"

/* software bits of a leaf entry (docs/memory.md, "Page-table entries") */
#define PTE_REF (1ull << 9)     /* the entry holds one reference on its frame */
#define PTE_COW (1ull << 10)    /* private page that may be shared: a write copies (or claims) it */
#define PTE_SHARED (1ull << 11) /* shared region or window: stays writable across fork, never COW */

/* The hardware bits for a KPROT_* protection. PROT_NONE: present for the kernel's bookkeeping but
 * not a user page (x86 has no "present but inaccessible" user page). */
static inline uint64_t pt_bits(uint32_t prot)
{
    if (!(prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC)))
        return PTE_NX;
    uint64_t f = PTE_U;
    if (prot & KPROT_WRITE)
        f |= PTE_W;
    if (!(prot & KPROT_EXEC))
        f |= PTE_NX;
    return f;
}

/* The leaf entry of va as the CPU sees it (W clear if the table is shared), or 0. */
uint64_t pt_peek(struct aspace *as, uint64_t va);
/* The leaf slot of va, creating missing tables (charged to the space's class); with `modify`, a
 * shared table is first made private (unshared). NULL: no memory. */
uint64_t *pt_slot(struct aspace *as, uint64_t va, int modify);
/* Writes v into the slot of va (from pt_slot with modify), keeping the counts; flushes the TLB
 * entry if the space is the CPU's. The caller has taken v's frame reference. */
void pt_install(struct aspace *as, uint64_t *slot, uint64_t va, uint64_t v);

/* Range operations over [start, end) (page-aligned): they visit only populated entries.
 * pt_prepare makes private every shared table that pt_clear (whole_drop: a 2 MiB block it covers
 * whole is dropped, not unshared) or pt_protect would change; 0 or -KE_NOMEM, and unsharing
 * changes nothing a program can see, so a failure leaves the space as it was. After it, pt_clear
 * and pt_protect cannot fail. */
int pt_prepare(struct aspace *as, uint64_t start, uint64_t end, int whole_drop);
void pt_clear(struct aspace *as, uint64_t start, uint64_t end);
void pt_protect(struct aspace *as, uint64_t start, uint64_t end, uint32_t prot);

/* child (empty) gets parent's tables: upper tables copied, leaf tables shared (their PD entries
 * lose W in both). 0 or -KE_NOMEM (child then holds what was made; destroy it). */
int pt_fork(struct aspace *parent, struct aspace *child);
/* every table and every frame reference of the space, the top level included */
void pt_destroy(struct aspace *as);

/* counters since boot (mem_info) */
extern uint64_t stat_pt_shared, stat_pt_unshared;

#endif
