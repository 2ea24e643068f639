/* The fuzz targets' layer in front of procmgr's host fake (tests/host/procmgr/fake_env.c): the
 * fake backs memory with host pages and fails its checks on exhausted tables, so this layer
 * refuses what would exhaust the host the way the kernel refuses it (ENOMEM past a budget of
 * pages, threads and spaces; EINVAL outside user space; EFAULT for a copy longer than what the
 * space maps), and it tracks which threads are blocked (a blocked thread makes no call).
 *
 * Entry points: fz_pm_new (a wrapped fake with procmgr made over it), fz_pm_blocked. */
#ifndef FZ_PM_H
#define FZ_PM_H

#include <stdbool.h>
#include <stdint.h>
#include "fake_env.h"

#define FZ_MAX_PAGES 16384 /* 64 MiB of fake memory over every space */
#define FZ_MAX_THREADS 200
#define FZ_MAX_SPACES 200
#define FZ_MAX_OPENS 56
#define FZ_BADGES 4096 /* badges (tids) the layer tracks */

extern fake_t *fz_pm_cur;              /* the fake of the input being run */
extern uint64_t fz_blocked[FZ_BADGES]; /* the token a thread waits on (0: none) */
extern bool fz_keep_in_vfs;            /* the next forwarded call stays blocked in "vfs" */

/* a fake whose procmgr runs over the wrapped environment; sets fz_pm_cur, clears fz_blocked */
fake_t *fz_pm_new(void);
/* whether thread `badge` waits for an answer (a held token, or a call vfs keeps) */
bool fz_pm_blocked(uint64_t badge);

#endif
