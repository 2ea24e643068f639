/* Host tests of process_vm_readv and process_vm_writev (pm_pvm.c): reading and writing another
 * process's memory with several iovecs on both sides, transfers cut short at an unmapped page on
 * either side, protections (a read-only page is not written, a PROT_NONE one not read), reading
 * oneself, and the errors in Linux's order (EINVAL, EFAULT, ESRCH, 0 for empty totals). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/fs.h>
#include <lx/mman.h>
#include <lx/syscalls.h>
#include "fake_env.h"
#include "pm_internal.h"

#define PAGE 4096ull
#define RD LX_SYS_process_vm_readv
#define WR LX_SYS_process_vm_writev

static uint8_t pat(uint64_t i, unsigned seed)
{
    return (uint8_t)(i * 7 + seed);
}

/* Fresh anonymous read-write pages in badge's process: their address. */
static uint64_t pages(fake_t *fk, uint64_t badge, uint64_t n)
{
    int64_t va = FK_SYS(fk, badge, LX_SYS_mmap, 0, n * PAGE, LX_PROT_READ | LX_PROT_WRITE,
                        LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(va > 0);
    return (uint64_t)va;
}

/* n bytes of pattern `seed` at va in badge's process (byte i is pat(i, seed)). */
static void fill(fake_t *fk, uint64_t badge, uint64_t va, uint64_t n, unsigned seed)
{
    uint8_t *b = malloc(n);
    for (uint64_t i = 0; i < n; i++)
        b[i] = pat(i, seed);
    assert_int_equal(fk_mem_write(fk, badge, va, b, n), 0);
    free(b);
}

/* An iovec array in badge's process: its address. */
static uint64_t iovs(fake_t *fk, uint64_t badge, const struct lx_iovec *v, size_t n)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, n * sizeof(*v) + 1);
    return fk_ubuf_bytes(&u, v, n * sizeof(*v));
}

static int64_t pvm(fake_t *fk, uint64_t badge, uint64_t nr, int64_t pid, const struct lx_iovec *l,
                   size_t ln, const struct lx_iovec *r, size_t rn)
{
    uint64_t lv = ln ? iovs(fk, badge, l, ln) : 0, rv = rn ? iovs(fk, badge, r, rn) : 0;
    return FK_SYS(fk, badge, nr, (uint64_t)pid, lv, ln, rv, rn, 0);
}

static void test_read_and_write_another_process(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t cb = pages(fk, c, 3);
    fill(fk, c, cb, 3 * PAGE, 1);
    uint64_t pb = pages(fk, 1, 1);

    /* 4 remote ranges (one empty, one across a page) into 3 local ones (one empty) */
    struct lx_iovec rem[] = {{cb + 10, 100}, {cb + PAGE - 50, 200}, {cb + 2 * PAGE, 0},
                             {cb + 3000, 77}};
    struct lx_iovec loc[] = {{pb, 60}, {pb + 1000, 0}, {pb + 100, 317}};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, loc, 3, rem, 4), 377);
    uint8_t want[377], got[377];
    size_t n = 0;
    for (size_t r = 0; r < 4; r++)
        for (uint64_t i = 0; i < rem[r].iov_len; i++)
            want[n++] = pat(rem[r].iov_base - cb + i, 1);
    assert_int_equal(fk_mem_read(fk, 1, got, pb, 60), 0);
    assert_int_equal(fk_mem_read(fk, 1, got + 60, pb + 100, 317), 0);
    assert_memory_equal(got, want, sizeof want);
    /* the shorter side decides */
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, loc, 1, rem, 4), 60);

    /* 150 bytes from 2 local ranges into 3 remote ones; the bytes around stay */
    fill(fk, 1, pb, 150, 2);
    struct lx_iovec wl[] = {{pb, 40}, {pb + 40, 110}};
    struct lx_iovec wr[] = {{cb + 100, 50}, {cb + PAGE - 20, 70}, {cb + 2 * PAGE + 5, 30}};
    assert_int_equal(pvm(fk, 1, WR, (int64_t)c, wl, 2, wr, 3), 150);
    uint8_t *all = malloc(3 * PAGE);
    assert_int_equal(fk_mem_read(fk, c, all, cb, 3 * PAGE), 0);
    uint64_t k = 0;
    for (size_t r = 0; r < 3; r++)
        for (uint64_t i = 0; i < wr[r].iov_len; i++, k++) {
            assert_int_equal(all[wr[r].iov_base - cb + i], pat(k, 2));
            all[wr[r].iov_base - cb + i] = pat(wr[r].iov_base - cb + i, 1);
        }
    for (uint64_t i = 0; i < 3 * PAGE; i++)
        assert_int_equal(all[i], pat(i, 1));
    free(all);
    fk_free(fk);
}

