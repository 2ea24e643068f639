/* The fake environment of procmgr's host tests (see fake_env.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/sched.h>
#include <lx/syscalls.h>
#include "elf_build.h"
#include "fake_env.h"

#define FK_PAGE 4096ull

static void fk_ev(fake_t *fk, enum fk_ev kind, uint64_t x, uint64_t y, uint64_t z)
{
    assert_true(fk->nev < FK_MAX_EVENTS);
    fk->ev[fk->nev++] = (fk_event_t){kind, x, y, z};
}

/* ---- address spaces ---- */

static int fk_space_new(fake_t *fk)
{
    for (int i = 0; i < FK_MAX_AS; i++)
        if (!fk->spaces[i].used) {
            memset(&fk->spaces[i], 0, sizeof(fk->spaces[i]));
            fk->spaces[i].used = true;
            return i;
        }
    fail_msg("fake: out of address spaces");
    return -1;
}

static void fk_space_put(fake_t *fk, int s)
{
    fk_space_t *sp = &fk->spaces[s];
    assert_true(sp->used && sp->refs > 0);
    if (--sp->refs > 0)
        return;
    for (size_t i = 0; i < sp->n; i++)
        free(sp->pages[i].data);
    free(sp->pages);
    memset(sp, 0, sizeof(*sp));
}

static int fk_handle_new(fake_t *fk, int space)
{
    for (int h = 1; h < FK_MAX_AS; h++)
        if (fk->ash[h] < 0) {
            fk->ash[h] = space;
            fk->spaces[space].refs++;
            return h;
        }
    fail_msg("fake: out of address-space handles");
    return -1;
}

static int fk_space_of(fake_t *fk, pm_as_t h)
{
    assert_true(h > 0 && h < FK_MAX_AS);
    assert_true(fk->ash[h] >= 0);   /* use of a released handle */
    return fk->ash[h];
}

