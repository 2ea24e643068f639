/* ELF image builder for the tests (see elf_build.h). */
#include <stdlib.h>
#include <string.h>
#include "elf_build.h"

eb_spec_t eb_std_exec(void)
{
    eb_spec_t s = {
        .type = LX_ET_EXEC,
        .entry = 0x400100,
        .nseg = 2,
        .seg = {
            {.vaddr = 0x400000, .filesz = 0x1000, .memsz = 0x1000, .flags = LX_PF_R | LX_PF_X,
             .at_zero = true},
            {.vaddr = 0x402010, .filesz = 0x100, .memsz = 0x3000, .flags = LX_PF_R | LX_PF_W},
        },
    };
    return s;
}

eb_spec_t eb_std_pie(void)
{
    eb_spec_t s = eb_std_exec();
    s.type = LX_ET_DYN;
    s.entry = 0x100;
    s.seg[0].vaddr = 0;
    s.seg[1].vaddr = 0x2010;
    s.pt_phdr = true;
    return s;
}

size_t eb_build(const eb_spec_t *s, uint8_t **out)
{
    int nph = s->nseg + (s->interp ? 1 : 0) + (s->pt_phdr ? 1 : 0) + (s->gnu_stack_x ? 1 : 0);
    uint64_t cursor = 64 + (uint64_t)nph * 56;
    uint64_t interp_off = cursor;
    if (s->interp)
        cursor += strlen(s->interp) + 1;
    uint64_t offs[8];
    uint64_t size = cursor;
    for (int i = 0; i < s->nseg; i++) {
        const eb_seg_t *g = &s->seg[i];
        if (g->at_zero)
            offs[i] = 0;
        else if (g->offset)
            offs[i] = g->offset;
        else
            offs[i] = ((size + 4095) & ~4095ull) + (g->vaddr & 4095);
        if (offs[i] + g->filesz > size)
            size = offs[i] + g->filesz;
    }
    uint8_t *img = calloc(1, size);
    for (int i = 0; i < s->nseg; i++)
        for (uint64_t j = 0; j < s->seg[i].filesz; j++)
            img[offs[i] + j] = (uint8_t)(0x11 * (i + 1) + j * 7);

    struct lx_elf64_ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, LX_ELFMAG, 4);
    eh.e_ident[LX_EI_CLASS] = LX_ELFCLASS64;
    eh.e_ident[LX_EI_DATA] = LX_ELFDATA2LSB;
    eh.e_ident[LX_EI_VERSION] = LX_EV_CURRENT;
    eh.e_type = s->type;
    eh.e_machine = LX_EM_X86_64;
    eh.e_version = LX_EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = 64;
    eh.e_ehsize = 64;
    eh.e_phentsize = 56;
    eh.e_phnum = (uint16_t)nph;
    memcpy(img, &eh, sizeof(eh));

    struct lx_elf64_phdr *ph = (struct lx_elf64_phdr *)(img + 64);
    int k = 0;
    if (s->pt_phdr)
        ph[k++] = (struct lx_elf64_phdr){.p_type = LX_PT_PHDR, .p_flags = LX_PF_R,
                                         .p_offset = 64, .p_vaddr = s->seg[0].vaddr + 64,
                                         .p_filesz = (uint64_t)nph * 56,
                                         .p_memsz = (uint64_t)nph * 56, .p_align = 8};
    if (s->interp) {
        size_t n = strlen(s->interp) + 1;
        memcpy(img + interp_off, s->interp, n);
        ph[k++] = (struct lx_elf64_phdr){.p_type = LX_PT_INTERP, .p_flags = LX_PF_R,
                                         .p_offset = interp_off, .p_filesz = n, .p_memsz = n,
                                         .p_align = 1};
    }
    for (int i = 0; i < s->nseg; i++)
        ph[k++] = (struct lx_elf64_phdr){.p_type = LX_PT_LOAD, .p_flags = s->seg[i].flags,
                                         .p_offset = offs[i], .p_vaddr = s->seg[i].vaddr,
                                         .p_paddr = s->seg[i].vaddr,
                                         .p_filesz = s->seg[i].filesz,
                                         .p_memsz = s->seg[i].memsz, .p_align = 4096};
    if (s->gnu_stack_x)
        ph[k++] = (struct lx_elf64_phdr){.p_type = LX_PT_GNU_STACK,
                                         .p_flags = LX_PF_R | LX_PF_W | LX_PF_X};
    *out = img;
    return size;
}
