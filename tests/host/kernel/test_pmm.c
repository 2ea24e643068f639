/* Host tests of the physical frame allocator and frame table (microkernel/kern/pmm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "host_test.h"
#include "pmm.h"

#define MIB (1ull << 20)

static struct pmm p;
static uint64_t *bitmap;
static struct frame *frames;

static void setup_64mib(void)
{
    /* RAM: 0..640K, 1M..64M, with a hole (firmware) below 1M */
    struct pmm_region r[] = {{0, 640 * 1024}, {MIB, 63 * MIB}};
    bitmap = malloc(pmm_bitmap_bytes(64 * MIB));
    frames = malloc(pmm_table_bytes(64 * MIB));
    pmm_init(&p, bitmap, frames, 64 * MIB, r, 2);
}

static void teardown(void)
{
    free(bitmap);
    free(frames);
}

static void test_counts_usable_frames(void **s)
{
    (void)s;
    setup_64mib();
    /* 160 frames below 640K minus frame 0, plus 63 MiB / 4 KiB */
    assert_int_equal(pmm_free_count(&p), 159 + 63 * 256);
    teardown();
}

static void test_alloc_never_returns_reserved_or_holes(void **s)
{
    (void)s;
    setup_64mib();
    pmm_reserve(&p, 2 * MIB, 3 * MIB + 1); /* rounded outward: 769 frames */
    uint64_t before = pmm_free_count(&p);
    assert_int_equal(before, 159 + 63 * 256 - 769);
    uint64_t n = 0, pa;
    while ((pa = pmm_alloc(&p)) != 0) {
        assert_int_equal(pa % 4096, 0);
        assert_true(pa < 64 * MIB);
        assert_false(pa >= 640 * 1024 && pa < MIB);           /* the hole */
        assert_false(pa >= 2 * MIB && pa < 5 * MIB + 4096);   /* the reservation */
        n++;
    }
    assert_int_equal(n, before);
    assert_int_equal(pmm_free_count(&p), 0);
    teardown();
}

static void test_free_and_reuse(void **s)
{
    (void)s;
    setup_64mib();
    uint64_t before = pmm_free_count(&p);
    uint64_t a = pmm_alloc(&p), b = pmm_alloc(&p);
    assert_true(a && b && a != b);
    pmm_free(&p, a);
    pmm_free(&p, a); /* double free must not inflate the count */
    assert_int_equal(pmm_free_count(&p), before - 1);
    pmm_free(&p, b);
    assert_int_equal(pmm_free_count(&p), before);
    pmm_free(&p, 0); /* frame 0 is never handed out nor freed */
    assert_int_equal(pmm_free_count(&p), before);
    teardown();
}

static void test_contiguous(void **s)
{
    (void)s;
    setup_64mib();
    uint64_t before = pmm_free_count(&p);
    uint64_t c = pmm_alloc_contig(&p, 300);
    assert_true(c >= MIB); /* 300 frames do not fit below 640K */
    for (int i = 0; i < 300; i++)
        assert_true(p.bitmap[(c / 4096 + i) / 64] & (1ull << ((c / 4096 + i) & 63)));
    assert_int_equal(pmm_free_count(&p), before - 300);
    assert_int_equal(pmm_alloc_contig(&p, 1u << 20), 0); /* more than exists */
    pmm_free_contig(&p, c, 300);
    assert_int_equal(pmm_free_count(&p), before);
    teardown();
}

static void test_alloc_counts_one_reference(void **s)
{
    (void)s;
    setup_64mib();
    uint64_t before = pmm_free_count(&p);
    uint64_t a = pmm_alloc(&p);
    assert_int_equal(pmm_frame(&p, a)->refs, 1);
    pmm_frame(&p, a)->used = 7; /* left over from a former life as a page table */
    pmm_frame(&p, a)->summary = 3;
    pmm_ref(&p, a);
    pmm_ref(&p, a);
    assert_int_equal(pmm_frame(&p, a)->refs, 3);
    assert_int_equal(pmm_unref(&p, a), 0);
    assert_int_equal(pmm_unref(&p, a), 0);
    assert_int_equal(pmm_free_count(&p), before - 1); /* still held */
    assert_int_equal(pmm_unref(&p, a), 1);             /* the last reference frees it */
    assert_int_equal(pmm_free_count(&p), before);
    assert_int_equal(pmm_unref(&p, a), 0);             /* a free frame: nothing happens */
    assert_int_equal(pmm_free_count(&p), before);
    /* handed out again: a fresh entry */
    uint64_t b;
    while ((b = pmm_alloc(&p)) != a)
        assert_true(b != 0);
    assert_int_equal(pmm_frame(&p, a)->refs, 1);
    assert_int_equal(pmm_frame(&p, a)->used, 0);
    assert_int_equal(pmm_frame(&p, a)->summary, 0);
    teardown();
}

static void test_uncounted_frames_are_never_freed_by_unref(void **s)
{
    (void)s;
    setup_64mib();
    pmm_reserve(&p, 8 * MIB, 4096); /* a boot module: used, refs 0 */
    uint64_t before = pmm_free_count(&p);
    assert_int_equal(pmm_unref(&p, 8 * MIB), 0);
    assert_int_equal(pmm_unref(&p, 0), 0);
    assert_int_equal(pmm_free_count(&p), before);
    teardown();
}

static void test_contiguous_frames_are_counted(void **s)
{
    (void)s;
    setup_64mib();
    uint64_t before = pmm_free_count(&p);
    uint64_t c = pmm_alloc_contig(&p, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pmm_frame(&p, c + i * 4096ull)->refs, 1);
    pmm_free_contig(&p, c, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pmm_frame(&p, c + i * 4096ull)->refs, 0);
    assert_int_equal(pmm_free_count(&p), before);
    teardown();
}

static void test_reserve_is_for_system_allocations(void **s)
{
    (void)s;
    setup_64mib();
    uint64_t total = pmm_free_count(&p);
    pmm_set_reserve(&p, 512, 64);
    assert_int_equal(p.reserve, 512); /* 64 MiB / 64 = 1 MiB < 2 MiB: the minimum */
    pmm_set_reserve(&p, 16, 64);
    assert_int_equal(p.reserve, total / 64);
    pmm_set_reserve(&p, 512, 64);
    uint64_t n = 0;
    while (pmm_alloc_class(&p, PMM_USER))
        n++;
    assert_int_equal(n, total - 512);              /* user allocations stop at the reserve */
    assert_int_equal(pmm_free_count(&p), 512);
    uint64_t sys = pmm_alloc_class(&p, PMM_SYSTEM); /* the system still gets frames */
    assert_true(sys != 0);
    assert_int_equal(pmm_alloc_class(&p, PMM_USER), 0);
    pmm_unref(&p, sys);
    n = 0;
    while (pmm_alloc(&p))
        n++;
    assert_int_equal(n, 512);                       /* ... down to the last one */
    teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_usable_frames),
        cmocka_unit_test(test_alloc_never_returns_reserved_or_holes),
        cmocka_unit_test(test_free_and_reuse),
        cmocka_unit_test(test_contiguous),
        cmocka_unit_test(test_alloc_counts_one_reference),
        cmocka_unit_test(test_uncounted_frames_are_never_freed_by_unref),
        cmocka_unit_test(test_contiguous_frames_are_counted),
        cmocka_unit_test(test_reserve_is_for_system_allocations),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
