/* Host tests of the physical frame allocator (microkernel/kern/pmm.c). */
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

static void setup_64mib(void)
{
    /* RAM: 0..640K, 1M..64M, with a hole (firmware) below 1M */
    struct pmm_region r[] = {{0, 640 * 1024}, {MIB, 63 * MIB}};
    bitmap = malloc(pmm_bitmap_bytes(64 * MIB));
    pmm_init(&p, bitmap, 64 * MIB, r, 2);
}

static void test_counts_usable_frames(void **s)
{
    (void)s;
    setup_64mib();
    /* 160 frames below 640K minus frame 0, plus 63 MiB / 4 KiB */
    assert_int_equal(pmm_free_count(&p), 159 + 63 * 256);
    free(bitmap);
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
    free(bitmap);
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
    free(bitmap);
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
    free(bitmap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_usable_frames),
        cmocka_unit_test(test_alloc_never_returns_reserved_or_holes),
        cmocka_unit_test(test_free_and_reuse),
        cmocka_unit_test(test_contiguous),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
