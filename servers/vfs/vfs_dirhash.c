/* A name index for large directories, so a lookup in /proc (an entry per process) or a big /tmp
 * directory costs the same with 10 or 10,000 entries.
 *
 * The entries themselves stay the dense array in insertion order that getdents walks (cookies
 * increase along it). The index is an open-addressed table of (name hash, cookie): a hit's
 * cookie is found in the array by binary search, so removing an entry (which moves the ones
 * after it) never invalidates the index. Small directories have no index (a short scan is
 * cheaper); one is built when a directory reaches VFS_DIRHASH_MIN entries. Out of memory, a
 * directory drops its index and is scanned again: the index is never wrong, only absent.
 *
 * Entry points: vfs_dirhash_find, vfs_dirhash_added, vfs_dirhash_removed, vfs_dirhash_free,
 * vfs_dirhash_gone (removed slots not yet reclaimed: the host tests'). */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

enum { SLOT_EMPTY, SLOT_USED, SLOT_GONE };

struct vfs_dirhash_slot {
    uint64_t cookie;
    uint32_t hash;
    uint32_t state;
};

struct vfs_dirhash {
    size_t cap;     /* a power of two */
    size_t used;    /* SLOT_USED slots */
    size_t gone;    /* SLOT_GONE slots (probes pass them; a rebuild drops them) */
    struct vfs_dirhash_slot slots[];
};

static uint32_t name_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

/* the entry with this cookie: the array is in increasing cookie order */
static vfs_dirent_t *by_cookie(const vfs_node_t *dir, uint64_t cookie)
{
    size_t lo = 0, hi = dir->u.dir.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t c = dir->u.dir.ents[mid].cookie;
        if (c == cookie)
            return &dir->u.dir.ents[mid];
        if (c < cookie)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void slot_put(struct vfs_dirhash *h, uint32_t hash, uint64_t cookie)
{
    size_t i = hash & (h->cap - 1);
    while (h->slots[i].state == SLOT_USED)
        i = (i + 1) & (h->cap - 1);
    if (h->slots[i].state == SLOT_GONE)
        h->gone--;
    h->slots[i] = (struct vfs_dirhash_slot){.cookie = cookie, .hash = hash, .state = SLOT_USED};
    h->used++;
}

/* a fresh index of every entry, at most 3/8 full; false (and no index) without memory */
static bool rebuild(vfs_node_t *dir)
{
    vfs_dirhash_free(dir);
    size_t cap = 64;
    while (cap * 3 < dir->u.dir.n * 8)
        cap *= 2;
    struct vfs_dirhash *h = calloc(1, sizeof(*h) + cap * sizeof(h->slots[0]));
    if (!h)
        return false;
    h->cap = cap;
    for (size_t i = 0; i < dir->u.dir.n; i++) {
        const vfs_dirent_t *e = &dir->u.dir.ents[i];
        slot_put(h, name_hash(e->name, strlen(e->name)), e->cookie);
    }
    dir->u.dir.hash = h;
    return true;
}

vfs_dirent_t *vfs_dirhash_find(const vfs_node_t *dir, const char *name, size_t len)
{
    const struct vfs_dirhash *h = dir->u.dir.hash;
    uint32_t hash = name_hash(name, len);
    for (size_t i = hash & (h->cap - 1); h->slots[i].state != SLOT_EMPTY; i = (i + 1) & (h->cap - 1)) {
        const struct vfs_dirhash_slot *s = &h->slots[i];
        if (s->state != SLOT_USED || s->hash != hash)
            continue;
        vfs_dirent_t *e = by_cookie(dir, s->cookie);
        if (e && strncmp(e->name, name, len) == 0 && e->name[len] == '\0')
            return e;
    }
    return NULL;
}

void vfs_dirhash_added(vfs_node_t *dir, const vfs_dirent_t *e)
{
    struct vfs_dirhash *h = dir->u.dir.hash;
    if (!h) {
        if (dir->u.dir.n >= VFS_DIRHASH_MIN)
            rebuild(dir);   /* includes e; without memory the directory is scanned */
        return;
    }
    /* at most 3/4 full counting the removed slots, or a probe might never end; and fewer
     * removed slots than live ones, or a directory with churn (/proc: an entry per spawn)
     * makes every probe walk a run of them */
    if ((h->used + h->gone + 1) * 4 > h->cap * 3 || h->gone > h->used) {
        rebuild(dir);
        return;
    }
    slot_put(h, name_hash(e->name, strlen(e->name)), e->cookie);
}

void vfs_dirhash_removed(vfs_node_t *dir, const vfs_dirent_t *e)
{
    struct vfs_dirhash *h = dir->u.dir.hash;
    if (!h)
        return;
    uint32_t hash = name_hash(e->name, strlen(e->name));
    for (size_t i = hash & (h->cap - 1); h->slots[i].state != SLOT_EMPTY; i = (i + 1) & (h->cap - 1)) {
        struct vfs_dirhash_slot *s = &h->slots[i];
        if (s->state == SLOT_USED && s->cookie == e->cookie) {
            s->state = SLOT_GONE;
            h->used--;
            h->gone++;
            break;
        }
    }
    /* shrunk well below the size that made the index (16 -> 7 entries): scan again, so that a
     * directory that was large once does not keep a large, sparse table */
    if (dir->u.dir.n - 1 < VFS_DIRHASH_MIN / 2)
        vfs_dirhash_free(dir);
}

size_t vfs_dirhash_gone(const vfs_node_t *dir)
{
    return dir->u.dir.hash ? dir->u.dir.hash->gone : 0;
}

void vfs_dirhash_free(vfs_node_t *dir)
{
    free(dir->u.dir.hash);
    dir->u.dir.hash = NULL;
}
