/* Host tests of the kernel heap (libsys/libc/heap.c, as the kernel's kmalloc) over a counting page source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include "heap.h"

/* The page source remembers what it handed out: the heap keeps small-class pages for good (by
 * design), so the test releases them itself after each test. */
static size_t pages_out;
static int fail_alloc;
static void *live[4096];
static size_t nlive;

static void *page_alloc(size_t n)
{
    if (fail_alloc || nlive == 4096)
        return NULL;
    pages_out += n;
    return live[nlive++] = aligned_alloc(4096, n * 4096);
}
static void page_free(void *p, size_t n)
{
    pages_out -= n;
    for (size_t i = 0; i < nlive; i++)
        if (live[i] == p) {
            live[i] = live[--nlive];
            break;
        }
    free(p);
}
static int release_pages(void **s)
{
    (void)s;
    while (nlive)
        free(live[--nlive]);
    pages_out = 0;
    return 0;
}
static const struct heap_pages src = {page_alloc, page_free};

static void test_small_blocks_distinct_and_aligned(void **s)
{
    (void)s;
    heap_init(&src);
    char *p[200];
    for (int i = 0; i < 200; i++) {
        p[i] = kmalloc((size_t)i + 1);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], i, (size_t)i + 1);
    }
    for (int i = 0; i < 200; i++)
        for (int j = 0; j <= i; j++)
            assert_int_equal((unsigned char)p[i][j], i);
    assert_int_equal(heap_in_use(), 200 * 201 / 2);
    for (int i = 0; i < 200; i++)
        kfree(p[i]);
    assert_int_equal(heap_in_use(), 0);
}

static void test_reuse_after_free(void **s)
{
    (void)s;
    heap_init(&src);
    void *a = kmalloc(100);
    kfree(a);
    size_t pages = pages_out;
    void *b = kmalloc(100);
    assert_ptr_equal(a, b); /* the freed block is reused, no new page */
    assert_int_equal(pages_out, pages);
    kfree(b);
}

static void test_big_blocks_return_pages(void **s)
{
    (void)s;
    heap_init(&src);
    size_t before = pages_out;
    void *big = kmalloc(5 * 4096);
    assert_non_null(big);
    assert_int_equal(pages_out, before + 6); /* header pushes it to 6 pages */
    kfree(big);
    assert_int_equal(pages_out, before);
}

static void test_out_of_memory(void **s)
{
    (void)s;
    heap_init(&src);
    fail_alloc = 1;
    assert_null(kmalloc(64));
    assert_null(kmalloc(1 << 20));
    fail_alloc = 0;
    void *z = kzalloc(3000);
    assert_non_null(z);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(((unsigned char *)z)[i], 0);
    kfree(z);
    kfree(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_small_blocks_distinct_and_aligned, release_pages),
        cmocka_unit_test_teardown(test_reuse_after_free, release_pages),
        cmocka_unit_test_teardown(test_big_blocks_return_pages, release_pages),
        cmocka_unit_test_teardown(test_out_of_memory, release_pages),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
