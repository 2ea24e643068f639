/* Thread control beyond registers: interrupting a thread on its way to user mode, and the CPU
 * time each thread uses (kern/tcontrol.c).
 * Entry points: tctl_enter, tctl_leave, tctl_switch, thread_interrupt, thread_times,
 * thread_cpu_alarm. */
#ifndef KERN_TCONTROL_H
#define KERN_TCONTROL_H
#include "obj.h"

/* current entered the kernel from user mode: the time since the last mark was user time */
void tctl_enter(void);
/* current is about to return to user mode: its kernel time is charged, and if it was
 * interrupted (or its CPU alarm is due) it first sends its interrupt message and waits */
void tctl_leave(void);
/* prev is switched out (in the kernel): its kernel time is charged */
void tctl_switch(struct thread *prev);

/* 0: t (running or ready) will send an interrupt message before it next runs user code;
 * KTI_BLOCKED: t is blocked in the kernel, nothing will happen; -KE_INVAL: t has no fault
 * endpoint; -KE_DEAD. */
int thread_interrupt(struct thread *t);
void thread_times(struct thread *t, struct kthread_times *out);
/* interrupt t (KINT_CPU_ALARM) once its user + kernel time reaches ns; 0 cancels */
int thread_cpu_alarm(struct thread *t, uint64_t ns);

#endif
