/*
 * test_expand.c - host tests of word expansion (user/sh/expand.c) against a fake shell:
 * quoting, every parameter form, special and positional parameters, field splitting
 * with various IFS values, empty fields, pathname expansion on a temporary directory,
 * arithmetic, command substitution (through the callback), tilde, case patterns and
 * here-document bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host_test.h"

#include "expand.h"

/* ---- fake shell ---------------------------------------------------------------- */

enum { MAXV = 64 };
static char *names[MAXV], *values[MAXV];
static int nvars;
static char *params[16];
static int nparams;
static char last_error[256];
static char last_cmd[256];
static int setvar_calls;

static const char *fake_getvar(void *ud, const char *name)
{
    (void)ud;
    static char buf[32];
    if (strcmp(name, "#") == 0) {
        snprintf(buf, sizeof buf, "%d", nparams);
        return buf;
    }
    if (strcmp(name, "?") == 0) return "3";
    if (strcmp(name, "0") == 0) return "prog";
    if (name[0] >= '1' && name[0] <= '9') {
        int n = atoi(name);
        return n <= nparams ? params[n - 1] : NULL;
    }
    for (int i = 0; i < nvars; i++)
        if (strcmp(names[i], name) == 0) return values[i];
    return NULL;
}

static int fake_setvar(void *ud, const char *name, const char *value)
{
    (void)ud;
    setvar_calls++;
    for (int i = 0; i < nvars; i++)
        if (strcmp(names[i], name) == 0) {
            free(values[i]);
            values[i] = strdup(value);
            return 0;
        }
    names[nvars] = strdup(name);
    values[nvars++] = strdup(value);
    return 0;
}

static void unset(const char *name)
{
    for (int i = 0; i < nvars; i++)
        if (strcmp(names[i], name) == 0) {
            free(names[i]);
            free(values[i]);
            names[i] = names[--nvars];
            values[i] = values[nvars];
            return;
        }
}

static char **fake_params(void *ud, int *n)
{
    (void)ud;
    *n = nparams;
    return params;
}

/* Command substitution: "echo X" outputs X and two newlines; anything else "<cmd>". */
static char *fake_cmdsubst(void *ud, const char *cmd)
{
    (void)ud;
    snprintf(last_cmd, sizeof last_cmd, "%s", cmd);
    char *out = malloc(strlen(cmd) + 8);
    if (strncmp(cmd, "echo ", 5) == 0)
        sprintf(out, "%s\n\n", cmd + 5);
    else
        sprintf(out, "<%s>", cmd);
    return out;
}

static void fake_error(void *ud, const char *msg)
{
    (void)ud;
    snprintf(last_error, sizeof last_error, "%s", msg);
}

static exp_host_t host = {NULL,          fake_getvar, fake_setvar, fake_params,
                          fake_cmdsubst, fake_error,  false,       false};

static void set_params(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < nparams; i++)
        free(params[i]);
    nparams = n;
    for (int i = 0; i < n; i++)
        params[i] = strdup(va_arg(ap, const char *));
    params[n] = NULL;
    va_end(ap);
}

static int setup(void **state)
{
    (void)state;
    fake_setvar(NULL, "x", "hello world");
    fake_setvar(NULL, "e", "");
    fake_setvar(NULL, "f", "archive.tar.gz");
    fake_setvar(NULL, "HOME", "/home/u");
    set_params(3, "a b", "", "c");
    host.nounset = host.noglob = false;
    last_error[0] = '\0';
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    while (nvars)
        unset(names[0]);
    set_params(0);
    return 0;
}

/* Expands one word and renders the fields as "[f1][f2]..." ("FAIL" on error). */
static char *fields(const char *word)
{
    strvec_t out = {0};
    const char *w[] = {word};
    int r = expand_words(&host, w, 1, &out);
    strbuf_t b = {0};
    if (r != 0) sb_puts(&b, "FAIL");
    for (size_t i = 0; i < out.n; i++)
        sb_printf(&b, "[%s]", out.v[i]);
    sv_free(&out);
    return sb_take(&b);
}

