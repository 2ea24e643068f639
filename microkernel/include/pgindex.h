/* The page index of a memory object: page number -> frame (a non-zero word), in a radix tree of
 * 512-slot nodes (one frame each) that grows in height with the largest page number used. Only
 * populated nodes exist, so a sparse object costs what it holds. Pure logic, host-tested
 * (tests/host/kernel/test_pgindex.c). Entry points: pgindex_get, pgindex_slot, pgindex_truncate. */
#ifndef KERN_PGINDEX_H
#define KERN_PGINDEX_H
#include <stdint.h>

#define PGINDEX_FANOUT 512

struct pgindex {
    uint64_t *root; /* NULL: empty */
    unsigned height; /* levels of nodes under root, root included: covers 512^height pages */
};

/* node memory (kern/memobj.c: a frame of class cls; the host test: the C heap); zeroed */
uint64_t *pgindex_node_alloc(int cls);
void pgindex_node_free(uint64_t *node);

/* the word for page pg (0: none) */
uint64_t pgindex_get(const struct pgindex *ix, uint64_t pg);
/* the slot for page pg, nodes created (of class cls) as needed; NULL if no memory */
uint64_t *pgindex_slot(struct pgindex *ix, uint64_t pg, int cls);
/* Hands every word at page >= from to fn and clears it; nodes left empty are freed (the root too,
 * when from is 0). Visits only populated nodes. */
void pgindex_truncate(struct pgindex *ix, uint64_t from, void (*fn)(uint64_t word, void *ctx),
                      void *ctx);

#endif
