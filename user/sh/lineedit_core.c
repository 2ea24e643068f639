/*
 * lineedit_core.c - the line editor's pure parts (see lineedit_core.h): key decoding, the edit
 * buffer and rendering (the text work of Tab completion is in lineedit_words.c).
 *
 * Rendering works in display columns: every byte that is not a UTF-8 continuation byte takes
 * one. Within a row the cursor moves back with "\b" and forward by reprinting the characters it
 * passes, and leftovers are erased with spaces, which any console understands. Only when the
 * line is longer than the terminal is wide does a move cross rows; that uses "\r" and ESC [ n A
 * (cursor up) and ESC [ n C (cursor right). A terminal that has just printed into its last
 * column keeps the cursor there until the next character ("deferred wrap"), so before moving
 * from such a position the renderer reprints the character at the start of the next row and
 * steps back over it, which puts the cursor where it counts it on every terminal.
 *
 * Entry points: le_decode, le_edit, le_buf_set, le_buf_replace, le_render, le_prompt_settle,
 * le_prompt_width, le_width.
 */
#include "lineedit_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ------------------------------------------------------------------------------------ */

static le_key_t csi_final(const le_decoder_t *d, unsigned char c)
{
    /* ESC [ 1 ; 5 C and friends: a modifier (Ctrl 5, Alt 3) turns the arrows into word moves. */
    bool mod = d->nparam > 0 && strchr(d->param, ';') != NULL;
    switch (c) {
    case 'A':
        return LE_KEY_UP;
    case 'B':
        return LE_KEY_DOWN;
    case 'C':
        return mod ? LE_KEY_WORD_RIGHT : LE_KEY_RIGHT;
    case 'D':
        return mod ? LE_KEY_WORD_LEFT : LE_KEY_LEFT;
    case 'H':
        return LE_KEY_HOME;
    case 'F':
        return LE_KEY_END;
    case '~':
        switch (atoi(d->param)) {
        case 1:
        case 7:
            return LE_KEY_HOME;
        case 4:
        case 8:
            return LE_KEY_END;
        case 3:
            return LE_KEY_DELETE;
        }
        return LE_KEY_IGNORE;
    }
    return LE_KEY_IGNORE;
}

static le_key_t control_key(unsigned char c)
{
    switch (c) {
    case 1:
        return LE_KEY_HOME;
    case 2:
        return LE_KEY_LEFT;
    case 3:
        return LE_KEY_INTR;
    case 4:
        return LE_KEY_EOF;
    case 5:
        return LE_KEY_END;
    case 6:
        return LE_KEY_RIGHT;
    case 8:
    case 127:
        return LE_KEY_BACKSPACE;
    case 9:
        return LE_KEY_TAB;
    case 10:
    case 13:
        return LE_KEY_ENTER;
    case 11:
        return LE_KEY_KILL_END;
    case 12:
        return LE_KEY_CLEAR;
    case 14:
        return LE_KEY_DOWN;
    case 16:
        return LE_KEY_UP;
    case 21:
        return LE_KEY_KILL_START;
    case 23:
        return LE_KEY_KILL_WORD;
    }
    return LE_KEY_IGNORE;
}

le_key_t le_decode(le_decoder_t *d, unsigned char c)
{
    switch (d->state) {
    case 1: /* after ESC */
        d->state = 0;
        if (c == '[') {
            d->state = 2;
            d->nparam = 0;
            d->param[0] = '\0';
            return LE_KEY_NONE;
        }
        if (c == 'O') {
            d->state = 3;
            return LE_KEY_NONE;
        }
        if (c == 'b' || c == 'B') return LE_KEY_WORD_LEFT;
        if (c == 'f' || c == 'F') return LE_KEY_WORD_RIGHT;
        if (c == 127 || c == 8) return LE_KEY_KILL_WORD;
        return LE_KEY_IGNORE;
    case 2: /* ESC [ params final */
        if ((c >= '0' && c <= '9') || c == ';') {
            if (d->nparam + 1 < sizeof d->param) {
                d->param[d->nparam++] = (char)c;
                d->param[d->nparam] = '\0';
            }
            return LE_KEY_NONE;
        }
        d->state = 0;
        return c >= 0x40 && c <= 0x7e ? csi_final(d, c) : LE_KEY_IGNORE;
    case 3: /* ESC O final (the keypad's application mode) */
        d->state = 0;
        return c == 'A' || c == 'B' || c == 'C' || c == 'D' || c == 'H' || c == 'F'
                   ? csi_final(&(le_decoder_t){0}, c)
                   : LE_KEY_IGNORE;
    }
    if (c == 27) {
        d->state = 1;
        return LE_KEY_NONE;
    }
    if (c < 32 || c == 127) return control_key(c);
    return LE_KEY_CHAR;
}

