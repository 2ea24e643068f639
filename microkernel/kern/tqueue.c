/* FIFO queues of threads (run queues, endpoint sender and receiver queues), linked through the
 * threads themselves so that queueing never allocates. Pure logic, host-tested. Always inlined
 * (with LTO, in every file): a few stores each, on every IPC and every switch.
 * Entry points: tq_push, tq_pop, tq_remove. */
#include "sched.h"

__attribute__((always_inline)) inline void tq_push(struct tqueue *q, struct thread *t)
{
    t->qnext = NULL;
    t->qprev = q->tail;
    if (q->tail)
        q->tail->qnext = t;
    else
        q->head = t;
    q->tail = t;
}

__attribute__((always_inline)) inline void tq_remove(struct tqueue *q, struct thread *t)
{
    if (t->qprev)
        t->qprev->qnext = t->qnext;
    else
        q->head = t->qnext;
    if (t->qnext)
        t->qnext->qprev = t->qprev;
    else
        q->tail = t->qprev;
    t->qnext = t->qprev = NULL;
}

__attribute__((always_inline)) inline struct thread *tq_pop(struct tqueue *q)
{
    struct thread *t = q->head;
    if (t)
        tq_remove(q, t);
    return t;
}

