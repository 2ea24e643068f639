/* The process table: creating procmgr itself, allocating pids, process and thread records,
 * lookups, the graveyard of records freed only when no entry point is active, and the views
 * for ps and for tests.
 *
 * A thread's tid comes from the pid space (as Linux's); the kernel names a thread by its badge,
 * the tid it was created with, which stays when exec's de-thread gives it the process's id.
 *
 * Entry points: pm_create, pm_destroy, pm_proc_list, pm_stats_get; internal pm_proc_new,
 * pm_proc_new_pid, pm_thr_new, pm_thr_new_tid, pm_thr_unlink, pm_proc_unlink, pm_proc_find,
 * pm_thr_find, pm_thr_by_badge, pm_pid_alloc, pm_pid_busy, pm_proc_set_pgrp, pm_pgrp_exists,
 * pm_proc_init, pm_gc,
 * pm_proc_set_names, pm_live_count, pm_proc_state, pm_rlimit_defaults, pm_sighand_share,
 * pm_sighand_unshare, pm_sighand_put. */
#include <stdlib.h>
#include <string.h>
#include "pm_internal.h"

/* CPUID.1:EDX, what Linux reports as AT_HWCAP on x86. */
static uint64_t pm_cpu_hwcap(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    (void)b;
    return d;
}

/* Linux's threads-max: memory / (8 kernel stacks' worth), at least 20, here one process per
 * 64 pages of free memory at start (4,096 on a 1 GiB machine), never past the pid space. */
static int pm_proc_limit(uint64_t free_bytes)
{
    uint64_t n = free_bytes / (64 * PM_PAGE);
    if (n < 20)
        n = 20;
    if (n > PM_PID_MAX / 2)
        n = PM_PID_MAX / 2;
    return (int)n;
}

pm_t *pm_create(const struct pm_env *env)
{
    pm_t *pm = calloc(1, sizeof(*pm));
    if (!pm)
        return NULL;
    pm->env = *env;
    pm->boot_free = env->free_memory ? env->free_memory(env->ctx) : 0;
    pm->proc_max = pm_proc_limit(pm->boot_free);
    pm->hwcap = pm_cpu_hwcap();
    if (env->vdso)
        env->vdso(env->ctx, &pm->vdso);   /* pm_vdso.c maps it at every exec */
    return pm;
}

pm_sighand_t *pm_sighand_share(pm_proc_t *p)
{
    if (!p->sh) {
        pm_sighand_t *sh = calloc(1, sizeof(*sh));
        if (!sh)
            return NULL;
        sh->refs = 1;
        memcpy(sh->act, p->own_act, sizeof(sh->act));
        p->sh = sh;
        p->act = sh->act;
    }
    p->sh->refs++;
    return p->sh;
}

void pm_sighand_unshare(pm_proc_t *p)
{
    if (!p->sh)
        return;
    memcpy(p->own_act, p->sh->act, sizeof(p->own_act));
    pm_sighand_put(p->sh);
    p->sh = NULL;
    p->act = p->own_act;
}

void pm_sighand_put(pm_sighand_t *sh)
{
    if (sh && --sh->refs == 0)
        free(sh);
}

static void pm_proc_free(pm_proc_t *p)
{
    pm_sighand_put(p->sh);
    if (p->mm)
        pm_mm_put(p->mm);
    pm_ptimers_free(p);
    free(p);
}

void pm_destroy(pm_t *pm)
{
    if (!pm)
        return;
    /* no env calls: mapped files' handles and programs' denials go with the server */
    pm->env.mem_release = NULL;
    pm->env.vfs_exec_done = NULL;
    pm->depth = 0;
    pm_gc(pm);
    for (pm_thr_t *t = pm->threads, *n; t; t = n) {
        n = t->next;
        free(t->pt);
        free(t);
    }
    for (pm_proc_t *p = pm->procs, *n; p; p = n) {
        n = p->next;
        pm_proc_free(p);
    }
    pm_idmap_free(&pm->by_pid);
    pm_idmap_free(&pm->by_tid);
    pm_idmap_free(&pm->by_badge);
    pm_idmap_free(&pm->pgrp_uses);
    pm_idmap_free(&pm->sess_uses);
    free(pm);
}

/* The id maps hold exactly the live lists' members, so a lookup is one map read; only a map
 * that once lacked memory for a chunk (incomplete) sends a miss on to the list. */
pm_proc_t *pm_proc_find(pm_t *pm, int32_t pid)
{
    pm_proc_t *hit = pid > 0 ? pm_idmap_get(&pm->by_pid, (uint64_t)pid) : NULL;
    if (hit || !pm->by_pid.incomplete)
        return hit;
    for (pm_proc_t *p = pm->procs; p; p = p->next)
        if (p->pid == pid)
            return p;
    return NULL;
}