static void test_partial_transfers_and_faults(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t m = pages(fk, c, 2), ro = pages(fk, c, 1), none = pages(fk, c, 1);
    fill(fk, c, m, PAGE, 3);
    assert_int_equal(FK_SYS(fk, c, LX_SYS_munmap, m + PAGE, PAGE), 0);
    assert_int_equal(FK_SYS(fk, c, LX_SYS_mprotect, ro, PAGE, LX_PROT_READ), 0);
    assert_int_equal(FK_SYS(fk, c, LX_SYS_mprotect, none, PAGE, LX_PROT_NONE), 0);
    uint64_t pb = pages(fk, 1, 1);
    struct lx_iovec loc = {pb, 300};

    /* across the remote hole: the 100 bytes before it, nothing after them */
    fill(fk, 1, pb, 300, 9);
    struct lx_iovec rem = {m + PAGE - 100, 300};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, &rem, 1), 100);
    uint8_t got[101];
    assert_int_equal(fk_mem_read(fk, 1, got, pb, 101), 0);
    for (uint64_t i = 0; i < 100; i++)
        assert_int_equal(got[i], pat(PAGE - 100 + i, 3));
    assert_int_equal(got[100], pat(100, 9));
    /* the first faulting element ends it: the good one after it is not reached */
    struct lx_iovec rems[] = {{m + PAGE - 50, 50}, {m + PAGE + 8, 20}, {m, 10}};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, rems, 3), 50);
    /* a fault at once, either way, and a kernel address */
    struct lx_iovec hole = {m + PAGE, 10}, wild = {0xffff800000000000ull, 10};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, &hole, 1), -LX_EFAULT);
    assert_int_equal(pvm(fk, 1, WR, (int64_t)c, &loc, 1, &hole, 1), -LX_EFAULT);
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, &wild, 1), -LX_EFAULT);
    assert_int_equal(pvm(fk, 1, WR, (int64_t)c, &loc, 1, &rem, 1), 100);
    /* no FOLL_FORCE: a read-only page is read but not written, a PROT_NONE one not read */
    struct lx_iovec rro = {ro, 10}, rnone = {none, 10};
    assert_int_equal(pvm(fk, 1, WR, (int64_t)c, &loc, 1, &rro, 1), -LX_EFAULT);
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, &rro, 1), 10);
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, &loc, 1, &rnone, 1), -LX_EFAULT);

    /* a local hole: the bytes before it, or EFAULT at once; a local read-only page (the
       vectors are made first: a later mmap could fill the hole) */
    uint64_t lm = pages(fk, 1, 2), lro = pages(fk, 1, 1);
    struct lx_iovec lh = {lm + PAGE - 30, 100}, lh0 = {lm + PAGE, 10}, lr = {lro, 10};
    struct lx_iovec good = {m, 100};
    uint64_t lhv = iovs(fk, 1, &lh, 1), lh0v = iovs(fk, 1, &lh0, 1), lrv = iovs(fk, 1, &lr, 1);
    uint64_t gv = iovs(fk, 1, &good, 1);
    assert_int_equal(FK_SYS(fk, 1, LX_SYS_munmap, lm + PAGE, PAGE), 0);
    assert_int_equal(FK_SYS(fk, 1, LX_SYS_mprotect, lro, PAGE, LX_PROT_READ), 0);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lhv, 1, gv, 1, 0), 30);
    assert_int_equal(FK_SYS(fk, 1, WR, c, lhv, 1, gv, 1, 0), 30);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lh0v, 1, gv, 1, 0), -LX_EFAULT);
    assert_int_equal(FK_SYS(fk, 1, WR, c, lh0v, 1, gv, 1, 0), -LX_EFAULT);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lrv, 1, gv, 1, 0), -LX_EFAULT);
    assert_int_equal(FK_SYS(fk, 1, WR, c, lrv, 1, gv, 1, 0), 10);
    /* a local range beyond user space fails the whole call first */
    struct lx_iovec lbad[] = {{pb, 10}, {0xffff800000000000ull, 10}};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)c, lbad, 2, &good, 1), -LX_EFAULT);
    fk_free(fk);
}

