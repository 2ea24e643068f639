/*
 * lineedit_words.c - the text work of Tab completion (see lineedit_core.h): which word the
 * cursor ends and whether it is in command position, the word without its quoting, names
 * quoted for insertion, the candidates' common prefix, and their listing in columns. Pure.
 *
 * Entry points: le_word_at, le_unescape, le_escape, le_common_prefix, le_columns.
 */
#include "lineedit_core.h"

#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_separator(char c)
{
    return strchr(";|&<>()", c) != NULL;
}

static bool command_after(const char *text, size_t start)
{
    static const char *const keywords[] = {"then",  "do",    "else", "elif", "if",
                                           "while", "until", "!",    "{",    "time"};
    size_t i = start;
    while (i > 0 && is_space(text[i - 1]))
        i--;
    if (i == 0) return true;
    char c = text[i - 1];
    if (c == '<' || c == '>') return false;
    if (is_separator(c)) return true;
    size_t e = i;
    while (i > 0 && !is_space(text[i - 1]) && !is_separator(text[i - 1]))
        i--;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
        if (strlen(keywords[k]) == e - i && memcmp(keywords[k], text + i, e - i) == 0) return true;
    return false;
}

void le_word_at(const char *text, size_t cur, size_t *start, bool *command)
{
    size_t st = 0;
    bool sq = false, dq = false;
    for (size_t i = 0; i < cur; i++) {
        char c = text[i];
        if (sq) {
            sq = c != '\'';
        } else if (c == '\\' && i + 1 < cur) {
            i++;
        } else if (dq) {
            dq = c != '"';
        } else if (c == '\'') {
            sq = true;
        } else if (c == '"') {
            dq = true;
        } else if (is_space(c) || is_separator(c)) {
            st = i + 1;
        }
    }
    *start = st;
    *command = command_after(text, st);
}

char *le_unescape(const char *s, size_t n)
{
    strbuf_t b = {0};
    sb_puts(&b, "");
    bool sq = false, dq = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (sq) {
            if (c == '\'')
                sq = false;
            else
                sb_putc(&b, c);
        } else if (c == '\\' && i + 1 < n && (!dq || strchr("$`\"\\", s[i + 1]))) {
            sb_putc(&b, s[++i]);
        } else if (c == '"') {
            dq = !dq;
        } else if (c == '\'' && !dq) {
            sq = true;
        } else {
            sb_putc(&b, c);
        }
    }
    return sb_take(&b);
}

void le_escape(const char *s, strbuf_t *out)
{
    for (const char *p = s; *p; p++) {
        if (strchr(" \t\n\\'\"$`&|;<>()*?[]!{}", *p) || (*p == '#' && p == s)) sb_putc(out, '\\');
        sb_putc(out, *p);
    }
}

char *le_common_prefix(char *const *v, size_t n)
{
    if (n == 0) return xstrdup("");
    size_t len = strlen(v[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && v[i][k] == v[0][k])
            k++;
        len = k;
    }
    while (len > 0 && ((unsigned char)v[0][len] & 0xc0) == 0x80) /* mid-character */
        len--;
    return xstrndup(v[0], len);
}

void le_columns(char *const *v, size_t n, size_t width, strbuf_t *out)
{
    size_t maxw = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = le_width(v[i], strlen(v[i]));
        if (w > maxw) maxw = w;
    }
    size_t colw = maxw + 2;
    size_t ncols = width > colw ? width / colw : 1;
    size_t nrows = (n + ncols - 1) / (ncols ? ncols : 1);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++) {
            size_t i = c * nrows + r;
            if (i >= n) break;
            sb_puts(out, v[i]);
            bool last = c + 1 == ncols || (c + 1) * nrows + r >= n;
            if (!last)
                for (size_t k = le_width(v[i], strlen(v[i])); k < colw; k++)
                    sb_putc(out, ' ');
        }
        sb_putc(out, '\n');
    }
}
