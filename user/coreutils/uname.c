/*
 * uname.c - uname [-a] [-s] [-n] [-r] [-v] [-m]: system name (default), node name,
 * release, version and machine, in that order, from uname(2).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "uname";
    bool s = false, n = false, r = false, v = false, m = false;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1]) {
            util_err("extra operand '%s'", argv[i]);
            return 1;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'a':
                s = n = r = v = m = true;
                break;
            case 's':
                s = true;
                break;
            case 'n':
                n = true;
                break;
            case 'r':
                r = true;
                break;
            case 'v':
                v = true;
                break;
            case 'm':
                m = true;
                break;
            default:
                util_err("invalid option -- '%c'", *o);
                return 1;
            }
        }
    }
    if (!(s || n || r || v || m)) s = true;
    struct utsname u;
    if (uname(&u) != 0) {
        util_perror("uname");
        return 1;
    }
    const char *parts[] = {s ? u.sysname : NULL, n ? u.nodename : NULL, r ? u.release : NULL,
                           v ? u.version : NULL, m ? u.machine : NULL};
    bool first = true;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i]) continue;
        printf("%s%s", first ? "" : " ", parts[i]);
        first = false;
    }
    putchar('\n');
    return 0;
}
