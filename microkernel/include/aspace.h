/* Address spaces: regions that say what backs each range, page tables that hold what was touched,
 * and the one routine that resolves a missing or read-only page (aspace_touch) for user faults and
 * for the checked copies, the only way the kernel touches user memory. See docs/memory.md.
 * Entry points: aspace_create, aspace_map, aspace_map_phys, aspace_unmap, aspace_protect,
 * aspace_fork, aspace_touch, aspace_fault, aspace_mapped, aspace_copy_in, aspace_copy_out, aspace_copy. */
#ifndef KERN_ASPACE_H
#define KERN_ASPACE_H
#include <stddef.h>
#include <stdint.h>
#include "obj.h"
#include "pmm.h"

#define USER_TOP 0x0000800000000000ull /* first non-canonical address of the lower half */
#define KE_RANGE 64 /* internal to the kernel: a page past the end of a memory object */

/* an empty space whose pages and tables are allocations of class cls */
struct aspace *aspace_create(enum pmm_class cls);
/* anonymous memory over [va, va+len) (page-aligned): only a region, pages arrive at first touch;
 * -KE_EXIST if any page is mapped, -KE_NOMEM at the region limit; nothing changed on error */
int aspace_map(struct aspace *as, uint64_t va, uint64_t len, uint32_t prot);
/* A window on physical frames [pa, pa+len) (the initrd, an IPC buffer), its entries made now;
 * ref: they hold references on the frames (RAM the kernel allocated). -KE_EXIST if taken. */
int aspace_map_phys(struct aspace *as, uint64_t va, uint64_t pa, uint64_t len, uint32_t prot,
                    int ref);
int aspace_unmap(struct aspace *as, uint64_t va, uint64_t len);
/* -KE_FAULT if a page of the range is not mapped */
int aspace_protect(struct aspace *as, uint64_t va, uint64_t len, uint32_t prot);
int aspace_mapped(struct aspace *as, uint64_t va);
/* A new (user) space, a copy-on-write snapshot of as: regions copied, leaf tables shared (see
 * docs/memory.md). NULL with *err = -KE_NOMEM. */
struct aspace *aspace_fork(struct aspace *as, int *err);

/* access kinds for aspace_touch */
#define AT_READ 0
#define AT_WRITE 1
#define AT_EXEC 2
#define AT_FORCE 4 /* with AT_WRITE: even into a read-only page (KAS_FORCE) */
/* Makes the page of va present and allowing the access: a zeroed or object page for a missing
 * one, a private copy for a write to a copy-on-write one. 0, -KE_FAULT (no region, or the access
 * is not allowed), -KE_NOMEM, or -KE_RANGE (a page past the end of the region's object). */
int aspace_touch(struct aspace *as, uint64_t va, unsigned acc);
/* a user page fault (x86 error code): aspace_touch with the access the fault was */
int aspace_fault(struct aspace *as, uint64_t va, uint64_t error);

/* The checked copies: every byte of user memory the kernel reads or writes goes through these.
 * They resolve missing and copy-on-write pages as a fault would (aspace_touch), require user pages
 * (and writable ones for writes), and return 0 or -KE_FAULT. */
int aspace_copy_in(struct aspace *as, void *dst, uint64_t uva, uint64_t len);
int aspace_copy_out(struct aspace *as, uint64_t uva, const void *src, uint64_t len);
/* user to user, between two spaces (either may be the same); force: ignore the destination's
 * write protection (KAS_FORCE) */
int aspace_copy(struct aspace *src, uint64_t sva, struct aspace *dst, uint64_t dva, uint64_t len,
                int force);

extern uint64_t aspace_count, stat_zero_fill, stat_cow_copied, stat_cow_reused;

#endif
