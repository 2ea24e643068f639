/* ptrace(2): the requests. A tracer is a process; a tracee is a thread (named by its tid), with
 * a ptrace record (pm_ptrace_t) while traced. The stops themselves, and what the tracer's wait
 * sees, are in pm_ptrace_stop.c.
 *
 * As Linux: TRACEME makes the parent the tracer; ATTACH also sends SIGSTOP, SEIZE does not and
 * takes the options at once; every other request needs a tracee of the caller (ESRCH) and,
 * except KILL and INTERRUPT, one in a ptrace stop (ESRCH). Register requests see the thread's
 * user frame as struct user_regs_struct, with orig_rax the syscall number inside a syscall
 * (-1 outside) and rax -ENOSYS at a syscall-entry stop; changing orig_rax or the argument
 * registers at an entry stop changes the call that runs (orig_rax -1 skips it). Everyone is
 * root on Kestrel, so the permission checks Linux makes with credentials always pass.
 *
 * Entry points: pm_sys_ptrace. */
#include <stdlib.h>
#include <string.h>
#include <lx/ptrace.h>
#include "pm_internal.h"

#define PM_ERESTARTSYS 512   /* Linux's kernel-internal "to be restarted" (strace's ERESTARTSYS) */

static void pm_pt_kflag(pm_t *pm, pm_thr_t *t, bool on)
{
    if (pm->env.thread_trace && t->has_handle)
        pm->env.thread_trace(pm->env.ctx, t->handle, on);
}

static int64_t pm_pt_new(pm_t *pm, pm_thr_t *t, int32_t tracer, bool seized, uint32_t options)
{
    pm_ptrace_t *pt = calloc(1, sizeof *pt);
    if (!pt)
        return -LX_ENOMEM;
    pt->tracer = tracer;
    pt->seized = seized;
    pt->options = options;
    t->pt = pt;
    pm->ntraced++;
    pm_thr_route(pm, t); /* its every call comes to procmgr, which stops it at the entry */
    return 0;
}

static int64_t pm_pt_traceme(pm_t *pm, pm_call_t *c)
{
    if (c->thr->pt || !c->proc->parent)
        return -LX_EPERM;
    return pm_pt_new(pm, c->thr, c->proc->parent->pid, false, 0);
}

/* The siginfo Linux makes up for a stop that is no signal's (ptrace_do_notify): syscall and
 * event stops, and a seized tracee's group stop (PTRACE_EVENT_STOP): si_code is the stop's
 * code (status >> 8), si_signo its signal, si_pid the tracee. An unseized group stop has none
 * (false). */
static bool pm_pt_trap_siginfo(const pm_thr_t *t, struct lx_siginfo *si)
{
    const pm_ptrace_t *pt = t->pt;
    int code = pt->status >> 8 & 0xffff;
    if (pt->stop == PM_PT_GROUP && code >> 8 == 0)
        return false;
    *si = (struct lx_siginfo){.si_signo = code & 0x7f, .si_code = code, .si_pid = t->tid};
    return true;
}

static int64_t pm_pt_attach(pm_t *pm, pm_call_t *c, pm_thr_t *t, bool seize, uint64_t addr,
                            uint64_t data)
{
    if (!t)
        return -LX_ESRCH;
    if (seize && addr)
        return -LX_EIO;
    if (seize && (data & ~(uint64_t)LX_PTRACE_O_MASK))
        return -LX_EIO;   /* Linux's ptrace_attach: EIO, unlike SETOPTIONS's EINVAL */
    if (t->proc == c->proc || t->pt || t->proc->state != PM_P_LIVE)
        return -LX_EPERM;
    int64_t r = pm_pt_new(pm, t, c->proc->pid, seize, seize ? (uint32_t)data : 0);
    if (r || seize)
        return r;
    pm_siginfo_t si = {.code = LX_SI_USER, .pid = c->proc->pid};
    pm_signal_send_info(pm, t->proc, LX_SIGSTOP, &si);   /* reported as its first stop */
    return 0;
}

