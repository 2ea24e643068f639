/*
 * echo.c - echo [-n] [-e] [-E] [string...]: writes its arguments separated by spaces.
 * Like coreutils, escapes are interpreted only with -e (the shell's builtin echo
 * follows dash instead and always interprets them).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Writes s with \-escapes; returns false on \c (stop all output). */
static bool put_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            putchar(*s);
            continue;
        }
        s++;
        switch (*s) {
        case 'a':
            putchar('\a');
            break;
        case 'b':
            putchar('\b');
            break;
        case 'c':
            return false;
        case 'e':
            putchar(033);
            break;
        case 'f':
            putchar('\f');
            break;
        case 'n':
            putchar('\n');
            break;
        case 'r':
            putchar('\r');
            break;
        case 't':
            putchar('\t');
            break;
        case 'v':
            putchar('\v');
            break;
        case '\\':
            putchar('\\');
            break;
        case '0': {
            int v = 0;
            for (int k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; k++)
                v = v * 8 + (*++s - '0');
            putchar(v);
            break;
        }
        default:
            putchar('\\');
            putchar(*s);
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    util_prog = "echo";
    bool newline = true, escapes = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *o = argv[i] + 1;
        if (strspn(o, "neE") != strlen(o)) break;
        for (; *o; o++) {
            if (*o == 'n')
                newline = false;
            else if (*o == 'e')
                escapes = true;
            else
                escapes = false;
        }
    }
    for (int first = i; i < argc; i++) {
        if (i > first) putchar(' ');
        if (escapes) {
            if (!put_escaped(argv[i])) return fflush(stdout) ? 1 : 0;
        } else {
            fputs(argv[i], stdout);
        }
    }
    if (newline) putchar('\n');
    return fflush(stdout) ? 1 : 0;
}
