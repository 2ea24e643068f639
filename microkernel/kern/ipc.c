/* IPC (see include/ipc.h).
 *
 * A call parks the caller in TS_REPLY and gives the receiver a reply capability {caller, seq};
 * the caller's call_seq changes at every call, so a reply capability answers exactly one call and a
 * stale or duplicated one finds KE_DEAD. Reply capabilities are ordinary capabilities: a server may
 * hold many, answer them in any order, or pass one to another server in a message (forwarding), and
 * whoever holds it answers the caller directly.
 *
 * Messages a foreign thread "sends" are made from its registers (a syscall: nr and six arguments),
 * its pending fault, or its syscall's result (a syscall exit report, kcall.c); the reply's first
 * word becomes its RAX.
 *
 * A thread that blocks here in a send, a call, a foreign syscall or a receive has nothing left to
 * do but the common syscall tail: it blocks ucont (include/obj.h), keeping no kernel context. A
 * fault, an interrupt message or an exit report keeps its context (its caller has work after).
 * The common round trip takes ipc_fast.c's paths before it gets here. */
#include <string.h>
#include "heap.h"
#include "ipc.h"
#include "kabi/kcalls.h"
#include "sched.h"

uint64_t endpoint_count, stat_ipc_messages;

struct endpoint *endpoint_create(void)
{
    struct endpoint *ep = kzalloc(sizeof *ep);
    if (!ep)
        return NULL;
    ep->o.type = KOBJ_ENDPOINT;
    ep->o.refs = 1;
    endpoint_count++;
    return ep;
}

void timerq_remove(struct endpoint *ep);

static void wake_all(struct tqueue *q)
{
    struct thread *t;
    while ((t = tq_pop(q))) {
        t->queued_on = NULL;
        t->wake_result = -KE_DEAD;
        sched_ready(t);
    }
}

void endpoint_destroy(struct endpoint *ep)
{
    wake_all(&ep->senders);
    wake_all(&ep->receivers);
    timerq_remove(ep);
    endpoint_count--;
    kfree(ep);
}

/* A blocked thread runs again and takes what it was woken with: a message delivered to it is
 * no longer unread (see thread_kill). */
static inline int64_t resumed(int64_t result)
{
    current->msg_unread = 0;
    return result;
}

/* Moves or copies the capabilities named in the sender's buffer into the receiver's table. */
static void transfer_caps(struct thread *s, const struct ipc_buf *sb, struct thread *r,
                          struct ipc_buf *rb)
{
    rb->ncaps = 0;
    uint32_t n = sb->ncaps < IPC_CAPS_MAX ? sb->ncaps : IPC_CAPS_MAX;
    for (uint32_t i = 0; i < n; i++) {
        int err;
        struct cap *c = cspace_lookup(s->cs, sb->caps[i], 0, 0, &err);
        if (!c)
            continue; /* deleted while the sender waited: skip it */
        int h = cspace_insert(r->cs, c->obj, c->type, c->rights, c->badge, c->seq);
        if (h < 0)
            continue;
        if (sb->cap_move & (1u << i))
            cspace_delete(s->cs, sb->caps[i]);
        rb->caps[rb->ncaps++] = h;
    }
}

/* send kinds whose sender is in a syscall with nothing left after ipc_send but the common tail */
_Static_assert(SK_SEND < SK_SYSCALL && SK_CALL < SK_SYSCALL && SK_FAULT > SK_SYSCALL &&
                   SK_INTERRUPT > SK_SYSCALL && SK_SYSEXIT > SK_SYSCALL,
               "ucont_kind relies on the order of enum send_kind");
static inline bool ucont_kind(enum send_kind k) { return k <= SK_SYSCALL; }

/* always inline (with LTO, into ipc_fast.c too): with the kind a constant, only its case is left */
__attribute__((always_inline)) inline int64_t ipc_transfer(struct thread *s, struct thread *r,
                                                          uint64_t badge, enum send_kind kind)
{
    struct ipc_buf *rb = r->ipc;
    stat_ipc_messages++;
    rb->badge = badge;
    rb->ncaps = 0;
    switch (kind) {
    case SK_SYSCALL: {
        const struct trap_frame *f = s->frame;
        rb->label = IPC_LABEL_SYSCALL;
        rb->len = 7;
        rb->mr[0] = f->rax;
        rb->mr[1] = f->rdi, rb->mr[2] = f->rsi, rb->mr[3] = f->rdx;
        rb->mr[4] = f->r10, rb->mr[5] = f->r8, rb->mr[6] = f->r9;
        break;
    }
    case SK_FAULT:
        rb->label = IPC_LABEL_FAULT;
        rb->len = 5;
        memcpy(rb->mr, s->fault, sizeof s->fault);
        break;
    case SK_INTERRUPT:
        rb->label = IPC_LABEL_INTERRUPT;
        rb->len = 2;
        rb->mr[0] = s->fault[0], rb->mr[1] = s->fault[1];
        break;
    case SK_SYSEXIT:
        rb->label = IPC_LABEL_SYSEXIT;
        rb->len = 2;
        rb->mr[0] = s->fault[0], rb->mr[1] = s->fault[1];
        break;
    default: {
        const struct ipc_buf *sb = s->ipc;
        uint32_t len = sb->len < IPC_MR_MAX ? sb->len : IPC_MR_MAX;
        rb->label = sb->label;
        rb->len = len;
        memcpy(rb->mr, sb->mr, len * sizeof(uint64_t));
        if (sb->ncaps) {
            transfer_caps(s, sb, r, rb);
            if (r != current)
                r->msg_unread = 1; /* it reads them when it runs (see thread_kill) */
        }
    }
    }
    if (kind == SK_SEND)
        return 0;
    s->call_seq++;
    s->state = TS_REPLY;
    return cspace_pend(r->cs, &r->reply_pend, &s->o, s->call_seq); /* kept in r, not in the table */
}