static fk_page_t *fk_page_find(fk_space_t *sp, uint64_t va)
{
    size_t lo = 0, hi = sp->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sp->pages[mid].va == va)
            return &sp->pages[mid];
        if (sp->pages[mid].va < va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int fk_as_create(void *ctx, pm_as_t *out)
{
    fake_t *fk = ctx;
    int s = fk_space_new(fk);
    *out = (pm_as_t)fk_handle_new(fk, s);
    fk_ev(fk, FK_EV_AS_CREATE, *out, (uint64_t)s, 0);
    return 0;
}

static int fk_as_dup_ref(void *ctx, pm_as_t as, pm_as_t *out)
{
    fake_t *fk = ctx;
    int s = fk_space_of(fk, as);
    *out = (pm_as_t)fk_handle_new(fk, s);
    fk_ev(fk, FK_EV_AS_DUP, as, *out, (uint64_t)s);
    return 0;
}

static void fk_as_release(void *ctx, pm_as_t as)
{
    fake_t *fk = ctx;
    int s = fk_space_of(fk, as);
    fk->ash[as] = -1;
    fk_ev(fk, FK_EV_AS_RELEASE, as, (uint64_t)s, 0);
    fk_space_put(fk, s);
}

/* fork: a deep copy of every page (the real kernel shares them copy-on-write; what the logic
 * can observe, two independent copies, is the same) */
static int fk_as_fork(void *ctx, pm_as_t as, pm_as_t *out)
{
    fake_t *fk = ctx;
    int from = fk_space_of(fk, as);
    if (fk->fail_as_fork) {
        int e = fk->fail_as_fork;
        fk->fail_as_fork = 0;
        return e;
    }
    int s = fk_space_new(fk);
    fk_space_t *src = &fk->spaces[from], *dst = &fk->spaces[s];
    dst->cap = src->n;
    dst->pages = calloc(src->n ? src->n : 1, sizeof(*dst->pages));
    for (size_t i = 0; i < src->n; i++) {
        dst->pages[i] = src->pages[i];
        dst->pages[i].data = malloc(FK_PAGE);
        memcpy(dst->pages[i].data, src->pages[i].data, FK_PAGE);
    }
    dst->n = src->n;
    *out = (pm_as_t)fk_handle_new(fk, s);
    fk_ev(fk, FK_EV_AS_FORK, as, *out, (uint64_t)s);
    return 0;
}

static int fk_as_map(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot)
{
    fake_t *fk = ctx;
    fk_space_t *sp = &fk->spaces[fk_space_of(fk, as)];
    fk_ev(fk, FK_EV_AS_MAP, as, va, len);
    fk->last_map_prot = prot;
    assert_true(va % FK_PAGE == 0 && len % FK_PAGE == 0 && len > 0);
    if (fk->fail_as_map_after == 0) {
        fk->fail_as_map_after = -1;
        return -LX_ENOMEM;
    }
    if (fk->fail_as_map_after > 0)
        fk->fail_as_map_after--;
    for (uint64_t p = va; p < va + len; p += FK_PAGE)
        if (fk_page_find(sp, p))
            fail_msg("fake: as_map over a mapped page %#lx", (unsigned long)p);
    uint64_t object = (prot & PM_AS_SHARED) ? ++fk->next_object : 0;
    for (uint64_t p = va; p < va + len; p += FK_PAGE) {
        if (sp->n == sp->cap) {
            sp->cap = sp->cap ? sp->cap * 2 : 64;
            sp->pages = realloc(sp->pages, sp->cap * sizeof(*sp->pages));
        }
        size_t i = sp->n;
        while (i > 0 && sp->pages[i - 1].va > p) {
            sp->pages[i] = sp->pages[i - 1];
            i--;
        }
        sp->pages[i] = (fk_page_t){p, prot & ~PM_AS_SHARED, calloc(1, FK_PAGE), object,
                                   object ? p - va : 0, 0};
        sp->n++;
    }
    return 0;
}

static int fk_as_unmap(void *ctx, pm_as_t as, uint64_t va, uint64_t len)
{
    fake_t *fk = ctx;
    fk_space_t *sp = &fk->spaces[fk_space_of(fk, as)];
    fk_ev(fk, FK_EV_AS_UNMAP, as, va, len);
    assert_true(va % FK_PAGE == 0 && len % FK_PAGE == 0);
    size_t w = 0;
    for (size_t i = 0; i < sp->n; i++) {
        if (sp->pages[i].va >= va && sp->pages[i].va < va + len)
            free(sp->pages[i].data);
        else
            sp->pages[w++] = sp->pages[i];
    }
    sp->n = w;
    return 0;
}

static int fk_as_protect(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot)
{
    fake_t *fk = ctx;
    fk_space_t *sp = &fk->spaces[fk_space_of(fk, as)];
    fk_ev(fk, FK_EV_AS_PROTECT, as, va, len);
    for (uint64_t p = va; p < va + len; p += FK_PAGE)
        if (!fk_page_find(sp, p))
            return -LX_ENOMEM;
    for (uint64_t p = va; p < va + len; p += FK_PAGE)
        fk_page_find(sp, p)->prot = prot;
    return 0;
}

static int fk_space_rw(fake_t *fk, int s, void *buf, uint64_t va, uint64_t len, bool write)
{
    fk_space_t *sp = &fk->spaces[s];
    for (uint64_t p = va & ~(FK_PAGE - 1); p < va + len; p += FK_PAGE)
        if (!fk_page_find(sp, p))
            return -LX_EFAULT;
    uint8_t *b = buf;
    while (len) {
        fk_page_t *pg = fk_page_find(sp, va & ~(FK_PAGE - 1));
        uint64_t o = va & (FK_PAGE - 1);
        uint64_t n = FK_PAGE - o < len ? FK_PAGE - o : len;
        if (write)
            memcpy(pg->data + o, b, n);
        else
            memcpy(b, pg->data + o, n);
        b += n;
        va += n;
        len -= n;
    }
    return 0;
}

static int fk_as_read(void *ctx, pm_as_t as, void *dst, uint64_t va, uint64_t len)
{
    fake_t *fk = ctx;
    return fk_space_rw(fk, fk_space_of(fk, as), dst, va, len, false);
}

static int fk_as_write(void *ctx, pm_as_t as, uint64_t va, const void *src, uint64_t len)
{
    fake_t *fk = ctx;
    return fk_space_rw(fk, fk_space_of(fk, as), (void *)src, va, len, true);
}

/* ---- threads ---- */

static int fk_thread_create(void *ctx, pm_as_t as, const pm_regs_t *regs, uint64_t badge,
                            pm_thread_t *out)
{
    fake_t *fk = ctx;
    if (fk->fail_thread_create) {
        int r = fk->fail_thread_create;
        fk->fail_thread_create = 0;
        return r;
    }
    for (int h = 1; h < FK_MAX_THREADS; h++)
        if (!fk->th[h].used) {
            int s = fk_space_of(fk, as);
            fk->th[h] = (fk_thread_t){.used = true, .badge = badge, .space = s};
            memcpy(&fk->th[h].regs, regs, sizeof(*regs));
            fk->spaces[s].refs++;
            *out = (pm_thread_t)h;
            fk_ev(fk, FK_EV_THREAD_CREATE, (uint64_t)h, badge, (uint64_t)s);
            /* The new thread runs at once: a test may make it call procmgr right here. */
            if (fk->on_thread_create) {
                fk_hook_t hook = fk->on_thread_create;
                fk->on_thread_create = NULL;
                hook(fk, badge);
            }
            return 0;
        }
    fail_msg("fake: out of threads");
    return -LX_ENOMEM;
}

static fk_thread_t *fk_th(fake_t *fk, pm_thread_t t)
{
    assert_true(t > 0 && t < FK_MAX_THREADS && fk->th[t].used);
    return &fk->th[t];
}

static int fk_thread_get_regs(void *ctx, pm_thread_t t, pm_regs_t *out)
{
    memcpy(out, &fk_th(ctx, t)->regs, sizeof(*out));
    return 0;
}

static int fk_thread_set_regs(void *ctx, pm_thread_t t, const pm_regs_t *regs)
{
    fake_t *fk = ctx;
    memcpy(&fk_th(fk, t)->regs, regs, sizeof(*regs));
    fk_ev(fk, FK_EV_THREAD_SET_REGS, t, 0, 0);
    return 0;
}

static int fk_thread_set_as(void *ctx, pm_thread_t t, pm_as_t as)
{
    fake_t *fk = ctx;
    fk_thread_t *th = fk_th(fk, t);
    int s = fk_space_of(fk, as);
    fk->spaces[s].refs++;
    fk_space_put(fk, th->space);
    th->space = s;
    fk_ev(fk, FK_EV_THREAD_SET_AS, t, as, (uint64_t)s);
    return 0;
}

static void fk_thread_destroy(void *ctx, pm_thread_t t)
{
    fake_t *fk = ctx;
    fk_thread_t *th = fk_th(fk, t);
    fk_ev(fk, FK_EV_THREAD_DESTROY, t, th->badge, 0);
    fk_space_put(fk, th->space);
    memset(th, 0, sizeof(*th));
}

static int fk_as_page_id(void *ctx, pm_as_t as, uint64_t va, uint64_t *object, uint64_t *offset)
{
    fake_t *fk = ctx;
    fk_page_t *pg = fk_page_find(&fk->spaces[fk_space_of(fk, as)], va & ~(FK_PAGE - 1));
    if (!pg)
        return -LX_EFAULT;
    *object = pg->object;
    *offset = pg->object ? pg->offset + (va & (FK_PAGE - 1)) : va;
    return 0;
}

static int fk_vfs_interrupt(void *ctx, int32_t tid, pm_token_t *tok, uint64_t *nr)
{
    fake_t *fk = ctx;
    bool held = tid > 0 && tid < FK_MAX_THREADS && fk->vfs_held[tid];
    fk_ev(fk, FK_EV_VFS_INTERRUPT, (uint64_t)tid, held, 0);
    if (!held)
        return 0;
    *tok = fk->vfs_held[tid];
    *nr = fk->vfs_held_nr[tid];
    fk->vfs_held[tid] = 0;
    fk->tok[*tok] = FK_TOK_HELD; /* back in procmgr's hands */
    return 1;
}

static int fk_thread_interrupt(void *ctx, pm_thread_t t)
{
    fake_t *fk = ctx;
    fk_thread_t *th = fk_th(fk, t);
    int r = th->in_kernel || (th->badge < FK_MAX_THREADS && fk->vfs_held[th->badge])
                ? PM_INTR_BLOCKED
                : 0;
    th->interrupts += r == 0;
    fk_ev(fk, FK_EV_INTERRUPT, t, (uint64_t)r, 0);
    return r;
}

static void fk_thread_route(void *ctx, pm_thread_t t, int32_t pid, int32_t tid,
                            const uint64_t *mask)
{
    fake_t *fk = ctx;
    fk_thread_t *th = fk_th(fk, t);
    th->routed = mask != NULL;
    th->route_pid = mask ? pid : 0;
    th->route_tid = mask ? tid : 0;
    th->route_calls++;
    if (mask)
        memcpy(fk->route_mask, mask, sizeof fk->route_mask);
}

static void fk_thread_trace(void *ctx, pm_thread_t t, bool on)
{
    fake_t *fk = ctx;
    fk_th(fk, t)->traced = on;
}

static void fk_thread_times(void *ctx, pm_thread_t t, uint64_t *user, uint64_t *sys)
{
    fk_thread_t *th = fk_th(ctx, t);
    *user = th->utime;
    *sys = th->stime;
}

static void fk_thread_cpu_alarm(void *ctx, pm_thread_t t, uint64_t ns)
{
    fake_t *fk = ctx;
    fk_th(fk, t)->cpu_alarm = ns;
    fk_ev(fk, FK_EV_CPU_ALARM, t, ns, 0);
}

/* ---- tokens ---- */

static void fk_consume(fake_t *fk, pm_token_t tok, enum fk_tok_state how, int64_t v)
{
    assert_true(tok < FK_MAX_TOKENS);
    if (fk->tok[tok] != FK_TOK_HELD)
        fail_msg("fake: token %lu consumed twice (state %d, now %d)", (unsigned long)tok,
                 fk->tok[tok], how);
    fk->tok[tok] = how;
    fk->tok_value[tok] = v;
}

static void fk_reply(void *ctx, pm_token_t tok, int64_t value)
{
    fake_t *fk = ctx;
    fk_consume(fk, tok, FK_TOK_REPLIED, value);
    fk_ev(fk, FK_EV_REPLY, tok, (uint64_t)value, 0);
}

static void fk_drop(void *ctx, pm_token_t tok)
{
    fake_t *fk = ctx;
    fk_consume(fk, tok, FK_TOK_DROPPED, 0);
    fk_ev(fk, FK_EV_DROP, tok, 0, 0);
}

static void fk_vfs_forward(void *ctx, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6],
                           pm_token_t tok)
{
    fake_t *fk = ctx;
    (void)a;
    (void)tid;
    fk_consume(fk, tok, FK_TOK_FORWARDED, 0);
    fk_ev(fk, FK_EV_FORWARD, tok, nr, (uint64_t)pid);
}

