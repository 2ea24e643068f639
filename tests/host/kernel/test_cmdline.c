/* Host tests of the kernel command line parser (microkernel/kern/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include "cmdline.h"

static void test_get_last_wins(void **s)
{
    (void)s;
    char v[32];
    assert_true(cmdline_get("init=/sbin/init quiet init=/bin/hello", "init", v, sizeof v));
    assert_string_equal(v, "/bin/hello");
    assert_false(cmdline_get("initrd=x", "init", v, sizeof v));
    assert_false(cmdline_get("", "init", v, sizeof v));
}

static void test_get_truncates(void **s)
{
    (void)s;
    char v[4];
    assert_true(cmdline_get("ktest=abcdef", "ktest", v, sizeof v));
    assert_string_equal(v, "abc");
}

static void test_init_args_after_dashdash(void **s)
{
    (void)s;
    const char *c = "init=/bin/sh ktest=x -- /tests/run.sh a=b";
    char v[32];
    assert_string_equal(cmdline_init_args(c), "/tests/run.sh a=b");
    /* words after -- are the program's, not the kernel's */
    assert_false(cmdline_get(c, "a", v, sizeof v));
    assert_true(cmdline_get(c, "ktest", v, sizeof v));
    assert_string_equal(v, "x");
    assert_string_equal(cmdline_init_args("init=/x"), "");
}

static void test_has(void **s)
{
    (void)s;
    assert_true(cmdline_has("quiet ktest=all", "quiet"));
    assert_true(cmdline_has("quiet ktest=all", "ktest"));
    assert_false(cmdline_has("quietly", "quiet"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_last_wins),
        cmocka_unit_test(test_get_truncates),
        cmocka_unit_test(test_init_args_after_dashdash),
        cmocka_unit_test(test_has),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
