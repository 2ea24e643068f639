/* Page index of a memory object (see include/pgindex.h). */
#include <stddef.h>
#include "pgindex.h"

static uint64_t span_of(unsigned levels) /* pages covered by a node with `levels` levels */
{
    return 1ull << (9 * levels);
}

uint64_t pgindex_get(const struct pgindex *ix, uint64_t pg)
{
    if (!ix->root || pg >= span_of(ix->height))
        return 0;
    const uint64_t *node = ix->root;
    for (unsigned l = ix->height; l > 1; l--) {
        node = (const uint64_t *)node[(pg >> (9 * (l - 1))) & 511];
        if (!node)
            return 0;
    }
    return node[pg & 511];
}

uint64_t *pgindex_slot(struct pgindex *ix, uint64_t pg, int cls)
{
    if (pg >> 54) /* more than six levels: no object is that large */
        return NULL;
    if (!ix->root) {
        if (!(ix->root = pgindex_node_alloc(cls)))
            return NULL;
        ix->height = 1;
    }
    while (pg >= span_of(ix->height)) { /* taller: the old root becomes slot 0 of a new one */
        uint64_t *top = pgindex_node_alloc(cls);
        if (!top)
            return NULL;
        top[0] = (uint64_t)ix->root;
        ix->root = top;
        ix->height++;
    }
    uint64_t *node = ix->root;
    for (unsigned l = ix->height; l > 1; l--) {
        uint64_t *s = &node[(pg >> (9 * (l - 1))) & 511];
        if (!*s && !(*s = (uint64_t)pgindex_node_alloc(cls)))
            return NULL;
        node = (uint64_t *)*s;
    }
    return &node[pg & 511];
}

/* truncates the node (levels deep, first page base); returns 1 if it is empty now */
static int trunc_node(uint64_t *node, unsigned levels, uint64_t base, uint64_t from,
                      void (*fn)(uint64_t, void *), void *ctx)
{
    uint64_t span = span_of(levels - 1);
    int empty = 1;
    for (unsigned i = 0; i < PGINDEX_FANOUT; i++) {
        if (!node[i])
            continue;
        uint64_t b = base + i * span;
        if (b + span <= from) {
            empty = 0;
            continue;
        }
        if (levels == 1) {
            fn(node[i], ctx);
            node[i] = 0;
        } else if (trunc_node((uint64_t *)node[i], levels - 1, b, from, fn, ctx)) {
            pgindex_node_free((uint64_t *)node[i]);
            node[i] = 0;
        } else {
            empty = 0;
        }
    }
    return empty;
}

void pgindex_truncate(struct pgindex *ix, uint64_t from, void (*fn)(uint64_t word, void *ctx),
                      void *ctx)
{
    if (!ix->root || from >= span_of(ix->height))
        return;
    if (trunc_node(ix->root, ix->height, 0, from, fn, ctx)) {
        pgindex_node_free(ix->root);
        ix->root = NULL;
        ix->height = 0;
    }
}