/* The syscall t is in at its stop (orig_rax), and what RAX shows. */
static void pm_pt_syscall_view(const pm_thr_t *t, struct lx_user_regs *u)
{
    const pm_ptrace_t *pt = t->pt;
    switch (pt->next) {
    case PM_PTN_DISPATCH:
        u->orig_rax = pt->nr;
        u->rax = (uint64_t)-LX_ENOSYS;
        u->rdi = pt->a[0], u->rsi = pt->a[1], u->rdx = pt->a[2];
        u->r10 = pt->a[3], u->r8 = pt->a[4], u->r9 = pt->a[5];
        break;
    case PM_PTN_REPLY:
        u->orig_rax = pt->nr;
        u->rax = pt->restarting ? (uint64_t)-PM_ERESTARTSYS : (uint64_t)pt->val;
        break;
    case PM_PTN_RESUME:
        if (pt->how == PM_RES_REGS) {
            u->orig_rax = UINT64_MAX;   /* stopped in user mode */
        } else {
            u->orig_rax = t->sys_nr;
            u->rax = pt->how == PM_RES_VALUE ? (uint64_t)pt->val : (uint64_t)-LX_ENOSYS;
        }
        break;
    default:   /* parked in its vfork, or held in a group stop, inside a syscall */
        u->orig_rax = t->sys_nr;
        u->rax = (uint64_t)-LX_ENOSYS;
        break;
    }
}

static int pm_pt_get_user_regs(pm_t *pm, pm_thr_t *t, struct lx_user_regs *u, pm_regs_t *r)
{
    int e = pm->env.thread_get_regs(pm->env.ctx, t->handle, r);
    if (e)
        return -LX_ESRCH;
    *u = (struct lx_user_regs){
        .r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12, .rbp = r->rbp,
        .rbx = r->rbx, .r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
        .rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
        .rip = r->rip, .cs = 0x33, .eflags = r->rflags, .rsp = r->rsp, .ss = 0x2b,
        .fs_base = r->fs_base, .gs_base = r->gs_base,
    };
    pm_pt_syscall_view(t, u);
    return 0;
}

static int pm_pt_set_user_regs(pm_t *pm, pm_thr_t *t, const struct lx_user_regs *u, pm_regs_t *r)
{
    if (u->fs_base >= PM_USER_TOP || u->gs_base >= PM_USER_TOP)
        return -LX_EIO;
    if (pm->env.thread_get_regs(pm->env.ctx, t->handle, r))
        return -LX_ESRCH;
    r->r15 = u->r15, r->r14 = u->r14, r->r13 = u->r13, r->r12 = u->r12, r->rbp = u->rbp;
    r->rbx = u->rbx, r->r11 = u->r11, r->r10 = u->r10, r->r9 = u->r9, r->r8 = u->r8;
    r->rcx = u->rcx, r->rdx = u->rdx, r->rsi = u->rsi, r->rdi = u->rdi;
    r->rip = u->rip, r->rflags = u->eflags, r->rsp = u->rsp;
    r->fs_base = u->fs_base, r->gs_base = u->gs_base;
    pm_ptrace_t *pt = t->pt;
    switch (pt->next) {
    case PM_PTN_DISPATCH:   /* the call that runs is the one the registers now name */
        pt->nr = u->orig_rax;
        pt->a[0] = u->rdi, pt->a[1] = u->rsi, pt->a[2] = u->rdx;
        pt->a[3] = u->r10, pt->a[4] = u->r8, pt->a[5] = u->r9;
        break;
    case PM_PTN_REPLY:      /* the result it returns (a restart shown as such stays one) */
        if (!pt->restarting || u->rax != (uint64_t)-PM_ERESTARTSYS)
            pt->val = (int64_t)u->rax, pt->restarting = false;
        break;
    case PM_PTN_RESUME:
        if (pt->how == PM_RES_REGS)
            r->rax = u->rax;
        else if (pt->how == PM_RES_VALUE)
            pt->val = (int64_t)u->rax;
        break;
    default:
        break;
    }
    return pm->env.thread_set_regs(pm->env.ctx, t->handle, r) ? -LX_ESRCH : 0;
}

