/* The id map of pm_idmap.h: a fixed top level of chunk pointers, chunks made on first use and
 * freed when their last slot empties (pids cycle through the range: chunks kept would be heap
 * the server holds for good, which the guest's leak checks see), all but one spare. An id outside the range
 * maps to nothing. A chunk that cannot be allocated marks the map incomplete instead of failing
 * the caller: lookups then fall back to scanning their list, slower but still right. */
#include <stdlib.h>
#include "pm_idmap.h"

void *pm_idmap_get(const pm_idmap_t *m, uint64_t id)
{
    if (id >= (uint64_t)PM_IDMAP_CHUNKS * PM_IDMAP_CHUNK)
        return NULL;
    void **c = m->chunk[id >> PM_IDMAP_SHIFT];
    return c ? c[id & (PM_IDMAP_CHUNK - 1)] : NULL;
}

void pm_idmap_set(pm_idmap_t *m, uint64_t id, void *v)
{
    if (id >= (uint64_t)PM_IDMAP_CHUNKS * PM_IDMAP_CHUNK) {
        m->incomplete = true;
        return;
    }
    unsigned ci = (unsigned)(id >> PM_IDMAP_SHIFT);
    void ***cp = &m->chunk[ci];
    if (!*cp && m->spare) {   /* emptied when it was cleared: all NULL already */
        *cp = m->spare;
        m->spare = NULL;
    }
    if (!*cp && !(*cp = calloc(PM_IDMAP_CHUNK, sizeof(void *)))) {
        m->incomplete = true;
        return;
    }
    if (!m->started) {
        /* the spare is made with the map's first chunk (at boot, for procmgr's own maps), so
         * the page it holds is there before any test's snapshot and never looks like a leak;
         * without memory for it the map only allocates more often */
        m->started = true;
        m->spare = calloc(PM_IDMAP_CHUNK, sizeof(void *));
    }
    void **slot = &(*cp)[id & (PM_IDMAP_CHUNK - 1)];
    if (!*slot)
        m->used[ci]++;
    *slot = v;
}

void pm_idmap_clear(pm_idmap_t *m, uint64_t id, const void *v)
{
    if (id >= (uint64_t)PM_IDMAP_CHUNKS * PM_IDMAP_CHUNK)
        return;
    unsigned ci = (unsigned)(id >> PM_IDMAP_SHIFT);
    void **c = m->chunk[ci];
    if (!c || !v || c[id & (PM_IDMAP_CHUNK - 1)] != v)
        return;
    c[id & (PM_IDMAP_CHUNK - 1)] = NULL;
    if (--m->used[ci] == 0) {
        if (m->spare)
            free(c);
        else
            m->spare = c;
        m->chunk[ci] = NULL;
    }
}

void pm_idmap_free(pm_idmap_t *m)
{
    for (unsigned i = 0; i < PM_IDMAP_CHUNKS; i++) {
        free(m->chunk[i]);
        m->chunk[i] = NULL;
        m->used[i] = 0;
    }
    free(m->spare);
    m->spare = NULL;
}

/* Counts ride in the pointer slots (a count of 0 is an empty slot), so chunks come and go as
 * for pointers. A count the map could not store (incomplete) is lost: callers then scan. */
uintptr_t pm_idmap_count(const pm_idmap_t *m, uint64_t id)
{
    return (uintptr_t)pm_idmap_get(m, id);
}

void pm_idmap_ref(pm_idmap_t *m, uint64_t id)
{
    pm_idmap_set(m, id, (void *)(pm_idmap_count(m, id) + 1));
}

void pm_idmap_unref(pm_idmap_t *m, uint64_t id)
{
    uintptr_t n = pm_idmap_count(m, id);
    if (n > 1)
        pm_idmap_set(m, id, (void *)(n - 1));
    else if (n == 1)
        pm_idmap_clear(m, id, (void *)1);
}
