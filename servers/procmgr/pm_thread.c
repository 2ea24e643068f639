/* Per-thread settings reached through the register frame or stored for exit: arch_prctl (FS
 * and GS base: musl's TLS pointer is set here at start-up), set_tid_address (the word cleared
 * at exit), prctl (the comm name that ps shows; the parent-death signal, stored).
 *
 * Entry points: pm_sys_arch_prctl, pm_sys_set_tid_address, pm_sys_prctl. */
#include <string.h>
#include <lx/sched.h>
#include "pm_internal.h"

int64_t pm_sys_set_tid_address(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    c->thr->clear_child_tid = c->a[0];
    return c->thr->tid;
}

int64_t pm_sys_arch_prctl(pm_t *pm, pm_call_t *c)
{
    uint64_t code = c->a[0], addr = c->a[1];
    if (code != LX_ARCH_SET_FS && code != LX_ARCH_GET_FS && code != LX_ARCH_SET_GS &&
        code != LX_ARCH_GET_GS)
        return -LX_EINVAL;
    bool set = code == LX_ARCH_SET_FS || code == LX_ARCH_SET_GS;
    bool fs = code == LX_ARCH_SET_FS || code == LX_ARCH_GET_FS;
    if (set && addr >= PM_USER_TOP)
        return -LX_EPERM;   /* a non-canonical or kernel base */
    pm_regs_t regs;
    int r = pm->env.thread_get_regs(pm->env.ctx, c->thr->handle, &regs);
    if (r)
        return r;
    if (!set) {
        uint64_t v = fs ? regs.fs_base : regs.gs_base;
        return pm_copy_out(pm, c->proc, addr, &v, sizeof(v)) ? -LX_EFAULT : 0;
    }
    if (fs)
        regs.fs_base = addr;
    else
        regs.gs_base = addr;
    return pm->env.thread_set_regs(pm->env.ctx, c->thr->handle, &regs);
}

int64_t pm_sys_prctl(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    switch (c->a[0]) {
    case LX_PR_SET_NAME: {
        char name[LX_TASK_COMM_LEN];
        /* Up to 15 bytes: a longer name is silently truncated, as on Linux. */
        int64_t n = pm_copy_str_in(pm, p, name, c->a[1], LX_TASK_COMM_LEN - 1, LX_E2BIG);
        if (n == -LX_EFAULT)
            return -LX_EFAULT;
        if (n < 0)
            n = LX_TASK_COMM_LEN - 1;
        name[n] = 0;
        memcpy(p->comm, name, (size_t)n + 1);
        return 0;
    }
    case LX_PR_GET_NAME: {
        char name[LX_TASK_COMM_LEN] = {0};
        memcpy(name, p->comm, sizeof(name) - 1);
        return pm_copy_out(pm, p, c->a[1], name, sizeof(name)) ? -LX_EFAULT : 0;
    }
    case LX_PR_SET_PDEATHSIG:
        return (c->a[1] == 0 || pm_signal_valid((int64_t)c->a[1])) ? 0 : -LX_EINVAL;
    case LX_PR_GET_PDEATHSIG: {
        int32_t zero = 0;
        return pm_copy_out(pm, p, c->a[1], &zero, sizeof(zero)) ? -LX_EFAULT : 0;
    }
    default:
        return -LX_EINVAL;
    }
}
