/*
 * lineedit.h - interactive line reading on the console: backspace, ^U (erase line),
 * ^W (erase word), ^C (cancel line), ^D (end of input on an empty line), and history
 * with the up/down arrow keys. The terminal is in non-canonical, no-echo mode only
 * while a line is being read; where tcgetattr fails (not a terminal, or a console
 * without termios) lines are read plainly.
 *
 * Entry points: lineedit_read, lineedit_history_add.
 */
#ifndef SH_LINEEDIT_H
#define SH_LINEEDIT_H

/* Shows prompt on standard error and reads a line from standard input.
 * Returns the line without its newline (malloc'd), or NULL at end of input. */
char *lineedit_read(const char *prompt);
void lineedit_history_add(const char *line);

#endif
