/*
 * lineedit.h - interactive line reading on the console: a cursor that moves (arrows, Home,
 * End, ^A, ^E, word moves), insertion and deletion anywhere in the line, ^K, ^U, ^W, ^L, ^C
 * (abandon the line), ^D (end of input on an empty line), history on the up/down arrows, and
 * Tab completion through a hook. The keys, the buffer and the screen updates are pure code in
 * lineedit_core.c; this file is the terminal side.
 *
 * The terminal is in non-canonical, no-echo, no-signal mode only while a line is read. The
 * prompt is printed after that mode is set and the newline that ends the line is echoed after
 * the old mode is back, so that whatever is typed after the prompt appears is edited, and
 * whatever is typed after the newline appears (^C, ^Z) is the terminal's. Where tcgetattr
 * fails (not a terminal, or a console without termios) lines are read plainly.
 *
 * Entry points: lineedit_read, lineedit_history_add, lineedit_set_hooks,
 * lineedit_interrupted.
 */
#ifndef SH_LINEEDIT_H
#define SH_LINEEDIT_H

#include <stdbool.h>

#include "strbuf.h"

typedef struct {
    /* Tab: adds to out every completion of word (quotes removed), a directory ending in "/";
     * command is true when the word is in command position. */
    void (*complete)(void *ud, const char *word, bool command, strvec_t *out);
    /* A read was interrupted by a signal: true abandons the line (the shell's ^C). */
    bool (*interrupted)(void *ud);
    void *ud;
} lineedit_hooks_t;

void lineedit_set_hooks(const lineedit_hooks_t *hooks);

/* Shows prompt on standard error and reads a line from standard input.
 * Returns the line without its newline (malloc'd), or NULL at end of input. */
char *lineedit_read(const char *prompt);
void lineedit_history_add(const char *line);
/* The last lineedit_read ended with ^C (it returned an empty line). */
bool lineedit_interrupted(void);

#endif