pm_thr_t *pm_thr_find(pm_t *pm, int32_t tid)
{
    pm_thr_t *hit = tid > 0 ? pm_idmap_get(&pm->by_tid, (uint64_t)tid) : NULL;
    if (hit || !pm->by_tid.incomplete)
        return hit;
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        if (t->tid == tid && !t->dead)
            return t;
    return NULL;
}

pm_thr_t *pm_thr_by_badge(pm_t *pm, uint64_t badge)
{
    pm_thr_t *hit = pm_idmap_get(&pm->by_badge, badge);
    if (hit || !pm->by_badge.incomplete)
        return hit;
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        if (t->badge == badge && !t->dead)
            return t;
    return NULL;
}

pm_proc_t *pm_proc_init(pm_t *pm)
{
    pm_proc_t *p = pm_proc_find(pm, 1);
    return p && p->state == PM_P_LIVE ? p : NULL;
}

/* A pid is busy while any process (zombies included) has it as pid, process group or session,
 * as Linux keeps a struct pid alive for each of those uses, and while a thread has it as its
 * tid or as its badge (a thread that took over its process's id at exec keeps its badge).
 * Five map reads: pid allocation stays flat in the number of processes. Only a map that once
 * lacked memory (incomplete) sends the question on to the lists. */
static bool pm_pid_busy_scan(pm_t *pm, int32_t pid)
{
    for (pm_proc_t *p = pm->procs; p; p = p->next)
        if (p->pid == pid || p->pgid == pid || p->sid == pid)
            return true;
    for (pm_thr_t *t = pm->threads; t; t = t->next)
        if (t->tid == pid || t->badge == (uint64_t)pid)
            return true;
    return false;
}

bool pm_pid_busy(pm_t *pm, int32_t pid)
{
    if (pm_idmap_get(&pm->by_pid, (uint64_t)pid) || pm_idmap_get(&pm->by_tid, (uint64_t)pid) ||
        pm_idmap_get(&pm->by_badge, (uint64_t)pid) || pm_idmap_count(&pm->pgrp_uses, (uint64_t)pid) ||
        pm_idmap_count(&pm->sess_uses, (uint64_t)pid))
        return true;
    if (pm->by_pid.incomplete || pm->by_tid.incomplete || pm->by_badge.incomplete ||
        pm->pgrp_uses.incomplete || pm->sess_uses.incomplete)
        return pm_pid_busy_scan(pm, pid);
    return false;
}

bool pm_pgrp_exists(pm_t *pm, int32_t pgid)
{
    if (pm_idmap_count(&pm->pgrp_uses, (uint64_t)pgid))
        return true;
    if (!pm->pgrp_uses.incomplete)
        return false;
    for (pm_proc_t *q = pm->procs; q; q = q->next)
        if (q->pgid == pgid)
            return true;
    return false;
}

/* Ids of 0 (a record not yet placed) are not counted; pm_proc_unlink drops the counts. */
void pm_proc_set_pgrp(pm_t *pm, pm_proc_t *p, int32_t pgid, int32_t sid)
{
    if (p->pgid > 0)
        pm_idmap_unref(&pm->pgrp_uses, (uint64_t)p->pgid);
    if (p->sid > 0)
        pm_idmap_unref(&pm->sess_uses, (uint64_t)p->sid);
    p->pgid = pgid;
    p->sid = sid;
    if (pgid > 0)
        pm_idmap_ref(&pm->pgrp_uses, (uint64_t)pgid);
    if (sid > 0)
        pm_idmap_ref(&pm->sess_uses, (uint64_t)sid);
}

int32_t pm_pid_alloc(pm_t *pm)
{
    for (int i = 0; i < PM_PID_MAX; i++) {
        int32_t pid = pm->last_pid + 1;
        if (pid >= PM_PID_MAX)
            pid = 2;   /* like Linux, wrap past init (RESERVED_PIDS aside) */
        pm->last_pid = pid;
        if (!pm_pid_busy(pm, pid))
            return pid;
    }
    return -LX_EAGAIN;
}

