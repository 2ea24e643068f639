/* Threads (see include/thread.h). A thread's user registers live in the trap frame at the top of
 * its kernel stack whenever it is not running, so reading and writing them is a copy to or from
 * that frame (plus the FPU area and FS base kept beside it). */
#include <string.h>
#include "aspace.h"
#include "heap.h"
#include "kabi/kcalls.h"
#include "kprintf.h"
#include "pmm.h"
#include "sched.h"
#include "tcontrol.h"
#include "thread.h"

uint64_t thread_count;
static uint64_t next_id = 1;

/* Kernel stacks are 16 KiB blocks (contiguous frames, slow to find): freed ones are kept for the
 * next thread. Every process creation makes a thread, so this is on the spawn path. */
#define KSTACK_CACHE 32
static uint8_t *kstack_cache[KSTACK_CACHE];
static int kstack_cached;

static uint8_t *kstack_get(void)
{
    return kstack_cached ? kstack_cache[--kstack_cached] : kmalloc(KSTACK_SIZE);
}

uint64_t kstack_cached_bytes(void)
{
    return (uint64_t)kstack_cached * KSTACK_SIZE;
}

void kstack_put(uint8_t *k)
{
    if (kstack_cached < KSTACK_CACHE)
        kstack_cache[kstack_cached++] = k;
    else
        kfree(k);
}

#define RFLAGS_USER_MASK 0x0DD5ull /* CF PF AF ZF SF TF DF OF: what user code may set */
#define RFLAGS_IF 0x200ull
#define RFLAGS_FIXED 0x2ull

static int canonical_user(uint64_t a) { return a < USER_TOP; }

static void regs_to_frame(struct trap_frame *f, const struct kregs *r)
{
    f->rax = r->rax, f->rbx = r->rbx, f->rcx = r->rcx, f->rdx = r->rdx;
    f->rsi = r->rsi, f->rdi = r->rdi, f->rbp = r->rbp, f->rsp = r->rsp;
    f->r8 = r->r8, f->r9 = r->r9, f->r10 = r->r10, f->r11 = r->r11;
    f->r12 = r->r12, f->r13 = r->r13, f->r14 = r->r14, f->r15 = r->r15;
    f->rip = r->rip;
    f->rflags = (r->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_FIXED;
    f->cs = 0x20 | 3;
    f->ss = 0x18 | 3;
    f->vector = 0; /* not a plain syscall frame any more: leave by IRETQ, restoring rcx/r11 */
    f->error = 0;
}

static int regs_valid(const struct kregs *r)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, r->fpu + 24, 4);
    /* FXRSTOR faults on reserved MXCSR bits: refuse them here rather than fault in the kernel */
    return canonical_user(r->rip) && canonical_user(r->fs_base) && canonical_user(r->gs_base) &&
           (mxcsr & 0xFFFF0000u) == 0;
}

struct thread *thread_create(struct aspace *as, struct cspace *cs, const struct kthread_cfg *cfg,
                             struct endpoint *syscall_ep, struct endpoint *fault_ep, int *err)
{
    struct kregs regs = cfg->regs;
    if (cfg->flags & KTHREAD_FPU_INIT)
        arch_fpu_default(regs.fpu);
    if (!regs_valid(&regs) || cfg->priority >= PRIO_LEVELS || (cfg->ipc_buf & 0xFFF) ||
        cfg->ipc_buf >= USER_TOP) {
        *err = -KE_INVAL;
        return NULL;
    }
    struct thread *t = kzalloc(sizeof *t);
    uint8_t *kstack = kstack_get();
    uint8_t *fpu = kmalloc(512);
    if (!t || !kstack || !fpu) {
        kfree(t), kfree(fpu);
        if (kstack)
            kstack_put(kstack);
        *err = -KE_NOMEM;
        return NULL;
    }
    t->o.type = KOBJ_THREAD;
    t->o.refs = 1; /* the "alive" reference, dropped by thread_kill */
    t->id = next_id++;
    t->flags = cfg->flags & (KTHREAD_FOREIGN);
    t->prio = cfg->priority ? cfg->priority : (t->flags & KTHREAD_FOREIGN) ? PRIO_USER : PRIO_SERVER;
    t->kstack = kstack;
    t->kstack_top = (uint64_t)kstack + KSTACK_SIZE;
    t->fpu = fpu;
    memcpy(fpu, regs.fpu, 512);
    t->fs_base = regs.fs_base;
    t->gs_base = regs.gs_base;
    t->frame = (struct trap_frame *)(kstack + KSTACK_SIZE) - 1;
    regs_to_frame(t->frame, &regs);
    t->ksp = arch_kstack_prepare((uint8_t *)t->frame, thread_user_entry);
    t->badge = cfg->badge;

