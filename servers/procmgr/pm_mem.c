/* The memory calls: brk, mmap, munmap, mprotect, madvise, mremap, msync. procmgr chooses
 * addresses, applies the limits (pm_memlimit.c) and keeps the bookkeeping (pm_vma.c); the kernel
 * maps: zeroed anonymous pages (env->as_map) or a memory object's (env->as_map_mem).
 *
 * Supported: anonymous mappings, private or shared (MAP_SHARED memory is one memory object that a
 * forked child shares, PM_AS_SHARED to the kernel; private memory is copied on write); file
 * mappings: vfs hands over the file's memory object (its page cache) with the rights the
 * descriptor allows, and the kernel maps its pages: MAP_SHARED maps the very frames read() and
 * write() use, MAP_PRIVATE copies a page at its first write; /dev/zero is anonymous memory.
 * Hints, MAP_FIXED (replaces what was there), MAP_FIXED_NOREPLACE (-EEXIST on overlap),
 * MAP_32BIT. mremap shrinks and grows in place (a file mapping grows over the file); moving is
 * -ENOMEM (musl's realloc then copies by itself). msync has nothing to write back: the page
 * cache is the file.
 *
 * Entry points: pm_sys_brk, pm_sys_mmap, pm_sys_munmap, pm_sys_mprotect, pm_sys_madvise,
 * pm_sys_mremap, pm_sys_msync. */
#include <stdlib.h>
#include <lx/mman.h>
#include "pm_internal.h"

#define PM_PROT_RWX (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)

/* Unmap whatever is mapped in [start, end), piece by piece, and forget it. */
static int pm_mem_unmap(pm_t *pm, pm_proc_t *p, uint64_t start, uint64_t end)
{
    pm_mm_t *mm = p->mm;
    for (size_t i = 0; i < mm->n; i++) {
        uint64_t lo = mm->v[i].start > start ? mm->v[i].start : start;
        uint64_t hi = mm->v[i].end < end ? mm->v[i].end : end;
        if (lo < hi)
            (void)pm->env.as_unmap(pm->env.ctx, p->as, lo, hi - lo);
    }
    return pm_mm_remove(mm, start, end);
}

int64_t pm_sys_brk(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    pm_mm_t *mm = p->mm;
    uint64_t want = c->a[0];
    /* Failure is not an error code: brk returns the unchanged break. */
    if (want < mm->brk_start || want > PM_MMAP_TOP)
        return (int64_t)mm->brk_cur;
    uint64_t old_end = pm_page_up(mm->brk_cur), new_end = pm_page_up(want);
    if (new_end > old_end) {
        if (!pm_mm_is_free(mm, old_end, new_end) || pm_mem_may_brk(pm, p, old_end, new_end))
            return (int64_t)mm->brk_cur;
        if (pm->env.as_map(pm->env.ctx, p->as, old_end, new_end - old_end,
                           LX_PROT_READ | LX_PROT_WRITE))
            return (int64_t)mm->brk_cur;
        if (pm_mm_insert(mm, old_end, new_end, LX_PROT_READ | LX_PROT_WRITE, PM_VMA_BRK)) {
            (void)pm->env.as_unmap(pm->env.ctx, p->as, old_end, new_end - old_end);
            return (int64_t)mm->brk_cur;
        }
    } else if (new_end < old_end) {
        if (pm_mem_unmap(pm, p, new_end, old_end))
            return (int64_t)mm->brk_cur;
    }
    mm->brk_cur = want;
    return (int64_t)want;
}

/* Map [lo, hi) as range v maps it (its file at the matching offset, shared or not). */
static int pm_mem_map_like(pm_t *pm, pm_proc_t *p, const pm_vma_t *v, uint64_t lo, uint64_t hi)
{
    int prot = v->prot | (v->kind == PM_VMA_SHARED ? PM_AS_SHARED : 0);
    if (v->file && v->file->mem)
        return pm->env.as_map_mem(pm->env.ctx, p->as, lo, hi - lo, prot, v->file->mem,
                                  v->off + (lo - v->start));
    return pm->env.as_map(pm->env.ctx, p->as, lo, hi - lo, prot);
}

