/* The vDSO: a small shared object (libsys/vdso) exporting Linux's __vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time and __vdso_getcpu (version LINUX_2.6), which read the clocks
 * from the kernel's clock page without entering the kernel. procmgr, the Linux personality, owns
 * the image (its glue puts it in a memory object at boot) and maps it into every program at exec
 * with the clock page just below it, where the image's code expects it (its link-time address
 * -4096), announced by AT_SYSINFO_EHDR. As Linux without address randomisation: [vvar] then
 * [vdso] right below the top of the mmap area, read-only (the image also executable), shared
 * with every process, kept across fork, gone at the next exec.
 *
 * Entry point: pm_vdso_map. */
#include <lx/mman.h>
#include "pm_internal.h"

#define PM_VVAR_SIZE PM_PAGE

int pm_vdso_map(pm_t *pm, pm_as_t as, pm_mm_t *mm, uint64_t *ehdr)
{
    *ehdr = 0;
    const pm_vdso_t *v = &pm->vdso;
    if (!v->image || !v->clock || !v->size || !pm->env.as_map_mem)
        return 0;   /* no vDSO: libc makes the syscalls */
    uint64_t image = PM_MMAP_TOP - v->size, vvar = image - PM_VVAR_SIZE;
    if (!pm_mm_is_free(mm, vvar, PM_MMAP_TOP))
        return 0;   /* a program image reaching up there: it does without */
    int r = pm->env.as_map_mem(pm->env.ctx, as, vvar, PM_VVAR_SIZE, LX_PROT_READ | PM_AS_SHARED,
                               v->clock, 0);
    if (!r)
        r = pm->env.as_map_mem(pm->env.ctx, as, image, v->size, LX_PROT_READ | LX_PROT_EXEC,
                               v->image, 0);
    if (!r)
        r = pm_mm_insert(mm, vvar, image, LX_PROT_READ, PM_VMA_VVAR);
    if (!r)
        r = pm_mm_insert(mm, image, image + v->size, LX_PROT_READ | LX_PROT_EXEC, PM_VMA_VDSO);
    if (!r)
        *ehdr = image;
    return r;
}
