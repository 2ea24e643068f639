/*
 * arena.c - bump allocator for parse trees (see arena.h).
 *
 * Entry points: arena_new, arena_alloc, arena_strndup, arena_ref, arena_unref.
 */
#include "arena.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk_t;

struct arena {
    int refs;
    chunk_t *head;
};

enum { ARENA_CHUNK = 4096 };

arena_t *arena_new(void)
{
    arena_t *a = xmalloc(sizeof *a);
    a->refs = 1;
    a->head = NULL;
    return a;
}

void *arena_alloc(arena_t *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!a->head || a->head->size - a->head->used < size) {
        size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        chunk_t *c = xmalloc(sizeof *c + cap);
        c->next = a->head;
        c->used = 0;
        c->size = cap;
        a->head = c;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_ref(arena_t *a)
{
    a->refs++;
}

void arena_unref(arena_t *a)
{
    if (!a || --a->refs > 0) return;
    chunk_t *c = a->head;
    while (c) {
        chunk_t *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}
