/* The IPC fast paths: the common round trip of a foreign thread's syscall (or a native thread's
 * call) to a server waiting in receive, and the server's reply_recv back. Neither queues the
 * thread that gets the CPU nor switches kernel stacks through the scheduler: the thread that
 * blocks becomes ucont (include/obj.h), keeping no kernel context, and the other one, blocked
 * ucont itself, returns straight to user mode from its syscall frame (sched_switch_user).
 *
 * Each path returns, having changed nothing, as soon as a case is not the simple one
 * (capabilities in the message, a notification or a sender pending, a receiver of lower priority,
 * a higher-priority thread ready, a caller not in a plain call or syscall, ...); its caller then
 * takes the general path (ipc.c). What a fast path does is exactly what the general path would do
 * in that case, so every count (kernel entries, IPC messages, address-space switches) is the same.
 *
 * Entry points: ipc_call_fast, ipc_reply_recv_fast. */
#include "ipc.h"
#include "sched.h"

/* always inline (with LTO, into its two callers): the kind is a constant there */
__attribute__((always_inline)) inline void ipc_call_fast(struct endpoint *ep, uint64_t badge,
                                                         enum send_kind kind)
{
    struct thread *t = current, *r = ep->receivers.head;
    /* a receiver that kept a kernel context, or that should not preempt us: general path (it
     * hands over all the same, but keeps our context) */
    if (!r || !r->ucont || r->prio < t->prio)
        return;
    if (kind == SK_CALL && t->ipc->ncaps)
        return; /* capability transfer */
    tq_pop(&ep->receivers);
    r->queued_on = NULL;
    t->send_kind = kind; /* the reply needs it */
    r->wake_result = ipc_transfer(t, r, badge, kind); /* one message; t now in TS_REPLY */
    /* r works on our call: its time is ours until it switches (kern/tcontrol.c) */
    sched_switch_user(r, SW_LEND | SW_NEXT_USER | SW_NEXT_UCONT);
}

/* always inline (with LTO, into its two callers): a call and its frame cost more than it saves */
__attribute__((always_inline)) inline void ipc_reply_recv_fast(int64_t h, struct endpoint *ep)
{
    struct thread *t = current;
    if (ep->notify_bits || ep->senders.head)
        return; /* something to receive at once: general path */
    /* the reply capability of the call just received is kept in the thread, not in the table
     * (struct cap_pending): answered here, it never goes there */
    struct cap_pending *p = &t->reply_pend;
    struct thread *caller;
    uint64_t seq;
    bool kept = h == p->h;
    if (kept) {
        caller = (struct thread *)p->obj;
        seq = p->seq;
    } else {
        if (p->h)
            return; /* another kept one, which this receive must settle: general path */
        int err;
        struct cap *c = cspace_lookup(t->cs, h, KOBJ_REPLY, 0, &err);
        if (!c)
            return;
        caller = (struct thread *)c->obj;
        seq = c->seq;
    }
    if (caller->state != TS_REPLY || caller->call_seq != seq || sched_higher_ready(caller->prio))
        return; /* a stale reply capability, or someone else should run first */
    const struct ipc_buf *sb = t->ipc;
    if (caller->send_kind == SK_SYSCALL) {
        caller->wake_result = (int64_t)sb->mr[0];
    } else if (caller->send_kind == SK_CALL && !sb->ncaps) {
        ipc_reply_copy(sb, caller->ipc);
        caller->wake_result = 0;
    } else {
        return; /* a fault, an interrupt, an exit report, or capabilities to transfer */
    }
    stat_ipc_messages++;
    /* the capability's reference goes; the caller, alive (TS_REPLY), keeps its own */
    if (kept) {
        p->h = 0; /* its slot stays reserved for the next call */
        caller->o.refs--;
    } else {
        cspace_delete(t->cs, h);
    }
    t->state = TS_RECV;
    t->queued_on = ep;
    tq_push(&ep->receivers, t);
    sched_switch_user(caller, SW_NEXT_USER); /* straight to its user mode if it is ucont */
}
