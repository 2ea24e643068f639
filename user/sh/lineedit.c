/*
 * lineedit.c - interactive line editing, the terminal side (see lineedit.h): terminal modes,
 * reading keys, writing the screen updates lineedit_core.c computes, history, and Tab
 * completion (candidates from the shell's hook, inserted or listed here).
 *
 * Entry points: lineedit_read, lineedit_history_add, lineedit_set_hooks,
 * lineedit_interrupted.
 */
#include "lineedit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lineedit_core.h"

enum { HIST_MAX = 100 };

static char *history[HIST_MAX];
static int hist_n;
static lineedit_hooks_t hooks;
static bool was_interrupted;

void lineedit_set_hooks(const lineedit_hooks_t *h)
{
    hooks = *h;
}

bool lineedit_interrupted(void)
{
    return was_interrupted;
}

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

/* A byte from standard input; -1 at end of input or error, -2 if the shell's hook says a signal
 * abandons the line. */
static int getbyte(void)
{
    unsigned char c;
    for (;;) {
        ssize_t r = read(0, &c, 1);
        if (r == 1) return c;
        if (r < 0 && errno == EINTR) {
            if (hooks.interrupted && hooks.interrupted(hooks.ud)) return -2;
            continue;
        }
        return -1;
    }
}

static char *read_plain(void)
{
    strbuf_t b = {0};
    for (;;) {
        int c = getbyte();
        if (c == -2) {
            was_interrupted = true;
            sb_free(&b);
            return xstrdup("");
        }
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

/* The editor's state: the line, and what the screen shows of it. */
typedef struct {
    le_buf_t buf;
    strbuf_t shown;
    size_t shown_cur;
    le_geom_t geom;
    const char *prompt;
} editor_t;

static void ed_refresh(editor_t *e)
{
    strbuf_t o = {0};
    const char *s = e->buf.text.s ? e->buf.text.s : "";
    le_render(&e->geom, e->shown.s ? e->shown.s : "", e->shown.len, e->shown_cur, s,
              e->buf.text.len, e->buf.cur, &o);
    out(o.s ? o.s : "", o.len);
    sb_free(&o);
    sb_reset(&e->shown);
    sb_putn(&e->shown, s, e->buf.text.len);
    e->shown_cur = e->buf.cur;
}

/* Prints the prompt and the whole line again on a fresh row (after a listing, ^L). */
static void ed_prompt(editor_t *e)
{
    strbuf_t o = {0};
    sb_puts(&o, e->prompt);
    le_prompt_settle(&e->geom, &o);
    out(o.s, o.len);
    sb_free(&o);
}

static void ed_redraw(editor_t *e)
{
    ed_prompt(e);
    sb_reset(&e->shown);
    e->shown_cur = 0;
    ed_refresh(e);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and removes duplicates. */
static void uniq_sorted(strvec_t *v)
{
    if (v->n < 2) return;
    qsort(v->v, v->n, sizeof *v->v, cmp_str);
    size_t j = 1;
    for (size_t i = 1; i < v->n; i++) {
        if (strcmp(v->v[i], v->v[j - 1]) == 0)
            free(v->v[i]);
        else
            v->v[j++] = v->v[i];
    }
    v->n = j;
    v->v[j] = NULL;
}

/* Lists the candidates by their last path component, as shells do. */
static void list_candidates(editor_t *e, strvec_t *c)
{
    char **names = xmalloc((c->n + 1) * sizeof *names);
    for (size_t i = 0; i < c->n; i++) {
        const char *s = c->v[i];
        size_t n = strlen(s);
        const char *slash = NULL;
        for (size_t k = 0; k + 1 < n; k++)
            if (s[k] == '/') slash = s + k;
        names[i] = (char *)(slash ? slash + 1 : s);
    }
    strbuf_t o = {0};
    /* to the end of the line, then below it */
    e->buf.cur = e->buf.text.len;
    ed_refresh(e);
    sb_putc(&o, '\n');
    le_columns(names, c->n, e->geom.cols ? e->geom.cols : 80, &o);
    out(o.s, o.len);
    sb_free(&o);
    free(names);
    ed_redraw(e);
}

/* Tab: completes the word before the cursor; returns true if the line changed. A second Tab
 * that changes nothing (list true) lists the candidates. */
static bool complete(editor_t *e, bool list)
{
    if (!hooks.complete) return false;
    const char *s = e->buf.text.s ? e->buf.text.s : "";
    size_t start;
    bool command;
    le_word_at(s, e->buf.cur, &start, &command);
    char *word = le_unescape(s + start, e->buf.cur - start);
    strvec_t c = {0};
    hooks.complete(hooks.ud, word, command, &c);
    uniq_sorted(&c);
    bool changed = false;
    if (c.n > 0) {
        char *prefix = le_common_prefix(c.v, c.n);
        strbuf_t ins = {0};
        le_escape(prefix, &ins);
        if (c.n == 1 && (!prefix[0] || prefix[strlen(prefix) - 1] != '/')) sb_putc(&ins, ' ');
        if (strlen(prefix) > strlen(word) || c.n == 1) {
            le_buf_replace(&e->buf, start, e->buf.cur, ins.s);
            changed = true;
        } else if (list) {
            list_candidates(e, &c);
        }
        sb_free(&ins);
        free(prefix);
    }
    sv_free(&c);
    free(word);
    return changed;
}

static size_t term_cols(void)
{
    struct winsize ws;
    return ioctl(0, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

char *lineedit_read(const char *prompt)
{
    was_interrupted = false;
    struct termios saved, raw;
    if (tcgetattr(0, &saved) != 0) {
        outs(prompt);
        return read_plain();
    }
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSADRAIN, &raw);
    editor_t e = {.geom = {le_prompt_width(prompt), term_cols()}, .prompt = prompt};
    ed_prompt(&e);
    le_decoder_t dec = {0};
    int hist_pos = hist_n; /* hist_n = the line being typed */
    char *typed = NULL;    /* what was typed before browsing history */
    bool eof = false, last_tab = false;
    int utf8_more = 0; /* continuation bytes still to come before the screen is updated */
    for (;;) {
        int c = getbyte();
        if (c == -2) {
            was_interrupted = true;
            le_buf_set(&e.buf, "", 0);
            outs("\n");
            break;
        }
        if (c < 0) {
            eof = true;
            break;
        }
        le_key_t k = le_decode(&dec, (unsigned char)c);
        bool tab = false;
        if (k == LE_KEY_NONE || k == LE_KEY_IGNORE) continue;
        if (k == LE_KEY_ENTER) break;
        if (k == LE_KEY_EOF && e.buf.text.len == 0) {
            eof = true;
            break;
        }
        if (k == LE_KEY_INTR) {
            was_interrupted = true;
            e.buf.cur = e.buf.text.len;
            ed_refresh(&e);
            outs("^C\n");
            le_buf_set(&e.buf, "", 0);
            sb_reset(&e.shown);
            break;
        }
        if (k == LE_KEY_EOF) k = LE_KEY_DELETE;
        if (k == LE_KEY_UP && hist_pos > 0) {
            if (hist_pos == hist_n) {
                free(typed);
                typed = xstrdup(e.buf.text.s ? e.buf.text.s : "");
            }
            hist_pos--;
            le_buf_set(&e.buf, history[hist_pos], strlen(history[hist_pos]));
        } else if (k == LE_KEY_DOWN && hist_pos < hist_n) {
            hist_pos++;
            const char *s = hist_pos == hist_n ? (typed ? typed : "") : history[hist_pos];
            le_buf_set(&e.buf, s, strlen(s));
        } else if (k == LE_KEY_TAB) {
            tab = true;
            complete(&e, last_tab);
        } else if (k == LE_KEY_CLEAR) {
            outs("\033[H\033[2J");
            ed_redraw(&e);
        } else if (k == LE_KEY_CHAR) {
            le_edit(&e.buf, k, (unsigned char)c);
            if (c >= 0xc0)
                utf8_more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
            else if (c >= 0x80 && utf8_more > 0)
                utf8_more--;
            else
                utf8_more = 0;
        } else {
            le_edit(&e.buf, k, 0);
        }
        last_tab = tab;
        if (utf8_more == 0) ed_refresh(&e);
    }
    if (!eof && !was_interrupted) {
        e.buf.cur = e.buf.text.len;
        ed_refresh(&e);
    }
    /* the old mode first, then the newline: see lineedit.h */
    tcsetattr(0, TCSADRAIN, &saved);
    if (!was_interrupted) outs("\n");
    free(typed);
    sb_free(&e.shown);
    if (eof && e.buf.text.len == 0) {
        sb_free(&e.buf.text);
        return NULL;
    }
    return sb_take(&e.buf.text);
}
