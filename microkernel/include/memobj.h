/* Memory objects (KOBJ_MEM): pages indexed by offset, a size, and the list of address spaces whose
 * regions map it. Shared anonymous memory, and the page caches and clock page of docs/memory.md.
 * Entry points: memobj_create, memobj_page, memobj_resize, memobj_commit, memobj_destroy (from
 * obj_put), region_hold and region_drop (the hooks of kern/region.c). */
#ifndef KERN_MEMOBJ_H
#define KERN_MEMOBJ_H
#include <stdint.h>
#include "obj.h"
#include "pgindex.h"
#include "pmm.h"

/* one per (space, object) pair: how many of the space's regions map the object. On two lists,
 * the object's (every space to trim on a resize) and the space's (the objects it maps): finding
 * a pair walks the shorter, so neither an object shared by every process nor a server mapping
 * many objects makes it slow */
struct kmem_user {
    struct region_set *rs;
    struct kmem *m;
    uint32_t n;
    struct kmem_user *next, **pprev;   /* m->users */
    struct kmem_user *rs_next, **rs_pprev;   /* rs->users */
};

struct kmem {
    struct kobj o;
    uint64_t id;             /* a number of its own, never reused (as_page_id: futex keys) */
    uint64_t size;           /* bytes, a page multiple: pages at or past it do not exist */
    uint32_t cls;            /* enum pmm_class of pages committed by mem_commit */
    struct pgindex pages;    /* page number -> frame; the object holds one reference on each */
    struct kmem_user *users;
    uint32_t nusers;         /* the length of users */
};

#define MEMOBJ_MAX_SIZE (1ull << 47) /* as large as an address space */

struct kmem *memobj_create(uint64_t size, enum pmm_class cls); /* NULL: no memory */
/* The frame of the page at off (< size): with create, a zeroed one is allocated (class cls) if
 * the object has none. 0: none, or no memory. */
uint64_t memobj_page(struct kmem *m, uint64_t off, int create, enum pmm_class cls);
/* New size (a page multiple). Shrinking removes the pages past it from the object and from every
 * region mapping them, in every space: a later access there is past the end. 0 or -KE_NOMEM
 * (nothing changed). */
int memobj_resize(struct kmem *m, uint64_t size);
/* Allocates the pages of [off, off+len) now; 0, -KE_INVAL (past the end), or -KE_NOMEM (pages
 * already allocated stay). */
int memobj_commit(struct kmem *m, uint64_t off, uint64_t len);
void memobj_destroy(struct kmem *m);

extern uint64_t memobj_count;

#endif
