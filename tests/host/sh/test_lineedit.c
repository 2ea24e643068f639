/*
 * test_lineedit.c - host tests of the line editor's pure core (user/sh/lineedit_core.c): keys
 * from bytes (the escape sequences of arrows, Home, End, Delete in their VT100/xterm forms), the
 * edit buffer under each editing key, the renderer checked against a small model terminal (a
 * screen with deferred wrap: after the last column the cursor waits for the next character), and
 * the text work of Tab completion.
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

#include "lineedit_core.h"

/* ---- keys ------------------------------------------------------------------------------------ */

/* Feeds s; returns the keys it produced (LE_KEY_NONE between them is skipped). */
static int decode_all(const char *s, le_key_t *keys, int max)
{
    le_decoder_t d = {0};
    int n = 0;
    for (const char *p = s; *p && n < max; p++) {
        le_key_t k = le_decode(&d, (unsigned char)*p);
        if (k != LE_KEY_NONE) keys[n++] = k;
    }
    return n;
}

static void expect_keys(const char *s, int n, ...)
{
    le_key_t got[16];
    int g = decode_all(s, got, 16);
    assert_int_equal(g, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(got[i], va_arg(ap, int));
    va_end(ap);
}

static void test_decode_plain_and_control(void **state)
{
    (void)state;
    expect_keys("a Z~", 4, LE_KEY_CHAR, LE_KEY_CHAR, LE_KEY_CHAR, LE_KEY_CHAR);
    expect_keys("\r\n", 2, LE_KEY_ENTER, LE_KEY_ENTER);
    expect_keys("\x01\x05\x02\x06", 4, LE_KEY_HOME, LE_KEY_END, LE_KEY_LEFT, LE_KEY_RIGHT);
    expect_keys("\x03\x04\t\x0c", 4, LE_KEY_INTR, LE_KEY_EOF, LE_KEY_TAB, LE_KEY_CLEAR);
    expect_keys("\x0b\x15\x17", 3, LE_KEY_KILL_END, LE_KEY_KILL_START, LE_KEY_KILL_WORD);
    expect_keys("\x7f\x08", 2, LE_KEY_BACKSPACE, LE_KEY_BACKSPACE);
    expect_keys("\x10\x0e", 2, LE_KEY_UP, LE_KEY_DOWN);
    expect_keys("\x1a\x07", 2, LE_KEY_IGNORE, LE_KEY_IGNORE);
}

static void test_decode_escape_sequences(void **state)
{
    (void)state;
    expect_keys("\033[A\033[B\033[C\033[D", 4, LE_KEY_UP, LE_KEY_DOWN, LE_KEY_RIGHT, LE_KEY_LEFT);
    expect_keys("\033OA\033OB\033OC\033OD", 4, LE_KEY_UP, LE_KEY_DOWN, LE_KEY_RIGHT, LE_KEY_LEFT);
    /* Home and End: ESC [ H/F, ESC [ 1~/4~ (and 7~/8~), ESC O H/F */
    expect_keys("\033[H\033[F", 2, LE_KEY_HOME, LE_KEY_END);
    expect_keys("\033[1~\033[4~\033[7~\033[8~", 4, LE_KEY_HOME, LE_KEY_END, LE_KEY_HOME,
                LE_KEY_END);
    expect_keys("\033OH\033OF", 2, LE_KEY_HOME, LE_KEY_END);
    expect_keys("\033[3~", 1, LE_KEY_DELETE);
    /* Ctrl-arrows and Alt-b/f move by words; Alt-Backspace kills a word */
    expect_keys("\033[1;5D\033[1;5C\033b\033f\033\x7f", 5, LE_KEY_WORD_LEFT, LE_KEY_WORD_RIGHT,
                LE_KEY_WORD_LEFT, LE_KEY_WORD_RIGHT, LE_KEY_KILL_WORD);
    /* unknown sequences are swallowed whole, and what follows is decoded afresh */
    expect_keys("\033[5~x\033[99Zy\033Qz", 6, LE_KEY_IGNORE, LE_KEY_CHAR, LE_KEY_IGNORE,
                LE_KEY_CHAR, LE_KEY_IGNORE, LE_KEY_CHAR);
    /* a parameter longer than the buffer is cut, not overflowed */
    expect_keys("\033[1111111111111111111111111111~a", 2, LE_KEY_IGNORE, LE_KEY_CHAR);
}

/* ---- the buffer ------------------------------------------------------------------------------ */

/* Applies the keys s decodes to b (characters inserted). */
static void type(le_buf_t *b, const char *s)
{
    le_decoder_t d = {0};
    for (const char *p = s; *p; p++) {
        le_key_t k = le_decode(&d, (unsigned char)*p);
        if (k != LE_KEY_NONE && k != LE_KEY_IGNORE) le_edit(b, k, (unsigned char)*p);
    }
}

static void expect_line(const char *keys, const char *text, size_t cur)
{
    le_buf_t b = {0};
    type(&b, keys);
    assert_string_equal(b.text.s ? b.text.s : "", text);
    assert_int_equal(b.cur, cur);
    sb_free(&b.text);
}

static void test_edit_motion_and_insertion(void **state)
{
    (void)state;
    expect_line("echo wrld\033[D\033[D\033[Do", "echo world", 7);
    expect_line("cho x\033[He", "echo x", 1);
    expect_line("cho x\001e\005!", "echo x!", 7);
    expect_line("ab\033[D\033[D\033[D\033[Dc", "cab", 1); /* Left stops at the start */
    expect_line("ab\033[C\033[Cc", "abc", 3);             /* Right stops at the end */
    expect_line("one two  three\033[1;5D\033[1;5D", "one two  three", 4);
    expect_line("one two  three\001\033f\033f", "one two  three", 7);
}

static void test_edit_deletion(void **state)
{
    (void)state;
    expect_line("bacKkspace\033[D\033[D\033[D\033[D\033[D\033[D\x7f", "backspace", 3);
    expect_line("\x7f\x7f"
                "ab",
                "ab", 2); /* Backspace on an empty line does nothing */
    expect_line("del-Xok\033[D\033[D\033[D\033[3~", "del-ok", 4);
    expect_line("ab\033[3~", "ab", 2); /* Delete at the end does nothing */
    expect_line("keep-this-XX\033[D\033[D\033[D\x0b", "keep-this", 9);
    expect_line("gone keep\033[D\033[D\033[D\033[D\x15", "keep", 0);
    expect_line("echo word  oops\x17", "echo word  ", 11);
    expect_line("echo word  oops\x17\x17", "echo ", 5);
    expect_line("a b\001\x17", "a b", 0); /* ^W at the start does nothing */
}

static void test_edit_utf8(void **state)
{
    (void)state;
    /* é is two bytes: Left and Right and Backspace step over whole characters */
    expect_line("a\xc3\xa9"
                "b\033[D\033[D",
                "a\xc3\xa9"
                "b",
                1);
    expect_line("a\xc3\xa9"
                "b\033[D\x7f",
                "ab", 1);
    expect_line("a\xc3\xa9"
                "b\001\033[C\033[3~",
                "ab", 1);
}

static void test_buf_replace(void **state)
{
    (void)state;
    le_buf_t b = {0};
    le_buf_set(&b, "cat /etc/ho", 11);
    le_buf_replace(&b, 4, 11, "/etc/hostname ");
    assert_string_equal(b.text.s, "cat /etc/hostname ");
    assert_int_equal(b.cur, 18);
    le_buf_replace(&b, 0, 3, "x");
    assert_string_equal(b.text.s, "x /etc/hostname ");
    assert_int_equal(b.cur, 1);
    sb_free(&b.text);
}

/* ---- rendering against a model terminal ------------------------------------------------------ */

enum { VT_ROWS = 48, VT_COLS = 120 };

typedef struct {
    int w; /* columns */
    char cell[VT_ROWS][VT_COLS];
    int row, col;
    bool pending; /* printed into the last column, not wrapped yet */
} vt_t;

static void vt_init(vt_t *t, int w)
{
    memset(t, 0, sizeof *t);
    memset(t->cell, ' ', sizeof t->cell);
    t->w = w;
}

static void vt_feed(vt_t *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\b') {
            t->pending = false;
            if (t->col > 0) t->col--;
        } else if (c == '\r') {
            t->pending = false;
            t->col = 0;
        } else if (c == 033) {
            assert_true(i + 1 < n && s[i + 1] == '[');
            i += 2;
            int num = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                num = num * 10 + (s[i++] - '0');
            assert_true(i < n);
            t->pending = false;
            if (s[i] == 'A') {
                t->row -= num ? num : 1;
                assert_true(t->row >= 0);
            } else if (s[i] == 'C') {
                t->col += num ? num : 1;
                if (t->col > t->w - 1) t->col = t->w - 1;
            } else {
                fail_msg("unexpected sequence ESC [ %d %c", num, s[i]);
            }
        } else if ((c & 0xc0) == 0x80) {
            /* a UTF-8 continuation byte: part of the character before */
        } else {
            assert_true(c >= 32);
            if (t->pending) {
                t->row++;
                t->col = 0;
                t->pending = false;
            }
            assert_true(t->row < VT_ROWS);
            t->cell[t->row][t->col] = (char)c;
            if (t->col == t->w - 1)
                t->pending = true;
            else
                t->col++;
        }
    }
}

