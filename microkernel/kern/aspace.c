/* Address-space objects (see include/aspace.h). Pages the space owns carry PTE_OWNED so that
 * destruction frees exactly those frames and never a shared one (IPC buffers, the initrd). */
#include <string.h>
#include "aspace.h"
#include "heap.h"
#include "kabi/kcalls.h"
#include "pmm.h"

#define PTE_OWNED (1ull << 9) /* an "available" bit: this space allocated the frame */
#define PTE_LAZY (1ull << 10) /* not present yet: a zeroed frame is put there on first touch */

uint64_t aspace_count;

struct aspace *aspace_create(void)
{
    struct aspace *as = kzalloc(sizeof *as);
    if (!as)
        return NULL;
    as->pml4 = arch_pml4_create();
    if (!as->pml4) {
        kfree(as);
        return NULL;
    }
    as->o.type = KOBJ_ASPACE;
    as->o.refs = 1;
    aspace_count++;
    return as;
}

static int range_ok(uint64_t va, uint64_t len)
{
    return (va & 0xFFF) == 0 && (len & 0xFFF) == 0 && len && va < USER_TOP && len <= USER_TOP - va;
}

static uint64_t prot_flags(int prot)
{
    /* PROT_NONE: present for the kernel's bookkeeping but not a user page, so user accesses fault
     * and the checked copies refuse it (x86 has no "present but inaccessible" user page) */
    if (!(prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC)))
        return PTE_NX;
    uint64_t f = PTE_U;
    if (prot & KPROT_WRITE)
        f |= PTE_W;
    if (!(prot & KPROT_EXEC))
        f |= PTE_NX;
    return f;
}

/* frees the frame behind pte if the space owns it */
static void drop_pte(struct aspace *as, uint64_t pte)
{
    if (pte & PTE_OWNED) {
        frame_free(pte & PTE_ADDR);
        as->pages--;
    }
}

/* The leaf entry of va, walking the tables only when va starts a new 2 MiB block (entries of
 * one block are consecutive): *cursor carries the previous slot between calls. */
static uint64_t *next_slot(struct aspace *as, uint64_t va, uint64_t **cursor, int create)
{
    if (*cursor && (va & 0x1FFFFF))
        return ++*cursor;
    *cursor = arch_pte_slot(as->pml4, va, create);
    return *cursor;
}

int aspace_mapped(struct aspace *as, uint64_t va)
{
    uint64_t *e = arch_pte_slot(as->pml4, va, 0);
    return e && (*e & (PTE_P | PTE_LAZY));
}

/* Anonymous memory is demand-zero: mapping only records the protection in not-present entries;
 * the first touch (a user page fault, or a checked copy) puts a zeroed frame there. A 1 MiB
 * stack of which a program touches three pages costs three frames. */
int aspace_map(struct aspace *as, uint64_t va, uint64_t len, int prot)
{
    if (!range_ok(va, len))
        return -KE_INVAL;
    uint64_t *cur = NULL;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        if ((va + off) % 0x200000 == 0 || !cur)
            cur = arch_pte_slot(as->pml4, va + off, 0);
        else
            cur++;
        if (cur && (*cur & (PTE_P | PTE_LAZY)))
            return -KE_EXIST;
        if (!cur) /* no table for this 2 MiB block: nothing mapped in it */
            off = ((va + off + 0x200000) & ~0x1FFFFFull) - va - PAGE_SIZE;
    }
    cur = NULL;
    uint64_t flags = PTE_LAZY | PTE_OWNED | prot_flags(prot);
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *e = next_slot(as, va + off, &cur, 1);
        if (!e) {
            aspace_unmap(as, va, off); /* undo: all or nothing */
            return -KE_NOMEM;
        }
        *e = flags;
    }
    return 0;
}

/* Puts a zeroed frame behind a lazy entry; 0, or -KE_NOMEM. */
static int materialize(struct aspace *as, uint64_t *e)
{
    uint64_t pa = frame_alloc();
    if (!pa)
        return -KE_NOMEM;
    *e = pa | (*e & ~PTE_LAZY) | PTE_P;
    as->pages++;
    return 0;
}

int aspace_fault_in(struct aspace *as, uint64_t va)
{
    if (va >= USER_TOP)
        return -KE_FAULT;
    uint64_t *e = arch_pte_slot(as->pml4, va, 0);
    if (!e || (*e & PTE_P) || !(*e & PTE_LAZY))
        return -KE_FAULT;
    return materialize(as, e);
}

