/*
 * signames.h - Linux signal names <-> numbers, shared by the shell's kill builtin and
 * the kill utility (user/coreutils/kill.c).
 *
 * Entry points: sig_from_name, sig_name, sig_max.
 */
#ifndef SH_SIGNAMES_H
#define SH_SIGNAMES_H

int sig_from_name(const char *name); /* "KILL", "SIGKILL", "kill", "9" -> 9; -1 if unknown */
const char *sig_name(int sig);       /* 9 -> "KILL"; NULL if unknown */
int sig_max(void);                   /* highest signal number with a name */

#endif
