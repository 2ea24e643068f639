/* Memory bookkeeping of one address space: the sorted list of mapped ranges (ELF segments, the
 * stack, the heap, anonymous and file mappings, the vDSO) with their protections. The kernel maps
 * pages; procmgr decides where, so it must know what is taken (MAP_FIXED_NOREPLACE, mprotect's
 * ENOMEM, brk running into a mapping), and what each range maps (/proc/<pid>/maps, the limits).
 *
 * Shared by every process using the address space (a vfork child and its parent), reference
 * counted by pm_mm_new/pm_mm_put. A range that maps a file holds a reference on the file's
 * record (pm_file_t), so splitting, joining, removing and copying ranges count it.
 *
 * Entry points: pm_mm_new, pm_mm_dup, pm_mm_put, pm_mm_is_free, pm_mm_is_mapped, pm_mm_insert,
 * pm_mm_insert_file, pm_mm_mapped_bytes, pm_mm_remove, pm_mm_set_prot, pm_mm_find_gap, pm_mm_find; pm_file_new,
 * pm_file_get, pm_file_put, pm_fileinfo_drop. */
#include <stdlib.h>
#include <string.h>
#include "pm_internal.h"

void pm_fileinfo_drop(pm_t *pm, pm_fileinfo_t *fi)
{
    if (fi->mem && pm->env.mem_release)
        pm->env.mem_release(pm->env.ctx, fi->mem);
    if (fi->deny && pm->env.vfs_exec_done)
        pm->env.vfs_exec_done(pm->env.ctx, fi->deny);
    free(fi->path);
    fi->mem = fi->deny = 0;
    fi->path = NULL;
}

pm_file_t *pm_file_new(pm_t *pm, pm_fileinfo_t *fi)
{
    pm_file_t *f = calloc(1, sizeof(*f));
    if (!f) {
        pm_fileinfo_drop(pm, fi);
        return NULL;
    }
    *f = (pm_file_t){1,       &pm->env, fi->mem,  (fi->flags & PM_FILE_WRITABLE) != 0,
                     fi->dev, fi->ino,  fi->path, fi->deny};
    fi->mem = fi->deny = 0;
    fi->path = NULL;
    return f;
}

void pm_file_get(pm_file_t *f)
{
    if (f)
        f->refs++;
}

void pm_file_put(pm_file_t *f)
{
    if (!f || --f->refs > 0)
        return;
    /* pm_destroy clears mem_release and vfs_exec_done: it makes no env calls */
    if (f->mem && f->env->mem_release)
        f->env->mem_release(f->env->ctx, f->mem);
    if (f->deny && f->env->vfs_exec_done)
        f->env->vfs_exec_done(f->env->ctx, f->deny);
    free(f->path);
    free(f);
}

pm_mm_t *pm_mm_new(void)
{
    pm_mm_t *mm = calloc(1, sizeof(*mm));
    if (mm)
        mm->refs = 1;
    return mm;
}

pm_mm_t *pm_mm_dup(const pm_mm_t *mm)
{
    pm_mm_t *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    *c = *mm;
    c->refs = 1;
    c->v = NULL;
    if (mm->n) {
        c->v = malloc(mm->n * sizeof(*c->v));
        if (!c->v) {
            free(c);
            return NULL;
        }
        memcpy(c->v, mm->v, mm->n * sizeof(*c->v));
    }
    c->cap = mm->n;
    for (size_t i = 0; i < c->n; i++)
        pm_file_get(c->v[i].file);
    return c;
}

void pm_mm_put(pm_mm_t *mm)
{
    if (--mm->refs > 0)
        return;
    for (size_t i = 0; i < mm->n; i++)
        pm_file_put(mm->v[i].file);
    free(mm->v);
    free(mm);
}

static int pm_mm_reserve(pm_mm_t *mm, size_t extra)
{
    if (mm->n + extra <= mm->cap)
        return 0;
    size_t cap = mm->cap ? mm->cap * 2 : 16;
    while (cap < mm->n + extra)
        cap *= 2;
    pm_vma_t *v = realloc(mm->v, cap * sizeof(*v));
    if (!v)
        return -LX_ENOMEM;
    mm->v = v;
    mm->cap = cap;
    return 0;
}

bool pm_mm_is_free(const pm_mm_t *mm, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < mm->n; i++)
        if (mm->v[i].start < end && start < mm->v[i].end)
            return false;
    return true;
}

bool pm_mm_is_mapped(const pm_mm_t *mm, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    for (size_t i = 0; i < mm->n && at < end; i++) {
        if (mm->v[i].end <= at)
            continue;
        if (mm->v[i].start > at)
            return false;
        at = mm->v[i].end;
    }
    return at >= end;
}

uint64_t pm_mm_mapped_bytes(const pm_mm_t *mm, uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (size_t i = 0; i < mm->n; i++) {
        uint64_t lo = mm->v[i].start > start ? mm->v[i].start : start;
        uint64_t hi = mm->v[i].end < end ? mm->v[i].end : end;
        if (lo < hi)
            n += hi - lo;
    }
    return n;
}

