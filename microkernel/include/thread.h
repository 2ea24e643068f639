/* Threads: creation from a register image, register access through a thread capability, death.
 * Entry points: thread_create, thread_kill, thread_get_regs, thread_set_regs, thread_set_aspace. */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H
#include "obj.h"

/* A thread in `as` (reference taken) starting from cfg->regs. cs: the capability table of a native
 * thread (NULL for a foreign one); eps from the creator's handles, already looked up. */
struct thread *thread_create(struct aspace *as, struct cspace *cs, const struct kthread_cfg *cfg,
                             struct endpoint *syscall_ep, struct endpoint *fault_ep, int *err);
void thread_kill(struct thread *t);
/* Only for a thread that is not running (blocked in the kernel or suspended): -KE_BUSY otherwise. */
int thread_get_regs(struct thread *t, struct kregs *r);
int thread_set_regs(struct thread *t, const struct kregs *r);
int thread_set_aspace(struct thread *t, struct aspace *as);

extern uint64_t thread_count;
void kstack_put(uint8_t *kstack); /* a kernel stack back to the cache */
uint64_t kstack_cached_bytes(void); /* heap bytes the cache of kernel stacks holds */

#endif