/* The file behind descriptor fd, from vfs: *pf (NULL for /dev/zero, which makes *anon true). */
static int pm_mem_file(pm_t *pm, pm_proc_t *p, int32_t tid, int32_t fd, bool shared, int prot,
                       pm_file_t **pf, bool *anon)
{
    *pf = NULL;
    if (!pm->env.vfs_mmap_open || !pm->env.as_map_mem)
        return -LX_ENODEV;
    pm_fileinfo_t fi = {0};
    int r = pm->env.vfs_mmap_open(pm->env.ctx, p->pid, tid, fd, shared,
                                  (prot & LX_PROT_WRITE) != 0, &fi);
    if (r)
        return r;
    if (fi.flags & PM_FILE_ZERO)
        *anon = true;   /* Linux's mmap_zero: anonymous memory, named after the device */
    else if (!fi.mem) {
        pm_fileinfo_drop(pm, &fi);
        return -LX_ENOMEM;   /* vfs had the object but procmgr no room for its handle */
    }
    /* a file this space maps already, with the same rights: one record, one handle (so that
     * many mappings of a file do not fill procmgr's capability table) */
    for (size_t i = 0; fi.mem && i < p->mm->n; i++) {
        pm_file_t *f = p->mm->v[i].file;
        if (f && f->mem && f->dev == fi.dev && f->ino == fi.ino &&
            f->writable == ((fi.flags & PM_FILE_WRITABLE) != 0)) {
            pm_fileinfo_drop(pm, &fi);
            pm_file_get(f);
            *pf = f;
            return 0;
        }
    }
    if (!(*pf = pm_file_new(pm, &fi)))
        return -LX_ENOMEM;
    return 0;
}

int64_t pm_sys_mmap(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    uint64_t addr = c->a[0], len = c->a[1], off = c->a[5];
    int prot = (int)c->a[2] & PM_PROT_RWX;
    uint32_t flags = (uint32_t)c->a[3];
    bool anon = (flags & LX_MAP_ANONYMOUS) != 0;
    if (off & (PM_PAGE - 1))
        return -LX_EINVAL;
    if (!anon && (int32_t)c->a[4] < 0)
        return -LX_EBADF;
    if (len == 0)
        return -LX_EINVAL;
    uint32_t type = flags & LX_MAP_TYPE;
    if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != LX_MAP_SHARED_VALIDATE)
        return -LX_EINVAL;
    uint64_t size = pm_page_up(len);
    if (size == 0 || size > PM_USER_TOP)
        return -LX_ENOMEM;
    if (!anon && off + size < off)
        return -LX_EOVERFLOW;
    bool shared = type != LX_MAP_PRIVATE;
    pm_file_t *pf = NULL;
    int64_t r = anon ? 0 : pm_mem_file(pm, p, c->thr->tid, (int32_t)c->a[4], shared, prot, &pf, &anon);
    if (r)
        return r;
    bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
    /* MAP_FIXED replaces what it covers: the limits count only the growth */
    uint64_t grow = size - (fixed && addr < PM_USER_TOP && size <= PM_USER_TOP - addr
                                ? pm_mm_mapped_bytes(p->mm, addr, addr + size)
                                : 0);
    if ((r = pm_mem_may_map(pm, p, grow, prot, shared, anon, flags & LX_MAP_NORESERVE)))
        goto out;

    if (fixed) {
        r = (addr & (PM_PAGE - 1)) ? -LX_EINVAL
            : addr > PM_USER_TOP - size ? -LX_ENOMEM
            : addr < PM_USER_MIN ? -LX_EPERM
            : 0;
        if (r)
            goto out;
        if (flags & LX_MAP_FIXED_NOREPLACE) {
            if (!pm_mm_is_free(p->mm, addr, addr + size)) {
                r = -LX_EEXIST;
                goto out;
            }
        } else if (pm_mem_unmap(pm, p, addr, addr + size)) {
            r = -LX_ENOMEM;
            goto out;
        }
    } else {
        uint64_t hint = pm_page_up(addr);
        if (flags & LX_MAP_32BIT) {
            addr = pm_mm_find_gap(p->mm, size, 0x80000000ull);
            if (addr < 0x40000000ull)
                r = -LX_ENOMEM;
        } else if (hint >= PM_USER_MIN && hint <= PM_USER_TOP - size &&
                   pm_mm_is_free(p->mm, hint, hint + size)) {
            addr = hint;
        } else {
            addr = pm_mm_find_gap(p->mm, size, PM_MMAP_TOP);
            if (addr == 0)
                r = -LX_ENOMEM;
        }
        if (r)
            goto out;
    }
    pm_vma_t v = {addr, addr + size, prot, shared ? PM_VMA_SHARED : PM_VMA_ANON, pf, off};
    if (pm_mem_map_like(pm, p, &v, addr, addr + size)) {
        r = -LX_ENOMEM;
        goto out;
    }
    if (pm_mm_insert_file(p->mm, addr, addr + size, prot, v.kind, pf, off)) {
        (void)pm->env.as_unmap(pm->env.ctx, p->as, addr, size);
        r = -LX_ENOMEM;
        goto out;
    }
    r = (int64_t)addr;
