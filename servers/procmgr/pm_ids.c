/* Identities: pid, tid, parent, user and group ids (everyone is root: uid/gid 0, no
 * supplementary groups, every set* call succeeds), process groups and sessions with Linux's
 * setpgid/setsid rules. init starts as session 1, group 1; new processes inherit both; a
 * change is told to vfs (env->vfs_proc_ids), which keeps them for the terminal's job control.
 * As in Linux, a zombie still counts (getpgid, setpgid on a child) until it is reaped.
 *
 * Entry points: pm_sys_getpid, pm_sys_getppid, pm_sys_gettid, pm_sys_getuid, pm_sys_geteuid,
 * pm_sys_getgid, pm_sys_getegid, pm_sys_getgroups, pm_sys_setuid, pm_sys_setgid,
 * pm_sys_setreuid, pm_sys_setregid, pm_sys_setresuid, pm_sys_setresgid, pm_sys_getresuid,
 * pm_sys_getresgid, pm_sys_setfsuid, pm_sys_setfsgid, pm_sys_setgroups, pm_sys_setsid,
 * pm_sys_getsid, pm_sys_setpgid, pm_sys_getpgid, pm_sys_getpgrp. */
#include "pm_internal.h"

#define PM_NGROUPS_MAX 65536

int64_t pm_sys_getpid(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return c->proc->pid;
}

int64_t pm_sys_getppid(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return c->proc->parent ? c->proc->parent->pid : 0;
}

int64_t pm_sys_gettid(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return c->thr->tid;
}

/* Root everywhere: the id getters return 0, the setters succeed. */
static int64_t pm_root(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    (void)c;
    return 0;
}

int64_t pm_sys_getuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_geteuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_getgid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_getegid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setgid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setreuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setregid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setresuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setresgid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
/* setfsuid/setfsgid return the previous fs id: 0. */
int64_t pm_sys_setfsuid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }
int64_t pm_sys_setfsgid(pm_t *pm, pm_call_t *c) { return pm_root(pm, c); }

int64_t pm_sys_getgroups(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return (int32_t)c->a[0] < 0 ? -LX_EINVAL : 0;
}

int64_t pm_sys_setgroups(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    int32_t n = (int32_t)c->a[0];
    return (n < 0 || n > PM_NGROUPS_MAX) ? -LX_EINVAL : 0;
}

static int64_t pm_put_three_zeros(pm_t *pm, pm_call_t *c)
{
    uint32_t zero = 0;
    for (int i = 0; i < 3; i++)
        if (pm_copy_out(pm, c->proc, c->a[i], &zero, sizeof(zero)))
            return -LX_EFAULT;
    return 0;
}

int64_t pm_sys_getresuid(pm_t *pm, pm_call_t *c) { return pm_put_three_zeros(pm, c); }
int64_t pm_sys_getresgid(pm_t *pm, pm_call_t *c) { return pm_put_three_zeros(pm, c); }

int64_t pm_sys_setsid(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = c->proc;
    /* EPERM if a process group with the caller's pid exists (it leads one, or did). */
    if (pm_pgrp_exists(pm, p->pid))
        return -LX_EPERM;
    pm_proc_set_pgrp(pm, p, p->pid, p->pid);
    pm_ids_tell_vfs(pm, p); /* a new session: no controlling terminal */
    return p->pid;
}

/* Processes named by a pid argument: 0 is the caller; zombies still count until reaped. */
static pm_proc_t *pm_ids_target(pm_t *pm, pm_call_t *c, int32_t pid)
{
    return pid == 0 ? c->proc : pm_proc_find(pm, pid);
}

int64_t pm_sys_getsid(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = pm_ids_target(pm, c, (int32_t)c->a[0]);
    return p ? p->sid : -LX_ESRCH;
}

int64_t pm_sys_getpgid(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *p = pm_ids_target(pm, c, (int32_t)c->a[0]);
    return p ? p->pgid : -LX_ESRCH;
}

int64_t pm_sys_getpgrp(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    return c->proc->pgid;
}

int64_t pm_sys_setpgid(pm_t *pm, pm_call_t *c)
{
    pm_proc_t *caller = c->proc;
    int32_t pid = (int32_t)c->a[0], pgid = (int32_t)c->a[1];
    if (pid == 0)
        pid = caller->pid;
    if (pgid == 0)
        pgid = pid;
    if (pgid < 0)
        return -LX_EINVAL;
    pm_proc_t *p = pm_proc_find(pm, pid);
    if (!p)
        return -LX_ESRCH;
    if (p->parent == caller) {
        if (p->sid != caller->sid)
            return -LX_EPERM;
        if (p->did_exec)
            return -LX_EACCES;
    } else if (p != caller) {
        return -LX_ESRCH;
    }
    if (p->sid == p->pid)
        return -LX_EPERM;   /* a session leader stays in its group */
    if (pgid != pid) {
        bool found = false;
        for (pm_proc_t *q = pm->procs; q && !found; q = q->next)
            found = q->pgid == pgid && q->sid == caller->sid;
        if (!found)
            return -LX_EPERM;
    }
    if (p->pgid != pgid) {
        pm_proc_set_pgrp(pm, p, pgid, p->sid);
        pm_ids_tell_vfs(pm, p);
    }
    return 0;
}
