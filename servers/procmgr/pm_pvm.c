/* process_vm_readv (310) and process_vm_writev (311): copying between the caller's memory and
 * another process's (or its own), as Linux's mm/process_vm_access.c does it.
 *
 * Linux's order of checks is kept, because it shows: flags, then the local vector (count,
 * readable, each length, each range), and a local total of 0 answers 0 before the remote vector
 * or the pid is even looked at; then the remote vector, and a remote total of 0 answers 0 before
 * the pid is looked up. Only then ESRCH (no such process, or a zombie: Linux's mm is gone).
 * Everyone is root on Kestrel, so Linux's ptrace-attach permission check always passes.
 *
 * The bytes go through a procmgr buffer in pieces that never cross a page on either side, so a
 * fault stops the transfer exactly at the first page that cannot be accessed, remote or local,
 * as Linux's page pinning and copy_to/from_user do; the bytes moved before it are the result
 * (-EFAULT if none). Pages are checked against procmgr's own record of the protections, since
 * the kernel's as_read/as_write are privileged copies: a remote page must be readable (read) or
 * writable (write) as get_user_pages without FOLL_FORCE demands, a local page accessible as the
 * caller's own load or store would be.
 *
 * Entry points: pm_sys_process_vm_readv, pm_sys_process_vm_writev. */
#include <stdlib.h>
#include <lx/fs.h>
#include <lx/mman.h>
#include "pm_internal.h"

/* Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK): import_iovec cuts a local vector's total to it. */
#define PVM_MAX_RW 0x7ffff000ull

/* One side of the transfer: a process, its vector, and where the transfer has got to. */
typedef struct pvm_side {
    pm_proc_t *p;
    struct lx_iovec *iov;
    uint64_t n;
    uint64_t i, off;     /* current element and offset in it */
    bool remote;         /* the target's side (pinned as Linux's get_user_pages would) */
} pvm_side_t;

/* Reads the vector at va (count n) of process p into a new array: -EINVAL (more than IOV_MAX
 * elements, or a length that is negative as an ssize_t), -EFAULT, -ENOMEM. Linux's
 * iovec_from_user. */
static int pvm_iov_in(pm_t *pm, pm_proc_t *p, uint64_t va, uint64_t n, struct lx_iovec **out)
{
    *out = NULL;
    if (n > LX_IOV_MAX)
        return -LX_EINVAL;
    if (n == 0)
        return 0;
    struct lx_iovec *iov = malloc(n * sizeof(*iov));
    if (!iov)
        return -LX_ENOMEM;
    int r = pm_copy_in(pm, p, iov, va, n * sizeof(*iov));
    for (uint64_t i = 0; !r && i < n; i++)
        if ((int64_t)iov[i].iov_len < 0)
            r = -LX_EINVAL;
    if (r) {
        free(iov);
        return r;
    }
    *out = iov;
    return 0;
}

/* May side s access the page at va with `need` (LX_PROT_* bits, any one suffices)? From
 * procmgr's map of the process's ranges: unmapped and PROT_NONE pages never. The remote side
 * never reaches [vvar]: Linux maps it VM_PFNMAP, which get_user_pages refuses (EFAULT). */
static bool pvm_page_ok(const pvm_side_t *s, uint64_t va, int need)
{
    const pm_vma_t *v = s->p->mm ? pm_mm_find(s->p->mm, va) : NULL;
    return v && (v->prot & need) && !(s->remote && v->kind == PM_VMA_VVAR);
}

/* Linux's access_ok on a local element (the whole range below TASK_SIZE, even when its
 * length is 0) and the cut of the total to MAX_RW_COUNT: the local total, or -EFAULT. */
static int64_t pvm_local_total(struct lx_iovec *iov, uint64_t n)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t base = iov[i].iov_base, len = iov[i].iov_len;
        if (base > PM_USER_TOP || len > PM_USER_TOP - base)
            return -LX_EFAULT;
        if (len > PVM_MAX_RW - total)
            iov[i].iov_len = len = PVM_MAX_RW - total;
        total += len;
    }
    return (int64_t)total;
}

/* The current element's next address and how many bytes remain in it, skipping empty
 * elements; false when the vector is used up. */