/* GETREGS, SETREGS, GETFPREGS, SETFPREGS, PEEKUSER, POKEUSER */
static int64_t pm_pt_regs(pm_t *pm, pm_call_t *c, pm_thr_t *t, int64_t req, uint64_t addr,
                          uint64_t data)
{
    pm_regs_t *r = malloc(sizeof *r);
    if (!r)
        return -LX_ENOMEM;
    struct lx_user_regs u;
    int64_t e = 0;
    switch (req) {
    case LX_PTRACE_GETREGS:
        e = pm_pt_get_user_regs(pm, t, &u, r);
        if (!e && pm_copy_out(pm, c->proc, data, &u, sizeof(u)))
            e = -LX_EFAULT;
        break;
    case LX_PTRACE_SETREGS:
        if (pm_copy_in(pm, c->proc, &u, data, sizeof(u)))
            e = -LX_EFAULT;
        else
            e = pm_pt_set_user_regs(pm, t, &u, r);
        break;
    case LX_PTRACE_GETFPREGS:
        if (pm->env.thread_get_regs(pm->env.ctx, t->handle, r))
            e = -LX_ESRCH;
        else if (pm_copy_out(pm, c->proc, data, r->fpu, sizeof(r->fpu)))
            e = -LX_EFAULT;
        break;
    case LX_PTRACE_SETFPREGS:
        if (pm->env.thread_get_regs(pm->env.ctx, t->handle, r))
            e = -LX_ESRCH;
        else if (pm_copy_in(pm, c->proc, r->fpu, data, sizeof(r->fpu)))
            e = -LX_EFAULT;
        else if (pm->env.thread_set_regs(pm->env.ctx, t->handle, r))
            e = -LX_ESRCH;
        break;
    case LX_PTRACE_PEEKUSR:
    case LX_PTRACE_POKEUSR: {
        /* struct user: the registers, then fields a tracer reads as 0 (debug registers...) */
        if ((addr & 7) || addr >= LX_USER_SIZE) {
            e = -LX_EIO;
            break;
        }
        bool in_regs = addr < sizeof(u);
        uint64_t w = 0;
        if (in_regs && (e = pm_pt_get_user_regs(pm, t, &u, r)))
            break;
        if (req == LX_PTRACE_PEEKUSR) {
            if (in_regs)
                memcpy(&w, (const char *)&u + addr, 8);
            if (pm_copy_out(pm, c->proc, data, &w, 8))
                e = -LX_EFAULT;
        } else if (in_regs) {
            memcpy((char *)&u + addr, &data, 8);
            e = pm_pt_set_user_regs(pm, t, &u, r);
        } else if (addr < LX_USER_DEBUGREG_OFF) {
            e = -LX_EIO;   /* not registers: nothing a tracer may change */
        }
        break;
    }
    }
    free(r);
    return e;
}

/* PEEKTEXT/PEEKDATA and POKETEXT/POKEDATA: one word of the tracee's memory, whatever the
 * page's protection (Linux's FOLL_FORCE), EIO where nothing is mapped. */
static int64_t pm_pt_mem(pm_t *pm, pm_call_t *c, pm_thr_t *t, int64_t req, uint64_t addr,
                         uint64_t data)
{
    pm_proc_t *q = t->proc;
    if (!q->has_as || addr >= PM_USER_TOP || PM_USER_TOP - addr < 8)
        return -LX_EIO;
    if (req == LX_PTRACE_POKETEXT || req == LX_PTRACE_POKEDATA)
        return pm->env.as_write(pm->env.ctx, q->as, addr, &data, 8) ? -LX_EIO : 0;
    uint64_t w;
    if (pm->env.as_read(pm->env.ctx, q->as, &w, addr, 8))
        return -LX_EIO;
    return pm_copy_out(pm, c->proc, data, &w, 8) ? -LX_EFAULT : 0;
}

/* PTRACE_INTERRUPT: a seized tracee stops (PTRACE_EVENT_STOP) as soon as procmgr holds it. */
static int64_t pm_pt_interrupt(pm_t *pm, pm_thr_t *t)
{
    pm_ptrace_t *pt = t->pt;
    if (!pt->seized)
        return -LX_EIO;
    if (pt->stop != PM_PT_NONE)
        return 0;   /* stopped already */
    int status = ((LX_SIGTRAP | (LX_PTRACE_EVENT_STOP << 8)) << 8) | 0x7f;
    switch (t->block) {
    case PM_BLK_STOPPED:   /* in a group stop it was listening in: it re-traps now */
        pt->listening = false;
        pm_ptrace_enter(pm, t, PM_PT_EVENT, status, PM_PTN_NONE, 0);
        return 0;
    case PM_BLK_WAIT:
    case PM_BLK_SLEEP:
        /* the call is given up and runs again after the stop, as Linux restarts it */
        pt->want_stop = status;
        t->block = PM_BLK_NONE;
        pm_thr_resume(pm, t, t->tok, PM_RES_RESTART, 0);
        return 0;
    case PM_BLK_FUTEX:
        pt->want_stop = status;
        pm_futex_interrupt(pm, t);
        return 0;
    case PM_BLK_SIGWAIT:
        pt->want_stop = status;
        pm_sigwait_abort(pm, t, -LX_EINTR);
        return 0;
    default:
        pt->want_stop = status;   /* taken when procmgr next holds it */
        pm_thr_kick(pm, t);
        return 0;
    }
}