void pm_rlimit_defaults(struct lx_rlimit *rlim)
{
    for (int i = 0; i < LX_RLIM_NLIMITS; i++)
        rlim[i] = (struct lx_rlimit){LX_RLIM_INFINITY, LX_RLIM_INFINITY};
    rlim[LX_RLIMIT_STACK] = (struct lx_rlimit){8ull << 20, LX_RLIM_INFINITY};
    rlim[LX_RLIMIT_CORE] = (struct lx_rlimit){0, LX_RLIM_INFINITY};
    rlim[LX_RLIMIT_NPROC] = (struct lx_rlimit){PM_PID_MAX, PM_PID_MAX};
    rlim[LX_RLIMIT_NOFILE] = (struct lx_rlimit){PM_NOFILE_DEFAULT, 4096};
    rlim[LX_RLIMIT_MEMLOCK] = (struct lx_rlimit){8ull << 20, 8ull << 20};
    rlim[LX_RLIMIT_SIGPENDING] = (struct lx_rlimit){PM_PID_MAX, PM_PID_MAX};
    rlim[LX_RLIMIT_MSGQUEUE] = (struct lx_rlimit){819200, 819200};
    rlim[LX_RLIMIT_NICE] = (struct lx_rlimit){0, 0};
    rlim[LX_RLIMIT_RTPRIO] = (struct lx_rlimit){0, 0};
}

/* Out of its parent's list of children; p->parent stays (the graveyard's readers may look). */
static void pm_proc_leave_parent(pm_proc_t *p)
{
    pm_proc_t *old = p->parent;
    if (!old || (!p->sib_prev && old->kids != p))
        return;   /* not on a list: no parent, or already left */
    if (p->sib_prev)
        p->sib_prev->sib_next = p->sib_next;
    else
        old->kids = p->sib_next;
    if (p->sib_next)
        p->sib_next->sib_prev = p->sib_prev;
    else
        old->kids_tail = p->sib_prev;
    p->sib_next = p->sib_prev = NULL;
}

void pm_proc_set_parent(pm_proc_t *p, pm_proc_t *parent)
{
    pm_proc_leave_parent(p);
    p->parent = parent;
    if (parent) {
        p->sib_prev = parent->kids_tail;
        if (parent->kids_tail)
            parent->kids_tail->sib_next = p;
        else
            parent->kids = p;
        parent->kids_tail = p;
    }
}

static pm_proc_t *pm_proc_make(pm_t *pm, pm_proc_t *parent, int32_t pid)
{
    pm_proc_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->act = p->own_act;
    p->pid = pid;
    pm_proc_set_parent(p, parent);
    p->state = PM_P_LIVE;
    p->exit_signal = LX_SIGCHLD;
    p->start_ns = pm->env.clock_mono_ns(pm->env.ctx);
    pm_rlimit_defaults(p->rlim);
    if (parent) {   /* fork copies the scheduling attributes (pm_prio.c) */
        p->nice = parent->nice;
        p->ioprio = parent->ioprio;
    }
    p->prev = pm->procs_tail;
    if (pm->procs_tail)
        pm->procs_tail->next = p;
    else
        pm->procs = p;
    pm->procs_tail = p;
    pm_idmap_set(&pm->by_pid, (uint64_t)pid, p);
    pm->created++;
    p->serial = pm->created;
    pm->nprocs++;
    return p;
}

pm_proc_t *pm_proc_new(pm_t *pm, pm_proc_t *parent)
{
    int32_t pid = pm_pid_alloc(pm);
    return pid < 0 ? NULL : pm_proc_make(pm, parent, pid);
}

pm_proc_t *pm_proc_new_pid(pm_t *pm, pm_proc_t *parent, int32_t pid, int *err)
{
    if (pm_pid_busy(pm, pid)) {
        *err = -LX_EEXIST;
        return NULL;
    }
    pm_proc_t *p = pm_proc_make(pm, parent, pid);
    *err = p ? 0 : -LX_ENOMEM;
    return p;
}

pm_thr_t *pm_thr_new(pm_t *pm, pm_proc_t *p)
{
    return pm_thr_new_tid(pm, p, p->pid);
}

pm_thr_t *pm_thr_new_tid(pm_t *pm, pm_proc_t *p, int32_t tid)
{
    pm_thr_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->tid = tid;
    t->badge = (uint64_t)tid;
    t->proc = p;
    t->altstack.ss_flags = LX_SS_DISABLE;
    t->next = pm->threads;
    if (pm->threads)
        pm->threads->prev = t;
    pm->threads = t;
    pm_idmap_set(&pm->by_tid, (uint64_t)tid, t);
    pm_idmap_set(&pm->by_badge, t->badge, t);
    /* at the end of the process's list: its first thread stays first (the one Linux offers a
     * process's signal first, and the one /proc shows) */
    pm_thr_t **pp = &p->threads;
    while (*pp)
        pp = &(*pp)->proc_next;
    *pp = t;
    if (p->nthreads++ == 0)
        pm->nprocs_threaded++;
    pm->nthreads++;
    return t;
}

