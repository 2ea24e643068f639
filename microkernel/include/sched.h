/* The scheduler: round robin within four priorities, preempted by the timer tick; a kernel that
 * never takes interrupts while it runs (IF is clear in kernel mode), so there are no locks.
 * Entry points: sched_init, sched_ready, schedule, sched_block, sched_handoff_blocked,
 * sched_switch_user, sched_reap, tq_*. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H
#include "obj.h"

#define PRIO_LEVELS 4
#define PRIO_USER 1   /* foreign (POSIX) threads */
#define PRIO_SERVER 2 /* native servers: a syscall's server runs before the next user thread */

extern struct thread *current;
extern int need_resched;
extern int sched_running;

void sched_init(void);                  /* makes the idle thread and adopts the boot stack */
void sched_ready(struct thread *t);     /* make runnable (tail of its queue) */
void sched_unready(struct thread *t);   /* take a READY thread off its run queue */
void schedule(void);                    /* run the best ready thread (current goes back if ready) */
/* current has set its blocked state; run someone else. Returns current->wake_result when woken,
 * unless current set ucont too (no context to keep: see sched_switch_user): then never. */
int64_t sched_block(void);
/* current has blocked, keeping its kernel context, and `next`, blocked until now (on no run
 * queue), runs at once: a call's handover with no run-queue work. Returns current->wake_result
 * when current is woken. */
int64_t sched_handoff_blocked(struct thread *next);
/* current, in a syscall whose only work left is the common tail (kcall.c syscall_resume), has
 * set its blocked state and gives the CPU to `next` (blocked until now or just popped from a run
 * queue) without keeping a kernel context: it becomes ucont. If next is ucont too and its tail
 * has nothing to do, next returns straight to user mode with wake_result as the call's result.
 * how: SW_* below. */
#define SW_LEND 1u      /* next works on current's call, which is charged its time (tcontrol.c) */
#define SW_NEXT_USER 2u /* next is a user thread (not the idle thread): no need to check */
#define SW_NEXT_UCONT 8u /* next is ucont: the caller checked (4 is sched.c's own) */
__attribute__((noreturn)) void sched_switch_user(struct thread *next, unsigned how);
int sched_higher_ready(uint32_t prio); /* is a thread of priority > prio waiting to run? */
void sched_tick(void);
void sched_defer_free(struct thread *t); /* free t's memory once we are off its stack */
void sched_reap(void); /* frees such a thread now, if we are not on its stack */
__attribute__((noreturn)) void sched_start(void);

void tq_push(struct tqueue *q, struct thread *t);
struct thread *tq_pop(struct tqueue *q);
void tq_remove(struct tqueue *q, struct thread *t);

#endif
