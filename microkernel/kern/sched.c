/* Scheduler (see include/sched.h). Context switches happen only inside schedule(), sched_block(),
 * sched_handoff_blocked() and sched_switch_user(), which run in the kernel with interrupts off; the
 * outgoing thread's user registers are already in its trap frame, so a switch saves just the
 * callee-saved registers (arch_switch), the FPU image and the FS base.
 *
 * A thread blocked ucont (include/obj.h) kept no kernel context: switching to it enters
 * syscall_continue on its kernel stack (the syscall tail, kcall.c syscall_resume), and a ucont
 * thread that gives the CPU to another ucont thread (sched_switch_user, the IPC fast paths) skips
 * even that: the next thread returns straight to user mode from its frame, no stack unwound. */
#include "arch.h"
#include "heap.h"
#include "kern.h"
#include "kprintf.h"
#include "sched.h"
#include "tcontrol.h"
#include "thread.h"

struct thread *current;
int need_resched;
int sched_running; /* set once sched_start has left the boot context */
static struct tqueue runq[PRIO_LEVELS];
static struct thread idle_thread;
static struct thread *zombie; /* a dead thread whose stack was in use when it died */
extern uint64_t stat_as_switches;

static int on_runq(struct thread *t)
{
    return t->qprev || t->qnext || runq[t->prio].head == t;
}

void sched_ready(struct thread *t)
{
    t->state = TS_READY;
    if (t != current && t != &idle_thread && !on_runq(t))
        tq_push(&runq[t->prio], t);
    if (current == &idle_thread || (current && t->prio > current->prio))
        need_resched = 1;
}

void sched_unready(struct thread *t)
{
    if (t != current && on_runq(t))
        tq_remove(&runq[t->prio], t);
}

static void idle_loop(void)
{
    for (;;) {
        /* sti takes effect after the next instruction, so no interrupt slips in before hlt */
        __asm__ volatile("sti; hlt; cli");
        if (need_resched)
            schedule();
    }
}

void sched_reap(void)
{
    if (zombie && zombie != current) {
        struct thread *z = zombie;
        zombie = NULL;
        kstack_put(z->kstack);
        kfree(z->fpu);
        kfree(z);
    }
}

/* switch_state's cases (constants where it is inlined, so only the checks a case needs remain) */
#define SW_PREV_LIVE 4u /* prev is a live user thread (in a syscall): it has an FPU image to save */

/* Everything a switch changes but the kernel stack: time, address space, stack top, FPU, FS.
 * Inline: it is on every IPC round trip. how: SW_* (include/sched.h, and SW_PREV_LIVE). */
static inline __attribute__((always_inline)) void switch_state(struct thread *prev,
                                                               struct thread *next, unsigned how)
{
    if (!(how & SW_LEND))
        tctl_switch(next);
    current = next;
    need_resched = 0;
    /* counted where CR3 really changes: a switch through the idle thread (no address space of
     * its own, it runs on the last one) back to the same space is no switch. Every thread but
     * the idle thread (and the boot context) has an address space and an FPU image. */
    if (((how & SW_NEXT_USER) || next->as) && arch_switch_pml4(next->as->pml4))
        stat_as_switches++;
    arch_set_kernel_stack(next->kstack_top);
    if ((how & SW_PREV_LIVE) || (prev->fpu && prev->state != TS_DEAD))
        arch_fpu_save(prev->fpu);
    if ((how & SW_NEXT_USER) || next->fpu)
        arch_fpu_restore(next->fpu);
    arch_set_fs_base(next->fs_base);
}

/* Where arch_switch resumes next: its saved context, or for a ucont thread (none saved) a fresh
 * one entering syscall_continue with its frame at the stack top. We are not on next's stack. */
static uint64_t resume_sp(struct thread *next)
{
    if (next->ucont)
        return arch_kstack_prepare((uint8_t *)next->frame, syscall_continue);
    return next->ksp;
}

static void switch_to(struct thread *next)
{
    struct thread *prev = current;
    if (next == prev)
        return;
    switch_state(prev, next, 0);
    arch_switch(&prev->ksp, resume_sp(next));
    /* back in prev's context: whoever switched to us may have left a dead thread to free */
    sched_reap();
}

static struct thread *pick(void)
{
    for (int p = PRIO_LEVELS - 1; p >= 0; p--)
        if (runq[p].head)
            return tq_pop(&runq[p]);
    return &idle_thread;
}

void schedule(void)
{
    if (current->state == TS_READY && current != &idle_thread)
        tq_push(&runq[current->prio], current);
    switch_to(pick());
}

int64_t sched_block(void)
{
    if (current->ucont)
        sched_switch_user(pick(), 0); /* perhaps the idle thread */
    switch_to(pick());
    return current->wake_result;
}

int64_t sched_handoff_blocked(struct thread *next)
{
    next->state = TS_READY;
    switch_to(next);
    return current->wake_result;
}

/* always inline (with LTO, into the IPC fast paths too): a call and its frame are a good part of
 * the few instructions this is */
__attribute__((always_inline)) inline void sched_switch_user(struct thread *next, unsigned how)
{
    struct thread *prev = current; /* in a syscall: alive, a user thread */
    prev->ucont = 1;
    next->state = TS_READY;
    switch_state(prev, next, how | SW_PREV_LIVE);
    if (__builtin_expect(zombie != NULL, 0))
        sched_reap(); /* prev, alive, is not the zombie: its stack (ours until below) stays */
    if (((how & SW_NEXT_UCONT) || next->ucont) && !(next->interrupt | next->cpu_alarm) &&
        !next->trace) {
        /* the syscall tail has nothing to do but set the result: skip it (need_resched is clear
         * after a switch, tctl_leave would find nothing, no exit report is asked for) */
        next->ucont = 0;
        next->msg_unread = 0;
        next->frame->rax = (uint64_t)next->wake_result;
        arch_user_return(next->frame);
    }
    arch_switch(&prev->ksp, resume_sp(next)); /* the save is never used: prev is ucont */
    panic("sched: a ucont thread resumed on its old stack");
}

_Static_assert(PRIO_LEVELS == 4, "sched_higher_ready is unrolled for four levels");

int sched_higher_ready(uint32_t prio)
{
    switch (prio) { /* unrolled: it is on the reply fast path */
    case 0:
        if (runq[1].head)
            return 1;
        /* fall through */
    case 1:
        if (runq[2].head)
            return 1;
        /* fall through */
    case 2:
        return runq[3].head != NULL;
    default:
        return 0;
    }
}

void sched_tick(void)
{
    need_resched = 1; /* round robin: every tick ends a time slice */
}

void sched_defer_free(struct thread *t)
{
    zombie = t;
}

void sched_init(void)
{
    idle_thread.o.type = KOBJ_THREAD;
    idle_thread.o.refs = 1;
    idle_thread.state = TS_READY;
    idle_thread.kstack = kmalloc(KSTACK_SIZE);
    if (!idle_thread.kstack)
        panic("sched: no memory for the idle thread");
    idle_thread.kstack_top = (uint64_t)idle_thread.kstack + KSTACK_SIZE;
    idle_thread.ksp = arch_kstack_prepare(idle_thread.kstack + KSTACK_SIZE - 8, idle_loop)
        /* - 8: a C function starts with rsp % 16 == 8, as if called */;
    /* the boot context becomes a throw-away "thread" that is switched away from once */
    static struct thread boot;
    boot.state = TS_DEAD;
    current = &boot;
    tctl_owner = &boot;
}

void sched_start(void)
{
    sched_running = 1;
    switch_to(pick());
    panic("sched_start returned");
}