/* vfs gives back the call it holds for tid (when the test made forwarded calls block): the
 * caller's reply capability comes back as a new token */

static void fk_vfs_forward_nojc(void *ctx, int32_t pid, int32_t tid, uint64_t nr,
                                const uint64_t a[6], pm_token_t tok)
{
    fake_t *fk = ctx;
    (void)tid;
    (void)a;
    fk_consume(fk, tok, FK_TOK_FORWARDED, 0);
    fk_ev(fk, FK_EV_FORWARD_NOJC, tok, nr, (uint64_t)pid);
}

/* ---- vfs ---- */

static int fk_vfs_proc_ids(void *ctx, int32_t pid, int32_t pgid, int32_t sid)
{
    fk_ev(ctx, FK_EV_VFS_IDS, (uint64_t)pid, (uint64_t)pgid, (uint64_t)sid);
    return 0;
}

static int fk_vfs_proc_create(void *ctx, int32_t pid, int32_t ppid, pm_as_t as)
{
    fake_t *fk = ctx;
    fk_ev(fk, FK_EV_VFS_CREATE, (uint64_t)pid, (uint64_t)(int64_t)ppid, as);
    return 0;
}

static int fk_vfs_proc_exec(void *ctx, int32_t pid, pm_as_t as)
{
    fake_t *fk = ctx;
    fk_ev(fk, FK_EV_VFS_EXEC, (uint64_t)pid, as, 0);
    int r = fk->fail_vfs_proc_exec;
    fk->fail_vfs_proc_exec = 0;
    return r;
}

