/* Kernel calls on address spaces and memory objects (docs/kernel-abi.md): map, unmap, protect,
 * the checked copies between spaces, fork, and what a space and the machine's memory hold.
 * Entry points: the sys_* functions named in include/kcall.h, called through kern/kcall.c's table. */
#include "aspace.h"
#include "heap.h"
#include "ipc.h"
#include "kcall.h"
#include "memobj.h"
#include "ptable.h"
#include "thread.h"

/* a new object's handle for the caller: the table's reference becomes the only one */
static int64_t hand_out(struct kobj *o, uint32_t type, uint32_t rights)
{
    if (!o)
        return -KE_NOMEM;
    int h = cspace_insert(current->cs, o, type, rights, 0, 0);
    obj_put(o);
    return h;
}

int64_t sys_as_create(ARGS)
{
    UNUSED_ARGS;
    struct aspace *as = aspace_create(PMM_USER); /* never a system space: see docs/memory.md */
    return hand_out(as ? &as->o : NULL, KOBJ_ASPACE, KR_MAP);
}

int64_t sys_as_map(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    return aspace_map((struct aspace *)as_cap->obj, a1, a2, (uint32_t)a3);
}

int64_t sys_as_unmap(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    return aspace_unmap((struct aspace *)as_cap->obj, a1, a2);
}

int64_t sys_as_protect(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    return aspace_protect((struct aspace *)as_cap->obj, a1, a2, (uint32_t)a3);
}

/* The bytes of a len-byte copy or commit this entry does (include/kcall.h: KCALL_CHUNK). */
static uint64_t chunk_of(uint64_t len)
{
    return len < KCALL_CHUNK ? len : KCALL_CHUNK;
}

/* A checked copy's range, refused whole before any chunk is copied, as aspace_copy would. */
static int copy_range_bad(uint64_t sva, uint64_t dva, uint64_t len)
{
    return len > USER_TOP || sva + len < sva || dva + len < dva;
}

int64_t sys_as_read(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    if (copy_range_bad(a1, a2, a3))
        return -KE_FAULT;
    uint64_t d = kcall_done, n = chunk_of(a3 - d);
    int e = aspace_copy((struct aspace *)as_cap->obj, a1 + d, current->as, a2 + d, n, 0);
    return e < 0 || d + n == a3 ? e : kcall_again(d + n);
}

int64_t sys_as_write(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    if (copy_range_bad(a2, a1, a3))
        return -KE_FAULT;
    uint64_t d = kcall_done, n = chunk_of(a3 - d);
    int e = aspace_copy(current->as, a2 + d, (struct aspace *)as_cap->obj, a1 + d, n,
                        a4 & KAS_FORCE);
    return e < 0 || d + n == a3 ? e : kcall_again(d + n);
}

int64_t sys_as_copy(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(src, a0, KOBJ_ASPACE, KR_MAP);
    LOOKUP(dst, a2, KOBJ_ASPACE, KR_MAP);
    if (copy_range_bad(a1, a3, a4))
        return -KE_FAULT;
    uint64_t d = kcall_done, n = chunk_of(a4 - d);
    int e = aspace_copy((struct aspace *)src_cap->obj, a1 + d, (struct aspace *)dst_cap->obj,
                        a3 + d, n, a5 & KAS_FORCE);
    return e < 0 || d + n == a4 ? e : kcall_again(d + n);
}

int64_t sys_as_fork(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    int err;
    struct aspace *c = aspace_fork((struct aspace *)as_cap->obj, &err);
    return c ? hand_out(&c->o, KOBJ_ASPACE, KR_MAP) : err;
}

/* Rights on the object: a shared writable mapping needs KR_MAP; a read-only or private one
 * KR_READ (or KR_MAP). A shared one made without KR_MAP can never become writable. */
