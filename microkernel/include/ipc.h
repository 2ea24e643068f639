/* Synchronous IPC over endpoints, with one-shot reply capabilities and notifications.
 * Entry points: endpoint_create, ipc_send, ipc_recv, ipc_reply, ipc_notify. */
#ifndef KERN_IPC_H
#define KERN_IPC_H
#include "obj.h"

struct endpoint *endpoint_create(void);
/* Current thread sends (kind SK_SEND/SK_CALL from its IPC buffer; SK_SYSCALL/SK_FAULT made from
 * its registers) with `badge`. Blocks as the kind requires; returns 0, the reply result, or -KE_*. */
int64_t ipc_send(struct endpoint *ep, uint64_t badge, enum send_kind kind);
/* Current thread receives on ep: a reply handle (> 0) for a call, 0 otherwise, or -KE_*. */
int64_t ipc_recv(struct endpoint *ep);
/* Answers the reply capability at handle h of the current thread with its IPC buffer. */
int64_t ipc_reply(int64_t h);
void ipc_notify(struct endpoint *ep, uint64_t bits);
/* reply_recv's fast path: the reply wakes a caller and nothing waits on ep, so the server blocks
 * and the caller runs at once, with no run-queue traffic. IPC_NO_FASTPATH if the case is not the
 * simple one (the caller then takes the general path, nothing done). */
#define IPC_NO_FASTPATH INT64_MIN
int64_t ipc_reply_recv_fast(int64_t reply, struct endpoint *ep);

extern uint64_t endpoint_count, stat_ipc_messages;

#endif