/* The screen must show prompt and text (one cell per character, wrapped at w) and nothing
 * after them, and the cursor must sit on the cell of the character at byte cur. */
static void vt_check(const vt_t *t, const char *prompt, const char *text, size_t cur)
{
    char want[VT_ROWS * VT_COLS];
    size_t n = 0, cur_cell = 0;
    for (const char *p = prompt; *p; p++)
        want[n++] = *p;
    for (size_t i = 0;; i++) {
        if (i == cur) cur_cell = n;
        if (!text[i]) break;
        if (((unsigned char)text[i] & 0xc0) != 0x80) want[n++] = text[i];
    }
    for (size_t k = 0; k < (size_t)VT_ROWS * t->w; k++) {
        char c = t->cell[k / t->w][k % t->w];
        char e = k < n ? want[k] : ' ';
        if (c != e)
            fail_msg("cell %zu (row %zu col %zu): screen '%c', expected '%c' (text \"%s\")", k,
                     k / t->w, k % t->w, c, e, text);
    }
    assert_false(t->pending);
    assert_int_equal(t->row, (int)(cur_cell / t->w));
    assert_int_equal(t->col, (int)(cur_cell % t->w));
}

typedef struct {
    vt_t vt;
    le_geom_t g;
    const char *prompt;
    le_buf_t b;
    char *shown;
    size_t shown_cur;
} rig_t;

