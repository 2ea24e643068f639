/* The memory calls: brk, mmap, munmap, mprotect, madvise, mremap. procmgr chooses addresses and
 * keeps the bookkeeping (pm_vma.c); the kernel maps zeroed anonymous pages (env->as_map).
 *
 * Supported: anonymous mappings, private or shared (MAP_SHARED memory is one memory object that a
 * forked child shares, PM_AS_SHARED to the kernel; private memory is copied on write), hints, MAP_FIXED (replaces what was there), MAP_FIXED_NOREPLACE
 * (-EEXIST on overlap), MAP_32BIT. File mappings are -ENODEV (-EBADF for a negative fd):
 * procmgr cannot reach a file descriptor's file (only vfs can). mremap shrinks and grows in
 * place; moving is -ENOMEM (musl's realloc then copies by itself).
 *
 * Entry points: pm_sys_brk, pm_sys_mmap, pm_sys_munmap, pm_sys_mprotect, pm_sys_madvise,
 * pm_sys_mremap. */
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
        if (!pm_mm_is_free(mm, old_end, new_end))
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

int64_t pm_sys_mmap(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    uint64_t addr = c->a[0], len = c->a[1], off = c->a[5];
    int prot = (int)c->a[2] & PM_PROT_RWX;
    uint32_t flags = (uint32_t)c->a[3];
    if (off & (PM_PAGE - 1))
        return -LX_EINVAL;
    if (len == 0)
        return -LX_EINVAL;
    uint32_t type = flags & LX_MAP_TYPE;
    if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != LX_MAP_SHARED_VALIDATE)
        return -LX_EINVAL;
    if (!(flags & LX_MAP_ANONYMOUS))
        return (int32_t)c->a[4] < 0 ? -LX_EBADF : -LX_ENODEV;   /* only vfs knows other fds */
    uint64_t size = pm_page_up(len);
    if (size == 0 || size > PM_USER_TOP)
        return -LX_ENOMEM;

    if (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
        if (addr & (PM_PAGE - 1))
            return -LX_EINVAL;
        if (addr > PM_USER_TOP - size)
            return -LX_ENOMEM;
        if (addr < PM_USER_MIN)
            return -LX_EPERM;
        if (flags & LX_MAP_FIXED_NOREPLACE) {
            if (!pm_mm_is_free(p->mm, addr, addr + size))
                return -LX_EEXIST;
        } else if (pm_mem_unmap(pm, p, addr, addr + size)) {
            return -LX_ENOMEM;
        }
    } else {
        uint64_t hint = pm_page_up(addr);
        if (flags & LX_MAP_32BIT) {
            addr = pm_mm_find_gap(p->mm, size, 0x80000000ull);
            if (addr < 0x40000000ull)
                return -LX_ENOMEM;
        } else if (hint >= PM_USER_MIN && hint <= PM_USER_TOP - size &&
                   pm_mm_is_free(p->mm, hint, hint + size)) {
            addr = hint;
        } else {
            addr = pm_mm_find_gap(p->mm, size, PM_MMAP_TOP);
            if (addr == 0)
                return -LX_ENOMEM;
        }
    }
    bool shared = type != LX_MAP_PRIVATE;
    if (pm->env.as_map(pm->env.ctx, p->as, addr, size, prot | (shared ? PM_AS_SHARED : 0)))
        return -LX_ENOMEM;
    if (pm_mm_insert(p->mm, addr, addr + size, prot, shared ? PM_VMA_SHARED : PM_VMA_ANON)) {
        (void)pm->env.as_unmap(pm->env.ctx, p->as, addr, size);
        return -LX_ENOMEM;
    }
    return (int64_t)addr;
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
    /* DONTNEED: anonymous pages read back as zero. Remapping is the cheapest way to zero. */
    pm_mm_t *mm = p->mm;
    for (size_t i = 0; i < mm->n; i++) {
        const pm_vma_t *v = &mm->v[i];
        uint64_t lo = v->start > addr ? v->start : addr;
        uint64_t hi = v->end < addr + size ? v->end : addr + size;
        /* ELF pages keep their file contents; shared memory keeps its pages for the other
         * mappings of it (Linux drops only this mapping's view, which reads the same data) */
        if (lo >= hi || v->kind == PM_VMA_ELF || v->kind == PM_VMA_SHARED)
            continue;
        if (pm->env.as_unmap(pm->env.ctx, p->as, lo, hi - lo) ||
            pm->env.as_map(pm->env.ctx, p->as, lo, hi - lo, v->prot))
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
    int prot = v->prot, kind = v->kind;
    /* a grown shared mapping's new part is shared memory of its own (a limit: Linux grows the
     * one object) */
    if (pm->env.as_map(pm->env.ctx, p->as, ext, end - ext,
                       prot | (kind == PM_VMA_SHARED ? PM_AS_SHARED : 0)))
        return -LX_ENOMEM;
    if (pm_mm_insert(p->mm, ext, end, prot, kind)) {
        (void)pm->env.as_unmap(pm->env.ctx, p->as, ext, end - ext);
        return -LX_ENOMEM;
    }
    return (int64_t)old;
}
