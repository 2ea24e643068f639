/* Address spaces: page tables plus the anonymous frames they own; the one checked routine for
 * touching user memory. Entry points: aspace_create, aspace_map, aspace_unmap, aspace_protect,
 * aspace_copy_in, aspace_copy_out, aspace_copy, aspace_map_phys. */
#ifndef KERN_ASPACE_H
#define KERN_ASPACE_H
#include <stddef.h>
#include <stdint.h>
#include "obj.h"

#define USER_TOP 0x0000800000000000ull /* first non-canonical address of the lower half */

struct aspace *aspace_create(void);
/* zeroed anonymous pages over [va, va+len), page-aligned, demand-zero (a frame at first touch);
 * -KE_EXIST if any page is mapped */
int aspace_map(struct aspace *as, uint64_t va, uint64_t len, int prot);
/* a user page fault at va: put the frame behind a demand-zero page; -KE_FAULT if va is not one */
int aspace_fault_in(struct aspace *as, uint64_t va);
int aspace_mapped(struct aspace *as, uint64_t va); /* present or demand-zero */
/* maps physical frames [pa, pa+len) that the space does not own (the initrd, an IPC buffer) */
int aspace_map_phys(struct aspace *as, uint64_t va, uint64_t pa, uint64_t len, int prot);
int aspace_unmap(struct aspace *as, uint64_t va, uint64_t len);
int aspace_protect(struct aspace *as, uint64_t va, uint64_t len, int prot);

/* The checked copies: every byte of user memory the kernel reads or writes goes through these.
 * They walk the page tables (never fault), require user pages (and writable ones for writes), and
 * return 0 or -KE_FAULT. */
int aspace_copy_in(struct aspace *as, void *dst, uint64_t uva, uint64_t len);
int aspace_copy_out(struct aspace *as, uint64_t uva, const void *src, uint64_t len);
/* user to user, between two spaces (either may be the same); force: ignore the destination's
 * write protection (KAS_FORCE) */
int aspace_copy(struct aspace *src, uint64_t sva, struct aspace *dst, uint64_t dva, uint64_t len,
                int force);

extern uint64_t aspace_count;

#endif