static int fk_vfs_proc_clone(void *ctx, int32_t pid, int32_t ppid, int32_t ptid, pm_as_t as,
                             uint32_t share)
{
    fake_t *fk = ctx;
    fk->last_share = share;
    fk->last_clone_tid = ptid;
    return fk_vfs_proc_create(ctx, pid, ppid, as);
}

static int fk_vfs_thread(void *ctx, int op, int32_t pid, int32_t tid, int32_t from_tid,
                         uint32_t share)
{
    fake_t *fk = ctx;
    (void)pid;
    fk->last_thread_share = share;
    fk_ev(fk, FK_EV_VFS_THREAD, (uint64_t)op, (uint64_t)tid, (uint64_t)from_tid);
    return 0;
}

static void fk_vfs_proc_exit(void *ctx, int32_t pid)
{
    fake_t *fk = ctx;
    fk_ev(ctx, FK_EV_VFS_EXIT, (uint64_t)pid, 0, 0);
    for (int i = 0; i < FK_MAX_PIDFDS; i++) {
        if (fk->pidfds[i].used && fk->pidfds[i].owner == pid)
            fk->pidfds[i].used = false;   /* its table is closed */
        if (fk->pidfds[i].used && fk->pidfds[i].target == pid)
            fk->pidfds[i].exited = true;
    }
}

static int64_t fk_vfs_pidfd_open(void *ctx, int32_t pid, int32_t target, uint64_t serial,
                                 bool nonblock, bool exited)
{
    fake_t *fk = ctx;
    if (fk->fail_pidfd_open) {
        int e = fk->fail_pidfd_open;
        fk->fail_pidfd_open = 0;
        return e;
    }
    for (int i = 0; i < FK_MAX_PIDFDS; i++)
        if (!fk->pidfds[i].used) {
            fk->pidfds[i] = (fk_pidfd_t){true, pid, FK_PIDFD_BASE + i, target, serial, nonblock,
                                         exited};
            return FK_PIDFD_BASE + i;
        }
    return -LX_EMFILE;
}

fk_pidfd_t *fk_pidfd_of(fake_t *fk, int32_t pid, int32_t fd)
{
    for (int i = 0; i < FK_MAX_PIDFDS; i++)
        if (fk->pidfds[i].used && fk->pidfds[i].owner == pid && fk->pidfds[i].fd == fd)
            return &fk->pidfds[i];
    return NULL;
}

static int fk_vfs_pidfd_get(void *ctx, int32_t pid, int32_t fd, int32_t *target,
                            uint64_t *serial, bool *nonblock)
{
    fk_pidfd_t *pf = fk_pidfd_of(ctx, pid, fd);
    if (!pf)
        return -LX_EBADF;   /* not open, or (0-2, the console) not a pidfd */
    *target = pf->target;
    *serial = pf->serial;
    *nonblock = pf->nonblock;
    return 0;
}

static void fk_vfs_fd_close(void *ctx, int32_t pid, int32_t fd)
{
    fake_t *fk = ctx;
    fk_ev(fk, FK_EV_VFS_FD_CLOSE, (uint64_t)pid, (uint64_t)fd, 0);
    fk_pidfd_t *pf = fk_pidfd_of(fk, pid, fd);
    if (pf)
        pf->used = false;
}

static int fk_vfs_proc_nofile(void *ctx, int32_t pid, uint64_t limit)
{
    fk_ev(ctx, FK_EV_VFS_NOFILE, (uint64_t)pid, limit, 0);
    return 0;
}

static void fk_vfs_procfs_done(void *ctx, uint64_t id, int64_t count)
{
    fk_ev(ctx, FK_EV_VFS_PROCFS_DONE, id, (uint64_t)count, 0);
}

/* ---- memory objects ---- */

static uint64_t fk_mem_new(fake_t *fk, enum fk_mem_kind kind, int file)
{
    for (uint64_t h = 1; h < FK_MAX_MEM; h++)
        if (fk->mems[h].kind == FK_MEM_FREE) {
            fk->mems[h] = (fk_mem_t){kind, file};
            return h;
        }
    fail_msg("fake: out of memory-object handles");
    return 0;
}

static fk_mem_t *fk_mem_of(fake_t *fk, uint64_t h)
{
    assert_true(h > 0 && h < FK_MAX_MEM && fk->mems[h].kind != FK_MEM_FREE);
    return &fk->mems[h];
}

int fk_live_mems(fake_t *fk)
{
    int n = 0;
    for (int h = 1; h < FK_MAX_MEM; h++)
        n += fk->mems[h].kind != FK_MEM_FREE;
    return n;
}

static void fk_mem_release(void *ctx, pm_mem_t mem)
{
    fake_t *fk = ctx;
    fk_mem_of(fk, mem)->kind = FK_MEM_FREE;
    fk_ev(fk, FK_EV_MEM_RELEASE, mem, 0, 0);
}

/* the byte at offset off of object h (zero past a file's end) */
static uint8_t fk_mem_byte(fake_t *fk, uint64_t h, uint64_t off)
{
    fk_mem_t *m = fk_mem_of(fk, h);
    if (m->kind == FK_MEM_VDSO)
        return off < 4 ? (uint8_t)"\177ELF"[off] : 0;
    if (m->kind != FK_MEM_FILE)
        return 0;
    const fk_file_t *f = &fk->files[m->file];
    return off < f->size ? f->data[off] : 0;
}