int aspace_map_phys(struct aspace *as, uint64_t va, uint64_t pa, uint64_t len, int prot)
{
    if (!range_ok(va, len) || (pa & 0xFFF))
        return -KE_INVAL;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        if (arch_map(as->pml4, va + off, pa + off, prot_flags(prot)) < 0)
            return -KE_NOMEM;
    return 0;
}

int aspace_unmap(struct aspace *as, uint64_t va, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!range_ok(va, len))
        return -KE_INVAL;
    uint64_t *cur = NULL;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *e = next_slot(as, va + off, &cur, 0);
        if (!e) { /* no table: skip to the next 2 MiB block */
            off = ((va + off + 0x200000) & ~0x1FFFFFull) - va - PAGE_SIZE;
            continue;
        }
        uint64_t old = *e;
        *e = 0;
        if (old & PTE_P) {
            drop_pte(as, old);
            arch_flush_page(va + off);
        }
    }
    return 0;
}

int aspace_protect(struct aspace *as, uint64_t va, uint64_t len, int prot)
{
    if (!range_ok(va, len))
        return -KE_INVAL;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        if (!aspace_mapped(as, va + off))
            return -KE_FAULT;
    uint64_t *cur = NULL;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *e = next_slot(as, va + off, &cur, 0);
        uint64_t keep = *e & (PTE_ADDR | PTE_OWNED | PTE_LAZY | PTE_P);
        *e = keep | prot_flags(prot);
        if (keep & PTE_P)
            arch_flush_page(va + off);
    }
    return 0;
}

/* Kernel pointer to the user byte at uva, or NULL; the mapping must allow the access. */
static uint8_t *user_ptr(struct aspace *as, uint64_t uva, int write)
{
    if (uva >= USER_TOP)
        return NULL;
    uint64_t *e = arch_pte_slot(as->pml4, uva, 0);
    if (!e)
        return NULL;
    uint64_t pte = *e;
    if (!(pte & PTE_U) || (write && !(pte & PTE_W)))
        return NULL;
    if (!(pte & PTE_P)) {
        if (!(pte & PTE_LAZY) || materialize(as, e) < 0)
            return NULL;
        pte = *e;
    }
    return (uint8_t *)phys_to_virt(pte & PTE_ADDR) + (uva & 0xFFF);
}

/* Copies between kernel memory k and user memory at uva, page by page (out: to the user). */
static int copy_user(struct aspace *as, uint64_t uva, uint8_t *k, uint64_t len, int out)
{
    if (len > USER_TOP || uva + len < uva)
        return -KE_FAULT;
    while (len) {
        uint64_t chunk = PAGE_SIZE - (uva & 0xFFF);
        if (chunk > len)
            chunk = len;
        uint8_t *u = user_ptr(as, uva, out);
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
    while (len) {
        uint64_t chunk = PAGE_SIZE - (sva & 0xFFF);
        if (PAGE_SIZE - (dva & 0xFFF) < chunk)
            chunk = PAGE_SIZE - (dva & 0xFFF);
        if (chunk > len)
            chunk = len;
        uint8_t *s = user_ptr(src, sva, 0), *d = user_ptr(dst, dva, !force);
        if (!s || !d)
            return -KE_FAULT;
        memmove(d, s, chunk);
        sva += chunk, dva += chunk, len -= chunk;
    }
    return 0;
}

/* Frees every owned frame and the page tables. */
static void free_owned(uint64_t table_pa, int level, struct aspace *as)
{
    uint64_t *t = phys_to_virt(table_pa);
    for (int i = 0; i < (level == 4 ? 256 : 512); i++) {
        if (!(t[i] & PTE_P))
            continue;
        if (level == 1)
            drop_pte(as, t[i]);
        else
            free_owned(t[i] & PTE_ADDR, level - 1, as);
    }
}

void aspace_destroy(struct aspace *as)
{
    arch_leave_pml4(as->pml4); /* never free the tables the CPU is using */
    free_owned(as->pml4, 4, as);
    if (arch_kernel_pml4() != as->pml4)
        arch_pml4_destroy(as->pml4);
    aspace_count--;
    kfree(as);
}
