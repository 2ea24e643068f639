/*
 * test_arith.c - host tests of shell arithmetic (user/sh/arith.c): precedence and
 * associativity, unary operators, constants in three bases, variables, assignment
 * operators, ?: and the short-circuit rule that the untaken side neither assigns nor
 * fails, and error reporting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_test.h"

#include "arith.h"

static char var_a[32] = "6";
static char var_bad[32] = "12abc";
static char var_new[32];
static int sets;

static const char *getvar(void *ud, const char *name)
{
    (void)ud;
    if (strcmp(name, "a") == 0) return var_a;
    if (strcmp(name, "bad") == 0) return var_bad;
    if (strcmp(name, "n") == 0) return var_new[0] ? var_new : NULL;
    if (strcmp(name, "empty") == 0) return "";
    return NULL;
}

static int setvar(void *ud, const char *name, const char *value)
{
    (void)ud;
    sets++;
    if (strcmp(name, "a") == 0)
        snprintf(var_a, sizeof var_a, "%s", value);
    else if (strcmp(name, "n") == 0)
        snprintf(var_new, sizeof var_new, "%s", value);
    else
        return -1;
    return 0;
}

static const arith_host_t host = {NULL, getvar, setvar};

static long eval_ok(const char *expr)
{
    long v = 0;
    char err[160] = "";
    int r = arith_eval(expr, &host, &v, err, sizeof err);
    if (r != 0) print_error("%s: %s\n", expr, err);
    assert_int_equal(r, 0);
    return v;
}

static void eval_err(const char *expr, const char *msg)
{
    long v;
    char err[160] = "";
    assert_int_equal(arith_eval(expr, &host, &v, err, sizeof err), -1);
    assert_string_equal(err, msg);
}

static int reset(void **state)
{
    (void)state;
    strcpy(var_a, "6");
    var_new[0] = '\0';
    sets = 0;
    return 0;
}

static void test_precedence(void **state)
{
    (void)state;
    assert_int_equal(eval_ok("1 + 2 * 3"), 7);
    assert_int_equal(eval_ok("(1 + 2) * 3"), 9);
    assert_int_equal(eval_ok("10 - 4 - 3"), 3);
    assert_int_equal(eval_ok("100 / 10 / 5"), 2);
    assert_int_equal(eval_ok("1 << 2 + 1"), 8);
    assert_int_equal(eval_ok("1 + 1 == 2"), 1);
    assert_int_equal(eval_ok("6 & 3 | 8"), 10);
    assert_int_equal(eval_ok("6 ^ 3"), 5);
    assert_int_equal(eval_ok("1 < 2 == 1"), 1);
    assert_int_equal(eval_ok("2 <= 2"), 1);
    assert_int_equal(eval_ok("3 >= 4"), 0);
    assert_int_equal(eval_ok("5 != 5"), 0);
    assert_int_equal(eval_ok("16 >> 2"), 4);
    assert_int_equal(eval_ok("1 || 0 && 0"), 1);
    assert_int_equal(eval_ok(""), 0);
    assert_int_equal(eval_ok("  42  "), 42);
}

static void test_unary_and_constants(void **state)
{
    (void)state;
    assert_int_equal(eval_ok("-5 + 2"), -3);
    assert_int_equal(eval_ok("- -5"), 5);
    assert_int_equal(eval_ok("!0 + !7"), 1);
    assert_int_equal(eval_ok("~0"), -1);
    assert_int_equal(eval_ok("+3"), 3);
    assert_int_equal(eval_ok("0x1F"), 31);
    assert_int_equal(eval_ok("010"), 8);
    assert_int_equal(eval_ok("-7 / 2"), -3);
    assert_int_equal(eval_ok("-7 % 3"), -1);
}

static void test_variables(void **state)
{
    (void)state;
    assert_int_equal(eval_ok("a * 2"), 12);
    assert_int_equal(eval_ok("unknown + 1"), 1);
    assert_int_equal(eval_ok("empty + 1"), 1);
    assert_int_equal(eval_ok("a = 3"), 3);
    assert_string_equal(var_a, "3");
    assert_int_equal(eval_ok("a += 4"), 7);
    assert_int_equal(eval_ok("a -= 1"), 6);
    assert_int_equal(eval_ok("a *= 2"), 12);
    assert_int_equal(eval_ok("a /= 5"), 2);
    assert_int_equal(eval_ok("a %= 2"), 0);
    assert_int_equal(eval_ok("a |= 12"), 12);
    assert_int_equal(eval_ok("a &= 6"), 4);
    assert_int_equal(eval_ok("a ^= 1"), 5);
    assert_int_equal(eval_ok("a <<= 2"), 20);
    assert_int_equal(eval_ok("a >>= 1"), 10);
    assert_int_equal(eval_ok("n = a = 1"), 1);
    assert_string_equal(var_new, "1");
    assert_int_equal(eval_ok("a == 1"), 1);
}

static void test_conditional_and_short_circuit(void **state)
{
    (void)state;
    assert_int_equal(eval_ok("1 ? 10 : 20"), 10);
    assert_int_equal(eval_ok("0 ? 10 : 20"), 20);
    assert_int_equal(eval_ok("0 ? 1 : 0 ? 2 : 3"), 3);
    sets = 0;
    assert_int_equal(eval_ok("0 && (a = 99)"), 0);
    assert_int_equal(eval_ok("1 || (a = 99)"), 1);
    assert_int_equal(eval_ok("1 ? 5 : (a = 99)"), 5);
    assert_int_equal(eval_ok("0 ? (a = 99) : 6"), 6);
    assert_int_equal(sets, 0);
    assert_string_equal(var_a, "6");
    assert_int_equal(eval_ok("0 && 1 / 0"), 0);
    assert_int_equal(eval_ok("1 ? 2 : 1 % 0"), 2);
}

static void test_errors(void **state)
{
    (void)state;
    eval_err("1 / 0", "division by zero");
    eval_err("1 % 0", "division by zero");
    eval_err("1 +", "arithmetic syntax error: unexpected end of expression");
    eval_err("(1 + 2", "arithmetic syntax error: missing ')'");
    eval_err("1 2", "arithmetic syntax error: unexpected \"2\"");
    eval_err("1 ? 2", "arithmetic syntax error: expecting ':'");
    eval_err("bad + 1", "Illegal number: 12abc");
    eval_err("09", "Illegal number: 09");
    eval_err("x = 1", "x: is read only");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_precedence, reset),
        cmocka_unit_test_setup(test_unary_and_constants, reset),
        cmocka_unit_test_setup(test_variables, reset),
        cmocka_unit_test_setup(test_conditional_and_short_circuit, reset),
        cmocka_unit_test_setup(test_errors, reset),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
