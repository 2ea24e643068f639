/* Multiboot2 information parser (see include/mb2.h). Every length read from the block is checked
 * against the block's total size, so a corrupt block is rejected instead of read past. */
#include <string.h>
#include "mb2.h"

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6

struct tag {
    uint32_t type, size;
};

int mb2_parse(const void *info, struct mb2_info *out)
{
    const uint8_t *base = info;
    uint32_t total;
    memcpy(&total, base, 4);
    memset(out, 0, sizeof *out);
    out->cmdline = "";
    if (total < 16 || total > (64u << 20))
        return -1;
    size_t off = 8;
    while (off + sizeof(struct tag) <= total) {
        struct tag t;
        memcpy(&t, base + off, sizeof t);
        if (t.size < 8 || off + t.size > total)
            return -1;
        const uint8_t *body = base + off + 8;
        size_t blen = t.size - 8;
        switch (t.type) {
        case TAG_END:
            return 0;
        case TAG_CMDLINE:
            if (blen == 0 || body[blen - 1] != 0)
                return -1;
            out->cmdline = (const char *)body;
            break;
        case TAG_MODULE:
            if (blen < 9 || body[blen - 1] != 0)
                return -1;
            if (out->nmodules < MB2_MAX_MODULES) {
                uint32_t s, e;
                memcpy(&s, body, 4);
                memcpy(&e, body + 4, 4);
                if (e < s)
                    return -1;
                struct mb2_module *m = &out->modules[out->nmodules++];
                m->start = s;
                m->end = e;
                m->name = (const char *)body + 8;
            }
            break;
        case TAG_MMAP: {
            uint32_t esize;
            if (blen < 8)
                return -1;
            memcpy(&esize, body, 4);
            if (esize < 24)
                return -1;
            for (size_t e = 8; e + esize <= blen; e += esize) {
                uint64_t b, l;
                uint32_t type;
                memcpy(&b, body + e, 8);
                memcpy(&l, body + e + 8, 8);
                memcpy(&type, body + e + 16, 4);
                if (out->nregions < MB2_MAX_REGIONS) {
                    out->regions[out->nregions].base = b;
                    out->regions[out->nregions].len = l;
                    out->regions[out->nregions].type = type;
                    out->nregions++;
                }
                if (type == 1 && b + l > out->max_phys)
                    out->max_phys = b + l;
            }
            break;
        }
        default:
            break;
        }
        off += (t.size + 7) & ~7u; /* tags are 8-byte aligned */
    }
    return -1; /* no end tag */
}
