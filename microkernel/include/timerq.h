/* Timed notifications: an endpoint can ask for one notification at a deadline (monotonic ns).
 * Checked at every timer tick. Entry points: timerq_set, timerq_remove, timerq_tick. */
#ifndef KERN_TIMERQ_H
#define KERN_TIMERQ_H
#include <stdint.h>
#include "obj.h"

void timerq_set(struct endpoint *ep, uint64_t bits, uint64_t deadline_ns); /* 0 cancels */
void timerq_remove(struct endpoint *ep);
void timerq_tick(uint64_t now_ns);

#endif
