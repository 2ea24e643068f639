/*
 * test_parse.c - host tests of the shell parser (user/sh/parse.c, lex.c): every
 * construct of the grammar into the expected tree (compared as ast_dump
 * S-expressions), here-documents, incremental input (PARSE_INCOMPLETE), syntax
 * errors, and the unparser's round trip (parse(unparse(tree)) gives the same tree).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_test.h"

#include "parse.h"
#include "shell.h"

/* Parses every complete command of src (final text); several are joined as the parser
 * joins a list, "(seq first second)", so a list split over lines compares equal. */
static char *dump_all(const char *src)
{
    size_t len = strlen(src), off = 0;
    strbuf_t out = {0};
    for (;;) {
        parse_out_t o;
        parse_status_t st = parse_next(src + off, len - off, true, &o);
        if (st != PARSE_OK) {
            arena_unref(o.arena);
            if (st == PARSE_ERROR) {
                sb_free(&out);
                sb_puts(&out, "ERROR");
            }
            break;
        }
        char *d = ast_dump(o.node);
        if (out.len) {
            char *prev = sb_take(&out);
            sb_printf(&out, "(seq %s %s)", prev, d);
            free(prev);
        } else {
            sb_puts(&out, d);
        }
        free(d);
        off += o.consumed;
        arena_unref(o.arena);
    }
    return sb_take(&out);
}

static void check(const char *src, const char *expected)
{
    char *d = dump_all(src);
    if (strcmp(d, expected) != 0)
        print_error("source:   %s\nexpected: %s\nactual:   %s\n", src, expected, d);
    assert_string_equal(d, expected);
    free(d);
}

static parse_status_t status_of(const char *src, bool final, char *err)
{
    parse_out_t o;
    parse_status_t st = parse_next(src, strlen(src), final, &o);
    if (err) strcpy(err, o.err);
    arena_unref(o.arena);
    return st;
}

static void test_simple_commands(void **state)
{
    (void)state;
    check("echo hello world", "(cmd echo hello world)");
    check("  echo   spaced\t words  ", "(cmd echo spaced words)");
    check("a=1 b=2 cmd arg", "(cmd a=1 b=2 cmd arg)");
    check("a=1", "(cmd a=1)");
    check("cmd a=1", "(cmd cmd a=1)");
    check("echo if then fi done", "(cmd echo if then fi done)");
    check("1a=x", "(cmd 1a=x)");
}

static void test_redirections(void **state)
{
    (void)state;
    check("cmd <in >out 2>err >>app", "(cmd cmd (< 0 in) (> 1 out) (> 2 err) (>> 1 app))");
    check("cmd 2>&1 >f", "(cmd cmd (>& 2 1) (> 1 f))");
    check("cmd >f 2>&1", "(cmd cmd (> 1 f) (>& 2 1))");
    check("cmd 3<>rw <&3 >&- >|clob", "(cmd cmd (<> 3 rw) (<& 0 3) (>& 1 -) (>| 1 clob))");
    check("a2>f", "(cmd a2 (> 1 f))");
    check("> only", "(cmd (> 1 only))");
    check("x=1 >f", "(cmd x=1 (> 1 f))");
    check("cmd 12>f", "(cmd cmd (> 12 f))");
}

static void test_lists_and_pipelines(void **state)
{
    (void)state;
    check("a | b | c", "(pipe (cmd a) (cmd b) (cmd c))");
    check("a && b || c", "(or (and (cmd a) (cmd b)) (cmd c))");
    check("! a | b", "(not (pipe (cmd a) (cmd b)))");
    check("a; b & c", "(seq (seq (cmd a) (bg (cmd b))) (cmd c))");
    check("a &", "(bg (cmd a))");
    check("a |\n b &&\n c", "(and (pipe (cmd a) (cmd b)) (cmd c))");
    check("a\nb", "(seq (cmd a) (cmd b))");
    check("a;", "(cmd a)");
}