/* ---- the buffer ------------------------------------------------------------------------------ */

static bool is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

static const char *buf_s(const le_buf_t *b)
{
    return b->text.s ? b->text.s : "";
}

static size_t prev_char(const le_buf_t *b, size_t i)
{
    const char *s = buf_s(b);
    if (i == 0) return 0;
    i--;
    while (i > 0 && is_cont((unsigned char)s[i]))
        i--;
    return i;
}

static size_t next_char(const le_buf_t *b, size_t i)
{
    const char *s = buf_s(b);
    if (i >= b->text.len) return b->text.len;
    i++;
    while (i < b->text.len && is_cont((unsigned char)s[i]))
        i++;
    return i;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static size_t word_left(const le_buf_t *b, size_t i)
{
    const char *s = buf_s(b);
    while (i > 0 && is_space(s[i - 1]))
        i--;
    while (i > 0 && !is_space(s[i - 1]))
        i--;
    return i;
}

static size_t word_right(const le_buf_t *b, size_t i)
{
    const char *s = buf_s(b);
    while (i < b->text.len && is_space(s[i]))
        i++;
    while (i < b->text.len && !is_space(s[i]))
        i++;
    return i;
}

void le_buf_replace(le_buf_t *b, size_t from, size_t to, const char *s)
{
    strbuf_t nb = {0};
    sb_putn(&nb, buf_s(b), from);
    sb_puts(&nb, s);
    sb_putn(&nb, buf_s(b) + to, b->text.len - to);
    sb_free(&b->text);
    b->text = nb;
    b->cur = from + strlen(s);
}

static void buf_delete(le_buf_t *b, size_t from, size_t to)
{
    size_t cur = b->cur;
    le_buf_replace(b, from, to, "");
    b->cur = cur <= from ? cur : cur >= to ? cur - (to - from) : from;
}

void le_buf_set(le_buf_t *b, const char *s, size_t n)
{
    sb_reset(&b->text);
    sb_putn(&b->text, s, n);
    b->cur = b->text.len;
}

bool le_edit(le_buf_t *b, le_key_t k, unsigned char c)
{
    switch (k) {
    case LE_KEY_CHAR: {
        char s[2] = {(char)c, '\0'};
        le_buf_replace(b, b->cur, b->cur, s);
        return true;
    }
    case LE_KEY_LEFT:
        b->cur = prev_char(b, b->cur);
        return true;
    case LE_KEY_RIGHT:
        b->cur = next_char(b, b->cur);
        return true;
    case LE_KEY_HOME:
        b->cur = 0;
        return true;
    case LE_KEY_END:
        b->cur = b->text.len;
        return true;
    case LE_KEY_WORD_LEFT:
        b->cur = word_left(b, b->cur);
        return true;
    case LE_KEY_WORD_RIGHT:
        b->cur = word_right(b, b->cur);
        return true;
    case LE_KEY_BACKSPACE:
        if (b->cur > 0) buf_delete(b, prev_char(b, b->cur), b->cur);
        return true;
    case LE_KEY_DELETE:
        if (b->cur < b->text.len) buf_delete(b, b->cur, next_char(b, b->cur));
        return true;
    case LE_KEY_KILL_END:
        buf_delete(b, b->cur, b->text.len);
        return true;
    case LE_KEY_KILL_START:
        buf_delete(b, 0, b->cur);
        return true;
    case LE_KEY_KILL_WORD:
        buf_delete(b, word_left(b, b->cur), b->cur);
        return true;
    default:
        return false;
    }
}

/* ---- rendering ------------------------------------------------------------------------------- */

size_t le_width(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += !is_cont((unsigned char)s[i]);
    return c;
}

typedef struct {
    const le_geom_t *g;
    const char *text; /* what the screen shows from the start of the line on (the new line) */
    size_t n;
    size_t pos;   /* cursor column, counted from the start of the line */
    bool pending; /* just printed into the last column: the terminal has not wrapped yet */
    strbuf_t *out;
} screen_t;

static void scr_print(screen_t *s, const char *p, size_t n)
{
    if (!n) return;
    sb_putn(s->out, p, n);
    s->pos += le_width(p, n);
    size_t abs = s->g->pcols + s->pos;
    s->pending = s->g->cols && abs % s->g->cols == 0;
}

/* Byte offset of column col in the line, or n if the line is shorter. */
static size_t byte_at_col(const char *s, size_t n, size_t col)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_cont((unsigned char)s[i])) continue;
        if (c == col) return i;
        c++;
    }
    return n;
}