/* The object's pages, as they are now, in the pages of the range (a copy: the fake's spaces
 * hold bytes, and what the tests read back is the same). */
static int fk_as_map_mem(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot, pm_mem_t mem,
                         uint64_t off)
{
    fake_t *fk = ctx;
    fk_mem_of(fk, mem);
    assert_true(off % FK_PAGE == 0);
    assert_true(fk->nmapmem < FK_MAX_MAPMEM);
    fk->mapmem[fk->nmapmem++] = (fk_mapmem_t){as, va, len, prot, mem, off};
    int r = fk_as_map(ctx, as, va, len, prot & ~PM_AS_SHARED);
    fk->ev[fk->nev - 1] = (fk_event_t){FK_EV_AS_MAP_MEM, as, va, len};   /* not an as_map */
    if (r)
        return r;
    fk_space_t *sp = &fk->spaces[fk_space_of(fk, as)];
    for (uint64_t p = 0; p < len; p += FK_PAGE) {
        fk_page_t *pg = fk_page_find(sp, va + p);
        pg->mem = mem;
        for (uint64_t b = 0; b < FK_PAGE; b++)
            pg->data[b] = fk_mem_byte(fk, mem, off + p + b);
    }
    return 0;
}

void fk_fd_set(fake_t *fk, int fd, const char *path, uint32_t flags, int err)
{
    assert_true(fd >= 0 && fd < FK_MAX_FDS);
    int file = -1;
    for (int i = 0; path && i < fk->nfiles; i++)
        if (strcmp(fk->files[i].path, path) == 0)
            file = i;
    assert_true(!path || file >= 0);
    fk->fds[fd] = (fk_fd_t){file, flags, err, true};
}

static int fk_vfs_mmap_open(void *ctx, int32_t pid, int32_t tid, int32_t fd, int shared,
                            int write, pm_fileinfo_t *fi)
{
    fake_t *fk = ctx;
    (void)pid;
    (void)tid;
    if (fd < 0 || fd >= FK_MAX_FDS || !fk->fds[fd].used)
        return -LX_EBADF;
    const fk_fd_t *d = &fk->fds[fd];
    if (d->err)
        return d->err;
    if (shared && write && !(d->flags & PM_FILE_WRITABLE))
        return -LX_EACCES;
    memset(fi, 0, sizeof(*fi));
    fi->flags = d->flags;
    if (d->file < 0) {
        fi->flags |= PM_FILE_ZERO;
        fi->path = strdup("/dev/zero");
        return 0;
    }
    fi->mem = fk_mem_new(fk, FK_MEM_FILE, d->file);
    fi->size = fk->files[d->file].size;
    fi->dev = 1;
    fi->ino = 100 + (uint64_t)d->file;
    fi->path = strdup(fk->files[d->file].path);
    return 0;
}

static void fk_vfs_exec_done(void *ctx, uint64_t deny)
{
    fake_t *fk = ctx;
    assert_true(deny > 0 && deny <= fk->next_deny);
    assert_true(fk->denials > 0);
    fk->denials--;
    fk_ev(fk, FK_EV_EXEC_DONE, deny, 0, 0);
}

static uint64_t fk_as_resident(void *ctx, pm_as_t as)
{
    fake_t *fk = ctx;
    int s = fk_space_of(fk, as);
    return fk->resident[s] ? fk->resident[s] : fk->spaces[s].n;
}

static void fk_vdso(void *ctx, pm_vdso_t *out)
{
    fake_t *fk = ctx;
    memset(out, 0, sizeof(*out));
    if (fk->no_vdso)
        return;
    out->image = fk_mem_new(fk, FK_MEM_VDSO, 0);
    out->size = fk->vdso_size;
    out->clock = fk_mem_new(fk, FK_MEM_CLOCK, 0);
}

static int fk_vfs_exec_open(void *ctx, int32_t pid, int32_t tid, const char *path, uint64_t *file,
                            uint64_t *size, pm_fileinfo_t *fi)
{
    fake_t *fk = ctx;
    (void)pid;
    fk->last_exec_tid = tid;
    for (int i = 0; i < fk->nfiles; i++) {
        if (strcmp(fk->files[i].path, path) != 0)
            continue;
        if (fk->files[i].err)
            return fk->files[i].err;
        for (int h = 1; h < FK_MAX_OPEN; h++)
            if (fk->open[h] < 0) {
                fk->open[h] = i;
                fk->opens++;
                *file = (uint64_t)h;
                *size = fk->files[i].size;
                fk_ev(fk, FK_EV_VFS_OPEN, (uint64_t)h, (uint64_t)i, 0);
                if (fi) {
                    memset(fi, 0, sizeof(*fi));
                    fi->mem = fk->no_file_mem ? 0 : fk_mem_new(fk, FK_MEM_FILE, i);
                    fi->deny = fi->mem ? ++fk->next_deny : 0;
                    fk->denials += fi->deny != 0;
                    fi->size = fk->files[i].size;
                    fi->dev = 1;
                    fi->ino = 100 + (uint64_t)i;
                    fi->path = strdup(path);
                }
                return 0;
            }
        fail_msg("fake: out of open files");
    }
    return -LX_ENOENT;
}

static fk_file_t *fk_open_file(fake_t *fk, uint64_t h)
{
    assert_true(h > 0 && h < FK_MAX_OPEN && fk->open[h] >= 0);
    return &fk->files[fk->open[h]];
}

