/* Timed notifications (see include/timerq.h): a short list of endpoints with a deadline each. */
#include "ipc.h"
#include "timerq.h"

static struct endpoint *armed;

void timerq_remove(struct endpoint *ep)
{
    for (struct endpoint **p = &armed; *p; p = &(*p)->timer_next)
        if (*p == ep) {
            *p = ep->timer_next;
            ep->timer_next = NULL;
            ep->timer_deadline = 0;
            return;
        }
}

void timerq_set(struct endpoint *ep, uint64_t bits, uint64_t deadline_ns)
{
    timerq_remove(ep);
    if (!deadline_ns)
        return;
    ep->timer_deadline = deadline_ns;
    ep->timer_bits = bits;
    ep->timer_next = armed;
    armed = ep;
}

void timerq_tick(uint64_t now_ns)
{
    struct endpoint **p = &armed;
    while (*p) {
        struct endpoint *ep = *p;
        if (ep->timer_deadline <= now_ns) {
            *p = ep->timer_next;
            ep->timer_next = NULL;
            ep->timer_deadline = 0;
            ipc_notify(ep, ep->timer_bits);
        } else {
            p = &ep->timer_next;
        }
    }
}
