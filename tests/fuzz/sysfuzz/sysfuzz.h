/* What sysfuzz's runner (sysfuzz.c) and its workers (sysfuzz_gen.c) share: a slot per worker in
 * memory shared across fork, where the worker counts its calls and leaves the call it is in (the
 * runner names it when it ends a worker that stopped moving).
 *
 * Entry points: sf_worker. */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H
#include <stdint.h>
#include <sys/types.h>

struct sf_slot {
    uint64_t calls; /* made so far */
    uint64_t nr;    /* the call in progress (or the last one) */
    uint64_t a[6];
};

/* Makes ncalls random calls from a sequence fixed by seed, then _exit(0); never returns (a call
 * may end it sooner: a signal, an exit, an exec). runner: the runner's pid, never signalled.
 * trace_fd >= 0: each call and its result are written there (replaying one worker). */
void sf_worker(uint64_t seed, uint64_t ncalls, volatile struct sf_slot *slot, pid_t runner,
               int trace_fd) __attribute__((noreturn));

#endif
