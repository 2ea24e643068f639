/* The fuzz layer in front of procmgr's host fake (see fz_pm.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <lx/errno.h>
#include "fz_pm.h"

fake_t *fz_pm_cur;
uint64_t fz_blocked[FZ_BADGES];
bool fz_keep_in_vfs;

static struct pm_env orig; /* the fake's own functions, wrapped below */

static size_t pages(void)
{
    size_t n = 0;
    for (int i = 0; i < FK_MAX_AS; i++)
        n += fz_pm_cur->spaces[i].used ? fz_pm_cur->spaces[i].n : 0;
    return n;
}

static int as_map(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot)
{
    if (va >= 0x800000000000ull || len > 0x800000000000ull - va)
        return -LX_EINVAL; /* the kernel's range check */
    if (len / 4096 > FZ_MAX_PAGES - pages()) return -LX_ENOMEM;
    return orig.as_map(ctx, as, va, len, prot);
}

static bool copy_ok(pm_as_t as, uint64_t va, uint64_t len)
{
    if (as <= 0 || as >= FK_MAX_AS || fz_pm_cur->ash[as] < 0)
        return true; /* let the fake report the bad handle */
    return va + len >= va && len <= fz_pm_cur->spaces[fz_pm_cur->ash[as]].n * 4096;
}

static int as_read(void *ctx, pm_as_t as, void *dst, uint64_t va, uint64_t len)
{
    return copy_ok(as, va, len) ? orig.as_read(ctx, as, dst, va, len) : -LX_EFAULT;
}

static int as_write(void *ctx, pm_as_t as, uint64_t va, const void *src, uint64_t len)
{
    return copy_ok(as, va, len) ? orig.as_write(ctx, as, va, src, len) : -LX_EFAULT;
}

static bool spaces_full(void)
{
    return fk_live_spaces(fz_pm_cur) >= FZ_MAX_SPACES ||
           fk_live_handles(fz_pm_cur) >= FZ_MAX_SPACES;
}

static int as_create(void *ctx, pm_as_t *out)
{
    return spaces_full() ? -LX_ENOMEM : orig.as_create(ctx, out);
}

static int as_dup_ref(void *ctx, pm_as_t as, pm_as_t *out)
{
    return spaces_full() ? -LX_ENOMEM : orig.as_dup_ref(ctx, as, out);
}

static int as_fork(void *ctx, pm_as_t as, pm_as_t *out)
{
    if (spaces_full() || pages() * 2 > FZ_MAX_PAGES) return -LX_ENOMEM;
    return orig.as_fork(ctx, as, out);
}

static int thread_create(void *ctx, pm_as_t as, const pm_regs_t *regs, uint64_t badge,
                         pm_thread_t *out)
{
    int n = 0;
    for (int h = 1; h < FK_MAX_THREADS; h++)
        n += fz_pm_cur->th[h].used;
    if (n >= FZ_MAX_THREADS) return -LX_ENOMEM;
    int r = orig.thread_create(ctx, as, regs, badge, out);
    if (r == 0 && badge < FZ_BADGES) fz_blocked[badge] = 0; /* a new thread runs */
    return r;
}

static int vfs_exec_open(void *ctx, int32_t pid, int32_t tid, const char *path, uint64_t *file,
                         uint64_t *size, pm_fileinfo_t *fi)
{
    if (fz_pm_cur->opens - fz_pm_cur->closes >= FZ_MAX_OPENS) return -LX_EMFILE;
    return orig.vfs_exec_open(ctx, pid, tid, path, file, size, fi);
}

/* a forwarded call "vfs" keeps (a read on an empty pipe): the thread stays blocked there until
 * vfs answers it or procmgr takes it back (vfs_interrupt) */
static void vfs_forward(void *ctx, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6],
                        pm_token_t tok)
{
    orig.vfs_forward(ctx, pid, tid, nr, a, tok);
    if (fz_keep_in_vfs && tid > 0 && tid < FK_MAX_THREADS) fz_pm_cur->vfs_held[tid] = tok;
}

fake_t *fz_pm_new(void)
{
    fake_t *fk = fk_new();
    fz_pm_cur = fk;
    memset(fz_blocked, 0, sizeof fz_blocked);
    /* pm_create copies the environment: make procmgr again over the wrapped one */
    pm_destroy(fk->pm);
    orig = fk->env;
    fk->env.as_map = as_map;
    fk->env.as_read = as_read;
    fk->env.as_write = as_write;
    fk->env.as_create = as_create;
    fk->env.as_dup_ref = as_dup_ref;
    fk->env.as_fork = as_fork;
    fk->env.thread_create = thread_create;
    fk->env.vfs_exec_open = vfs_exec_open;
    fk->env.vfs_forward = vfs_forward;
    fk->pm = pm_create(&fk->env);
    assert_non_null(fk->pm);
    return fk;
}

bool fz_pm_blocked(uint64_t badge)
{
    if (badge >= FZ_BADGES) return true; /* not tracked: never chosen to run */
    uint64_t tok = fz_blocked[badge];
    if (!tok) return false;
    enum fk_tok_state s = fz_pm_cur->tok[tok];
    if (s == FK_TOK_HELD) return true;
    if (s == FK_TOK_FORWARDED && badge < FK_MAX_THREADS && fz_pm_cur->vfs_held[badge] == tok)
        return true;
    fz_blocked[badge] = 0;
    return false;
}
