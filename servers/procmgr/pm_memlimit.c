/* Limits on memory: what Linux checks before a mapping grows a process (RLIMIT_AS, RLIMIT_DATA,
 * the heuristic overcommit), and whom its OOM killer picks when memory runs out anyway.
 *
 *  - RLIMIT_AS: the whole mapped size (mm->total_vm) may not pass it: mmap, mremap and brk fail
 *    with ENOMEM (brk keeps the old break);
 *  - RLIMIT_DATA: private writable memory that is not the stack (mm->data_vm) may not pass it
 *    for mmap and mremap (ENOMEM); brk checks the heap plus the program's data, as Linux's
 *    check_data_rlimit;
 *  - overcommit (vm.overcommit_memory 0, OVERCOMMIT_GUESS): one private writable mapping, or a
 *    shared anonymous one, larger than the machine's memory fails with ENOMEM, unless
 *    MAP_NORESERVE. Smaller ones are granted and committed at first touch; when memory runs out
 *    the kernel's fault reports it (KFAULT_NOMEM) and the OOM killer below acts.
 *  - the OOM killer: SIGKILL to the process with the most resident memory (the kernel's count of
 *    its space, as_info), init only when nothing else is left; the faulting thread then tries
 *    again (or dies, if it was the one picked). The servers' own memory is system memory, which
 *    user programs cannot take (the kernel's reserve), so vfs and procmgr keep answering.
 *
 * Entry points: pm_mem_may_map, pm_mem_may_brk, pm_oom_victim. */
#include <lx/mman.h>
#include "pm_internal.h"

/* Mapped bytes of mm that Linux counts in data_vm: writable, private, not the stack. */
static uint64_t pm_data_vm(const pm_mm_t *mm, bool heap, bool others)
{
    uint64_t n = 0;
    for (size_t i = 0; i < mm->n; i++) {
        const pm_vma_t *v = &mm->v[i];
        if (!(v->prot & LX_PROT_WRITE) || v->kind == PM_VMA_SHARED || v->kind == PM_VMA_STACK)
            continue;
        if (v->kind == PM_VMA_BRK ? heap : others)
            n += v->end - v->start;
    }
    return n;
}

/* The machine's memory for the heuristic (totalram). */
static uint64_t pm_total_ram(pm_t *pm)
{
    uint64_t now = pm->env.free_memory ? pm->env.free_memory(pm->env.ctx) : 0;
    return pm->boot_free > now ? pm->boot_free : now;
}

int pm_mem_may_map(pm_t *pm, pm_proc_t *p, uint64_t len, int prot, bool shared, bool anon,
                   bool noreserve)
{
    const pm_mm_t *mm = p->mm;
    uint64_t as = p->rlim[LX_RLIMIT_AS].rlim_cur, data = p->rlim[LX_RLIMIT_DATA].rlim_cur;
    if (as != LX_RLIM_INFINITY && (len > as || pm_vsize(mm) > as - len))
        return -LX_ENOMEM;
    bool data_map = (prot & LX_PROT_WRITE) && !shared;
    if (data_map && data != LX_RLIM_INFINITY) {
        uint64_t have = pm_data_vm(mm, true, true);
        if (len > data || have > data - len)
            return -LX_ENOMEM;
    }
    /* accountable_mapping(): private writable, and shared anonymous memory (shmem) */
    bool accounted = data_map || (shared && anon);
    if (accounted && !noreserve) {
        uint64_t ram = pm_total_ram(pm);
        if (ram && len > ram)
            return -LX_ENOMEM;
    }
    return 0;
}

int pm_mem_may_brk(pm_t *pm, pm_proc_t *p, uint64_t old_end, uint64_t new_end)
{
    const pm_mm_t *mm = p->mm;
    uint64_t len = new_end - old_end;
    uint64_t as = p->rlim[LX_RLIMIT_AS].rlim_cur, data = p->rlim[LX_RLIMIT_DATA].rlim_cur;
    if (as != LX_RLIM_INFINITY && (len > as || pm_vsize(mm) > as - len))
        return -LX_ENOMEM;
    /* check_data_rlimit: the heap that would be, plus the program's data */
    uint64_t want = new_end - mm->brk_start;
    for (size_t i = 0; i < mm->n; i++)
        if (mm->v[i].kind == PM_VMA_ELF && (mm->v[i].prot & LX_PROT_WRITE))
            want += mm->v[i].end - mm->v[i].start;
    if (data != LX_RLIM_INFINITY && want > data)
        return -LX_ENOMEM;
    uint64_t ram = pm_total_ram(pm);
    if (ram && len > ram)
        return -LX_ENOMEM;
    return 0;
}

pm_proc_t *pm_oom_victim(pm_t *pm)
{
    pm_proc_t *best = NULL, *init = NULL;
    uint64_t best_rss = 0;
    for (pm_proc_t *p = pm->procs; p; p = p->next) {
        if (p->state != PM_P_LIVE || !p->has_as)
            continue;
        if (p->pid == 1) {
            init = p;
            continue;
        }
        uint64_t rss = pm->env.as_resident ? pm->env.as_resident(pm->env.ctx, p->as) : 0;
        if (!best || rss > best_rss)
            best = p, best_rss = rss;
    }
    return best ? best : init;
}