static void rig_prompt(rig_t *r, const char *visible)
{
    strbuf_t o = {0};
    sb_puts(&o, visible);
    le_prompt_settle(&r->g, &o);
    vt_feed(&r->vt, o.s, o.len);
    sb_free(&o);
}

static void rig_init(rig_t *r, const char *prompt, int w)
{
    memset(r, 0, sizeof *r);
    vt_init(&r->vt, w);
    r->prompt = prompt;
    r->g = (le_geom_t){le_prompt_width(prompt), (size_t)w};
    rig_prompt(r, prompt);
    r->shown = strdup("");
}

static void rig_refresh(rig_t *r)
{
    strbuf_t out = {0};
    const char *s = r->b.text.s ? r->b.text.s : "";
    le_render(&r->g, r->shown, strlen(r->shown), r->shown_cur, s, r->b.text.len, r->b.cur, &out);
    vt_feed(&r->vt, out.s ? out.s : "", out.len);
    sb_free(&out);
    free(r->shown);
    r->shown = strdup(s);
    r->shown_cur = r->b.cur;
    vt_check(&r->vt, r->prompt, s, r->b.cur);
}

static void rig_free(rig_t *r)
{
    free(r->shown);
    sb_free(&r->b.text);
}

static void rig_type(rig_t *r, const char *keys)
{
    le_decoder_t d = {0};
    for (const char *p = keys; *p; p++) {
        le_key_t k = le_decode(&d, (unsigned char)*p);
        if (k == LE_KEY_NONE || k == LE_KEY_IGNORE) continue;
        le_edit(&r->b, k, (unsigned char)*p);
        rig_refresh(r);
    }
}

