/* Physical frame allocator and frame table (see include/pmm.h). One bit per 4 KiB frame;
 * allocation scans 64-bit words from a rotating hint, so the common case is a few instructions.
 * The frame table entry of a frame is reset when the frame is handed out (refs = 1). */
#include <string.h>
#include "pmm.h"

size_t pmm_bitmap_bytes(uint64_t max_phys)
{
    uint64_t frames = (max_phys + PMM_FRAME - 1) / PMM_FRAME;
    return (size_t)((frames + 63) / 64 * 8);
}

size_t pmm_table_bytes(uint64_t max_phys)
{
    return (size_t)(max_phys / PMM_FRAME * sizeof(struct frame));
}

static void set_used(struct pmm *p, uint64_t f)
{
    uint64_t bit = 1ull << (f & 63);
    if (!(p->bitmap[f / 64] & bit)) {
        p->bitmap[f / 64] |= bit;
        p->free--;
    }
}

static void set_free(struct pmm *p, uint64_t f)
{
    uint64_t bit = 1ull << (f & 63);
    if (p->bitmap[f / 64] & bit) {
        p->bitmap[f / 64] &= ~bit;
        p->free++;
    }
}

void pmm_init(struct pmm *p, uint64_t *bitmap, struct frame *frames, uint64_t max_phys,
              const struct pmm_region *usable, size_t n)
{
    p->bitmap = bitmap;
    p->frames = frames;
    p->nframes = max_phys / PMM_FRAME;
    p->hint = 0;
    p->reserve = 0;
    memset(bitmap, 0xFF, pmm_bitmap_bytes(max_phys));
    memset(frames, 0, pmm_table_bytes(max_phys));
    p->free = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t first = (usable[i].base + PMM_FRAME - 1) / PMM_FRAME;
        uint64_t end = (usable[i].base + usable[i].len) / PMM_FRAME; /* exclusive */
        if (end > p->nframes)
            end = p->nframes;
        for (uint64_t f = first; f < end; f++)
            set_free(p, f);
    }
    if (p->nframes)
        set_used(p, 0);
}

void pmm_reserve(struct pmm *p, uint64_t base, uint64_t len)
{
    if (!len)
        return;
    uint64_t first = base / PMM_FRAME;
    uint64_t end = (base + len + PMM_FRAME - 1) / PMM_FRAME;
    for (uint64_t f = first; f < end && f < p->nframes; f++)
        set_used(p, f);
}

void pmm_set_reserve(struct pmm *p, uint64_t min_frames, uint64_t divisor)
{
    uint64_t r = divisor ? p->free / divisor : 0;
    p->reserve = r > min_frames ? r : min_frames;
}

static uint64_t take(struct pmm *p, uint64_t f)
{
    set_used(p, f);
    p->frames[f] = (struct frame){.refs = 1};
    return f * PMM_FRAME;
}

uint64_t pmm_alloc_class(struct pmm *p, enum pmm_class cls)
{
    uint64_t words = (p->nframes + 63) / 64;
    if (p->free <= (cls == PMM_USER ? p->reserve : 0))
        return 0;
    for (uint64_t i = 0; i < words; i++) {
        uint64_t w = (p->hint + i) % words;
        if (p->bitmap[w] != ~0ull) {
            uint64_t f = w * 64 + (uint64_t)__builtin_ctzll(~p->bitmap[w]);
            if (f >= p->nframes)
                continue;
            p->hint = w;
            return take(p, f);
        }
    }
    return 0;
}

uint64_t pmm_alloc_contig(struct pmm *p, size_t n)
{
    if (n == 0 || n > p->free)
        return 0;
    uint64_t run = 0;
    for (uint64_t f = 1; f < p->nframes; f++) {
        if ((f & 63) == 0 && p->bitmap[f / 64] == ~0ull) { /* a full word: skip 64 frames */
            run = 0;
            f += 63;
            continue;
        }
        if (p->bitmap[f / 64] & (1ull << (f & 63))) {
            run = 0;
            continue;
        }
        if (++run == n) {
            uint64_t first = f + 1 - n;
            for (uint64_t g = first; g <= f; g++)
                take(p, g);
            return first * PMM_FRAME;
        }
    }
    return 0;
}

void pmm_free(struct pmm *p, uint64_t pa)
{
    uint64_t f = pa / PMM_FRAME;
    if (f && f < p->nframes) {
        p->frames[f].refs = 0;
        set_free(p, f);
    }
}

void pmm_free_contig(struct pmm *p, uint64_t pa, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pmm_free(p, pa + i * PMM_FRAME);
}

int pmm_unref(struct pmm *p, uint64_t pa)
{
    uint64_t f = pa / PMM_FRAME;
    if (!f || f >= p->nframes || !p->frames[f].refs)
        return 0; /* not a counted frame (frame 0, a boot module, or already free) */
    if (--p->frames[f].refs)
        return 0;
    set_free(p, f);
    return 1;
}

uint64_t pmm_free_count(const struct pmm *p)
{
    return p->free;
}
