/*
 * lineedit.c - interactive line editing (see lineedit.h). Redrawing uses only
 * backspace, space and carriage-return-free sequences ("\b \b"), so it works on any
 * console that can move the cursor back one column, ANSI or not.
 *
 * Entry points: lineedit_read, lineedit_history_add.
 */
#include "lineedit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "strbuf.h"

enum { HIST_MAX = 100 };

static char *history[HIST_MAX];
static int hist_n;

void lineedit_history_add(const char *line)
{
    if (!line[0] || (hist_n && strcmp(history[hist_n - 1], line) == 0)) return;
    if (hist_n == HIST_MAX) {
        free(history[0]);
        memmove(history, history + 1, (HIST_MAX - 1) * sizeof *history);
        hist_n--;
    }
    history[hist_n++] = xstrdup(line);
}

static void out(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static void outs(const char *s)
{
    out(s, strlen(s));
}

static int getbyte(void)
{
    unsigned char c;
    for (;;) {
        ssize_t r = read(0, &c, 1);
        if (r == 1) return c;
        if (r < 0 && errno == EINTR) continue;
        return -1;
    }
}

static void erase_chars(size_t n)
{
    for (size_t i = 0; i < n; i++)
        outs("\b \b");
}

/* Replaces the visible line with s. */
static void replace_line(strbuf_t *b, const char *s)
{
    erase_chars(b->len);
    sb_reset(b);
    sb_puts(b, s);
    out(b->s, b->len);
}

static char *read_plain(void)
{
    strbuf_t b = {0};
    for (;;) {
        int c = getbyte();
        if (c < 0) {
            if (b.len == 0) {
                sb_free(&b);
                return NULL;
            }
            break;
        }
        if (c == '\n') break;
        sb_putc(&b, (char)c);
    }
    return sb_take(&b);
}

char *lineedit_read(const char *prompt)
{
    outs(prompt);
    struct termios saved, raw;
    if (tcgetattr(0, &saved) != 0) return read_plain();
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSADRAIN, &raw);

    strbuf_t b = {0};
    sb_puts(&b, "");
    int hist_pos = hist_n; /* hist_n = the line being typed */
    char *typed = NULL;    /* what was typed before browsing history */
    bool eof = false;
    for (;;) {
        int c = getbyte();
        if (c < 0 || (c == 4 && b.len == 0)) { /* end of input, ^D */
            eof = true;
            break;
        }
        if (c == '\r' || c == '\n') {
            outs("\n");
            break;
        }
        if (c == 127 || c == 8) { /* DEL, ^H */
            if (b.len) {
                b.s[--b.len] = '\0';
                erase_chars(1);
            }
        } else if (c == 21) { /* ^U */
            replace_line(&b, "");
        } else if (c == 23) { /* ^W */
            size_t n = b.len;
            while (n && b.s[n - 1] == ' ')
                n--;
            while (n && b.s[n - 1] != ' ')
                n--;
            erase_chars(b.len - n);
            b.len = n;
            b.s[n] = '\0';
        } else if (c == 3) { /* ^C */
            outs("^C\n");
            sb_reset(&b);
            break;
        } else if (c == 27) { /* ESC [ A / ESC [ B */
            int c1 = getbyte();
            int c2 = c1 == '[' || c1 == 'O' ? getbyte() : -1;
            if (c2 == 'A' && hist_pos > 0) {
                if (hist_pos == hist_n) {
                    free(typed);
                    typed = xstrdup(b.s);
                }
                replace_line(&b, history[--hist_pos]);
            } else if (c2 == 'B' && hist_pos < hist_n) {
                hist_pos++;
                replace_line(&b, hist_pos == hist_n ? (typed ? typed : "") : history[hist_pos]);
            }
        } else if (c >= 32 || c == '\t') {
            char ch = (char)c;
            sb_putc(&b, ch);
            out(&ch, 1);
        }
    }
    tcsetattr(0, TCSADRAIN, &saved);
    free(typed);
    if (eof && b.len == 0) {
        sb_free(&b);
        return NULL;
    }
    return sb_take(&b);
}
