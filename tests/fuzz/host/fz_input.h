/* Reading a libFuzzer input as a stream of choices: each take returns the next bytes of the input
 * (zeros once it is used up, so every input, however short, is a complete program of calls), and
 * the pools the targets draw arguments from (the values a careless or hostile program passes).
 *
 * Entry points: fz_init, fz_u8, fz_u16, fz_u32, fz_u64, fz_left, fz_pick_u64, fz_pool_u64,
 * fz_file. */
#ifndef FZ_INPUT_H
#define FZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz {
    const uint8_t *p;
    size_t n;
} fz_t;

static inline void fz_init(fz_t *f, const uint8_t *data, size_t size)
{
    f->p = data;
    f->n = size;
}

static inline size_t fz_left(const fz_t *f)
{
    return f->n;
}

static inline uint64_t fz_bytes(fz_t *f, unsigned k)
{
    uint64_t v = 0;
    unsigned m = f->n < k ? (unsigned)f->n : k;
    memcpy(&v, f->p, m);
    f->p += m;
    f->n -= m;
    return v;
}

static inline uint8_t fz_u8(fz_t *f)
{
    return (uint8_t)fz_bytes(f, 1);
}
static inline uint16_t fz_u16(fz_t *f)
{
    return (uint16_t)fz_bytes(f, 2);
}
static inline uint32_t fz_u32(fz_t *f)
{
    return (uint32_t)fz_bytes(f, 4);
}
static inline uint64_t fz_u64(fz_t *f)
{
    return fz_bytes(f, 8);
}

/* one of n values */
static inline uint64_t fz_pick_u64(fz_t *f, const uint64_t *v, size_t n)
{
    return v[fz_u8(f) % n];
}

/* Values that break careless code: sizes and offsets at the edges of every width, addresses in
 * the kernel half and the non-canonical hole, -1 as a pointer, page edges. */
static const uint64_t fz_edges[] = {
    0,
    1,
    2,
    3,
    7,
    8,
    15,
    16,
    63,
    64,
    255,
    256,
    4095,
    4096,
    4097,
    8192,
    65535,
    65536,
    0x7fffffffull,
    0x80000000ull,
    0xffffffffull,
    0x100000000ull,
    0x7fffffffffffull,
    0x7ffffffff000ull,
    0x800000000000ull,
    0xffff800000000000ull,
    0xffffffff80000000ull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0xfffffffffffff000ull,
    0xffffffffffffffffull,
    (uint64_t)-4096,
    (uint64_t)-2,
    0x1000000000ull,
    0x7ff000000000ull,
};

/* an edge value, or 64 bits straight from the input */
static inline uint64_t fz_pool_u64(fz_t *f)
{
    uint8_t k = fz_u8(f);
    if (k < 160) return fz_edges[k % (sizeof fz_edges / sizeof fz_edges[0])];
    if (k < 224) return fz_u8(f);
    return fz_u64(f);
}

/* The file of an input that is either raw or described: first byte < 128, the rest of the input
 * is the file; else build() makes it from the rest. Its size; *out is malloc'd (free it). */
static inline size_t fz_file(const uint8_t *data, size_t size,
                             size_t (*build)(fz_t *f, uint8_t **out), uint8_t **out)
{
    fz_t f;
    fz_init(&f, data + 1, size - 1);
    if (data[0] >= 128) return build(&f, out);
    *out = malloc(size > 1 ? size - 1 : 1);
    memcpy(*out, data + 1, size - 1);
    return size - 1;
}

#endif