static int64_t fk_vfs_file_read(void *ctx, uint64_t file, uint64_t off, void *buf, uint64_t len)
{
    fk_file_t *f = fk_open_file(ctx, file);
    if (off >= f->size)
        return 0;
    if (len > f->size - off)
        len = f->size - off;
    memcpy(buf, f->data + off, len);
    return (int64_t)len;
}

static int fk_vfs_file_load(void *ctx, uint64_t file, uint64_t off, uint64_t len, pm_as_t as,
                            uint64_t va)
{
    fake_t *fk = ctx;
    fk_file_t *f = fk_open_file(fk, file);
    fk->file_loads++;
    if (off > f->size || len > f->size - off)
        return -LX_EIO;
    return fk_space_rw(fk, fk_space_of(fk, as), f->data + off, va, len, true);
}

static void fk_vfs_file_close(void *ctx, uint64_t file)
{
    fake_t *fk = ctx;
    fk_open_file(fk, file);
    fk->open[file] = -1;
    fk->closes++;
    fk_ev(fk, FK_EV_VFS_CLOSE, file, 0, 0);
}

/* ---- the rest ---- */

static uint64_t fk_mono(void *ctx)
{
    return ((fake_t *)ctx)->mono;
}

static uint64_t fk_real(void *ctx)
{
    return ((fake_t *)ctx)->real;
}

static void fk_timer_arm(void *ctx, uint64_t deadline)
{
    fk_ev(ctx, FK_EV_TIMER_ARM, deadline, 0, 0);
}

static void fk_random(void *ctx, void *buf, size_t n)
{
    fake_t *fk = ctx;
    uint8_t *b = buf;
    for (size_t i = 0; i < n; i++)
        b[i] = fk->rnd++;
}

static void fk_poweroff(void *ctx, int status)
{
    fake_t *fk = ctx;
    fk->poweroffs++;
    fk->poweroff_status = status;
    fk_ev(fk, FK_EV_POWEROFF, (uint64_t)status, 0, 0);
}

static void fk_log(void *ctx, const char *msg)
{
    fake_t *fk = ctx;
    if (fk->nlogs < FK_MAX_LOGS)
        snprintf(fk->logs[fk->nlogs++], sizeof(fk->logs[0]), "%s", msg);
}

static uint64_t fk_free_memory(void *ctx)
{
    return ((fake_t *)ctx)->free_mem;
}

static uint64_t fk_total_memory(void *ctx)
{
    return ((fake_t *)ctx)->total_mem;
}

fake_t *fk_new(void)
{
    return fk_new_opts(true);
}

fake_t *fk_new_opts(bool vdso)
{
    return fk_new_with(vdso, 64ull << 20);
}

fake_t *fk_new_with(bool vdso, uint64_t free_mem)
{
    fake_t *fk = calloc(1, sizeof(*fk));
    fk->no_vdso = !vdso;
    fk->vdso_size = 2 * FK_PAGE;
    for (int i = 0; i < FK_MAX_AS; i++)
        fk->ash[i] = -1;
    for (int i = 0; i < FK_MAX_OPEN; i++)
        fk->open[i] = -1;
    fk->next_tok = 1;
    fk->mono = 5000000000ull;          /* 5 s after boot */
    fk->real = 1700000000ull * 1000000000ull;
    fk->free_mem = free_mem;
    fk->total_mem = 128ull << 20;
    fk->fail_as_map_after = -1;
    fk->env = (struct pm_env){
        .ctx = fk,
        .as_create = fk_as_create,
        .as_dup_ref = fk_as_dup_ref,
        .as_release = fk_as_release,
        .as_fork = fk_as_fork,
        .as_map = fk_as_map,
        .as_unmap = fk_as_unmap,
        .as_protect = fk_as_protect,
        .as_read = fk_as_read,
        .as_write = fk_as_write,
        .thread_create = fk_thread_create,
        .thread_get_regs = fk_thread_get_regs,
        .thread_set_regs = fk_thread_set_regs,
        .thread_set_as = fk_thread_set_as,
        .thread_destroy = fk_thread_destroy,
        .reply = fk_reply,
        .drop = fk_drop,
        .vfs_forward = fk_vfs_forward,
        .vfs_proc_create = fk_vfs_proc_create,
        .vfs_proc_exec = fk_vfs_proc_exec,
        .vfs_proc_exit = fk_vfs_proc_exit,
        .vfs_exec_open = fk_vfs_exec_open,
        .vfs_file_read = fk_vfs_file_read,
        .vfs_file_load = fk_vfs_file_load,
        .vfs_file_close = fk_vfs_file_close,
        .clock_mono_ns = fk_mono,
        .clock_real_ns = fk_real,
        .timer_arm = fk_timer_arm,
        .random = fk_random,
        .poweroff = fk_poweroff,
        .log = fk_log,
        .free_memory = fk_free_memory,
        .total_memory = fk_total_memory,
        .vfs_proc_nofile = fk_vfs_proc_nofile,
        .vfs_procfs_done = fk_vfs_procfs_done,
        .thread_interrupt = fk_thread_interrupt,
        .thread_route = fk_thread_route,
        .thread_trace = fk_thread_trace,
        .vfs_interrupt = fk_vfs_interrupt,
        .thread_times = fk_thread_times,
        .thread_cpu_alarm = fk_thread_cpu_alarm,
        .vfs_proc_ids = fk_vfs_proc_ids,
        .vfs_forward_nojc = fk_vfs_forward_nojc,
        .vfs_proc_clone = fk_vfs_proc_clone,
        .vfs_thread = fk_vfs_thread,
        .vfs_pidfd_open = fk_vfs_pidfd_open,
        .vfs_pidfd_get = fk_vfs_pidfd_get,
        .vfs_fd_close = fk_vfs_fd_close,
        .as_page_id = fk_as_page_id,
        .as_map_mem = fk_as_map_mem,
        .mem_release = fk_mem_release,
        .vfs_mmap_open = fk_vfs_mmap_open,
        .as_resident = fk_as_resident,
        .vdso = fk_vdso,
        .vfs_exec_done = fk_vfs_exec_done,
    };
    fk->pm = pm_create(&fk->env);
    assert_non_null(fk->pm);
    return fk;
}

