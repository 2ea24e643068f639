/* Host tests of the region arrays of address spaces (microkernel/kern/region.c): lookup, insert
 * with merging, removal and protection with splitting, object holds, the per-space limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "host_test.h"
#include "heap.h"
#include "kabi/caps.h"
#include "kabi/kcalls.h"
#include "region.h"

#define RW (KPROT_READ | KPROT_WRITE)
#define RO KPROT_READ
#define P(n) ((uint64_t)(n) * 4096)

/* the heap's page source; the heap keeps small-class pages, released after each test */
static void *live[1024];
static size_t nlive;
static void *page_alloc(size_t n)
{
    return nlive == 1024 ? NULL : (live[nlive++] = aligned_alloc(4096, n * 4096));
}
static void page_free(void *p, size_t n)
{
    (void)n;
    for (size_t i = 0; i < nlive; i++)
        if (live[i] == p)
            live[i] = live[--nlive];
    free(p);
}

/* fake objects: the hooks count holds per object */
struct kmem {
    int holds;
};
static int fail_hold;
int region_hold(struct region_set *rs, const struct kregion *r)
{
    (void)rs;
    if (fail_hold)
        return -KE_NOMEM;
    r->mem->holds++;
    return 0;
}
void region_drop(struct region_set *rs, const struct kregion *r)
{
    (void)rs;
    r->mem->holds--;
}

static int setup(void **s)
{
    (void)s;
    static const struct heap_pages src = {page_alloc, page_free};
    heap_init(&src);
    fail_hold = 0;
    return 0;
}
static int teardown(void **s)
{
    (void)s;
    while (nlive)
        free(live[--nlive]);
    return 0;
}

static int add(struct region_set *rs, uint64_t s, uint64_t e, uint32_t prot, struct kmem *m,
               uint64_t off)
{
    struct kregion r = {P(s), P(e), prot, m ? KREG_SHARED : 0, m, off};
    if (m)
        m->holds++; /* the caller's hold passes to the set */
    int err = region_insert(rs, &r);
    if (err && m)
        m->holds--;
    return err;
}

static void check(const struct region_set *rs, uint32_t i, uint64_t s, uint64_t e, uint32_t prot)
{
    assert_true(i < rs->n);
    assert_int_equal(rs->v[i].start, P(s));
    assert_int_equal(rs->v[i].end, P(e));
    assert_int_equal(rs->v[i].prot, prot);
}

static void test_lookup_is_by_containing_range(void **s)
{
    (void)s;
    struct region_set rs = {0};
    assert_int_equal(add(&rs, 1, 3, RW, NULL, 0), 0);
    assert_int_equal(add(&rs, 5, 6, RO, NULL, 0), 0);
    assert_int_equal(add(&rs, 10, 20, RO, NULL, 0), 0);
    assert_int_equal(region_find(&rs, P(1)), 0);
    assert_int_equal(region_find(&rs, P(3) - 1), 0);
    assert_int_equal(region_find(&rs, P(3)), -1);
    assert_int_equal(region_find(&rs, P(5) + 7), 1);
    assert_int_equal(region_find(&rs, P(19)), 2);
    assert_int_equal(region_find(&rs, P(20)), -1);
    assert_int_equal(region_find(&rs, 0), -1);
    assert_true(region_overlaps(&rs, P(2), P(4)));
    assert_false(region_overlaps(&rs, P(3), P(5)));
    assert_true(region_covered(&rs, P(1), P(3)));
    assert_false(region_covered(&rs, P(1), P(6))); /* a gap at 3..5 */
    assert_false(region_covered(&rs, P(0), P(2)));
    region_clear(&rs);
}

static void test_insert_merges_compatible_neighbours(void **s)
{
    (void)s;
    struct region_set rs = {0};
    add(&rs, 1, 2, RW, NULL, 0);
    add(&rs, 3, 4, RW, NULL, 0);
    add(&rs, 5, 6, RO, NULL, 0);
    assert_int_equal(rs.n, 3);
    add(&rs, 2, 3, RW, NULL, 0); /* joins both sides */
    assert_int_equal(rs.n, 2);
    check(&rs, 0, 1, 4, RW);
    add(&rs, 4, 5, RO, NULL, 0); /* joins the read-only one only */
    assert_int_equal(rs.n, 2);
    check(&rs, 1, 4, 6, RO);
    region_clear(&rs);
}

static void test_objects_merge_only_where_offsets_continue(void **s)
{
    (void)s;
    struct region_set rs = {0};
    struct kmem a = {0}, b = {0};
    add(&rs, 0, 2, RW, &a, P(10));
    add(&rs, 2, 4, RW, &a, P(12)); /* continues the object: merged */
    assert_int_equal(rs.n, 1);
    assert_int_equal(a.holds, 1);
    add(&rs, 4, 5, RW, &a, P(100)); /* same object, elsewhere in it */
    add(&rs, 5, 6, RW, &b, P(101)); /* another object */
    assert_int_equal(rs.n, 3);
    assert_int_equal(a.holds, 2);
    /* physical windows: only contiguous frames merge */
    struct kregion w1 = {P(20), P(21), RW, KREG_PHYS, NULL, P(500)};
    struct kregion w2 = {P(21), P(22), RW, KREG_PHYS, NULL, P(501)};
    struct kregion w3 = {P(22), P(23), RW, KREG_PHYS, NULL, P(900)};
    region_insert(&rs, &w1);
    region_insert(&rs, &w2);
    region_insert(&rs, &w3);
    assert_int_equal(rs.n, 5);
    check(&rs, 3, 20, 22, RW);
    region_clear(&rs);
    assert_int_equal(a.holds, 0);
    assert_int_equal(b.holds, 0);
}