static void test_render_short_line(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, "$ ", 80);
    rig_type(&r, "echo wrld\033[D\033[D\033[Do\001\033[3~E\005 x\x17\x7f!\033[H\x0b");
    rig_free(&r);
}

static void test_render_without_width(void **state)
{
    (void)state;
    /* width unknown (0): only backspaces and reprinting, never a cursor-up sequence */
    rig_t r;
    rig_init(&r, "> ", VT_COLS);
    r.g.cols = 0;
    rig_type(&r, "some text\033[D\033[D\033[Dmore\001\033[3~\005\x17");
    rig_free(&r);
}

static void test_render_wrapping_line(void **state)
{
    (void)state;
    /* 10 columns: the line wraps several times; moving across rows, deleting at a row's end,
     * ending exactly at the last column (deferred wrap) */
    rig_t r;
    rig_init(&r, "$ ", 10);
    rig_type(&r, "12345678"); /* ends exactly at the last column */
    rig_type(&r, "abcdefghijklmnopq");
    rig_type(&r, "\001\033[C\033[Cxy"); /* insert near the start: everything shifts across rows */
    rig_type(&r, "\x7f\x7f\x7f");
    rig_type(&r, "\005\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f");
    rig_type(&r, "\001\x0b");
    rig_free(&r);
}

static void test_render_history_replacement(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, "sh$ ", 12);
    rig_type(&r, "a long line that wraps twice");
    le_buf_set(&r.b, "ls", 2); /* what Up does: a shorter line replaces it */
    rig_refresh(&r);
    le_buf_set(&r.b, "another line that wraps", 23);
    rig_refresh(&r);
    rig_free(&r);
}

/* Random edits at several widths and prompt lengths; the screen is checked after each key. */
static void test_render_random_edits(void **state)
{
    (void)state;
    static const char *const keys[] = {"a",      "b",    " ",     "x",    "\xc3\xa9", "\033[D",
                                       "\033[C", "\001", "\005",  "\x7f", "\033[3~",  "\x0b",
                                       "\x15",   "\x17", "\033b", "\033f"};
    static const int widths[] = {7, 10, 13, 80};
    static const char *const prompts[] = {"$ ", "long prompt> ", "\033[1mbold\033[0m$ "};
    unsigned seed = 12345;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        for (size_t p = 0; p < sizeof prompts / sizeof prompts[0]; p++) {
            rig_t r;
            rig_init(&r, "", widths[w]);
            /* the model terminal does not know SGR: feed the prompt's visible part */
            const char *visible = p == 2 ? "bold$ " : prompts[p];
            r.prompt = visible;
            r.g.pcols = le_prompt_width(prompts[p]);
            rig_prompt(&r, visible);
            assert_int_equal(r.g.pcols, strlen(visible));
            for (int step = 0; step < 400; step++) {
                seed = seed * 1103515245u + 12345u;
                const char *k = keys[(seed >> 16) % (sizeof keys / sizeof keys[0])];
                if (r.b.text.len > 60 && (k[0] == 'a' || k[0] == 'b')) k = "\x17";
                le_decoder_t d = {0};
                for (const char *c = k; *c; c++) {
                    le_key_t key = le_decode(&d, (unsigned char)*c);
                    if (key != LE_KEY_NONE && key != LE_KEY_IGNORE)
                        le_edit(&r.b, key, (unsigned char)*c);
                }
                rig_refresh(&r);
            }
            rig_free(&r);
        }
    }
}

static void test_prompt_width(void **state)
{
    (void)state;
    assert_int_equal(le_prompt_width("$ "), 2);
    assert_int_equal(le_prompt_width("line one\nsh> "), 4);
    assert_int_equal(le_prompt_width("\033[1;32m$\033[0m "), 2);
    assert_int_equal(le_prompt_width("\xc3\xa9t\xc3\xa9 "), 4);
    assert_int_equal(le_prompt_width(""), 0);
}

