/* An id map: pointers indexed by a pid, tid or badge (0..PM_PID_MAX-1), for O(1) lookups of
 * processes and threads however many there are (pm_proc.c), or counts of an id's uses (the
 * process groups and sessions pm_pid_busy asks about). Two levels, so an idle system pays for
 * the chunks its ids fall in (2 KiB each), not for 32768 slots; a chunk goes when its last id is
 * cleared, so pids cycling through the range keep a couple of chunks, not all of them.
 *
 * A chunk freed is kept as the map's spare (made with its first chunk) and is the next one
 * made: a spawn loop's pids past 255, each alone in its chunk or crossing into the next, then
 * cost no page allocation, where each used to take a chunk (a whole page: 2 KiB plus the heap's
 * header is a big block) from the kernel and give it back, in each map. One idle page a map.
 *
 * Entry points: pm_idmap_get, pm_idmap_set, pm_idmap_clear, pm_idmap_free, pm_idmap_count,
 * pm_idmap_ref, pm_idmap_unref. */
#ifndef PM_IDMAP_H
#define PM_IDMAP_H
#include <stdbool.h>
#include <stdint.h>

#define PM_IDMAP_SHIFT 8
#define PM_IDMAP_CHUNK (1u << PM_IDMAP_SHIFT)       /* slots per chunk */
#define PM_IDMAP_CHUNKS (32768u >> PM_IDMAP_SHIFT) /* covers 0..PM_PID_MAX-1 */

typedef struct pm_idmap {
    void **chunk[PM_IDMAP_CHUNKS];
    void **spare; /* an emptied chunk (all NULL), kept for the next one needed */
    bool started; /* the first chunk (and the spare with it) was made */
    uint16_t used[PM_IDMAP_CHUNKS]; /* slots in use per chunk */
    bool incomplete; /* a set found no memory: the map may miss an id (lookups then scan) */
} pm_idmap_t;

void *pm_idmap_get(const pm_idmap_t *m, uint64_t id);
void pm_idmap_set(pm_idmap_t *m, uint64_t id, void *v);             /* v non-NULL */
void pm_idmap_clear(pm_idmap_t *m, uint64_t id, const void *v); /* only if id still maps to v */
void pm_idmap_free(pm_idmap_t *m);
/* A map used as counters: how many uses id has; one more; one fewer (never below 0). */
uintptr_t pm_idmap_count(const pm_idmap_t *m, uint64_t id);
void pm_idmap_ref(pm_idmap_t *m, uint64_t id);
void pm_idmap_unref(pm_idmap_t *m, uint64_t id);

#endif
