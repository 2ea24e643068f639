/* Kernel command line: "key=value" and bare words, later occurrences overriding earlier ones
 * (so fw_cfg words appended by a test runner win). The value of init= runs up to " -- " or the
 * end: everything after " -- " is the init program's arguments. Pure logic, host-testable.
 * Entry points: cmdline_get, cmdline_has, cmdline_init_args. */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>

/* Copies the value of the last "key=value" into buf; returns false if key is absent. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
/* True if a bare word or a key equal to word is present. */
bool cmdline_has(const char *cmdline, const char *word);
/* Where " -- " starts (the end of the kernel's own words), or the terminating NUL */
const char *cmdline_args_sep(const char *cmdline);
/* The text after the first " -- " (the init program's arguments), or "" */
const char *cmdline_init_args(const char *cmdline);

#endif
