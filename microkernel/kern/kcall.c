/* The native kernel call table (from the X-macro in kabi/kcalls.h) and the two ways a user thread
 * enters the kernel: syscall_dispatch (SYSCALL) and kern_user_exception (a CPU exception in user
 * mode). A foreign thread's SYSCALL never reaches the table: it becomes a message to its syscall
 * endpoint (the POSIX personality lives in user space). A thread that blocks in a call, a receive
 * or a foreign syscall keeps no kernel context (ucont, include/obj.h): it resumes in
 * syscall_resume, the same tail syscall_dispatch ends with, or straight in user mode.
 * Entry points: syscall_dispatch, syscall_resume, kern_user_exception. */
#include <string.h>
#include "aspace.h"
#include "console.h"
#include "heap.h"
#include "ipc.h"
#include "kabi/kcalls.h"
#include "kern.h"
#include "klog.h"
#include "kprintf.h"
#include "pmm.h"
#include "sched.h"
#include "tcontrol.h"
#include "thread.h"
#include "timerq.h"
#include "kcall.h"

uint64_t stat_kernel_entries, stat_as_switches;

static int64_t sys_debug_write(ARGS)
{
    UNUSED_ARGS;
    char buf[256];
    uint64_t len = a1 > 65536 ? 65536 : a1;
    for (uint64_t off = 0; off < len; off += sizeof buf) {
        uint64_t n = len - off < sizeof buf ? len - off : sizeof buf;
        if (aspace_copy_in(current->as, buf, a0 + off, n) < 0)
            return -KE_FAULT;
        console_write(buf, n);
    }
    return (int64_t)len;
}

static int64_t sys_yield(ARGS)
{
    UNUSED_ARGS;
    schedule();
    return 0;
}

/* send and call: the message may carry capabilities only through a capability with KR_GRANT */
static int64_t send_or_call(uint64_t h, enum send_kind kind)
{
    LOOKUP(ep, h, KOBJ_ENDPOINT, KR_SEND);
    if (current->ipc->ncaps && !(ep_cap->rights & KR_GRANT))
        return -KE_PERM;
    struct endpoint *e = (struct endpoint *)ep_cap->obj;
    if (kind == SK_CALL)
        ipc_call_fast(e, ep_cap->badge, kind); /* returns only if the case is not the simple one */
    return ipc_send(e, ep_cap->badge, kind);
}

static int64_t sys_send(ARGS)
{
    UNUSED_ARGS;
    return send_or_call(a0, SK_SEND);
}

static int64_t sys_call(ARGS)
{
    UNUSED_ARGS;
    return send_or_call(a0, SK_CALL);
}

static int64_t sys_recv(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ep, a0, KOBJ_ENDPOINT, KR_RECV);
    return ipc_recv((struct endpoint *)ep_cap->obj);
}

static int64_t sys_reply(ARGS)
{
    UNUSED_ARGS;
    return ipc_reply((int64_t)a0);
}

/* always inline (into syscall_reply_recv, the server loops' way in; the table keeps a copy) */
static inline __attribute__((always_inline)) int64_t sys_reply_recv(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ep, a1, KOBJ_ENDPOINT, KR_RECV);
    struct endpoint *e = (struct endpoint *)ep_cap->obj;
    if ((int64_t)a0 > 0) {
        ipc_reply_recv_fast((int64_t)a0, e); /* returns only if the case is not the simple one */
        ipc_reply((int64_t)a0); /* a dead caller is not the server's problem: receive anyway */
    }
    return ipc_recv(e);
}

static int64_t sys_notify(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ep, a0, KOBJ_ENDPOINT, KR_SEND);
    ipc_notify((struct endpoint *)ep_cap->obj, a1);
    return 0;
}

static int64_t sys_ep_create(ARGS)
{
    UNUSED_ARGS;
    struct endpoint *ep = endpoint_create();
    if (!ep)
        return -KE_NOMEM;
    int h = cspace_insert(current->cs, &ep->o, KOBJ_ENDPOINT, KR_SEND | KR_RECV | KR_GRANT, 0, 0);
    obj_put(&ep->o); /* the table's reference is the only one */
    return h;
}

