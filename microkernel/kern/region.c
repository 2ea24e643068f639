/* Region arrays (see include/region.h). Sorted by address; lookups are binary searches, changes
 * move the tail of the array (memmove), and the array grows by doubling. */
#include <string.h>
#include "heap.h"
#include "kabi/kcalls.h"
#include "region.h"

uint32_t region_lower(const struct region_set *rs, uint64_t va)
{
    uint32_t lo = 0, hi = rs->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (rs->v[mid].end <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int region_overlaps(const struct region_set *rs, uint64_t start, uint64_t end)
{
    uint32_t i = region_lower(rs, start);
    return i < rs->n && rs->v[i].start < end;
}

int region_covered(const struct region_set *rs, uint64_t start, uint64_t end)
{
    for (uint32_t i = region_lower(rs, start); start < end; i++) {
        if (i >= rs->n || rs->v[i].start > start)
            return 0;
        start = rs->v[i].end;
    }
    return 1;
}

/* room for `more` further regions: 0 or -KE_NOMEM */
static int reserve(struct region_set *rs, uint32_t more)
{
    if (rs->n + more > REGION_MAX)
        return -KE_NOMEM;
    if (rs->n + more <= rs->cap)
        return 0;
    uint32_t cap = rs->cap ? rs->cap : 4;
    while (cap < rs->n + more)
        cap *= 2;
    if (cap > REGION_MAX + 2)
        cap = REGION_MAX + 2;
    struct kregion *v = kmalloc(cap * sizeof *v);
    if (!v)
        return -KE_NOMEM;
    if (rs->n)
        memcpy(v, rs->v, rs->n * sizeof *v);
    kfree(rs->v);
    rs->v = v;
    rs->cap = cap;
    return 0;
}

static int mergeable(const struct kregion *a, const struct kregion *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags || a->mem != b->mem)
        return 0;
    /* an object or a window must continue where a left off; anonymous memory has no offset */
    return (!a->mem && !(a->flags & KREG_PHYS)) || b->offset == a->offset + (a->end - a->start);
}

/* Merges region i with i+1 if they are compatible; returns 1 if it did. */
static int merge_next(struct region_set *rs, uint32_t i)
{
    if (i + 1 >= rs->n || !mergeable(&rs->v[i], &rs->v[i + 1]))
        return 0;
    rs->v[i].end = rs->v[i + 1].end;
    if (rs->v[i + 1].mem)
        region_drop(rs, &rs->v[i + 1]);
    memmove(&rs->v[i + 1], &rs->v[i + 2], (rs->n - i - 2) * sizeof rs->v[0]);
    rs->n--;
    return 1;
}

int region_insert(struct region_set *rs, const struct kregion *r)
{
    uint32_t i = region_lower(rs, r->start);
    /* merging with a neighbour needs no new slot, so the limit does not refuse it */
    int joins = (i > 0 && mergeable(&rs->v[i - 1], r)) || (i < rs->n && mergeable(r, &rs->v[i]));
    if (!joins && reserve(rs, 1) < 0)
        return -KE_NOMEM;
    if (i > 0 && mergeable(&rs->v[i - 1], r)) {
        rs->v[i - 1].end = r->end;
        if (r->mem)
            region_drop(rs, r);
        merge_next(rs, i - 1);
        return 0;
    }
    if (i < rs->n && mergeable(r, &rs->v[i])) {
        rs->v[i].start = r->start;
        rs->v[i].offset = r->offset;
        if (r->mem)
            region_drop(rs, r);
        return 0;
    }
    memmove(&rs->v[i + 1], &rs->v[i], (rs->n - i) * sizeof rs->v[0]);
    rs->v[i] = *r;
    rs->n++;
    return 0;
}

/* moves the start of r to va (va inside r) */
static void cut_head(struct kregion *r, uint64_t va)
{
    if (r->mem || (r->flags & KREG_PHYS))
        r->offset += va - r->start;
    r->start = va;
}

int region_remove(struct region_set *rs, uint64_t start, uint64_t end)
{
    uint32_t i = region_lower(rs, start);
    if (i >= rs->n || rs->v[i].start >= end)
        return 0;
    struct kregion *r = &rs->v[i];
    if (r->start < start && r->end > end) { /* a hole in the middle: one region becomes two */
        if (reserve(rs, 1) < 0 || (rs->v[i].mem && region_hold(rs, &rs->v[i]) < 0))
            return -KE_NOMEM; /* (reserve may move the array: no pointer kept across it) */
        memmove(&rs->v[i + 1], &rs->v[i], (rs->n - i) * sizeof rs->v[0]);
        rs->n++;
        rs->v[i].end = start;
        cut_head(&rs->v[i + 1], end);
        return 0;
    }
    if (r->start < start) {
        r->end = start;
        i++;
    }
    uint32_t j = i;
    while (j < rs->n && rs->v[j].end <= end) {
        if (rs->v[j].mem)
            region_drop(rs, &rs->v[j]);
        j++;
    }
    if (j < rs->n && rs->v[j].start < end)
        cut_head(&rs->v[j], end);
    memmove(&rs->v[i], &rs->v[j], (rs->n - j) * sizeof rs->v[0]);
    rs->n -= j - i;
    return 0;
}

/* Makes va a boundary between regions (va inside region i): i keeps the part below. */
static void split(struct region_set *rs, uint32_t i, uint64_t va)
{
    memmove(&rs->v[i + 1], &rs->v[i], (rs->n - i) * sizeof rs->v[0]);
    rs->n++;
    rs->v[i].end = va;
    cut_head(&rs->v[i + 1], va);
}

int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint32_t prot)
{
    uint32_t i = region_lower(rs, start);
    int f = rs->v[i].start < start;                      /* the first region is cut */
    uint32_t last = region_lower(rs, end - 1);
    int l = rs->v[last].end > end;                       /* the last one is cut */
    if ((f || l) && reserve(rs, (uint32_t)(f + l)) < 0)
        return -KE_NOMEM;
    if ((f && rs->v[i].mem && region_hold(rs, &rs->v[i]) < 0) ||
        (l && rs->v[last].mem && region_hold(rs, &rs->v[last]) < 0))
        return -KE_NOMEM; /* cannot happen: the object already has a record for this set */
    if (f) {
        split(rs, i, start);
        i++, last++;
    }
    if (l)
        split(rs, last, end);
    for (uint32_t k = i; k <= last; k++)
        rs->v[k].prot = prot;
    /* merge from the region before the range to the one after it */
    uint32_t k = i ? i - 1 : 0, stop = last + 1;
    while (k < stop && k < rs->n) {
        if (merge_next(rs, k))
            stop--;
        else
            k++;
    }
    return 0;
}

int region_copy(struct region_set *dst, const struct region_set *src)
{
    if (reserve(dst, src->n) < 0)
        return -KE_NOMEM;
    for (uint32_t i = 0; i < src->n; i++) {
        if (src->v[i].mem && region_hold(dst, &src->v[i]) < 0) {
            region_clear(dst);
            return -KE_NOMEM;
        }
        dst->v[dst->n++] = src->v[i];
    }
    return 0;
}

void region_clear(struct region_set *rs)
{
    for (uint32_t i = 0; i < rs->n; i++)
        if (rs->v[i].mem)
            region_drop(rs, &rs->v[i]);
    kfree(rs->v);
    rs->v = NULL;
    rs->n = rs->cap = 0;
}
