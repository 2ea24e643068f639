/* What the files of kernel calls share: the argument list of a call, the handle lookup, and the
 * calls that live outside kern/kcall.c (address spaces and memory objects: kern/kcall_mem.c). */
#ifndef KERN_KCALL_H
#define KERN_KCALL_H
#include <stdint.h>
#include "obj.h"
#include "sched.h"

#define ARGS uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
#define UNUSED_ARGS (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5

/* handle -> object of a type with rights, or return the error from the calling kernel call */
#define LOOKUP(var, h, type, rights)                                                               \
    int var##_err;                                                                                 \
    struct cap *var##_cap = cspace_lookup(current->cs, (int64_t)(h), type, rights, &var##_err);    \
    if (!var##_cap)                                                                                \
        return var##_err;

#define KCALL_MEM(X)                                                                               \
    X(as_create) X(as_map) X(as_unmap) X(as_protect) X(as_read) X(as_write) X(as_copy)             \
    X(mem_info) X(as_fork) X(as_info) X(as_map_mem) X(mem_create) X(mem_resize) X(mem_commit)    \
    X(as_page_id)
#define KCALL_DECL(name) int64_t sys_##name(ARGS);
KCALL_MEM(KCALL_DECL)
#undef KCALL_DECL

extern uint64_t stat_kernel_entries, stat_as_switches;

/* Bounded work per kernel entry. Kernel calls run with interrupts off, so a call whose work the
 * caller sizes (a commit or a checked copy of gigabytes) would hold off every interrupt and every
 * other thread for seconds. Such a call does at most KCALL_CHUNK bytes per entry: it starts at
 * kcall_done (bytes the earlier entries of this very call did, 0 at the first) and returns
 * kcall_again(bytes done so far) while work is left. syscall_dispatch then records that progress in
 * the thread and puts it back on its SYSCALL instruction, registers untouched (the caller's
 * compiler keeps values in the argument registers), so the call is made again on the way back to
 * user mode, after any pending interrupt (a preemption) was taken, and goes on where it stopped.
 * Callers see one call. */
#define KCALL_CHUNK (256u * 1024u)
#define KCALL_AGAIN INT64_MIN /* never a call's result: results are -KE_*, handles, counts, ns */
extern uint64_t kcall_done;
int64_t kcall_again(uint64_t done);

#endif