static int64_t sys_cap_copy(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(c, a0, 0, 0);
    if (c_cap->type == KOBJ_REPLY)
        return -KE_INVAL; /* one-shot: a reply capability is moved, never copied */
    struct cap copy = *c_cap;
    uint64_t badge = copy.badge ? copy.badge : a2; /* a badge, once set, is fixed */
    return cspace_insert(current->cs, copy.obj, copy.type, copy.rights & (uint32_t)a1, badge,
                         copy.seq);
}

static int64_t sys_cap_delete(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(c, a0, 0, 0);
    (void)c_cap;
    cspace_delete(current->cs, (int64_t)a0);
    return 0;
}

static int64_t sys_cap_info(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(c, a0, 0, 0);
    return c_cap->type;
}

static struct endpoint *optional_ep(int32_t h, int *err)
{
    if (h <= 0)
        return NULL;
    struct cap *c = cspace_lookup(current->cs, h, KOBJ_ENDPOINT, KR_SEND, err);
    return c ? (struct endpoint *)c->obj : NULL;
}

static int64_t sys_thread_create(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(as, a0, KOBJ_ASPACE, KR_MAP);
    struct kthread_cfg *cfg = kmalloc(sizeof *cfg);
    if (!cfg)
        return -KE_NOMEM;
    int err = 0;
    if (aspace_copy_in(current->as, cfg, a1, sizeof *cfg) < 0) {
        kfree(cfg);
        return -KE_FAULT;
    }
    struct endpoint *sep = optional_ep(cfg->syscall_ep, &err);
    struct endpoint *fep = optional_ep(cfg->fault_ep, &err);
    int foreign = cfg->flags & KTHREAD_FOREIGN;
    if (err || (foreign && !sep) || (!foreign && !cfg->ipc_buf)) {
        kfree(cfg);
        return err ? err : -KE_INVAL;
    }
    struct thread *t = thread_create((struct aspace *)as_cap->obj, foreign ? NULL : current->cs,
                                     cfg, sep, fep, &err);
    kfree(cfg);
    if (!t)
        return err;
    int h = cspace_insert(current->cs, &t->o, KOBJ_THREAD, KR_CONTROL, 0, 0);
    if (h < 0)
        thread_kill(t);
    return h;
}

static int64_t sys_thread_read_regs(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct kregs *r = kmalloc(sizeof *r);
    if (!r)
        return -KE_NOMEM;
    int64_t e = thread_get_regs((struct thread *)t_cap->obj, r);
    if (e == 0 && aspace_copy_out(current->as, a1, r, sizeof *r) < 0)
        e = -KE_FAULT;
    kfree(r);
    return e;
}

static int64_t sys_thread_write_regs(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct kregs *r = kmalloc(sizeof *r);
    if (!r)
        return -KE_NOMEM;
    int64_t e = aspace_copy_in(current->as, r, a1, sizeof *r) < 0
                    ? -KE_FAULT
                    : thread_set_regs((struct thread *)t_cap->obj, r);
    kfree(r);
    return e;
}

static int64_t sys_thread_set_as(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    LOOKUP(as, a1, KOBJ_ASPACE, KR_MAP);
    return thread_set_aspace((struct thread *)t_cap->obj, (struct aspace *)as_cap->obj);
}

static int64_t sys_thread_kill(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    thread_kill((struct thread *)t_cap->obj);
    return 0;
}

static int64_t sys_thread_resume(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct thread *t = (struct thread *)t_cap->obj;
    if (t->state != TS_SUSPENDED)
        return -KE_BUSY;
    sched_ready(t);
    return 0;
}

static int64_t sys_thread_interrupt(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    return thread_interrupt((struct thread *)t_cap->obj, a1);
}

static int64_t sys_thread_trace(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct thread *t = (struct thread *)t_cap->obj;
    if ((a1 & ~(uint64_t)KTRACE_SYSEXIT) || !(t->flags & KTHREAD_FOREIGN))
        return -KE_INVAL; /* only foreign threads' syscalls are messages to report */
    t->trace = (uint32_t)a1;
    return 0;
}