void pm_thr_unlink(pm_t *pm, pm_thr_t *t)
{
    /* out of pm->threads without a walk: unlinking stays flat in the number of threads */
    if (t->prev)
        t->prev->next = t->next;
    else
        pm->threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->prev = NULL;
    for (pm_thr_t **pp = &t->proc->threads; *pp; pp = &(*pp)->proc_next)
        if (*pp == t) {
            *pp = t->proc_next;
            if (--t->proc->nthreads == 0)
                pm->nprocs_threaded--;
            pm->nthreads--;
            break;
        }
    pm_idmap_clear(&pm->by_tid, (uint64_t)t->tid, t);
    pm_idmap_clear(&pm->by_badge, t->badge, t);
    t->dead = true;
    t->next = pm->grave_thrs;
    pm->grave_thrs = t;
}

void pm_proc_unlink(pm_t *pm, pm_proc_t *p)
{
    /* out of pm->procs without a walk: reaping stays flat in the number of processes */
    if (p->prev)
        p->prev->next = p->next;
    else
        pm->procs = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        pm->procs_tail = p->prev;
    p->prev = NULL;
    /* out of its parent's children; children it still has (a record that never ran) have none */
    pm_proc_leave_parent(p);
    while (p->kids)
        pm_proc_set_parent(p->kids, NULL);
    pm_idmap_clear(&pm->by_pid, (uint64_t)p->pid, p);
    if (p->pgid > 0)   /* the fields stay: the graveyard's readers may still look */
        pm_idmap_unref(&pm->pgrp_uses, (uint64_t)p->pgid);
    if (p->sid > 0)
        pm_idmap_unref(&pm->sess_uses, (uint64_t)p->sid);
    p->next = pm->grave_procs;
    pm->grave_procs = p;
    pm->nprocs--;
}

void pm_gc(pm_t *pm)
{
    if (pm->depth > 0)
        return;
    for (pm_thr_t *t = pm->grave_thrs, *n; t; t = n) {
        n = t->next;
        free(t);
    }
    pm->grave_thrs = NULL;
    for (pm_proc_t *p = pm->grave_procs, *n; p; p = n) {
        n = p->next;
        pm_proc_free(p);
    }
    pm->grave_procs = NULL;
}

static void pm_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* comm is the basename of the executed path (Linux: kbasename(bprm->filename)); cmdline is the
 * new argv joined by spaces, truncated. */
void pm_proc_set_names(pm_proc_t *p, const char *path, char *const *argv, size_t argc)
{
    const char *base = strrchr(path, '/');
    pm_strlcpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
    size_t n = 0;
    p->cmdline[0] = 0;
    for (size_t i = 0; i < argc && n + 1 < sizeof(p->cmdline); i++) {
        if (i > 0)
            p->cmdline[n++] = ' ';
        pm_strlcpy(p->cmdline + n, argv[i], sizeof(p->cmdline) - n);
        n += strlen(p->cmdline + n);
    }
}

int pm_live_count(pm_t *pm)
{
    int n = 0;
    for (pm_proc_t *p = pm->procs; p; p = p->next)
        n += p->state == PM_P_LIVE;
    return n;
}

char pm_proc_state(const pm_proc_t *p)
{
    if (p->state == PM_P_ZOMBIE)
        return 'Z';
    if (p->stopped)
        return 'T';
    for (pm_thr_t *t = p->threads; t; t = t->proc_next) {
        if (t->pt && t->pt->stop != PM_PT_NONE)
            return 't';   /* a ptrace stop: Linux's "t (tracing stop)" */
        if (t->block == PM_BLK_VFORK)
            return 'V';
        if (t->block != PM_BLK_NONE)
            return 'S';
    }
    return 'R';
}

int pm_proc_list(pm_t *pm, struct pm_proc_info *out, int max)
{
    int n = 0;
    for (pm_proc_t *p = pm->procs; p; p = p->next, n++) {
        if (n >= max)
            continue;
        struct pm_proc_info *i = &out[n];
        memset(i, 0, sizeof(*i));
        i->pid = p->pid;
        i->ppid = p->parent ? p->parent->pid : 0;
        i->pgid = p->pgid;
        i->sid = p->sid;
        i->state = pm_proc_state(p);
        pm_strlcpy(i->comm, p->comm, sizeof(i->comm));
        pm_strlcpy(i->cmdline, p->cmdline, sizeof(i->cmdline));
    }
    return n;
}

void pm_stats_get(pm_t *pm, struct pm_stats *out)
{
    memset(out, 0, sizeof(*out));
    for (pm_proc_t *p = pm->procs; p; p = p->next) {
        if (p->state == PM_P_LIVE)
            out->live++;
        else
            out->zombies++;
    }
    for (pm_thr_t *t = pm->threads; t; t = t->next) {
        if (t->block == PM_BLK_VFORK)
            out->vfork_parked++;
        else if (t->block != PM_BLK_NONE)
            out->sleeping++;
    }
    out->created = pm->created;
}
