/* ELF64 executables for execve: static ET_EXEC images at their link address and static-PIE
 * ET_DYN images at PM_PIE_BASE. Checking is pure (header bytes in, verdict out) so the tests can
 * feed it garbage; loading maps each PT_LOAD's pages writable, copies the file bytes in through
 * vfs, zeroes the bss tail of the last file page, then applies the final protections.
 *
 * Pages shared by two segments (a data segment starting in the page where text ends) are
 * mapped once and end up with the union of both protections, as Linux's overlapping mmaps do.
 *
 * Malformed images are -ENOEXEC: Linux fails some of these (p_filesz > p_memsz, addresses
 * past TASK_SIZE) only after the point of no return, by killing the process; we catch them
 * before the commit, so the caller gets an error and keeps running.
 *
 * Entry points: pm_elf_check_ehdr, pm_elf_parse, pm_elf_load. */
#include <string.h>
#include <lx/fs.h>
#include <lx/mman.h>
#include "pm_elf.h"

int pm_elf_check_ehdr(const struct lx_elf64_ehdr *eh, uint64_t file_size, uint64_t *phbytes)
{
    if (file_size < sizeof(*eh) || memcmp(eh->e_ident, LX_ELFMAG, LX_SELFMAG) != 0)
        return -LX_ENOEXEC;
    if (eh->e_ident[LX_EI_CLASS] != LX_ELFCLASS64 || eh->e_ident[LX_EI_DATA] != LX_ELFDATA2LSB)
        return -LX_ENOEXEC;
    if (eh->e_type != LX_ET_EXEC && eh->e_type != LX_ET_DYN)
        return -LX_ENOEXEC;
    if (eh->e_machine != LX_EM_X86_64 || eh->e_phentsize != sizeof(struct lx_elf64_phdr))
        return -LX_ENOEXEC;
    uint64_t size = (uint64_t)eh->e_phnum * sizeof(struct lx_elf64_phdr);
    if (size == 0 || size > PM_ELF_MAX_PHDR_BYTES)
        return -LX_ENOEXEC;
    if (eh->e_phoff > file_size || size > file_size - eh->e_phoff)
        return -LX_ENOEXEC;
    *phbytes = size;
    return 0;
}

static int pm_elf_prot(uint32_t flags)
{
    return ((flags & LX_PF_R) ? LX_PROT_READ : 0) | ((flags & LX_PF_W) ? LX_PROT_WRITE : 0) |
           ((flags & LX_PF_X) ? LX_PROT_EXEC : 0);
}

int pm_elf_parse(const struct lx_elf64_ehdr *eh, const struct lx_elf64_phdr *ph,
                 uint64_t file_size, pm_elf_info_t *out)
{
    memset(out, 0, sizeof(*out));
    out->type = eh->e_type;
    out->phnum = eh->e_phnum;
    uint64_t lowest = UINT64_MAX;
    uint64_t phdr_vaddr = 0;
    bool have_phdr = false;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct lx_elf64_phdr *p = &ph[i];
        switch (p->p_type) {
        case LX_PT_LOAD:
            if (p->p_memsz == 0)
                break;
            if (p->p_filesz > p->p_memsz || p->p_offset > file_size ||
                p->p_filesz > file_size - p->p_offset)
                return -LX_ENOEXEC;
            if (p->p_vaddr >= PM_USER_TOP || p->p_memsz > PM_USER_TOP - p->p_vaddr)
                return -LX_ENOEXEC;
            out->seg[out->nseg++] = (pm_elf_seg_t){p->p_vaddr, p->p_memsz, p->p_offset,
                                                   p->p_filesz, pm_elf_prot(p->p_flags)};
            if (p->p_vaddr < lowest)
                lowest = p->p_vaddr;
            break;
        case LX_PT_INTERP:
            if (out->has_interp || p->p_filesz < 2 || p->p_filesz > LX_PATH_MAX ||
                p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
                return -LX_ENOEXEC;
            out->has_interp = true;
            out->interp_off = p->p_offset;
            out->interp_len = p->p_filesz;
            break;
        case LX_PT_PHDR:
            phdr_vaddr = p->p_vaddr;
            have_phdr = true;
            break;
        case LX_PT_GNU_STACK:
            out->exec_stack = (p->p_flags & LX_PF_X) != 0;
            break;
        default:
            break;
        }
    }
    if (out->nseg == 0)
        return -LX_ENOEXEC;

    if (!have_phdr) {
        /* Where the table lands: inside the loaded segment whose file bytes contain it. */
        for (unsigned i = 0; i < eh->e_phnum; i++) {
            const struct lx_elf64_phdr *p = &ph[i];
            if (p->p_type == LX_PT_LOAD && p->p_offset <= eh->e_phoff &&
                eh->e_phoff - p->p_offset < p->p_filesz) {
                phdr_vaddr = p->p_vaddr + (eh->e_phoff - p->p_offset);
                have_phdr = true;
                break;
            }
        }
    }

    out->bias = eh->e_type == LX_ET_DYN ? PM_PIE_BASE - pm_page_down(lowest) : 0;
    out->entry = eh->e_entry + out->bias;
    out->phdr_addr = have_phdr ? phdr_vaddr + out->bias : 0;
    for (int i = 0; i < out->nseg; i++) {
        pm_elf_seg_t *s = &out->seg[i];
        s->vaddr += out->bias;
        uint64_t end = s->vaddr + s->memsz;
        /* Leave the top of the space to mmap and the stack; page 0.. mmap_min_addr stays empty. */
        if (pm_page_down(s->vaddr) < PM_USER_MIN || end > PM_MMAP_TOP || end < s->vaddr)
            return -LX_ENOEXEC;
        if (end > out->end)
            out->end = end;
    }
    return 0;
}

