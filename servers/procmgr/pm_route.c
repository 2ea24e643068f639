/* Where a traced call went inside the system: the record PTRACE_KESTREL_ROUTE gives a tracer at
 * the call's syscall-exit stop (lx/ptrace_route.h, shown by `trace --route`).
 *
 * Kept only for a thread resumed with PTRACE_SYSCALL (the only one with exit stops). At the
 * call's dispatch (pm_syscall_run) the clock and the kernel's counters are read and the glue
 * starts noting each kernel call and vfs message procmgr makes (env->route_begin); at the
 * dispatch's end the steps are collected and how the call was answered is noted: by procmgr in
 * the loop (direct), by vfs straight to the caller (forwarded), or later (deferred, with the
 * event that released it, noted where that happens: a vfork child's exec or exit, a child's
 * state change). The kernel's exit report completes it: the time from dispatch to report and
 * the counters' growth (system-wide: other threads' work in that time counts too).
 *
 * Entry points: pm_route_begin, pm_route_end, pm_route_event, pm_route_complete. */
#include <string.h>
#include "pm_internal.h"

static void pm_route_step(struct kestrel_route *r, uint16_t step)
{
    if (r->nsteps < KR_STEPS_MAX)
        r->steps[r->nsteps++] = step;
    else
        r->steps_dropped++;
}

void pm_route_begin(pm_t *pm, pm_thr_t *t, uint64_t nr)
{
    pm_ptrace_t *pt = t->pt;
    memset(&pt->route, 0, sizeof(pt->route));
    pt->route.nr = nr;
    pt->route.server = pm_syscall_route(nr) == PM_ROUTE_VFS ? KR_SERVER_VFS : KR_SERVER_PROCMGR;
    pt->route_t0 = pm->env.clock_mono_ns(pm->env.ctx);
    memset(pt->route_k0, 0, sizeof(pt->route_k0));
    if (pm->env.kcounters)
        pm->env.kcounters(pm->env.ctx, pt->route_k0);
    if (pm->env.route_begin)
        pm->env.route_begin(pm->env.ctx);
    pt->route_on = true;
}

void pm_route_end(pm_t *pm, pm_thr_t *t, uint32_t how)
{
    pm_ptrace_t *pt = t->pt;
    struct kestrel_route *r = &pt->route;
    if (pm->env.route_end) {
        uint32_t dropped = 0;
        r->nsteps = pm->env.route_end(pm->env.ctx, r->steps, KR_STEPS_MAX, &dropped);
        r->steps_dropped = dropped;
    }
    r->how = how;
    if (how == KR_HOW_DEFERRED && t->block == PM_BLK_VFORK)
        pm_route_step(r, KR_STEP_PARK);
}

void pm_route_event(pm_thr_t *t, uint32_t event, int32_t pid)
{
    pm_ptrace_t *pt = t->pt;
    if (!pt->route_on)
        return;
    pt->route.event = event;
    pt->route.event_pid = pid;
    if (event == KR_EV_VFORK_EXEC || event == KR_EV_VFORK_EXIT)
        pm_route_step(&pt->route, KR_STEP_RELEASE);
}

void pm_route_complete(pm_t *pm, pm_thr_t *t, uint64_t nr)
{
    pm_ptrace_t *pt = t->pt;
    struct kestrel_route *r = &pt->route;
    pt->route_on = false;
    if (r->nr != nr)
        return;   /* the report of another call (a restart): the record stays as it was */
    if (r->how == KR_HOW_DEFERRED && !r->event)
        r->event = KR_EV_OTHER;
    r->wait_ns = pm->env.clock_mono_ns(pm->env.ctx) - pt->route_t0;
    if (pm->env.kcounters) {
        uint64_t k[3];
        pm->env.kcounters(pm->env.ctx, k);
        r->kernel_entries = k[0] - pt->route_k0[0];
        r->ipc_messages = k[1] - pt->route_k0[1];
        r->as_switches = k[2] - pt->route_k0[2];
    }
    r->size = sizeof(*r);
}
