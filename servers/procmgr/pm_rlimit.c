/* Resource limits, stored per process, inherited by clone, kept across exec: getrlimit,
 * setrlimit, prlimit64 (Linux's rules: EINVAL for an unknown resource or cur > max, EPERM for
 * RLIMIT_NOFILE above nr_open; everyone is root so raising a hard limit is allowed). Only
 * RLIMIT_STACK (exec's argument budget) and RLIMIT_NOFILE (told to vfs, which owns the
 * descriptors, through env->vfs_proc_nofile) have an effect.
 *
 * Entry points: pm_sys_getrlimit, pm_sys_setrlimit, pm_sys_prlimit64, pm_rlimit_tell_vfs. */
#include <string.h>
#include "pm_internal.h"

void pm_rlimit_tell_vfs(pm_t *pm, const pm_proc_t *p)
{
    if (pm->env.vfs_proc_nofile)
        (void)pm->env.vfs_proc_nofile(pm->env.ctx, p->pid, p->rlim[LX_RLIMIT_NOFILE].rlim_cur);
}

static int pm_rlimit_apply(pm_t *pm, pm_proc_t *p, uint64_t res, const struct lx_rlimit *new,
                           struct lx_rlimit *old)
{
    if (res >= LX_RLIM_NLIMITS)
        return -LX_EINVAL;
    if (new) {
        if (new->rlim_cur > new->rlim_max)
            return -LX_EINVAL;
        if (res == LX_RLIMIT_NOFILE && new->rlim_max > LX_NR_OPEN)
            return -LX_EPERM;
    }
    if (old)
        *old = p->rlim[res];
    if (new) {
        bool nofile_changed =
            res == LX_RLIMIT_NOFILE && new->rlim_cur != p->rlim[res].rlim_cur;
        p->rlim[res] = *new;
        if (nofile_changed)
            pm_rlimit_tell_vfs(pm, p);   /* descriptors are vfs's: it enforces the limit */
    }
    return 0;
}

int64_t pm_sys_getrlimit(pm_t *pm, pm_call_t *c)
{
    struct lx_rlimit old;
    int r = pm_rlimit_apply(pm, c->proc, c->a[0], NULL, &old);
    if (r)
        return r;
    return pm_copy_out(pm, c->proc, c->a[1], &old, sizeof(old)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_setrlimit(pm_t *pm, pm_call_t *c)
{
    struct lx_rlimit new;
    if (pm_copy_in(pm, c->proc, &new, c->a[1], sizeof(new)))
        return -LX_EFAULT;
    return pm_rlimit_apply(pm, c->proc, c->a[0], &new, NULL);
}

int64_t pm_sys_prlimit64(pm_t *pm, pm_call_t *c)
{
    int32_t pid = (int32_t)c->a[0];
    struct lx_rlimit new, old;
    if (c->a[2] && pm_copy_in(pm, c->proc, &new, c->a[2], sizeof(new)))
        return -LX_EFAULT;
    pm_proc_t *p = pid == 0 ? c->proc : pm_proc_find(pm, pid);
    if (!p || p->state != PM_P_LIVE)
        return -LX_ESRCH;
    int r = pm_rlimit_apply(pm, p, c->a[1], c->a[2] ? &new : NULL, &old);
    if (r)
        return r;
    if (c->a[3] && pm_copy_out(pm, c->proc, c->a[3], &old, sizeof(old)))
        return -LX_EFAULT;
    return 0;
}