    if (cfg->ipc_buf) {
        /* the thread holds the frame, and so does the mapping (whoever goes last frees it) */
        t->ipc_frame = frame_alloc();
        int e = t->ipc_frame ? aspace_map_phys(as, cfg->ipc_buf, t->ipc_frame, PAGE_SIZE,
                                               KPROT_READ | KPROT_WRITE, 1)
                             : -KE_NOMEM;
        if (e < 0) {
            if (t->ipc_frame)
                frame_free(t->ipc_frame);
            kfree(t), kfree(fpu);
            kstack_put(kstack);
            *err = e;
            return NULL;
        }
        t->ipc = phys_to_virt(t->ipc_frame);
        t->ipc->self = cfg->ipc_buf;
        if (!t->fs_base)
            t->fs_base = cfg->ipc_buf; /* kipc() in libsys reads %fs:0 */
    }
    t->as = as;
    obj_get(&as->o);
    if (cs) {
        t->cs = cs;
        cs->refs++;
    }
    if (syscall_ep) {
        t->syscall_ep = syscall_ep;
        obj_get(&syscall_ep->o);
    }
    if (fault_ep) {
        t->fault_ep = fault_ep;
        obj_get(&fault_ep->o);
    }
    thread_count++;
    if (cfg->flags & KTHREAD_SUSPENDED)
        t->state = TS_SUSPENDED;
    else
        sched_ready(t);
    return t;
}

/* The capabilities of a message t was woken with but never ran to read (a send, a reply):
 * nobody else knows their handles. (A call's receiver runs at once, so it always sees its reply
 * handle.) */
static void drop_unread(struct thread *t)
{
    if (!t->msg_unread || !t->cs || !t->ipc)
        return;
    t->msg_unread = 0;
    for (uint32_t i = 0; i < t->ipc->ncaps && i < IPC_CAPS_MAX; i++)
        cspace_delete(t->cs, t->ipc->caps[i]);
    t->ipc->ncaps = 0;
}

/* t lets its capability table go: a reply capability it kept goes into the table first */
static void leave_cspace(struct thread *t)
{
    struct cspace *cs = t->cs;
    t->cs = NULL;
    cspace_unreserve(cs, &t->reply_pend);
    cspace_put(cs);
}

void thread_kill(struct thread *t)
{
    if (t->state == TS_DEAD)
        return;
    if (t->state == TS_READY)
        sched_unready(t);
    else if ((t->state == TS_SEND || t->state == TS_RECV) && t->queued_on)
        tq_remove(t->state == TS_SEND ? &t->queued_on->senders : &t->queued_on->receivers, t);
    t->queued_on = NULL;
    t->state = TS_DEAD; /* a reply cap to it now finds it dead */
    drop_unread(t);
    if (t->cs) {
        /* a dead thread makes no more calls: its capability table goes with the last live thread
         * using it, whatever the table holds (even capabilities to that thread: no cycle) */
        leave_cspace(t);
    }
    obj_put(&t->o);     /* the alive reference */
    if (t == current)
        schedule();     /* never returns to a dead thread */
}

void thread_destroy(struct thread *t)
{
    if (t->as)
        obj_put(&t->as->o);
    if (t->cs)
        leave_cspace(t);
    if (t->syscall_ep)
        obj_put(&t->syscall_ep->o);
    if (t->fault_ep)
        obj_put(&t->fault_ep->o);
    if (t->route_ep)
        obj_put(&t->route_ep->o);
    if (t->ipc_frame)
        frame_free(t->ipc_frame); /* the thread's reference; the mapping holds its own */
    thread_count--;
    tctl_forget(t);
    if (t == current) {
        sched_defer_free(t); /* we are on its kernel stack */
        return;
    }
    kstack_put(t->kstack);
    kfree(t->fpu);
    kfree(t);
}

static int stopped(struct thread *t)
{
    return t != current && t->state != TS_READY && t->state != TS_DEAD;
}

int thread_get_regs(struct thread *t, struct kregs *r)
{
    if (!stopped(t))
        return -KE_BUSY;
    const struct trap_frame *f = t->frame;
    r->rax = f->rax, r->rbx = f->rbx, r->rcx = f->rcx, r->rdx = f->rdx;
    r->rsi = f->rsi, r->rdi = f->rdi, r->rbp = f->rbp, r->rsp = f->rsp;
    r->r8 = f->r8, r->r9 = f->r9, r->r10 = f->r10, r->r11 = f->r11;
    r->r12 = f->r12, r->r13 = f->r13, r->r14 = f->r14, r->r15 = f->r15;
    r->rip = f->rip, r->rflags = f->rflags;
    r->fs_base = t->fs_base, r->gs_base = t->gs_base;
    memcpy(r->fpu, t->fpu, 512);
    return 0;
}

int thread_set_regs(struct thread *t, const struct kregs *r)
{
    if (!stopped(t))
        return -KE_BUSY;
    if (!regs_valid(r))
        return -KE_INVAL;
    regs_to_frame(t->frame, r);
    t->fs_base = r->fs_base;
    t->gs_base = r->gs_base;
    memcpy(t->fpu, r->fpu, 512);
    return 0;
}

int thread_set_aspace(struct thread *t, struct aspace *as)
{
    if (!stopped(t))
        return -KE_BUSY;
    if (t->ipc)
        return -KE_INVAL; /* a native thread's IPC buffer is mapped in its old space */
    obj_get(&as->o);
    obj_put(&t->as->o);
    t->as = as;
    return 0;
}