static void test_remove_splits_and_trims(void **s)
{
    (void)s;
    struct region_set rs = {0};
    struct kmem m = {0};
    add(&rs, 10, 20, RW, &m, P(5));
    assert_int_equal(region_remove(&rs, P(12), P(15)), 0); /* a hole in the middle */
    assert_int_equal(rs.n, 2);
    check(&rs, 0, 10, 12, RW);
    check(&rs, 1, 15, 20, RW);
    assert_int_equal(rs.v[0].offset, P(5));
    assert_int_equal(rs.v[1].offset, P(10)); /* 5 + (15 - 10) */
    assert_int_equal(m.holds, 2);
    add(&rs, 30, 40, RO, NULL, 0);
    add(&rs, 50, 60, RW, NULL, 0);
    /* from inside the second piece to inside the last region: trims both ends, drops the middle */
    assert_int_equal(region_remove(&rs, P(17), P(55)), 0);
    assert_int_equal(rs.n, 3);
    check(&rs, 1, 15, 17, RW);
    check(&rs, 2, 55, 60, RW);
    assert_int_equal(m.holds, 2);
    assert_int_equal(region_remove(&rs, P(0), P(16)), 0);
    assert_int_equal(rs.n, 2);
    check(&rs, 0, 16, 17, RW);
    assert_int_equal(rs.v[0].offset, P(11));
    assert_int_equal(m.holds, 1);
    assert_int_equal(region_remove(&rs, P(100), P(200)), 0); /* nothing there */
    assert_int_equal(region_remove(&rs, 0, P(1000)), 0);
    assert_int_equal(rs.n, 0);
    assert_int_equal(m.holds, 0);
    region_clear(&rs);
}

static void test_protect_splits_then_merges_back(void **s)
{
    (void)s;
    struct region_set rs = {0};
    add(&rs, 0, 10, RW, NULL, 0);
    assert_int_equal(region_protect(&rs, P(3), P(5), RO), 0);
    assert_int_equal(rs.n, 3);
    check(&rs, 0, 0, 3, RW);
    check(&rs, 1, 3, 5, RO);
    check(&rs, 2, 5, 10, RW);
    assert_int_equal(region_protect(&rs, P(5), P(10), RO), 0); /* joins the middle one */
    assert_int_equal(rs.n, 2);
    check(&rs, 1, 3, 10, RO);
    assert_int_equal(region_protect(&rs, P(0), P(10), RW), 0);
    assert_int_equal(rs.n, 1);
    check(&rs, 0, 0, 10, RW);
    /* across several regions, cutting the first and the last */
    add(&rs, 10, 12, RO, NULL, 0);
    add(&rs, 12, 20, KPROT_EXEC, NULL, 0);
    assert_int_equal(region_protect(&rs, P(8), P(15), KPROT_EXEC), 0);
    assert_int_equal(rs.n, 2);
    check(&rs, 0, 0, 8, RW);
    check(&rs, 1, 8, 20, KPROT_EXEC);
    region_clear(&rs);
}

static void test_copy_holds_every_object_again(void **s)
{
    (void)s;
    struct region_set rs = {0}, copy = {0};
    struct kmem m = {0};
    add(&rs, 0, 1, RW, &m, 0);
    add(&rs, 5, 6, RO, &m, P(5));
    add(&rs, 7, 8, RO, NULL, 0);
    assert_int_equal(region_copy(&copy, &rs), 0);
    assert_int_equal(copy.n, 3);
    assert_int_equal(m.holds, 4);
    check(&copy, 1, 5, 6, RO);
    region_clear(&rs);
    assert_int_equal(m.holds, 2);
    struct region_set bad = {0};
    fail_hold = 1;
    assert_int_equal(region_copy(&bad, &copy), -KE_NOMEM);
    assert_int_equal(bad.n, 0);
    fail_hold = 0;
    region_clear(&bad);
    region_clear(&copy);
    assert_int_equal(m.holds, 0);
}

static void test_limit_refuses_new_regions_not_merges(void **s)
{
    (void)s;
    struct region_set rs = {0};
    for (uint64_t i = 0; i < REGION_MAX; i++) /* [4i, 4i+3): gaps between, nothing merges */
        assert_int_equal(add(&rs, 4 * i, 4 * i + 3, i & 1 ? RO : RW, NULL, 0), 0);
    assert_int_equal(rs.n, REGION_MAX);
    uint64_t top = 4 * (uint64_t)REGION_MAX;
    assert_int_equal(add(&rs, top + 10, top + 11, RW, NULL, 0), -KE_NOMEM);
    assert_int_equal(add(&rs, 3, 4, RW, NULL, 0), 0); /* joins region 0: no new slot */
    assert_int_equal(rs.n, REGION_MAX);
    check(&rs, 0, 0, 4, RW);
    /* a cut in the middle of a region needs a slot: refused, nothing changed */
    assert_int_equal(region_remove(&rs, P(5), P(6)), -KE_NOMEM);
    assert_int_equal(region_protect(&rs, P(5), P(6), RW), -KE_NOMEM);
    assert_int_equal(rs.n, REGION_MAX);
    check(&rs, 1, 4, 7, RO);
    /* below the limit again, the cut is made */
    assert_int_equal(region_remove(&rs, P(4), P(7)), 0);
    assert_int_equal(region_remove(&rs, P(9), P(10)), 0);
    assert_int_equal(rs.n, REGION_MAX);
    check(&rs, 1, 8, 9, RW);
    check(&rs, 2, 10, 11, RW);
    region_clear(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lookup_is_by_containing_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_merges_compatible_neighbours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_objects_merge_only_where_offsets_continue, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_remove_splits_and_trims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protect_splits_then_merges_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_holds_every_object_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_refuses_new_regions_not_merges, setup,
                                        teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