static void test_self(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t b = pages(fk, 1, 3);
    fill(fk, 1, b, 2 * PAGE, 4);
    struct lx_iovec loc[] = {{b + 2 * PAGE, 1000}, {b + 2 * PAGE + 1000, 2000}};
    struct lx_iovec rem = {b + PAGE - 1500, 3000};
    assert_int_equal(pvm(fk, 1, RD, 1, loc, 2, &rem, 1), 3000);
    uint8_t got[3000];
    assert_int_equal(fk_mem_read(fk, 1, got, b + 2 * PAGE, 3000), 0);
    for (uint64_t i = 0; i < 3000; i++)
        assert_int_equal(got[i], pat(PAGE - 1500 + i, 4));

    /* [vdso] is read, [vvar] is not (Linux maps it VM_PFNMAP: get_user_pages refuses it) */
    pm_proc_t *p = pm_proc_find(fk->pm, 1);
    uint64_t vdso = 0, vvar = 0;
    for (size_t i = 0; i < p->mm->n; i++) {
        if (p->mm->v[i].kind == PM_VMA_VDSO)
            vdso = p->mm->v[i].start;
        if (p->mm->v[i].kind == PM_VMA_VVAR)
            vvar = p->mm->v[i].start;
    }
    assert_true(vdso && vvar);
    struct lx_iovec l = {b + 2 * PAGE, 16}, rvdso = {vdso, 16}, rvvar = {vvar, 16};
    assert_int_equal(pvm(fk, 1, RD, 1, &l, 1, &rvdso, 1), 16);
    assert_int_equal(pvm(fk, 1, RD, 1, &l, 1, &rvvar, 1), -LX_EFAULT);
    fk_free(fk);
}

