/* Scheduling attributes of processes: the nice value (getpriority, setpriority), the CPU
 * affinity (sched_getaffinity, sched_setaffinity) and the I/O priority (ioprio_get, ioprio_set).
 *
 * They are stored and reported with Linux's rules (who names a process, a process group or a
 * user; ESRCH when nothing matches; values clamped or checked as Linux does; everyone is root, so
 * no EACCES/EPERM), inherited by a clone (pm_proc_new), and shown in /proc/<pid>/stat (priority,
 * nice). They change nothing else: the kernel schedules all user threads alike, and there is one
 * CPU (affinity mask {0}) and no block I/O to order.
 *
 * Entry points: pm_sys_getpriority, pm_sys_setpriority, pm_sys_sched_getaffinity,
 * pm_sys_sched_setaffinity, pm_sys_ioprio_get, pm_sys_ioprio_set. */
#include "pm_internal.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
#define NICE_MIN     (-20)
#define NICE_MAX     19
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP    2
#define IOPRIO_WHO_USER    3
#define IOPRIO_CLASS_NONE  0
#define IOPRIO_CLASS_IDLE  3
#define CPUMASK_BYTES 8   /* the kernel's cpumask size here: one word, one CPU */

/* Does process q match (which, who) as the caller c sees it? which is PRIO_* (ioprio's
 * IOPRIO_WHO_* are the same minus 1), already checked; who 0 is the caller's own. */
static bool prio_match(const pm_call_t *c, const pm_proc_t *q, int which, int32_t who)
{
    if (which == PRIO_PROCESS)
        return q->pid == (who ? who : c->proc->pid);
    if (which == PRIO_PGRP)
        return q->pgid == (who ? who : c->proc->pgid);
    return who == 0;   /* PRIO_USER: every process is uid 0's */
}

/* The largest of get(q) over the processes (which, who) names, or -ESRCH; with set, set(q, v)
 * on each of them instead (0 or -ESRCH). */
static int64_t prio_each(pm_t *pm, pm_call_t *c, int which, int32_t who,
                         int64_t (*get)(const pm_proc_t *), void (*set)(pm_proc_t *, int64_t),
                         int64_t v)
{
    int64_t r = -LX_ESRCH;
    for (pm_proc_t *q = pm->procs; q; q = q->next) {
        if (!prio_match(c, q, which, who))
            continue;
        if (set) {
            set(q, v);
            r = 0;
        } else if (get(q) > r) {
            r = get(q);
        }
    }
    return r;
}

/* the syscall's value is 20 - nice (1..40), never negative; libc converts it back */
static int64_t nice_get(const pm_proc_t *q)
{
    return 20 - q->nice;
}

static void nice_set(pm_proc_t *q, int64_t v)
{
    q->nice = (int)v;
}

int64_t pm_sys_getpriority(pm_t *pm, pm_call_t *c)
{
    int which = (int)c->a[0];
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -LX_EINVAL;
    return prio_each(pm, c, which, (int32_t)c->a[1], nice_get, NULL, 0);
}

int64_t pm_sys_setpriority(pm_t *pm, pm_call_t *c)
{
    int which = (int)c->a[0];
    int nice = (int)c->a[2];
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -LX_EINVAL;
    nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
    return prio_each(pm, c, which, (int32_t)c->a[1], NULL, nice_set, nice);
}

/* The process whose thread is tid (0: the caller), or NULL. */
static pm_proc_t *affinity_target(pm_t *pm, pm_call_t *c, int32_t tid)
{
    if (tid == 0)
        return c->proc;
    pm_thr_t *t = tid > 0 ? pm_thr_find(pm, tid) : NULL;
    return t ? t->proc : NULL;
}

int64_t pm_sys_sched_getaffinity(pm_t *pm, pm_call_t *c)
{
    uint32_t len = (uint32_t)c->a[1];
    if (len == 0 || (len & 7))
        return -LX_EINVAL;   /* fewer bits than CPUs, or not whole words */
    if (!affinity_target(pm, c, (int32_t)c->a[0]))
        return -LX_ESRCH;
    uint64_t mask = 1;   /* CPU 0 */
    if (pm_copy_out(pm, c->proc, c->a[2], &mask, CPUMASK_BYTES))
        return -LX_EFAULT;
    return CPUMASK_BYTES;   /* the bytes written; libc zeroes the rest of the caller's set */
}

int64_t pm_sys_sched_setaffinity(pm_t *pm, pm_call_t *c)
{
    uint32_t len = (uint32_t)c->a[1];
    uint64_t mask = 0;
    if (pm_copy_in(pm, c->proc, &mask, c->a[2], len < CPUMASK_BYTES ? len : CPUMASK_BYTES))
        return -LX_EFAULT;
    if (!affinity_target(pm, c, (int32_t)c->a[0]))
        return -LX_ESRCH;
    return (mask & 1) ? 0 : -LX_EINVAL;   /* it must allow the one CPU there is */
}

static int64_t ioprio_get(const pm_proc_t *q)
{
    return q->ioprio;
}

static void ioprio_set(pm_proc_t *q, int64_t v)
{
    q->ioprio = (uint16_t)v;
}

int64_t pm_sys_ioprio_get(pm_t *pm, pm_call_t *c)
{
    int which = (int)c->a[0];
    if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
        return -LX_EINVAL;
    return prio_each(pm, c, which - IOPRIO_WHO_PROCESS, (int32_t)c->a[1], ioprio_get, NULL, 0);
}

int64_t pm_sys_ioprio_set(pm_t *pm, pm_call_t *c)
{
    int which = (int)c->a[0];
    uint32_t prio = (uint32_t)c->a[2] & 0xffff;
    uint32_t class = prio >> 13, data = prio & 0x1fff;
    if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
        return -LX_EINVAL;
    /* Linux's ioprio_check_cap: a known class; NONE has no level; RT/BE: level 0..7 and a
     * hint 0..7 above it; IDLE anything */
    if (class > IOPRIO_CLASS_IDLE || (class == IOPRIO_CLASS_NONE && data) ||
        (class != IOPRIO_CLASS_IDLE && (data >> 3) > 7))
        return -LX_EINVAL;
    return prio_each(pm, c, which - IOPRIO_WHO_PROCESS, (int32_t)c->a[1], NULL, ioprio_set, prio);
}
