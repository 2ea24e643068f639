/* Thread control beyond registers: interrupting a thread on its way to user mode, and the CPU
 * time each thread uses (kern/tcontrol.c).
 * Entry points: tctl_enter, tctl_leave, tctl_switch, tctl_forget (inline), tctl_first_leave,
 * thread_interrupt, thread_times, thread_cpu_alarm. */
#ifndef KERN_TCONTROL_H
#define KERN_TCONTROL_H
#include "obj.h"
#include "sched.h"

/* The CPU-time accounting is on every kernel entry and exit: its fast paths are inline. */
extern uint64_t tctl_mark; /* TSC at the last transition */
/* whose time the cycles since the mark are: current, or the caller current works for since the
 * fast path of a call (ipc_fast.c) lent it current's time (see kern/tcontrol.c) */
extern struct thread *tctl_owner;
void tctl_interrupted(struct thread *t);

/* current entered the kernel from user mode: for a foreign thread the time since the last mark
 * was user time (a native thread's time is charged whole at its switches) */
static inline void tctl_enter(void)
{
    struct thread *t = current;
    if (t->flags & KTHREAD_FOREIGN) {
        uint64_t now = arch_tsc();
        t->utime += now - tctl_mark;
        tctl_mark = now;
    }
}

/* a switch to next (in the kernel): the time since the mark is charged to its owner (the thread
 * switched out, or the caller it worked for), and next owns what follows */
static inline __attribute__((always_inline)) void tctl_switch(struct thread *next)
{
    uint64_t now = arch_tsc();
    struct thread *o = tctl_owner;
    if (o->flags & KTHREAD_FOREIGN)
        o->stime += now - tctl_mark;
    else
        o->utime += now - tctl_mark;
    tctl_mark = now;
    tctl_owner = next;
}

/* t's memory goes: the time since the mark, if it was t's, is current's from now on */
static inline void tctl_forget(struct thread *t)
{
    if (tctl_owner == t && t != current)
        tctl_owner = current;
}

/* current is about to return to user mode: if it was interrupted (or its CPU alarm may be due)
 * it first sends its interrupt message and waits. The few instructions of the way out are not
 * charged here: they count as user time at the next entry (one time stamp fewer per syscall). */
static inline void tctl_leave(void)
{
    struct thread *t = current;
    if (__builtin_expect((t->interrupt | t->cpu_alarm) != 0, 0))
        tctl_interrupted(t);
}
void tctl_first_leave(void); /* tctl_leave for a new thread's first start (context.asm) */

/* 0: t (running or ready) will send an interrupt message before it next runs user code;
 * KTI_BLOCKED: t is blocked in the kernel, nothing will happen; -KE_INVAL: t has no fault
 * endpoint; -KE_DEAD. */
int thread_interrupt(struct thread *t, uint64_t flags);
void thread_times(struct thread *t, struct kthread_times *out);
/* interrupt t (KINT_CPU_ALARM) once its user + kernel time reaches ns; 0 cancels */
int thread_cpu_alarm(struct thread *t, uint64_t ns);

#endif