void fk_free(fake_t *fk)
{
    pm_destroy(fk->pm);
    for (int i = 0; i < FK_MAX_AS; i++)
        if (fk->spaces[i].used) {
            for (size_t j = 0; j < fk->spaces[i].n; j++)
                free(fk->spaces[i].pages[j].data);
            free(fk->spaces[i].pages);
        }
    for (int i = 0; i < fk->nfiles; i++)
        free(fk->files[i].data);
    free(fk);
}

void fk_file_add(fake_t *fk, const char *path, const void *data, size_t size, int err)
{
    assert_true(fk->nfiles < FK_MAX_FILES);
    fk_file_t *f = &fk->files[fk->nfiles++];
    snprintf(f->path, sizeof(f->path), "%s", path);
    f->data = malloc(size ? size : 1);
    if (size)
        memcpy(f->data, data, size);
    f->size = size;
    f->err = err;
}

void fk_boot(fake_t *fk)
{
    eb_spec_t s = eb_std_exec();
    uint8_t *img;
    size_t n = eb_build(&s, &img);
    fk_file_add(fk, "/sbin/init", img, n, 0);
    fk_file_add(fk, "/bin/prog", img, n, 0);
    free(img);
    char *argv[] = {"init", NULL};
    char *envp[] = {"HOME=/", NULL};
    assert_int_equal(pm_start_init(fk->pm, "/sbin/init", argv, envp), 0);
}

fake_t *fk_new_booted(void)
{
    fake_t *fk = fk_new();
    fk_boot(fk);
    return fk;
}

uint64_t fk_tok_new(fake_t *fk)
{
    uint64_t tok = fk->next_tok++;
    assert_true(tok < FK_MAX_TOKENS);
    fk->tok[tok] = FK_TOK_HELD;
    return tok;
}

uint64_t fk_last_tok(fake_t *fk)
{
    return fk->next_tok - 1;
}

uint64_t fk_call_v(fake_t *fk, uint64_t badge, uint64_t nr, const uint64_t a[6])
{
    uint64_t tok = fk_tok_new(fk);
    pm_syscall(fk->pm, badge, nr, a, tok);
    return tok;
}

uint64_t fk_spawn(fake_t *fk, uint64_t parent)
{
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, parent, 56 /* clone */, 0x4111, 0x7ffff0000000, 0, 0, 0, 0);
    int i = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    assert_true(i >= 0);
    uint64_t child = fk->ev[i].y;
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, child, 4096);
    uint64_t p = fk_ubuf_str(&u, "/bin/prog");
    assert_int_equal(fk_sys(fk, child, 59 /* execve */, p, 0, 0, 0, 0, 0), 0);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    return child;
}

uint64_t fk_word_new(fake_t *fk, uint64_t badge, uint32_t v)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    return fk_ubuf_bytes(&u, &v, sizeof v);
}

uint32_t fk_word_get(fake_t *fk, uint64_t badge, uint64_t va)
{
    uint32_t v = 0xdeadbeef;
    assert_int_equal(fk_mem_read(fk, badge, &v, va, sizeof v), 0);
    return v;
}

uint64_t fk_thread_new(fake_t *fk, uint64_t badge, uint64_t stack, uint64_t ctid)
{
    int mark = fk->nev;
    uint64_t flags = LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND |
                     LX_CLONE_THREAD | LX_CLONE_SYSVSEM | (ctid ? LX_CLONE_CHILD_CLEARTID : 0);
    int64_t tid = fk_sys(fk, badge, LX_SYS_clone, flags, stack, 0, ctid, 0, 0);
    assert_true(tid > 0);
    assert_int_equal(fk_created_after(fk, mark), (uint64_t)tid);
    return (uint64_t)tid;
}

uint64_t fk_call_blocked_in_vfs(fake_t *fk, uint64_t badge, uint64_t nr, const uint64_t a[6])
{
    uint64_t tok = fk_call_v(fk, badge, nr, a);
    assert_int_equal(fk->tok[tok], FK_TOK_FORWARDED);
    assert_true(badge < FK_MAX_THREADS);
    fk->vfs_held[badge] = tok;
    fk->vfs_held_nr[badge] = nr;
    return tok;
}

uint64_t fk_interrupted(fake_t *fk, uint64_t badge, uint64_t why)
{
    uint64_t tok = fk_tok_new(fk);
    pm_interrupted(fk->pm, badge, why, tok);
    return tok;
}

uint64_t fk_call(fake_t *fk, uint64_t badge, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4, uint64_t a5)
{
    const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    return fk_call_v(fk, badge, nr, a);
}

enum fk_tok_state fk_tok_state(fake_t *fk, uint64_t tok)
{
    return fk->tok[tok];
}

int64_t fk_tok_value(fake_t *fk, uint64_t tok)
{
    if (fk->tok[tok] != FK_TOK_REPLIED)
        fail_msg("token %lu not replied (state %d)", (unsigned long)tok, fk->tok[tok]);
    return fk->tok_value[tok];
}