const pm_vma_t *pm_mm_find(const pm_mm_t *mm, uint64_t addr)
{
    for (size_t i = 0; i < mm->n; i++)
        if (mm->v[i].start <= addr && addr < mm->v[i].end)
            return &mm->v[i];
    return NULL;
}

/* Can b, which starts where a ends, be part of a? The same kind and protection, and the same
 * file at the offset where a's part of it ends. */
static bool pm_vma_joins(const pm_vma_t *a, const pm_vma_t *b)
{
    return a->end == b->start && a->prot == b->prot && a->kind == b->kind && a->file == b->file &&
           (!a->file || a->off + (a->end - a->start) == b->off);
}

/* Join neighbours that touch and agree, so a growing heap stays one entry. */
static void pm_mm_merge(pm_mm_t *mm)
{
    size_t w = 0;
    for (size_t i = 0; i < mm->n; i++) {
        if (w > 0 && pm_vma_joins(&mm->v[w - 1], &mm->v[i])) {
            mm->v[w - 1].end = mm->v[i].end;
            pm_file_put(mm->v[i].file);   /* one entry, one reference */
        } else {
            mm->v[w++] = mm->v[i];
        }
    }
    mm->n = w;
}

int pm_mm_insert_file(pm_mm_t *mm, uint64_t start, uint64_t end, int prot, int kind, pm_file_t *f,
                      uint64_t off)
{
    if (start >= end)
        return 0;
    if (pm_mm_reserve(mm, 1))
        return -LX_ENOMEM;
    size_t i = 0;
    while (i < mm->n && mm->v[i].start < start)
        i++;
    memmove(&mm->v[i + 1], &mm->v[i], (mm->n - i) * sizeof(*mm->v));
    mm->v[i] = (pm_vma_t){start, end, prot, kind, f, f ? off : 0};
    pm_file_get(f);
    mm->n++;
    pm_mm_merge(mm);
    return 0;
}

int pm_mm_insert(pm_mm_t *mm, uint64_t start, uint64_t end, int prot, int kind)
{
    return pm_mm_insert_file(mm, start, end, prot, kind, NULL, 0);
}

/* Make addr a boundary: an entry strictly containing it becomes two. */
static int pm_mm_split(pm_mm_t *mm, uint64_t addr)
{
    for (size_t i = 0; i < mm->n; i++) {
        pm_vma_t *v = &mm->v[i];
        if (v->start < addr && addr < v->end) {
            if (pm_mm_reserve(mm, 1))
                return -LX_ENOMEM;
            memmove(&mm->v[i + 1], &mm->v[i], (mm->n - i) * sizeof(*mm->v));
            mm->n++;
            mm->v[i].end = addr;
            mm->v[i + 1].start = addr;
            if (mm->v[i + 1].file) {   /* the second part maps the file further on */
                mm->v[i + 1].off += addr - mm->v[i].start;
                pm_file_get(mm->v[i + 1].file);
            }
            return 0;
        }
    }
    return 0;
}

int pm_mm_remove(pm_mm_t *mm, uint64_t start, uint64_t end)
{
    if (start >= end)
        return 0;
    if (pm_mm_reserve(mm, 2))
        return -LX_ENOMEM;
    pm_mm_split(mm, start);
    pm_mm_split(mm, end);
    size_t w = 0;
    for (size_t i = 0; i < mm->n; i++) {
        if (!(mm->v[i].start >= start && mm->v[i].end <= end))
            mm->v[w++] = mm->v[i];
        else
            pm_file_put(mm->v[i].file);
    }
    mm->n = w;
    return 0;
}

int pm_mm_set_prot(pm_mm_t *mm, uint64_t start, uint64_t end, int prot)
{
    if (start >= end)
        return 0;
    if (pm_mm_reserve(mm, 2))
        return -LX_ENOMEM;
    pm_mm_split(mm, start);
    pm_mm_split(mm, end);
    for (size_t i = 0; i < mm->n; i++)
        if (mm->v[i].start >= start && mm->v[i].end <= end)
            mm->v[i].prot = prot;
    pm_mm_merge(mm);
    return 0;
}

uint64_t pm_mm_find_gap(const pm_mm_t *mm, uint64_t len, uint64_t below)
{
    uint64_t top = below;
    for (size_t k = mm->n; k-- > 0;) {
        const pm_vma_t *v = &mm->v[k];
        if (v->start >= top)
            continue;
        uint64_t lo = v->end > PM_USER_MIN ? v->end : PM_USER_MIN;
        if (v->end < top && top >= lo && top - lo >= len)
            return top - len;
        top = v->start;
    }
    if (top > PM_USER_MIN && top - PM_USER_MIN >= len)
        return top - len;
    return 0;
}
