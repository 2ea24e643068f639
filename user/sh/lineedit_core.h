/*
 * lineedit_core.h - the line editor's pure parts, with no terminal I/O, so that the host
 * tests (tests/host/sh/test_lineedit.c) drive them with bytes in and check the buffer, the
 * cursor and the bytes the screen receives:
 *
 *   - the key decoder: bytes from the terminal into keys, including the escape sequences of
 *     the arrow, Home, End and Delete keys in their VT100/xterm forms;
 *   - the edit buffer: a line and a cursor, and the editing operations on them;
 *   - the renderer: the bytes that turn what the screen shows into the new state of the line
 *     (backspaces, reprinted characters and spaces within a row; the ANSI cursor-up sequence
 *     only when a long line wraps);
 *   - Tab completion's text work (lineedit_words.c): the word under the cursor, quoting, common
 *     prefix, and the candidate list in columns.
 *
 * Entry points: le_decode, le_edit, le_buf_set, le_buf_replace, le_render, le_prompt_settle,
 * le_prompt_width, le_width, le_word_at, le_unescape, le_escape, le_common_prefix, le_columns.
 */
#ifndef SH_LINEEDIT_CORE_H
#define SH_LINEEDIT_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef enum {
    LE_KEY_NONE,       /* the byte is part of a sequence not finished yet */
    LE_KEY_IGNORE,     /* a key or sequence the editor does not use */
    LE_KEY_CHAR,       /* insert the byte */
    LE_KEY_ENTER,      /* CR or NL */
    LE_KEY_EOF,        /* ^D */
    LE_KEY_INTR,       /* ^C */
    LE_KEY_TAB,        /* Tab: complete */
    LE_KEY_CLEAR,      /* ^L */
    LE_KEY_UP,         /* Up arrow, ^P */
    LE_KEY_DOWN,       /* Down arrow, ^N */
    LE_KEY_LEFT,       /* Left arrow, ^B */
    LE_KEY_RIGHT,      /* Right arrow, ^F */
    LE_KEY_HOME,       /* Home (ESC[H, ESC[1~, ESC[7~, ESCOH), ^A */
    LE_KEY_END,        /* End (ESC[F, ESC[4~, ESC[8~, ESCOF), ^E */
    LE_KEY_WORD_LEFT,  /* ESC b, Ctrl-Left (ESC[1;5D) */
    LE_KEY_WORD_RIGHT, /* ESC f, Ctrl-Right (ESC[1;5C) */
    LE_KEY_BACKSPACE,  /* DEL, ^H */
    LE_KEY_DELETE,     /* Delete (ESC[3~) */
    LE_KEY_KILL_END,   /* ^K: erase from the cursor to the end */
    LE_KEY_KILL_START, /* ^U: erase from the start to the cursor */
    LE_KEY_KILL_WORD,  /* ^W, ESC DEL: erase the word before the cursor */
} le_key_t;

typedef struct {
    int state;      /* 0 ground, 1 after ESC, 2 in ESC [, 3 after ESC O */
    char param[16]; /* parameter bytes of an ESC [ sequence */
    size_t nparam;
} le_decoder_t;

/* Feeds one byte; returns the key it completes (LE_KEY_NONE while a sequence goes on). */
le_key_t le_decode(le_decoder_t *d, unsigned char c);

typedef struct {
    strbuf_t text; /* the line (text.s may be NULL while empty) */
    size_t cur;    /* cursor: a byte offset, always at the start of a UTF-8 character */
} le_buf_t;

/* Applies an editing key (cursor motion, insertion of c, deletion); other keys do nothing.
 * Returns true if the key is an editing key. */
bool le_edit(le_buf_t *b, le_key_t k, unsigned char c);
/* Replaces the line by s (n bytes), the cursor at its end. */
void le_buf_set(le_buf_t *b, const char *s, size_t n);
/* Replaces bytes [from, to) by s, the cursor just after the inserted text. */
void le_buf_replace(le_buf_t *b, size_t from, size_t to, const char *s);

typedef struct {
    size_t pcols; /* the prompt's width: the column the line starts in */
    size_t cols;  /* the terminal's width, 0 if unknown (no wrapping taken into account) */
} le_geom_t;

/* Appends to out the bytes that change the screen from showing old (old_n bytes, the cursor at
 * byte old_cur) to showing new (new_n bytes, the cursor at new_cur). The cursor is where the
 * old state left it. */
void le_render(const le_geom_t *g, const char *old, size_t old_n, size_t old_cur, const char *new,
               size_t new_n, size_t new_cur, strbuf_t *out);

/* After the prompt was printed: if it ended in the last column, the bytes that make the terminal
 * wrap to the next row (so that the line starts where le_render counts it). */
void le_prompt_settle(const le_geom_t *g, strbuf_t *out);

/* Display columns of s[0..n): one per byte that is not a UTF-8 continuation byte. */
size_t le_width(const char *s, size_t n);

/* Columns the cursor is at after printing prompt (from its last newline; escape sequences and
 * UTF-8 continuation bytes take no column). */
size_t le_prompt_width(const char *prompt);

/* The word that ends at the cursor: *start is where it begins; *command says it is in command
 * position (first word, or after ; & | ( or a keyword such as then or do). */
void le_word_at(const char *text, size_t cur, size_t *start, bool *command);
/* The word's text with quotes and backslashes removed (malloc'd). */
char *le_unescape(const char *s, size_t n);
/* Appends s with a backslash before every character the shell would treat specially. */
void le_escape(const char *s, strbuf_t *out);
/* The longest common prefix of v[0..n) (malloc'd; "" if n is 0). */
char *le_common_prefix(char *const *v, size_t n);
/* Appends v[0..n) laid out in columns, down then across, to fit width; each row ends in "\n". */
void le_columns(char *const *v, size_t n, size_t width, strbuf_t *out);

#endif