static bool pvm_cur(pvm_side_t *s, uint64_t *va, uint64_t *left)
{
    while (s->i < s->n && s->off == s->iov[s->i].iov_len) {
        s->i++;
        s->off = 0;
    }
    if (s->i == s->n)
        return false;
    *va = s->iov[s->i].iov_base + s->off;
    *left = s->iov[s->i].iov_len - s->off;
    return true;
}

/* Moves bytes from src's ranges to dst's in order, each piece within one page on both sides:
 * the bytes moved before the first fault or the end of either vector. */
static uint64_t pvm_move(pm_t *pm, uint8_t *buf, pvm_side_t *src, int src_need, pvm_side_t *dst,
                         int dst_need)
{
    int (*w)(void *, pm_as_t, uint64_t, const void *, uint64_t) =
        pm->env.as_write_user ? pm->env.as_write_user : pm->env.as_write;
    uint64_t done = 0, sva, sleft, dva, dleft;
    while (pvm_cur(src, &sva, &sleft) && pvm_cur(dst, &dva, &dleft)) {
        uint64_t n = sleft < dleft ? sleft : dleft;
        if (n > PM_PAGE - (sva & (PM_PAGE - 1)))
            n = PM_PAGE - (sva & (PM_PAGE - 1));
        if (n > PM_PAGE - (dva & (PM_PAGE - 1)))
            n = PM_PAGE - (dva & (PM_PAGE - 1));
        if (!pvm_page_ok(src, sva, src_need) || !pvm_page_ok(dst, dva, dst_need))
            break;
        if (pm->env.as_read(pm->env.ctx, src->p->as, buf, sva, n) ||
            w(pm->env.ctx, dst->p->as, dva, buf, n))
            break;
        src->off += n;
        dst->off += n;
        done += n;
    }
    return done;
}

static int64_t pvm_rw(pm_t *pm, pm_call_t *c, bool write)
{
    int32_t pid = (int32_t)c->a[0];
    uint64_t lvec = c->a[1], liovcnt = c->a[2], rvec = c->a[3], riovcnt = c->a[4];
    if (c->a[5] != 0)
        return -LX_EINVAL;

    struct lx_iovec *liov, *riov = NULL;
    int64_t r = pvm_iov_in(pm, c->proc, lvec, liovcnt, &liov);
    if (r)
        return r;
    r = pvm_local_total(liov, liovcnt);
    if (r <= 0)
        goto out;   /* -EFAULT, or nothing to move: 0 whatever the rest says */

    r = pvm_iov_in(pm, c->proc, rvec, riovcnt, &riov);
    if (r)
        goto out;
    uint64_t rtotal = 0;
    for (uint64_t i = 0; i < riovcnt; i++)
        rtotal |= riov[i].iov_len;
    if (rtotal == 0)
        goto out;   /* r is 0: Linux answers before looking the process up */

    /* Linux's find_task_by_vpid takes any thread's id */
    pm_proc_t *target = pm_proc_find(pm, pid);
    if (!target) {
        pm_thr_t *t = pm_thr_find(pm, pid);
        target = t ? t->proc : NULL;
    }
    if (!target || target->state != PM_P_LIVE || !target->has_as) {
        r = -LX_ESRCH;
        goto out;
    }

    uint8_t *buf = malloc(PM_PAGE);   /* the bounce buffer: one page, whatever the lengths */
    if (!buf) {
        r = -LX_ENOMEM;
        goto out;
    }
    pvm_side_t local = {.p = c->proc, .iov = liov, .n = liovcnt};
    pvm_side_t remote = {.p = target, .iov = riov, .n = riovcnt, .remote = true};
    /* remote pages as get_user_pages without FOLL_FORCE wants them; local ones as the
       caller's own instructions (x86 can read any present page) */
    const int any = LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC;
    uint64_t done = write ? pvm_move(pm, buf, &local, any, &remote, LX_PROT_WRITE)
                          : pvm_move(pm, buf, &remote, LX_PROT_READ, &local, LX_PROT_WRITE);
    free(buf);
    /* both totals are non-zero here, so nothing moved means the first page faulted */
    r = done ? (int64_t)done : -LX_EFAULT;
out:
    free(liov);
    free(riov);
    return r;
}

int64_t pm_sys_process_vm_readv(pm_t *pm, pm_call_t *c)
{
    return pvm_rw(pm, c, false);
}

int64_t pm_sys_process_vm_writev(pm_t *pm, pm_call_t *c)
{
    return pvm_rw(pm, c, true);
}