out:
    pm_file_put(pf);   /* the range holds its own reference */
    return r;
}

int64_t pm_sys_munmap(pm_t *pm, pm_call_t *c)
{
    uint64_t addr = c->a[0], len = c->a[1];
    uint64_t size = pm_page_up(len);
    if ((addr & (PM_PAGE - 1)) || len == 0 || size == 0 || addr > PM_USER_TOP ||
        size > PM_USER_TOP - addr)
        return -LX_EINVAL;
    return pm_mem_unmap(pm, c->proc, addr, addr + size);
}

int64_t pm_sys_mprotect(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    uint64_t addr = c->a[0], len = c->a[1];
    uint64_t prot = c->a[2];
    if (addr & (PM_PAGE - 1))
        return -LX_EINVAL;
    if (prot & ~(uint64_t)(PM_PROT_RWX | LX_PROT_SEM | LX_PROT_GROWSDOWN | LX_PROT_GROWSUP))
        return -LX_EINVAL;
    if ((prot & LX_PROT_GROWSDOWN) && (prot & LX_PROT_GROWSUP))
        return -LX_EINVAL;
    uint64_t size = pm_page_up(len);
    if (len && (size == 0 || addr + size < addr))
        return -LX_ENOMEM;
    if (len == 0)
        return 0;
    if (!pm_mm_is_mapped(p->mm, addr, addr + size))
        return -LX_ENOMEM;
    /* a shared mapping of a file not open for writing may never be written, nor the kernel's
     * clock page (Linux: no VM_MAYWRITE) */
    for (size_t i = 0; (prot & LX_PROT_WRITE) && i < p->mm->n; i++) {
        const pm_vma_t *v = &p->mm->v[i];
        bool ro_file = v->kind == PM_VMA_SHARED && v->file && v->file->mem && !v->file->writable;
        if (v->start < addr + size && addr < v->end && (ro_file || v->kind == PM_VMA_VVAR))
            return -LX_EACCES;
    }
    if (pm->env.as_protect(pm->env.ctx, p->as, addr, size, (int)(prot & PM_PROT_RWX)))
        return -LX_ENOMEM;
    return pm_mm_set_prot(p->mm, addr, addr + size, (int)(prot & PM_PROT_RWX));
}

static bool pm_madvise_known(uint64_t advice)
{
    return advice <= 4 || (advice >= 8 && advice <= 23) || advice == 100 || advice == 101;
}