/* Makes the terminal's cursor sit where pos says after printing into the last column. */
static void scr_settle(screen_t *s)
{
    if (!s->pending) return;
    size_t i = byte_at_col(s->text, s->n, s->pos);
    if (i < s->n) {
        size_t j = i + 1;
        while (j < s->n && is_cont((unsigned char)s->text[j]))
            j++;
        sb_putn(s->out, s->text + i, j - i);
    } else {
        sb_putc(s->out, ' ');
    }
    sb_putc(s->out, '\b');
    s->pending = false;
}

/* Moves the cursor to column col: back with "\b" (or up rows), forward by reprinting. */
static void scr_move(screen_t *s, size_t col)
{
    if (col > s->pos) {
        size_t from = byte_at_col(s->text, s->n, s->pos), to = byte_at_col(s->text, s->n, col);
        scr_print(s, s->text + from, to - from);
        return;
    }
    if (col == s->pos) return;
    scr_settle(s);
    size_t w = s->g->cols, a = s->g->pcols + s->pos, b = s->g->pcols + col;
    if (!w || a / w == b / w) {
        for (size_t k = col; k < s->pos; k++)
            sb_putc(s->out, '\b');
    } else {
        sb_printf(s->out, "\r\033[%zuA", a / w - b / w);
        if (b % w) sb_printf(s->out, "\033[%zuC", b % w);
    }
    s->pos = col;
}

void le_render(const le_geom_t *g, const char *old, size_t old_n, size_t old_cur, const char *new,
               size_t new_n, size_t new_cur, strbuf_t *out)
{
    screen_t s = {g, new, new_n, le_width(old, old_cur), false, out};
    size_t d = 0;
    while (d < old_n && d < new_n && old[d] == new[d])
        d++;
    while (d > 0 && ((d < new_n && is_cont((unsigned char)new[d])) ||
                     (d < old_n && is_cont((unsigned char)old[d]))))
        d--;
    if (d < old_n || d < new_n) {
        scr_move(&s, le_width(new, d));
        scr_print(&s, new + d, new_n - d);
        size_t old_w = le_width(old, old_n);
        while (s.pos < old_w)
            scr_print(&s, " ", 1);
    }
    scr_move(&s, le_width(new, new_cur));
    scr_settle(&s);
}

void le_prompt_settle(const le_geom_t *g, strbuf_t *out)
{
    if (g->cols && g->pcols && g->pcols % g->cols == 0) sb_puts(out, " \b");
}

size_t le_prompt_width(const char *prompt)
{
    size_t w = 0;
    for (const char *p = prompt; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            w = 0;
        } else if (*p == '\033' && p[1] == '[') {
            p += 2;
            while (*p && !(*p >= 0x40 && *p <= 0x7e))
                p++;
            if (!*p) break;
        } else if (!is_cont((unsigned char)*p)) {
            w++;
        }
    }
    return w;
}