/* A foreign thread's route: the syscalls whose numbers the mask names go to another endpoint
 * (with the route's badge) than its syscall endpoint, so a server that owns those calls gets them
 * without a hop through the thread's main server. ep 0 (or less) removes the route. The kernel
 * only compares numbers: which calls and which server is the caller's business. */
static int64_t sys_thread_route(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct thread *t = (struct thread *)t_cap->obj;
    if (!(t->flags & KTHREAD_FOREIGN))
        return -KE_INVAL;
    struct endpoint *ep = NULL;
    uint64_t badge = 0, mask[KROUTE_NRS / 64] = {0};
    if ((int64_t)a1 > 0) {
        LOOKUP(e, a1, KOBJ_ENDPOINT, KR_SEND);
        if (aspace_copy_in(current->as, mask, a3, sizeof mask) < 0)
            return -KE_FAULT;
        ep = (struct endpoint *)e_cap->obj;
        badge = e_cap->badge ? e_cap->badge : a2; /* a badged capability keeps its own */
        obj_get(&ep->o);
    }
    if (t->route_ep)
        obj_put(&t->route_ep->o);
    t->route_ep = ep;
    t->route_badge = badge;
    memcpy(t->route_mask, mask, sizeof mask);
    return 0;
}

static int64_t sys_thread_times(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    struct kthread_times tt;
    thread_times((struct thread *)t_cap->obj, &tt);
    return aspace_copy_out(current->as, a1, &tt, sizeof tt) < 0 ? -KE_FAULT : 0;
}

static int64_t sys_thread_cpu_alarm(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(t, a0, KOBJ_THREAD, KR_CONTROL);
    return thread_cpu_alarm((struct thread *)t_cap->obj, a1);
}

static int64_t sys_timer_set(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ep, a0, KOBJ_ENDPOINT, KR_SEND);
    timerq_set((struct endpoint *)ep_cap->obj, a1, a2);
    return 0;
}

static int64_t sys_clock(ARGS)
{
    UNUSED_ARGS;
    current->frame->rdx = arch_tsc();
    return (int64_t)arch_clock_ns();
}

static int64_t sys_console_read(ARGS)
{
    UNUSED_ARGS;
    char buf[256];
    uint64_t done = 0;
    while (done < a1) {
        size_t want = a1 - done < sizeof buf ? a1 - done : sizeof buf;
        size_t n = console_read(buf, want);
        if (!n)
            break;
        if (aspace_copy_out(current->as, a0 + done, buf, n) < 0)
            return done ? (int64_t)done : -KE_FAULT; /* bytes already taken are delivered */
        done += n;
    }
    return (int64_t)done;
}

static int64_t sys_console_bind(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ep, a0, KOBJ_ENDPOINT, KR_SEND);
    console_bind((struct endpoint *)ep_cap->obj, a1);
    return 0;
}

static int64_t sys_poweroff(ARGS)
{
    UNUSED_ARGS;
    LOOKUP(ctl, a0, KOBJ_CONTROL, KR_CONTROL);
    (void)ctl_cap;
    kprintf("kernel: power off (status %ld); %lu frames free, heap %zu bytes, %lu threads, "
            "%lu address spaces, %lu endpoints\n",
            (long)a1, pmm_free_count(&kernel_pmm), heap_in_use(), thread_count, aspace_count,
            endpoint_count);
    arch_halt_system((int)a1);
}

