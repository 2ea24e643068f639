/* Host tests of the page index of memory objects (microkernel/kern/pgindex.c): sparse pages at
 * any height, truncation that hands back exactly the pages past a point and frees the nodes it
 * empties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "host_test.h"
#include "pgindex.h"

static int nodes, fail_after = -1;

uint64_t *pgindex_node_alloc(int cls)
{
    (void)cls;
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    nodes++;
    return calloc(PGINDEX_FANOUT, sizeof(uint64_t));
}

void pgindex_node_free(uint64_t *node)
{
    nodes--;
    free(node);
}

static uint64_t handed, handed_sum;
static void take(uint64_t w, void *ctx)
{
    (void)ctx;
    handed++;
    handed_sum += w;
}

static void set(struct pgindex *ix, uint64_t pg, uint64_t v)
{
    uint64_t *s = pgindex_slot(ix, pg, 0);
    assert_non_null(s);
    *s = v;
}

static void test_sparse_pages_at_any_height(void **s)
{
    (void)s;
    struct pgindex ix = {0};
    nodes = 0;
    assert_int_equal(pgindex_get(&ix, 0), 0);
    set(&ix, 3, 103);
    assert_int_equal(ix.height, 1);
    assert_int_equal(nodes, 1);
    set(&ix, 511, 611);
    assert_int_equal(nodes, 1);
    set(&ix, 512, 612); /* taller: a new root over the old one */
    assert_int_equal(ix.height, 2);
    assert_int_equal(nodes, 3);
    set(&ix, 1ull << 30, 999); /* four levels; only the path to it is made */
    assert_int_equal(ix.height, 4);
    assert_int_equal(nodes, 3 + 2 + 3);
    assert_int_equal(pgindex_get(&ix, 3), 103);
    assert_int_equal(pgindex_get(&ix, 511), 611);
    assert_int_equal(pgindex_get(&ix, 512), 612);
    assert_int_equal(pgindex_get(&ix, 1ull << 30), 999);
    assert_int_equal(pgindex_get(&ix, (1ull << 30) + 1), 0);
    assert_int_equal(pgindex_get(&ix, 1ull << 40), 0); /* past the top */
    handed = handed_sum = 0;
    pgindex_truncate(&ix, 0, take, NULL);
    assert_int_equal(handed, 4);
    assert_int_equal(handed_sum, 103 + 611 + 612 + 999);
    assert_int_equal(nodes, 0);
    assert_null(ix.root);
}

static void test_truncate_keeps_what_is_below(void **s)
{
    (void)s;
    struct pgindex ix = {0};
    nodes = 0;
    for (uint64_t pg = 0; pg < 2000; pg += 7)
        set(&ix, pg, pg + 1);
    int before = nodes;
    handed = handed_sum = 0;
    pgindex_truncate(&ix, 1000, take, NULL);
    uint64_t want = 0, sum = 0;
    for (uint64_t pg = 0; pg < 2000; pg += 7)
        if (pg >= 1000)
            want++, sum += pg + 1;
    assert_int_equal(handed, want);
    assert_int_equal(handed_sum, sum);
    assert_int_equal(pgindex_get(&ix, 994), 995); /* 994 = 7 * 142, below the cut */
    assert_int_equal(pgindex_get(&ix, 1001), 0);
    assert_true(nodes < before); /* the leaf nodes wholly past 1000 (pages 1024..) went */
    pgindex_truncate(&ix, 5000, take, NULL); /* nothing past 5000 */
    assert_int_equal(handed, want);
    pgindex_truncate(&ix, 0, take, NULL);
    assert_int_equal(nodes, 0);
}

static void test_no_memory_leaves_a_consistent_index(void **s)
{
    (void)s;
    struct pgindex ix = {0};
    nodes = 0;
    set(&ix, 1, 2);
    fail_after = 1; /* the new root, then nothing */
    assert_null(pgindex_slot(&ix, 1ull << 20, 0));
    fail_after = -1;
    assert_int_equal(pgindex_get(&ix, 1), 2);
    set(&ix, 1ull << 20, 5);
    assert_int_equal(pgindex_get(&ix, 1ull << 20), 5);
    handed = 0;
    pgindex_truncate(&ix, 0, take, NULL);
    assert_int_equal(handed, 2);
    assert_int_equal(nodes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparse_pages_at_any_height),
        cmocka_unit_test(test_truncate_keeps_what_is_below),
        cmocka_unit_test(test_no_memory_leaves_a_consistent_index),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
