/* Memory objects (see include/memobj.h). The object holds one reference on each of its frames;
 * every page-table entry mapping one holds another, so a frame outlives whichever goes first. */
#include <stddef.h>
#include "aspace.h"
#include "heap.h"
#include "kabi/kcalls.h"
#include "memobj.h"
#include "ptable.h"

uint64_t memobj_count;
static uint64_t memobj_next_id = 1;

uint64_t *pgindex_node_alloc(int cls)
{
    uint64_t pa = frame_alloc_class((enum pmm_class)cls);
    return pa ? phys_to_virt(pa) : NULL;
}

void pgindex_node_free(uint64_t *node)
{
    pmm_free_zero(&kernel_pmm, virt_to_phys(node)); /* only empty nodes are freed */
}

struct kmem *memobj_create(uint64_t size, enum pmm_class cls)
{
    struct kmem *m = kzalloc(sizeof *m);
    if (!m)
        return NULL;
    m->o.type = KOBJ_MEM;
    m->o.refs = 1;
    m->id = memobj_next_id++;
    m->size = size;
    m->cls = cls;
    memobj_count++;
    return m;
}

static void unref_page(uint64_t pa, void *ctx)
{
    (void)ctx;
    frame_unref(pa);
}

void memobj_destroy(struct kmem *m)
{
    pgindex_truncate(&m->pages, 0, unref_page, NULL); /* no region maps it: none holds a ref */
    memobj_count--;
    kfree(m);
}

uint64_t memobj_page(struct kmem *m, uint64_t off, int create, enum pmm_class cls)
{
    if (off >= m->size)
        return 0;
    if (!create)
        return pgindex_get(&m->pages, off / PAGE_SIZE);
    uint64_t *slot = pgindex_slot(&m->pages, off / PAGE_SIZE, cls);
    if (slot && !*slot)
        *slot = frame_alloc_class(cls);
    return slot ? *slot : 0;
}

static struct aspace *space_of(struct region_set *rs)
{
    return (struct aspace *)((char *)rs - offsetof(struct aspace, regions));
}

/* The page tables of every region mapping m past size: phase 0 unshares what the removal will
 * change (may fail), phase 1 removes the entries (cannot). */
static int trim_mappings(struct kmem *m, uint64_t size, int phase)
{
    for (struct kmem_user *u = m->users; u; u = u->next) {
        struct aspace *as = space_of(u->rs);
        for (uint32_t i = 0; i < u->rs->n; i++) {
            const struct kregion *r = &u->rs->v[i];
            uint64_t len = r->end - r->start;
            if (r->mem != m || r->offset + len <= size)
                continue;
            uint64_t lo = r->offset >= size ? r->start : r->start + (size - r->offset);
            if (phase == 0 && pt_prepare(as, lo, r->end, 1) < 0)
                return -KE_NOMEM;
            if (phase == 1)
                pt_clear(as, lo, r->end);
        }
    }
    return 0;
}

int memobj_resize(struct kmem *m, uint64_t size)
{
    if (size < m->size) {
        if (trim_mappings(m, size, 0) < 0)
            return -KE_NOMEM;
        trim_mappings(m, size, 1);
        pgindex_truncate(&m->pages, size / PAGE_SIZE, unref_page, NULL);
    }
    m->size = size;
    return 0;
}

int memobj_commit(struct kmem *m, uint64_t off, uint64_t len)
{
    if (off > m->size || len > m->size - off)
        return -KE_INVAL;
    for (uint64_t o = off; o < off + len; o += PAGE_SIZE)
        if (!memobj_page(m, o, 1, (enum pmm_class)m->cls))
            return -KE_NOMEM;
    return 0;
}

/* ---- the spaces mapping an object (hooks of kern/region.c) --------------------------------- */

/* the pair (rs, m), found along the shorter of its two lists */
static struct kmem_user *user_find(struct region_set *rs, struct kmem *m)
{
    if (rs->nusers <= m->nusers) {
        for (struct kmem_user *u = rs->users; u; u = u->rs_next)
            if (u->m == m)
                return u;
    } else {
        for (struct kmem_user *u = m->users; u; u = u->next)
            if (u->rs == rs)
                return u;
    }
    return NULL;
}

int region_hold(struct region_set *rs, const struct kregion *r)
{
    struct kmem *m = r->mem;
    struct kmem_user *u = user_find(rs, m);
    if (!u) {
        if (!(u = kzalloc(sizeof *u)))
            return -KE_NOMEM;
        u->rs = rs;
        u->m = m;
        u->next = m->users;
        if (m->users)
            m->users->pprev = &u->next;
        u->pprev = &m->users;
        m->users = u;
        m->nusers++;
        u->rs_next = rs->users;
        u->rs_pprev = &rs->users;
        if (rs->users)
            rs->users->rs_pprev = &u->rs_next;
        rs->users = u;
        rs->nusers++;
    }
    u->n++;
    obj_get(&m->o);
    return 0;
}

void region_drop(struct region_set *rs, const struct kregion *r)
{
    struct kmem *m = r->mem;
    struct kmem_user *u = user_find(rs, m);
    if (u && --u->n == 0) {
        *u->pprev = u->next;
        if (u->next)
            u->next->pprev = u->pprev;
        m->nusers--;
        *u->rs_pprev = u->rs_next;
        if (u->rs_next)
            u->rs_next->rs_pprev = u->rs_pprev;
        rs->nusers--;
        kfree(u);
    }
    obj_put(&m->o); /* last: it may destroy the object */
}
