/* Readiness notifications: how something that waits on several objects at once (a blocked poll,
 * select or epoll_wait; an epoll instance watching a descriptor) hears that one of them changed.
 *
 * Every object that can become ready (a pipe, the console, an eventfd, a timerfd, an epoll
 * instance) has a vfs_pollq_t. A waiter (vfs_waker_t) puts one registration (vfs_pollreg_t) on
 * the queue of each object it watches. When an object's state changes, its code calls
 * vfs_pollq_wake with the events the change may have made true (POLLIN when data arrived,
 * POLLOUT when room was made, ...). The wake does not look at the waiters' own state: it marks
 * each waiter on the queue "dirty" and runs the dirty waiters afterwards, one at a time, each
 * with the events it was woken for. A waiter's run re-checks what it waits for and may finish
 * (answer its caller, unregister everywhere, free itself), which can drop the last reference of
 * a description and wake other queues: those wakes only mark more waiters dirty, and the loop
 * that is already running takes them. So nothing re-enters a waiter, and a queue is never
 * walked while a waiter changes it.
 *
 * A waiter being freed must be taken off the dirty list (vfs_waker_forget), and its
 * registrations off their queues (vfs_pollreg_del), first.
 *
 * Entry points: vfs_pollreg_add, vfs_pollreg_del, vfs_pollq_wake, vfs_waker_forget,
 * vfs_wake_run. */
#include "vfs_impl.h"

void vfs_pollreg_add(vfs_pollreg_t *r, vfs_pollq_t *q, vfs_waker_t *w)
{
    r->q = q;
    r->w = w;
    r->prev = NULL;
    r->next = q->head;
    if (q->head)
        q->head->prev = r;
    q->head = r;
}

void vfs_pollreg_del(vfs_pollreg_t *r)
{
    vfs_pollq_t *q = r->q;
    if (!q)
        return;
    if (r->prev)
        r->prev->next = r->next;
    else
        q->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
    r->q = NULL;
}

static void waker_mark(vfs_t *vfs, vfs_waker_t *w, uint32_t keys)
{
    w->keys |= keys;
    if (w->dirty)
        return;
    w->dirty = true;
    w->dirty_next = NULL;
    if (vfs->dirty_tail)
        vfs->dirty_tail->dirty_next = w;
    else
        vfs->dirty_head = w;
    vfs->dirty_tail = w;
}

void vfs_waker_forget(vfs_t *vfs, vfs_waker_t *w)
{
    if (!w->dirty)
        return;
    vfs_waker_t *prev = NULL;
    for (vfs_waker_t *cur = vfs->dirty_head; cur; prev = cur, cur = cur->dirty_next) {
        if (cur != w)
            continue;
        if (prev)
            prev->dirty_next = cur->dirty_next;
        else
            vfs->dirty_head = cur->dirty_next;
        if (vfs->dirty_tail == cur)
            vfs->dirty_tail = prev;
        break;
    }
    w->dirty = false;
    w->keys = 0;
}

void vfs_wake_run(vfs_t *vfs)
{
    if (vfs->waking)
        return;   /* the loop below, further up the stack, will take them */
    vfs->waking = true;
    vfs_waker_t *w;
    while ((w = vfs->dirty_head)) {
        vfs->dirty_head = w->dirty_next;
        if (!vfs->dirty_head)
            vfs->dirty_tail = NULL;
        w->dirty = false;
        uint32_t keys = w->keys;
        w->keys = 0;
        w->fn(vfs, w, keys);   /* may free w, wake more queues */
    }
    vfs->waking = false;
}

void vfs_pollq_wake(vfs_t *vfs, vfs_pollq_t *q, uint32_t keys)
{
    if (!q->head)
        return;
    for (vfs_pollreg_t *r = q->head; r; r = r->next)
        waker_mark(vfs, r->w, keys);
    vfs_wake_run(vfs);
}