/* ---- completion text ------------------------------------------------------------------------- */

static void expect_word(const char *line, size_t start, bool command)
{
    size_t s;
    bool c;
    le_word_at(line, strlen(line), &s, &c);
    assert_int_equal(s, start);
    assert_int_equal(c, command);
}

static void test_word_at(void **state)
{
    (void)state;
    expect_word("", 0, true);
    expect_word("ec", 0, true);
    expect_word("  ec", 2, true);
    expect_word("echo /etc/ho", 5, false);
    expect_word("ls | gr", 5, true);
    expect_word("a; b && ca", 8, true);
    expect_word("(ca", 1, true);
    expect_word("if tr", 3, true);
    expect_word("while :; do sl", 12, true);
    expect_word("cat < fi", 6, false);
    expect_word("cat >fi", 5, false);
    expect_word("echo a\\ b", 5, false); /* an escaped space is part of the word */
    expect_word("echo 'a b", 5, false);  /* so is a quoted one */
    expect_word("echo \"x y", 5, false);
    expect_word("echo then", 5, false);
    expect_word("if x; then ec", 11, true); /* after a keyword: command position */
}

static void test_unescape_escape(void **state)
{
    (void)state;
    char *u = le_unescape("a\\ b'c d'\"e\\$f\\g\"", 17);
    assert_string_equal(u, "a bc de$f\\g");
    free(u);
    strbuf_t b = {0};
    le_escape("my file (1)&$x", &b);
    assert_string_equal(b.s, "my\\ file\\ \\(1\\)\\&\\$x");
    sb_reset(&b);
    le_escape("#a#b~", &b);
    assert_string_equal(b.s, "\\#a#b~");
    sb_free(&b);
}

static void test_common_prefix(void **state)
{
    (void)state;
    char *v[] = {"hostname", "hosts", "host.conf"};
    char *p = le_common_prefix(v, 3);
    assert_string_equal(p, "host");
    free(p);
    p = le_common_prefix(v, 1);
    assert_string_equal(p, "hostname");
    free(p);
    p = le_common_prefix(v, 0);
    assert_string_equal(p, "");
    free(p);
    char *u[] = {"\xc3\xa9t\xc3\xa9", "\xc3\xa8"}; /* é and è share their first byte only */
    p = le_common_prefix(u, 2);
    assert_string_equal(p, "");
    free(p);
}

static void test_columns(void **state)
{
    (void)state;
    char *v[] = {"group", "hostname", "motd", "passwd"};
    strbuf_t b = {0};
    le_columns(v, 4, 80, &b);
    assert_string_equal(b.s, "group     hostname  motd      passwd\n");
    sb_reset(&b);
    /* 22 columns: two per row, filled down then across */
    le_columns(v, 4, 22, &b);
    assert_string_equal(b.s, "group     motd\nhostname  passwd\n");
    sb_reset(&b);
    le_columns(v, 3, 5, &b); /* narrower than a name: one per row */
    assert_string_equal(b.s, "group\nhostname\nmotd\n");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_plain_and_control),
        cmocka_unit_test(test_decode_escape_sequences),
        cmocka_unit_test(test_edit_motion_and_insertion),
        cmocka_unit_test(test_edit_deletion),
        cmocka_unit_test(test_edit_utf8),
        cmocka_unit_test(test_buf_replace),
        cmocka_unit_test(test_render_short_line),
        cmocka_unit_test(test_render_without_width),
        cmocka_unit_test(test_render_wrapping_line),
        cmocka_unit_test(test_render_history_replacement),
        cmocka_unit_test(test_render_random_edits),
        cmocka_unit_test(test_prompt_width),
        cmocka_unit_test(test_word_at),
        cmocka_unit_test(test_unescape_escape),
        cmocka_unit_test(test_common_prefix),
        cmocka_unit_test(test_columns),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