static void test_errors_in_linux_order(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t b = pages(fk, 1, 1);
    struct lx_iovec l = {b, 16}, r = {b + 100, 16};
    uint64_t lv = iovs(fk, 1, &l, 1), rv = iovs(fk, 1, &r, 1);

    /* flags first, even with nothing to move */
    assert_int_equal(FK_SYS(fk, 1, RD, 1, lv, 1, rv, 1, 1), -LX_EINVAL);
    assert_int_equal(FK_SYS(fk, 1, WR, 1, 0, 0, 0, 0, 1ull << 40), -LX_EINVAL);
    /* more than IOV_MAX elements on either side; 1024 are fine */
    struct lx_iovec *many = calloc(1025, sizeof(*many));
    many[0] = r;
    uint64_t mv = iovs(fk, 1, many, 1025);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, mv, 1025, rv, 1, 0), -LX_EINVAL);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, lv, 1, mv, 1025, 0), -LX_EINVAL);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, lv, 1, mv, 1024, 0), 16);
    free(many);
    /* a length negative as an ssize_t on either side; big remote sums are no error */
    struct lx_iovec neg[] = {l, {b, 1ull << 63}};
    uint64_t nv = iovs(fk, 1, neg, 2);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, nv, 2, rv, 1, 0), -LX_EINVAL);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, lv, 1, nv, 2, 0), -LX_EINVAL);
    struct lx_iovec big[] = {{b, INT64_MAX}, {b, INT64_MAX}};
    assert_int_equal(pvm(fk, 1, RD, 1, &l, 1, big, 2), 16);
    /* local ranges must end at or below TASK_SIZE, even empty ones */
    struct lx_iovec lbig[] = {{b, 1ull << 62}, {b, 1ull << 62}};
    assert_int_equal(pvm(fk, 1, RD, 1, lbig, 2, &r, 1), -LX_EFAULT);
    struct lx_iovec top = {0x7ffffffff000ull, 0}, top1 = {0x7ffffffff001ull, 0};
    assert_int_equal(pvm(fk, 1, RD, 1, &top, 1, &r, 1), 0);
    assert_int_equal(pvm(fk, 1, RD, 1, &top1, 1, &r, 1), -LX_EFAULT);
    /* unreadable vectors */
    assert_int_equal(FK_SYS(fk, 1, RD, 1, 8, 1, rv, 1, 0), -LX_EFAULT);
    assert_int_equal(FK_SYS(fk, 1, WR, 1, lv, 1, 8, 1, 0), -LX_EFAULT);
    /* an empty local or remote total: 0 before the remote vector or the pid is looked at */
    assert_int_equal(FK_SYS(fk, 1, RD, 1, 0, 0, 8, 1, 0), 0);
    assert_int_equal(FK_SYS(fk, 1, RD, 1, 0, 0, 0, 5000, 0), 0);
    assert_int_equal(FK_SYS(fk, 1, RD, 999, lv, 1, 0, 0, 0), 0);
    struct lx_iovec r0 = {8, 0};
    assert_int_equal(pvm(fk, 1, WR, 999, &l, 1, &r0, 1), 0);

    /* no such process; a zombie (its memory is gone, as Linux's mm) */
    assert_int_equal(FK_SYS(fk, 1, RD, 999, lv, 1, rv, 1, 0), -LX_ESRCH);
    assert_int_equal(FK_SYS(fk, 1, RD, (uint64_t)-1, lv, 1, rv, 1, 0), -LX_ESRCH);
    assert_int_equal(FK_SYS(fk, 1, RD, 0, lv, 1, rv, 1, 0), -LX_ESRCH);
    uint64_t c = fk_spawn(fk, 1);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lv, 1, rv, 1, 0), -LX_EFAULT);   /* not mapped there */
    uint64_t tok = fk_call(fk, c, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lv, 1, rv, 1, 0), -LX_ESRCH);
    assert_int_equal(FK_SYS(fk, 1, WR, c, lv, 1, rv, 1, 0), -LX_ESRCH);
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, NULL), (int64_t)c);
    assert_int_equal(FK_SYS(fk, 1, RD, c, lv, 1, rv, 1, 0), -LX_ESRCH);
    fk_free(fk);
}

/* A thread's id names its process, as Linux's find_task_by_vpid. */
static void test_thread_id(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t c = fk_spawn(fk, 1);
    uint64_t cb = pages(fk, c, 1);
    fill(fk, c, cb, 64, 5);
    uint64_t tid = fk_thread_new(fk, c, cb + PAGE - 64, 0);
    assert_int_not_equal(tid, c);
    uint64_t pb = pages(fk, 1, 1);
    struct lx_iovec l = {pb, 64}, r = {cb, 64};
    assert_int_equal(pvm(fk, 1, RD, (int64_t)tid, &l, 1, &r, 1), 64);
    uint8_t got[64];
    assert_int_equal(fk_mem_read(fk, 1, got, pb, 64), 0);
    for (int i = 0; i < 64; i++)
        assert_int_equal(got[i], pat((uint64_t)i, 5));
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_and_write_another_process),
        cmocka_unit_test(test_partial_transfers_and_faults),
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_errors_in_linux_order),
        cmocka_unit_test(test_thread_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