static void expect_fields(const char *word, const char *expected)
{
    char *got = fields(word);
    if (strcmp(got, expected) != 0)
        print_error("word: %s\nexpected: %s\nactual:   %s\n", word, expected, got);
    assert_string_equal(got, expected);
    free(got);
}

static void expect_str(const char *word, int flags, const char *expected)
{
    char *got = expand_str(&host, word, flags);
    assert_non_null(got);
    assert_string_equal(got, expected);
    free(got);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_quoting(void **state)
{
    (void)state;
    expect_fields("plain", "[plain]");
    expect_fields("'single $x'", "[single $x]");
    expect_fields("\"double $x\"", "[double hello world]");
    expect_fields("\\$x", "[$x]");
    expect_fields("a'b'\"c\"d", "[abcd]");
    expect_fields("\"\\$ \\\\ \\\" \\a\"", "[$ \\ \" \\a]");
    expect_fields("'\"'\"'\"", "[\"']");
    expect_fields("\"'$e'\"", "['']");
}

static void test_parameters(void **state)
{
    (void)state;
    expect_fields("${x}s", "[hello][worlds]");
    expect_fields("\"${x}\"", "[hello world]");
    expect_fields("${#x}", "[11]");
    expect_fields("${u-def}/${u:-def}/${e-def}/${e:-def}", "[def/def//def]");
    expect_fields("${u+alt}/${e+alt}/${e:+alt}/${x:+alt}", "[/alt//alt]");
    expect_fields("${u-\"a b\"}", "[a b]");
    expect_fields("${u-a b}", "[a][b]"); /* as dash: the word's own text splits too */
    expect_fields("\"${u-a b}\"", "[a b]");
    expect_fields("${f%.*}", "[archive.tar]");
    expect_fields("${f%%.*}", "[archive]");
    expect_fields("${f#*.}", "[tar.gz]");
    expect_fields("${f##*.}", "[gz]");
    expect_fields("${f#\"*\"}", "[archive.tar.gz]");
    expect_fields("${f%.\"gz\"}", "[archive.tar]");
    expect_fields("${f%$(echo .gz)}", "[archive.tar]");
}

static void test_assign_forms(void **state)
{
    (void)state;
    setvar_calls = 0;
    expect_fields("${n1=first}", "[first]");
    assert_string_equal(fake_getvar(NULL, "n1"), "first");
    expect_fields("${n1=second}", "[first]");
    expect_fields("${e:=filled}", "[filled]");
    assert_string_equal(fake_getvar(NULL, "e"), "filled");
    assert_int_equal(setvar_calls, 2);
    expect_fields("${5=x}", "FAIL");
    assert_string_equal(last_error, "5: cannot assign in this way");
}

static void test_error_forms(void **state)
{
    (void)state;
    expect_fields("${u?}", "FAIL");
    assert_string_equal(last_error, "u: parameter not set");
    expect_fields("${e:?}", "FAIL");
    assert_string_equal(last_error, "e: parameter not set or null");
    expect_fields("${u?custom $x}", "FAIL");
    assert_string_equal(last_error, "u: custom hello world");
    expect_fields("${x?}", "[hello][world]");
    expect_fields("${e?}", "");
    expect_fields("${!x}", "FAIL");
    host.nounset = true;
    expect_fields("$u", "FAIL");
    assert_string_equal(last_error, "u: parameter not set");
    expect_fields("${u-ok}", "[ok]");
    expect_fields("\"$@\"", "[a b][][c]");
}

static void test_special_parameters(void **state)
{
    (void)state;
    expect_fields("$#", "[3]");
    expect_fields("$?:$0", "[3:prog]");
    expect_fields("$1", "[a][b]");
    expect_fields("\"$1\"", "[a b]");
    expect_fields("$4", "");
    expect_fields("\"$@\"", "[a b][][c]");
    expect_fields("$@", "[a][b][c]");
    expect_fields("$*", "[a][b][c]");
    expect_fields("\"$*\"", "[a b  c]");
    expect_fields("x\"$@\"y", "[xa b][][cy]");
    expect_fields("${#@}", "[3]");
    fake_setvar(NULL, "IFS", ",");
    expect_fields("\"$*\"", "[a b,,c]");
    fake_setvar(NULL, "IFS", "");
    expect_fields("\"$*\"", "[a bc]");
    expect_fields("$@", "[a b][c]");
    unset("IFS");
    set_params(0);
    expect_fields("\"$@\"", "");
    expect_fields("x\"$@\"", "[x]");
    expect_fields("\"$*\"", "[]");
    set_params(10, "1", "2", "3", "4", "5", "6", "7", "8", "9", "ten");
    expect_fields("${10}:$10", "[ten:10]");
}

static void test_field_splitting(void **state)
{
    (void)state;
    fake_setvar(NULL, "v", "  lead  mid  trail  ");
    expect_fields("$v", "[lead][mid][trail]");
    expect_fields("\"$v\"", "[  lead  mid  trail  ]");
    expect_fields("x${v}y", "[x][lead][mid][trail][y]");
    fake_setvar(NULL, "IFS", ":");
    fake_setvar(NULL, "v", "a::b:");
    expect_fields("$v", "[a][][b]");
    fake_setvar(NULL, "v", ":a");
    expect_fields("$v", "[][a]");
    fake_setvar(NULL, "IFS", " :");
    fake_setvar(NULL, "v", " a : b ");
    expect_fields("$v", "[a][b]");
    fake_setvar(NULL, "v", "a  ::b");
    expect_fields("$v", "[a][][b]");
    fake_setvar(NULL, "IFS", "");
    fake_setvar(NULL, "v", "a b");
    expect_fields("$v", "[a b]");
    unset("IFS");
    expect_fields("$v", "[a][b]");
    fake_setvar(NULL, "v", "a:b");
    expect_fields("$v", "[a:b]");
    /* Literal text is never split, only expansion results. */
    fake_setvar(NULL, "IFS", "l");
    expect_fields("hello$x", "[hellohe][][o wor][d]");
    unset("IFS");
}

static void test_empty_fields(void **state)
{
    (void)state;
    expect_fields("$e", "");
    expect_fields("\"$e\"", "[]");
    expect_fields("''", "[]");
    expect_fields("\"\"", "[]");
    expect_fields("$e$u", "");
    expect_fields("\"\"$e", "[]");
    fake_setvar(NULL, "v", "  a");
    expect_fields("\"\"$v", "[][a]");
    expect_fields("$v\"\"", "[a]");
}

static char tmpdir[64];

static void touch(const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
}

static void test_globbing(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/shtest-glob-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    touch("b.txt");
    touch("a.txt");
    touch("c.log");
    touch(".hidden");
    touch("[x]");
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    expect_fields("*.txt", "[a.txt][b.txt]");
    expect_fields("?.log", "[c.log]");
    expect_fields("[ab].txt", "[a.txt][b.txt]");
    expect_fields("[!a].txt", "[b.txt]");
    expect_fields("*", "[[x]][a.txt][b.txt][c.log]");
    expect_fields(".h*", "[.hidden]");
    expect_fields("*.none", "[*.none]");
    expect_fields("\"*\".txt", "[*.txt]");
    expect_fields("'*'", "[*]");
    expect_fields("\\*.txt", "[*.txt]");
    expect_fields("\\[x]", "[[x]]");
    fake_setvar(NULL, "g", "*.txt");
    expect_fields("$g", "[a.txt][b.txt]");
    expect_fields("\"$g\"", "[*.txt]");
    fake_setvar(NULL, "g", "a.* c.*");
    expect_fields("$g", "[a.txt][c.log]");
    host.noglob = true;
    expect_fields("*.txt", "[*.txt]");
    host.noglob = false;
    assert_int_equal(chdir(cwd), 0);
    const char *files[] = {"b.txt", "a.txt", "c.log", ".hidden", "[x]"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        unlink(p);
    }
    rmdir(tmpdir);
}

static void test_arithmetic(void **state)
{
    (void)state;
    expect_fields("$((1 + 2 * 3))", "[7]");
    expect_fields("$(( (1 + 2) * 3 ))", "[9]");
    expect_fields("$((-7 / 2))", "[-3]");
    expect_fields("$((7 % -3))", "[1]");
    fake_setvar(NULL, "n", "5");
    expect_fields("$((n * 2))", "[10]");
    expect_fields("$(($n + 1))", "[6]");
    expect_fields("$((n += 3))", "[8]");
    assert_string_equal(fake_getvar(NULL, "n"), "8");
    expect_fields("$((1 / 0))", "FAIL");
    assert_string_equal(last_error, "division by zero");
    expect_fields("$((1 +))", "FAIL");
    expect_fields("\"$((2 > 1))\"", "[1]");
    expect_fields("$(( $(echo 6) * 7 ))", "[42]");
}

static void test_command_substitution(void **state)
{
    (void)state;
    expect_fields("$(echo a  b)", "[a][b]");
    expect_fields("\"$(echo a  b)\"", "[a  b]");
    assert_string_equal(last_cmd, "echo a  b");
    expect_fields("x$(other)y", "[x<other>y]");
    expect_fields("`echo \\$x \\\\ \\`q\\``", "[$x][\\][`q`]");
    assert_string_equal(last_cmd, "echo $x \\ `q`");
    expect_fields("\"`echo \\\"q\\\"`\"", "[\"q\"]");
    expect_fields("\"$(case a in a) echo;; esac)\"", "[<case a in a) echo;; esac>]");
}

static void test_tilde(void **state)
{
    (void)state;
    expect_fields("~", "[/home/u]");
    expect_fields("~/x", "[/home/u/x]");
    expect_fields("\"~\"", "[~]");
    expect_fields("'~'", "[~]");
    expect_fields("x~", "[x~]");
    expect_fields("~nosuchuser_zz/x", "[~nosuchuser_zz/x]");
    expect_str("~/a:~/b", EXPAND_ASSIGN, "/home/u/a:/home/u/b");
    expect_str("~/a:~/b", 0, "/home/u/a:~/b");
    fake_setvar(NULL, "HOME", "/with space");
    expect_fields("~", "[/with space]");
}

static void test_strings(void **state)
{
    (void)state;
    expect_str("$x", 0, "hello world");
    expect_str("\"$@\"", 0, "a b  c");
    expect_str("*", 0, "*");
    expect_str("a\"b\"'c'", 0, "abc");
}

static void test_patterns(void **state)
{
    (void)state;
    char *p = expand_pattern(&host, "a*\"*\"");
    assert_string_equal(p, "a*\\*");
    assert_true(expand_pattern_match(p, "ab*"));
    assert_false(expand_pattern_match(p, "abc"));
    free(p);
    fake_setvar(NULL, "pat", "h*");
    p = expand_pattern(&host, "$pat");
    assert_true(expand_pattern_match(p, "hello"));
    free(p);
    p = expand_pattern(&host, "\"$pat\"");
    assert_false(expand_pattern_match(p, "hello"));
    assert_true(expand_pattern_match(p, "h*"));
    free(p);
    p = expand_pattern(&host, "[ab]?");
    assert_true(expand_pattern_match(p, "bz"));
    assert_false(expand_pattern_match(p, "cz"));
    free(p);
}

static void test_heredoc_bodies(void **state)
{
    (void)state;
    char *b = expand_heredoc(&host, "v=$x \\$x \"q\" 'q' \\\" \\\\ $(echo s)\n");
    assert_string_equal(b, "v=hello world $x \"q\" 'q' \\\" \\ s\n");
    free(b);
    b = expand_heredoc(&host, "a\\\nb $((1+1))\n");
    assert_string_equal(b, "ab 2\n");
    free(b);
    assert_null(expand_heredoc(&host, "${u?}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_splitting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_globbing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arithmetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_substitution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tilde, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patterns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heredoc_bodies, setup, teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
