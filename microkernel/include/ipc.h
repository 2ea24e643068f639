/* Synchronous IPC over endpoints, with one-shot reply capabilities and notifications.
 * Entry points: endpoint_create, ipc_send, ipc_recv, ipc_reply, ipc_notify; the fast paths
 * ipc_call_fast, ipc_reply_recv_fast (kern/ipc_fast.c). */
#ifndef KERN_IPC_H
#define KERN_IPC_H
#include "obj.h"

struct endpoint *endpoint_create(void);
/* Current thread sends (kind SK_SEND/SK_CALL from its IPC buffer; SK_SYSCALL/SK_FAULT made from
 * its registers) with `badge`. Blocks as the kind requires; returns 0, the reply result, or -KE_*.
 * Only from a kernel call's or a foreign syscall's own path for SK_SEND, SK_CALL and SK_SYSCALL:
 * if one of those has to wait in the endpoint's queue it blocks ucont and does not return (its
 * result reaches user mode through kcall.c's syscall_resume). */
int64_t ipc_send(struct endpoint *ep, uint64_t badge, enum send_kind kind);
/* Current thread receives on ep: a reply handle (> 0) for a call, 0 otherwise, or -KE_*. Only
 * from a kernel call's path: if nothing is there it blocks ucont and does not return. */
int64_t ipc_recv(struct endpoint *ep);
/* Answers the reply capability at handle h of the current thread with its IPC buffer. */
int64_t ipc_reply(int64_t h);
void ipc_notify(struct endpoint *ep, uint64_t bits);
/* The fast paths (kern/ipc_fast.c). Each returns only if the case is not the simple one, having
 * done nothing; the caller then takes the general path above. Otherwise the current thread blocks
 * ucont and the other side runs at once, straight back in user mode if it can.
 * ipc_call_fast: a call (kind SK_CALL without capabilities, or SK_SYSCALL) on ep, whose receiver
 * waits. ipc_reply_recv_fast: the reply to handle h answers a plain call or syscall and nothing
 * waits to be received on ep. */
void ipc_call_fast(struct endpoint *ep, uint64_t badge, enum send_kind kind);
void ipc_reply_recv_fast(int64_t h, struct endpoint *ep);

/* for ipc_fast.c: delivers s's message to receiver r (the reply handle for a call, or 0; a call
 * leaves s in TS_REPLY), and copies a reply's words (not its capabilities) from sb to rb */
int64_t ipc_transfer(struct thread *s, struct thread *r, uint64_t badge, enum send_kind kind);
void ipc_reply_copy(const struct ipc_buf *sb, struct ipc_buf *rb);

extern uint64_t endpoint_count, stat_ipc_messages;

#endif