static void test_compound_commands(void **state)
{
    (void)state;
    check("( a; b ) >f", "(sub (seq (cmd a) (cmd b)) (> 1 f))");
    check("{ a; b; }", "(group (seq (cmd a) (cmd b)))");
    check("{ a\n b\n}", "(group (seq (cmd a) (cmd b)))");
    check("if a; then b; elif c; then d; else e; fi",
          "(if (cmd a) (cmd b) (if (cmd c) (cmd d) (cmd e)))");
    check("if a\nthen\n b\nfi", "(if (cmd a) (cmd b))");
    check("while a; do b; done", "(while (cmd a) (cmd b))");
    check("until a; do b; done 2>/dev/null", "(until (cmd a) (cmd b) (> 2 /dev/null))");
    check("for i in 1 2 3; do echo $i; done", "(for i (in 1 2 3) (cmd echo $i))");
    check("for i; do x; done", "(for i (cmd x))");
    check("for i\ndo x\ndone", "(for i (cmd x))");
    check("for i in; do x; done", "(for i (in) (cmd x))");
    check("case $x in a|b) one;; (c) ;; *) two\nesac",
          "(case $x ((a b) (cmd one)) ((c) -) ((*) (cmd two)))");
    check("case x in esac", "(case x)");
    check("case x\nin\n a) b\n ;;\nesac", "(case x ((a) (cmd b)))");
    check("f() { a; }", "(func f (group (cmd a)))");
    check("f () ( b ) >log", "(func f (sub (cmd b) (> 1 log)))");
    check("f()\n{\n a\n}", "(func f (group (cmd a)))");
    check("while ! a; do break; done | cat", "(pipe (while (not (cmd a)) (cmd break)) (cmd cat))");
}

static void test_words(void **state)
{
    (void)state;
    check("echo 'a b' \"c $d\" \\e", "(cmd echo 'a b' \"c $d\" \\e)");
    check("echo $(case x in x) echo y;; esac) z", "(cmd echo $(case x in x) echo y;; esac) z)");
    check("echo \"$(echo \")\")\"", "(cmd echo \"$(echo \")\")\")");
    check("echo ${x:-\"}\"} $((1+(2*3))) `a \\` b`",
          "(cmd echo ${x:-\"}\"} $((1+(2*3))) `a \\` b`)");
    check("echo a\\\nb", "(cmd echo ab)");
    check("echo a \\\n b", "(cmd echo a b)");
    check("echo a # comment ; not a command", "(cmd echo a)");
    check("echo a#b", "(cmd echo a#b)");
    check("echo $(echo a) $( (sub) )", "(cmd echo $(echo a) $( (sub) ))");
}

static void test_heredocs(void **state)
{
    (void)state;
    check("cat <<E\nbody $x\nE\n", "(cmd cat (<< 0 E \"body $x\\n\"))");
    check("cat <<'E'\nlit $x\nE\n", "(cmd cat (<< 0 'E' quoted \"lit $x\\n\"))");
    check("cat <<\\E\nlit\nE\n", "(cmd cat (<< 0 \\E quoted \"lit\\n\"))");
    check("cat <<-E\n\tind\n\t\tx\n\tE\n", "(cmd cat (<<- 0 E \"ind\\nx\\n\"))");
    check("cat <<A; cat <<B\na\nA\nb\nB\necho after",
          "(seq (seq (cmd cat (<< 0 A \"a\\n\")) (cmd cat (<< 0 B \"b\\n\"))) (cmd echo after))");
    check("cat <<E | tr a b\nx\nE\n", "(pipe (cmd cat (<< 0 E \"x\\n\")) (cmd tr a b))");
    check("x=$(cat <<E\nin\nE\n)\necho $x", "(seq (cmd x=$(cat <<E\nin\nE\n)) (cmd echo $x))");
    check("cat <<E\n", "(cmd cat (<< 0 E \"\"))");
    check("cat 3<<E\nx\nE", "(cmd cat (<< 3 E \"x\\n\"))");
}