typedef int64_t (*kcall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* the numbers are 0 .. KCALL_COUNT - 1 with no gap: every slot of the table is a call */
#define KCALL_ONE(n, name) +1
_Static_assert((0 KCALLS(KCALL_ONE)) == KCALL_COUNT, "a gap in the kernel call numbers");
#undef KCALL_ONE

/* (buf, len, pos): the kernel log from pos; rdx = its end. Copied a chunk at a time. */
static int64_t sys_log_read(ARGS)
{
    UNUSED_ARGS;
    char buf[256];
    uint64_t done = 0, from, pos = a2;
    while (done < a1) {
        size_t want = a1 - done < sizeof buf ? a1 - done : sizeof buf;
        size_t n = klog_copy(buf, want, pos, &from);
        if (!n)
            break;
        if (aspace_copy_out(current->as, a0 + done, buf, n) < 0)
            return -KE_FAULT;
        done += n;
        pos = from + n;
    }
    current->frame->rdx = klog_end();
    return (int64_t)done;
}

static const kcall_fn kcall_table[KCALL_COUNT] = {
#define KCALL_ENTRY(n, name) [n] = sys_##name,
    KCALLS(KCALL_ENTRY)
#undef KCALL_ENTRY
};

static const char *const kcall_names[KCALL_COUNT] = {
#define KCALL_NAME(n, name) [n] = #name,
    KCALLS(KCALL_NAME)
#undef KCALL_NAME
};

/* A thread marked KTRACE_SYSEXIT got its syscall's reply (value): before it returns to user
 * mode it reports the value and the call's number to its syscall endpoint and waits; the
 * report's reply is what the syscall returns. Meanwhile its frame holds the value in RAX, so its
 * server (a tracer behind it) reads the registers as user mode will see them. The kernel knows
 * no more: what a report is for is the server's business. */
static int64_t syscall_exit_report(struct thread *t, struct trap_frame *f, uint64_t nr,
                                   int64_t value)
{
    t->fault[0] = (uint64_t)value;
    t->fault[1] = nr;
    f->rax = (uint64_t)value;
    return ipc_send(t->syscall_ep, t->badge, SK_SYSEXIT);
}

/* The end of every kernel entry by SYSCALL: the result in RAX (a traced foreign thread's after
 * its exit report), a pending preemption, an interruption. */
static inline __attribute__((always_inline)) void syscall_tail(struct thread *t,
                                                              struct trap_frame *f, uint64_t nr,
                                                              int64_t r)
{
    if (__builtin_expect(t->trace & KTRACE_SYSEXIT, 0))
        r = syscall_exit_report(t, f, nr, r);
    f->rax = (uint64_t)r;
    if (need_resched)
        schedule();
    tctl_leave();
}

/* A ucont thread runs again (syscall_continue, syscall.asm): what it was woken with is its
 * call's result. */
void syscall_resume(void)
{
    struct thread *t = current;
    sched_reap();
    t->ucont = 0;
    t->msg_unread = 0; /* it runs now: whatever it was woken with is read (see thread_kill) */
    syscall_tail(t, t->frame, t->sys_nr, t->wake_result);
}

uint64_t kcall_done; /* one CPU, interrupts off: one call at a time reads it */
static uint64_t kcall_progress;

int64_t kcall_again(uint64_t done)
{
    kcall_progress = done;
    return KCALL_AGAIN;
}

/* Where the native call in f starts: the progress its thread recorded, if f is that same call
 * again (an interrupt message's reply may have rewritten the registers meanwhile: then anew). */
static inline __attribute__((always_inline)) void kcall_resume(struct thread *t,
                                                              const struct trap_frame *f)
{
    kcall_done = 0;
    if (__builtin_expect(!t->again_rip, 1))
        return;
    const uint64_t *g = t->again_args;
    if (t->again_rip == f->rip && g[0] == f->rax && g[1] == f->rdi && g[2] == f->rsi &&
        g[3] == f->rdx && g[4] == f->r10 && g[5] == f->r8 && g[6] == f->r9)
        kcall_done = t->again_done;
    t->again_rip = 0;
}

static void kcall_suspend(struct thread *t, struct trap_frame *f)
{
    uint64_t *g = t->again_args;
    g[0] = f->rax, g[1] = f->rdi, g[2] = f->rsi, g[3] = f->rdx;
    g[4] = f->r10, g[5] = f->r8, g[6] = f->r9;
    t->again_rip = f->rip;
    t->again_done = kcall_progress;
    f->rip -= 2; /* back onto SYSCALL (0F 05); RAX still holds the call's number */
}

void syscall_dispatch(struct trap_frame *f)
{
    struct thread *t = current;
    stat_kernel_entries++;
    tctl_enter();
    int64_t r;
    uint64_t nr = 0; /* a native thread is never traced: its tail needs no number */
    if (t->flags & KTHREAD_FOREIGN) {
        /* the POSIX personality: the whole call goes to the thread's server as a message. The
         * thread mostly blocks ucont for the reply (it resumes in syscall_resume or straight in
         * user mode); only a handover that kept its context (a server of lower priority) returns */
        nr = t->sys_nr = f->rax;
        struct endpoint *ep = t->syscall_ep;
        uint64_t badge = t->badge;
        if (nr < KROUTE_NRS && (t->route_mask[nr / 64] >> (nr % 64) & 1)) {
            ep = t->route_ep; /* a set bit implies a route (thread_route) */
            badge = t->route_badge;
        }
        ipc_call_fast(ep, badge, SK_SYSCALL);
        r = ipc_send(ep, badge, SK_SYSCALL);
    } else if (f->rax < KCALL_COUNT) {   /* no gaps (asserted above) */
        kcall_resume(t, f);
        r = kcall_table[f->rax](f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
        if (__builtin_expect(r == KCALL_AGAIN, 0)) {
            kcall_suspend(t, f); /* the rest at its next entry (include/kcall.h) */
            r = (int64_t)f->rax; /* RAX keeps the call's number */
        }
    } else { /* past the table, or a number the list leaves unused */
        kprintf("kernel: thread %lu: no kernel call %lu\n", t->id, f->rax);
        r = -KE_NOSYS;
    }
    syscall_tail(t, f, nr, r);
}

_Static_assert(KCALL_reply_recv == 6, "syscall.asm's KCALL_REPLY_RECV");

/* SYSCALL with RAX = reply_recv (syscall.asm): a server's reply to the call it just received,
 * and its wait for the next, straight to its handler, without the call table's frame and the
 * restart bookkeeping (tctl_enter has nothing to do for a native thread). A thread with a
 * restart pending, or a foreign thread's call 6, takes syscall_dispatch. */
void syscall_reply_recv(struct trap_frame *f)
{
    struct thread *t = current;
    if ((t->flags & KTHREAD_FOREIGN) || t->again_rip) {
        syscall_dispatch(f);
        return;
    }
    stat_kernel_entries++;
    syscall_tail(t, f, 0, sys_reply_recv(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9));
}

const char *kcall_name(uint64_t nr)
{
    return nr < KCALL_COUNT && kcall_names[nr] ? kcall_names[nr] : "?";
}

void kern_user_exception(struct trap_frame *f)
{
    struct thread *t = current;
    stat_kernel_entries++;
    tctl_enter();
    uint64_t addr = f->vector == 14 ? arch_fault_address() : 0;
    uint64_t error = f->error, cause = KFAULT_NONE;
    if (f->vector == 14) {
        /* first touch, copy-on-write: not the thread's business, nor its server's */
        int r = aspace_fault(t->as, addr, error);
        if (r == 0) {
            tctl_leave();
            return;
        }
        if (r == -KE_NOMEM) {
            cause = KFAULT_NOMEM;
            error &= ~1ull; /* the page could not be made present */
        } else if (r == -KE_RANGE) {
            cause = KFAULT_RANGE;
        }
    }
    if (!t->fault_ep) {
        kprintf("kernel: thread %lu: unhandled exception %lu at rip %lx (address %lx): killed\n",
                t->id, f->vector, f->rip, addr);
        arch_dump_frame(f);
        thread_kill(t); /* does not return */
        return;
    }
    t->fault[0] = f->vector;
    t->fault[1] = error;
    t->fault[2] = addr;
    t->fault[3] = f->rip;
    t->fault[4] = cause;
    int64_t r = ipc_send(t->fault_ep, t->badge, SK_FAULT);
    if (r < 0) { /* the handler is gone */
        thread_kill(t);
        return;
    }
    /* resumed: the handler fixed the cause or rewrote the registers */
    if (need_resched)
        schedule();
    tctl_leave();
}