int64_t pm_sys_madvise(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    uint64_t addr = c->a[0], len = c->a[1], advice = c->a[2];
    if ((addr & (PM_PAGE - 1)) || !pm_madvise_known(advice))
        return -LX_EINVAL;
    uint64_t size = pm_page_up(len);
    if (len && (size == 0 || addr + size < addr))
        return -LX_EINVAL;
    if (len == 0)
        return 0;
    if (!pm_mm_is_mapped(p->mm, addr, addr + size))
        return -LX_ENOMEM;
    if (advice != LX_MADV_DONTNEED)
        return 0;   /* hints; MADV_FREE may keep the contents */
    /* DONTNEED: private pages are let go: anonymous ones read back as zero, a private file
     * mapping's as the file's again. Remapping is the cheapest way. */
    pm_mm_t *mm = p->mm;
    for (size_t i = 0; i < mm->n; i++) {
        const pm_vma_t *v = &mm->v[i];
        uint64_t lo = v->start > addr ? v->start : addr;
        uint64_t hi = v->end < addr + size ? v->end : addr + size;
        /* ELF pages keep their contents (the bss zeroed in the data's last page); shared memory
         * keeps its pages for the other mappings of it (Linux drops only this mapping's view,
         * which reads the same data); the vDSO is no one's to drop */
        if (lo >= hi || v->kind == PM_VMA_ELF || v->kind == PM_VMA_SHARED ||
            v->kind == PM_VMA_VDSO || v->kind == PM_VMA_VVAR)
            continue;
        if (pm->env.as_unmap(pm->env.ctx, p->as, lo, hi - lo) || pm_mem_map_like(pm, p, v, lo, hi))
            return -LX_ENOMEM;
    }
    return 0;
}

int64_t pm_sys_mremap(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    uint64_t old = c->a[0], old_size = c->a[1], new_size = c->a[2], flags = c->a[3];
    if (flags & ~(uint64_t)(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP))
        return -LX_EINVAL;
    if ((flags & LX_MREMAP_FIXED) && !(flags & LX_MREMAP_MAYMOVE))
        return -LX_EINVAL;
    if (old & (PM_PAGE - 1))
        return -LX_EINVAL;
    uint64_t old_len = pm_page_up(old_size), new_len = pm_page_up(new_size);
    if (new_len == 0 || old_len == 0)
        return -LX_EINVAL;
    if (flags & (LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP))
        return -LX_ENOMEM;   /* moving is not supported */
    const pm_vma_t *v = pm_mm_find(p->mm, old);
    if (!v || old + old_len > v->end || old + old_len < old)
        return -LX_EFAULT;
    if (new_len == old_len)
        return (int64_t)old;
    if (new_len < old_len) {
        if (pm_mem_unmap(pm, p, old + new_len, old + old_len))
            return -LX_ENOMEM;
        return (int64_t)old;
    }
    uint64_t ext = old + old_len, end = old + new_len;
    if (end < old || end > PM_USER_TOP || !pm_mm_is_free(p->mm, ext, end))
        return -LX_ENOMEM;
    bool file = v->file && v->file->mem;
    if (pm_mem_may_map(pm, p, end - ext, v->prot, v->kind == PM_VMA_SHARED, !file, false))
        return -LX_ENOMEM;
    /* the range goes on as it was: a file mapping over the file's next pages; a grown shared
     * anonymous mapping's new part is shared memory of its own (a limit: Linux grows the one
     * object) */
    pm_vma_t grown = *v;
    grown.start = ext;
    grown.off = v->off + (ext - v->start);
    if (pm_mem_map_like(pm, p, &grown, ext, end))
        return -LX_ENOMEM;
    if (pm_mm_insert_file(p->mm, ext, end, grown.prot, grown.kind, grown.file, grown.off)) {
        (void)pm->env.as_unmap(pm->env.ctx, p->as, ext, end - ext);
        return -LX_ENOMEM;
    }
    return (int64_t)old;
}

/* msync: the page cache is the file, so there is nothing to write back; Linux's checks. */
int64_t pm_sys_msync(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    uint64_t addr = c->a[0], len = c->a[1], flags = c->a[2];
    if (flags & ~(uint64_t)(LX_MS_ASYNC | LX_MS_INVALIDATE | LX_MS_SYNC))
        return -LX_EINVAL;
    if ((addr & (PM_PAGE - 1)) || ((flags & LX_MS_ASYNC) && (flags & LX_MS_SYNC)))
        return -LX_EINVAL;
    uint64_t end = addr + pm_page_up(len);
    if (pm_page_up(len) < len || end < addr)
        return -LX_ENOMEM;
    if (end == addr)
        return 0;
    return pm_mm_is_mapped(c->proc->mm, addr, end) ? 0 : -LX_ENOMEM;
}