/* Map the pages of [lo, hi) that no earlier segment mapped, writable for the copy-in. */
static int pm_elf_map_range(pm_t *pm, pm_as_t as, pm_mm_t *mm, uint64_t lo, uint64_t hi)
{
    uint64_t at = lo;
    while (at < hi) {
        const pm_vma_t *v = pm_mm_find(mm, at);
        if (v) {
            at = v->end;
            continue;
        }
        uint64_t stop = hi;
        for (size_t i = 0; i < mm->n; i++)
            if (mm->v[i].start > at && mm->v[i].start < stop)
                stop = mm->v[i].start;
        int r = pm->env.as_map(pm->env.ctx, as, at, stop - at, LX_PROT_READ | LX_PROT_WRITE);
        if (r)
            return r;
        r = pm_mm_insert(mm, at, stop, LX_PROT_READ | LX_PROT_WRITE, PM_VMA_ELF);
        if (r)
            return r;
        at = stop;
    }
    return 0;
}

static int pm_elf_protect(pm_t *pm, pm_as_t as, pm_mm_t *mm, uint64_t lo, uint64_t hi, int prot)
{
    int r = pm->env.as_protect(pm->env.ctx, as, lo, hi - lo, prot);
    return r ? r : pm_mm_set_prot(mm, lo, hi, prot);
}

int pm_elf_load(pm_t *pm, const pm_elf_info_t *info, uint64_t file, pm_as_t as, pm_mm_t *mm)
{
    int r;
    for (int i = 0; i < info->nseg; i++) {
        const pm_elf_seg_t *s = &info->seg[i];
        uint64_t lo = pm_page_down(s->vaddr), hi = pm_page_up(s->vaddr + s->memsz);
        if ((r = pm_elf_map_range(pm, as, mm, lo, hi)))
            return r;
        if (s->filesz &&
            (r = pm->env.vfs_file_load(pm->env.ctx, file, s->offset, s->filesz, as, s->vaddr)))
            return r;
        /* The rest of the last file page is bss: it must read as zero even where an earlier
         * segment's bytes were copied into a shared page. */
        uint64_t z0 = s->vaddr + s->filesz;
        uint64_t z1 = pm_page_up(z0);
        if (z1 > s->vaddr + s->memsz)
            z1 = s->vaddr + s->memsz;
        if (z1 > z0 && (r = pm_zero_out(pm, as, z0, z1 - z0)))
            return r;
    }
    for (int i = 0; i < info->nseg; i++) {
        const pm_elf_seg_t *s = &info->seg[i];
        uint64_t lo = pm_page_down(s->vaddr), hi = pm_page_up(s->vaddr + s->memsz);
        if ((r = pm_elf_protect(pm, as, mm, lo, hi, s->prot)))
            return r;
    }
    for (int i = 0; i < info->nseg; i++)
        for (int j = i + 1; j < info->nseg; j++) {
            const pm_elf_seg_t *a = &info->seg[i], *b = &info->seg[j];
            uint64_t lo = pm_page_down(a->vaddr > b->vaddr ? a->vaddr : b->vaddr);
            uint64_t ae = pm_page_up(a->vaddr + a->memsz), be = pm_page_up(b->vaddr + b->memsz);
            uint64_t hi = ae < be ? ae : be;
            if (lo < hi && (r = pm_elf_protect(pm, as, mm, lo, hi, a->prot | b->prot)))
                return r;
        }
    return 0;
}
