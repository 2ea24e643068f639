/* Copying a NUL-terminated string in from another address space, a piece at a time: how big the
 * next piece is. Shared by procmgr (pm_copy_str_in: exec's path and arguments) and vfs
 * (g_copy_str_in: every path).
 * Entry point: ustr_chunk. */
#ifndef SYS_USTR_H
#define SYS_USTR_H
#include <stdint.h>

#define USTR_FIRST_CHUNK 128   /* most paths and arguments are shorter */

/* The next piece at va: never past the end of va's page (the next page may be unmapped, and a
 * string that ends before it must not fail), never more than left (the caller's limit), and at
 * most *step bytes, *step doubling each time: reading to the page's end whatever the string's
 * length copied up to 4 KiB for a path of ten bytes. Start with *step = USTR_FIRST_CHUNK. */
static inline uint64_t ustr_chunk(uint64_t va, uint64_t left, uint64_t *step)
{
    uint64_t chunk = 4096 - (va & 4095);
    if (chunk > *step)
        chunk = *step;
    if (chunk > left)
        chunk = left;
    *step *= 2;
    return chunk;
}

#endif
