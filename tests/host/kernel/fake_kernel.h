/* A fake of the kernel services the IPC and capability logic calls (scheduler, destructors, panic,
 * the heap's page source), so that kern/ipc.c, kern/cap.c, kern/obj.c and kern/tqueue.c run on the
 * host unchanged. The fake scheduler records who was made ready, in order, instead of switching. */
#ifndef FAKE_KERNEL_H
#define FAKE_KERNEL_H
#include "obj.h"

extern struct thread *ready_log[64];
extern int ready_count;
extern int destroyed_threads;

void fake_kernel_reset(void);
struct thread *fake_thread(int native); /* with a capability table and (if native) an IPC buffer */
void fake_thread_drop_caps(struct thread *t); /* its capability table goes (references dropped) */
void fake_thread_free(struct thread *t);
int fake_kernel_release(void **state);       /* frees the heap's pages: a cmocka group teardown */

#endif
