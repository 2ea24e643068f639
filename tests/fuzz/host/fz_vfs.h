/* What the vfs fuzz targets share, over the host tests' fake (tests/host/vfs/fake_env.c): a vfs
 * with process 1, a scratch area in its user memory reused by every call (the fake's arena only
 * grows), calls that never stay blocked (a deferred one is taken back, as procmgr does for a
 * signal), a walk of the whole tree, and the end of an input, which fails on a leaked open file
 * description.
 *
 * Entry points: fz_vfs_new, fz_vfs_str, fz_vfs_buf, fz_vfs_sys, fz_vfs_walk, fz_vfs_end. */
#ifndef FZ_VFS_H
#define FZ_VFS_H

#include <stdint.h>
#include "fake_env.h"

#define FZ_PID 1
#define FZ_PATH_MAX 8192 /* a scratch slot: room for paths past PATH_MAX (ENAMETOOLONG) */

fake_t *fz_vfs_new(void);
/* s (up to FZ_PATH_MAX - 1 bytes) copied into scratch slot 0..2: its user address */
uint64_t fz_vfs_str(fake_t *fk, int slot, const char *s);
/* scratch slot 3 (a buffer of FZ_PATH_MAX bytes for results): its user address */
uint64_t fz_vfs_buf(fake_t *fk);
/* a syscall of process 1: its result (-EINTR for a call that would have blocked) */
int64_t fz_vfs_sys(fake_t *fk, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4);
/* lists every directory under `dir` (depth levels deep), stats every entry, reads every file and
 * symlink it finds */
void fz_vfs_walk(fake_t *fk, const char *dir, int depth);
/* process 1 exits; aborts if an open file description is left; frees everything */
void fz_vfs_end(fake_t *fk);

#endif
