/* Interrupting a thread on its way to user mode, and accounting each thread's CPU time.
 *
 * CPU time: one mark (the TSC at the last transition) for the CPU; a transition charges the
 * cycles since the mark to the thread they belong to: entering the kernel from user mode charges
 * user time (tctl_enter), being switched out charges kernel time (tctl_switch). The kernel never
 * takes an interrupt while it runs, so these points see every cycle a thread uses, and a thread
 * that is not current has its totals up to date. (A tick sampling the interrupted mode, Linux's
 * cheap way, would see only user mode here.) The way back to user mode is not a transition: its
 * few instructions count as user time, which saves a time stamp on every syscall. Only foreign
 * threads have the split: they are the ones whose user and system time anyone asks for, and
 * skipping the servers' entries keeps the IPC path short; a native thread's time is charged
 * whole, as user time, when it is switched out.
 * A call that takes the fast path (ipc_fast.c) lends the caller's time to the server: that switch
 * makes no mark, and the cycles until the next switch (the server's answer, usually the fast
 * reply) are the caller's, system time for a foreign thread, as Linux charges a syscall's work to
 * the thread that made it. It saves a time stamp per round trip; a server's own time is what it
 * spends on calls it does not answer at once, and between them.
 *
 * Interruption: the kernel knows nothing of signals; it offers a way to stop a thread that
 * computes without making calls. thread_interrupt marks a running or ready thread; on its way
 * back to user mode (the end of a syscall, a fault or an interrupt, or its very first start) the
 * thread sends its fault endpoint an IPC_LABEL_INTERRUPT call instead and waits for the reply,
 * its registers readable and writable like a fault's. A thread blocked in the kernel (a message
 * of its outstanding) is not marked, its server already holds it, unless the caller asks
 * (KTI_AFTER): the server that answers the call may not be the one that interrupts (a syscall
 * that went by the thread's route, a call forwarded), so the mark makes the thread stop on its
 * way back whoever answers. A CPU-time alarm marks the
 * thread the same way once it has used the time (checked at every return to user mode, and on
 * every timer tick that interrupts it in user mode).
 *
 * Entry points: tctl_interrupted (tctl_leave's slow path; the fast paths are inline in
 * tcontrol.h), tctl_first_leave, thread_interrupt, thread_times,
 * thread_cpu_alarm. */
#include "arch.h"
#include "ipc.h"
#include "sched.h"
#include "tcontrol.h"
#include "thread.h"

uint64_t tctl_mark;
struct thread *tctl_owner;

static bool alarm_due(const struct thread *t)
{
    return t->cpu_alarm && t->utime + t->stime >= t->cpu_alarm;
}

/* The slow path of tctl_leave: send interrupt messages until nothing more is asked. */
void tctl_interrupted(struct thread *t)
{
    for (;;) {
        if (alarm_due(t)) {
            t->interrupt |= KINT_CPU_ALARM;
            t->cpu_alarm = 0;
        }
        if (!t->interrupt)
            return;
        t->fault[0] = t->interrupt;
        t->fault[1] = t->frame->rip;
        t->interrupt = 0;
        if (!t->fault_ep)
            return;
        /* a call like a fault's: the handler may read and rewrite the registers; if it is gone,
         * the thread simply goes on */
        ipc_send(t->fault_ep, t->badge, SK_INTERRUPT);
        if (need_resched)
            schedule();
    }
}

void tctl_first_leave(void)
{
    tctl_leave();
}

int thread_interrupt(struct thread *t, uint64_t flags)
{
    if (t->state == TS_DEAD)
        return -KE_DEAD;
    if (!t->fault_ep || (flags & ~(uint64_t)KTI_AFTER))
        return -KE_INVAL;
    if (t->state != TS_READY) {
        if ((flags & KTI_AFTER) && (t->state == TS_SEND || t->state == TS_REPLY))
            t->interrupt |= KINT_REQUEST;
        return KTI_BLOCKED;
    }
    t->interrupt |= KINT_REQUEST;
    return 0;
}

void thread_times(struct thread *t, struct kthread_times *out)
{
    out->user_ns = arch_tsc_to_ns(t->utime);
    out->system_ns = arch_tsc_to_ns(t->stime);
}

int thread_cpu_alarm(struct thread *t, uint64_t ns)
{
    if (ns && !t->fault_ep)
        return -KE_INVAL;
    uint64_t c = arch_ns_to_tsc(ns);
    t->cpu_alarm = ns && !c ? 1 : c;
    return 0;
}