int64_t pm_sys_ptrace(pm_t *pm, pm_call_t *c)
{
    int64_t req = (int64_t)c->a[0];
    int32_t pid = (int32_t)c->a[1];
    uint64_t addr = c->a[2], data = c->a[3];
    if (req == LX_PTRACE_TRACEME)
        return pm_pt_traceme(pm, c);
    pm_thr_t *t = pid > 0 ? pm_thr_find(pm, pid) : NULL;
    if (req == LX_PTRACE_ATTACH || req == LX_PTRACE_SEIZE)
        return pm_pt_attach(pm, c, t, req == LX_PTRACE_SEIZE, addr, data);
    if (!t || !t->pt || t->pt->tracer != c->proc->pid || t->dead)
        return -LX_ESRCH;
    pm_ptrace_t *pt = t->pt;
    if (req == LX_PTRACE_KILL) {
        pm_signal_send(pm, t->proc, LX_SIGKILL, true);
        return 0;
    }
    if (req == LX_PTRACE_INTERRUPT)
        return pm_pt_interrupt(pm, t);
    if (pt->stop == PM_PT_NONE)
        return -LX_ESRCH;   /* running: only a stopped tracee takes requests */
    switch (req) {
    case LX_PTRACE_PEEKTEXT:
    case LX_PTRACE_PEEKDATA:
    case LX_PTRACE_POKETEXT:
    case LX_PTRACE_POKEDATA:
        return pm_pt_mem(pm, c, t, req, addr, data);
    case LX_PTRACE_PEEKUSR:
    case LX_PTRACE_POKEUSR:
    case LX_PTRACE_GETREGS:
    case LX_PTRACE_SETREGS:
    case LX_PTRACE_GETFPREGS:
    case LX_PTRACE_SETFPREGS:
        return pm_pt_regs(pm, c, t, req, addr, data);
    case LX_PTRACE_SETOPTIONS:
        if (data & ~(uint64_t)LX_PTRACE_O_MASK)
            return -LX_EINVAL;
        pt->options = (uint32_t)data;
        return 0;
    case LX_PTRACE_GETEVENTMSG:
        return pm_copy_out(pm, c->proc, data, &pt->event_msg, 8) ? -LX_EFAULT : 0;
    case LX_PTRACE_GETSIGINFO:
        if (pt->stop != PM_PT_SIGNAL) {
            struct lx_siginfo si;
            if (!pm_pt_trap_siginfo(t, &si))
                return -LX_EINVAL;   /* an unseized group stop: no siginfo (how tracers tell) */
            return pm_copy_out(pm, c->proc, data, &si, sizeof si) ? -LX_EFAULT : 0;
        }
        return pm_copy_out(pm, c->proc, data, &pt->si, sizeof(pt->si)) ? -LX_EFAULT : 0;
    case LX_PTRACE_SETSIGINFO:
        if (pt->stop != PM_PT_SIGNAL) {
            /* Linux overwrites the made-up siginfo, which nothing reads again */
            struct lx_siginfo si;
            if (!pm_pt_trap_siginfo(t, &si))
                return -LX_EINVAL;
            return pm_copy_in(pm, c->proc, &si, data, sizeof si) ? -LX_EFAULT : 0;
        }
        return pm_copy_in(pm, c->proc, &pt->si, data, sizeof(pt->si)) ? -LX_EFAULT : 0;
    case LX_PTRACE_CONT:
    case LX_PTRACE_SYSCALL:
    case LX_PTRACE_DETACH:
        if (data > LX_NSIG)
            return -LX_EIO;
        if (req != LX_PTRACE_DETACH) {
            pt->syscall_mode = req == LX_PTRACE_SYSCALL;
            pm_pt_kflag(pm, t, pt->syscall_mode);
        }
        pm_ptrace_continue(pm, t, (int)data, req == LX_PTRACE_DETACH);
        return 0;
    case PTRACE_KESTREL_ROUTE:
        /* at a syscall-exit stop: where the call went (lx/ptrace_route.h) */
        if (pt->next != PM_PTN_REPLY || !pt->route.size)
            return -LX_EIO;
        return pm_copy_out(pm, c->proc, data, &pt->route, sizeof(pt->route)) ? -LX_EFAULT : 0;
    case LX_PTRACE_LISTEN:
        /* only a seized tracee in a group stop: it stays stopped until SIGCONT */
        if (!pt->seized || t->block != PM_BLK_STOPPED || pt->next != PM_PTN_NONE)
            return -LX_EIO;
        pt->stop = PM_PT_NONE;
        pt->listening = true;
        return 0;
    default:
        return -LX_EIO;   /* SINGLESTEP and the rest: not built (Linux: EIO for unknown ones) */
    }
}
