/* ELF64 executables for execve: static ET_EXEC images at their link address and static-PIE
 * ET_DYN images at PM_PIE_BASE. Checking is pure (header bytes in, verdict out) so the tests can
 * feed it garbage.
 *
 * Loading maps, it does not copy: the pages of a segment's file bytes are the file's own pages
 * (its memory object in vfs's page cache), mapped private with the segment's protection, so
 * every process running the program shares its text and read-only data, and a write to data
 * copies the page first; the bss past the file's pages is anonymous zero memory; the bytes of
 * the partial page after the data that belong to the bss are zeroed in the process's own copy.
 * Pages arrive at first touch. The plan (pm_elf_plan) is pure, so the tests can check it.
 *
 * Pages shared by two segments end up with the union of both protections, as Linux's
 * overlapping mmaps do. Mapping cannot express two things, which are copied instead (zero pages
 * filled through vfs, as every page was before the page cache): a page two segments share that
 * needs bytes from two different file pages, and a segment whose address and file offset
 * differ modulo the page size. Linkers produce neither.
 *
 * Malformed images are -ENOEXEC: Linux fails some of these (p_filesz > p_memsz, addresses
 * past TASK_SIZE) only after the point of no return, by killing the process; we catch them
 * before the commit, so the caller gets an error and keeps running.
 *
 * Entry points: pm_elf_check_ehdr, pm_elf_parse, pm_elf_plan, pm_elf_load. */
#include <stdlib.h>
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

/* ---- the plan: which page ranges come from the file, which are zero, which are copied ---- */

/* What segment s makes of the page range [a, b) (one of its sub-ranges or none): -1 none. */
static int pm_elf_claim(const pm_elf_seg_t *s, bool can_map, uint64_t a, uint64_t b, uint64_t *off)
{
    uint64_t lo = pm_page_down(s->vaddr), hi = pm_page_up(s->vaddr + s->memsz);
    uint64_t fend = s->filesz ? pm_page_up(s->vaddr + s->filesz) : lo;
    if (a < lo || b > hi)
        return -1;
    if (b <= fend) {
        /* a private mapping needs the address and the file offset in step within a page */
        if (!can_map || (s->vaddr & (PM_PAGE - 1)) != (s->offset & (PM_PAGE - 1)))
            return PM_ELF_COPY;
        *off = pm_page_down(s->offset) + (a - lo);
        return PM_ELF_FILE;
    }
    return PM_ELF_ANON;
}

/* a few hundred values at most: insertion sort (the servers' libc has no qsort) */
static void pm_u64_sort(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

int pm_elf_plan(const pm_elf_info_t *info, bool can_map, pm_elf_piece_t *out)
{
    /* Every boundary of every segment's file and zero parts, page aligned; between two of them
     * each segment claims all the pages or none. */
    uint64_t cut[3 * PM_ELF_MAX_PHDRS];
    int ncut = 0;
    for (int i = 0; i < info->nseg; i++) {
        const pm_elf_seg_t *s = &info->seg[i];
        uint64_t lo = pm_page_down(s->vaddr);
        cut[ncut++] = lo;
        cut[ncut++] = s->filesz ? pm_page_up(s->vaddr + s->filesz) : lo;
        cut[ncut++] = pm_page_up(s->vaddr + s->memsz);
    }
    pm_u64_sort(cut, ncut);
    int n = 0;
    for (int k = 0; k + 1 < ncut; k++) {
        uint64_t a = cut[k], b = cut[k + 1];
        if (a == b)
            continue;
        int how = -1, prot = 0;
        uint64_t off = 0;
        bool file_conflict = false;
        for (int i = 0; i < info->nseg; i++) {
            uint64_t o = 0;
            int c = pm_elf_claim(&info->seg[i], can_map, a, b, &o);
            if (c < 0)
                continue;
            prot |= info->seg[i].prot;   /* Linux's overlapping mappings: the union */
            if (c == PM_ELF_FILE) {
                /* two segments' file bytes in one page from different file pages: copy */
                if (how == PM_ELF_FILE && o != off)
                    file_conflict = true;
                if (how != PM_ELF_COPY)
                    how = PM_ELF_FILE, off = o;
            } else if (c == PM_ELF_COPY) {
                how = PM_ELF_COPY;
            } else if (how < 0) {
                how = PM_ELF_ANON;   /* a file page stays the file's: the zeroing comes later */
            }
        }
        if (how < 0)
            continue;   /* a gap between segments */
        if (file_conflict)
            how = PM_ELF_COPY;
        pm_elf_piece_t *last = n ? &out[n - 1] : NULL;
        if (last && last->end == a && last->how == how && last->prot == prot &&
            (how != PM_ELF_FILE || last->off + (last->end - last->start) == off)) {
            last->end = b;
            continue;
        }
        out[n++] = (pm_elf_piece_t){a, b, prot, how, how == PM_ELF_FILE ? off : 0};
    }
    return n;
}

/* ---- loading ---- */

/* [lo, hi) clipped to piece p: false if they do not meet. */
static bool pm_elf_clip(const pm_elf_piece_t *p, uint64_t *lo, uint64_t *hi)
{
    if (*lo < p->start)
        *lo = p->start;
    if (*hi > p->end)
        *hi = p->end;
    return *lo < *hi;
}

int pm_elf_load(pm_t *pm, const pm_elf_info_t *info, uint64_t file, pm_file_t *pf, pm_as_t as,
                pm_mm_t *mm)
{
    bool can_map = pf && pf->mem && pm->env.as_map_mem;
    pm_elf_piece_t *pc = malloc(PM_ELF_MAX_PIECES * sizeof(*pc));
    if (!pc)
        return -LX_ENOMEM;
    int n = pm_elf_plan(info, can_map, pc), r = 0;
    for (int k = 0; k < n && !r; k++) {
        const pm_elf_piece_t *p = &pc[k];
        uint64_t len = p->end - p->start;
        bool from_file = p->how == PM_ELF_FILE;
        r = from_file ? pm->env.as_map_mem(pm->env.ctx, as, p->start, len, p->prot, pf->mem, p->off)
                      : pm->env.as_map(pm->env.ctx, as, p->start, len, p->prot);
        if (!r)
            r = pm_mm_insert_file(mm, p->start, p->end, p->prot, PM_VMA_ELF,
                                  from_file ? pf : NULL, p->off);
    }
    /* the file's bytes of each segment into the pages that are copied (a forced write: they
     * may be read-only already) */
    for (int i = 0; i < info->nseg && !r; i++) {
        const pm_elf_seg_t *s = &info->seg[i];
        for (int k = 0; k < n && !r; k++) {
            uint64_t lo = s->vaddr, hi = s->vaddr + s->filesz;
            if (pc[k].how == PM_ELF_COPY && pm_elf_clip(&pc[k], &lo, &hi))
                r = pm->env.vfs_file_load(pm->env.ctx, file, s->offset + (lo - s->vaddr), hi - lo,
                                          as, lo);
        }
    }
    /* bss: a segment's bytes past its file size read as zero, also where a page holds file bytes
     * (the partial page after the data): zeroed in the process's own copy of the page */
    for (int i = 0; i < info->nseg && !r; i++) {
        const pm_elf_seg_t *s = &info->seg[i];
        for (int k = 0; k < n && !r; k++) {
            uint64_t lo = s->vaddr + s->filesz, hi = s->vaddr + s->memsz;
            if (pc[k].how == PM_ELF_FILE && pm_elf_clip(&pc[k], &lo, &hi))
                r = pm_zero_out(pm, as, lo, hi - lo);
        }
    }
    free(pc);
    return r;
}
