/* Capability tables (see include/obj.h). Handles are slot indices; slot 0 is never used, so a
 * handle is always > 0. Pure logic over the heap and obj_get/obj_put: host-tested in
 * tests/host/kernel/test_cap.c.
 * Entry points: cspace_create, cspace_put, cspace_insert, cspace_lookup, cspace_delete, cspace_used,
 * cspace_insert_at; pending reply capabilities: cspace_pend (inline), cspace_reserve,
 * cspace_settle, cspace_settle_slot, cspace_unreserve. */
#include <string.h>
#include "heap.h"
#include "kabi/kcalls.h"
#include "obj.h"

#define CSPACE_MAX_SLOTS 65536

static uint32_t words(uint32_t nslots)
{
    return (nslots + 63) / 64;
}

static void mark(struct cspace *cs, uint32_t i, int used)
{
    if (used)
        cs->inuse[i / 64] |= 1ull << (i % 64);
    else
        cs->inuse[i / 64] &= ~(1ull << (i % 64));
}

static inline bool taken(const struct cspace *cs, uint32_t i)
{
    return cs->inuse[i / 64] >> (i % 64) & 1;
}

/* the lowest free slot at or above `from`, or cs->nslots if none */
static uint32_t first_free(const struct cspace *cs, uint32_t from)
{
    for (uint32_t w = from / 64; w < words(cs->nslots); w++) {
        uint64_t used = cs->inuse[w];
        if (w == from / 64)
            used |= (1ull << (from % 64)) - 1;   /* below `from` counts as taken */
        if (~used) {
            uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(~used);
            return i < cs->nslots ? i : cs->nslots;
        }
    }
    return cs->nslots;
}

struct cspace *cspace_create(uint32_t nslots)
{
    struct cspace *cs = kzalloc(sizeof *cs);
    if (!cs)
        return NULL;
    cs->slots = kzalloc(nslots * sizeof(struct cap));
    cs->inuse = kzalloc(words(nslots) * sizeof(uint64_t));
    if (!cs->slots || !cs->inuse) {
        kfree(cs->slots);
        kfree(cs->inuse);
        kfree(cs);
        return NULL;
    }
    cs->inuse[0] = 1;   /* slot 0 */
    cs->nslots = nslots;
    cs->free_hint = 1;
    cs->refs = 1;
    return cs;
}

void cspace_put(struct cspace *cs)
{
    if (!cs || --cs->refs)
        return;
    for (uint32_t i = 1; i < cs->nslots; i++)
        if (cs->slots[i].obj)
            cspace_delete(cs, i);
    kfree(cs->slots);
    kfree(cs->inuse);
    kfree(cs);
}

static int grow(struct cspace *cs)
{
    if (cs->nslots >= CSPACE_MAX_SLOTS)
        return -KE_NOMEM;
    uint32_t n = cs->nslots * 2;
    struct cap *s = kzalloc(n * sizeof(struct cap));
    uint64_t *bits = kzalloc(words(n) * sizeof(uint64_t));
    if (!s || !bits) {
        kfree(s);
        kfree(bits);
        return -KE_NOMEM;
    }
    memcpy(s, cs->slots, cs->nslots * sizeof(struct cap));
    memcpy(bits, cs->inuse, words(cs->nslots) * sizeof(uint64_t));
    kfree(cs->slots);
    kfree(cs->inuse);
    cs->slots = s;
    cs->inuse = bits;
    cs->nslots = n;
    return 0;
}

/* the lowest free slot, taken (the table grows if full); or -KE_NOMEM */
static inline int take_free(struct cspace *cs)
{
    for (;;) {
        /* the slot at the hint is usually free (a table filled in order): only past a taken
         * one does the bitmap search */
        uint32_t i = cs->free_hint;
        if (i >= cs->nslots || taken(cs, i))
            i = first_free(cs, i);
        if (i < cs->nslots) {
            mark(cs, i, 1);
            cs->free_hint = i + 1;
            return (int)i;
        }
        int e = grow(cs);
        if (e < 0)
            return e;
    }
}

/* a slot for a reply capability (or a thread's reserved one): one a reply capability left if
 * any, which skips the map and the hint; else the lowest free slot; or -KE_NOMEM */
static inline int take_reply_slot(struct cspace *cs)
{
    if (!cs->reply_free)
        return take_free(cs);
    int i = (int)cs->reply_free;
    cs->reply_free = (uint32_t)cs->slots[i].badge;
    return i;
}

