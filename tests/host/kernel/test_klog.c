/* Host tests of the kernel log ring (microkernel/kern/klog.c): positions count bytes since boot,
 * a reader gets what is new from where it stopped, and once the ring has wrapped a read of
 * bytes it no longer keeps starts at the oldest byte it has (and says where). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <string.h>
#include "kabi/kcalls.h"
#include "klog.h"

static void put(const char *s)
{
    while (*s)
        klog_putc(*s++);
}

static void test_ring(void **s)
{
    (void)s;
    char buf[64];
    uint64_t from;
    assert_int_equal(klog_end(), 0);
    assert_int_equal(klog_copy(buf, sizeof buf, 0, &from), 0);
    put("kernel: boot\n");
    assert_int_equal(klog_end(), 13);
    assert_int_equal(klog_copy(buf, sizeof buf, 0, &from), 13);
    assert_int_equal(from, 0);
    assert_memory_equal(buf, "kernel: boot\n", 13);
    /* from where a reader stopped: only what is new; a position past the end gives nothing */
    put("two\n");
    assert_int_equal(klog_copy(buf, sizeof buf, 13, &from), 4);
    assert_memory_equal(buf, "two\n", 4);
    assert_int_equal(klog_copy(buf, sizeof buf, 99, &from), 0);
    assert_int_equal(from, 17);
    /* len limits the copy */
    assert_int_equal(klog_copy(buf, 3, 0, &from), 3);
    assert_memory_equal(buf, "ker", 3);
    /* wrap: the oldest bytes are gone; a read from 0 starts at the oldest kept */
    for (uint64_t i = 0; i < KLOG_RING_SIZE; i++)
        klog_putc((char)('a' + i % 26));
    uint64_t end = klog_end();
    assert_int_equal(end, 17 + KLOG_RING_SIZE);
    assert_int_equal(klog_copy(buf, 4, 0, &from), 4);
    assert_int_equal(from, end - KLOG_RING_SIZE);
    assert_memory_equal(buf, "abcd", 4);
    assert_int_equal(klog_copy(buf, sizeof buf, end - 2, &from), 2);
    assert_int_equal(from, end - 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