static void test_one_command_at_a_time(void **state)
{
    (void)state;
    const char *src = "a; b\nc\n\n# comment\n";
    parse_out_t o;
    assert_int_equal(parse_next(src, strlen(src), false, &o), PARSE_OK);
    assert_int_equal(o.consumed, 5);
    assert_int_equal(o.lines, 1);
    arena_unref(o.arena);
    assert_int_equal(parse_next(src + 5, strlen(src) - 5, false, &o), PARSE_OK);
    assert_int_equal(o.consumed, 2);
    arena_unref(o.arena);
    assert_int_equal(parse_next(src + 7, strlen(src) - 7, false, &o), PARSE_EOF);
    assert_int_equal(o.consumed, strlen(src) - 7);
    arena_unref(o.arena);
}

static void test_incomplete_input(void **state)
{
    (void)state;
    static const char *const partial[] = {
        "if a; then", "echo 'abc",   "echo \"abc", "a |", "a &&",    "for i in 1 2",
        "f() {",      "echo $(echo", "case x in",  "( a", "echo `x", "while a\ndo",
    };
    for (size_t i = 0; i < sizeof partial / sizeof partial[0]; i++) {
        assert_int_equal(status_of(partial[i], false, NULL), PARSE_INCOMPLETE);
        assert_int_equal(status_of(partial[i], true, NULL), PARSE_ERROR);
    }
    /* A backslash at the very end of the text stays a literal backslash. */
    assert_int_equal(status_of("echo a \\", false, NULL), PARSE_INCOMPLETE);
    assert_int_equal(status_of("echo a \\", true, NULL), PARSE_OK);
    /* A here-document cut short is incomplete, but at the very end it takes the rest
     * of the text as its body (as dash does). */
    assert_int_equal(status_of("cat <<E\nbody\n", false, NULL), PARSE_INCOMPLETE);
    assert_int_equal(status_of("cat <<E\nbody\n", true, NULL), PARSE_OK);
    /* A complete line is complete even though more text may follow. */
    assert_int_equal(status_of("echo a\n", false, NULL), PARSE_OK);
    assert_int_equal(status_of("\n\n# c\n", false, NULL), PARSE_EOF);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "fi",
        "a | | b",
        "( )",
        "{ }",
        "if ; then a; fi",
        "for 1 in a; do b; done",
        "f() echo",
        "a && && b",
        "then",
        "done",
        "; a",
        "a ;; b",
        "case x in a) b;; c",
        "echo )",
        "{ a; b",
        "if a; then b; else c; done",
        "a >",
        "a >&",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[160];
        parse_status_t st = status_of(bad[i], true, err);
        if (st != PARSE_ERROR) print_error("not an error: %s\n", bad[i]);
        assert_int_equal(st, PARSE_ERROR);
        assert_true(strlen(err) > 0);
    }
    char err[160];
    status_of("fi", true, err);
    assert_string_equal(err, "unexpected \"fi\"");
}

static void test_skip_quoted(void **state)
{
    (void)state;
    const char *s = "'a b'x";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), 5);
    s = "\"a \\\" $(echo \")\") b\"x";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), strlen(s) - 1);
    s = "${x:-}}";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), 6);
    s = "$((1+(2)))x";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), 10);
    s = "$(case a in a) b;; esac)x";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), strlen(s) - 1);
    s = "`a \\` b`x";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), strlen(s) - 1);
    s = "'open";
    assert_int_equal(parse_skip_quoted(s, strlen(s), 0), (size_t)-1);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(parse_is_name("_a1", 3));
    assert_false(parse_is_name("1a", 2));
    assert_false(parse_is_name("", 0));
    assert_int_equal(parse_assign_len("abc=1"), 3);
    assert_int_equal(parse_assign_len("a-b=1"), 0);
    assert_int_equal(parse_assign_len("=1"), 0);
    assert_int_equal(parse_assign_len("abc"), 0);
}

/* Here-document delimiters are chosen afresh by unparse(); blank them out so trees
 * compare on everything else. */