__attribute__((always_inline)) inline int cspace_insert(struct cspace *cs, struct kobj *obj,
                                                       uint32_t type, uint32_t rights,
                                                       uint64_t badge, uint64_t seq)
{
    int i = type == KOBJ_REPLY ? take_reply_slot(cs) : take_free(cs);
    if (i < 0)
        return i;
    struct cap *c = &cs->slots[i];
    c->obj = obj;
    c->type = type;
    c->rights = rights;
    c->badge = badge;
    c->seq = seq;
    obj_get(obj);
    return i;
}

__attribute__((always_inline)) inline void cspace_delete(struct cspace *cs, int64_t h)
{
    if (!cs || h <= 0 || h >= cs->nslots ||
        (__builtin_expect(!cs->slots[h].obj, 0) && !cspace_settle_slot(cs, h)))
        return;
    struct cap *c = &cs->slots[h];
    struct kobj *o = c->obj;
    c->obj = NULL; /* the other fields are rewritten by the next insert */
    if (c->type == KOBJ_REPLY) {
        /* kept for the next reply capability, its bit still set (see struct cspace) */
        c->badge = cs->reply_free;
        cs->reply_free = (uint32_t)h;
    } else {
        mark(cs, (uint32_t)h, 0);
        if ((uint32_t)h < cs->free_hint)
            cs->free_hint = (uint32_t)h;
    }
    obj_put(o);
}

/* The pending reply capabilities (struct cap_pending, obj.h). */

int64_t cspace_reserve(struct cspace *cs, struct cap_pending *p)
{
    if (p->h)
        cspace_settle(cs, p); /* its slot becomes an ordinary capability's */
    if (p->slot)
        return 0;
    int i = take_reply_slot(cs);
    if (i < 0)
        return i;
    struct cap *c = &cs->slots[i];
    c->obj = NULL;
    c->type = KOBJ_REPLY;
    c->rights = CAP_RESERVED; /* the mark lookups find (see struct cap_pending) */
    c->badge = (uint64_t)(uintptr_t)p;
    p->slot = (uint32_t)i;
    return 0;
}

void cspace_settle(struct cspace *cs, struct cap_pending *p)
{
    if (!p->h)
        return;
    struct cap *c = &cs->slots[p->h];
    c->obj = p->obj; /* the reference p held is the capability's now */
    c->type = KOBJ_REPLY;
    c->rights = 0;
    c->badge = 0;
    c->seq = p->seq;
    p->h = 0;
    p->slot = 0;
}

bool cspace_settle_slot(struct cspace *cs, int64_t h)
{
    struct cap *c = &cs->slots[h];
    /* a free slot keeps its last fields, any values: only a taken empty one can be reserved */
    if (c->obj || !taken(cs, (uint32_t)h) || c->type != KOBJ_REPLY || c->rights != CAP_RESERVED)
        return false; /* not a reserved slot */
    struct cap_pending *p = (struct cap_pending *)(uintptr_t)c->badge;
    if (p->h != h)
        return false; /* reserved, but its capability was answered: nothing there */
    cspace_settle(cs, p);
    return true;
}

void cspace_unreserve(struct cspace *cs, struct cap_pending *p)
{
    cspace_settle(cs, p);
    if (!p->slot)
        return;
    struct cap *c = &cs->slots[p->slot]; /* empty: onto the reply slots' list, its bit set */
    c->rights = 0;
    c->badge = cs->reply_free;
    cs->reply_free = p->slot;
    p->slot = 0;
}

uint32_t cspace_used(const struct cspace *cs)
{
    uint32_t n = 0;
    for (uint32_t i = 1; i < cs->nslots; i++)
        n += cs->slots[i].obj != NULL;
    return n;
}

int cspace_insert_at(struct cspace *cs, int64_t h, struct kobj *obj, uint32_t type, uint32_t rights)
{
    while (h >= cs->nslots)
        if (grow(cs) < 0)
            return -KE_NOMEM;
    if (h <= 0 || taken(cs, (uint32_t)h))
        return -KE_INVAL;
    cs->slots[h] = (struct cap){obj, type, rights, 0, 0};
    mark(cs, (uint32_t)h, 1);
    obj_get(obj);
    return (int)h;
}