int64_t fk_sys(fake_t *fk, uint64_t badge, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3, uint64_t a4, uint64_t a5)
{
    return fk_tok_value(fk, fk_call(fk, badge, nr, a0, a1, a2, a3, a4, a5));
}

int fk_held_tokens(fake_t *fk)
{
    int n = 0;
    for (uint64_t t = 1; t < fk->next_tok; t++)
        n += fk->tok[t] == FK_TOK_HELD;
    return n;
}

int fk_find_event(fake_t *fk, int from, enum fk_ev kind, bool match_x, uint64_t x)
{
    for (int i = from < 0 ? 0 : from; i < fk->nev; i++)
        if (fk->ev[i].kind == kind && (!match_x || fk->ev[i].x == x))
            return i;
    return -1;
}

int fk_count_events(fake_t *fk, enum fk_ev kind, bool match_x, uint64_t x)
{
    int n = 0;
    for (int i = 0; i < fk->nev; i++)
        n += fk->ev[i].kind == kind && (!match_x || fk->ev[i].x == x);
    return n;
}

fk_thread_t *fk_thread_of(fake_t *fk, uint64_t badge)
{
    int h = fk_thread_handle_of(fk, badge);
    return h > 0 ? &fk->th[h] : NULL;
}

int fk_thread_handle_of(fake_t *fk, uint64_t badge)
{
    for (int h = 1; h < FK_MAX_THREADS; h++)
        if (fk->th[h].used && fk->th[h].badge == badge)
            return h;
    return -1;
}

int fk_live_spaces(fake_t *fk)
{
    int n = 0;
    for (int i = 0; i < FK_MAX_AS; i++)
        n += fk->spaces[i].used;
    return n;
}

int fk_live_handles(fake_t *fk)
{
    int n = 0;
    for (int i = 1; i < FK_MAX_AS; i++)
        n += fk->ash[i] >= 0;
    return n;
}

int fk_space_read(fake_t *fk, int space, void *dst, uint64_t va, uint64_t len)
{
    return fk_space_rw(fk, space, dst, va, len, false) ? -1 : 0;
}

int fk_mem_read(fake_t *fk, uint64_t badge, void *dst, uint64_t va, uint64_t len)
{
    fk_thread_t *t = fk_thread_of(fk, badge);
    assert_non_null(t);
    return fk_space_rw(fk, t->space, dst, va, len, false) ? -1 : 0;
}

int fk_mem_write(fake_t *fk, uint64_t badge, uint64_t va, const void *src, uint64_t len)
{
    fk_thread_t *t = fk_thread_of(fk, badge);
    assert_non_null(t);
    return fk_space_rw(fk, t->space, (void *)src, va, len, true) ? -1 : 0;
}

int fk_page_prot(fake_t *fk, int space, uint64_t va)
{
    fk_page_t *p = fk_page_find(&fk->spaces[space], va & ~(FK_PAGE - 1));
    return p ? p->prot : -1;
}

bool fk_log_contains(fake_t *fk, const char *needle)
{
    for (int i = 0; i < fk->nlogs; i++)
        if (strstr(fk->logs[i], needle))
            return true;
    return false;
}

void fk_ubuf_init(fk_ubuf_t *u, fake_t *fk, uint64_t badge, uint64_t size)
{
    size = (size + FK_PAGE - 1) & ~(FK_PAGE - 1);
    int64_t base = fk_sys(fk, badge, 9 /* mmap */, 0, size, LX_PROT_READ | LX_PROT_WRITE,
                          LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(base > 0);
    *u = (fk_ubuf_t){fk, badge, (uint64_t)base, 0, size};
}

uint64_t fk_ubuf_bytes(fk_ubuf_t *u, const void *data, uint64_t len)
{
    uint64_t at = u->base + u->off;
    assert_true(u->off + len <= u->size);
    assert_int_equal(fk_mem_write(u->fk, u->badge, at, data, len), 0);
    u->off = (u->off + len + 7) & ~7ull;
    return at;
}

uint64_t fk_ubuf_str(fk_ubuf_t *u, const char *s)
{
    return fk_ubuf_bytes(u, s, strlen(s) + 1);
}

uint64_t fk_ubuf_strv(fk_ubuf_t *u, const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    uint64_t *ptrs = calloc(n + 1, 8);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = fk_ubuf_str(u, v[i]);
    uint64_t at = fk_ubuf_bytes(u, ptrs, (n + 1) * 8);
    free(ptrs);
    return at;
}

uint64_t fk_ubuf_zero(fk_ubuf_t *u, uint64_t len)
{
    uint8_t *z = calloc(1, len ? len : 1);
    uint64_t at = fk_ubuf_bytes(u, z, len);
    free(z);
    return at;
}

uint64_t fk_created_after(fake_t *fk, int from)
{
    int i = fk_find_event(fk, from, FK_EV_THREAD_CREATE, false, 0);
    assert_true(i >= 0);
    return fk->ev[i].y;
}

int64_t fk_wait(fake_t *fk, uint64_t badge, int32_t pid, int options, int *status)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    uint64_t st = fk_ubuf_zero(&u, 8);
    int64_t r = fk_sys(fk, badge, LX_SYS_wait4, (uint64_t)(int64_t)pid, st, (uint64_t)options, 0,
                       0, 0);
    if (status)
        assert_int_equal(fk_mem_read(fk, badge, status, st, 4), 0);
    return r;
}