int64_t sys_as_map_mem(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    LOOKUP(m, a4, KOBJ_MEM, 0);
    uint32_t prot = (uint32_t)a3, flags = 0;
    if (prot & KMAP_SHARED) {
        flags = KREG_SHARED | (m_cap->rights & KR_MAP ? 0 : KREG_NOWRITE);
        if ((prot & KPROT_WRITE) && !(m_cap->rights & KR_MAP))
            return -KE_PERM;
    }
    if (!(m_cap->rights & (KR_READ | KR_MAP)))
        return -KE_PERM;
    return aspace_map_mem((struct aspace *)as_cap->obj, a1, a2, prot, flags,
                          (struct kmem *)m_cap->obj, a5);
}

int64_t sys_mem_create(ARGS)
{
    UNUSED_ARGS;
    if ((a0 & 0xFFF) || a0 > MEMOBJ_MAX_SIZE || a1)
        return -KE_INVAL;
    struct kmem *m = memobj_create(a0, PMM_USER);
    return hand_out(m ? &m->o : NULL, KOBJ_MEM, KR_MAP | KR_READ | KR_CONTROL);
}

int64_t sys_mem_resize(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(m, a0, KOBJ_MEM, KR_CONTROL);
    if ((a1 & 0xFFF) || a1 > MEMOBJ_MAX_SIZE)
        return -KE_INVAL;
    return memobj_resize((struct kmem *)m_cap->obj, a1);
}

int64_t sys_mem_commit(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(m, a0, KOBJ_MEM, KR_CONTROL);
    struct kmem *mo = (struct kmem *)m_cap->obj;
    if ((a1 & 0xFFF) || (a2 & 0xFFF) || a1 > mo->size || a2 > mo->size - a1)
        return -KE_INVAL; /* the whole range, before a page of it is allocated */
    uint64_t d = kcall_done, n = chunk_of(a2 - d);
    int e = memobj_commit(mo, a1 + d, n);
    return e < 0 || d + n == a2 ? e : kcall_again(d + n);
}

int64_t sys_as_info(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    const struct aspace *s = (const struct aspace *)as_cap->obj;
    struct kas_info ai = {
        .resident = s->pages,
        .ptables = s->ptables,
        .regions = s->regions.n,
        .system = s->cls == PMM_SYSTEM,
    };
    return aspace_copy_out(current->as, a1, &ai, sizeof ai) < 0 ? -KE_FAULT : 0;
}

/* The identity of the memory behind va: the same (object, offset) from every space mapping the
 * object shared, so a server can key what it keeps on shared memory (procmgr's futexes) by the
 * memory rather than by the address. -KE_FAULT if nothing is mapped there. */
int64_t sys_as_page_id(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    const struct region_set *rs = &((struct aspace *)as_cap->obj)->regions;
    int i = region_find(rs, a1);
    if (i < 0)
        return -KE_FAULT;
    const struct kregion *r = &rs->v[i];
    struct kpage_id id = {0, a1};
    if (r->mem && (r->flags & KREG_SHARED))
        id = (struct kpage_id){r->mem->id, r->offset + (a1 - r->start)};
    return aspace_copy_out(current->as, a2, &id, sizeof id) < 0 ? -KE_FAULT : 0;
}

int64_t sys_mem_info(ARGS)
{
    UNUSED_ARGS;
    struct kmem_info mi = {
        .total_frames = kernel_pmm.nframes,
        .free_frames = pmm_free_count(&kernel_pmm),
        .threads = thread_count,
        .aspaces = aspace_count,
        .endpoints = endpoint_count,
        .kernel_entries = stat_kernel_entries,
        .ipc_messages = stat_ipc_messages,
        .as_switches = stat_as_switches,
        .pt_shared = stat_pt_shared,
        .pt_unshared = stat_pt_unshared,
        .cow_copied = stat_cow_copied,
        .cow_reused = stat_cow_reused,
        .zero_fill = stat_zero_fill,
        .reserve_frames = kernel_pmm.reserve,
        .mem_objects = memobj_count,
        .heap_frames = heap_frames,
        .heap_bytes = heap_in_use() - kstack_cached_bytes(),
    };
    return aspace_copy_out(current->as, a0, &mi, sizeof mi) < 0 ? -KE_FAULT : 0;
}
