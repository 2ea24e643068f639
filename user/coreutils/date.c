/*
 * date.c - date [-u] [-d @SECONDS] [+FORMAT]: prints the wall-clock time (or the given
 * seconds since the epoch) with strftime's FORMAT, by default as coreutils' date does,
 * "%a %b %e %H:%M:%S %Z %Y". Time zone: UTC unless TZ says otherwise (-u forces UTC).
 * Setting the clock is not supported (the kernel's realtime clock is read-only).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "date";
    const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
    int utc = 0;
    time_t t = time(NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '+') {
            fmt = a + 1;
        } else if (strcmp(a, "-u") == 0) {
            utc = 1;
        } else if (strcmp(a, "-d") == 0 && i + 1 < argc && argv[i + 1][0] == '@') {
            char *end;
            errno = 0;
            long long v = strtoll(argv[++i] + 1, &end, 10);
            if (errno || *end || end == argv[i] + 1) {
                util_err("invalid date '%s'", argv[i]);
                return 1;
            }
            t = (time_t)v;
        } else {
            util_err("invalid argument '%s' (usage: date [-u] [-d @SECONDS] [+FORMAT])", a);
            return 1;
        }
    }
    struct tm *tm = utc ? gmtime(&t) : localtime(&t);
    if (!tm) {
        util_err("time %lld out of range", (long long)t);
        return 1;
    }
    char out[512];
    size_t n = strftime(out, sizeof out, fmt, tm);
    if (n == 0 && *fmt) {
        util_err("format too long or empty result");
        return 1;
    }
    printf("%s\n", out);
    return 0;
}
