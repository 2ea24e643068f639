/*
 * arena.h - bump allocator that owns one parsed command tree.
 *
 * A tree is freed as a whole, never node by node. The arena is reference counted
 * because a function definition keeps the tree it was parsed in alive after the
 * command that defined it has finished.
 *
 * Entry points: arena_new, arena_alloc, arena_strndup, arena_ref, arena_unref.
 */
#ifndef SH_ARENA_H
#define SH_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void *arena_alloc(arena_t *a, size_t size);
char *arena_strndup(arena_t *a, const char *s, size_t n);
void arena_ref(arena_t *a);
void arena_unref(arena_t *a);

#endif