int64_t ipc_send(struct endpoint *ep, uint64_t badge, enum send_kind kind)
{
    struct thread *t = current;
    t->send_kind = kind; /* the reply needs it, whichever path delivers the message */
    struct thread *r = tq_pop(&ep->receivers);
    if (r) {
        r->queued_on = NULL;
        r->wake_result = ipc_transfer(t, r, badge, kind);
        if (kind == SK_SEND) {
            sched_ready(r);
            return 0;
        }
        return resumed(sched_handoff_blocked(r)); /* we wait for the reply; the server runs now */
    }
    t->state = TS_SEND;
    t->send_badge = badge;
    t->queued_on = ep;
    tq_push(&ep->senders, t);
    t->ucont = ucont_kind(kind); /* if so, sched_block does not return */
    return resumed(sched_block());
}

static void deliver_notification(struct endpoint *ep, struct thread *r)
{
    struct ipc_buf *rb = r->ipc;
    rb->label = IPC_LABEL_NOTIFY;
    rb->len = 1;
    rb->ncaps = 0;
    rb->badge = 0;
    rb->mr[0] = ep->notify_bits;
    ep->notify_bits = 0;
    stat_ipc_messages++;
}

int64_t ipc_recv(struct endpoint *ep)
{
    struct thread *t = current;
    /* the reply capability of the call before is in the table from now on: this receive gives
     * the thread another */
    if (t->reply_pend.h)
        cspace_settle(t->cs, &t->reply_pend);
    if (ep->notify_bits) {
        deliver_notification(ep, t);
        return 0;
    }
    struct thread *s = tq_pop(&ep->senders);
    if (s) {
        s->queued_on = NULL;
        int64_t h = ipc_transfer(s, t, s->send_badge, s->send_kind);
        if (s->send_kind == SK_SEND) {
            s->wake_result = 0;
            sched_ready(s);
        }
        return h;
    }
    t->state = TS_RECV;
    t->queued_on = ep;
    tq_push(&ep->receivers, t);
    t->ucont = 1; /* only kernel calls receive: the tail is the common one (no return) */
    return resumed(sched_block());
}

void ipc_reply_copy(const struct ipc_buf *sb, struct ipc_buf *rb)
{
    uint32_t len = sb->len < IPC_MR_MAX ? sb->len : IPC_MR_MAX;
    rb->label = sb->label;
    rb->len = len;
    rb->badge = 0;
    rb->ncaps = 0;
    memcpy(rb->mr, sb->mr, len * sizeof(uint64_t));
}

int64_t ipc_reply(int64_t h)
{
    struct thread *t = current;
    int err;
    struct cap *c = cspace_lookup(t->cs, h, KOBJ_REPLY, 0, &err);
    if (!c)
        return err;
    struct thread *caller = (struct thread *)c->obj;
    int64_t ret = 0;
    if (caller->state != TS_REPLY || caller->call_seq != c->seq) {
        ret = -KE_DEAD;
    } else {
        const struct ipc_buf *sb = t->ipc;
        stat_ipc_messages++;
        if (caller->send_kind == SK_SYSCALL || caller->send_kind == SK_SYSEXIT) {
            caller->wake_result = (int64_t)sb->mr[0];
        } else if (caller->send_kind == SK_FAULT || caller->send_kind == SK_INTERRUPT) {
            caller->wake_result = 0; /* it resumes at its (possibly rewritten) registers */
        } else {
            struct ipc_buf *rb = caller->ipc;
            ipc_reply_copy(sb, rb);
            if (sb->ncaps) {
                transfer_caps(t, sb, caller, rb);
                caller->msg_unread = 1;
            }
            caller->wake_result = 0;
        }
        sched_ready(caller);
    }
    cspace_delete(t->cs, h); /* one-shot, whatever happened */
    return ret;
}

void ipc_notify(struct endpoint *ep, uint64_t bits)
{
    ep->notify_bits |= bits;
    struct thread *r = tq_pop(&ep->receivers);
    if (r) {
        r->queued_on = NULL;
        deliver_notification(ep, r);
        r->wake_result = 0;
        sched_ready(r);
    }
}