static void blank_delims(node_t *n)
{
    if (!n) return;
    for (redir_t *r = n->redirs; r; r = r->next)
        if (r->kind == REDIR_HEREDOC) r->word = "D";
    switch (n->kind) {
    case NODE_CMD:
        break;
    case NODE_PIPE:
        for (size_t i = 0; i < n->u.pipe.n; i++)
            blank_delims(n->u.pipe.cmds[i]);
        break;
    case NODE_AND:
    case NODE_OR:
    case NODE_SEQ:
        blank_delims(n->u.bin.left);
        blank_delims(n->u.bin.right);
        break;
    case NODE_BG:
    case NODE_NOT:
    case NODE_SUBSHELL:
    case NODE_GROUP:
        blank_delims(n->u.sub.body);
        break;
    case NODE_IF:
        blank_delims(n->u.ifn.cond);
        blank_delims(n->u.ifn.then);
        blank_delims(n->u.ifn.els);
        break;
    case NODE_WHILE:
    case NODE_UNTIL:
        blank_delims(n->u.loop.cond);
        blank_delims(n->u.loop.body);
        break;
    case NODE_FOR:
        blank_delims(n->u.forn.body);
        break;
    case NODE_CASE:
        for (case_item_t *it = n->u.casen.items; it; it = it->next)
            blank_delims(it->body);
        break;
    case NODE_FUNC:
        blank_delims(n->u.func.body);
        break;
    }
}

/* Like dump_all, with here-document delimiters blanked. */
static char *dump_blanked(const char *src)
{
    size_t len = strlen(src), off = 0;
    strbuf_t out = {0};
    parse_out_t o;
    while (parse_next(src + off, len - off, true, &o) == PARSE_OK) {
        blank_delims(o.node);
        char *d = ast_dump(o.node);
        if (out.len) {
            char *prev = sb_take(&out);
            sb_printf(&out, "(seq %s %s)", prev, d);
            free(prev);
        } else {
            sb_puts(&out, d);
        }
        free(d);
        off += o.consumed;
        arena_unref(o.arena);
    }
    arena_unref(o.arena);
    return sb_take(&out);
}

/* unparse() must give text that parses back to the same tree: that text is how a
 * subshell's commands reach the spawned shell. */
static void test_unparse_round_trip(void **state)
{
    (void)state;
    static const char *const srcs[] = {
        "a | b | c && ! d || e",
        "a; b & c",
        "( a; b ) >f 2>&1",
        "{ a; b; } <in",
        "if a; then b; elif c; then d; else e; fi",
        "while a; do b; done; until c; do d; done",
        "for i in 1 \"2 3\"; do echo $i; done; for j; do :; done",
        "case $x in a|b) one;; (c) ;; *) two;; esac",
        "f() { echo \"$@\"; }",
        "x=1 y='a b' cmd >>log 3<>rw 4<&0 >&-",
        "cat <<E; cat <<'Q' | tr a b\nbody $x\nE\nlit $y\nQ\n",
        "cat <<E\nSH_EOF_0\nE\n",
        "if cat <<E; then echo ok; fi\nx\nE\n",
        "echo $(case a in a) b;; esac) `c` ${d:-e} $((1+2))",
        "a &",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        parse_out_t o;
        char *d1 = dump_blanked(srcs[i]);
        assert_int_equal(parse_next(srcs[i], strlen(srcs[i]), true, &o), PARSE_OK);
        char *text = unparse(o.node);
        arena_unref(o.arena);
        char *d2 = dump_blanked(text);
        if (strcmp(d1, d2) != 0) print_error("source: %s\nunparsed: %s\n", srcs[i], text);
        assert_string_equal(d1, d2);
        free(d1);
        free(d2);
        free(text);
    }
}

static void test_unparse_function(void **state)
{
    (void)state;
    parse_out_t o;
    const char *src = "f() { a | b; }";
    assert_int_equal(parse_next(src, strlen(src), true, &o), PARSE_OK);
    char *text = unparse_func(o.node->u.func.name, o.node->u.func.body);
    char *d = dump_all(text);
    assert_string_equal(d, "(func f (group (pipe (cmd a) (cmd b))))");
    free(d);
    free(text);
    arena_unref(o.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_commands),
        cmocka_unit_test(test_redirections),
        cmocka_unit_test(test_lists_and_pipelines),
        cmocka_unit_test(test_compound_commands),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_heredocs),
        cmocka_unit_test(test_one_command_at_a_time),
        cmocka_unit_test(test_incomplete_input),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_skip_quoted),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unparse_round_trip),
        cmocka_unit_test(test_unparse_function),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
