/* The clock page (kabi/clock.h): a one-page memory object of clock parameters, made at boot and
 * handed to every root server read-only (ROOT_H_CLOCK), so that user programs can read the clocks
 * without entering the kernel. Generic: it knows a TSC, a frequency and a wall-clock offset, no
 * libc or Linux names.
 * Entry points: clockpage_init, clockpage_obj, clockpage_realtime. */
#ifndef KERN_CLOCKPAGE_H
#define KERN_CLOCKPAGE_H
#include <stdint.h>

struct kmem;
void clockpage_init(void);           /* after the timer is calibrated; panics without memory */
struct kmem *clockpage_obj(void);    /* the object (the kernel keeps one reference for ever) */
uint64_t clockpage_realtime(void);   /* the wall clock at monotonic 0, ns since 1970 */

#endif
