/* Capability tables (see include/obj.h). Handles are slot indices; slot 0 is never used, so a
 * handle is always > 0. Pure logic over the heap and obj_get/obj_put: host-tested in
 * tests/host/kernel/test_cap.c.
 * Entry points: cspace_create, cspace_put, cspace_insert, cspace_lookup, cspace_delete, cspace_used,
 * cspace_insert_at. */
#include <string.h>
#include "heap.h"
#include "kabi/kcalls.h"
#include "obj.h"

#define CSPACE_MAX_SLOTS 65536

struct cspace *cspace_create(uint32_t nslots)
{
    struct cspace *cs = kzalloc(sizeof *cs);
    if (!cs)
        return NULL;
    cs->slots = kzalloc(nslots * sizeof(struct cap));
    if (!cs->slots) {
        kfree(cs);
        return NULL;
    }
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
    kfree(cs);
}

static int grow(struct cspace *cs)
{
    if (cs->nslots >= CSPACE_MAX_SLOTS)
        return -KE_NOMEM;
    uint32_t n = cs->nslots * 2;
    struct cap *s = kzalloc(n * sizeof(struct cap));
    if (!s)
        return -KE_NOMEM;
    memcpy(s, cs->slots, cs->nslots * sizeof(struct cap));
    kfree(cs->slots);
    cs->slots = s;
    cs->nslots = n;
    return 0;
}

__attribute__((always_inline)) inline int cspace_insert(struct cspace *cs, struct kobj *obj,
                                                       uint32_t type, uint32_t rights,
                                                       uint64_t badge, uint64_t seq)
{
    for (;;) {
        for (uint32_t i = cs->free_hint; i < cs->nslots; i++) {
            struct cap *c = &cs->slots[i];
            if (c->obj)
                continue;
            cs->free_hint = i + 1;
            c->obj = obj;
            c->type = type;
            c->rights = rights;
            c->badge = badge;
            c->seq = seq;
            obj_get(obj);
            return (int)i;
        }
        int e = grow(cs);
        if (e < 0)
            return e;
    }
}

__attribute__((always_inline)) inline void cspace_delete(struct cspace *cs, int64_t h)
{
    if (!cs || h <= 0 || h >= cs->nslots || !cs->slots[h].obj)
        return;
    struct kobj *o = cs->slots[h].obj;
    cs->slots[h].obj = NULL; /* the other fields are rewritten by the next insert */
    if ((uint32_t)h < cs->free_hint)
        cs->free_hint = (uint32_t)h;
    obj_put(o);
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
    if (h <= 0 || cs->slots[h].obj)
        return -KE_INVAL;
    cs->slots[h] = (struct cap){obj, type, rights, 0, 0};
    obj_get(obj);
    return (int)h;
}
